"""``kzsim compare``: two scenarios run with common random numbers, and their paired differences.

Replication r of both arms uses the same seed, so every random stream (citizens, network, loan
offers, NTB episodes, arrests) is the same in both arms unless the inputs make it differ; the
paired difference ``B - A`` of an outcome then measures the effect of the input differences
with far less noise than two independent samples would (common random numbers). Each outcome's
paired deltas are summarised by their mean and a 90% Student-t interval for that mean.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kzsim.catalog import HEADLINE, REGIONAL_SERIES, declared_range
from kzsim.contract import Statistic
from kzsim.ensemble import DEFAULT_DRAWS, paired_draws
from kzsim.errors import InputError
from kzsim.outputs import scenario_hash, versions
from kzsim.plots import FIGURES
from kzsim.scenario.load import load_scenario, read_yaml_file
from kzsim.scenario.schema import Scenario
from kzsim.viz.differences import Difference, scenario_differences

#: Interval level of the paired deltas.
INTERVAL_LEVEL = 0.90
ARMS = ("A", "B")


@dataclass(frozen=True)
class Outcome:
    """A scalar summary of one national series over the whole horizon."""

    variable: str
    statistic: Statistic

    @property
    def name(self) -> str:
        """``statistic variable``, e.g. ``max protest_share``."""
        return f"{self.statistic} {self.variable}"

    def of(self, values: pd.Series) -> float:
        """The statistic of a run's values in date order."""
        if values.empty:
            return math.nan
        if self.statistic == "end":
            return float(values.iloc[-1])
        return float(getattr(values, self.statistic)())


#: What ``kzsim compare`` reports: each headline series, in catalog order, by the statistic its
#: declaration names (``statistic=``; the last month's value unless it says otherwise).
OUTCOMES: tuple[Outcome, ...] = tuple(Outcome(s.name, s.statistic) for s in HEADLINE)
#: Regional series of the comparison's maps: every headline regional series with a finite range
#: (those of a run's report), by the statistic each declares.
MAP_SERIES: tuple[Outcome, ...] = tuple(
    Outcome(s.name, s.statistic)
    for s in REGIONAL_SERIES
    if s.headline and declared_range(s.name) is not None
)
#: Columns of a comparison's events (the first replication's log of each arm) and maps.
EVENT_COLUMNS = ["arm", "step", "date", "kind", "actor", "detail"]
REGION_COLUMNS = ["arm", "seed", "region", "variable", "value"]
#: National series kept for the plots and the outcomes.
KEPT_VARIABLES: tuple[str, ...] = tuple(
    dict.fromkeys(
        [v for _, group in FIGURES.values() for v in group] + [o.variable for o in OUTCOMES]
    )
)


@dataclass
class Comparison:
    """Both arms of a comparison and their paired differences.

    Attributes:
        scenarios: the A and B scenarios as run (overrides applied).
        files: the scenario files, A then B.
        seeds: one seed per replication, shared by both arms.
        inputs: the input differences as dotted keys.
        outcomes: ``arm, seed, outcome, value``, one row per arm, replication and outcome.
        deltas: per outcome ``A, B, delta, low, high, replications`` (means, and the interval).
        series: ``arm, seed, date, variable, value`` of the national series kept.
        manifest: versions, seeds, files, scenario hashes and data, time stamps.
        events: ``arm, step, date, kind, actor, detail``: the event log of each arm's first
            replication.
        regions: ``arm, seed, region, variable, value``: each map series' statistic per region.

    """

    scenarios: tuple[Scenario, Scenario]
    files: tuple[str, str]
    seeds: list[int]
    inputs: list[Difference]
    outcomes: pd.DataFrame
    deltas: pd.DataFrame
    series: pd.DataFrame
    manifest: dict[str, Any]
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVENT_COLUMNS))
    regions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REGION_COLUMNS))

    @property
    def labels(self) -> tuple[str, str]:
        """``A: name`` and ``B: name``."""
        a, b = self.scenarios
        return (f"A: {a.metadata.name}", f"B: {b.metadata.name}")


