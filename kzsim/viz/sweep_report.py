"""The report page of a sweep folder: design, fan charts, outcome summary, sensitivity, failures.

The folder is read as ``kzsim sweep`` leaves it (``kzsim.batch.store`` documents the layout);
``summary.parquet`` and ``sensitivity.parquet`` are shown when ``kzsim summarize`` has written
them, and the page says how to get them when it has not.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from kzsim.catalog import HEADLINE
from kzsim.contract import PLOT_GROUP_TITLES, PLOT_GROUPS
from kzsim.errors import InputError
from kzsim.series import RESERVED_SCOPES
from kzsim.viz import html
from kzsim.viz.figures import band_figure, bar_figure, png, quantile_bands
from kzsim.viz.folders import read_manifest

#: The outcomes' own series drawn at most, in the first fan figure.
MAX_FAN_PANELS = 8
OUTCOME_FANS_TITLE = "The outcomes' series"
#: Design points drawn as separate fans; with more, all runs form one fan.
MAX_FAN_GROUPS = 6
ACTOR_SCOPES = RESERVED_SCOPES


def sweep_page(folder: Path, in_use_by: str | None = None) -> str:
    """The whole HTML report of a sweep folder; ``in_use_by``: the sweep running in it, if any."""
    manifest = read_manifest(folder)
    experiment: dict[str, Any] = manifest.get("experiment") or {}
    runs = read_runs(folder, rebuild=in_use_by is not None)
    design = read_parquet(folder / "design.parquet")
    name = str(experiment.get("name", folder.name))
    sections = [
        ("design", "Experiment", design_section(manifest, experiment, design, runs)),
        ("fans", "Fan charts", fan_section(folder, experiment, design)),
        ("summary", "Outcomes by design point", summary_section(folder)),
        ("sensitivity", "Sensitivity", sensitivity_section(folder)),
        ("failures", "Failed runs", failures_section(runs)),
    ]
    subtitle = f"{experiment.get('description', '')} | {len(runs)} runs".strip(" |")
    if in_use_by is not None:
        subtitle += f" | in progress ({in_use_by}): the runs finished so far"
    return html.page(f"kzsim sweep report: {name}", subtitle, sections)


def read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file of the sweep folder; a missing or broken one is an input error."""
    try:
        return pd.read_parquet(path)
    except FileNotFoundError:
        raise InputError(
            [f"{path}: file: not found (allowed: a folder written by kzsim sweep)"]
        ) from None
    except Exception as error:  # pyarrow raises many kinds
        raise InputError([f"{path}: file: cannot be read ({error})"]) from None


def read_runs(folder: Path, rebuild: bool = False) -> pd.DataFrame:
    """The runs table; rebuilt from the journal if asked, or if the sweep has not written it."""
    if not rebuild and (folder / "runs.parquet").exists():
        return read_parquet(folder / "runs.parquet")
    from kzsim.batch.analysis import read_runs as rebuild_runs

    return rebuild_runs(folder)


def design_section(
    manifest: dict[str, Any], experiment: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame
) -> str:
    """What the experiment varied, how, and how many runs finished."""
    method = (experiment.get("design") or {}).get("method", "?")
    status = runs["status"].value_counts() if "status" in runs else pd.Series(dtype=int)
    base = experiment.get("scenario") or {}
    meta = base.get("metadata") or {}
    facts = [
        ("experiment", experiment.get("name", "")),
        ("question", experiment.get("description", "")),
        ("file", manifest.get("experiment_file", "")),
        ("base scenario", f"{meta.get('name', '?')} ({meta.get('start')} to {meta.get('end')})"),
        ("design", f"{method}, {len(design)} points x {experiment.get('replications')} reps"),
        ("runs", ", ".join(f"{n} {s}" for s, n in status.items()) or "none"),
        ("master seed", experiment.get("seed", "")),
        ("kzsim", (manifest.get("versions") or {}).get("kzsim", "")),
        ("created (UTC)", manifest.get("created_utc", "")),
    ]
    factors = []
    for key in (c for c in design.columns if c != "point"):
        values = design[key]
        levels = values.unique()
        if len(levels) <= 8:
            shown = ", ".join(str(v) for v in levels)
        else:
            shown = f"{values.min():.4g} to {values.max():.4g} ({len(levels)} values)"
        factors.append((key, shown))
    return (
        html.table(("item", "value"), ((k, str(v)) for k, v in facts))
        + "<h3>Factors</h3>"
        + html.table(("factor (dotted key)", "values"), factors)
    )


