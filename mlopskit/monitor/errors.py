"""The one error the monitor raises for bad input: it names the flag, field or file at fault."""

from __future__ import annotations


class MonitorInputError(ValueError):
    """Bad input to the monitor; ``where`` is the flag, settings field or file it comes from."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message