def replication_seeds(base_seed: int, replications: int) -> list[int]:
    """One seed per replication, spawned from the base seed's SeedSequence."""
    children = np.random.SeedSequence(base_seed).spawn(replications)
    return [int(child.generate_state(1)[0]) for child in children]


def check_same_period(files: tuple[Path, Path], scenarios: tuple[Scenario, Scenario]) -> None:
    """Both arms must cover the same months, so that their series pair up date by date."""
    a, b = (s.metadata for s in scenarios)
    problems = []
    for key in ("start", "end"):
        if getattr(a, key) != getattr(b, key):
            _, marks = read_yaml_file(files[1])
            problems.append(
                f"{marks.where(('metadata', key))}: metadata.{key}: {getattr(b, key)} "
                f"differs from {files[0]}'s {getattr(a, key)} (allowed: the same period in "
                "both arms)"
            )
    if problems:
        raise InputError(problems)


def run_comparison(
    files: tuple[Path, Path],
    replications: int,
    base_seed: int | None = None,
    overrides: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
    arm_overrides: tuple[Sequence[str], Sequence[str]] = ((), ()),
    posterior: Path | None = None,
    draws: int = DEFAULT_DRAWS,
) -> Comparison:
    """Run both arms for every replication seed and pair their outcomes.

    With ``posterior``, the replications are ``draws`` particles drawn from that calibration's
    posterior x ``replications`` seeds each; replication r of both arms has the same particle
    and seed (``kzsim.ensemble.paired_draws``), which the manifest records.

    Args:
        files: the A and B scenario files (the same file twice compares two settings of it).
        replications: seeds per arm (at least 1; 2 or more for an interval).
        base_seed: the seed the replication seeds are spawned from; default A's
            ``metadata.seed``, else B's, else a fresh one (recorded in the manifest).
        overrides: ``dotted.key=value`` applied to both arms.
        progress: called as ``progress(done, total)`` after each run.
        arm_overrides: ``dotted.key=value`` applied to arm A only and to arm B only, after
            ``overrides``.
        posterior: a ``kzsim calibrate`` folder to draw each replication's parameters from.
        draws: posterior draws (with ``posterior``).

    """
    from kzsim.model import fresh_seed
    from kzsim.simulation import run

    if replications < 1:
        raise InputError([f"--seeds: {replications} is too few (allowed: 1 or more)"])
    scenarios = (
        load_scenario(files[0], [*overrides, *arm_overrides[0]]),
        load_scenario(files[1], [*overrides, *arm_overrides[1]]),
    )
    check_same_period(files, scenarios)
    if base_seed is None:
        base_seed = next((s.metadata.seed for s in scenarios if s.metadata.seed is not None), None)
    base = fresh_seed() if base_seed is None else base_seed
    drawn: dict[str, Any] = {}
    if posterior is None:
        seeds = replication_seeds(base, replications)
        arms = [scenarios] * replications
    else:
        given = ([*overrides, *arm_overrides[0]], [*overrides, *arm_overrides[1]])
        paired = paired_draws(posterior, scenarios, files, given, draws, replications, base)
        seeds = [m.seed for m in paired.members]
        arms = paired.arms
        drawn = {"posterior": paired.record()}
    started, clock = datetime.now(UTC), time.perf_counter()
    frames, logs, maps = [], [], []
    for index, (seed, pair) in enumerate(zip(seeds, arms, strict=True)):
        for arm, scenario, file in zip(ARMS, pair, files, strict=True):
            result = run(collect_only_kept(scenario), seed=seed, source=str(file))
            regions = [r.id for r in scenario.population.regions]
            regional = result.series["scope"].isin(regions)
            national = result.series[~regional]
            frames.append(national[["date", "variable", "value"]].assign(arm=arm, seed=seed))
            maps.append(
                region_statistics(result.series[regional], regions).assign(arm=arm, seed=seed)
            )
            if index == 0:
                logs.append(result.events.assign(arm=arm))
            if progress is not None:
                progress(2 * index + (arm == "B") + 1, 2 * len(seeds))
    series = pd.concat(frames, ignore_index=True)[["arm", "seed", "date", "variable", "value"]]
    outcomes = outcome_table(series)
    manifest = {
        "comparison": {
            "files": [str(f) for f in files],
            "overrides": list(overrides),
            "arm_overrides": [list(arm_overrides[0]), list(arm_overrides[1])],
            "base_seed": base,
            "seeds": seeds,
            "scenario_hashes": [scenario_hash(s) for s in scenarios],
            "scenarios": [s.to_data() for s in scenarios],
            "interval_level": INTERVAL_LEVEL,
            **drawn,
        },
        "versions": versions(),
        "started_utc": started.isoformat(timespec="seconds"),
        "wall_seconds": round(time.perf_counter() - clock, 3),
    }
    return Comparison(
        scenarios=scenarios,
        files=(str(files[0]), str(files[1])),
        seeds=seeds,
        inputs=scenario_differences(*scenarios),
        outcomes=outcomes,
        deltas=paired_deltas(outcomes),
        series=series,
        manifest=manifest,
        events=pd.concat(logs, ignore_index=True)[EVENT_COLUMNS],
        regions=pd.concat(maps, ignore_index=True)[REGION_COLUMNS],
    )


