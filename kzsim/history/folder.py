"""The history folder: the table, the manifest, one figure per family, and its report page.

``kzsim history`` writes ``history.csv`` and ``history.parquet`` (the history table),
``manifest.json`` (kind ``history``: versions, scenario and its hash, seeds, the target files'
hashes, the score), ``figures/<family>.png`` and ``report.html`` (``HISTORY`` lists them). The
folder is written whole, as ``kzsim.outputs`` writes a run's; ``kzsim report`` rebuilds the page
from these files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from kzsim.errors import InputError
from kzsim.history.evaluate import TABLE_COLUMNS
from kzsim.history.targets import Target
from kzsim.outputs import MANIFEST, REPORT, OutputKind, staged_folder, temporary_siblings

FIGURES = "figures"
TABLE = "history"
#: Everything a history folder may hold: what ``write_history`` and ``kzsim report`` write.
HISTORY = OutputKind(
    "history",
    files=(
        f"{TABLE}.csv",
        f"{TABLE}.parquet",
        MANIFEST,
        f"{FIGURES}/*.png",
        REPORT,
        temporary_siblings(REPORT),
    ),
    folders=(FIGURES,),
)


def write_history(
    out: Path,
    table: pd.DataFrame,
    manifest: dict[str, Any],
    targets: tuple[Target, ...],
    overwrite: bool = False,
) -> Path:
    """Write the history folder whole (replacing an earlier one only with ``overwrite``)."""
    from kzsim.history.figures import family_pngs

    with staged_folder(out, HISTORY, overwrite) as folder:
        table.to_csv(folder / f"{TABLE}.csv", index=False)
        table.to_parquet(folder / f"{TABLE}.parquet", index=False)
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        (folder / FIGURES).mkdir()
        figures = family_pngs(table)
        for family, data in figures:
            (folder / FIGURES / f"{family}.png").write_bytes(data)
        (folder / REPORT).write_text(history_page(table, manifest, targets, figures), "utf-8")
    return out


def history_report(folder: Path) -> str:
    """The report page of a history folder, from its table, manifest and figures."""
    from kzsim.history.targets import load_targets
    from kzsim.viz.folders import read_manifest, read_table

    table = read_table(folder / TABLE, TABLE_COLUMNS)
    table["excluded"] = table["excluded"].fillna("").astype(str)
    table["when"] = table["when"].astype(str)
    paths = sorted((folder / FIGURES).glob("*.png"))
    figures = [(path.stem, path.read_bytes()) for path in paths]
    manifest = read_manifest(folder)
    if not isinstance(manifest.get("score"), dict):
        raise InputError([f"{folder / MANIFEST}:1:1: score: missing (allowed: a kzsim history)"])
    return history_page(table, manifest, load_targets(), figures)


def history_page(
    table: pd.DataFrame,
    manifest: dict[str, Any],
    targets: tuple[Target, ...],
    figures: list[tuple[str, bytes]],
) -> str:
    """The history as one self-contained HTML page."""
    from kzsim.viz import html

    score = manifest["score"]
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in table.to_dict("records")
    ]
    rows = [
        (
            r["target"],
            r["when"],
            r["window"],
            f"{number(r['observed'])} {r['unit']}"
            + (f" ({number(r['low'])}-{number(r['high'])})" if r["low"] != r["high"] else ""),
            number(r["median"]),
            f"[{number(r['q05'])}, {number(r['q95'])}]",
            number(r["error"]),
            r["tolerance"],
            verdict(r["inside"], r["excluded"]),
            r["source"],
        )
        for r in records
    ]
    overview = html.paragraph(
        f"{manifest.get('scenario_file')}: seeds {describe_seeds(manifest.get('seeds', []))}, "
        f"{manifest.get('citizens')} citizens per run. {score['inside']} of "
        f"{score['observations']} fitted observations inside tolerance "
        f"({score['share_inside']:.0%}); normalised distance {score['distance']:.3g}."
    )
    header = (
        "target",
        "when",
        "window",
        "observed",
        "median",
        "90% band",
        "error",
        "tolerance",
        "result",
        "source",
    )
    excluded = [
        html.paragraph(
            f"{r['target']}@{r['when']} is shown but not fitted: {r['excluded']}.", "note"
        )
        for r in records
        if r["excluded"]
    ]
    absent = [(t.name, t.family, t.description, t.reason) for t in targets if not t.modelled]
    sections = [
        ("overview", "Score", overview),
        ("table", "Observations", html.table(header, rows) + "".join(excluded)),
        ("targets", "Targets", targets_table(targets)),
        (
            "figures",
            "Figures",
            "".join(
                html.figure(
                    data,
                    f"{name}: observed (sources labelled) over the simulated median and 5-95% band",
                )
                for name, data in figures
            ),
        ),
        (
            "not-modelled",
            "Not modelled yet",
            html.table(("target", "family", "what", "why not"), absent),
        ),
    ]
    return html.page("kzsim history", "the replay against observed targets", sections)


def targets_table(targets: tuple[Target, ...]) -> str:
    """The modelled targets: what they are, the model output and mapping, the tolerance and why."""
    from kzsim.viz import html

    rows = []
    for target in targets:
        if target.modelled and target.tolerance is not None:
            notes = "; ".join(dict.fromkeys(o.note for o in target.observations if o.note))
            rows.append(
                (
                    target.name,
                    target.description + (f" ({notes})" if notes else ""),
                    target.mapping,
                    f"{target.tolerance.describe()}: {target.tolerance.why}",
                )
            )
    return html.table(("target", "what", "model output and mapping", "tolerance and why"), rows)


def number(value: float) -> str:
    """A value for a table: thousands separated from 10,000 on, else 4 significant digits."""
    return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:.4g}"


def verdict(inside: bool, excluded: str) -> str:
    """``inside``, ``OUTSIDE`` or ``excluded``."""
    if excluded:
        return "excluded"
    return "inside" if inside else "OUTSIDE"


def describe_seeds(seeds: list[int]) -> str:
    """``1-10`` for a run of consecutive seeds, else the list."""
    if seeds and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}-{seeds[-1]}" if len(seeds) > 1 else str(seeds[0])
    return ", ".join(str(s) for s in seeds)
