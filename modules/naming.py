"""Deterministic names shared by the providers and the day-2 tools.

Every name derives from the stack prefix and the component's own name only, so editing
or adding one component never renames another (a rename would replace a live resource).
"""

from __future__ import annotations

import hashlib


def logical(stack_prefix: str, *parts: str) -> str:
    """Pulumi logical name of a resource: ``credit-risk-prod-scoring-endpoint``."""
    return "-".join((stack_prefix, *parts))


def normalized_name(name: str) -> str:
    """A component name as the strictest cloud keeps it (letters and digits only):
    two names equal here would produce the same resource name somewhere."""
    return "".join(c for c in name.lower() if c.isalnum())


def short_hash(*parts: str, length: int = 6) -> str:
    """A stable suffix for names that must be globally unique or fit a short limit."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def compact(name: str, limit: int, *, alphanumeric: bool = False) -> str:
    """Fit ``name`` within ``limit`` characters, keeping it unique with a hash suffix.

    Used for clouds with short name limits (Azure storage accounts: 24 lowercase
    alphanumerics); the hash keeps two long names that share a prefix distinct.
    """
    base = "".join(c for c in name if c.isalnum()) if alphanumeric else name
    base = base.lower()
    if len(base) <= limit:
        return base
    suffix = short_hash(name)
    separator = "" if alphanumeric else "-"
    return base[: limit - len(suffix) - len(separator)].rstrip("-") + separator + suffix
