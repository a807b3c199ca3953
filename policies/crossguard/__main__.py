"""CrossGuard entry point: ``pulumi preview --policy-pack policies/crossguard``.

The only place a ``PolicyPack`` is built: its constructor starts the policy server.
Set MLOPSKIT_SPEC to the spec the stack deploys (and MLOPSKIT_PRESET to force a preset).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: the mlopskit package

import pulumi_policy  # noqa: E402
from pulumi_policy import PolicyPack  # noqa: E402

from mlopskit.policies.crossguard.adapter import build_policies, spec_loader  # noqa: E402

PolicyPack(
    name="mlopskit",
    enforcement_level=pulumi_policy.EnforcementLevel.ADVISORY,
    policies=build_policies(pulumi_policy, spec_loader(), preset=os.environ.get("MLOPSKIT_PRESET")),
)
