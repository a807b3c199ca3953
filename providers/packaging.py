"""Training code packaged for upload: deterministic archives of a local directory.

The same files always give the same archive, and the archive is named by a hash every
machine agrees on: the SHA-256 of the canonical UNCOMPRESSED tar (sorted entries, zero
timestamps and owners, normalised modes, PAX format). The gzip bytes around it are not
hashed, since they differ between zlib builds and compression levels. An unchanged
``code`` directory never shows as a change in `pulumi up`, and a code change is a new
object that the job definition points at.

The directory is hostile input (CI packages pull requests): what is packaged is what
``modules/code_tree.py`` lets through (no link out of the directory, ignore rules, a size
cap), and files are streamed from disk into a temporary file, never held in memory.
Archives are cached per user in a private directory (0700, owned by the user) and
re-verified against their hash whenever they are reused; every write goes to a unique
temporary name renamed into place atomically, so concurrent packaging from several
processes is safe.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import stat
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from mlopskit.modules.code_tree import CodeFile, max_bytes, scan
from mlopskit.modules.errors import SpecError, SpecIssue

#: gzip level of the stored archives; not part of the hash (see the module docstring).
COMPRESSLEVEL = 9
_CHUNK = 1 << 20


class PackagingError(SpecError):
    """A code directory that cannot be packaged safely (a link out, an unreadable file, too big)."""

    def __init__(self, directory: Path, problems: list[str]) -> None:
        super().__init__([SpecIssue("training.code", f"{directory}: {p}") for p in problems])

# A generated package's name and version: what Vertex AI pip-installs before running
# ``python -m <package>.<module>``.
PACKAGE_NAME = "mlopskit_trainer"
PACKAGE_VERSION = "0.0.0"
LAUNCHER = "_mlopskit_launch"
# The package builds itself: trainer_backend.py goes into the source distribution as its
# PEP 517 backend (``backend-path``) with no build requirements, so pip installs it inside
# a private network with no egress; with setuptools as the backend, pip's isolated build
# would first download setuptools from the package index.
_BACKEND_MODULE = "_mlopskit_build"
_PYPROJECT = f"""[build-system]
requires = []
build-backend = "{_BACKEND_MODULE}"
backend-path = ["."]

[project]
name = "{PACKAGE_NAME}"
version = "{PACKAGE_VERSION}"
"""
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
_PKG_INFO = f"Metadata-Version: 2.1\nName: {PACKAGE_NAME}\nVersion: {PACKAGE_VERSION}\n"


@dataclass(frozen=True)
class CodeArchive:
    """A packaged archive on local disk (what a FileAsset uploads) and its content hash."""

    path: Path
    sha256: str  # of the canonical uncompressed tar

    @property
    def short(self) -> str:
        """12 hex digits of the hash: enough to name the object per job."""
        return self.sha256[:12]


@dataclass(frozen=True)
class _Member:
    name: str
    source: Path | bytes  # a file of the code directory (streamed), or generated content
    executable: bool


def code_files(directory: Path) -> list[CodeFile]:
    """The files ``directory`` packages, in a stable order; refuses one that is not safe to package."""
    tree = scan(directory)
    if tree.problems:
        raise PackagingError(directory, tree.problems)
    return tree.files


class _HashingWriter:
    """A write-only file that hashes what passes through it (tarfile asks it for tell())."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out, self._hash, self._offset = out, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        self._offset += len(data)
        return self._out.write(data)

    def tell(self) -> int:
        return self._offset

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _open_member(root: Path, path: Path) -> IO[bytes]:
    """Open a code file without following a link out of ``root`` (re-checked: the tree may change)."""
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(root):
        raise PackagingError(root, [f"{path} links outside the code directory (to {real})"])
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise PackagingError(root, [f"{path} cannot be read ({error.strerror or error})"]) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise PackagingError(root, [f"{path} is not a regular file"])
    return os.fdopen(fd, "rb")


def _add(tar: tarfile.TarFile, member: _Member, root: Path) -> int:
    info = tarfile.TarInfo(member.name)
    info.mtime, info.mode = 0, 0o755 if member.executable else 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if isinstance(member.source, bytes):
        info.size = len(member.source)
        tar.addfile(info, io.BytesIO(member.source))
        return info.size
    with _open_member(root, member.source) as handle:
        info.size = os.fstat(handle.fileno()).st_size
        tar.addfile(info, handle)  # streams exactly info.size bytes
    return info.size


