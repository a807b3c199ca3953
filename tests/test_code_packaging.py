"""Training code packaging: deterministic archives, and a Vertex package that runs its
entry point like `python <entrypoint>` from the code directory would."""

from __future__ import annotations

import errno
import gzip
import hashlib
import io
import multiprocessing
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

from mlopskit.cli import main
from mlopskit.modules.code_tree import MAX_BYTES_ENV, CodeFile
from mlopskit.providers import packaging
from mlopskit.providers.packaging import PackagingError, code_files, python_module, python_package, source_archive
from tests.specs import baseline, write_spec


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
    assert hashlib.sha256(gzip.decompress(archive.path.read_bytes())).hexdigest() == archive.sha256
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
    assert {"mlopskit_trainer-0.0.0/pyproject.toml", "mlopskit_trainer-0.0.0/PKG-INFO",
            "mlopskit_trainer-0.0.0/mlopskit_trainer/__init__.py"} <= set(names)
    # What Vertex does after pip-installing the package: python -m <pythonModule> <args>.
    run = subprocess.run([sys.executable, "-m", python_module(), "--max_depth=6"], cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert (root / "mlopskit_trainer" / "out.txt").read_text() == "42 4 ['--max_depth=6']"


def test_vertex_package_installs_with_no_package_index(tmp_path: Path) -> None:
    # Issue 26 row 11: a prebuilt container's pip builds the source distribution in an isolated
    # environment. `--no-index` proves the build needs nothing from a package index (with
    # setuptools as the backend, this install fails: pip cannot fetch setuptools).
    archive = python_package(_code(tmp_path), "main.py")
    target = tmp_path / "site"
    run = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "--no-deps", "--no-cache-dir",
                          "--disable-pip-version-check", "--target", str(target), str(archive.path)],
                         capture_output=True, text=True, timeout=300, check=False, env={**os.environ, "PIP_CONFIG_FILE": os.devnull})
    assert run.returncode == 0, run.stdout + run.stderr
    assert (target / "mlopskit_trainer" / "helper.py").is_file()
    assert (target / "mlopskit_trainer" / "_mlopskit_launch.py").is_file()
    done = subprocess.run([sys.executable, "-m", python_module()], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(target)}, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert (target / "mlopskit_trainer" / "out.txt").read_text() == "42 4 []"


# -- hostile code directories (issue 27): every case is built here in a temporary directory --

