"""Load a spec from YAML (or a dict) into a validated Stack, or raise SpecError.

Reading is bounded before anything is parsed: only a regular file is opened (never a
FIFO, a device or a directory), at most ``MAX_SPEC_BYTES`` are read, nesting is limited
to ``MAX_DEPTH`` levels and YAML aliases may not expand to more than ``MAX_NODES`` nodes,
so no input can hang the kit or exhaust its memory; each refusal is one SpecIssue.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mlopskit.modules.errors import SpecError, SpecIssue, issues_from_validation, one_line
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack

#: The largest spec file read (1 MiB: a 1,000-endpoint spec is ~400 KB).
MAX_SPEC_BYTES = 1 << 20
#: The deepest nesting of mappings and lists (spec v1 itself needs 6).
MAX_DEPTH = 32
#: The most nodes a document may hold once its aliases are expanded.
MAX_NODES = 200_000
#: The longest file path shown in an error.
PATH_SHOWN = 160


# libyaml's parser when PyYAML was built with it (composing a large spec is several times faster,
# with the same nodes, marks and errors); the pure-Python one otherwise.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeBase):
    """Safe loader that rejects duplicate and unhashable keys instead of failing later."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        mark = key_node.start_mark
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"a mapping key must be a plain value, not a {type(key).__name__}", mark
            ) from None
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {one_line(repr(key), 60)} (line {mark.line + 1})", mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_stack(data: Any, cloud: Cloud | None = None, base_dir: Path | None = None) -> Stack:
    """Validate a mapping as a spec v1 Stack; with ``cloud``, also check that cloud's needs.

    Relative paths in the spec (``training[].code``) start from ``base_dir`` (the spec
    file's directory), or from the working directory when it is not given.
    """
    if not isinstance(data, dict):
        raise SpecError([SpecIssue("", "a spec must be a YAML mapping with apiVersion, kind, metadata, placement")])
    try:
        stack = Stack.model_validate(data)
    except ValidationError as error:
        raise SpecError(issues_from_validation(error)) from None
    if base_dir is not None:
        stack = stack.with_base_dir(base_dir)
    code_issues = stack.code_issues()
    if code_issues:
        raise SpecError(code_issues)
    if cloud is not None:
        issues = stack.issues_for(cloud)
        if issues:
            raise SpecError(issues)
    return stack


def _refuse(path: Path, message: str) -> SpecError:
    # The path is shortened so the reason stays on the line even for a 4 KB file name.
    return SpecError([SpecIssue("", f"{one_line(str(path), PATH_SHOWN)}: {message}")])


_FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def read_spec_text(path: str | Path) -> str:
    """The text of a spec file, refusing anything but a regular UTF-8 file of bounded size."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise _refuse(path, "file not found") from None
    except (OSError, ValueError) as error:  # ENAMETOOLONG, ELOOP, ENOTDIR, EACCES, NUL in name
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise _refuse(path, f"cannot open spec ({reason})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "not a regular file")
            raise _refuse(path, f"not a regular file ({kind})")
        if info.st_size > MAX_SPEC_BYTES:
            raise _refuse(path, f"spec is {info.st_size} bytes, more than the {MAX_SPEC_BYTES} allowed")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_SPEC_BYTES + 1)
    except OSError as error:
        raise _refuse(path, f"cannot read spec ({error.strerror or error.__class__.__name__})") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_SPEC_BYTES:  # the file grew after fstat
        raise _refuse(path, f"spec is more than the {MAX_SPEC_BYTES} bytes allowed")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _refuse(path, f"not UTF-8 text (byte {error.start})") from None


def _check_depth(text: str, where: str) -> None:
    """Refuse deep nesting before composing: PyYAML's composer recurses per level."""
    depth = 0
    for event in yaml.parse(text, Loader=_SafeBase):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise SpecError([SpecIssue("", f"{where}:{mark.line + 1}:{mark.column + 1}: nested more than "
                                               f"{MAX_DEPTH} levels deep")])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _check_expansion(node: yaml.Node, where: str) -> None:
    """Refuse alias bombs: count the nodes the document holds once aliases are expanded
    (shared nodes are counted once per use, memoised so the count itself stays cheap)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        if id(current) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [n for pair in current.value for n in pair]
        if done:
            sizes[id(current)] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[id(current)] > MAX_NODES:
                raise SpecError([SpecIssue("", f"{where}: YAML aliases expand to more than {MAX_NODES} nodes")])
        else:
            stack.append((current, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)


def _with_node(text: str, where: str, use: Callable[[_UniqueKeyLoader, yaml.Node], Any]) -> Any:
    """Compose one YAML document safely and within bounds, then ``use`` its root node (None for an
    empty document); any YAML error becomes one SpecIssue naming ``where``:line:column."""
    where = one_line(where, PATH_SHOWN)
    try:
        _check_depth(text, where)
        loader = _UniqueKeyLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_expansion(node, where)
            return use(loader, node)
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError([SpecIssue("", f"{at}: invalid YAML: {problem}")]) from None


def load_yaml(text: str, where: str) -> Any:
    """Parse one YAML document safely and within bounds; errors name ``where``:line:column."""
    return _with_node(text, where, lambda loader, node: loader.construct_document(node))


def load_stack(path: str | Path, cloud: Cloud | None = None) -> Stack:
    """Read and validate a spec file. Every problem is reported as one SpecIssue."""
    data = load_yaml(read_spec_text(path), str(path))
    if not isinstance(data, dict):
        raise _refuse(Path(path), "a spec must be a YAML mapping with apiVersion, kind, metadata, placement")
    # Relative paths in the spec (training[].code) start from the spec file's directory.
    return parse_stack(data, cloud, base_dir=Path(path).parent)


def _index_lines(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    """Record the 1-based line of every mapping key and list entry below ``node``."""
    todo: list[tuple[yaml.Node, str]] = [(node, path)]
    while todo:  # iterative: depth is already bounded, but an explicit stack costs nothing
        current, where = todo.pop()
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode):
                    child = f"{where}.{key_node.value}" if where else str(key_node.value)
                    lines.setdefault(child, key_node.start_mark.line + 1)
                    todo.append((value_node, child))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                child = f"{where}[{index}]"
                lines.setdefault(child, item.start_mark.line + 1)
                todo.append((item, child))


def spec_lines(text: str, where: str) -> dict[str, int]:
    """Each field path of a spec (``endpoints[0].autoscaling.minInstances``, as in errors) -> the
    1-based line that holds it: a key's own line, a list entry's first line. Only fields
    written in the file are present, never a default. Same bounds and errors as ``load_yaml``."""
    lines: dict[str, int] = {}
    _with_node(text, where, lambda _loader, node: _index_lines(node, "", lines))
    return lines
