"""The kit's own monitor: drift, data quality, model quality, bias and attribution drift of an
endpoint's captured traffic, computed with numpy, scipy, pandas and scikit-learn only.

It imports nothing of the kit but itself, so the job's uploaded code is this package alone
(``pip install mlopskit[monitor]`` locally; docs/monitoring.md for each target's image). The
entry point is ``python -m mlopskit.monitor``; its inputs, outputs and published metrics are
fixed in ``mlopskit.monitor.contract``. Importing this package loads nothing heavy.
"""

from __future__ import annotations
