"""Deploying for real, written down (docs/deploy.md), and the files a fresh clone needs for it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pulumi
import pytest
import yaml

from mlopskit.engine import run_program
from mlopskit.modules.errors import SpecError
from mlopskit.modules.targets import names as target_names
from mlopskit.program import run
from mlopskit.providers.aws import AwsProvider
from mlopskit.providers.aws.backups import ECR_REPLICATION_CONFIG
from mlopskit.providers.gcp.budget import CONFIG_KEY, billing_account

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = (ROOT / "docs" / "deploy.md").read_text()


# The modules that read Pulumi config: a new one must document its keys here and in docs/deploy.md.
CONFIG_READERS = {"mlopskit/program.py", "providers/gcp/budget.py", "providers/aws/backups.py",
                  "providers/azure/first_party.py"}


def config_keys() -> set[str]:
    """Every ``mlopskit:<key>`` Pulumi config key the program and the providers read."""
    keys = {f"mlopskit:{k}" for k in re.findall(r'config\.require\("(\w+)"\)', (ROOT / "mlopskit" / "program.py").read_text())}
    from mlopskit.providers.azure.first_party import CONFIG_KEY as COSMOS_KEY

    return keys | {CONFIG_KEY, f"mlopskit:{ECR_REPLICATION_CONFIG}", COSMOS_KEY}


def test_the_config_readers_are_the_known_ones() -> None:
    readers = {str(p.relative_to(ROOT)) for folder in ("mlopskit", "modules", "providers", "policies")
               for p in (ROOT / folder).rglob("*.py") if not p.is_symlink() and "pulumi.Config(" in p.read_text()}
    assert readers == CONFIG_READERS


def test_every_config_key_the_code_reads_is_documented() -> None:
    keys = config_keys()
    assert {"mlopskit:spec", "mlopskit:provider", "mlopskit:gcpBillingAccount"} <= keys
    assert [k for k in sorted(keys) if f"`{k}`" not in DEPLOY] == []


def test_each_cloud_has_its_steps() -> None:
    for step in ("pulumi install", "pulumi login", "pulumi stack init", "gcloud auth application-default login",
                 "az login", "AWS_PROFILE", "--policy-pack policies/crossguard", "MLOPSKIT_SPEC="):
        assert step in DEPLOY, step
    for cloud in target_names():
        assert f"pulumi up -s prod-{cloud}" in DEPLOY and (ROOT / "stacks" / f"Pulumi.prod-{cloud}.yaml").is_file()


def test_a_missing_billing_account_is_the_documented_one_line_error() -> None:
    with pytest.raises(SpecError) as raised:
        billing_account(offline=False)
    [issue] = raised.value.issues
    assert f"`{issue}`" in DEPLOY.replace("\n", " ")


def test_a_stack_without_its_spec_key_stops_naming_it() -> None:
    def program() -> None:
        pulumi.runtime.set_config("mlopskit:provider", "aws")
        run()

    with pytest.raises(pulumi.ConfigMissingError, match="Missing required configuration variable 'mlopskit:spec'"):
        run_program(AwsProvider(), "no-spec", program)
    assert "Missing required configuration variable 'mlopskit:spec'" in DEPLOY


def test_pulumi_install_reads_the_locked_requirements() -> None:
    """Pulumi's pip toolchain installs requirements.txt into the project's virtualenv: the locked
    dependencies and the kit itself, editable (it maps mlopskit.<layer> onto the top-level folders)."""
    options = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["runtime"]["options"]
    assert options == {"toolchain": "pip", "virtualenv": ".venv"}
    lines = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    assert lines == ["-r requirements.lock", "-e ."]


def test_license_is_apache_2_and_declared() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text and "END OF TERMS AND CONDITIONS" in text
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == {"text": "Apache-2.0"}


def _output_keys_written(build_file: Path) -> set[str]:
    """The stack output keys a cloud's build writes: ``self.outputs["k"] = ...`` and
    ``self.outputs.update({"k": ...})``."""
    import ast

    keys: set[str] = set()
    for node in ast.walk(ast.parse(build_file.read_text())):
        target = node.value if isinstance(node, ast.Subscript) else None
        if (isinstance(node, ast.Subscript) and isinstance(target, ast.Attribute) and target.attr == "outputs"
                and isinstance(node.slice, ast.Constant) and isinstance(node.ctx, ast.Store)):
            keys.add(node.slice.value)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update"
                and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "outputs"):
            for argument in node.args:
                if isinstance(argument, ast.Dict):
                    keys |= {k.value for k in argument.keys if isinstance(k, ast.Constant)}
    return keys


def _documented_outputs(cloud: str) -> set[str]:
    section = DEPLOY.split("## 6. Stack outputs", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith(f"| {cloud} |")]
    return {key for row in rows for key in re.findall(r"`(\w+)`", row.split("|")[2])}


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_the_stack_outputs_table_lists_what_each_build_writes(cloud: str) -> None:
    written = _output_keys_written(ROOT / "providers" / cloud / "build.py")
    assert written, f"no output key found in providers/{cloud}/build.py: the reader no longer sees them"
    assert _documented_outputs(cloud) == written


def test_the_outputs_reader_sees_a_planted_key(tmp_path: Path) -> None:
    build = tmp_path / "build.py"
    build.write_text('class B:\n    def f(self):\n        self.outputs["planted"] = 1\n'
                     '        self.outputs.update({"other": 2})\n        x = self.outputs["read"]\n')
    assert _output_keys_written(build) == {"planted", "other"}
