"""Runs against the observed targets: simulated values, errors, the distance and the score.

A run's long series (``step, date, scope, variable, value``) becomes one value per modelled
observation: the target's statistic of its series and scope over the observation's window of
months, times its scale (:func:`simulated`). The error is the signed distance, in the target's
unit, to the nearest end of the observed range (zero inside it); normalised by the tolerance it is
at most 1 inside (:class:`kzsim.history.targets.Tolerance`). Observations excluded from fitting
(each with its reason) are left out of the dicts, the distance and the score by default, and
shown in :func:`history_table`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from kzsim.errors import InputError
from kzsim.history.targets import Observation, Statistic, Target
from kzsim.months import format_month, parse_month

#: The band of :func:`history_table`: the 5% and 95% quantiles over seeds.
BAND = (0.05, 0.95)
#: The function of each statistic over a window's monthly values.
STATISTICS: dict[Statistic, Callable[[npt.NDArray[np.float64]], float]] = {
    "mean": lambda values: float(np.mean(values)),
    "max": lambda values: float(np.max(values)),
    "sum": lambda values: float(np.sum(values)),
}
TABLE_COLUMNS = [
    "target",
    "when",
    "family",
    "window",
    "unit",
    "observed",
    "low",
    "high",
    "median",
    "q05",
    "q95",
    "error",
    "normalised_error",
    "inside",
    "tolerance",
    "excluded",
    "source",
]


def fitted(
    targets: Sequence[Target], include_excluded: bool = False
) -> Iterator[tuple[Target, Observation]]:
    """Every modelled target's observations (without the excluded ones unless asked)."""
    for target in targets:
        if not target.modelled:
            continue
        for observation in target.observations:
            if include_excluded or observation.excluded is None:
                yield target, observation


def months_of(observation: Observation) -> list[str]:
    """The months of an observation's window, in order."""
    first, last = parse_month(observation.start), parse_month(observation.end)
    return [format_month(month) for month in range(first, last + 1)]


def window_value(target: Target, observation: Observation, values: pd.Series) -> float:
    """The target's statistic over the window, scaled; ``values`` is indexed by month.

    Raises:
        InputError: if a month of the window is missing from the run, or a value not finite.

    """
    months = months_of(observation)
    missing = [m for m in months if m not in values.index]
    if missing:
        raise InputError(
            [
                f"{target.key(observation)}: series {target.series} ({target.scope}): months "
                f"{missing[0]}..{missing[-1]} are not in the run (allowed: a run that records "
                "every month of the window, outputs.every_months=1)"
            ]
        )
    value = STATISTICS[target.statistic](values.loc[months].to_numpy(dtype=float)) * target.scale
    if not math.isfinite(value):
        raise InputError(
            [
                f"{target.key(observation)}: series {target.series} ({target.scope}): "
                f"{value} in {observation.window} (allowed: finite values)"
            ]
        )
    return value


def series_by_month(target: Target, series_long: pd.DataFrame) -> pd.Series:
    """The target's series in its scope, indexed by month.

    Raises:
        InputError: if the run has no such series in that scope.

    """
    rows = series_long[
        (series_long["variable"] == target.series) & (series_long["scope"] == target.scope)
    ]
    if rows.empty:
        raise InputError(
            [
                f"{target.name}: series {target.series} ({target.scope}): not in the run's "
                "output (allowed: a run recording it; outputs.series must list it and, for a "
                "region, outputs.regional must be true)"
            ]
        )
    return pd.Series(rows["value"].to_numpy(dtype=float), index=rows["date"].astype(str))


def simulated(
    targets: Sequence[Target], series_long: pd.DataFrame, include_excluded: bool = False
) -> dict[str, float]:
    """One run's value of every modelled observation, keyed ``"<target>@<label>"``.

    Args:
        targets: the targets (:func:`kzsim.history.targets.load_targets`).
        series_long: the run's series, long form ``step, date, scope, variable, value``.
        include_excluded: also the observations excluded from fitting.

    Returns:
        Values in each target's unit (after its statistic and scale).

    Raises:
        InputError: if a target's series, scope or a month of its window is missing.

    """
    values: dict[str, float] = {}
    cache: dict[tuple[str | None, str | None], pd.Series] = {}
    for target, observation in fitted(targets, include_excluded):
        where = (target.series, target.scope)
        if where not in cache:
            cache[where] = series_by_month(target, series_long)
        values[target.key(observation)] = window_value(target, observation, cache[where])
    return values


