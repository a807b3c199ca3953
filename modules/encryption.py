"""Encryption at rest."""

from __future__ import annotations

from pydantic import Field

from mlopskit.modules.base import SpecModel


class Encryption(SpecModel):
    """Customer-managed keys with automatic rotation, on by default."""

    customer_managed_keys: bool = True
    # 90-2560 days is the range every cloud's automatic rotation accepts (AWS KMS is the
    # narrowest), so one value means the same thing on all three.
    key_rotation_days: int = Field(default=90, ge=90, le=2560)
