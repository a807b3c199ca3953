"""CrossGuard entry point: ``pulumi preview --policy-pack policies/crossguard``.

The only place a ``PolicyPack`` is built: its constructor starts the policy server and never
returns. Set ``MLOPSKIT_SPEC`` to the stack's ``mlopskit:spec`` (``MLOPSKIT_PRESET`` forces a
preset; ``MLOPSKIT_PYTHON`` names the kit's interpreter when it is not the checkout's ``.venv``).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: the mlopskit package

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
