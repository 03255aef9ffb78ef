"""The comparison folder and page: tables, band plots, manifest and a self-contained report.

``kzsim compare`` writes ``inputs.csv`` (the input differences), ``outcomes.csv`` (every arm,
seed and outcome), ``deltas.csv`` (the paired deltas with their intervals), ``series.parquet``
(the national series kept, by arm and seed), ``events.csv`` (each arm's event log, first
replication), ``regions.csv`` (the maps' statistic per region, arm and seed), ``plots/*.png``,
``manifest.json`` and ``report.html`` (``COMPARISON`` lists them). ``kzsim report`` rebuilds the
page from these files.
"""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path

import pandas as pd

from kzsim.catalog import declared_range, series_label
from kzsim.errors import InputError
from kzsim.outputs import (
    MANIFEST,
    PLOTS,
    REPORT,
    OutputKind,
    staged_folder,
    temporary_siblings,
)
from kzsim.plots import FIGURES
from kzsim.scenario.load import load_scenario
from kzsim.story import key_events, monthly_labels
from kzsim.viz import html
from kzsim.viz.compare import (
    ARMS,
    EVENT_COLUMNS,
    INTERVAL_LEVEL,
    MAP_SERIES,
    REGION_COLUMNS,
    Comparison,
    interval_text,
    paired_deltas,
)
from kzsim.viz.differences import scenario_differences, show
from kzsim.viz.figures import band_figure, png, quantile_bands
from kzsim.viz.folders import read_manifest, read_table
from kzsim.viz.run_report import STATISTIC_WORDS, timeline
from kzsim.viz.tiles import tile_map_svg

#: Everything a comparison folder may hold: what ``write_comparison`` and ``kzsim report`` write.
COMPARISON = OutputKind(
    "comparison",
    files=(
        "inputs.csv",
        "outcomes.csv",
        "deltas.csv",
        "series.parquet",
        "events.csv",
        "regions.csv",
        f"{PLOTS}/*.png",
        MANIFEST,
        REPORT,
        temporary_siblings(REPORT),
    ),
    folders=(PLOTS,),
)


def write_comparison(comparison: Comparison, out: Path, overwrite: bool = False) -> Path:
    """Write the comparison folder: tables, plots, manifest and ``report.html``.

    The folder is written as ``kzsim.outputs`` writes a run's: whole, replacing an earlier
    comparison folder only with ``overwrite``.
    """
    with staged_folder(out, COMPARISON, overwrite) as folder:
        pd.DataFrame(
            [(d.key, show(d.left), show(d.right)) for d in comparison.inputs],
            columns=["key", "A", "B"],
        ).to_csv(folder / "inputs.csv", index=False)
        comparison.outcomes.to_csv(folder / "outcomes.csv", index=False)
        comparison.deltas.to_csv(folder / "deltas.csv", index=False)
        comparison.series.to_parquet(folder / "series.parquet", index=False)
        comparison.events.to_csv(folder / "events.csv", index=False)
        comparison.regions.to_csv(folder / "regions.csv", index=False)
        (folder / PLOTS).mkdir()
        figures = comparison_pngs(comparison)
        for name, data in figures:
            (folder / PLOTS / f"{name}.png").write_bytes(data)
        manifest = json.dumps(comparison.manifest, indent=2)  # keys in the scenario's order
        (folder / MANIFEST).write_text(manifest, encoding="utf-8")
        page = comparison_page(comparison, figures)
        (folder / REPORT).write_text(page, encoding="utf-8")
    return out


def load_comparison(folder: Path) -> Comparison:
    """A comparison folder read back (for ``kzsim report``)."""
    info = read_manifest(folder)
    entry = info["comparison"]
    try:
        scenarios = (load_scenario(entry["scenarios"][0]), load_scenario(entry["scenarios"][1]))
        files = (str(entry["files"][0]), str(entry["files"][1]))
        seeds = [int(s) for s in entry["seeds"]]
    except (KeyError, IndexError, TypeError, ValueError, InputError) as error:
        raise InputError(
            [f"{folder / 'manifest.json'}:1:1: comparison: incomplete ({error})"]
        ) from None
    outcomes = read_table(folder / "outcomes", ["arm", "seed", "outcome", "value"])
    return Comparison(
        scenarios=scenarios,
        files=files,
        seeds=seeds,
        inputs=scenario_differences(*scenarios),
        outcomes=outcomes,
        deltas=paired_deltas(outcomes, float(entry.get("interval_level", INTERVAL_LEVEL))),
        series=read_table(folder / "series", ["arm", "seed", "date", "variable", "value"]),
        manifest=info,
        **{
            name: read_table(folder / name, columns)
            for name, columns in (("events", EVENT_COLUMNS), ("regions", REGION_COLUMNS))
            if (folder / f"{name}.csv").exists()  # folders of kzsim before 0.1 have neither
        },
    )


def comparison_pngs(comparison: Comparison) -> list[tuple[str, bytes]]:
    """One band figure per headline group: both arms' medians and 5-95% bands."""
    bands = quantile_bands(comparison.series, by=["arm"])
    groups = {
        label: bands[bands["arm"] == arm]
        for arm, label in zip(ARMS, comparison.labels, strict=True)
    }
    marks = both_arms_marks(comparison)
    figures = []
    for name, (title, variables) in FIGURES.items():
        present = [v for v in variables if (comparison.series["variable"] == v).any()]
        if present:
            figure = band_figure(f"{title}: median and 5-95% band", present, groups, marks)
            figures.append((name, png(figure)))
    return figures


