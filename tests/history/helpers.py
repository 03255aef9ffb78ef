"""Synthetic long-form series for the history tests."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kzsim.months import format_month, parse_month


def long_frame(*parts: tuple[str, str, Mapping[str, float]]) -> pd.DataFrame:
    """A long series frame from ``(variable, scope, {month: value})`` parts."""
    rows = [
        (parse_month(month) - parse_month("2010-01"), month, scope, variable, float(value))
        for variable, scope, values in parts
        for month, value in values.items()
    ]
    return pd.DataFrame(rows, columns=["step", "date", "scope", "variable", "value"])


def months(start: str, end: str, value: float) -> dict[str, float]:
    """``value`` in every month from ``start`` to ``end`` (inclusive)."""
    return {format_month(m): value for m in range(parse_month(start), parse_month(end) + 1)}
