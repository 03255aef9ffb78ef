"""Static figures of the plot groups (matplotlib, imported only when plotting).

One figure per plot group (``kzsim.contract.PLOT_GROUPS``, titled by ``PLOT_GROUP_TITLES``, in
the order the story is told) draws every series the catalog puts in that group, one panel each,
with its unit on the axis. A series whose declared range is finite (a share: 0-1) is drawn on
that whole range, so that its level reads at a glance and two runs' figures compare; the others
are autoscaled. A coded series (unit ``code``, its description ``0 closed, 1 reform pending,
...``) has its codes named on the axis. The run's key events (``kzsim.story``) are marked on
every time axis and labelled above the top panel.

Figures are written as PNG, SVG or both, at the report's size or a size for slides
(:class:`PlotSize`).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

from kzsim.catalog import declared_range, group_series, series_named
from kzsim.contract import PLOT_GROUP_TITLES, PLOT_GROUPS
from kzsim.errors import InputError
from kzsim.outputs import PLOT_NAMES, PLOTS
from kzsim.story import key_events, monthly_labels
from kzsim.terminal import plain

if TYPE_CHECKING:
    from matplotlib.axes import Axes
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
#: The file name of the region x month map.
REGION_MAP_FIGURE = PLOT_NAMES[-1]
#: Every figure of a run in story order: the groups, the regional map after the publics'.
PLOT_ORDER: tuple[str, ...] = tuple(
    name for group in PLOT_GROUPS for name in (group, *[REGION_MAP_FIGURE][: group == "publics"])
)
#: The file formats of ``--plot-format``: one of them, or both.
PlotFormat = Literal["png", "svg", "both"]
#: A coded series' description: ``0 closed, 1 reform pending, ...``.
_CODES = re.compile(r"(\d+) ([^,\d]+?)\s*(?:,|$)")
#: Months' labels of the key events, in inches above the top panel.
MARKS_HEIGHT = 1.8
MARK_COLOUR = "#7f7f7f"
#: Characters in a line of a panel's y label.
LABEL_WIDTH = 16


@dataclass(frozen=True)
class PlotSize:
    """A figure size: width in inches, height (None: from the panels), pixels per inch, text.

    Attributes:
        width: figure width in inches.
        height: figure height in inches, or None for a fixed height per panel.
        dpi: pixels per inch of the PNG.
        text_pt: size of labels and ticks in points (titles a little larger).

    """

    width: float = 8.0
    height: float | None = None
    dpi: int = 90
    text_pt: float = 8.0

    @property
    def scale(self) -> float:
        """Margins and the marks' band grow with the text: 1 at 8 points."""
        return self.text_pt / 8.0


#: The report's figures.
REPORT_SIZE = PlotSize()
#: 16:9 figures for slides: 1920 x 1080 pixels, text legible from the back of a room.
SLIDES_SIZE = PlotSize(width=1920 / 144, height=1080 / 144, dpi=144, text_pt=13.0)
#: Named sizes of ``--plot-size``.
NAMED_SIZES = {"report": REPORT_SIZE, "slides": SLIDES_SIZE}


def parse_plot_size(text: str) -> PlotSize:
    """``--plot-size``: ``report``, ``slides`` or ``WxH`` in pixels (at 100 pixels per inch).

    Raises:
        InputError: for anything else.

    """
    if text in NAMED_SIZES:
        return NAMED_SIZES[text]
    found = re.fullmatch(r"(\d{3,5})x(\d{3,5})", text)
    if found is None or not all(300 <= int(n) <= 10000 for n in found.groups()):
        raise InputError(
            [
                f"--plot-size: '{text}' is not a size (allowed: report, slides, or WxH in pixels "
                "from 300 to 10000, e.g. 1600x900)"
            ]
        )
    width, height = (int(n) / 100 for n in found.groups())
    return PlotSize(width, height, 100, max(8.0, round(width)))


def plot_suffixes(plot_format: str) -> tuple[str, ...]:
    """The file suffixes of ``--plot-format`` (``both``: PNG and SVG).

    Raises:
        InputError: for a format that is not one.

    """
    if plot_format not in get_args(PlotFormat):
        allowed = ", ".join(get_args(PlotFormat))
        raise InputError([f"--plot-format: '{plot_format}' is not a format (allowed: {allowed})"])
    return ("png", "svg") if plot_format == "both" else (plot_format,)


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


def codes(variable: str) -> dict[int, str] | None:
    """The named codes of a coded series (unit ``code``), else None.

    ``land_policy_state``: ``{0: "closed", 1: "reform pending", 2: "in force", ...}``, read from
    the series' description, the one place they are written.
    """
    try:
        series = series_named(variable)
    except KeyError:
        return None
    if series.unit != "code":
        return None
    named = {int(code): name.strip() for code, name in _CODES.findall(series.description)}
    return named or None


