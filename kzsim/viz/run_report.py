"""The report page of one run: summary, headline plots, regional maps, timeline, changed inputs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import pandas as pd

from kzsim.catalog import REGIONAL_SERIES, declared_range, series_label, series_named
from kzsim.contract import Statistic
from kzsim.outputs import RunResult
from kzsim.series import RegionalSeries
from kzsim.story import displayed_log, key_events
from kzsim.viz import html
from kzsim.viz.differences import changed_from_defaults, show
from kzsim.viz.figures import headline_pngs
from kzsim.viz.tiles import tile_map_svg

#: How a map's title names the statistic of each region's months.
STATISTIC_WORDS: dict[Statistic, str] = {
    "end": "last month",
    "mean": "mean over the months",
    "max": "highest month",
    "min": "lowest month",
}
#: The regional maps, each of a series by its declared statistic on its declared range
#: ``(series, low, high)``: every headline regional series with a finite range.
REGION_MAPS: tuple[tuple[RegionalSeries, float, float], ...] = tuple(
    (s, *bounds)
    for s in REGIONAL_SERIES
    if s.headline and (bounds := declared_range(s.name)) is not None
)


def run_page(result: RunResult, figures: list[tuple[str, bytes]] | None = None) -> str:
    """The whole HTML report of one run.

    Args:
        result: the run.
        figures: its headline figures as ``(name, PNG bytes)``; drawn anew when not given.

    """
    meta = result.scenario.metadata
    subtitle = (
        f"{meta.description or meta.name} | {meta.start} to {meta.end} | "
        f"seed {result.manifest.get('seed')}"
    )
    sections = [
        ("summary", "Scenario summary", summary_section(result)),
        ("plots", "Headline plots", plots_section(result, figures)),
        ("map", "Regional map", map_section(result)),
        ("story", "Key events", timeline(key_events(result.events))),
        ("events", "Event log", timeline(displayed_log(result.events))),
        ("inputs", "Parameters that differ from the defaults", inputs_section(result)),
    ]
    return html.page(f"kzsim run report: {meta.name}", subtitle, sections)


def summary_section(result: RunResult) -> str:
    """What was run, with which software, and the headline series' first, last, min and max."""
    info = result.manifest
    versions = info.get("versions") or {}
    scenario = result.scenario
    facts = [
        ("scenario", scenario.metadata.name),
        ("description", scenario.metadata.description),
        ("period", f"{scenario.metadata.start} to {scenario.metadata.end}"),
        ("months simulated", info.get("steps", scenario.months)),
        ("seed", info.get("seed", "")),
        ("simulated citizens", scenario.population.citizens),
        ("regions", len(scenario.population.regions)),
        ("scenario file", info.get("scenario_file") or "(given as data)"),
        ("scenario hash", str(info.get("scenario_hash", ""))[:16]),
        ("versions", ", ".join(f"{k} {v}" for k, v in versions.items())),
        ("started (UTC)", info.get("started_utc", "")),
        ("wall time (s)", info.get("wall_seconds", "")),
        ("events logged", len(result.events)),
    ]
    return (
        html.table(("item", "value"), ((item, str(value)) for item, value in facts))
        + "<h3>Headline series</h3>"
        + html.table(
            ("series", "unit", "first", "last", "min", "max"),
            ((name, series_named(name).unit, *values) for name, *values in result.summary()),
        )
    )


def plots_section(result: RunResult, figures: list[tuple[str, bytes]] | None) -> str:
    """The headline figures of ``kzsim run``, embedded."""
    if figures is None:
        figures = headline_pngs(result)
    if not figures:
        return html.paragraph("This run kept none of the headline series.", "note")
    return "".join(html.figure(data, name.replace("_", " ")) for name, data in figures)


def regional_values(result: RunResult, variable: str, statistic: Statistic) -> dict[str, float]:
    """One value per region: the statistic of the variable over the months (``end``: the last)."""
    ids = [r.id for r in result.scenario.population.regions]
    series = result.series
    rows = series[(series["variable"] == variable) & series["scope"].isin(ids)]
    by_region = rows.groupby("scope", sort=False)["value"]
    found = by_region.agg("last" if statistic == "end" else statistic)
    return {r: float(found.get(r, math.nan)) for r in ids}


def map_section(result: RunResult) -> str:
    """Tile maps of the regional series, or a note if the run kept none."""
    names = {r.id: r.name for r in result.scenario.population.regions}
    maps = []
    for series, low, high in REGION_MAPS:
        values = regional_values(result, series.name, series.statistic)
        if all(math.isnan(v) for v in values.values()):
            continue
        title = f"{series_label(series.name)}, {STATISTIC_WORDS[series.statistic]}"
        maps.append(tile_map_svg(values, title, low, high, names, "{:.3f}"))
    if not maps:
        return html.paragraph(
            "This run kept no regional series (outputs.regional is false or the series were "
            "not selected).",
            "note",
        )
    note = html.paragraph(
        "A schematic tile map: each region is one tile placed roughly where it lies (west on "
        "the left, north on top). Hover over a tile for the region's full name.",
        "note",
    )
    return note + '<div class="maps">' + "".join(maps) + "</div>"


def timeline(events: pd.DataFrame) -> str:
    """The event log as a timeline grouped by year, with a count by kind."""
    if events.empty:
        return html.paragraph("No events were logged.", "note")
    counts = events["kind"].value_counts()
    lead = html.paragraph(
        f"{len(events)} events: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()),
        "note",
    )
    items = []
    year = ""
    for row in events.itertuples(index=False):
        date = str(row.date)
        if date[:4] != year:
            year = date[:4]
            items.append(f'<li class="year">{escape(year)}</li>')
        items.append(
            f'<li><span class="date">{escape(date)}</span>'
            f'<span class="kind">{escape(str(row.kind))} ({escape(str(row.actor))})</span> '
            f"{escape(str(row.detail))}</li>"
        )
    return lead + '<ul class="timeline">' + "".join(items) + "</ul>"


def inputs_section(result: RunResult) -> str:
    """Parameters changed from kzsim's defaults, and the drivers the scenario gives."""
    changed = changed_from_defaults(result.scenario)
    parts = []
    if changed:
        parts.append(
            html.table(
                ("parameter", "default", "this run"),
                ((d.key, show(d.left), show(d.right)) for d in changed),
            )
        )
    else:
        parts.append(html.paragraph("Every parameter is at its default.", "note"))
    parts.append("<h3>Drivers</h3>")
    parts.append(drivers_table(result))
    return "".join(parts)


def drivers_table(result: RunResult) -> str:
    """The driver paths a scenario gives: points, dates and range; the rest are flat defaults."""
    rows: list[Sequence[object]] = []
    for name, points in result.scenario.drivers.items():
        values = list(points.values())
        dates = sorted(points)
        rows.append((name, len(points), f"{dates[0]} to {dates[-1]}", min(values), max(values)))
    if not rows:
        return html.paragraph("No drivers given: every driver is flat at its default.", "note")
    return html.table(("driver", "points", "dates", "min", "max"), rows)
