"""What a ``training[].code`` directory packages: its files, after the ignore rules, checked.

CI packages code from pull requests, so the directory is hostile input. The walk never
follows a link out of the code directory (a link to ``/proc/self/environ`` would ship the
deploying process's tokens), refuses what it cannot read or what is not a regular file
(a FIFO, a device, a dangling link), and bounds the total size, so ``mlopskit validate``
reports every such problem (exit 2) before ``preview`` or ``pulumi up`` reads a byte.

Ignore rules apply first, so an ignored ``venv/`` holding a link to its interpreter is
simply skipped. They are the defaults below plus the directory's own ``.mlopskitignore``,
a subset of ``.gitignore`` syntax (docs/spec.md, ``training[].code``):

- one pattern per line; blank lines and lines starting with ``#`` are ignored;
- ``*``, ``?`` and ``[...]`` match within one path segment, ``**`` matches any segments;
- a trailing ``/`` matches directories only;
- a pattern with a ``/`` at its start or middle is anchored at the code directory,
  otherwise it matches the name at any depth;
- ``!pattern`` re-includes what an earlier pattern excluded (the last match wins); as in
  git, a file inside an excluded directory cannot be re-included.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

#: The file of ignore rules read from the code directory's root.
IGNORE_FILE = ".mlopskitignore"
#: Skipped in every code directory: environments, build output, caches and VCS state are not code,
#: and would make the archive differ between two checkouts of the same commit.
DEFAULT_IGNORES = (
    "venv/", ".venv/", "env/", "build/", "dist/", "node_modules/", "__pycache__/", "*.egg-info/",
    ".git/", ".hg/", ".svn/", ".mypy_cache/", ".pytest_cache/", ".ruff_cache/", ".tox/", ".ipynb_checkpoints/",
    "*.pyc", "*.pyo",
    # Hidden files and folders (.env, .aws/, .ssh/, editor state) never hold training code.
    ".*",
)
#: The largest total size of a code directory's packaged files; ``MLOPSKIT_CODE_MAX_BYTES`` overrides it.
#: Training code is source, not data: 256 MiB is far above any code base and well below what
#: an in-memory upload or a job's startup download handles comfortably.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
MAX_BYTES_ENV = "MLOPSKIT_CODE_MAX_BYTES"
#: The most files packaged from one directory (each is opened, hashed and stored).
MAX_FILES = 100_000
# Names that usually hold credentials: packaged (they may be test fixtures), but warned about.
_CREDENTIAL_NAMES = re.compile(
    r"^(?:id_rsa|id_dsa|id_ecdsa|id_ed25519|credentials(?:\.json)?|.*\.pem|.*\.key|.*\.p12|.*\.pfx|"
    r"terraform\.tfstate(?:\.backup)?|Pulumi\..*\.ya?ml|\.env(?:\..*)?|service[-_]account.*\.json|\.netrc|\.npmrc|\.pypirc)$"
)


@dataclass(frozen=True)
class CodeFile:
    """One file of a code directory: its path inside the directory and on disk."""

    name: str  # posix path relative to the code directory
    path: Path
    executable: bool
    size: int


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    negate: bool
    directory_only: bool


def _segment(glob: str) -> str:
    """A glob of one path segment as a regex: ``*`` and ``?`` never cross a ``/``."""
    out, i = "", 0
    while i < len(glob):
        char = glob[i]
        close = glob.find("]", i + 2) if char == "[" else -1
        if char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif close != -1:
            body = glob[i + 1:close]
            out += "[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]"
            i = close
        else:
            out += re.escape(char)
        i += 1
    return out


def _compile(line: str) -> _Rule | None:
    line = line.rstrip("\n").rstrip("\r")
    if not line.strip() or line.startswith("#"):
        return None
    line = line.rstrip(" ")
    negate = line.startswith("!")
    line = line[1:] if negate else line
    directory_only = line.endswith("/")
    line = line.rstrip("/")
    anchored = "/" in line
    line = line.lstrip("/")
    segments = line.split("/")
    parts = ["(?:.*/)?" if segment == "**" else _segment(segment) + "/" for segment in segments]
    if segments[-1] == "**":  # `logs/**`: everything below logs/
        parts[-1] = ".*"
    regex = "".join(parts).removesuffix("/")
    prefix = "" if anchored else "(?:.*/)?"
    return _Rule(re.compile(f"^{prefix}{regex}$", re.S), negate, directory_only)


def ignore_rules(text: str) -> list[_Rule]:
    """The rules of an ignore file's text (the subset of ``.gitignore`` in this module's docstring)."""
    return [rule for rule in map(_compile, text.splitlines()) if rule is not None]


_DEFAULT_RULES = ignore_rules("\n".join(DEFAULT_IGNORES))


def ignored(name: str, is_dir: bool, rules: list[_Rule]) -> bool:
    """Whether the relative posix path ``name`` is excluded: the last matching rule wins."""
    result = False
    for rule in rules:
        if rule.directory_only and not is_dir:
            continue
        if rule.pattern.match(name):
            result = not rule.negate
    return result


def max_bytes() -> int:
    """The size cap in force: ``MLOPSKIT_CODE_MAX_BYTES`` (a positive integer) or the default."""
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return DEFAULT_MAX_BYTES


@dataclass
class CodeTree:
    """The files a code directory packages, and the problems that stop it being packaged."""

    root: Path
    files: list[CodeFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # each refuses the directory (exit 2)
    warnings: list[str] = field(default_factory=list)  # packaged, but worth a look
    size: int = 0


def _read_rules(root: Path, tree: CodeTree) -> list[_Rule]:
    path = root / IGNORE_FILE
    if not path.is_file() or path.is_symlink():
        return list(_DEFAULT_RULES)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        tree.problems.append(f"cannot read {IGNORE_FILE}: {error}")
        return list(_DEFAULT_RULES)
    return [*_DEFAULT_RULES, *ignore_rules(text)]


def _readable(path: Path) -> str | None:
    """None when ``path`` opens as a regular file, else why not. O_NONBLOCK: a FIFO must not hang."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "is not a regular file"
    finally:
        os.close(fd)
    return None


