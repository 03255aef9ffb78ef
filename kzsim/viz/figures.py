"""Matplotlib figures for reports and comparisons, returned as PNG bytes (no files, no pyplot).

Figures are built on ``matplotlib.figure.Figure`` directly, so they are safe to draw from the
dashboard's server threads and leave no global state behind.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kzsim.plots import (
    MARKS_HEIGHT,
    REPORT_SIZE,
    decimal_years,
    headline_plots,
    mark_events,
    marks_axes,
    place_panels,
    style_value_axis,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kzsim.outputs import RunResult

#: Quantiles drawn as a band (5% and 95%) and as the line (median).
BAND_QUANTILES = (0.05, 0.5, 0.95)
#: Line colours of the arms or groups of a band figure, in order.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
#: Line styles of the groups, so that identical lines stay visible.
STYLES = ("-", "--", ":", "-.")


def png(fig: Figure, dpi: int = 90) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def headline_pngs(result: RunResult) -> list[tuple[str, bytes]]:
    """The figures ``kzsim run`` writes to ``plots/``, as ``(name, PNG bytes)`` pairs."""
    with tempfile.TemporaryDirectory() as folder:
        paths = headline_plots(result, Path(folder))
        return [(path.stem, path.read_bytes()) for path in paths]


def quantile_bands(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """5%, 50% and 95% quantiles of ``value`` across runs, per date and variable (and ``by``).

    Args:
        frame: long rows ``date, variable, value`` (plus the ``by`` columns), one per run.
        by: extra grouping columns, e.g. the comparison arm.

    Returns:
        One row per group, date and variable, with columns ``q05``, ``q50`` and ``q95``.

    """
    keys = [*by, "variable", "date"]
    grouped = frame.groupby(keys, sort=True)["value"]
    bands = grouped.quantile(np.array(BAND_QUANTILES)).unstack()
    bands.columns = ["q05", "q50", "q95"]
    return bands.reset_index()


def band_figure(
    title: str,
    variables: Sequence[str],
    groups: Mapping[str, pd.DataFrame],
    marks: Sequence[tuple[str, str]] = (),
) -> Figure:
    """One panel per variable: each group's median line and its 5-95% band.

    A variable is drawn as a run's figures draw it (:func:`kzsim.plots.style_value_axis`): on
    its declared range, with its unit, a coded one with its codes named.

    Args:
        title: the figure title.
        variables: the variables to draw, one panel each.
        groups: group label -> bands as from :func:`quantile_bands` (``variable, date, q05,
            q50, q95``).
        marks: key events as ``(YYYY-MM, label)``, marked on every panel.

    """
    from matplotlib.figure import Figure

    size = REPORT_SIZE
    height = 1.7 * len(variables) + 0.9 + (MARKS_HEIGHT if marks else 0.0)
    fig = Figure(figsize=(size.width, height))
    place_panels(fig, size, bool(marks), left=1.7)
    axes = fig.subplots(len(variables), 1, sharex=True, squeeze=False)[:, 0]
    for ax, variable in zip(axes, variables, strict=True):
        for index, (label, bands) in enumerate(groups.items()):
            rows = bands[bands["variable"] == variable]
            if rows.empty:
                continue
            colour, style = PALETTE[index % len(PALETTE)], STYLES[index % len(STYLES)]
            years = decimal_years(rows["date"].astype(str))
            ax.fill_between(years, rows["q05"], rows["q95"], color=colour, alpha=0.2, lw=0)
            ax.plot(years, rows["q50"], color=colour, ls=style, lw=1.5, label=label)
        style_value_axis(ax, variable, size)
    axes[0].legend(fontsize=8, loc="best")
    axes[-1].set_xlabel("year", fontsize=size.text_pt)
    if marks:
        placed = [(float(decimal_years(pd.Series([d]))[0]), label) for d, label in marks]
        mark_events(marks_axes(fig, axes[0], size), list(axes), placed, size)
    fig.suptitle(title, y=1 - 0.08 / height, va="top")
    return fig


def bar_figure(
    title: str,
    labels: Sequence[str],
    bars: Mapping[str, Sequence[float]],
    errors: Mapping[str, Sequence[float]] | None = None,
) -> Figure:
    """Horizontal grouped bars, e.g. sensitivity indices per factor.

    Args:
        title: the figure title.
        labels: one label per bar group (factors), drawn top to bottom.
        bars: series name (``S1``, ``ST``, ``mu_star``) -> one value per label.
        errors: series name -> half-width of an interval per label, drawn as error bars.

    """
    from matplotlib.figure import Figure

    height = 0.45 * len(labels) * max(1, len(bars)) + 1.2
    fig = Figure(figsize=(8, height))
    fig.subplots_adjust(left=0.35, right=0.97, top=1 - 0.45 / height, bottom=0.5 / height)
    ax = fig.subplots()
    height = 0.8 / max(1, len(bars))
    positions = np.arange(len(labels), dtype=float)
    for index, ((name, values), colour) in enumerate(zip(bars.items(), PALETTE, strict=False)):
        spread = (errors or {}).get(name)
        ax.barh(
            positions + index * height,
            values,
            height=height,
            color=colour,
            label=name,
            xerr=spread,
            capsize=3 if spread is not None else 0,
        )
    ax.set_yticks(positions + height * (len(bars) - 1) / 2, labels=labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#555555", lw=0.8)
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=10)
    return fig