def collect_only_kept(scenario: Scenario) -> Scenario:
    """The scenario recording only the series a comparison uses: the national ones and the maps'.

    Outputs choose what is recorded, never what happens, so the runs are the same.
    """
    kept = tuple(dict.fromkeys([*KEPT_VARIABLES, *(m.variable for m in MAP_SERIES)]))
    outputs = scenario.outputs.model_copy(update={"series": kept, "regional": True})
    return scenario.model_copy(update={"outputs": outputs})


def region_statistics(regional: pd.DataFrame, regions: Sequence[str]) -> pd.DataFrame:
    """Each map series' statistic over the months, per region: ``region, variable, value``.

    Args:
        regional: a run's long series rows of the regional scopes, in date order.
        regions: the region ids, in the scenario's order.

    """
    rows: list[tuple[str, str, float]] = []
    for outcome in MAP_SERIES:
        values = regional[regional["variable"] == outcome.variable]
        by_region = dict(tuple(values.groupby("scope", sort=False)["value"]))
        rows.extend(
            (region, outcome.variable, outcome.of(by_region.get(region, pd.Series(dtype=float))))
            for region in regions
        )
    return pd.DataFrame(rows, columns=["region", "variable", "value"])


def outcome_table(series: pd.DataFrame) -> pd.DataFrame:
    """Every outcome of every arm and seed: ``arm, seed, outcome, value``."""
    rows = []
    for (arm, seed), run_rows in series.groupby(["arm", "seed"], sort=False):
        for outcome in OUTCOMES:
            values = run_rows.loc[run_rows["variable"] == outcome.variable, "value"]
            rows.append((arm, seed, outcome.name, outcome.of(values)))
    return pd.DataFrame(rows, columns=["arm", "seed", "outcome", "value"])


def paired_deltas(outcomes: pd.DataFrame, level: float = INTERVAL_LEVEL) -> pd.DataFrame:
    """Mean of each arm, mean paired delta ``B - A`` and its Student-t interval, per outcome.

    With one replication the interval is undefined (NaN).
    """
    from scipy import stats

    wide = outcomes.pivot_table(index=["outcome", "seed"], columns="arm", values="value")
    rows = []
    for outcome in dict.fromkeys(outcomes["outcome"]):
        pairs = wide.loc[outcome]
        delta = (pairs["B"] - pairs["A"]).to_numpy(dtype=float)
        n = len(delta)
        mean = float(delta.mean())
        if n > 1:
            half = float(stats.t.ppf(0.5 + level / 2, n - 1) * delta.std(ddof=1) / math.sqrt(n))
        else:
            half = math.nan
        rows.append(
            (
                outcome,
                float(pairs["A"].mean()),
                float(pairs["B"].mean()),
                mean,
                mean - half,
                mean + half,
                n,
            )
        )
    return pd.DataFrame(rows, columns=["outcome", "A", "B", "delta", "low", "high", "replications"])


def interval_text(low: float, high: float) -> str:
    """``[low, high]``, or why there is no interval."""
    if math.isnan(low):
        return "n/a (1 seed)"
    return f"[{low:.3g}, {high:.3g}]"
