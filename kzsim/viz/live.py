"""What the dashboard shows of a running model: live figure, latest values, map, events, levers.

Plain functions of a ``KazakhstanModel`` returning a matplotlib figure, an HTML fragment or the
bytes of an export, so they are tested without a browser; ``kzsim.viz.dashboard`` puts them on
the page. The figure is sized for a projector (text of 12 pt or more), marks the run's key
events (``kzsim.story``) and can draw the run before the last Reset faintly beneath the current
one.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from kzsim.catalog import (
    REGIONAL_SERIES,
    SERIES,
    AnySeries,
    declared_range,
    group_series,
    series_label,
)
from kzsim.contract import PLOT_GROUP_TITLES, PLOT_GROUPS, PlotGroup
from kzsim.model import KazakhstanModel
from kzsim.months import format_month, parse_month
from kzsim.outputs import EVENT_COLUMNS
from kzsim.plots import axis_limits
from kzsim.simulation import long_series
from kzsim.story import key_events, monthly_labels
from kzsim.viz.differences import show
from kzsim.viz.levers import (
    LAND_REFORM_DESCRIPTION,
    LAND_REFORM_LABEL,
    LEVERS,
    has_land_reform,
    value_at,
)
from kzsim.viz.tiles import tile_map_svg

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Panel:
    """One axis of the live figure: the series of one plot group that share a unit.

    Attributes:
        group: the plot group.
        title: the group's figure title.
        unit: the unit of every series drawn.
        variables: the series drawn, in catalog order.
        limits: the fixed y axis when every series has the same finite declared range (None:
            autoscaled).

    """

    group: PlotGroup
    title: str
    unit: str
    variables: tuple[str, ...]
    limits: tuple[float, float] | None


def panels(groups: Mapping[PlotGroup, Sequence[AnySeries]]) -> tuple[Panel, ...]:
    """One panel per group and unit: groups in the given order, units as they first appear."""
    made = []
    for group, members in groups.items():
        for unit in dict.fromkeys(s.unit for s in members):
            variables = tuple(s.name for s in members if s.unit == unit)
            ranges = {axis_limits(v) for v in variables}
            limits = ranges.pop() if len(ranges) == 1 else None
            made.append(Panel(group, PLOT_GROUP_TITLES[group], unit, variables, limits))
    return tuple(made)


#: The live figure: every plot group's series, one panel per unit.
PANELS = panels({group: group_series(group) for group in PLOT_GROUPS})
#: Map choices, every headline regional series with a finite range: label -> (variable, colour
#: scale low, high), the scale being the declared range.
MAP_CHOICES: dict[str, tuple[str, float, float]] = {
    series_label(s.name): (s.name, *bounds)
    for s in REGIONAL_SERIES
    if s.headline and (bounds := declared_range(s.name)) is not None
}
#: The map's view of the largest value each region has reached so far.
PEAK = "peak"
#: Text sizes of the live figure, in points (legible on a projector from the back of a room).
TITLE_PT = 14
TEXT_PT = 12
#: The live figure's width: it fits a projector's page at 100 dpi, so text keeps its size.
FIGURE_WIDTH_IN = 8.0
#: The height of one panel with its title, and of the figure's bottom and top margins (inches).
PANEL_HEIGHT_IN = 2.8
MARGINS_IN = 1.1
#: How faint the run before the last Reset is drawn beneath the current one (line alpha).
PREVIOUS_ALPHA = 0.35
#: Inline styles of the dashboard's tables (its page has no stylesheet of kzsim's own).
TABLE = "width: 100%; border-collapse: collapse; font-size: 1em; table-layout: fixed"
CELL = "vertical-align: top; padding: 2px 6px; border-bottom: 1px solid #ddd"
SCOPES: dict[str, str] = {s.name: s.scope for s in SERIES} | {
    s.name: "national" for s in REGIONAL_SERIES
}


def column(model: KazakhstanModel, variable: str) -> list[float]:
    """The values collected so far of one national or actor series."""
    values: list[float] = model.datacollector.model_vars.get(
        f"{SCOPES.get(variable, 'national')}|{variable}", []
    )
    return values


def decimal_year(month_index: int) -> float:
    """A month index (``year * 12 + month - 1``) as a decimal year."""
    return month_index / 12


def chosen_panels(groups: Collection[PlotGroup] | None) -> tuple[Panel, ...]:
    """The panels of the chosen plot groups (None: every panel)."""
    return tuple(p for p in PANELS if groups is None or p.group in groups)


def event_marks(model: KazakhstanModel) -> list[tuple[float, str]]:
    """One ``(decimal year, label)`` per month of the run's key events so far."""
    story = key_events(events_frame(model))
    return [(decimal_year(parse_month(d)), label) for d, label in monthly_labels(story)]