def _add_file(tree: CodeTree, name: str, path: Path, info: os.stat_result) -> None:
    problem = _readable(Path(os.path.realpath(path)))  # a link inside the tree: its target
    if problem is not None:
        tree.problems.append(f"{name} {problem}")
        return
    if _CREDENTIAL_NAMES.match(PurePosixPath(name).name):
        tree.warnings.append(f"{name} looks like a credential file and will be packaged "
                             f"(list it in {IGNORE_FILE} to leave it out)")
    tree.files.append(CodeFile(name, path, bool(info.st_mode & 0o111), info.st_size))
    tree.size += info.st_size


def _link(tree: CodeTree, name: str, path: Path) -> os.stat_result | None:
    """A link inside the tree that points to a file inside the tree is packaged as that file."""
    target = Path(os.path.realpath(path))
    if not target.is_relative_to(tree.root):
        tree.problems.append(f"{name} links outside the code directory (to {target})")
        return None
    try:
        info = os.stat(path)
    except OSError:
        tree.problems.append(f"{name} is a dangling link")
        return None
    if stat.S_ISDIR(info.st_mode):
        tree.problems.append(f"{name} links to a directory (archives hold files; copy it or link the files)")
        return None
    return info


def _walk(tree: CodeTree, directory: Path, rules: list[_Rule]) -> None:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as error:
        tree.problems.append(f"{directory.relative_to(tree.root).as_posix() or '.'} cannot be listed ({error.strerror})")
        return
    for entry in entries:
        path = Path(entry.path)
        name = path.relative_to(tree.root).as_posix()
        is_link = entry.is_symlink()
        is_dir = entry.is_dir(follow_symlinks=False)
        if ignored(name, is_dir or (is_link and path.is_dir()), rules):
            continue
        if is_dir:
            _walk(tree, path, rules)
            continue
        info = _link(tree, name, path) if is_link else entry.stat(follow_symlinks=False)
        if info is not None:
            _add_file(tree, name, path, info)
        if len(tree.files) > MAX_FILES:
            tree.problems.append(f"more than {MAX_FILES} files")
            return


def scan(root: Path) -> CodeTree:
    """The packaged files of ``root`` (sorted by name) and every problem and warning found."""
    tree = CodeTree(Path(os.path.realpath(root)))
    limit = max_bytes()
    _walk(tree, tree.root, _read_rules(tree.root, tree))
    tree.files.sort(key=lambda f: f.name)
    if tree.size > limit:
        tree.problems.append(f"packages {tree.size} bytes, more than the {limit} allowed "
                             f"(leave data out with {IGNORE_FILE}, or raise {MAX_BYTES_ENV})")
    return tree
