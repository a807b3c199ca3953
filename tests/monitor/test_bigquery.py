"""Vertex AI captures paged from BigQuery (mlopskit/monitor/bigquery.py) through a recorded HTTP
session whose answers have the shape of the BigQuery API v2 reference: ``jobs.query`` returns a
``QueryResponse`` (``jobComplete``, ``jobReference`` with ``projectId``/``jobId``/``location``,
``schema.fields``, ``rows`` of ``{"f": [{"v": ...}]}`` with a REPEATED column as a list of
``{"v": item}``, ``pageToken``), ``jobs.getQueryResults`` a ``GetQueryResultsResponse`` (the same
fields) (cloud.google.com/bigquery/docs/reference/rest/v2/jobs/query and .../jobs/getQueryResults).
google-cloud-bigquery (a dev dependency) decodes the same rows as an oracle of the wire shape."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mlopskit.monitor import bigquery, entry
from mlopskit.monitor.errors import MonitorInputError
from mlopskit.monitor.readers import files_under, read
from mlopskit.monitor.settings import Settings

TABLE = "acme-ml-prod.credit_risk_capture.scoring"
END = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
START = END - timedelta(hours=25)
SCHEMA = {"fields": [{"name": "request_id", "type": "STRING", "mode": "NULLABLE"},
                     {"name": "logging_time", "type": "STRING", "mode": "NULLABLE"},
                     {"name": "request_payload", "type": "STRING", "mode": "REPEATED"},
                     {"name": "response_payload", "type": "STRING", "mode": "REPEATED"}]}
REFERENCE = {"projectId": "acme-ml-prod", "jobId": "job_abc", "location": "europe-west4"}


def _rest_row(request_id: str, when: str, rows: list[dict[str, Any]], scores: list[float]) -> dict[str, Any]:
    return {"f": [{"v": request_id}, {"v": when}, {"v": [{"v": json.dumps({"instances": rows})}]},
                  {"v": [{"v": json.dumps({"predictions": scores})}]}]}


PAGE_1 = [_rest_row("101", "2026-12-01T10:00:00.000000Z", [{"age": 42, "income": 55.5, "region": "north"}], [0.83]),
          _rest_row("102", "2026-12-01T10:05:00.000000Z",
                    [{"age": 30, "income": 20.0, "region": "south"}, {"age": 61, "income": 70.0, "region": "east"}],
                    [0.1, 0.6])]
PAGE_2 = [_rest_row("103", "2026-12-01T11:00:00.000000Z", [{"age": 50, "income": 40.0, "region": "north"}], [0.4])]


class _Response:
    def __init__(self, body: dict[str, Any], status: int = 200) -> None:
        self.body, self.status_code = body, status

    def json(self) -> dict[str, Any]:
        return self.body

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}")


class _Session:
    """Answers jobs.query with a job still running, then two pages of getQueryResults."""

    def __init__(self, first_status: int = 200) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.first_status = first_status
        self.answers = [
            {"kind": "bigquery#getQueryResultsResponse", "jobReference": REFERENCE, "jobComplete": True,
             "schema": SCHEMA, "rows": PAGE_1, "pageToken": "tok-2", "totalRows": "3"},
            {"kind": "bigquery#getQueryResultsResponse", "jobReference": REFERENCE, "jobComplete": True,
             "schema": SCHEMA, "rows": PAGE_2, "totalRows": "3"},
        ]

    def post(self, url: str, json: Any = None, timeout: float = 0) -> _Response:
        self.calls.append(("POST", url, json))
        return _Response({"kind": "bigquery#queryResponse", "jobReference": REFERENCE, "jobComplete": False},
                         self.first_status)

    def get(self, url: str, params: Any = None, timeout: float = 0) -> _Response:
        self.calls.append(("GET", url, dict(params or {})))
        return _Response(self.answers.pop(0))


def test_the_query_selects_the_window_by_logging_time_in_named_parameters() -> None:
    body = bigquery.query_request(f"bq://{TABLE}", START, END)
    assert f"FROM `{TABLE}`" in body["query"]
    assert "WHERE logging_time >= @start AND logging_time < @end" in body["query"]
    assert body["useLegacySql"] is False and body["parameterMode"] == "NAMED"
    assert body["queryParameters"] == [
        {"name": "start", "parameterType": {"type": "TIMESTAMP"}, "parameterValue": {"value": "2026-11-30 11:00:00.000000+00:00"}},
        {"name": "end", "parameterType": {"type": "TIMESTAMP"}, "parameterValue": {"value": "2026-12-01 12:00:00.000000+00:00"}}]


def test_the_body_is_a_query_request_of_the_bigquery_client() -> None:
    """google-cloud-bigquery's own QueryJobConfig writes the same parameter shapes into its request."""
    from google.cloud.bigquery import ScalarQueryParameter

    ours = bigquery.query_request(TABLE, START, END)["queryParameters"][0]
    theirs = ScalarQueryParameter("start", "TIMESTAMP", START).to_api_repr()
    assert set(ours) == set(theirs) and ours["parameterType"] == theirs["parameterType"]


