"""Cloud-neutral image names: a repository in the stack's own container registry.

``image: {repository: fraud-train, tag: 1.4.0}`` names an image without saying where it
lives; each cloud pulls it from the container registry the stack creates there (see
docs/spec-references.md). The grammar is the OCI distribution spec's, so a name valid
here is a valid repository path and tag on every registry.
"""

from __future__ import annotations

# OCI distribution spec: path components of lowercase alphanumerics joined by
# separators; tags up to 128 word characters, dots and dashes; digests algorithm:hex.
REPOSITORY_PATTERN = r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$"
TAG_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
DIGEST_PATTERN = r"^sha256:[a-f0-9]{64}$"
# Registries cap a repository path at 255 characters; the stack's own prefix is added
# in front on some clouds, so the spec keeps to a safe share of it.
MAX_REPOSITORY_LENGTH = 128
