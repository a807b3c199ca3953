"""The day-2 commands' moto world (tests/ops/conftest.py), for the permission replay here."""

from __future__ import annotations

from tests.ops.conftest import (  # noqa: F401 - fixtures re-exported to this directory
    aws,
    clock,
    guardrails,
    moto_update_endpoint,
    pipeline_definition,
    spec_file,
)
