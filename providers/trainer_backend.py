"""PEP 517 build backend shipped inside the Vertex AI training package (``_mlopskit_build.py``).

Vertex AI's prebuilt training containers ``pip install`` the package's source distribution.
With setuptools as its backend, pip's isolated build would first download setuptools from
a package index, which a private network without egress cannot reach. This backend builds
the wheel with the standard library alone and declares no build requirements, so the
install needs nothing but the archive itself. It never runs inside the kit: packaging.py
copies this file's text into the archive.
"""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from collections.abc import Iterator
from typing import Any

NAME, VERSION = "mlopskit_trainer", "0.0.0"
DIST_INFO = f"{NAME}-{VERSION}.dist-info"
WHEEL = f"{NAME}-{VERSION}-py3-none-any.whl"


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    """Nothing to install before building: the build uses the standard library only."""
    return []


def _files(here: str) -> Iterator[tuple[str, bytes]]:
    for root, dirs, names in os.walk(os.path.join(here, NAME)):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                yield os.path.relpath(path, here).replace(os.sep, "/"), handle.read()


def _record(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(wheel_directory: str, config_settings: dict[str, Any] | None = None,
                metadata_directory: str | None = None) -> str:
    """Write ``mlopskit_trainer-0.0.0-py3-none-any.whl`` holding every file of the package folder."""
    here = os.path.dirname(os.path.abspath(__file__))
    files = list(_files(here))
    files.append((f"{DIST_INFO}/METADATA", f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n".encode()))
    files.append((f"{DIST_INFO}/WHEEL",
                  b"Wheel-Version: 1.0\nGenerator: mlopskit\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
    record = [_record(name, data) for name, data in files] + [f"{DIST_INFO}/RECORD,,"]
    files.append((f"{DIST_INFO}/RECORD", ("\n".join(record) + "\n").encode()))
    with zipfile.ZipFile(os.path.join(wheel_directory, WHEEL), "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return WHEEL
