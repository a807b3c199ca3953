"""docs/deploying-identity.md is generated from the providers' permission tables (issue 26 deliver 6):
the committed file is what the generator writes, and it moves with the tables."""

from __future__ import annotations

import pytest

from mlopskit import permissions_doc
from mlopskit.providers.azure import permissions as azure_permissions
from mlopskit.providers.gcp import permissions as gcp_permissions
from tests.conftest import ROOT


def test_the_committed_doc_is_the_generated_one() -> None:
    committed = (ROOT / permissions_doc.DOC).read_text(encoding="utf-8")
    assert committed == permissions_doc.markdown(), "regenerate with: python -m mlopskit.docs_gen"


def test_every_command_call_and_granted_role_is_in_it() -> None:
    text = permissions_doc.markdown()
    for module in (gcp_permissions, azure_permissions):
        assert all(f"| `mlopskit {command}` | `{permission}` |" in text for command, permission in module.DAY2_PERMISSIONS.items())
    assert all(f"| `{kind}.{operation}` |" in text for kind, operation in gcp_permissions.CALLS)
    assert all(f"| `{operation}` |" in text for operation in azure_permissions.CALLS)
    assert "| Key Vault Crypto Service Encryption User |" not in text  # only roles a day-2 permission grants
    assert "| Backup Operator |" in text and "| roles/storage.objectViewer |" in text


def test_a_changed_table_changes_the_doc(monkeypatch: pytest.MonkeyPatch) -> None:
    committed = (ROOT / permissions_doc.DOC).read_text(encoding="utf-8")
    monkeypatch.setitem(gcp_permissions.CALLS, ("models", "delete_model"), (("aiplatform.models.delete", "project"),))
    regenerated = permissions_doc.markdown()
    assert regenerated != committed and "| `models.delete_model` | `aiplatform.models.delete` (project) |" in regenerated
