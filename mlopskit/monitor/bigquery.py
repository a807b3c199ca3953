"""Vertex AI request-response logging rows of one window, paged from BigQuery into capture files.

Why this path (docs/monitoring.md, "On Google Cloud"): Vertex AI logs an endpoint's requests and
responses into a BigQuery table (cloud.google.com/vertex-ai/docs/predictions/online-prediction-logging),
while the job reads files. Rather than a second scheduled export job (a BigQuery extract to Cloud
Storage, with its own schedule, identity and race against the monitor run), the job itself runs one
query over the window and pages its results into JSON-lines files of the shape ``read_vertex``
already decodes (``request_id``, ``logging_time``, ``request_payload``, ``response_payload``), then
runs unchanged. Only google-auth and requests (already in the kit's image for the publisher): no
google-cloud-bigquery at run time. One page is held at a time, so memory stays bounded.

REST calls (BigQuery API v2 reference, ``jobs.query`` and ``jobs.getQueryResults``):
- ``POST https://bigquery.googleapis.com/bigquery/v2/projects/{project}/queries`` with a
  ``QueryRequest`` (``query``, ``useLegacySql``, ``parameterMode``, ``queryParameters``,
  ``maxResults``, ``timeoutMs``); the ``QueryResponse`` has ``jobComplete``, ``jobReference``
  (``projectId``, ``jobId``, ``location``), ``schema``, ``rows`` and ``pageToken``;
- ``GET .../projects/{projectId}/queries/{jobId}?location=&pageToken=&maxResults=&timeoutMs=``
  (``GetQueryResultsResponse``, the same fields) until the job is complete and no token is left.
Rows are ``{"f": [{"v": value}, ...]}`` in the schema's column order; a REPEATED column's value is
a list of ``{"v": item}``. The query casts and formats every column to STRING in SQL, so no
BigQuery wire type (TIMESTAMP as epoch seconds, NUMERIC) has to be decoded here.

Not confirmed: the column types Vertex gives ``request_id`` (the CAST makes either STRING or a
number work) and whether the anonymous results table of a query over a CMEK table takes that key
(BigQuery's CMEK page says cached results of CMEK tables are encrypted with it; not checked for
the REST ``jobs.query`` path).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from mlopskit.monitor.errors import MonitorInputError

API = "https://bigquery.googleapis.com/bigquery/v2"
SCOPE = "https://www.googleapis.com/auth/bigquery"
#: Rows per page (a response is also capped at 10 MB by BigQuery: a page may hold fewer).
PAGE_ROWS = 5000
#: How long one call waits for the query before answering ``jobComplete: false``.
WAIT_MS = 10_000
#: The whole read's limit: within the hourly job's 1800 s run time, with room to compute.
DEADLINE_S = 900
COLUMNS = ("request_id", "logging_time", "request_payload", "response_payload")
# project.dataset.table: a table cannot be a query parameter, so its name is checked before it
# is written into the SQL (project ids: lower letters, digits, dashes; dataset and table: \w).
_TABLE = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]\.\w{1,1024}\.[\w-]{1,1024}$")
_SQL = ("SELECT CAST(request_id AS STRING) AS request_id, "
        "FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', logging_time, 'UTC') AS logging_time, "
        "request_payload, response_payload FROM `{table}` "
        "WHERE logging_time >= @start AND logging_time < @end ORDER BY logging_time")


class Session(Protocol):
    """What is used of google-auth's ``AuthorizedSession`` (a ``requests.Session``)."""

    def post(self, url: str, json: Any = ..., timeout: float = ...) -> Any: ...

    def get(self, url: str, params: Any = ..., timeout: float = ...) -> Any: ...


def parse_table(text: str) -> str:
    """``bq://project.dataset.table`` or ``project.dataset.table`` -> ``project.dataset.table``."""
    table = text.removeprefix("bq://")
    if not _TABLE.match(table):
        raise MonitorInputError("MONITOR_CAPTURE_TABLE", f"is not a BigQuery table project.dataset.table: {text!r}")
    return table


def _stamp(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f+00:00")


def query_request(table: str, start: datetime, end: datetime) -> dict[str, Any]:
    """The ``jobs.query`` body: the window's rows, oldest first, in named TIMESTAMP parameters."""
    parameter = lambda name, when: {"name": name, "parameterType": {"type": "TIMESTAMP"},  # noqa: E731
                                    "parameterValue": {"value": _stamp(when)}}
    return {"query": _SQL.format(table=parse_table(table)), "useLegacySql": False, "parameterMode": "NAMED",
            "queryParameters": [parameter("start", start), parameter("end", end)],
            "maxResults": PAGE_ROWS, "timeoutMs": WAIT_MS, "labels": {"mlopskit": "monitor"}}


def _row(names: list[str], row: Mapping[str, Any]) -> dict[str, Any]:
    """One REST row (``{"f": [{"v": ...}]}``) -> the row ``read_vertex`` decodes."""
    values = {}
    for name, cell in zip(names, row.get("f") or []):
        value = cell.get("v") if isinstance(cell, Mapping) else None
        if isinstance(value, list):  # REPEATED: [{"v": item}, ...]
            value = [item.get("v") for item in value if isinstance(item, Mapping)]
        values[name] = value
    return {"request_id": values.get("request_id"), "logging_time": values.get("logging_time"),
            "request_payload": values.get("request_payload") or [],
            "response_payload": values.get("response_payload") or []}


def _checked(response: Any, table: str) -> dict[str, Any]:
    if getattr(response, "status_code", 200) == 404:
        # Vertex creates the endpoint's table with its first logged request.
        raise MonitorInputError("MONITOR_CAPTURE_TABLE", f"{table} not found (no request logged yet?)")
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def pages(session: Session, project: str, table: str, start: datetime, end: datetime,
          clock: Any = time.monotonic, sleep: Any = time.sleep) -> Iterator[list[dict[str, Any]]]:
    """The window's rows, one page at a time (``jobs.query``, then ``jobs.getQueryResults``)."""
    body = _checked(session.post(f"{API}/projects/{project}/queries", json=query_request(table, start, end),
                                 timeout=60), table)
    reference = body.get("jobReference") or {}
    url = f"{API}/projects/{reference.get('projectId', project)}/queries/{reference.get('jobId', '')}"
    deadline = clock() + DEADLINE_S
    while True:
        if body.get("jobComplete"):
            names = [f["name"] for f in (body.get("schema") or {}).get("fields") or []]
            rows = [_row(names, r) for r in body.get("rows") or []]
            if rows:
                yield rows
            token = body.get("pageToken")
            if not token:
                return
        else:
            token = None
            sleep(1)
        if clock() > deadline:
            raise MonitorInputError("MONITOR_CAPTURE_TABLE", f"the query of {table} did not finish in {DEADLINE_S} s")
        params: dict[str, Any] = {"maxResults": PAGE_ROWS, "timeoutMs": WAIT_MS}
        if reference.get("location"):
            params["location"] = reference["location"]
        if token:
            params["pageToken"] = token
        body = _checked(session.get(url, params=params, timeout=60), table)


def stage(session: Session, project: str, table: str, start: datetime, end: datetime, folder: Path) -> int:
    """Write the window's rows into ``folder`` as JSON-lines files (one per page); the row count."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for number, rows in enumerate(pages(session, project, table, start, end), 1):
        with (folder / f"page-{number:05d}.jsonl").open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
        count += len(rows)
    return count


def default_session() -> Session:  # pragma: no cover - needs a Google identity
    """An authorized session as the job's service account (the Vertex custom job's identity)."""
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=[SCOPE])
    session: Session = AuthorizedSession(credentials)
    return session
