"""Production images are pinned by digest."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, not_applicable, require, rule


@rule("workload-image-digest", "Production workload images are pinned by digest", ["endpoint", "training", "batch",
                                                                                    "monitor"])
def workload_image_digest(fact: Fact, context: PolicyContext) -> Outcome:
    """A tag can be pushed again under a running stack; a digest cannot (CKV_K8S_43)."""
    if not context.is_prod:
        return not_applicable("not prod")
    return require(fact, "image_pinned", "an image is referenced by tag, not by digest")
