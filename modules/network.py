"""Network exposure of the stack."""

from __future__ import annotations

from mlopskit.modules.base import SpecModel


class Network(SpecModel):
    """``private`` keeps every data path (training, endpoints, storage) off the internet."""

    private: bool = True