def headline_figure(
    model: KazakhstanModel,
    previous: KazakhstanModel | None = None,
    groups: Collection[PlotGroup] | None = None,
) -> Figure:
    """The live panels, with the whole horizon on the x axis so the lines grow as time runs.

    Args:
        model: the running model.
        previous: the run before the last Reset, drawn dashed and faint in the same colours.
        groups: the plot groups to draw (None: all).

    """
    from matplotlib.figure import Figure

    shown = chosen_panels(groups)
    height = PANEL_HEIGHT_IN * len(shown) + MARGINS_IN
    fig = Figure(figsize=(FIGURE_WIDTH_IN, height))
    fig.subplots_adjust(  # fixed margins: a layout engine doubles the time to draw
        left=1.0 / FIGURE_WIDTH_IN,
        right=1 - 0.2 / FIGURE_WIDTH_IN,
        top=1 - 0.4 / height,
        bottom=(MARGINS_IN - 0.4) / height,
        hspace=0.55 / (PANEL_HEIGHT_IN - 0.55),
    )
    axes = list(fig.subplots(len(shown), 1, sharex=True, squeeze=False).flatten())
    horizon = (decimal_year(model.start_month), decimal_year(model.start_month + model.last_step))
    marks = event_marks(model)
    for ax, panel in zip(axes, shown, strict=True):
        draw_panel(ax, panel, model, previous)
        ax.set_xlim(*horizon)
        if marks:  # a collection, not lines: the lines are the series
            ax.vlines(
                [x for x, _ in marks],
                0,
                1,
                transform=ax.get_xaxis_transform(),
                colors="0.45",
                linestyles=":",
                lw=1.2,
            )
        for number, (x, _) in enumerate(marks, start=1):
            ax.text(
                x,
                0.97,
                str(number),
                transform=ax.get_xaxis_transform(),
                fontsize=TEXT_PT,
                ha="center",
                va="top",
                color="0.25",
                bbox={"fc": "white", "ec": "none", "pad": 1},
            )
    if previous is not None:
        fig.text(
            0.5,
            0.05 / height,
            "dashed, faint: the run before the last Reset",
            fontsize=TEXT_PT,
            color="0.3",
            ha="center",
            va="bottom",
        )
    return fig


def overlay_html(previous: KazakhstanModel | None) -> str:
    """Which run the faint dashed lines are (nothing before the first Reset)."""
    if previous is None:
        return ""
    done = min(previous.steps, previous.last_step + 1)
    return (
        "<p data-testid='overlay'>Dashed, faint: the run before the last Reset "
        f"({done} months, {escape(levers_summary(previous))}).</p>"
    )


def levers_summary(model: KazakhstanModel) -> str:
    """The lever values of a run, one ``label = value`` after another."""
    data = model.scenario.to_data()
    return ", ".join(f"{lever.label} = {show(value_at(data, lever.key))}" for lever in LEVERS)


def event_marks_html(model: KazakhstanModel) -> str:
    """The key events marked on the plots, numbered as there."""
    story = key_events(events_frame(model))
    items = "".join(
        f"<li><b>{escape(date)}</b> {escape(label)}</li>" for date, label in monthly_labels(story)
    )
    if not items:
        return ""
    return f"<p>Key events, numbered on the plots:</p><ol class='key-events'>{items}</ol>"


