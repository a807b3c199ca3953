"""Continuous training (issue 31) is not built on a cluster yet: each field a job sets warns, as
unsupported, and the job is still built as a plain scheduled CronJob."""

from __future__ import annotations

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.providers import get_provider
from tests.conftest import STACKS
from tests.specs import baseline

CLOUD = "kubernetes"
FIELDS = {"training[0].tuning": "training.tuning", "training[0].evaluation": "training.evaluation",
          "training[0].register.approval": "training.register: automatic approval"}


def test_each_continuous_training_field_warns_unsupported_and_the_job_is_still_built() -> None:
    data = baseline("continuous-training.yaml")
    data["placement"][CLOUD] = baseline()["placement"][CLOUD]  # the credit-risk example's cluster (xgboost image)
    graph = preview(parse_stack(data, CLOUD, base_dir=STACKS), CLOUD)
    warned = {w.path: w.message for w in graph.warnings}
    for path in FIELDS:
        assert "not built on Kubernetes yet" in warned.get(path, ""), (path, sorted(warned))
    features = get_provider(CLOUD).features
    assert {features[key][0] for key in FIELDS.values()} == {"unsupported"}
    assert [r.name for r in graph if r.type == get_provider(CLOUD).components["training"]]


def test_a_job_without_them_warns_nothing_about_them() -> None:
    data = baseline("continuous-training.yaml")
    data["placement"][CLOUD] = baseline()["placement"][CLOUD]
    for key in ("tuning", "evaluation", "register"):
        del data["training"][0][key]
    graph = preview(parse_stack(data, CLOUD, base_dir=STACKS), CLOUD)
    assert not [w.path for w in graph.warnings if w.path in FIELDS]
