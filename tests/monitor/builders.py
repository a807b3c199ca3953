"""Seeded captures and baselines for the monitor's tests: a fixed logistic model serving six
features; ``shifted`` moves ``income`` up and most ``region`` traffic to one value."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

FEATURES = ("age", "income", "tenure_months", "region", "num_products", "credit_score")
REGIONS = ("north", "south", "east", "west")


def rows(n: int, seed: int, shifted: bool) -> list[tuple[list, float, int]]:
    rng = np.random.default_rng(seed)
    income = rng.normal(85 if shifted else 55, 15, n).round(1)
    region = rng.choice(REGIONS, n, p=(0.7, 0.1, 0.1, 0.1) if shifted else (0.25,) * 4)
    age, tenure, products = rng.integers(18, 80, n), rng.integers(0, 120, n), rng.integers(1, 5, n)
    credit = rng.normal(650, 60, n).round(0)
    out = []
    for i in range(n):
        score = round(1 / (1 + math.exp(-(0.045 * (credit[i] - 650) + 0.02 * (income[i] - 55)))), 4)
        out.append(([int(age[i]), float(income[i]), int(tenure[i]), str(region[i]), int(products[i]),
                     float(credit[i])], score, int(rng.random() < score)))
    return out


def baseline_csv(path: Path, n: int = 600, seed: int = 1) -> Path:
    lines = [",".join([*FEATURES, "prediction", "label"])]
    lines += [",".join(str(v) for v in [*values, score, label]) for values, score, label in rows(n, seed, False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def capture_jsonl(path: Path, n: int, seed: int, shifted: bool) -> Path:
    """SageMaker data capture JSON lines with CSV payloads
    (docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html)."""
    lines = []
    for i, (values, score, _) in enumerate(rows(n, seed, shifted)):
        lines.append(json.dumps({"captureData": {
            "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT",
                              "data": ",".join(str(v) for v in values), "encoding": "CSV"},
            "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": str(score),
                               "encoding": "CSV"}},
            "eventMetadata": {"eventId": f"e{i}", "inferenceId": f"r{i}", "inferenceTime": "2026-12-01T09:00:00Z"},
            "eventVersion": "0"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
