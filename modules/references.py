"""Container image references and training entry points: strings that reach a cloud API
or a container command line, so they are held to a grammar, never passed through as typed.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from mlopskit.modules.errors import echo

# The OCI / Docker distribution reference grammar (distribution/reference, regexp.go),
# the grammar every registry and every cloud's ML service parses:
#   reference := name [ ":" tag ] [ "@" digest ]
#   name      := [domain "/"] path-component ["/" path-component]*   (at most 255 chars)
#   domain    := domain-component ["." domain-component]* [":" port]
#   path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [._] | "__" | "-"+
#   tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
#   digest    := algorithm ":" hex (32+ hex chars), algorithm := [A-Za-z][A-Za-z0-9]*([+._-][A-Za-z][A-Za-z0-9]*)*
_DOMAIN_COMPONENT = r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9A-Fa-f:]+\])(?::[0-9]+)?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(rf"(?P<name>{_NAME})(?::{_TAG})?(?:@{_DIGEST})?")
NAME_MAX = 255


def _image_reference(value: str) -> str:
    match = _REFERENCE.fullmatch(value)
    if match is None:
        raise ValueError(f"not an OCI image reference (registry/repository[:tag][@digest]): {echo(value)}")
    if len(match.group("name")) > NAME_MAX:
        raise ValueError(f"image repository name is longer than {NAME_MAX} characters")
    return value


#: An image reference such as ``registry.example.com/team/serve:1.4.0`` or ``repo@sha256:...``.
ImageReference = Annotated[str, AfterValidator(_image_reference)]

# An entry point is a file path relative to the code root (``train.py``, ``src/train.py``)
# or a dotted Python module (``trainer.task``): it becomes an argument of the container's
# command, so no spaces, quotes or shell operators, no absolute path and no `..`.
_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_ENTRYPOINT = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT}){{0,15}}")
ENTRYPOINT_MAX = 256


def _entrypoint(value: str) -> str:
    if len(value) > ENTRYPOINT_MAX or not _ENTRYPOINT.fullmatch(value) or ".." in value.split("/"):
        raise ValueError(f"expected a relative file path or a Python module (train.py, src/train.py, "
                         f"trainer.task), not a command: {echo(value)}")
    return value


#: A training entry point: a relative file path or a dotted module, never a shell command.
Entrypoint = Annotated[str, AfterValidator(_entrypoint)]

# A training code directory is relative to the spec file and stays inside the spec's
# directory tree: `./src`, `trainer`, `jobs/fraud`; no absolute path, no `..` segment
# (a spec must not package files from elsewhere on the machine) and no characters a
# shell or an archive member name would read differently.
_CODE_DIRECTORY = re.compile(rf"(?:\./)?{_SEGMENT}(?:/{_SEGMENT}){{0,15}}/?")  # an entry point's segments
CODE_DIRECTORY_MAX = 256


def _code_directory(value: str) -> str:
    # No segment may start with a dot (other than the leading `./`), so `..` cannot match.
    if len(value) > CODE_DIRECTORY_MAX or not _CODE_DIRECTORY.fullmatch(value):
        raise ValueError(f"expected a directory relative to the spec file, inside its tree (./src, trainer), "
                         f"without `..`: {echo(value)}")
    return value


#: A local training code directory, relative to the spec file and never outside its tree.
CodeDirectory = Annotated[str, AfterValidator(_code_directory)]