def draw_panel(
    ax: Axes, panel: Panel, model: KazakhstanModel, previous: KazakhstanModel | None
) -> None:
    """One panel: its series in the current run, and faintly in the previous one."""
    drawn = 0
    for variable in panel.variables:
        values = column(model, variable)
        (line,) = ax.plot(years(model), values, lw=2.5, label=variable.replace("_", " "))
        drawn += bool(values)
        if previous is not None:
            ax.plot(
                years(previous),
                column(previous, variable),
                color=line.get_color(),
                label="_previous",
                alpha=PREVIOUS_ALPHA,
                lw=2.5,
                ls="--",
            )
    ax.set_title(f"{panel.title} ({panel.unit})", fontsize=TITLE_PT, loc="left", pad=4)
    if panel.limits is not None:
        ax.set_ylim(*panel.limits)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=TEXT_PT)
    if drawn:
        ax.legend(fontsize=TEXT_PT, loc="best", ncol=2 if drawn > 2 else 1, framealpha=0.8)


def years(model: KazakhstanModel) -> list[float]:
    """The decimal years of the months collected so far."""
    return [decimal_year(model.start_month + s) for s in model.collected_steps]


def figure_png(figure: Figure) -> bytes:
    """A figure as PNG bytes, for the export button."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    return buffer.getvalue()


def series_csv(model: KazakhstanModel) -> str:
    """The series collected so far, long form as ``series.csv`` of ``kzsim run`` holds them."""
    text: str = long_series(model).to_csv(index=False, lineterminator="\n")
    return text


def export_links_html(model: KazakhstanModel, figure: Figure) -> str:
    """Download links for the plots (PNG) and the series (CSV) as they are now.

    The files travel in the links themselves (``data:`` URLs), so no request reaches a server.
    """
    name = model.scenario.metadata.name
    when = (
        format_month(model.start_month + model.collected_steps[-1])
        if model.collected_steps
        else "start"
    )
    png = base64.b64encode(figure_png(figure)).decode()
    csv = base64.b64encode(series_csv(model).encode()).decode()
    return (
        f"<p class='exports'><a download='{escape(name)}_plots_{when}.png' "
        f"href='data:image/png;base64,{png}'>Plots to {when} (PNG)</a> | "
        f"<a download='{escape(name)}_series_{when}.csv' href='data:text/csv;base64,{csv}'>"
        f"Series to {when} (CSV)</a></p>"
    )


def events_frame(model: KazakhstanModel) -> pd.DataFrame:
    """The event log so far, as ``events.parquet`` holds it."""
    return pd.DataFrame([vars(e) for e in model.log], columns=EVENT_COLUMNS)


def latest_values_html(model: KazakhstanModel) -> str:
    """The last collected value of every plotted series, each in a ``data-series`` span."""
    if not model.collected_steps:
        return "<p>Press Step or Play to start the simulation.</p>"
    date = format_month(model.start_month + model.collected_steps[-1])
    items = []
    for panel in PANELS:
        for variable in panel.variables:
            values = column(model, variable)
            if values:
                items.append(
                    f"{escape(variable)} = <span class='latest' data-series='{escape(variable)}'>"
                    f"{values[-1]:.4g}</span>"
                )
    return f"<p><b>{escape(date)}</b>: " + " | ".join(items) + "</p>"


def progress_html(model: KazakhstanModel) -> str:
    """The scenario and how far the run has come."""
    total = model.last_step + 1
    done = min(model.steps, total)  # Mesa also counts SolaraViz's steps after the last month
    state = "finished" if not model.running else f"next: {format_month(model.start_month + done)}"
    meta = model.scenario.metadata
    return (
        f"<p><b>{escape(meta.name)}</b>: {escape(meta.description)}<br>"
        f"<span data-testid='progress'>Month {done} of {total} simulated ({state})</span>. "
        "Change a lever, then press Reset to rerun with the same seed.</p>"
    )


def map_months(model: KazakhstanModel) -> list[str]:
    """The months the map can show: every collected month, oldest first."""
    return [format_month(model.start_month + s) for s in model.collected_steps]


def regional_map_svg(model: KazakhstanModel, choice: str, month: str | None = None) -> str:
    """The tile map of one regional series: this month, a collected month, or each peak.

    Args:
        model: the running model.
        choice: a key of ``MAP_CHOICES``.
        month: None for the current month, a collected month (``YYYY-MM``), or ``PEAK`` for the
            largest value each region has reached so far.

    """
    variable, low, high = MAP_CHOICES[choice]
    regions = model.scenario.population.regions
    names = {r.id: r.name for r in regions}
    if month is None or not model.collected_steps:
        series = next(s for s in REGIONAL_SERIES if s.name == variable)
        current = series.read(model)
        values = {r.id: float(current[i]) for i, r in enumerate(regions)}
        when = model.date
    else:
        history = {r.id: regional_history(model, r.id, variable) for r in regions}
        if month == PEAK:
            values = {rid: max(v, default=math.nan) for rid, v in history.items()}
            when = f"peak to {map_months(model)[-1]}"
        else:
            index = map_months(model).index(month)
            values = {rid: v[index] if v else math.nan for rid, v in history.items()}
            when = month
    return tile_map_svg(values, f"{choice} by region, {when}", low, high, names, "{:.3f}")


def regional_history(model: KazakhstanModel, region: str, variable: str) -> list[float]:
    """One region's collected values of a regional series (empty if regions are not kept)."""
    values: list[float] = model.datacollector.model_vars.get(f"{region}|{variable}", [])
    return values


