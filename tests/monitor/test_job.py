"""End to end offline, as the container runs it: captures in a (moto) S3 bucket, copied to the
Processing job's local paths, the entry point run with the Processing environment; moto
CloudWatch then holds the drift metric the kit's alarm watches."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from mlopskit.monitor import contract
from mlopskit.monitor.entry import main
from mlopskit.monitor.settings import Settings
from tests.monitor.builders import FEATURES, baseline_csv, capture_jsonl

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "credit-risk-artifacts"
END = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
# The threshold the kit's drift alarm compares DriftShare with: the settings' default.
ALARM_THRESHOLD = Settings().drift_share_threshold


def _processing_inputs(s3: object, root: Path) -> None:
    """What a ProcessingInput (S3Uri -> LocalPath, S3DownloadMode File) does before the container starts."""
    for prefix, local in (("datacapture/scoring/", contract.INPUT_CAPTURES),
                          ("monitoring/scoring/baseline/", contract.INPUT_BASELINE),
                          ("monitoring/scoring/config/", "input/config")):
        for item in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", []):  # type: ignore[attr-defined]
            target = root / local / item["Key"][len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(BUCKET, item["Key"], str(target))  # type: ignore[attr-defined]


def _drift_share(tmp_path: Path, shifted: bool) -> float:
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    capture = capture_jsonl(tmp_path / "capture.jsonl", 300, 2, shifted)
    s3.upload_file(str(capture), BUCKET, "datacapture/scoring/AllTraffic/2026/12/01/09/capture-0.jsonl")
    s3.upload_file(str(baseline_csv(tmp_path / "baseline.csv")), BUCKET, "monitoring/scoring/baseline/baseline.csv")
    s3.put_object(Bucket=BUCKET, Key="monitoring/scoring/config/monitor.json",
                  Body=json.dumps({"features": list(FEATURES), "categorical": ["region"]}).encode())
    root = tmp_path / "opt-ml-processing"
    _processing_inputs(s3, root)
    env = {"MONITOR_ROOT": str(root), "MONITOR_TARGET": "aws", "MONITOR_STACK": "credit-risk",
           "MONITOR_ENDPOINT": "scoring", "MONITOR_CAPTURE_FORMAT": "sagemaker",
           "MONITOR_WINDOW_END": END.isoformat(), "AWS_REGION": "eu-west-1"}
    assert main(env) == 0
    assert (root / contract.OUTPUT_REPORT / contract.REPORT_JSON).exists()
    assert (root / contract.OUTPUT_REPORT / contract.REPORT_HTML).exists()
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    stats = cloudwatch.get_metric_statistics(
        Namespace=contract.published_namespace("aws"), MetricName=contract.published_name("aws", "drift_share"),
        Dimensions=[{"Name": "Stack", "Value": "credit-risk"}, {"Name": "Endpoint", "Value": "scoring"}],
        StartTime=END - timedelta(minutes=5), EndTime=END + timedelta(minutes=5), Period=60, Statistics=["Maximum"])
    assert len(stats["Datapoints"]) == 1
    return float(stats["Datapoints"][0]["Maximum"])


@pytest.mark.parametrize(("shifted", "expected"), [(True, 2 / 6), (False, 0.0)])
def test_processing_job_publishes_drift_to_cloudwatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      shifted: bool, expected: float) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    with mock_aws():
        value = _drift_share(tmp_path, shifted)
    assert value == pytest.approx(expected)
    assert (value > ALARM_THRESHOLD) is shifted


def test_bad_input_is_one_line_naming_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main({"MONITOR_ROOT": str(tmp_path), "MONITOR_TARGET": "none"}) == 2
    assert capsys.readouterr().err == f"error: {contract.INPUT_BASELINE}: no such file or folder: " \
                                      f"{tmp_path / contract.INPUT_BASELINE}\n"


FORBIDDEN = ("shap", "evidently", "fairlearn")


def forbidden_loaded(modules: list[str]) -> list[str]:
    """Explainer/fairness libraries and kit packages other than the monitor among loaded modules."""
    heads = {".".join(m.split(".")[:2]) if m.startswith("mlopskit.") else m.split(".")[0] for m in modules}
    return sorted(h for h in heads if h in FORBIDDEN or (h.startswith("mlopskit.") and h != "mlopskit.monitor"))


def test_the_loaded_module_check_can_fail() -> None:
    assert forbidden_loaded(["fairlearn.metrics", "mlopskit", "mlopskit.monitor.job", "mlopskit.modules.stack",
                             "shap", "numpy"]) == ["fairlearn", "mlopskit.modules", "shap"]


def test_the_job_imports_no_explainer_or_fairness_library_nor_the_kit(tmp_path: Path) -> None:
    """In a fresh interpreter (the tests themselves import fairlearn), as the container runs it."""
    root = tmp_path / "processing"
    (root / contract.INPUT_CAPTURES).mkdir(parents=True)
    (root / contract.INPUT_BASELINE).mkdir(parents=True)
    capture_jsonl(root / contract.INPUT_CAPTURES / "c.jsonl", 200, 2, True)
    baseline_csv(root / contract.INPUT_BASELINE / "b.csv", 200)
    script = ("import json, sys\n"
              "from mlopskit.monitor.entry import main\n"
              f"code = main({{'MONITOR_ROOT': {str(root)!r}, 'MONITOR_TARGET': 'none'}})\n"
              "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    assert forbidden_loaded(result["modules"]) == []


def test_the_previous_window_can_be_the_baseline(tmp_path: Path) -> None:
    from mlopskit.monitor.job import Sources, run

    previous = capture_jsonl(tmp_path / "previous.jsonl", 300, 5, False)
    current = capture_jsonl(tmp_path / "current.jsonl", 300, 6, True)
    settings = Settings(features=FEATURES, categorical=("region",))
    report = run(settings, Sources(current, previous, baseline_format="sagemaker"), END)
    assert report["drift"]["drifted"] == ["income", "region"]
    assert report["attribution"]["ndcg"] is not None  # the previous window's served outputs are its baseline
