"""Capture readers: each cloud's capture format decoded to one frame, file by file.

The frame: one column per feature, then ``prediction``, ``inference_id`` and ``inference_time``
(ISO 8601 text). Values stay as decoded (text from CSV payloads): type errors are counted later
against the baseline, not hidden by the reader.

Formats (the pages the tests cite):
- SageMaker data capture JSON lines, ``captureData.endpointInput/endpointOutput`` with
  ``encoding`` CSV, JSON or BASE64 and ``eventMetadata.{eventId,inferenceId,inferenceTime}``
  (docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html).
- Vertex AI request-response logging rows as exported from BigQuery (newline-delimited JSON):
  ``request_id``, ``logging_time``, ``request_payload`` and ``response_payload`` (repeated strings
  holding the predict request and response JSON)
  (cloud.google.com/vertex-ai/docs/predictions/online-prediction-logging).
- Azure ML data collector JSON lines: CloudEvents-shaped records whose ``data`` holds the rows,
  ``type`` ending in ``model_inputs`` or ``model_outputs``, paired by ``correlationid``
  (learn.microsoft.com/azure/machine-learning/how-to-collect-production-data).
- ``csv``: a header row naming the features (and ``prediction``, ``label``, ids): baselines.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from mlopskit.monitor.errors import MonitorInputError
from mlopskit.monitor.registry import READERS, reader
from mlopskit.monitor.settings import Settings

PREDICTION, ID, TIME = "prediction", "inference_id", "inference_time"
META = (PREDICTION, ID, TIME)
CSV_CHUNK_ROWS = 100_000


def files_under(path: Path, where: str) -> list[Path]:
    """The data files of a file or folder, sorted (a window is read file by file)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise MonitorInputError(where, f"no such file or folder: {path}")
    found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not found:
        raise MonitorInputError(where, f"holds no files: {path}")
    return found


def read(format_name: str, paths: Sequence[Path], settings: Settings, where: str) -> Iterator[pd.DataFrame]:
    """Frames of ``paths`` decoded by the reader registered as ``format_name``."""
    if format_name not in READERS:
        raise MonitorInputError(where, f"unknown format {format_name!r} (known: {', '.join(sorted(READERS))})")
    for frame in READERS[format_name](paths, settings, where):
        if len(frame):
            yield frame


def _lines(path: Path, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                raise MonitorInputError(f"{where}: {path.name}:{number}", "is not a JSON line") from None
            if not isinstance(record, dict):
                raise MonitorInputError(f"{where}: {path.name}:{number}", "is not a JSON object")
            yield number, record


# ------------------------------------------------------------------ payload decoding


def _rows_from_json(payload: Any) -> list[Any]:
    """A predict request's rows: ``{"instances": [...]}``, ``{"inputs": ...}``, a list or one row."""
    if isinstance(payload, dict):
        for key in ("instances", "inputs", "data", "predictions", "outputs"):
            if key in payload:
                return _rows_from_json(payload[key])
        return [payload]
    if isinstance(payload, list):
        return payload
    return [payload]


def _rows_from_csv(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text)) if row]


def decode_payload(data: str, encoding: str, content_type: str) -> list[Any]:
    """Rows of one captured payload (SageMaker ``encoding``: CSV, JSON or BASE64)."""
    if encoding.upper() == "BASE64":
        data = base64.b64decode(data).decode("utf-8")
        encoding = "JSON" if "json" in content_type.lower() else "CSV"
    if encoding.upper() == "JSON":
        return _rows_from_json(json.loads(data))
    return [row if len(row) > 1 else row[0] for row in _rows_from_csv(data)]


def _feature_row(row: Any, features: Sequence[str]) -> dict[str, Any]:
    if isinstance(row, dict):
        return dict(row)
    values = row if isinstance(row, list) else [row]
    names = list(features) if features else [f"f{i}" for i in range(len(values))]
    if len(values) != len(names):
        raise ValueError(f"a request has {len(values)} values for {len(names)} features")
    return dict(zip(names, values))