def fan_figures(experiment: dict[str, Any], available: set[str]) -> list[tuple[str, list[str]]]:
    """``(title, series)`` of each fan figure: the outcomes' series, then each plot group's.

    A plot group's figure draws its headline series in catalog order (every headline series is
    in a group); only the series the shards hold are drawn, and a figure with none is left out.
    """
    outcome_series = [o.get("series") for o in (experiment.get("outcomes") or {}).values()]
    wanted = [str(v) for v in dict.fromkeys(outcome_series) if v]
    figures = [(OUTCOME_FANS_TITLE, [v for v in wanted if v in available][:MAX_FAN_PANELS])]
    for group in PLOT_GROUPS:
        names = [s.name for s in HEADLINE if s.group == group and s.name in available]
        figures.append((PLOT_GROUP_TITLES[group], names))
    return [(title, names) for title, names in figures if names]


def group_labels(design: pd.DataFrame) -> dict[int, str]:
    """``p1: months_to_converge=12`` for each design point (the last part of each key)."""
    labels = {}
    for row in design.to_dict("records"):
        point = int(row.pop("point"))
        settings = ", ".join(
            f"{str(key).rsplit('.', 1)[-1]}={value:.3g}"
            if isinstance(value, float)
            else f"{str(key).rsplit('.', 1)[-1]}={value}"
            for key, value in row.items()
        )
        labels[point] = f"p{point}: {settings}"
    return labels


def fan_section(folder: Path, experiment: dict[str, Any], design: pd.DataFrame) -> str:
    """Median and 5-95% band of the chosen series, by design point or over all runs."""
    from kzsim.batch.analysis import read_series

    shards = folder / "series"
    if not shards.is_dir() or not any(shards.glob("*.parquet")):
        return html.paragraph("No finished runs yet: the series folder is empty.", "note")
    probe = read_series(folder, scopes=list(ACTOR_SCOPES))
    figures = fan_figures(experiment, set(probe["variable"].unique()))
    del probe
    if not figures:
        return html.paragraph("The runs kept none of the headline series.", "note")
    variables = list(dict.fromkeys(v for _, names in figures for v in names))
    series = read_series(folder, variables=variables, scopes=list(ACTOR_SCOPES))
    series["date"] = series["date"].astype(str)
    points = sorted(series["point"].unique())
    if len(points) <= MAX_FAN_GROUPS:
        labels = group_labels(design)
        bands = quantile_bands(series, by=["point"])
        groups = {labels.get(int(p), f"p{p}"): bands[bands["point"] == p] for p in points}
        how = "one fan per design point"
    else:
        groups = {"all runs": quantile_bands(series)}
        how = f"one fan over all {len(points)} design points and their replications"
    drawn = "".join(
        html.figure(png(band_figure(f"{title}: median and 5-95% band", names, groups)), title)
        for title, names in figures
    )
    return html.paragraph(f"Fan charts, {how}.", "note") + drawn


def summary_section(folder: Path) -> str:
    """``summary.parquet`` as a table, or how to make it."""
    path = folder / "summary.parquet"
    if not path.exists():
        return html.paragraph(
            f"No summary yet: run kzsim summarize {folder} and then this report again.", "note"
        )
    summary = read_parquet(path)
    return html.table([str(c) for c in summary.columns], summary.itertuples(index=False, name=None))


def sensitivity_section(folder: Path) -> str:
    """Sensitivity bars per outcome with their intervals, and the table with its flags."""
    path = folder / "sensitivity.parquet"
    if not path.exists():
        return html.paragraph(
            "No sensitivity indices: they come with sobol and morris designs, after "
            f"kzsim summarize {folder}.",
            "note",
        )
    table = read_parquet(path)
    needed = {"outcome", "factor", "index", "value"}
    if not needed <= set(table.columns):
        raise InputError(
            [f"{path}: columns: missing {', '.join(sorted(needed - set(table.columns)))}"]
        )
    parts = [
        html.paragraph(
            "Bars: index values; whiskers: the half-width of their confidence interval where "
            "SALib gives one. An interval that includes zero is flagged in the table.",
            "note",
        )
    ]
    for outcome, rows in table.groupby("outcome", sort=False):
        factors = list(dict.fromkeys(rows["factor"]))
        bars, errors = {}, {}
        for index, by_index in rows.groupby("index", sort=False):
            values = by_index.set_index("factor").reindex(factors)
            bars[str(index)] = [float(v) for v in values["value"]]
            if "conf" in values:
                errors[str(index)] = [0.0 if math.isnan(c) else float(c) for c in values["conf"]]
        figure = bar_figure(f"Sensitivity of {outcome}", factors, bars, errors)
        parts.append(html.figure(png(figure), f"sensitivity of {outcome}"))
    parts.append(
        html.table([str(c) for c in table.columns], table.itertuples(index=False, name=None))
    )
    return "".join(parts)


def failures_section(runs: pd.DataFrame) -> str:
    """The runs that failed, with their error messages."""
    if "status" not in runs:
        return html.paragraph("The runs table has no status column.", "note")
    failed = runs[runs["status"] == "failed"]
    if failed.empty:
        return html.paragraph("No run failed.", "note")
    columns = [c for c in ("run", "point", "replication", "seed", "error") if c in failed]
    return html.table(columns, failed[columns].itertuples(index=False, name=None))
