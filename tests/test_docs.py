"""The project's docs name only paths that exist, and the code cites only docs in the repository."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))
# `code` spans that look like a repository path: a known top-level folder or a file name with a suffix.
_PATH = re.compile(r"`((?:modules|providers|policies|mlopskit|stacks|tests|docs|bench)/[^`\s]*|[\w./-]+\.(?:py|md|yaml|csv|toml))`")


def paths_named(text: str) -> list[str]:
    """Repository paths a Markdown text names in code spans (templated ones like ``<cloud>`` skipped)."""
    return sorted({m.group(1).split("::")[0] for m in _PATH.finditer(text) if "<" not in m.group(1)})


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_path_a_doc_names_exists(doc: Path) -> None:
    missing = [p for p in paths_named(doc.read_text(encoding="utf-8")) if not (ROOT / p.rstrip("/")).exists()]
    assert missing == []


def test_architecture_doc_exists_and_names_paths() -> None:
    names = paths_named((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert "modules/provider.py" in names and "providers/__init__.py" in names
    assert paths_named("see `providers/nowhere.py` and `<cloud>/x.py`") == ["providers/nowhere.py"]


def test_code_cites_only_documents_in_the_repository() -> None:
    cited = re.compile(r"\b([A-Z][A-Za-z_-]*\.md)\b")
    known = set()
    for folder, dirs, files in os.walk(ROOT):
        # Virtualenvs and build output (.venv, .venv-policy, build/) hold other projects' documents.
        dirs[:] = [d for d in dirs if not d.startswith((".venv", ".git")) and not (folder == str(ROOT) and d == "build")]
        known |= {f for f in files if f.endswith(".md")}
    offenders = []
    for package in ("modules", "providers", "policies", "mlopskit", "tests", "bench"):
        for path in (ROOT / package).rglob("*.py"):
            for name in cited.findall(path.read_text(encoding="utf-8")):
                if name not in known:
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []
