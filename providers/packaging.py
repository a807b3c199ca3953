"""Training code packaged for upload: deterministic archives of a local directory.

The same directory always gives the same bytes (sorted entries, zero timestamps and
owners, normalised modes, no gzip file name or time), so an unchanged ``code`` directory
never shows as a change in `pulumi up`, and the archive's hash names its object in the
artifact store: a code change is a new object that the job definition points at.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# Left out of every package: caches and VCS/editor state are not code, and would make
# the archive differ between two checkouts of the same commit.
_SKIP_DIRS = {"__pycache__", ".git", ".hg", ".svn", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
_SKIP_SUFFIXES = (".pyc", ".pyo")
# A generated package's name and version: what Vertex AI pip-installs before running
# ``python -m <package>.<module>``.
PACKAGE_NAME = "mlopskit_trainer"
PACKAGE_VERSION = "0.0.0"
LAUNCHER = "_mlopskit_launch"
_SETUP_PY = (
    "from setuptools import find_packages, setup\n\n"
    f"setup(name={PACKAGE_NAME!r}, version={PACKAGE_VERSION!r}, packages=find_packages(),\n"
    f"      package_data={{{PACKAGE_NAME!r}: ['**/*']}})\n"
)
# Runs the entry point as `python <entrypoint>` would from the code directory, so sibling
# imports and relative data paths behave as on the other clouds.
_LAUNCHER = """import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ENTRYPOINT = os.path.join(HERE, {entrypoint!r})
sys.path.insert(0, os.path.dirname(ENTRYPOINT))
os.chdir(HERE)
sys.argv[0] = ENTRYPOINT
runpy.run_path(ENTRYPOINT, run_name="__main__")
"""
_PKG_INFO = f"Metadata-Version: 1.0\nName: {PACKAGE_NAME}\nVersion: {PACKAGE_VERSION}\n"


@dataclass(frozen=True)
class CodeFile:
    """One file of a code directory: its path inside the directory and on disk."""

    name: str  # posix path relative to the code directory
    path: Path
    executable: bool


@dataclass(frozen=True)
class CodeArchive:
    """A packaged archive on local disk (what a FileAsset uploads) and its content hash."""

    path: Path
    sha256: str

    @property
    def short(self) -> str:
        """12 hex digits of the hash: enough to name the object per job."""
        return self.sha256[:12]


def code_files(directory: Path) -> list[CodeFile]:
    """The files of ``directory`` in a stable order, without caches and hidden entries."""
    files = []
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(names):
            path = Path(root) / name
            if name.startswith(".") or name.endswith(_SKIP_SUFFIXES) or not path.is_file():
                continue
            relative = PurePosixPath(path.relative_to(directory).as_posix())
            files.append(CodeFile(str(relative), path, os.access(path, os.X_OK)))
    return sorted(files, key=lambda f: f.name)


def _tar_gz(members: list[tuple[str, bytes, bool]]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data, executable in sorted(members, key=lambda m: m[0]):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o755 if executable else 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _store(data: bytes, filename: str) -> CodeArchive:
    digest = hashlib.sha256(data).hexdigest()
    # Content-addressed: the same code is written once, and a path never changes content
    # while `pulumi up` reads it.
    path = Path(tempfile.gettempdir()) / "mlopskit-code" / digest / filename
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(path)
    return CodeArchive(path, digest)


def source_archive(directory: Path) -> CodeArchive:
    """``sourcedir.tar.gz``: the directory's files at the archive's root (SageMaker script mode)."""
    members = [(f.name, f.path.read_bytes(), f.executable) for f in code_files(directory)]
    return _store(_tar_gz(members), "sourcedir.tar.gz")


def python_module() -> str:
    """The module Vertex AI runs (``python -m``): the generated launcher of the entry point."""
    return f"{PACKAGE_NAME}.{LAUNCHER}"


def python_package(directory: Path, entrypoint: str) -> CodeArchive:
    """A source distribution whose package ``mlopskit_trainer`` holds the directory's files.

    Vertex AI's prebuilt training containers pip-install the package and run
    ``python -m mlopskit_trainer._mlopskit_launch``, which runs ``entrypoint`` as a script from the
    installed files. This is the layout the Vertex AI SDK builds for a local script (a
    generated setup.py over a package of the user's files), written directly so packaging
    needs no subprocess and stays byte-for-byte stable.
    """
    root = f"{PACKAGE_NAME}-{PACKAGE_VERSION}"
    files = code_files(directory)
    members = [(f"{root}/{PACKAGE_NAME}/{f.name}", f.path.read_bytes(), f.executable) for f in files]
    if not any(f.name == "__init__.py" for f in files):
        members.append((f"{root}/{PACKAGE_NAME}/__init__.py", b"", False))
    launcher = _LAUNCHER.format(entrypoint=str(PurePosixPath(entrypoint)))
    members += [
        (f"{root}/{PACKAGE_NAME}/{LAUNCHER}.py", launcher.encode(), False),
        (f"{root}/setup.py", _SETUP_PY.encode(), False),
        (f"{root}/PKG-INFO", _PKG_INFO.encode(), False),
    ]
    return _store(_tar_gz(members), f"{PACKAGE_NAME}-{PACKAGE_VERSION}.tar.gz")
