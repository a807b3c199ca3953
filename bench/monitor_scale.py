"""Benchmark of the monitor job (not a timed test): speed on one CPU and memory at volume.

    OMP_NUM_THREADS=1 python bench/monitor_scale.py speed            # 10,000 rows x 20 features, every family
    OMP_NUM_THREADS=1 python bench/monitor_scale.py memory 1000000 10000000

``speed`` runs drift, data quality, quality (with labels), bias (a categorical and a numeric facet),
attribution and worst slices over 10,000 SageMaker-format captured rows x 20 features; the target
is under 60 s. ``memory`` streams each size of window from CSV part files of 1,000,000 rows (read
in chunks of 100,000) through the job in a fresh process and reports its peak resident memory
(``ru_maxrss``); the target is at most 1.5x from the smallest size to the largest. No labels
in the memory run: the window's labels are an id -> label map, O(labels) by design
(docs/monitoring.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
NUMERIC, CATEGORICAL = 16, 4
FEATURES = [f"n{i}" for i in range(NUMERIC)] + [f"c{i}" for i in range(CATEGORICAL)]
CHUNK = 100_000
PART_ROWS = 1_000_000


def _block(rng: np.random.Generator, n: int, shifted: bool) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    numbers = rng.normal(0, 1, (n, NUMERIC)).round(4)
    if shifted:
        numbers[:, :2] += 1.0  # two of twenty features move
    cats = [rng.choice(np.array(["a", "b", "c", "d", "e"]), n) for _ in range(CATEGORICAL)]
    score = 1 / (1 + np.exp(-(numbers[:, 0] * 1.5 + numbers[:, 3] - 0.5 * numbers[:, 5] + (cats[0] == "a"))))
    return numbers, cats, score.round(4)


def write_csv(path: Path, rows: int, seed: int, shifted: bool, labels: bool = True) -> None:
    """Write ``rows`` rows in chunks (bounded memory while generating too)."""
    rng = np.random.default_rng(seed)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join([*FEATURES, "prediction", *(["label"] if labels else [])]) + "\n")
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            numbers, cats, score = _block(rng, n, shifted)
            columns = [numbers[:, i].astype(str) for i in range(NUMERIC)] + cats + [score.astype(str)]
            if labels:
                columns.append((rng.random(n) < score).astype(int).astype(str))
            handle.write("\n".join(",".join(row) for row in zip(*columns, strict=True)) + "\n")


def write_sagemaker(folder: Path, rows: int, seed: int) -> Path:
    """SageMaker data capture JSON lines (CSV payloads) and the labels of every other row."""
    rng = np.random.default_rng(seed)
    numbers, cats, score = _block(rng, rows, True)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "captures.jsonl").open("w", encoding="utf-8") as out, \
            (folder / "labels.csv").open("w", encoding="utf-8") as labels:
        labels.write("inference_id,label\n")
        for i in range(rows):
            payload = ",".join([*numbers[i].astype(str), *(c[i] for c in cats)])
            out.write(json.dumps({"captureData": {
                "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": payload, "encoding": "CSV"},
                "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": str(score[i]),
                                   "encoding": "CSV"}},
                "eventMetadata": {"eventId": f"e{i}", "inferenceId": f"r{i}", "inferenceTime": "2026-12-01T09:00:00Z"}}) + "\n")
            if i % 2 == 0:
                labels.write(f"r{i},{int(rng.random() < score[i])}\n")
    return folder


def speed() -> None:
    from mlopskit.monitor.job import Sources, run
    from mlopskit.monitor.settings import Facet, Settings

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_csv(folder / "baseline.csv", 10_000, 1, shifted=False)
        write_sagemaker(folder / "window", 10_000, 2)
        settings = Settings(features=tuple(FEATURES), categorical=tuple(FEATURES[NUMERIC:]),
                            problem_type="binary-classification", quality_thresholds={"accuracy": 0.7, "auc": 0.7},
                            facets=(Facet("c0"), Facet("n1", 0.0)), bias_thresholds={"DPPL": 0.1, "DI": 0.8})
        started = time.perf_counter()
        report = run(settings, Sources(folder / "window" / "captures.jsonl", folder / "baseline.csv",
                                       folder / "window" / "labels.csv"))
        elapsed = time.perf_counter() - started
    families = [f for f in ("drift", "quality", "bias", "attribution", "worst_slices") if "skipped" not in report[f]]
    print(json.dumps({"rows": report["rows"]["captured"], "features": len(FEATURES), "seconds": round(elapsed, 2),
                      "families": families, "drifted": report["drift"]["drifted"],
                      "ndcg": report["attribution"].get("ndcg")}))


def _child(folder: str) -> None:
    from mlopskit.monitor.job import Sources, run
    from mlopskit.monitor.settings import Settings

    settings = Settings(features=tuple(FEATURES), categorical=tuple(FEATURES[NUMERIC:]))
    started = time.perf_counter()
    report = run(settings, Sources(Path(folder) / "window", Path(folder) / "baseline.csv", capture_format="csv"))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": report["rows"]["captured"], "seconds": round(time.perf_counter() - started, 1),
                      "peak_mib": round(peak_kib / 1024, 1), "drifted": report["drift"]["drifted"]}))


def memory(sizes: list[int]) -> None:
    """Each window is made of 1M-row part files; parts after the first are hard links to one
    generated file (the job reads each part in full, as it would distinct data; generating 10 GB of
    distinct rows would only time the generator)."""
    results = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        folder = Path(tmp)
        write_csv(folder / "baseline.csv", 10_000, 1, shifted=False, labels=False)
        part = folder / "part.csv"
        write_csv(part, PART_ROWS, 100, shifted=True, labels=False)
        for rows in sizes:
            window = folder / "window"
            shutil.rmtree(window, ignore_errors=True)
            window.mkdir()
            for index in range(max(rows // PART_ROWS, 1)):
                os.link(part, window / f"part-{index:04d}.csv")
            done = subprocess.run([sys.executable, __file__, "_child", str(folder)], capture_output=True, text=True,
                                  cwd=ROOT, check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(results[-1]), flush=True)
    print(json.dumps({"peak_ratio_largest_to_smallest": round(results[-1]["peak_mib"] / results[0]["peak_mib"], 3)}))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("speed", "memory", "_child"))
    parser.add_argument("args", nargs="*")
    options = parser.parse_args()
    if options.mode == "speed":
        speed()
    elif options.mode == "memory":
        memory([int(a) for a in options.args] or [1_000_000, 10_000_000])
    else:
        _child(options.args[0])