def _write_tar(members: list[_Member], root: Path, out: IO[bytes]) -> str:
    """Write the canonical uncompressed tar of ``members`` to ``out``; return its SHA-256."""
    writer = _HashingWriter(out)
    limit, total = max_bytes(), 0
    with tarfile.open(fileobj=writer, mode="w", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
        for member in sorted(members, key=lambda m: m.name):
            total += _add(tar, member, root)
            if total > limit:  # a file grew after validation
                raise PackagingError(root, [f"packages more than the {limit} bytes allowed"])
    return writer.hexdigest()


_FALLBACK: list[Path] = []


def _private(path: Path) -> bool:
    info = path.lstat()
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def cache_root() -> Path:
    """The per-user private cache (``$TMPDIR/mlopskit-code-<uid>``, 0700, owned by the user).

    If that name is taken by anything else (another user's folder, a link, a loose mode),
    it is not used: this process packages into a fresh private directory instead, so a
    planted folder can neither feed archives in nor stop packaging.
    """
    root = Path(tempfile.gettempdir()) / f"mlopskit-code-{os.getuid()}"
    try:
        root.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return _fallback()
    return root if _private(root) else _fallback()


def _fallback() -> Path:
    if not _FALLBACK or not _FALLBACK[0].is_dir():
        _FALLBACK[:] = [Path(tempfile.mkdtemp(prefix="mlopskit-code-"))]
    return _FALLBACK[0]


def _verified(path: Path, digest: str) -> bool:
    """Whether a cached archive is ours and decompresses to the tar named ``digest``."""
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            return False
        content = hashlib.sha256()
        with gzip.open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                content.update(chunk)
    except (OSError, EOFError, zlib.error):
        return False
    return content.hexdigest() == digest


@contextmanager
def _temporary(directory: Path) -> Iterator[tuple[IO[bytes], Path]]:
    """A uniquely named file in ``directory``, removed unless renamed away."""
    fd, name = tempfile.mkstemp(dir=directory, prefix=".partial-")
    path = Path(name)
    try:
        with os.fdopen(fd, "w+b") as handle:
            yield handle, path
    finally:
        path.unlink(missing_ok=True)


def _compress(tar: IO[bytes], target: Path) -> None:
    target.parent.mkdir(mode=0o700, exist_ok=True)
    tar.seek(0)
    with _temporary(target.parent) as (out, partial):
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=COMPRESSLEVEL) as gz:
            shutil.copyfileobj(tar, gz, _CHUNK)
        out.flush()
        os.fsync(out.fileno())
        # Atomic: a reader sees the old complete archive or the new complete one, never a part.
        os.replace(partial, target)


def _store(members: list[_Member], root: Path, filename: str) -> CodeArchive:
    cache = cache_root()
    with _temporary(cache) as (tar, _):
        digest = _write_tar(members, root, tar)
        target = cache / digest / filename
        # Re-verified on every reuse: the digest is predictable, so a file planted under its
        # name (or a truncated one) must never be uploaded as the training code.
        if not _verified(target, digest):
            _compress(tar, target)
    return CodeArchive(target, digest)


def source_archive(directory: Path) -> CodeArchive:
    """``sourcedir.tar.gz``: the directory's files at the archive's root (SageMaker script mode)."""
    root = Path(os.path.realpath(directory))
    members = [_Member(f.name, f.path, f.executable) for f in code_files(root)]
    return _store(members, root, "sourcedir.tar.gz")


def monitor_archive() -> CodeArchive:
    """``monitor.tar.gz``: the kit's monitor package alone (``mlopskit/monitor/*.py``) under an empty
    ``mlopskit/__init__.py``, what a target's monitor job runs with ``python -m mlopskit.monitor``.
    The package imports nothing else of the kit (tests/monitor/test_imports.py)."""
    from mlopskit.monitor import contract

    package = Path(os.path.realpath(contract.__file__)).parent
    members = [_Member("mlopskit/__init__.py", b"", False)]
    members += [_Member(f"mlopskit/monitor/{path.name}", path, False) for path in sorted(package.glob("*.py"))]
    return _store(members, package, "monitor.tar.gz")


def python_module() -> str:
    """The module Vertex AI runs (``python -m``): the generated launcher of the entry point."""
    return f"{PACKAGE_NAME}.{LAUNCHER}"


def python_package(directory: Path, entrypoint: str) -> CodeArchive:
    """A source distribution whose package ``mlopskit_trainer`` holds the directory's files.

    Vertex AI's prebuilt training containers pip-install the package and run
    ``python -m mlopskit_trainer._mlopskit_launch``, which runs ``entrypoint`` as a script from the
    installed files. This is the layout the Vertex AI SDK builds for a local script (a
    package of the user's files), written directly so packaging needs no subprocess and
    stays byte-for-byte stable. Its own build backend needs nothing from a package index.
    """
    root = Path(os.path.realpath(directory))
    top = f"{PACKAGE_NAME}-{PACKAGE_VERSION}"
    files = code_files(root)
    members = [_Member(f"{top}/{PACKAGE_NAME}/{f.name}", f.path, f.executable) for f in files]
    if not any(f.name == "__init__.py" for f in files):
        members.append(_Member(f"{top}/{PACKAGE_NAME}/__init__.py", b"", False))
    launcher = _LAUNCHER.format(entrypoint=str(PurePosixPath(entrypoint)))
    members += [
        _Member(f"{top}/{PACKAGE_NAME}/{LAUNCHER}.py", launcher.encode(), False),
        _Member(f"{top}/pyproject.toml", _PYPROJECT.encode(), False),
        _Member(f"{top}/{_BACKEND_MODULE}.py", (Path(__file__).parent / "trainer_backend.py").read_bytes(), False),
        _Member(f"{top}/PKG-INFO", _PKG_INFO.encode(), False),
    ]
    return _store(members, root, f"{PACKAGE_NAME}-{PACKAGE_VERSION}.tar.gz")


def gate_archive() -> CodeArchive:
    """``gate.tar.gz``: the kit's monitor package (``mlopskit/monitor/``, the training gate's code)
    under an empty ``mlopskit/__init__.py``, so ``python -m mlopskit.monitor.gate_entry`` runs it
    on a plain scikit-learn image. The package is found as a folder beside the loaded ``mlopskit``
    (its files are packaged, never imported: this layer may not import the application's)."""
    import sys

    kit = Path(os.path.realpath(Path(sys.modules["mlopskit"].__file__ or "").parent))
    folder = kit / "monitor"
    members = [_Member("mlopskit/__init__.py", b"", False)]
    members += [_Member(f"mlopskit/monitor/{f.name}", f.path, False) for f in code_files(folder)
                if f.name.endswith(".py")]
    return _store(members, kit, "gate.tar.gz")
