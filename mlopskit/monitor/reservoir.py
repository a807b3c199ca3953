"""A fixed-size, seeded, mergeable uniform sample of rows (priority sampling).

Each row draws a key uniform in [0, 1); the sample is the ``size`` rows with the smallest keys.
That is a uniform sample without replacement of everything seen, and two samples merge by keeping
the smallest keys of their union, so partitions can be sampled apart and combined.

Error bound (stated in the report): a statistic read off an empirical distribution function of
``n`` sampled values is within ``epsilon = sqrt(ln(2/alpha) / (2 n))`` of the full window's with
probability ``1 - alpha`` (Dvoretzky-Kiefer-Wolfowitz inequality, Massart's constant). For the KS
statistic of two samples the bounds add; for AUC (a two-sample U-statistic) Hoeffding's bound uses
the smaller class count.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def dkw_epsilon(n: int, alpha: float = 0.05) -> float | None:
    """Half-width of the DKW band for ``n`` samples at confidence ``1 - alpha``; None for n = 0."""
    return math.sqrt(math.log(2 / alpha) / (2 * n)) if n > 0 else None


class Reservoir:
    """The ``size`` rows with the smallest random keys among every row added."""

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self.rng = np.random.default_rng(seed)
        self.frame: pd.DataFrame | None = None
        self.keys = np.empty(0)
        self.seen = 0

    def add(self, frame: pd.DataFrame) -> None:
        """Offer every row of ``frame``; only the kept ones are copied."""
        keys = self.rng.random(len(frame))
        self.seen += len(frame)
        if self.frame is not None and len(self.keys) >= self.size:
            # A row can only enter with a key below the current largest kept key.
            chosen = keys < self.keys.max()
            frame, keys = frame[chosen], keys[chosen]
            if not len(frame):
                return
        self._keep(frame.reset_index(drop=True), keys)

    def merge(self, other: Reservoir) -> None:
        """Fold another partition's sample in (keys are comparable: both uniform)."""
        if other.frame is not None:
            self.seen += other.seen
            self._keep(other.frame, other.keys)

    def _keep(self, frame: pd.DataFrame, keys: np.ndarray) -> None:
        if self.frame is not None:
            frame = pd.concat([self.frame, frame], ignore_index=True)
            keys = np.concatenate([self.keys, keys])
        if len(keys) > self.size:
            order = np.argpartition(keys, self.size - 1)[: self.size]
            order.sort()
            frame, keys = frame.iloc[order].reset_index(drop=True), keys[order]
        self.frame, self.keys = frame, keys

    @property
    def sample(self) -> pd.DataFrame:
        return self.frame if self.frame is not None else pd.DataFrame()

    @property
    def exact(self) -> bool:
        """Whether the sample holds every row seen (then sampled statistics are exact)."""
        return self.seen <= self.size
