"""Encryption at rest."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mlopskit.modules.base import SpecModel

KeyProtectionLevel = Literal["software", "hsm"]


class Encryption(SpecModel):
    """Customer-managed keys with automatic rotation, on by default."""

    customer_managed_keys: bool = True
    # 90-2560 days is the range every cloud's automatic rotation accepts (AWS KMS is the
    # narrowest), so one value means the same thing on all three.
    key_rotation_days: int = Field(default=90, ge=90, le=2560)
    # A key's protection level is fixed when the key is created (Cloud KMS: "Immutable";
    # Key Vault: the key type, RSA or RSA-HSM). A stateless program cannot ask which level the
    # deployed key has, so the spec records it: set, it pins the stack's data key for good and
    # a later change of metadata.dataClassification adds a key instead of replacing this one.
    key_protection_level: KeyProtectionLevel | None = None


def protection_plan(level: KeyProtectionLevel | None, wants_hsm: bool) -> tuple[bool, bool]:
    """(the data key is HSM-backed, an HSM key is added) for ``keyProtectionLevel``.

    ``wants_hsm`` is what the cloud gives the stack's classification. Unset, the level follows
    it, as before the field existed, so deployed stacks keep their keys. Pinned, the data key
    keeps the pinned level whatever the classification becomes, and a classification that
    wants HSM over a pinned software key gets a second, HSM key for new data instead.
    """
    if level is None:
        return wants_hsm, False
    pinned_hsm = level == "hsm"
    return pinned_hsm, wants_hsm and not pinned_hsm
