"""Container images: immutable tags and vulnerability scanning."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("container-immutable-tags", "Image tags are immutable", ["container_registry"])
def container_immutable_tags(fact: Fact, context: PolicyContext) -> Outcome:
    """A deployed tag must always mean the same image (rollback, audit)."""
    return require(fact, "immutable_tags", "image tags can be overwritten")


@rule("container-scan-on-push", "Images are scanned for vulnerabilities when pushed", ["container_registry"])
def container_scan_on_push(fact: Fact, context: PolicyContext) -> Outcome:
    """Known CVEs are caught before an image serves traffic."""
    return require(fact, "scan_on_push", "pushed images are not scanned")
