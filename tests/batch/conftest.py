"""Small experiments for the batch tests: an inline scenario of 500 citizens and 12 months."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import deep_merge

SMALL_SCENARIO: dict[str, Any] = {
    "metadata": {"name": "small", "start": "2010-01", "end": "2010-12"},
    "population": {"citizens": 500},
}


def experiment_data(**changes: Any) -> dict[str, Any]:
    """A 2-point grid x 2 replications on the small scenario; keyword sections merged in."""
    data: dict[str, Any] = {
        "name": "small-grid",
        "scenario": SMALL_SCENARIO,
        "design": {"method": "grid"},
        "factors": {"population.sinophobia_mean": [0.3, 0.7]},
        "replications": 2,
        "seed": 7,
        "outcomes": {
            "peak_protest": {"series": "protest_share", "stat": "max"},
            "final_sinophobia": {"series": "sinophobia_mean", "stat": "final"},
        },
    }
    return deep_merge(data, changes)


def write_experiment(folder: Path, data: dict[str, Any], name: str = "experiment.yaml") -> Path:
    """Write an experiment file and return its path."""
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def experiment_file(tmp_path: Path) -> Path:
    """The default small experiment, as a file."""
    return write_experiment(tmp_path, experiment_data())


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A dask.distributed cluster of two worker processes, in this process (module-wide)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address