def point(target: Target, observation: Observation) -> float:
    """One number for an observation: its value, or the middle of its range.

    The middle is arithmetic for an absolute tolerance and geometric for a factor.
    """
    low, high = observation.low, observation.high
    if target.tolerance is not None and target.tolerance.kind == "factor":
        return math.sqrt(low * high)
    return (low + high) / 2


def observed(targets: Sequence[Target], include_excluded: bool = False) -> dict[str, float]:
    """Every modelled observation's value (the middle of a range), with the keys of simulated."""
    return {t.key(o): point(t, o) for t, o in fitted(targets, include_excluded)}


def normalised_errors(
    targets: Sequence[Target], sim: Mapping[str, float], include_excluded: bool = False
) -> dict[str, float]:
    """``|error| / tolerance`` of every fitted observation (at most 1 inside the tolerance).

    Raises:
        KeyError: if ``sim`` lacks an observation's key.

    """
    errors = {}
    for target, observation in fitted(targets, include_excluded):
        key = target.key(observation)
        if key not in sim:
            raise KeyError(f"{key}: no simulated value")
        assert target.tolerance is not None  # every modelled target declares one
        errors[key] = target.tolerance.normalised(sim[key], observation.low, observation.high)
    return errors


def distance(
    targets: Sequence[Target],
    sim: Mapping[str, float],
    weights: Mapping[str, float] | None = None,
) -> float:
    """Root mean square of the normalised errors, weighted by target name.

    ``sqrt(sum(w * e**2) / sum(w))`` over the fitted observations; a target missing from
    ``weights`` has weight 1, weight 0 leaves it out.

    Raises:
        ValueError: if a weight names no target, is negative, or all weights are 0.

    """
    weights = dict(weights or {})
    names = {t.name for t in targets}
    unknown = sorted(set(weights) - names)
    if unknown:
        raise ValueError(f"weights: unknown targets {', '.join(unknown)}")
    if any(not w >= 0 for w in weights.values()):
        raise ValueError("weights: must be 0 or more")
    errors = normalised_errors(targets, sim)
    total = squares = 0.0
    for target, observation in fitted(targets):
        weight = weights.get(target.name, 1.0)
        total += weight
        squares += weight * errors[target.key(observation)] ** 2
    if total <= 0:
        raise ValueError("weights: no target has a positive weight")
    return math.sqrt(squares / total)


def history_table(targets: Sequence[Target], runs: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Every modelled observation over seeds: observed, median and 5-95% band, error, inside.

    The error and ``inside`` are those of the median over seeds. Excluded observations are in
    the table, with the reason in ``excluded``; :func:`score` leaves them out.

    Args:
        targets: the targets.
        runs: one long series frame per seed.

    """
    if not runs:
        raise ValueError("history_table: no runs")
    values = [simulated(targets, run, include_excluded=True) for run in runs]
    rows = []
    for target, observation in fitted(targets, include_excluded=True):
        assert target.tolerance is not None
        key = target.key(observation)
        sample = np.array([v[key] for v in values])
        median = float(np.median(sample))
        q05, q95 = (float(q) for q in np.quantile(sample, BAND))
        low, high = observation.low, observation.high
        normalised = target.tolerance.normalised(median, low, high)
        rows.append(
            {
                "target": target.name,
                "when": observation.label,
                "family": target.family,
                "window": observation.window,
                "unit": target.unit,
                "observed": point(target, observation),
                "low": low,
                "high": high,
                "median": median,
                "q05": q05,
                "q95": q95,
                "error": target.tolerance.error(median, low, high),
                "normalised_error": normalised,
                "inside": bool(normalised <= 1.0),
                "tolerance": target.tolerance.describe(),
                "excluded": observation.excluded or "",
                "source": observation.source,
            }
        )
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def score(table: pd.DataFrame) -> tuple[float, float]:
    """``(share inside tolerance, distance)`` of a history table's fitted rows.

    The distance is the root mean square of the median's normalised errors.
    """
    rows = table[table["excluded"] == ""]
    if rows.empty:
        raise ValueError("score: no fitted observations")
    errors = rows["normalised_error"].to_numpy(dtype=float)
    return float(rows["inside"].mean()), float(math.sqrt(np.mean(errors**2)))
