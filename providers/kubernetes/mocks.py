"""Mocked outputs for the offline engine: what the API server would answer for each object."""

from __future__ import annotations

import hashlib
from typing import Any


def mock_resource(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The object as created: its inputs, with the server-set uid; the id is ``<namespace>/<name>``
    as pulumi-kubernetes reports it."""
    metadata = dict(inputs.get("metadata") or {})
    namespace, object_name = metadata.get("namespace"), metadata.get("name") or name
    identity = f"{namespace}/{object_name}" if namespace else str(object_name)
    metadata.setdefault("uid", hashlib.sha256(identity.encode()).hexdigest()[:32])
    return identity, {**inputs, "metadata": metadata}


def mock_call(token: str, args: dict[str, Any]) -> dict[str, Any]:
    return {}
