"""Run the historical replay over many seeds, in parallel processes, keeping the target series.

Each run depends only on its seed, so the results are the same whatever the number of worker
processes. A run keeps only the rows of the series the targets compare.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzsim.parallel import map_in_processes
from kzsim.scenario.load import load_scenario
from kzsim.simulation import run


@dataclass(frozen=True)
class ReplayTask:
    """What one worker process needs to simulate one run."""

    scenario: dict[str, Any]
    seed: int
    keep: tuple[str, ...]


def run_overrides(citizens: int) -> tuple[str, ...]:
    """What every history run sets: its size, and every series in every region every month.

    Outputs choose what is recorded, never what happens, so the runs are those of the replay.
    """
    return (
        f"population.citizens={citizens}",
        "outputs.regional=true",
        "outputs.every_months=1",
        "outputs.series=null",
    )


def simulate(task: ReplayTask) -> pd.DataFrame:
    """Run the replay with one seed; return the kept series (long form)."""
    series = run(load_scenario(task.scenario), seed=task.seed).series
    return series[series["variable"].isin(task.keep)].reset_index(drop=True)


def run_replays(
    scenario: dict[str, Any],
    seeds: Sequence[int],
    keep: Sequence[str],
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[pd.DataFrame]:
    """Simulate the replay once per seed; return the runs' kept series in seed order.

    Args:
        scenario: the replay's plain data (``Scenario.to_data()``) with :func:`run_overrides`.
        seeds: the seeds.
        keep: the series (``variable`` names) each run keeps.
        workers: worker processes; 1 runs everything in this process.
        progress: called as ``progress(done, total)`` after each run.

    """
    tasks = [ReplayTask(scenario, seed, tuple(keep)) for seed in seeds]
    return map_in_processes(simulate, tasks, workers, progress)