def event_kinds(model: KazakhstanModel) -> dict[str, int]:
    """Each kind in the event log with its number of events, most frequent first."""
    counts = pd.Series([e.kind for e in model.log], dtype=object).value_counts(sort=True)
    return {str(kind): int(n) for kind, n in counts.items()}


def events_html(model: KazakhstanModel, kinds: Collection[str] | None = None) -> str:
    """The whole event log, newest first, in a scrolling box; optionally only some kinds."""
    if not model.log:
        return "<p>No events yet.</p>"
    shown = [e for e in reversed(model.log) if kinds is None or e.kind in kinds]
    rows = "".join(
        f"<tr><td style='{CELL}; white-space: nowrap'>{escape(e.date)}</td>"
        f"<td style='{CELL}; word-break: break-word'>{escape(e.kind)}</td>"
        f"<td style='{CELL}; word-break: break-word'>{escape(e.detail)}</td></tr>"
        for e in shown
    )
    which = "" if kinds is None else f" ({', '.join(sorted(kinds)) or 'no kind chosen'})"
    return (
        f"<p data-testid='event-count'>{len(shown)} of {len(model.log)} events{escape(which)}, "
        "newest first:</p>"
        "<div class='event-scroll' style='max-height: 26em; overflow-y: auto'>"
        f"<table class='events' style='{TABLE}'><colgroup><col style='width: 17%'>"
        f"<col style='width: 28%'><col style='width: 55%'></colgroup><tbody>{rows}</tbody>"
        "</table></div>"
    )


def levers_html(model: KazakhstanModel) -> str:
    """Each lever: its label, dotted scenario key, value in the current run and meaning."""
    data = model.scenario.to_data()
    cells = [
        (
            lever.label,
            f"<code>{escape(lever.key)}</code>",
            show(value_at(data, lever.key)),
            lever.description,
        )
        for lever in LEVERS
    ]
    reform = "on" if has_land_reform(model.scenario) else "off"
    cells.append((LAND_REFORM_LABEL, "(events)", reform, LAND_REFORM_DESCRIPTION))
    rows = "".join(
        f"<tr><td style='{CELL}'>{escape(label)}</td><td style='{CELL}'>{key}</td>"
        f"<td style='{CELL}'>{escape(value)}</td><td style='{CELL}'>{escape(meaning)}</td></tr>"
        for label, key, value, meaning in cells
    )
    head = "".join(
        f"<th style='{CELL}; text-align: left; width: {width}'>{name}</th>"
        for name, width in (
            ("lever", "14%"),
            ("scenario key", "34%"),
            ("this run", "8%"),
            ("meaning", "44%"),
        )
    )
    return (
        f"<table class='levers' style='{TABLE}'><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        "<p>The same keys work on the command line: <code>kzsim run SCENARIO --set "
        "key=value</code>.</p>"
    )
