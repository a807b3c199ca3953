"""The steps of the composite GitHub Action (`action.yml`), one subcommand each.

``python -m mlopskit.action validate|policies|report|comment`` runs one step. Every step reads its
settings from the environment the action sets (``SPECS``, ``PROVIDERS``, ...) and talks to GitHub only
through the files the runner gives (``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``) and the ``gh`` CLI, so
``tests/test_action.py`` runs the very same steps on a scratch repository with a stand-in ``gh``.

The kit is driven through its command line (``mlopskit ...``), the contract users and CI depend on,
not through its internals: the action checks exactly what a user running the CLI would see.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# Hidden at the END of the comment, so the body starts with the verdict; one comment per pull
# request is found by it and edited in place on every push instead of posting a new one.
MARKER = "<!-- mlopskit-pr-check -->"
REPORT_DIR = Path("mlopskit-report")
SARIF_DIR = Path("mlopskit-sarif")
COMMENT_FILE = Path("mlopskit-comment.md")
MINUS = "\u2212"  # a real minus sign: "-$12.00" reads as a dash in a proportional font


def specs() -> list[str]:
    """The specs of the ``spec`` input: one or more paths, separated by spaces, commas or new lines."""
    found = [s for s in re.split(r"[\s,]+", os.environ.get("SPECS", "")) if s]
    if not found:
        raise SystemExit("mlopskit action: the 'spec' input names no spec file")
    return list(dict.fromkeys(found))


def providers() -> list[str]:
    return [p for p in re.split(r"[\s,]+", os.environ.get("PROVIDERS", "aws,gcp,azure")) if p]


def slug(spec: str) -> str:
    """A folder name for a spec's reports: its path with separators folded (`stacks/a.yaml` -> `stacks-a`)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", str(Path(spec).with_suffix(""))).strip("-.") or "spec"


def mlopskit(*args: str) -> subprocess.CompletedProcess[str]:
    """One CLI call; its stderr goes to the job log as it is (it names the file and field of any problem)."""
    return subprocess.run(["mlopskit", *args], text=True, stdout=subprocess.PIPE, check=False)


def set_output(name: str, value: str) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(f"{name}={value}\n")


def validate() -> int:
    """Exit 2 (bad input) stops the job: nothing else is meaningful on a spec that does not parse."""
    worst = 0
    for spec in specs():
        result = mlopskit("validate", spec)
        sys.stdout.write(result.stdout)
        worst = max(worst, result.returncode)
    return worst


def policies() -> int:
    """SARIF per spec and cloud into ``mlopskit-sarif/``; the worst policy exit code goes to the step's
    ``exit`` output (1 = a mandatory rule failed), which the last step turns into the job's verdict."""
    SARIF_DIR.mkdir(exist_ok=True)
    preset, config, waivers = (os.environ.get(name, "") for name in ("PRESET", "CONFIG", "WAIVERS"))
    worst = 0
    for spec in specs():
        for cloud in providers():
            args = ["policy", spec, "--provider", cloud, "--format", "sarif"]
            args += ["--preset", preset] if preset else []
            args += ["--config", config] if config else []
            args += ["--waivers", waivers] if waivers else []
            result = mlopskit(*args)
            if result.returncode > 1:  # bad input or an internal error: never a pass
                return result.returncode
            (SARIF_DIR / f"{slug(spec)}-{cloud}.sarif").write_text(result.stdout, encoding="utf-8")
            worst = max(worst, result.returncode)
    set_output("exit", str(worst))
    return 0


@dataclass(frozen=True)
class CostChange:
    cloud: str
    monthly: Decimal | None  # None: the base spec could not be priced (the note says why)
    note: str = ""
    resources: tuple[tuple[str, Decimal], ...] = ()  # (resource, monthly change) of each changed resource

    def text(self) -> str:
        if self.monthly is None:
            return f"{self.cloud} {self.note}"
        return f"{self.cloud} {_signed(self.monthly)}/month{self.note}"


def base_spec(spec: str, base_sha: str) -> Path | None:
    """The base branch's version of ``spec``, written BESIDE it so that relative paths in it
    (``training[].code: ./src``) resolve as they do for the head spec; None when the base has none."""
    shown = subprocess.run(["git", "show", f"{base_sha}:./{spec}"], capture_output=True, text=True, check=False)
    if shown.returncode != 0:
        return None
    path = Path(spec).parent / f".mlopskit-base-{Path(spec).name}"
    path.write_text(shown.stdout, encoding="utf-8")
    return path


