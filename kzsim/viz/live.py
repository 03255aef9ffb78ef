"""What the dashboard shows of a running model: live figure, latest values, map, events, levers.

Plain functions of a ``KazakhstanModel`` returning a matplotlib figure or an HTML fragment, so
they are tested without a browser; ``kzsim.viz.dashboard`` puts them on the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

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
from kzsim.months import format_month
from kzsim.plots import axis_limits
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
EVENTS_SHOWN = 12
#: Inline styles of the dashboard's tables (its page has no stylesheet of kzsim's own).
TABLE = "width: 100%; border-collapse: collapse; font-size: 0.85em; table-layout: fixed"
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


def headline_figure(model: KazakhstanModel) -> Figure:
    """The live panels, with the whole horizon on the x axis so the lines grow as time runs."""
    from matplotlib.figure import Figure

    rows = math.ceil(len(PANELS) / 2)
    fig = Figure(figsize=(9, 1.7 * rows + 0.4))
    fig.subplots_adjust(left=0.07, right=0.98, top=0.96, bottom=0.04, hspace=0.4, wspace=0.18)
    axes = list(fig.subplots(rows, 2, sharex=True).flatten())
    for spare in axes[len(PANELS) :]:
        spare.remove()
    years = [decimal_year(model.start_month + s) for s in model.collected_steps]
    horizon = (decimal_year(model.start_month), decimal_year(model.start_month + model.last_step))
    for ax, panel in zip(axes, PANELS, strict=False):
        drawn = 0
        for variable in panel.variables:
            values = column(model, variable)
            if values:
                ax.plot(years, values, lw=1.5, label=variable.replace("_", " "))
                drawn += 1
        ax.set_title(f"{panel.title} ({panel.unit})", fontsize=8)
        ax.set_xlim(*horizon)
        if panel.limits is not None:
            ax.set_ylim(*panel.limits)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
        if drawn:
            ax.legend(fontsize=6, loc="best", ncol=2 if drawn > 3 else 1)
    return fig


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


def regional_map_svg(model: KazakhstanModel, choice: str) -> str:
    """The tile map of the current month, coloured by one regional series."""
    variable, low, high = MAP_CHOICES[choice]
    series = next(s for s in REGIONAL_SERIES if s.name == variable)
    current = series.read(model)
    regions = model.scenario.population.regions
    values = {r.id: float(current[i]) for i, r in enumerate(regions)}
    names = {r.id: r.name for r in regions}
    return tile_map_svg(values, f"{choice} by region, {model.date}", low, high, names, "{:.3f}")


def events_html(model: KazakhstanModel) -> str:
    """The latest events, newest first."""
    if not model.log:
        return "<p>No events yet.</p>"
    rows = "".join(
        f"<tr><td style='{CELL}; white-space: nowrap'>{escape(e.date)}</td>"
        f"<td style='{CELL}; word-break: break-word'>{escape(e.kind)}</td>"
        f"<td style='{CELL}; word-break: break-word'>{escape(e.detail)}</td></tr>"
        for e in reversed(model.log[-EVENTS_SHOWN:])
    )
    return (
        f"<p>{len(model.log)} events so far; the latest {min(EVENTS_SHOWN, len(model.log))}:</p>"
        f"<table class='events' style='{TABLE}'><colgroup><col style='width: 17%'>"
        f"<col style='width: 28%'><col style='width: 55%'></colgroup><tbody>{rows}</tbody></table>"
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
