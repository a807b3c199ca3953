"""Experiment tracking: one backend per stack where training runs log parameters and metrics.

AWS runs a managed MLflow tracking server, GCP a Vertex AI TensorBoard instance (Vertex AI
Experiments' backing store), Azure the workspace's own MLflow endpoint. Run artifacts stay in
the stack's artifact store, under its key; who may read or write runs is the permission
vocabulary's ``experiments.read`` / ``experiments.write``.
"""

from __future__ import annotations

from typing import Literal

from mlopskit.modules.base import SpecModel

TrackingSize = Literal["small", "medium", "large"]


class Experiments(SpecModel):
    """The tracking backend's capacity where the cloud sizes it (``small`` by default)."""

    size: TrackingSize = "small"