def cost_change(spec: str, base: Path, cloud: str) -> CostChange:
    if mlopskit("validate", str(base), "--provider", cloud).returncode != 0:
        # The base file is the one at fault: its own errors are in the log above, named by its path.
        return CostChange(cloud, None, f"not compared: the base branch's {spec} is not valid for {cloud}")
    result = mlopskit("cost", spec, "--provider", cloud, "--format", "json", "--compare-to", str(base))
    if result.returncode > 1:
        return CostChange(cloud, None, "not compared: the cost estimate failed (see the job log)")
    data = json.loads(result.stdout)
    unpriced = data.get("summary", {}).get("totalNoPriceResources", 0)
    changed = tuple((r["name"], Decimal(r["monthlyCost"] or 0)) for p in data["projects"] for r in p["diff"]["resources"])
    return CostChange(cloud, Decimal(data["diffTotalMonthlyCost"]), " (incomplete: unpriced parts)" if unpriced else "",
                      changed)


def _signed(amount: Decimal) -> str:
    return f"{'+' if amount >= 0 else MINUS}${abs(amount):,.2f}"


def _spec_section(spec: str, base_sha: str) -> tuple[bool, str, list[str]]:
    """One spec: its verdict, its headline and the folded details (comparison, cost diff per resource)."""
    out = REPORT_DIR / slug(spec)
    compared = mlopskit("compare", spec, "--providers", ",".join(providers()), "--out", str(out))
    if compared.returncode > 1:
        return False, f"**`{spec}`**: error, the comparison did not run (see the job log)", []
    verdict = json.loads((out / "compare.json").read_text(encoding="utf-8"))["verdict"]
    status = "\u2705 passed" if verdict["ok"] else "\u274c failed: " + "; ".join(verdict["failures"])
    details = ["<details><summary>Comparison: resources, cost, policies, features</summary>", "",
               (out / "compare.md").read_text(encoding="utf-8"), "</details>"]
    base = base_spec(spec, base_sha) if base_sha else None
    if base is None:
        cost = "no cost change: the base branch has no such spec" if base_sha else "no base branch to compare"
        return verdict["ok"], f"**`{spec}`**: {status} \u00b7 {cost}", details
    try:
        changes = [cost_change(spec, base, cloud) for cloud in providers()]
    finally:
        base.unlink()
    cost = ", ".join(c.text() for c in changes)
    rows = [f"| {c.cloud} | `{name}` | {_signed(amount)} |" for c in changes for name, amount in c.resources]
    if rows:
        details += ["", "<details><summary>Cost change per resource</summary>", "",
                    "| cloud | resource | monthly change |", "|---|---|---:|", *rows, "", "</details>"]
    return verdict["ok"], f"**`{spec}`**: {status} \u00b7 cost {cost}", details


def report() -> int:
    """The comparison of every spec into ``mlopskit-report/`` (the artifact), the comment body
    (verdict and cost change first, details folded) and the job summary."""
    base_sha = os.environ.get("BASE_SHA", "")
    sections = [_spec_section(spec, base_sha) for spec in specs()]
    ok = all(passed for passed, _, _ in sections)
    lines = [f"## mlopskit: {'passed' if ok else 'failed'}", ""]
    lines += [headline for _, headline, _ in sections]
    for _, _, details in sections:
        lines += ["", *details]
    body = "\n".join(lines) + "\n\n" + MARKER + "\n"
    COMMENT_FILE.write_text(body, encoding="utf-8")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(body)
    set_output("verdict", "passed" if ok else "failed")
    return 0


def comment() -> int:
    """Post the body once per pull request and edit that comment on every later push."""
    repo, pr = os.environ["GITHUB_REPOSITORY"], os.environ["PR"]
    found = subprocess.run(
        ["gh", "api", "--paginate", f"repos/{repo}/issues/{pr}/comments",
         "--jq", f'.[] | select(.body | contains("{MARKER}")) | .id'],
        capture_output=True, text=True, check=True).stdout.split()
    if found:
        call = ["gh", "api", "--method", "PATCH", f"repos/{repo}/issues/comments/{found[0]}"]
    else:
        call = ["gh", "api", "--method", "POST", f"repos/{repo}/issues/{pr}/comments"]
    subprocess.run([*call, "--field", f"body=@{COMMENT_FILE}", "--silent"], check=True)
    return 0


STEPS = {"validate": validate, "policies": policies, "report": report, "comment": comment}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in STEPS:
        print(f"usage: python -m mlopskit.action {{{'|'.join(STEPS)}}}", file=sys.stderr)
        return 2
    return STEPS[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
