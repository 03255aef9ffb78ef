"""Run the replay and its counterfactual variants over many seeds, in parallel processes.

Each run is identified by (variant, seed) and depends on nothing else, so the results are the
same whatever the number of worker processes. A run keeps only what the pattern checks read: the
national series as one wide table indexed by month, and the event log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzsim.parallel import map_in_processes
from kzsim.simulation import run
from kzsim.validation.variants import VARIANTS


@dataclass(frozen=True)
class RunView:
    """One run's national series (columns, indexed by ``YYYY-MM``) and its event log."""

    variant: str
    seed: int
    series: pd.DataFrame
    events: pd.DataFrame

    def path(self, variable: str, start: str | None = None, end: str | None = None) -> pd.Series:
        """One series between two months (inclusive; open ends allowed)."""
        column: pd.Series = self.series[variable]
        return column.loc[start:end]

    def at(self, variable: str, month: str) -> float:
        """The value of a series in one month."""
        return float(self.series[variable].loc[month])

    def mean(self, variable: str, start: str, end: str) -> float:
        """Mean of a series between two months (inclusive)."""
        return float(self.path(variable, start, end).mean())

    def months_of(self, kind: str, start: str | None = None, end: str | None = None) -> list[str]:
        """Months of the logged events of one kind, between two months (inclusive)."""
        dates = self.events.loc[self.events["kind"] == kind, "date"]
        return [d for d in dates if (start is None or d >= start) and (end is None or d <= end)]


@dataclass(frozen=True)
class RunTask:
    """What one worker process needs to simulate one run."""

    base: dict[str, Any]
    variant: str
    seed: int
    citizens: int


def run_overrides(citizens: int) -> tuple[str, ...]:
    """What every suite run sets: its size, and every national series every month."""
    return (
        f"population.citizens={citizens}",
        "outputs.regional=false",
        "outputs.every_months=1",
        "outputs.series=null",
    )


def simulate(task: RunTask) -> RunView:
    """Run one variant of the replay with one seed (national series only)."""
    scenario = VARIANTS[task.variant].apply(task.base, run_overrides(task.citizens))
    result = run(scenario, seed=task.seed)
    wide = result.series.pivot(index="date", columns="variable", values="value")
    wide.columns.name = None
    return RunView(task.variant, task.seed, wide, result.events)


def run_all(
    base: dict[str, Any],
    variants: Iterable[str],
    seeds: Sequence[int],
    citizens: int,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[tuple[str, int], RunView]:
    """Simulate every (variant, seed) pair; return the runs keyed by that pair.

    Args:
        base: the replay's plain data (``Scenario.to_data()``).
        variants: names in :data:`kzsim.validation.variants.VARIANTS`.
        seeds: the seeds, the same for every variant.
        citizens: simulated citizens per run.
        workers: worker processes; 1 runs everything in this process.
        progress: called as ``progress(done, total)`` after each run.

    """
    names = list(dict.fromkeys(variants))
    for name in names:  # report invalid input here, not from inside a worker process
        VARIANTS[name].apply(base, run_overrides(citizens))
    tasks = [RunTask(base, v, s, citizens) for v in names for s in seeds]
    views = map_in_processes(simulate, tasks, workers, progress)
    return {(view.variant, view.seed): view for view in views}
