"""Outcomes: named scalar statistics of one output series of a run."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from kzsim.batch.schema import Outcome
from kzsim.catalog import REGIONAL_SERIES, SERIES
from kzsim.months import parse_month

#: The scope a series is read from when an outcome names no region.
DEFAULT_SCOPE: dict[str, str] = {s.name: s.scope for s in SERIES} | {
    s.name: "national" for s in REGIONAL_SERIES
}


def outcome_scope(outcome: Outcome) -> str:
    """The ``scope`` of the rows an outcome reads: its region, else the series' own scope."""
    return outcome.region or DEFAULT_SCOPE[outcome.series]


def compute_outcomes(series: pd.DataFrame, outcomes: Mapping[str, Outcome]) -> dict[str, float]:
    """Every outcome of one run, from its long frame ``step, date, scope, variable, value``.

    A statistic of an empty window, and a threshold never crossed, are NaN.
    """
    values: dict[str, float] = {}
    if series.empty:
        return dict.fromkeys(outcomes, float("nan"))
    steps = series["step"].to_numpy(dtype=np.int64)
    numbers = series["value"].to_numpy(dtype=np.float64)
    start_month = parse_month(str(series["date"].iloc[0])) - int(steps[0])
    for name, outcome in outcomes.items():
        rows = (
            (series["variable"] == outcome.series) & (series["scope"] == outcome_scope(outcome))
        ).to_numpy(dtype=bool)
        values[name] = statistic(steps[rows] + start_month, numbers[rows], outcome)
    return values


def statistic(
    months: npt.NDArray[np.int64], values: npt.NDArray[np.float64], outcome: Outcome
) -> float:
    """One outcome of a series given as month indexes and values in time order."""
    if outcome.stat == "at":
        assert outcome.date is not None  # checked when the experiment loads
        before = values[months <= parse_month(outcome.date)]
        return float(before[-1]) if before.size else float("nan")
    start = parse_month(outcome.from_) if outcome.from_ else (months[0] if months.size else 0)
    end = parse_month(outcome.to) if outcome.to else (months[-1] if months.size else 0)
    inside = (months >= start) & (months <= end)
    window, window_months = values[inside], months[inside]
    if not window.size:
        return float("nan")
    if outcome.stat in ("first_above", "first_below"):
        assert outcome.threshold is not None  # checked when the experiment loads
        crossed = (
            window > outcome.threshold
            if outcome.stat == "first_above"
            else (window < outcome.threshold)
        )
        hits = np.flatnonzero(crossed)
        return float(window_months[hits[0]] - start) if hits.size else float("nan")
    return float(REDUCERS[outcome.stat](window))


#: The statistics of a window of values.
REDUCERS: dict[str, Callable[[npt.NDArray[np.float64]], Any]] = {
    "final": lambda window: window[-1],
    "max": np.max,
    "min": np.min,
    "mean": np.mean,
    "change": lambda window: window[-1] - window[0],
}
