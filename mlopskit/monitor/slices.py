"""Where the errors are: quality per slice (a feature's baseline bin x a facet value), mergeable.

Each slice keeps [rows, error sum]; the worst are those with the highest mean error among slices
holding at least ``MIN_SHARE`` of the labelled rows (and ``MIN_ROWS`` rows), reported with their
share of traffic so a bad slice nobody uses is not mistaken for an emergency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

MIN_SHARE = 0.01
MIN_ROWS = 5
Key = tuple[str, int, str, str]  # feature, bin, facet, facet value


class SliceErrors:
    def __init__(self) -> None:
        self.cells: dict[Key, np.ndarray] = {}

    def update(self, feature: str, bins: np.ndarray, facet: str, facet_values: np.ndarray, errors: np.ndarray) -> None:
        valid = (bins >= 0) & ~np.isnan(errors)
        for b, v in set(zip(bins[valid].tolist(), facet_values[valid].tolist())):
            rows = valid & (bins == b) & (facet_values == v)
            cell = self.cells.setdefault((feature, int(b), facet, str(v)), np.zeros(2))
            cell += [rows.sum(), errors[rows].sum()]

    def merge(self, other: SliceErrors) -> None:
        for key, cell in other.cells.items():
            self.cells.setdefault(key, np.zeros(2))
            self.cells[key] += cell

    def worst(self, labels: Mapping[str, Sequence[str]], total: int, count: int) -> list[dict[str, Any]]:
        """The ``count`` slices with the highest mean error, each with its share of labelled rows."""
        floor = max(MIN_ROWS, MIN_SHARE * total)
        rows: list[dict[str, Any]] = []
        for (feature, b, facet, value), (n, errors) in self.cells.items():
            if n >= floor:
                rows.append({"feature": feature, "bin": labels[feature][b], "facet": facet or None,
                             "facet_value": value if facet else None, "rows": int(n),
                             "share": float(n / total) if total else 0.0, "error": float(errors / n)})
        rows.sort(key=lambda r: (-r["error"], -r["rows"], r["feature"], r["bin"]))
        return rows[:count]


def overall_error(cells: SliceErrors, feature: str | None) -> float | None:
    """Mean error over every labelled row (read off one feature's slices, which partition them)."""
    chosen = [c for (f, _, facet, _), c in cells.cells.items() if f == feature and not facet]
    n = sum(c[0] for c in chosen)
    return float(sum(c[1] for c in chosen) / n) if n else None
