"""Static figures of the plot groups (matplotlib, imported only when plotting).

One figure per plot group (``kzsim.contract.PLOT_GROUPS``, titled by ``PLOT_GROUP_TITLES``) draws
every series the catalog puts in that group, one panel each. A series whose declared range is
finite (a share: 0-1) is drawn on that whole range, so that its level reads at a glance and two
runs' figures compare; the others are autoscaled.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from kzsim.catalog import declared_range, group_series
from kzsim.contract import PLOT_GROUP_TITLES, PLOT_GROUPS
from kzsim.outputs import PLOTS
from kzsim.terminal import plain

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kzsim.outputs import RunResult

#: Figure name (the plot group) -> (title, variables drawn, each from the national or actor scope).
FIGURES: dict[str, tuple[str, tuple[str, ...]]] = {
    group: (PLOT_GROUP_TITLES[group], tuple(s.name for s in group_series(group)))
    for group in PLOT_GROUPS
}
#: Margin around a declared range, as a share of it, so that lines at a bound stay visible.
RANGE_MARGIN = 0.03
#: The regional series of the region x month map of a run.
REGION_MAP = "protest_share"


def decimal_years(dates: pd.Series) -> npt.NDArray[np.float64]:
    """``YYYY-MM`` strings as decimal years (month 1 = .0), a cheap numeric time axis."""
    parts = dates.str.split("-", expand=True).astype(int)
    values: npt.NDArray[np.float64] = (parts[0] + (parts[1] - 1) / 12).to_numpy(dtype=np.float64)
    return values


def axis_limits(variable: str) -> tuple[float, float] | None:
    """The y axis of a series: its declared range with a margin, or None (autoscaled).

    A series the catalog does not know, or whose range is open on one side, is autoscaled.
    """
    try:
        bounds = declared_range(variable)
    except KeyError:
        return None
    if bounds is None:
        return None
    low, high = bounds
    margin = RANGE_MARGIN * (high - low)
    return (low - margin, high + margin)


def lines_figure(national: pd.DataFrame, title: str, variables: Sequence[str]) -> Figure:
    """One panel per variable: its line over the months, on its declared range where it has one.

    Args:
        national: long rows ``date, variable, value`` of one scope per variable.
        title: the figure title.
        variables: the variables to draw, top to bottom.

    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 1.6 * len(variables) + 0.8))
    axes = fig.subplots(len(variables), 1, sharex=True, squeeze=False)[:, 0]
    for ax, variable in zip(axes, variables, strict=True):
        rows = national[national["variable"] == variable]
        ax.plot(decimal_years(rows["date"]), rows["value"], lw=1.5)
        ax.set_ylabel(variable.replace("_", " "), fontsize=8, rotation=0, ha="right")
        limits = axis_limits(variable)
        if limits is not None:
            ax.set_ylim(*limits)
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.25, right=0.97, top=1 - 0.5 / height, bottom=0.4 / height)
    return fig


def headline_plots(result: RunResult, run_folder: Path) -> list[Path]:
    """Draw the plots of ``kzsim run`` into ``run_folder/plots/``; return the paths.

    One PNG per plot group that the run kept a series of, plus a region x month protest map. As
    ``extras`` of :meth:`~kzsim.outputs.RunResult.write` they are written with the rest of the
    folder.
    """
    folder = run_folder / PLOTS
    folder.mkdir(parents=True, exist_ok=True)
    series = result.series
    region_ids = [r.id for r in result.scenario.population.regions]
    national = series[~series["scope"].isin(region_ids)]
    written = []
    for name, (title, variables) in FIGURES.items():
        present = [v for v in variables if (national["variable"] == v).any()]
        if not present:
            continue
        fig = lines_figure(national, f"{title} ({plain(result.scenario.metadata.name)})", present)
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=90)
        written.append(path)
    regional = series[series["scope"].isin(region_ids) & (series["variable"] == REGION_MAP)]
    if not regional.empty:
        grid = regional.pivot(index="scope", columns="date", values="value").reindex(region_ids)
        path = folder / "protest_by_region.png"
        region_month_figure(grid).savefig(path, dpi=90)
        written.append(path)
    return written


def region_month_figure(grid: pd.DataFrame) -> Figure:
    """The protest share of each region (rows) and month (columns) as a heat map."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 5))
    ax = fig.subplots()
    image = ax.imshow(grid.to_numpy(), aspect="auto", cmap="Reds", interpolation="nearest")
    ax.set_yticks(range(len(grid.index)), labels=list(grid.index), fontsize=7)
    step = max(1, grid.shape[1] // 12)
    ax.set_xticks(
        range(0, grid.shape[1], step),
        labels=list(grid.columns[::step]),
        fontsize=7,
        rotation=45,
    )
    fig.colorbar(image, ax=ax, label="protest share")
    ax.set_title("Protest share by region")
    fig.subplots_adjust(left=0.22, bottom=0.15, right=0.98)
    return fig
