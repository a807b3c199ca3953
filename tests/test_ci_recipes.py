"""The CI recipes users copy: the workflow, the composite action and the pre-commit hooks.

Each must parse, and every ``mlopskit ...`` command line in them must name a subcommand and
flags the real CLI parser (mlopskit/cli.py) accepts.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlopskit import hooks
from mlopskit.cli import build_parser
from mlopskit.modules.targets import names as target_names

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "mlopskit.yml"
ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
# Values the recipes' shell variables hold in a run (placeholders for the parser).
VARIABLES = {"SPEC": "stacks/credit-risk.yaml", "cloud": "aws", "PROVIDERS": ",".join(target_names()), "PRESET": "gdpr"}


def steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in document:
        return list(document["runs"]["steps"])
    return [step for job in document["jobs"].values() for step in job["steps"]]


def command_lines(script: str) -> list[list[str]]:
    """Each ``mlopskit`` invocation in a bash script, its variables substituted, up to a shell operator."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        for match in re.finditer(r"(?:^|[\s;&|(])mlopskit\s", line):
            text = line[match.start():].strip(" ;&|(")
            text = re.sub(r"\$\{(\w+):\+([^}]*)\}", r"\2", text)  # ${VAR:+--flag "$VAR"}: the flag is given
            text = re.sub(r"\$\{?(\w+)\}?", lambda m: VARIABLES[m.group(1)], text)
            tokens = []
            for token in shlex.split(text):
                if token in (">", ">>", "||", "|", "&&", ";") or token.startswith((">", "2>")):
                    break
                tokens.append(token)
            found.append(tokens)
    return found


def recipe_commands() -> list[tuple[str, list[str]]]:
    out = []
    for path in (WORKFLOW, ACTION):
        for step in steps(yaml.safe_load(path.read_text())):
            out += [(path.name, line) for line in command_lines(step.get("run", ""))]
    return out


def test_the_recipes_parse_and_use_the_kit() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    action = yaml.safe_load(ACTION.read_text())
    assert any(".ci/run" in str(step.get("run", "")) for step in steps(workflow))  # CI runs what .ci/run runs
    # on every Python pyproject supports (the matrix of the test job)
    assert workflow["jobs"]["test"]["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    assert any(step.get("uses") == "./" for step in steps(workflow))  # and the composite action itself
    assert action["runs"]["using"] == "composite" and "spec" in action["inputs"]
    assert any(str(step.get("uses", "")).startswith("github/codeql-action/upload-sarif@") for step in steps(action))
    # Every script step of the action is one step of mlopskit/action.py (tests/test_action.py runs them).
    from mlopskit import action as action_steps

    called = [re.fullmatch(r"python -m mlopskit\.action (\w+)", step["run"].strip()) for step in steps(action)
              if "mlopskit.action" in step.get("run", "")]
    assert called and all(m and m.group(1) in action_steps.STEPS for m in called)
    assert {m.group(1) for m in called if m} == set(action_steps.STEPS)


def test_every_mlopskit_command_line_in_the_yaml_parses_with_the_real_cli() -> None:
    """The action's own CLI calls are in mlopskit/action.py: tests/test_action.py parses each one it makes."""
    parser = build_parser()
    for source, line in recipe_commands():
        assert line[0] == "mlopskit", (source, line)
        try:
            parser.parse_args(line[1:])
        except SystemExit:
            pytest.fail(f"{source}: `{' '.join(line)}` is not a valid mlopskit command line")


def test_the_hooks_recognise_specs_by_content_wherever_they_are(tmp_path: Path) -> None:
    elsewhere = tmp_path / "ml" / "stack.yml"
    elsewhere.parent.mkdir()
    elsewhere.write_text((ROOT / "stacks" / "fraud-dev.yaml").read_text())
    broken = tmp_path / "broken.yaml"  # still a spec: its YAML error must be reported, not skipped
    broken.write_text('apiVersion: "mlopskit/v1"\nkind: Stack\nmetadata: {name: [\n')
    other = tmp_path / "values.yaml"
    other.write_text("image: {repository: x}\n# apiVersion: mlopskit/v1 in a comment is not a spec\n")
    config = str(ROOT / "stacks" / "Pulumi.prod-aws.yaml")
    staged = [str(elsewhere), str(broken), str(other), config]
    assert [line[1] for line in hooks.commands("validate", staged)] == [str(elsewhere), str(broken)]
    assert hooks.main(["validate", str(broken)]) == 2


def test_a_wrong_command_line_is_caught() -> None:
    """The check can fail: an unknown flag is refused by the same parser."""
    [line] = command_lines('mlopskit compare "$SPEC" --format markdwon > out.md')
    with pytest.raises(SystemExit):
        build_parser().parse_args(line[1:])


def test_pre_commit_hooks_run_commands_that_exist(capsys: pytest.CaptureFixture[str]) -> None:
    entries = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text())}
    assert set(entries) == {"mlopskit-validate", "mlopskit-policy"}
    parser = build_parser()
    spec = str(ROOT / "stacks" / "credit-risk.yaml")
    for hook in entries.values():
        assert hook["types"] == ["yaml"] and "files" not in hook  # specs are found by content (below)
        module, command = shlex.split(hook["entry"])[2:]
        assert module == "mlopskit.hooks" and command in hooks.COMMANDS
        lines = hooks.commands(command, [spec, str(ROOT / "stacks" / "fraud-dev.yaml")])
        assert len(lines) >= 2 and all(parser.parse_args(line) for line in lines)
    # policy without --provider checks every placed cloud; with it, only that one.
    assert [line[-1] for line in hooks.commands("policy", [spec])] == list(target_names())
    assert hooks.commands("policy", ["--provider", "gcp", spec]) == [["policy", spec, "--provider", "gcp"]]
    assert hooks.main(["validate", spec]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_ci_makes_the_pack_environment_and_runs_the_wheel_check() -> None:
    """`.ci/run` = `make test` (which makes .venv-policy first) then `make wheel-check`, outside pytest."""
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert lines.index("make test") < lines.index("make wheel-check") and 'export CI="${CI:-true}"' in lines
    # -n prints the recipes without running them; -W pretends the pack's requirements changed.
    plan = subprocess.run(["make", "-n", "-W", "policies/crossguard/requirements.txt", "test"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.splitlines()
    install = next(i for i, step in enumerate(plan) if ".venv-policy/bin/pip install" in step)
    assert install < next(i for i, step in enumerate(plan) if "-m pytest" in step)
    wheel = subprocess.run(["make", "-n", "wheel-check"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "pip wheel" in wheel and "-m venv build/wheel-check/venv" in wheel and ".ci/wheel_check.py" in wheel