def axis_label(variable: str) -> str:
    """A panel's y label: the series name in words and its unit (a coded one's names suffice).

    The words wrap at :data:`LABEL_WIDTH` characters, the unit on a line of its own.
    """
    words = "\n".join(textwrap.wrap(variable.replace("_", " "), LABEL_WIDTH))
    try:
        unit = series_named(variable).unit
    except KeyError:
        return words
    return words if codes(variable) else f"{words}\n({unit})"


def style_value_axis(ax: Axes, variable: str, size: PlotSize) -> None:
    """Label a panel's y axis with its unit, on its declared range, with named codes."""
    ax.set_ylabel(axis_label(variable), fontsize=size.text_pt, rotation=0, ha="right", va="center")
    limits = axis_limits(variable)
    if limits is not None:
        ax.set_ylim(*limits)
    named = codes(variable)
    if named is not None:
        ax.set_yticks(list(named), labels=list(named.values()), fontsize=size.text_pt)
    ax.tick_params(labelsize=size.text_pt)
    ax.grid(alpha=0.3)


def spaced(positions: Sequence[float], gap: float) -> list[float]:
    """Positions moved right as little as needed so that neighbours are at least ``gap`` apart."""
    placed: list[float] = []
    for position in positions:
        placed.append(max(position, placed[-1] + gap) if placed else position)
    return placed


def mark_events(
    marks_ax: Axes,
    value_axes: Sequence[Axes],
    marks: Sequence[tuple[float, str]],
    size: PlotSize,
) -> None:
    """Dotted lines at the key events on every panel; their labels, upright, in ``marks_ax``.

    Args:
        marks_ax: the band above the top panel (shares its x axis); it shows only the labels.
        value_axes: the panels to mark.
        marks: ``(x, label)`` in the panels' x units, in time order.
        size: the figure size (the text size).

    """
    marks_ax.set_axis_off()
    marks_ax.set_ylim(0.0, 1.0)
    marks_ax.set_xlim(*value_axes[0].get_xlim())
    if not marks:
        return
    for ax in value_axes:
        for x, _ in marks:
            ax.axvline(x, color=MARK_COLOUR, ls=":", lw=0.9, zorder=0)
    low, high = value_axes[0].get_xlim()
    width_in = marks_ax.get_window_extent().width / marks_ax.figure.dpi
    gap = (high - low) * 1.25 * size.text_pt / 72 / max(width_in, 0.1)
    for (x, label), shifted in zip(marks, spaced([x for x, _ in marks], gap), strict=True):
        marks_ax.plot([x, x, shifted], [0.0, 0.04, 0.1], color=MARK_COLOUR, lw=0.6)
        marks_ax.text(
            shifted,
            0.12,
            label,
            rotation=90,
            ha="center",
            va="bottom",
            fontsize=size.text_pt * 0.85,
            clip_on=False,
        )
    marks_ax.set_xlim(low, high)


def figure_height(size: PlotSize, panels: int, marked: bool) -> float:
    """The figure height in inches: the size's, or 1.6 in a panel plus titles and marks."""
    if size.height is not None:
        return size.height
    return 1.6 * panels + (0.95 + (MARKS_HEIGHT if marked else 0.0)) * size.scale


def place_panels(
    fig: Figure,
    size: PlotSize,
    marked: bool,
    left: float,
    right: float = 0.25,
    bottom: float = 0.5,
) -> None:
    """Fixed margins in inches (times the size's scale), room for the marks above the panels.

    Fixed margins, not a constrained layout: that would double the drawing time.
    """
    width, height = fig.get_figwidth(), fig.get_figheight()
    scale = size.scale
    top = (0.45 + (MARKS_HEIGHT if marked else 0.0)) * scale
    fig.subplots_adjust(
        left=left * scale / width,
        right=1 - right * scale / width,
        top=1 - top / height,
        bottom=bottom * scale / height,
        hspace=0.3,
    )


def lines_figure(
    national: pd.DataFrame,
    title: str,
    variables: Sequence[str],
    marks: Sequence[tuple[str, str]] = (),
    size: PlotSize = REPORT_SIZE,
) -> Figure:
    """One panel per variable: its line over the months, on its declared range where it has one.

    Args:
        national: long rows ``date, variable, value`` of one scope per variable.
        title: the figure title.
        variables: the variables to draw, top to bottom.
        marks: key events as ``(YYYY-MM, label)`` (:func:`kzsim.story.monthly_labels`), marked
            on every panel and labelled above the top one.
        size: the figure's size and text size.

    """
    from matplotlib.figure import Figure

    height = figure_height(size, len(variables), bool(marks))
    fig = Figure(figsize=(size.width, height))
    place_panels(fig, size, bool(marks), left=1.7)
    axes = fig.subplots(len(variables), 1, sharex=True, squeeze=False)[:, 0]
    for ax, variable in zip(axes, variables, strict=True):
        rows = national[national["variable"] == variable]
        ax.plot(decimal_years(rows["date"]), rows["value"], lw=1.5)
        style_value_axis(ax, variable, size)
    axes[-1].set_xlabel("year", fontsize=size.text_pt)
    if marks:
        placed = [(float(decimal_years(pd.Series([d]))[0]), label) for d, label in marks]
        mark_events(marks_axes(fig, axes[0], size), list(axes), placed, size)
    fig.suptitle(title, fontsize=size.text_pt * 1.3, y=1 - 0.08 / height, va="top")
    return fig


