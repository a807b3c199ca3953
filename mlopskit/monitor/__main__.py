"""``python -m mlopskit.monitor``: the monitor job's entry point (mlopskit.monitor.contract)."""

from __future__ import annotations

import sys

from mlopskit.monitor.entry import main

if __name__ == "__main__":
    sys.exit(main())
