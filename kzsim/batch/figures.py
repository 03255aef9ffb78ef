"""Figures of a sweep: fan charts of series by group, and sensitivity bar charts (PNG and SVG)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kzsim.batch.analysis import read_series, sensitivity
from kzsim.batch.outcomes import DEFAULT_SCOPE
from kzsim.batch.schema import Morris, Sobol
from kzsim.batch.store import SweepFolder
from kzsim.catalog import SERIES_NAMES
from kzsim.errors import InputError
from kzsim.plots import decimal_years

#: More design points than this: group fan charts by the first factor, not by point.
MAX_POINT_GROUPS = 8
#: A numeric factor with more distinct values than this is binned into quartiles.
MAX_FACTOR_LEVELS = 6
FORMATS = ("png", "svg")


def plot_sweep(
    path: str | Path, series: Sequence[str] | None = None, by: str | None = None
) -> list[Path]:
    """Write fan charts (and sensitivity bars for sobol and morris designs); return the files.

    Args:
        path: the sweep folder.
        series: series to draw (default: those the outcomes read).
        by: ``point``, or a factor's dotted key (default: ``point`` for up to 8 design points,
            else the first factor).

    Raises:
        InputError: for an unknown series or grouping, or a sweep without finished runs.

    """
    folder = SweepFolder.existing(Path(path))
    spec = folder.spec()
    names = (
        list(series) if series else list(dict.fromkeys(o.series for o in spec.outcomes.values()))
    )
    unknown = [n for n in names if n not in SERIES_NAMES]
    if unknown:
        raise InputError(
            [
                f"--series: unknown series '{n}' (allowed: {', '.join(SERIES_NAMES)})"
                for n in unknown
            ]
        )
    grouping = by or ("point" if spec.points <= MAX_POINT_GROUPS else next(iter(spec.factors)))
    if grouping != "point" and grouping not in spec.factors:
        raise InputError(
            [f"--by: '{grouping}' is not a factor (allowed: point, {', '.join(spec.factors)})"]
        )
    groups = _groups(pd.read_parquet(folder.design_path), grouping)
    written = [fan_chart(folder, name, groups, grouping) for name in names]
    if isinstance(spec.design, Sobol | Morris):
        table = sensitivity(path)
        written += [sensitivity_chart(folder, table, outcome) for outcome in spec.outcomes]
    return [file for files in written for file in files]


def _groups(design: pd.DataFrame, grouping: str) -> pd.Series:
    """A label per design point (the point with its factor values, or a factor's level or bin).

    The labels are ordered: by point, by level, or by bin.
    """
    if grouping == "point":
        factors = [c for c in design.columns if c != "point"]
        labels = [
            f"point {row['point']}: " + ", ".join(f"{_short(k)}={_fmt(row[k])}" for k in factors)
            for _, row in design.iterrows()
        ]
        order = labels
    else:
        values = design[grouping]
        if pd.api.types.is_numeric_dtype(values) and values.nunique() > MAX_FACTOR_LEVELS:
            bins = pd.qcut(values, 4, duplicates="drop")
            name = {
                b: f"{_short(grouping)} {b.left:.3g} to {b.right:.3g}" for b in bins.cat.categories
            }
            labels = [name[b] for b in bins]
            order = list(name.values())
        else:
            labels = [f"{_short(grouping)}={_fmt(v)}" for v in values]
            order = [f"{_short(grouping)}={_fmt(v)}" for v in _sorted_levels(values)]
    return pd.Series(
        pd.Categorical(labels, categories=list(dict.fromkeys(order))), index=design["point"]
    )


def _sorted_levels(values: pd.Series) -> list[Any]:
    """A factor's distinct values, sorted where they can be, else in design order."""
    distinct = list(dict.fromkeys(values))
    try:
        return sorted(distinct)
    except TypeError:
        return distinct


def _short(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def _fmt(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def fan_chart(folder: SweepFolder, name: str, groups: pd.Series, grouping: str) -> list[Path]:
    """Median and 5-95% band across runs of one series, one band per group."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = read_series(folder.path, [name], [DEFAULT_SCOPE[name]])
    if rows.empty:
        raise InputError([f"{folder.path}: DIR: no finished runs to plot"])
    rows["group"] = groups.reindex(rows["point"].to_numpy()).to_numpy()
    figure, axes = plt.subplots(figsize=(9, 5), layout="constrained")
    for label, group in rows.groupby("group", observed=True):
        bands = group.groupby("date")["value"].quantile(np.array([0.05, 0.5, 0.95])).unstack()
        years = decimal_years(pd.Series(bands.index))
        line = axes.plot(years, bands[0.5].to_numpy(), label=str(label), linewidth=1.5)
        axes.fill_between(
            years,
            bands[0.05].to_numpy(),
            bands[0.95].to_numpy(),
            alpha=0.2,
            color=line[0].get_color(),
            linewidth=0,
        )
    runs = rows[["point", "replication"]].drop_duplicates().shape[0]
    axes.set_title(f"{name}: median and 5-95% band of {runs} runs, by {grouping}")
    axes.set_xlabel("year")
    axes.set_ylabel(name)
    axes.legend(fontsize="small", loc="best")
    return _save(figure, folder.plots_dir / f"fan_{name}")


def sensitivity_chart(folder: SweepFolder, table: pd.DataFrame, outcome: str) -> list[Path]:
    """Bars of each factor's indices for one outcome, with confidence intervals.

    Bars whose interval includes zero are hatched.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = table[table["outcome"] == outcome]
    factors = list(dict.fromkeys(rows["factor"]))
    indices = list(dict.fromkeys(rows["index"]))
    width = 0.8 / len(indices)
    figure, axes = plt.subplots(figsize=(max(6, 1.6 * len(factors)), 4.5), layout="constrained")
    for k, index in enumerate(indices):
        part = rows[rows["index"] == index].set_index("factor").reindex(factors)
        x = np.arange(len(factors)) + (k - (len(indices) - 1) / 2) * width
        conf = part["conf"].to_numpy(dtype=np.float64)
        bars = axes.bar(
            x,
            part["value"].to_numpy(dtype=np.float64),
            width,
            label=index,
            yerr=np.where(np.isfinite(conf), conf, 0.0),
            capsize=3,
        )
        for bar, zero in zip(bars, part["includes_zero"].fillna(False), strict=True):
            if zero:
                bar.set_hatch("//")
    axes.set_xticks(np.arange(len(factors)), [_short(f) for f in factors], rotation=20)
    axes.axhline(0.0, color="black", linewidth=0.8)
    note = rows["note"].iloc[0] if len(rows) else ""
    axes.set_title(f"{outcome}: sensitivity" + (f" (not computed: {note})" if note else ""))
    axes.legend(fontsize="small", title="hatched: interval includes 0", title_fontsize="small")
    return _save(figure, folder.plots_dir / f"sensitivity_{outcome}")


def _save(figure: Any, stem: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    stem.parent.mkdir(parents=True, exist_ok=True)
    files = [stem.with_suffix(f".{fmt}") for fmt in FORMATS]
    for file in files:
        figure.savefig(file, dpi=120)
    plt.close(figure)
    return files
