"""Day-2 commands with no credentials on every target that has them (``Target.day2``): one line naming what is missing and
how to provide it (exit 1), and `--dry-run` printing its plan with no credential lookup and
no network access (exit 0). Credentials are absent: the environment is cleared, HOME points
at an empty directory and each SDK's credential lookup is replaced by one that fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mlopskit.cli import main
from mlopskit.modules.targets import with_day2
from tests.ops.test_ops_cli import COMMANDS

SPEC = str(Path(__file__).resolve().parents[2] / "stacks" / "credit-risk.yaml")
HINTS = {
    "aws": "no AWS credentials found: set AWS_PROFILE",
    "gcp": "no Google credentials found (Application Default Credentials): run `gcloud auth application-default login`",
    "azure": "no Azure credentials found (DefaultAzureCredential): run `az login`",
}
CREDENTIAL_ENV = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG",
    "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_USERNAME", "AZURE_FEDERATED_TOKEN_FILE",
    "IDENTITY_ENDPOINT", "MSI_ENDPOINT", "AZURE_CONFIG_DIR", "AZURE_SUBSCRIPTION_ID",
)


class _Looked(Exception):
    """A credential lookup happened where none may."""


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """An environment with no credentials; returns the credential lookups the SDKs made."""
    for name in CREDENTIAL_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # botocore: no metadata-endpoint probe
    lookups: list[str] = []

    def google_default(*_: Any, **__: Any) -> Any:
        from google.auth.exceptions import DefaultCredentialsError

        lookups.append("gcp")
        raise DefaultCredentialsError("Your default credentials were not found.\nTo set up ADC, see ...")

    monkeypatch.setattr("google.auth.default", google_default)

    class FailingAzureCredential:
        def __init__(self, *_: Any, **__: Any) -> None:
            lookups.append("azure")

        def get_token(self, *_: Any, **__: Any) -> Any:
            from azure.core.exceptions import ClientAuthenticationError

            raise ClientAuthenticationError(message="DefaultAzureCredential failed to retrieve a token.\n"
                                                    "Attempted credentials:\n\tEnvironmentCredential: ...")

        get_token_info = get_token

    monkeypatch.setattr("azure.identity.DefaultAzureCredential", FailingAzureCredential)
    import botocore.credentials

    real = botocore.credentials.create_credential_resolver

    def resolver(*args: Any, **kwargs: Any) -> Any:
        lookups.append("aws")
        return real(*args, **kwargs)

    monkeypatch.setattr(botocore.credentials, "create_credential_resolver", resolver)
    import boto3

    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # it caches credentials an earlier test found
    return lookups


@pytest.mark.parametrize("cloud", list(with_day2()))  # the others are not offered (tests/ops/test_ops_cli.py)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_without_credentials_one_line_naming_what_is_missing(
    cloud: str, command: str, no_credentials: list[str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if cloud == "azure":
        monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000000")
    code = main([*command.split(), SPEC, "--provider", cloud, *COMMANDS[command]])
    err = capsys.readouterr().err
    assert code == 1, err
    assert len(err.splitlines()) == 1, err
    assert HINTS[cloud] in err


def test_azure_without_a_subscription_says_which_variable(no_credentials: list[str],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", SPEC, "--provider", "azure"]) == 1
    err = capsys.readouterr().err
    expected = "error: azure: azure: access-denied: set AZURE_SUBSCRIPTION_ID (the subscription the stack is in)"
    assert err.splitlines() == [expected]


@pytest.mark.parametrize("cloud", list(with_day2()))  # the others are not offered (tests/ops/test_ops_cli.py)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_dry_run_without_credentials_plans_offline(
    cloud: str, command: str, no_credentials: list[str], capsys: pytest.CaptureFixture[str],
) -> None:
    code = main([*command.split(), SPEC, "--provider", cloud, "--dry-run", *COMMANDS[command]])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert no_credentials == []  # no SDK looked for credentials (and so none reached the network)
    lines = out.splitlines()
    start = lines.index("dry run: no call made (no credentials); the plan:")
    assert lines[start + 1].startswith(("  would read ", "  would call "))
    missing = "AZURE_SUBSCRIPTION_ID" if cloud == "azure" else HINTS[cloud]
    assert lines[-1].startswith("note: ") and missing in lines[-1]