@pytest.mark.parametrize("table", ["p.d", "Acme.d.t", "acme-ml-prod.d.t`; DROP TABLE x; --", ""])
def test_a_table_name_that_is_not_project_dataset_table_is_refused(table: str) -> None:
    with pytest.raises(MonitorInputError, match="MONITOR_CAPTURE_TABLE"):
        bigquery.parse_table(table)


def test_pages_are_fetched_until_no_token_is_left_and_staged_as_vertex_rows(tmp_path: Path) -> None:
    session = _Session()
    count = bigquery.stage(session, "acme-ml-prod", TABLE, START, END, tmp_path / "captures")
    assert count == 3
    post, poll, page = session.calls
    assert post[:2] == ("POST", "https://bigquery.googleapis.com/bigquery/v2/projects/acme-ml-prod/queries")
    url = "https://bigquery.googleapis.com/bigquery/v2/projects/acme-ml-prod/queries/job_abc"
    # The job was still running: polled without a token, in the job's location; then the next page.
    assert poll == ("GET", url, {"maxResults": bigquery.PAGE_ROWS, "timeoutMs": bigquery.WAIT_MS, "location": "europe-west4"})
    assert page[2]["pageToken"] == "tok-2"
    files = files_under(tmp_path / "captures", "captures")
    assert [f.name for f in files] == ["page-00001.jsonl", "page-00002.jsonl"]
    frame = pd.concat(read("vertex", files, Settings(features=("age", "income", "region")), "captures"), ignore_index=True)
    assert frame["inference_id"].tolist() == ["101", "102:0", "102:1", "103"]
    assert frame["age"].tolist() == [42, 30, 61, 50]
    assert frame["prediction"].tolist() == [0.83, 0.1, 0.6, 0.4]
    assert frame["inference_time"].iloc[3] == pd.Timestamp("2026-12-01T11:00:00Z")


def test_the_rest_rows_decode_as_the_bigquery_client_decodes_them() -> None:
    """The oracle: google-cloud-bigquery's row parser reads the same REST rows to the same values."""
    from google.cloud.bigquery import SchemaField
    from google.cloud.bigquery._helpers import _row_tuple_from_json

    fields = [SchemaField.from_api_repr(f) for f in SCHEMA["fields"]]
    names = [f["name"] for f in SCHEMA["fields"]]
    for row in PAGE_1:
        ours = bigquery._row(names, row)
        assert tuple(ours[n] for n in names) == _row_tuple_from_json(row, fields)


def test_a_missing_table_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    with pytest.raises(MonitorInputError, match="MONITOR_CAPTURE_TABLE.*not found"):
        bigquery.stage(_Session(first_status=404), "acme-ml-prod", TABLE, START, END, tmp_path)


def test_the_entry_point_stages_the_window_then_runs_as_the_custom_job_does(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    baseline = tmp_path / "baseline"
    baseline.mkdir()
    (baseline / "b.csv").write_text("age,income,region\n42,55.5,north\n30,20.0,south\n61,70.0,east\n50,40.0,north\n")
    session = _Session()
    monkeypatch.setitem(entry.SESSIONS, "bigquery", lambda: session)
    env = {"MONITOR_TARGET": "none", "MONITOR_ROOT": str(tmp_path), "MONITOR_CAPTURE_FORMAT": "vertex",
           "MONITOR_CAPTURE_TABLE": f"bq://{TABLE}", "MONITOR_WINDOW_HOURS": "25",
           "MONITOR_WINDOW_END": "2026-12-01T12:00:00Z", "MONITOR_CAPTURES": str(tmp_path / "captures"),
           "MONITOR_BASELINE": str(baseline), "MONITOR_STACK": "credit-risk", "MONITOR_ENDPOINT": "scoring"}
    result = entry.execute(env)
    assert result["rows"]["captured"] == 4
    assert session.calls[0][2]["queryParameters"][0]["parameterValue"]["value"] == "2026-11-30 11:00:00.000000+00:00"
    assert (tmp_path / "output" / "report" / "report.json").exists()


@pytest.mark.parametrize("hours", ["", "0", "1.5"])
def test_a_table_without_a_window_length_is_exit_2(tmp_path: Path, hours: str) -> None:
    env = {"MONITOR_ROOT": str(tmp_path), "MONITOR_CAPTURE_TABLE": TABLE, "MONITOR_WINDOW_HOURS": hours}
    assert entry.main(env) == 2
