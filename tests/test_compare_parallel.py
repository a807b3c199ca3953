"""`compare` builds clouds in forked workers (``--jobs``): the same comparison, errors intact."""

from __future__ import annotations

import pickle

import pytest

from mlopskit.cli import main
from mlopskit.compare import run as compare_module
from mlopskit.compare.render import to_json
from mlopskit.compare.run import compare
from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.policies.registry import RULES
from tests.conftest import STACKS

SPEC = str(STACKS / "fraud-dev.yaml")


def test_workers_give_the_same_comparison_as_one_process() -> None:
    one = compare(SPEC, ["aws", "gcp"], jobs=1)
    two = compare(SPEC, ["aws", "gcp"], jobs=2)
    assert [r.cloud for r in two.results] == ["aws", "gcp"]
    assert to_json(two) == to_json(one)
    assert all(r.graph is not None and len(r.graph) > 10 for r in two.results)


def test_a_spec_error_in_a_worker_arrives_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    issue = SpecIssue("endpoints[0].name", "two resources would get the same name")
    built = compare_module._cloud_result

    def failing_on_gcp(cloud, stack, usage):  # type: ignore[no-untyped-def]
        if cloud == "gcp":
            raise SpecError([issue])
        return built(cloud, stack, usage)

    monkeypatch.setattr(compare_module, "_cloud_result", failing_on_gcp)  # the fork inherits it
    with pytest.raises(SpecError) as error:
        compare(SPEC, ["aws", "gcp"], jobs=2)
    assert error.value.issues == [issue]


def test_what_crosses_processes_pickles_whole() -> None:
    error = pickle.loads(pickle.dumps(SpecError([SpecIssue("a.b", "bad"), SpecIssue("c", "worse")])))
    assert [str(i) for i in error.issues] == ["a.b: bad", "c: worse"]
    rule = RULES[0]
    assert pickle.loads(pickle.dumps(rule)) is rule


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_whole_number(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["compare", SPEC, "--jobs", jobs])
    assert exit_.value.code == 2
    assert "--jobs" in capsys.readouterr().err
