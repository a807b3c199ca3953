"""CrossGuard entry point: ``pulumi preview --policy-pack policies/crossguard``.

The only place a ``PolicyPack`` is built: its constructor starts the policy server and never
returns. Set ``MLOPSKIT_SPEC`` to the stack's ``mlopskit:spec`` (``MLOPSKIT_PRESET`` forces a
preset; ``MLOPSKIT_PYTHON`` names the kit's interpreter when it is not the checkout's ``.venv``).
"""

import os
import runpy
import sys
from pathlib import Path

# The pack's virtualenv has no install of the kit: map mlopskit.* onto this checkout (checkout_layers.py).
ROOT = Path(__file__).resolve().parents[2]
runpy.run_path(str(Path(__file__).with_name("checkout_layers.py")))["install"](ROOT)

import pulumi_policy  # noqa: E402
import pulumi_policy.proxy  # noqa: E402  (its UnknownValueError: what reading an unknown raises)
from pulumi_policy import PolicyPack  # noqa: E402

from mlopskit.modules.errors import SpecError  # noqa: E402
from mlopskit.policies.crossguard.adapter import build_policies, spec_graph_loader, spec_loader  # noqa: E402

try:
    # The spec's compliance.frameworks decide each policy's enforcement, so it is read before serving.
    policies = build_policies(pulumi_policy, spec_loader(), spec_graph_loader(), preset=os.environ.get("MLOPSKIT_PRESET"))
except SpecError as error:
    sys.exit("mlopskit policy pack: " + "; ".join(str(issue) for issue in error.issues))

PolicyPack(name="mlopskit", enforcement_level=pulumi_policy.EnforcementLevel.ADVISORY, policies=policies)
