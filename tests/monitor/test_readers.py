"""One record per cloud, in its documented capture format, decodes to the same frame; labels
join by id, with unmatched rows and late labels counted."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from mlopskit.monitor.errors import MonitorInputError
from mlopskit.monitor.job import Sources, run
from mlopskit.monitor.readers import read
from mlopskit.monitor.settings import Settings

SETTINGS = Settings(features=("age", "income", "region"))
ROW = {"age": 42, "income": 55.5, "region": "north"}
REQUEST = json.dumps({"instances": [ROW]})
RESPONSE = json.dumps({"predictions": [0.83]})
EXPECTED = pd.DataFrame({"age": [42], "income": [55.5], "region": ["north"], "prediction": [0.83],
                         "inference_id": ["17"],
                         "inference_time": pd.to_datetime(["2026-12-01T10:00:00Z"], utc=True)})


def _frame(tmp_path: Path, name: str, lines: list[dict], format_name: str) -> pd.DataFrame:
    path = tmp_path / name
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    frames = list(read(format_name, [path], SETTINGS, "--captures"))
    return pd.concat(frames, ignore_index=True)[list(EXPECTED.columns)]


def _sagemaker(data: str, encoding: str, content_type: str, output: str, out_encoding: str) -> dict:
    """docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html ("View captured data")."""
    return {"captureData": {
        "endpointInput": {"observedContentType": content_type, "mode": "INPUT", "data": data, "encoding": encoding},
        "endpointOutput": {"observedContentType": content_type, "mode": "OUTPUT", "data": output,
                           "encoding": out_encoding}},
        "eventMetadata": {"eventId": "e-1", "inferenceId": "17", "inferenceTime": "2026-12-01T10:00:00Z"},
        "eventVersion": "0"}


def test_sagemaker_json_and_base64_records(tmp_path: Path) -> None:
    plain = _sagemaker(REQUEST, "JSON", "application/json", RESPONSE, "JSON")
    encoded = _sagemaker(base64.b64encode(REQUEST.encode()).decode(), "BASE64", "application/json",
                         base64.b64encode(RESPONSE.encode()).decode(), "BASE64")
    pd.testing.assert_frame_equal(_frame(tmp_path, "a.jsonl", [plain], "sagemaker"), EXPECTED)
    pd.testing.assert_frame_equal(_frame(tmp_path, "b.jsonl", [encoded], "sagemaker"), EXPECTED)


def test_sagemaker_csv_record_holds_the_same_values_as_text(tmp_path: Path) -> None:
    record = _sagemaker("42,55.5,north", "CSV", "text/csv", "0.83", "CSV")
    frame = _frame(tmp_path, "c.jsonl", [record], "sagemaker")
    assert frame.iloc[0][["age", "income", "region", "prediction"]].tolist() == ["42", "55.5", "north", "0.83"]
    assert frame.iloc[0]["inference_id"] == "17"


def test_vertex_request_response_logging_row(tmp_path: Path) -> None:
    """cloud.google.com/vertex-ai/docs/predictions/online-prediction-logging (request-response logging
    table: endpoint, deployed_model_id, logging_time, request_id, request_payload, response_payload),
    one row as BigQuery exports it to newline-delimited JSON."""
    row = {"endpoint": "projects/p/locations/europe-west4/endpoints/1", "deployed_model_id": "9",
           "logging_time": "2026-12-01 10:00:00 UTC", "request_id": 17,
           "request_payload": [REQUEST], "response_payload": [RESPONSE]}
    pd.testing.assert_frame_equal(_frame(tmp_path, "v.jsonl", [row], "vertex"), EXPECTED)


def test_azure_data_collector_pair(tmp_path: Path) -> None:
    """learn.microsoft.com/azure/machine-learning/how-to-collect-production-data (collected data:
    CloudEvents-shaped JSON lines, ``model_inputs`` and ``model_outputs`` joined by correlationid)."""
    common = {"specversion": "1.0", "source": "/subscriptions/s/resourceGroups/r/providers/"
              "Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/scoring",
              "datacontenttype": "application/json", "time": "2026-12-01T10:00:00Z", "correlationid": "17"}
    inputs = {**common, "id": "a", "type": "azureml.inference.model_inputs", "data": [ROW]}
    outputs = {**common, "id": "b", "type": "azureml.inference.model_outputs", "data": [0.83]}
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "i.jsonl").write_text(json.dumps(inputs) + "\n", encoding="utf-8")
    (tmp_path / "in" / "o.jsonl").write_text(json.dumps(outputs) + "\n", encoding="utf-8")
    paths = sorted((tmp_path / "in").iterdir())
    frame = pd.concat(list(read("azure", paths, SETTINGS, "--captures")), ignore_index=True)
    pd.testing.assert_frame_equal(frame[list(EXPECTED.columns)], EXPECTED)


def test_a_broken_record_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"captureData": {}}) + "\n", encoding="utf-8")
    with pytest.raises(MonitorInputError, match=r"--captures: bad.jsonl:1: not a SageMaker capture record"):
        list(read("sagemaker", [path], SETTINGS, "--captures"))
    with pytest.raises(MonitorInputError, match="unknown format 'kafka'"):
        list(read("kafka", [path], SETTINGS, "--format"))


def test_labels_join_by_id_and_count_what_did_not_match(tmp_path: Path) -> None:
    (tmp_path / "baseline.csv").write_text("age,income,region,prediction\n" + "".join(
        f"{20 + i},{40 + i},{'north' if i % 2 else 'south'},0.{i % 9 + 1}\n" for i in range(40)), encoding="utf-8")
    lines = []
    for key, time in (("a", "08:00"), ("b", "08:10"), ("c", "08:20"), ("d", "09:45")):
        record = _sagemaker("30,50,north", "CSV", "text/csv", "0.7", "CSV")
        record["eventMetadata"].update(inferenceId=key, inferenceTime=f"2026-12-01T{time}:00Z")
        lines.append(json.dumps(record) + "\n")
    (tmp_path / "captures.jsonl").write_text("".join(lines), encoding="utf-8")
    # x labels nothing captured; d's label exists but d is younger than the 1 h delay: not judged yet
    (tmp_path / "labels.csv").write_text("inference_id,label\na,1\nb,0\nx,1\nd,1\n", encoding="utf-8")
    settings = Settings(features=("age", "income", "region"), problem_type="binary-classification",
                        label_delay_hours=1.0)
    report = run(settings, Sources(tmp_path / "captures.jsonl", tmp_path / "baseline.csv", tmp_path / "labels.csv"),
                 datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
    assert report["rows"] == {"captured": 4, "labelled": 2, "awaiting_labels": 1, "unmatched_captures": 1,
                              "unmatched_labels": 1}
    assert report["quality"]["rows"] == 2 and report["quality"]["metrics"]["accuracy"] == 0.5


def test_a_window_without_labels_publishes_no_quality_metric_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "baseline.csv").write_text("age,income,region,prediction\n" + "".join(
        f"{20 + i},{40 + i},north,0.5\n" for i in range(30)), encoding="utf-8")
    record = _sagemaker("30,50,north", "CSV", "text/csv", "0.7", "CSV")
    (tmp_path / "captures.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (tmp_path / "labels.csv").write_text("inference_id,label\nother,1\n", encoding="utf-8")
    settings = Settings(features=("age", "income", "region"), problem_type="binary-classification",
                        quality_thresholds={"accuracy": 0.8})
    report = run(settings, Sources(tmp_path / "captures.jsonl", tmp_path / "baseline.csv", tmp_path / "labels.csv"))
    assert report["quality"] == {"skipped": "no labels joined in this window: no quality metric is published"}
    assert not [m for m in report["metrics"] if m["name"].startswith("quality_")]
