"""`from mlopskit import MlopsStack` in a team's own Pulumi program, outside the kit's checkout.

The program (written into a temporary project, as a team would keep it beside its own code) names
its spec relative to its project; under the mocks it must record exactly what `mlopskit preview`
records for the same spec: the same URNs, types, parents and inputs.
"""

from __future__ import annotations

import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pulumi
import pytest

from mlopskit.engine import preview, run_program
from mlopskit.modules import load_stack
from mlopskit.providers.aws import AwsProvider
from tests.conftest import STACKS

TEAM_PROGRAM = '''\
"""A team's own Pulumi program: its network team's stack beside, the ML stack from mlopskit."""
import pulumi
from mlopskit import MlopsStack

ml = MlopsStack("ml/fraud.yaml", provider="aws")
pulumi.export("warnings", [str(w) for w in ml.warnings])
'''


def team_project(tmp_path: Path) -> Path:
    project = tmp_path / "team-infra"
    (project / "ml").mkdir(parents=True)
    shutil.copy(STACKS / "fraud-dev.yaml", project / "ml" / "fraud.yaml")
    (project / "Pulumi.yaml").write_text("name: team-infra\nruntime: python\n")
    (project / "__main__.py").write_text(TEAM_PROGRAM)
    return project


def recorded(monitor) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    return {r.urn: (r.type, r.parent, repr(r.inputs)) for r in monitor.records.values()}


def test_a_team_program_records_what_preview_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = team_project(tmp_path)
    stack = load_stack(project / "ml" / "fraud.yaml", "aws")
    expected = {r.urn: (r.type, r.parent, repr(r.inputs)) for r in preview(stack, "aws").resources}
    provider = AwsProvider()
    monkeypatch.chdir(project)  # Pulumi runs a program from its project directory
    with provider.offline_registry(stack) as registry:
        # `pulumi up` asks the live registry; here the same client answers from the seeded stand-in.
        monkeypatch.setattr(AwsProvider, "registry", lambda self, s: registry)
        monitor = run_program(provider, stack.name, lambda: runpy.run_path(str(project / "__main__.py")))
    assert recorded(monitor) == expected
    assert str(Path.cwd()) == str(project) and not str(project).startswith(str(STACKS.parent))


def test_a_bad_spec_in_a_team_program_is_a_run_error_naming_the_field(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    project = team_project(tmp_path)
    spec = project / "ml" / "fraud.yaml"
    spec.write_text(spec.read_text().replace("environment: dev", "environment: live"))
    monkeypatch.chdir(project)
    with pytest.raises(pulumi.RunError, match=r"fraud.yaml is invalid:\n  metadata.environment"):
        run_program(AwsProvider(), "fraud-dev", lambda: runpy.run_path(str(project / "__main__.py")))


def test_importing_mlopskit_imports_nothing_else() -> None:
    probe = ("import sys, mlopskit; print(sorted(m for m in sys.modules if m.startswith(('mlopskit.', 'pulumi'))));"
             "mlopskit.MlopsStack; print('MlopsStack' in dir(sys.modules['mlopskit.stack_component']))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout.splitlines()
    assert out == ["[]", "True"]
