"""Training code packaging: deterministic archives, and a Vertex package that runs its
entry point like `python <entrypoint>` from the code directory would."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import tarfile
from pathlib import Path

from mlopskit.providers.packaging import python_module, python_package, source_archive


def _code(tmp_path: Path) -> Path:
    code = tmp_path / "code"
    (code / "lib").mkdir(parents=True)
    (code / "main.py").write_text(
        "import sys\nfrom helper import answer\nfrom lib.util import twice\n"
        "open('out.txt', 'w').write(f'{answer()} {twice(2)} {sys.argv[1:]}')\n"
    )
    (code / "helper.py").write_text("def answer():\n    return 42\n")
    (code / "lib" / "util.py").write_text("def twice(x):\n    return 2 * x\n")
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "helper.cpython-311.pyc").write_bytes(b"cache")
    (code / ".env").write_text("SECRET=1")
    return code


def test_source_archive_is_byte_for_byte_stable(tmp_path: Path) -> None:
    code = _code(tmp_path)
    first = source_archive(code)
    os.utime(code / "main.py", (1, 1))  # a checkout's timestamps are not content
    second = source_archive(code)
    assert first.sha256 == second.sha256
    assert first.path.read_bytes() == second.path.read_bytes()


def test_source_archive_changes_with_content(tmp_path: Path) -> None:
    code = _code(tmp_path)
    before = source_archive(code).sha256
    (code / "helper.py").write_text("def answer():\n    return 43\n")
    assert source_archive(code).sha256 != before


def test_source_archive_has_normalised_members_at_the_root(tmp_path: Path) -> None:
    archive = source_archive(_code(tmp_path))
    assert archive.path.name == "sourcedir.tar.gz"
    with tarfile.open(archive.path) as tar:
        members = tar.getmembers()
    # Sorted, no caches or hidden files, no owner or time.
    assert [m.name for m in members] == ["helper.py", "lib/util.py", "main.py"]
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname, m.mode) for m in members} == {(0, 0, 0, "", "", 0o644)}
    header = archive.path.read_bytes()[:10]
    assert header[4:8] == b"\0\0\0\0"  # gzip MTIME: zero
    assert gzip.decompress(archive.path.read_bytes())  # a valid gzip stream


def test_vertex_package_runs_the_entry_point_with_sibling_imports(tmp_path: Path) -> None:
    archive = python_package(_code(tmp_path), "main.py")
    assert archive == python_package(_code(tmp_path / "again"), "main.py")  # stable too
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive.path) as tar:
        names = tar.getnames()
        tar.extractall(unpacked, filter="data")
    root = unpacked / "mlopskit_trainer-0.0.0"
    assert {"mlopskit_trainer-0.0.0/setup.py", "mlopskit_trainer-0.0.0/PKG-INFO",
            "mlopskit_trainer-0.0.0/mlopskit_trainer/__init__.py"} <= set(names)
    # What Vertex does after pip-installing the package: python -m <pythonModule> <args>.
    run = subprocess.run([sys.executable, "-m", python_module(), "--max_depth=6"], cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert (root / "mlopskit_trainer" / "out.txt").read_text() == "42 4 ['--max_depth=6']"
