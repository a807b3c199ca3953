"""Checkov over the kit's recorded AWS and GCP graphs: the outside judge.

Every bundled spec (stacks/*.yaml) is previewed offline on AWS and on GCP, converted to Terraform
JSON (tests/checkov/terraform_json.py) and scanned in ONE Checkov run (pinned in
tests/checkov/requirements.txt, installed in .venv-checkov by ``make checkov-env``), with
``--framework terraform_json``, no API key, ``--skip-download`` and every HTTP(S) request sent
to a closed local port, so it is offline. Each failure must match an entry of
tests/checkov/exceptions.yaml (check id, resource name glob, the vendor fact why it does not
apply); an entry that matches nothing is stale and fails too.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
EXCEPTIONS = Path(__file__).with_name("exceptions.yaml")
CUSTOM_CHECKS = Path(__file__).with_name("checks")
CLOUDS = ("aws", "gcp")
# Any request Checkov might make goes nowhere (port 9, discard: refused at once).
_OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "",
            "BC_API_KEY": "", "CHECKOV_PARALLELIZATION_TYPE": "none", "LOG_LEVEL": "WARNING"}


@dataclass(frozen=True, order=True)
class Finding:
    """One failed Checkov check: in which converted file (``<spec>-<cloud>``), on which resource."""

    source: str
    check: str
    resource: str  # the Terraform resource name (the Pulumi logical name)

    def __str__(self) -> str:
        return f"{self.source}: {self.check} on {self.resource}"


@dataclass(frozen=True)
class Exception_:
    """A reviewed entry of tests/checkov/exceptions.yaml."""

    check: str
    resources: tuple[str, ...]
    reason: str
    clouds: tuple[str, ...]

    def covers(self, finding: Finding) -> bool:
        cloud = finding.source.rsplit("-", 1)[-1]
        return (finding.check == self.check and cloud in self.clouds
                and any(fnmatch.fnmatchcase(finding.resource, pattern) for pattern in self.resources))


def load_exceptions(path: Path = EXCEPTIONS) -> list[Exception_]:
    """The reviewed entries; each must give a check, resource globs, the clouds and a reason."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for index, entry in enumerate(entries):
        missing = [k for k in ("check", "resources", "clouds", "reason") if not entry.get(k)]
        if missing:
            raise ValueError(f"{path.name}[{index}]: missing {', '.join(missing)}")
        out.append(Exception_(entry["check"], tuple(entry["resources"]), " ".join(entry["reason"].split()),
                              tuple(entry["clouds"])))
    return out


def run_checkov(directory: Path) -> list[Finding]:
    """Every failed check of one Checkov run over the ``*.tf.json`` files of ``directory``."""
    command = [str(CHECKOV), "--directory", str(directory), "--framework", "terraform_json", "--output", "json",
               "--skip-download", "--compact", "--quiet", "--external-checks-dir", str(CUSTOM_CHECKS)]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **_OFFLINE}, check=False,
                          timeout=900)
    if done.returncode not in (0, 1) or not done.stdout.strip():  # 1: some check failed
        raise RuntimeError(f"checkov exited {done.returncode}: {done.stderr[-2000:]}")
    reports = json.loads(done.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    findings = []
    for report in reports:
        if report.get("summary", {}).get("parsing_errors"):
            raise RuntimeError(f"checkov could not parse: {report['results'].get('parsing_errors')}")
        for failed in report["results"]["failed_checks"]:
            source = Path(failed["file_path"]).name.removesuffix(".tf.json")
            findings.append(Finding(source, failed["check_id"], str(failed["resource"]).rsplit(".", 1)[-1]))
    return sorted(set(findings))


def unlisted(findings: Iterable[Finding], exceptions: list[Exception_]) -> list[Finding]:
    """Findings no reviewed entry explains: each fails the gate."""
    return [f for f in findings if not any(e.covers(f) for e in exceptions)]


def stale(findings: Iterable[Finding], exceptions: list[Exception_], sources: Iterable[str]) -> list[Exception_]:
    """Entries that explain nothing in ``sources`` (their cloud's files): the fix landed, drop them."""
    scanned = {s.rsplit("-", 1)[-1] for s in sources}
    found = list(findings)
    return [e for e in exceptions if set(e.clouds) & scanned and not any(e.covers(f) for f in found)]


def by_source(findings: Iterable[Finding]) -> Mapping[str, set[tuple[str, str]]]:
    """source -> {(check, resource)}."""
    out: dict[str, set[tuple[str, str]]] = {}
    for f in findings:
        out.setdefault(f.source, set()).add((f.check, f.resource))
    return out


def write_document(directory: Path, source: str, document: dict[str, Any]) -> None:
    (directory / f"{source}.tf.json").write_text(json.dumps(document, indent=1, sort_keys=True), encoding="utf-8")