def both_arms_marks(comparison: Comparison) -> list[tuple[str, str]]:
    """The plot marks of both arms' key events: once where the arms agree, else each with its arm.

    ``(2015-03, "A: Rouble collapses")`` and ``(2015-03, "B: Tenge floats")``.
    """
    labels = {}
    for arm in ARMS:
        log = comparison.events[comparison.events["arm"] == arm].drop(columns="arm")
        labels[arm] = dict(monthly_labels(key_events(log)))
    marks = []
    for date in sorted(set(labels["A"]) | set(labels["B"])):
        a, b = labels["A"].get(date), labels["B"].get(date)
        if a == b:
            marks.append((date, str(a)))
        else:
            marks.extend((date, f"{arm}: {text}") for arm, text in (("A", a), ("B", b)) if text)
    return marks


def events_section(comparison: Comparison) -> str:
    """Each arm's key events, side by side, and where the full logs are."""
    if comparison.events.empty:
        return html.paragraph("This comparison folder keeps no event logs.", "note")
    columns = []
    for arm, label in zip(ARMS, comparison.labels, strict=True):
        log = comparison.events[comparison.events["arm"] == arm].drop(columns="arm")
        columns.append(f"<div><h3>{escape(label)}</h3>{timeline(key_events(log))}</div>")
    note = html.paragraph(
        "Key events of each arm's first replication (seed "
        f"{comparison.seeds[0]}); every line of both logs is in events.csv.",
        "note",
    )
    return note + '<div class="maps">' + "".join(columns) + "</div>"


def maps_section(comparison: Comparison) -> str:
    """For each map series, both arms' tile maps on one range: the mean over replications."""
    if comparison.regions.empty:
        return html.paragraph("This comparison folder keeps no regional values.", "note")
    a = comparison.scenarios[0]
    names = {r.id: r.name for r in a.population.regions}
    means = comparison.regions.groupby(["arm", "variable", "region"], sort=False)["value"].mean()
    maps = []
    for outcome in MAP_SERIES:
        low, high = declared_range(outcome.variable) or (0.0, 1.0)
        for arm, label in zip(ARMS, comparison.labels, strict=True):
            values = {
                region: float(means.get((arm, outcome.variable, region), math.nan))
                for region in names
            }
            title = (
                f"{label}: {series_label(outcome.variable)}, {STATISTIC_WORDS[outcome.statistic]}"
            )
            maps.append(tile_map_svg(values, title, low, high, names, "{:.3f}"))
    note = html.paragraph(
        f"Each map: the mean over the {len(comparison.seeds)} replications of each region's "
        "value; both arms of a series share one colour range.",
        "note",
    )
    return note + '<div class="maps">' + "".join(maps) + "</div>"


def comparison_page(comparison: Comparison, figures: list[tuple[str, bytes]] | None = None) -> str:
    """The comparison as one self-contained HTML page (``figures`` as from comparison_pngs)."""
    a, b = comparison.scenarios
    arms = [
        (
            label,
            file,
            s.metadata.description,
            f"{s.metadata.start} to {s.metadata.end}",
            s.population.citizens,
        )
        for label, file, s in zip(
            comparison.labels, comparison.files, comparison.scenarios, strict=True
        )
    ]
    seeds = ", ".join(str(s) for s in comparison.seeds)
    drawn = comparison.manifest["comparison"].get("posterior")
    posterior = (
        f" It also sets the same posterior draw in both arms ({len(drawn['draws'])} draws of "
        f"{', '.join(drawn['parameters'])} from {drawn['folder']})."
        if drawn
        else ""
    )
    overview = html.table(("arm", "file", "description", "period", "citizens"), arms) + (
        html.paragraph(
            f"{len(comparison.seeds)} replications with common random numbers: replication r "
            f"of both arms uses the same seed ({seeds}).{posterior}",
            "note",
        )
    )
    if comparison.inputs:
        inputs = html.table(
            ("input", "A", "B"), ((d.key, show(d.left), show(d.right)) for d in comparison.inputs)
        )
    else:
        inputs = html.paragraph("The two arms have the same inputs.", "note")
    deltas = html.paragraph(
        "Outcome = statistic of the national series over the horizon (end = last month). "
        "Delta = mean over replications of B - A for the same seed; the interval is a "
        f"{INTERVAL_LEVEL:.0%} Student-t interval for that mean.",
        "note",
    ) + html.table(
        ("outcome", "A mean", "B mean", "delta B - A", f"{INTERVAL_LEVEL:.0%} interval"),
        (
            (r["outcome"], r["A"], r["B"], r["delta"], interval_text(r["low"], r["high"]))
            for r in comparison.deltas.to_dict("records")
        ),
    )
    drawn = comparison_pngs(comparison) if figures is None else figures
    plots = "".join(html.figure(data, name) for name, data in drawn)
    return html.page(
        f"kzsim comparison: {a.metadata.name} vs {b.metadata.name}",
        f"{len(comparison.seeds)} paired replications",
        [
            ("arms", "Arms", overview),
            ("inputs", "Input differences", inputs),
            ("deltas", "Paired outcome deltas", deltas),
            ("plots", "Both arms with bands", plots),
            ("story", "Key events of both arms", events_section(comparison)),
            ("maps", "Regional maps of both arms", maps_section(comparison)),
        ],
    )
