"""Batch experiments: experiment files, designs, the sweep runner, summaries, sensitivity.

Python API (every function returns pandas frames)::

    from kzsim import batch

    experiment = batch.load_experiment("experiments/tariff_speed_grid.yaml")
    runs = batch.run_experiment(experiment, "runs/tariff", workers=2)
    summary = batch.summarize("runs/tariff")
    series = batch.read_series("runs/tariff", variables=["protest_share"])

The names are imported on first use, so that ``kzsim --help`` does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kzsim.batch.analysis import read_runs, read_series, sensitivity, summarize
    from kzsim.batch.experiment import Experiment, load_experiment
    from kzsim.batch.runner import run_experiment

_HOMES = {
    "Experiment": "kzsim.batch.experiment",
    "load_experiment": "kzsim.batch.experiment",
    "read_runs": "kzsim.batch.analysis",
    "read_series": "kzsim.batch.analysis",
    "run_experiment": "kzsim.batch.runner",
    "sensitivity": "kzsim.batch.analysis",
    "summarize": "kzsim.batch.analysis",
}
__all__ = [
    "Experiment",
    "load_experiment",
    "read_runs",
    "read_series",
    "run_experiment",
    "sensitivity",
    "summarize",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'kzsim.batch' has no attribute '{name}'")
    return getattr(importlib.import_module(_HOMES[name]), name)