def _spec(tmp_path: Path) -> tuple[Path, Path]:
    """A spec in tmp_path whose training[0].code is a real copy of the bundled ./src."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    spec = write_spec(tmp_path, baseline())
    return spec, tmp_path / "src"


def _validate(spec: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", str(spec), "--provider", "aws"])
    return code, capsys.readouterr().err


def test_a_link_to_a_file_outside_is_refused_at_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, code = _spec(tmp_path)
    secret = tmp_path / "outside" / "environ"
    secret.parent.mkdir()
    secret.write_text("AWS_SECRET_ACCESS_KEY=leak")
    (code / "run.env").symlink_to(secret)
    status, err = _validate(spec, capsys)
    assert status == 2
    assert f"training[0].code: ./src/run.env links outside the code directory (to {secret})" in err
    with pytest.raises(PackagingError):  # and packaging never reads it, validated or not
        source_archive(code)


def test_a_code_directory_linked_out_of_the_spec_tree_is_refused(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    spec, code = _spec(tmp_path / "project")
    elsewhere = tmp_path / "etc"
    shutil.move(code, elsewhere)
    code.symlink_to(elsewhere, target_is_directory=True)
    status, err = _validate(spec, capsys)
    assert status == 2
    assert f"training[0].code: ./src resolves outside the spec file's directory (to {elsewhere})" in err


def test_a_directory_link_inside_the_code_that_leads_out_is_refused(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    spec, code = _spec(tmp_path / "project")
    (tmp_path / "etc").mkdir()
    (code / "conf").symlink_to(tmp_path / "etc", target_is_directory=True)
    status, err = _validate(spec, capsys)
    assert status == 2 and "./src/conf links outside the code directory" in err


def test_a_dangling_link_is_refused_at_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, code = _spec(tmp_path)
    (code / "gone.py").symlink_to(code / "never-there.py")
    status, err = _validate(spec, capsys)
    assert status == 2 and "training[0].code: ./src/gone.py is a dangling link" in err


def test_a_link_inside_the_code_directory_is_packaged_as_its_file(tmp_path: Path) -> None:
    code = _code(tmp_path)
    (code / "alias.py").symlink_to(code / "helper.py")
    with tarfile.open(source_archive(code).path) as tar:
        assert tar.extractfile("alias.py").read() == (code / "helper.py").read_bytes()  # type: ignore[union-attr]


def test_a_fifo_is_refused_at_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A FIFO cannot be packaged (reading it would wait for a writer): refused, never opened blocking.
    spec, code = _spec(tmp_path)
    os.mkfifo(code / "pipe.txt")
    status, err = _validate(spec, capsys)
    assert status == 2 and "training[0].code: ./src/pipe.txt is not a regular file" in err


def test_an_unreadable_file_is_refused_at_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests run as root, for whom chmod 000 does not stop a read: the refusal the kernel
    # would give an ordinary user (EACCES) is made by a mocked os.open for that one file.
    spec, code = _spec(tmp_path)
    locked = code / "locked.py"
    locked.write_text("x = 1\n")
    real_open = os.open

    def refusing_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if Path(str(path)).name == "locked.py":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    status, err = _validate(spec, capsys)
    assert status == 2 and "training[0].code: ./src/locked.py cannot be read (Permission denied)" in err


def test_the_size_cap_is_exit_2_and_configurable(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    spec, code = _spec(tmp_path)
    (code / "weights.bin").write_bytes(b"\0" * 4096)
    monkeypatch.setenv(MAX_BYTES_ENV, "4000")
    status, err = _validate(spec, capsys)
    assert status == 2 and f"more than the 4000 allowed (leave data out with .mlopskitignore, or raise {MAX_BYTES_ENV})" in err
    with pytest.raises(PackagingError):
        source_archive(code)
    monkeypatch.setenv(MAX_BYTES_ENV, "1000000")
    assert _validate(spec, capsys)[0] == 0


def test_packaging_stops_when_a_file_grows_past_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _code(tmp_path)
    monkeypatch.setattr(packaging, "code_files", lambda directory: [  # validated while small
        CodeFile("big.bin", code / "big.bin", False, 10)])
    (code / "big.bin").write_bytes(b"\0" * 5000)
    monkeypatch.setenv(MAX_BYTES_ENV, "4096")
    with pytest.raises(PackagingError, match="more than the 4096 bytes allowed"):
        source_archive(code)


def test_ignore_rules_and_defaults(tmp_path: Path) -> None:
    code = _code(tmp_path)
    venv = code / "venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").symlink_to("/usr/bin/python3")  # a link out, but ignored first: no error
    for folder in ("build", "dist", "node_modules", ".venv", "data/raw"):
        (code / folder).mkdir(parents=True, exist_ok=True)
        (code / folder / "x.txt").write_text("x")
    (code / "data" / "keep.csv").write_text("a,b\n")
    (code / "notes.md").write_text("n")
    (code / "logs").mkdir()
    (code / "logs" / "run.log").write_text("l")
    (code / ".mlopskitignore").write_text("# comments and blanks are skipped\n\n/data/raw/\n*.md\nlogs/**\n")
    names = [f.name for f in code_files(code)]
    assert names == ["data/keep.csv", "helper.py", "lib/util.py", "main.py"]
    (code / ".mlopskitignore").write_text("*.md\n!notes.md\n")
    assert "notes.md" in [f.name for f in code_files(code)]


def test_credential_like_names_are_warned_about_at_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, code = _spec(tmp_path)
    for name in ("id_rsa", "credentials.json", "server.pem", "terraform.tfstate", "Pulumi.prod.yaml"):
        (code / name).write_text("secret")
    status, err = _validate(spec, capsys)
    assert status == 0
    for name in ("id_rsa", "credentials.json", "server.pem", "terraform.tfstate", "Pulumi.prod.yaml"):
        assert f"warning: training[0].code: {name} looks like a credential file" in err
    assert "train.py looks like" not in err


def test_hash_is_over_the_uncompressed_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _code(tmp_path)
    monkeypatch.setattr(packaging, "cache_root", lambda: _fresh(tmp_path / "c1"))
    monkeypatch.setattr(packaging, "COMPRESSLEVEL", 9)
    best = source_archive(code)
    monkeypatch.setattr(packaging, "cache_root", lambda: _fresh(tmp_path / "c2"))
    monkeypatch.setattr(packaging, "COMPRESSLEVEL", 1)
    fast = source_archive(code)
    assert best.path.read_bytes() != fast.path.read_bytes()  # other gzip bytes...
    assert best.sha256 == fast.sha256  # ...same name for the same code
    assert hashlib.sha256(gzip.decompress(fast.path.read_bytes())).hexdigest() == fast.sha256


def _fresh(path: Path) -> Path:
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def test_a_planted_cache_file_is_never_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    code = _code(tmp_path)
    good = source_archive(code)
    expected = good.path.read_bytes()
    assert good.path.parent.parent == tmp_path / "tmp" / f"mlopskit-code-{os.getuid()}"
    assert stat.S_IMODE(good.path.parent.parent.stat().st_mode) == 0o700
    planted = io.BytesIO()
    with tarfile.open(fileobj=planted, mode="w:gz") as tar:
        info = tarfile.TarInfo("main.py")
        info.size = 9
        tar.addfile(info, io.BytesIO(b"evil = 1\n"))
    good.path.write_bytes(planted.getvalue())
    again = source_archive(code)
    assert again.path == good.path and again.path.read_bytes() == expected


def test_a_cache_folder_owned_by_someone_else_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    other = tmp_path / f"mlopskit-code-{os.getuid()}"
    other.mkdir(mode=0o777)
    os.chmod(other, 0o777)  # world-writable: anyone could plant archives in it
    archive = source_archive(_code(tmp_path))
    assert not archive.path.is_relative_to(other)
    assert hashlib.sha256(gzip.decompress(archive.path.read_bytes())).hexdigest() == archive.sha256


def _package_in_process(code: str) -> tuple[str, str, bytes]:
    archive = source_archive(Path(code))
    return str(archive.path), archive.sha256, archive.path.read_bytes()


def test_concurrent_packaging_from_several_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _code(tmp_path)
    (code / "big.bin").write_bytes(os.urandom(1 << 20) * 4)  # long enough for the writers to overlap
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    context = multiprocessing.get_context("spawn")  # fresh interpreters, as compare --jobs runs them
    with context.Pool(4) as pool:
        results = pool.map(_package_in_process, [str(code)] * 8)
    paths, digests, contents = zip(*results, strict=True)
    assert len(set(paths)) == 1 and len(set(digests)) == 1
    assert all(content == contents[0] for content in contents)
    assert hashlib.sha256(gzip.decompress(contents[0])).hexdigest() == digests[0]
    assert not [p for p in Path(paths[0]).parent.parent.rglob(".partial-*")]  # no temporary left behind
