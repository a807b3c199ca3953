"""The AWS fidelity gate previews offline: AWS credentials and region for the whole session."""

from __future__ import annotations

from tests.aws.conftest import _aws_offline_session  # noqa: F401 - the same session-wide environment
