"""Write the bundled monitor sample (stacks/samples/monitor/): a baseline, a SageMaker-format
capture window in which exactly two features are shifted, and its ground truth.

    python scripts/monitor_sample.py stacks/samples/monitor

Seeded, so the files are the same on every run. The served model is a fixed logistic score of
the features; ``income`` moves up by about one standard deviation and ``region`` moves most of its
traffic to one value; the other features keep their distribution.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from pathlib import Path

import numpy as np

FEATURES = ("age", "income", "tenure_months", "region", "num_products", "credit_score")
REGIONS = ("north", "south", "east", "west")


def rows(n: int, seed: int, shifted: bool) -> list:
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, n)
    income = rng.normal(85 if shifted else 55, 15, n).round(1)
    tenure = rng.integers(0, 120, n)
    region = rng.choice(REGIONS, n, p=(0.7, 0.1, 0.1, 0.1) if shifted else (0.25, 0.25, 0.25, 0.25))
    products = rng.integers(1, 5, n)
    credit = rng.normal(650, 60, n).round(0)
    out = []
    for i in range(n):
        z = 0.045 * (credit[i] - 650) + 0.02 * (income[i] - 55) - 0.01 * (age[i] - 45)
        score = round(1 / (1 + math.exp(-z)), 4)
        label = int(rng.random() < score)
        out.append(({"age": int(age[i]), "income": float(income[i]), "tenure_months": int(tenure[i]),
                     "region": str(region[i]), "num_products": int(products[i]), "credit_score": float(credit[i])},
                    score, label))
    return out


def write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "baseline.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*FEATURES, "prediction", "label"])
        for features, score, label in rows(600, 1, shifted=False):
            writer.writerow([*(features[f] for f in FEATURES), score, label])
    captures = folder / "captures"
    captures.mkdir(exist_ok=True)
    with (captures / "capture.jsonl").open("w", encoding="utf-8") as handle, \
            (folder / "labels.csv").open("w", newline="", encoding="utf-8") as labels:
        writer = csv.writer(labels)
        writer.writerow(["inference_id", "label"])
        for i, (features, score, label) in enumerate(rows(400, 2, shifted=True)):
            line = {"captureData": {
                "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT",
                                  "data": ",".join(str(features[f]) for f in FEATURES), "encoding": "CSV"},
                "endpointOutput": {"observedContentType": "text/csv; charset=utf-8", "mode": "OUTPUT",
                                   "data": str(score), "encoding": "CSV"}},
                "eventMetadata": {"eventId": f"evt-{i:04d}", "inferenceId": f"req-{i:04d}",
                                  "inferenceTime": f"2026-12-01T{i // 60 % 24:02d}:{i % 60:02d}:00Z"},
                "eventVersion": "0"}
            handle.write(json.dumps(line, separators=(",", ":")) + "\n")
            if i % 4:  # a quarter of the window has no label yet: counted as unmatched
                writer.writerow([f"req-{i:04d}", label])
    (folder / "monitor.json").write_text(json.dumps({
        "endpoint": "scoring", "stack": "sample", "features": list(FEATURES), "categorical": ["region"],
        "problem_type": "binary-classification", "quality_thresholds": {"accuracy": 0.7, "auc": 0.75},
        "facets": [{"name": "age", "value_or_threshold": 60}, "region"],
        "bias_thresholds": {"DPPL": 0.2, "DI": 0.8}}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    write(parser.parse_args().folder)
