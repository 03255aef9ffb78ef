"""The comparison folder and page: tables, band plots, manifest and a self-contained report.

``kzsim compare`` writes ``inputs.csv`` (the input differences), ``outcomes.csv`` (every arm,
seed and outcome), ``deltas.csv`` (the paired deltas with their intervals), ``series.parquet``
(the national series kept, by arm and seed), ``plots/*.png``, ``manifest.json`` and
``report.html`` (``COMPARISON`` lists them). ``kzsim report`` rebuilds the page from these files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

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
from kzsim.viz import html
from kzsim.viz.compare import ARMS, INTERVAL_LEVEL, Comparison, interval_text, paired_deltas
from kzsim.viz.differences import scenario_differences, show
from kzsim.viz.figures import band_figure, png, quantile_bands
from kzsim.viz.folders import read_manifest, read_table

#: Everything a comparison folder may hold: what ``write_comparison`` and ``kzsim report`` write.
COMPARISON = OutputKind(
    "comparison",
    files=(
        "inputs.csv",
        "outcomes.csv",
        "deltas.csv",
        "series.parquet",
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
    )


def comparison_pngs(comparison: Comparison) -> list[tuple[str, bytes]]:
    """One band figure per headline group: both arms' medians and 5-95% bands."""
    bands = quantile_bands(comparison.series, by=["arm"])
    groups = {
        label: bands[bands["arm"] == arm]
        for arm, label in zip(ARMS, comparison.labels, strict=True)
    }
    figures = []
    for name, (title, variables) in FIGURES.items():
        present = [v for v in variables if (comparison.series["variable"] == v).any()]
        if present:
            figure = band_figure(f"{title}: median and 5-95% band", present, groups)
            figures.append((name, png(figure)))
    return figures


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
        ],
    )