def marks_axes(fig: Figure, top_panel: Axes, size: PlotSize) -> Axes:
    """The band above the top panel where the marks are labelled (:data:`MARKS_HEIGHT` inches)."""
    box = top_panel.get_position()
    inch = 1 / fig.get_figheight()
    band = (box.x0, box.y1 + 0.1 * inch, box.width, MARKS_HEIGHT * size.scale * inch)
    return fig.add_axes(band)


def headline_plots(
    result: RunResult,
    run_folder: Path,
    suffixes: Sequence[str] = ("png",),
    size: PlotSize = REPORT_SIZE,
) -> list[Path]:
    """Draw the plots of ``kzsim run`` into ``run_folder/plots/``; return the paths.

    One figure per plot group that the run kept a series of, plus a region x month protest map,
    in story order (:data:`PLOT_ORDER`), each with the run's key events marked. As ``extras`` of
    :meth:`~kzsim.outputs.RunResult.write` they are written with the rest of the folder.

    Args:
        result: the run.
        run_folder: the folder being written.
        suffixes: ``png``, ``svg`` or both.
        size: the figures' size.

    """
    folder = run_folder / PLOTS
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fig in run_figures(result, size):
        for suffix in suffixes:
            path = folder / f"{name}.{suffix}"
            fig.savefig(path, dpi=size.dpi)
            written.append(path)
    return written


def run_figures(result: RunResult, size: PlotSize = REPORT_SIZE) -> list[tuple[str, Figure]]:
    """The figures of a run as ``(name, figure)``, in story order."""
    series = result.series
    region_ids = [r.id for r in result.scenario.population.regions]
    national = series[~series["scope"].isin(region_ids)]
    marks = monthly_labels(key_events(result.events))
    name = plain(result.scenario.metadata.name)
    figures: dict[str, Figure] = {}
    for group, (title, variables) in FIGURES.items():
        present = [v for v in variables if (national["variable"] == v).any()]
        if present:
            figures[group] = lines_figure(national, f"{title} ({name})", present, marks, size)
    regional = series[series["scope"].isin(region_ids) & (series["variable"] == REGION_MAP)]
    if not regional.empty:
        grid = regional.pivot(index="scope", columns="date", values="value").reindex(region_ids)
        figures[REGION_MAP_FIGURE] = region_month_figure(grid, marks, size)
    return [(n, figures[n]) for n in PLOT_ORDER if n in figures]


def region_month_figure(
    grid: pd.DataFrame,
    marks: Sequence[tuple[str, str]] = (),
    size: PlotSize = REPORT_SIZE,
) -> Figure:
    """The protest share of each region (rows) and month (columns) as a heat map.

    Args:
        grid: one row per region and one column per month (``YYYY-MM``).
        marks: key events as ``(YYYY-MM, label)``, marked on the months they fall in.
        size: the figure's size and text size.

    """
    from matplotlib.figure import Figure

    height = size.height or 4.0 + (1.35 + (MARKS_HEIGHT if marks else 0.0)) * size.scale
    fig = Figure(figsize=(size.width * 1.25 if size.height is None else size.width, height))
    place_panels(fig, size, bool(marks), left=1.7, right=1.1, bottom=0.9)
    axes = [fig.subplots()]
    ax = axes[0]
    image = ax.imshow(grid.to_numpy(), aspect="auto", cmap="Reds", interpolation="nearest")
    small = size.text_pt * 0.9
    ax.set_yticks(range(len(grid.index)), labels=list(grid.index), fontsize=small)
    step = max(1, grid.shape[1] // 12)
    ax.set_xticks(
        range(0, grid.shape[1], step),
        labels=list(grid.columns[::step]),
        fontsize=small,
        rotation=45,
    )
    ax.set_xlabel("month", fontsize=size.text_pt)
    ax.set_ylabel("region", fontsize=size.text_pt)
    unit = series_named(REGION_MAP).unit
    bar = fig.colorbar(image, ax=ax, label=f"protest share ({unit})", fraction=0.04, pad=0.02)
    bar.ax.tick_params(labelsize=small)
    if marks:
        months = list(grid.columns)
        placed = [(float(months.index(d)), label) for d, label in marks if d in months]
        mark_events(marks_axes(fig, ax, size), [ax], placed, size)
    fig.suptitle(
        "Protest share by region", fontsize=size.text_pt * 1.3, y=1 - 0.08 / height, va="top"
    )
    return fig
