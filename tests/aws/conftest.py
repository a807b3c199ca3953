"""Fixtures of the AWS provider tests: offline credentials for the whole session and
the two bundled specs previewed once."""

from __future__ import annotations

import pytest

from mlopskit.modules.graph import Graph
from tests.aws.helpers import DEV_SPEC, PROD_SPEC, build


@pytest.fixture(scope="session", autouse=True)
def _aws_offline_session():
    # Module-scoped previews run before the function-scoped env fixture of tests/conftest.py.
    patch = pytest.MonkeyPatch()
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        patch.setenv(key, value)
    patch.delenv("AWS_PROFILE", raising=False)
    yield
    patch.undo()


@pytest.fixture(scope="module")
def prod() -> Graph:
    """The compliant prod baseline (credit-risk.yaml)."""
    return build(PROD_SPEC)


@pytest.fixture(scope="module")
def dev() -> Graph:
    """The small dev spec (fraud-dev.yaml)."""
    return build(DEV_SPEC)