def _prediction(value: Any) -> Any:
    """A response row's served value: the score of a one-value row or ``{"score": ...}``-like dict."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    if isinstance(value, dict):
        for key in ("score", "prediction", "predicted_label", "label", "value"):
            if key in value:
                return value[key]
    return value


def _records(inputs: list[Any], outputs: list[Any], base_id: str, time: str | None,
             features: Sequence[str]) -> list[dict[str, Any]]:
    """One frame row per request row; several rows in one request get ``id:index`` ids."""
    rows = []
    for index, row in enumerate(inputs):
        record = _feature_row(row, features)
        record[PREDICTION] = _prediction(outputs[index]) if index < len(outputs) else None
        record[ID] = base_id if len(inputs) == 1 else f"{base_id}:{index}"
        record[TIME] = time
        rows.append(record)
    return rows


def _frame(records: list[dict[str, Any]], settings: Settings) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records)
    for column in (*settings.features, *META):
        if column not in frame.columns:
            frame[column] = None
    frame[TIME] = to_times(frame[TIME])
    return frame


def to_times(values: pd.Series) -> pd.Series:
    """Each format writes its own time text (BigQuery: "2026-12-01 10:00:00 UTC"): one UTC type.

    pandas 2 needs ``format="mixed"`` for that; pandas 1 (SageMaker's scikit-learn 1.2-1 image)
    infers per value by default and would read "mixed" as a strftime pattern, turning every time
    into NaT without a word.
    """
    if int(pd.__version__.split(".")[0]) >= 2:
        return pd.to_datetime(values, utc=True, errors="coerce", format="mixed")
    return pd.to_datetime(values, utc=True, errors="coerce")


# ------------------------------------------------------------------ the registered readers


@reader("sagemaker")
def read_sagemaker(paths: Sequence[Path], settings: Settings, where: str) -> Iterator[pd.DataFrame]:
    """SageMaker data capture JSON lines, one frame per file."""
    for path in paths:
        records: list[dict[str, Any]] = []
        for number, line in _lines(path, where):
            try:
                capture = line["captureData"]
                request, response = capture["endpointInput"], capture.get("endpointOutput", {})
                inputs = decode_payload(request["data"], request.get("encoding", "CSV"),
                                        request.get("observedContentType", ""))
                outputs = decode_payload(response["data"], response.get("encoding", "CSV"),
                                         response.get("observedContentType", "")) if response else []
                meta = line.get("eventMetadata", {})
                # inferenceId is the caller's id (what ground truth is keyed by); eventId otherwise.
                base_id = str(meta.get("inferenceId") or meta.get("eventId") or f"{path.name}:{number}")
                records += _records(inputs, outputs, base_id, meta.get("inferenceTime"), settings.features)
            except (KeyError, TypeError, ValueError) as error:
                raise MonitorInputError(f"{where}: {path.name}:{number}",
                                        f"not a SageMaker capture record ({error})") from None
        yield _frame(records, settings)


@reader("vertex")
def read_vertex(paths: Sequence[Path], settings: Settings, where: str) -> Iterator[pd.DataFrame]:
    """Vertex AI request-response logging rows (BigQuery export, JSON lines), one frame per file."""
    for path in paths:
        records: list[dict[str, Any]] = []
        for number, row in _lines(path, where):
            try:
                requests = [json.loads(p) for p in row["request_payload"]]
                responses = [json.loads(p) for p in row.get("response_payload") or []]
                inputs = [r for payload in requests for r in _rows_from_json(payload)]
                outputs = [r for payload in responses for r in _rows_from_json(payload)]
                records += _records(inputs, outputs, str(row["request_id"]), row.get("logging_time"), settings.features)
            except (KeyError, TypeError, ValueError) as error:
                raise MonitorInputError(f"{where}: {path.name}:{number}",
                                        f"not a Vertex AI request-response row ({error})") from None
        yield _frame(records, settings)


@reader("azure")
def read_azure(paths: Sequence[Path], settings: Settings, where: str) -> Iterator[pd.DataFrame]:
    """Azure ML data collector JSON lines; inputs and outputs are paired by ``correlationid``.

    The collector writes ``model_inputs`` and ``model_outputs`` to separate files of the same hour:
    a half waits in ``pending`` until its other half is read (bounded by one hour's records).
    """
    pending: dict[str, dict[str, Any]] = {}
    for path in paths:
        records: list[dict[str, Any]] = []
        for number, event in _lines(path, where):
            try:
                kind = "inputs" if str(event["type"]).endswith("model_inputs") else "outputs"
                key = str(event.get("correlationid") or event["id"])
                half = pending.setdefault(key, {"time": event.get("time")})
                half[kind] = _rows_from_json(event["data"])
            except (KeyError, TypeError, ValueError) as error:
                raise MonitorInputError(f"{where}: {path.name}:{number}",
                                        f"not an Azure ML data collector record ({error})") from None
            if "inputs" in half and "outputs" in half:
                del pending[key]
                records += _records(half["inputs"], half["outputs"], key, half["time"], settings.features)
        yield _frame(records, settings)
    # Inputs whose outputs never came are still traffic: drift counts them, quality cannot.
    leftovers = [r for k, h in pending.items() if "inputs" in h
                 for r in _records(h["inputs"], [], k, h["time"], settings.features)]
    yield _frame(leftovers, settings)


@reader("csv")
def read_csv(paths: Sequence[Path], settings: Settings, where: str) -> Iterator[pd.DataFrame]:
    """CSV files with a header row, read in chunks (text values: typed later against the baseline)."""
    for path in paths:
        try:
            chunks: Iterable[pd.DataFrame] = pd.read_csv(path, dtype=str, chunksize=CSV_CHUNK_ROWS)
            for chunk in chunks:
                for column in (*settings.features, *META):
                    if column not in chunk.columns:
                        chunk[column] = None
                yield chunk
        except (ValueError, UnicodeDecodeError) as error:
            raise MonitorInputError(f"{where}: {path.name}", f"is not a CSV file with a header ({error})") from None


def read_labels(paths: Sequence[Path], settings: Settings, where: str) -> dict[str, Any]:
    """Ground truth: id -> label from CSV or JSON lines files.

    Held in memory for the window (one entry per labelled inference): the join is by id and the
    captures are streamed past it. docs/monitoring.md states this bound.
    """
    labels: dict[str, Any] = {}
    for path in paths:
        if path.suffix in (".jsonl", ".json"):
            rows: Iterable[dict[str, Any]] = (row for _, row in _lines(path, where))
        else:
            rows = pd.read_csv(path, dtype=str).to_dict("records")
        for row in rows:
            if settings.id_field not in row or settings.label not in row:
                raise MonitorInputError(f"{where}: {path.name}",
                                        f"needs columns {settings.id_field!r} and {settings.label!r}")
            labels[str(row[settings.id_field])] = row[settings.label]
    return labels
