"""One figure per target family: observed points, labelled with their sources, over the band.

Drawn from the history table alone (so ``kzsim report`` can redraw them): for each target, the
simulated median and 5-95% band over seeds at each observation's window, and the observed value
or range. Excluded observations are drawn hollow. Built on ``matplotlib.figure.Figure`` (no
pyplot, no global state).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pandas as pd

from kzsim.months import parse_month

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SIMULATED, OBSERVED = "#1f77b4", "#d62728"


def short_source(source: str) -> str:
    """A source as a short label: a URL's host, else the text before ``via`` or a comma."""
    first = source.split(";")[0].strip()
    if first.startswith(("http://", "https://")):
        return urlparse(first.split()[0]).netloc.removeprefix("www.")
    return first.split(" via ")[0].split(",")[0].strip()


def middle_year(window: str) -> float:
    """The middle of a window ``YYYY-MM[..YYYY-MM]`` as a decimal year."""
    first, _, last = window.partition("..")
    months = (parse_month(first) + parse_month(last or first)) / 2
    return 2010 + (months - parse_month("2010-01") + 0.5) / 12


def draw_series(axes: Axes, rows: pd.DataFrame) -> None:
    """One target's observations over the years and its simulated band, on ``axes``."""
    x = [middle_year(w) for w in rows["window"]]
    axes.fill_between(x, rows["q05"], rows["q95"], color=SIMULATED, alpha=0.2, label="5-95%")
    axes.plot(x, rows["median"], color=SIMULATED, label="simulated median")
    sources = rows["source"].map(short_source)
    for label in dict.fromkeys(sources):
        mine = rows[sources == label]
        where = [middle_year(w) for w in mine["window"]]
        spread = [mine["observed"] - mine["low"], mine["high"] - mine["observed"]]
        axes.errorbar(where, mine["observed"], yerr=spread, fmt="none", ecolor=OBSERVED)
        fitted = (mine["excluded"] == "").to_numpy()
        axes.scatter(
            [w for w, f in zip(where, fitted, strict=True) if f],
            mine.loc[fitted, "observed"],
            color=OBSERVED,
            marker="s",
            zorder=3,
            label=f"observed: {label}",
        )
        if not fitted.all():
            axes.scatter(
                [w for w, f in zip(where, fitted, strict=True) if not f],
                mine.loc[~fitted, "observed"],
                facecolors="none",
                edgecolors=OBSERVED,
                marker="s",
                zorder=3,
                label="observed, excluded from fitting",
            )
    axes.set_title(str(rows["target"].iloc[0]), fontsize=10)
    axes.set_ylabel(str(rows["unit"].iloc[0]))
    axes.set_xlabel("year (middle of the window)")
    axes.legend(fontsize=7)


def draw_points(axes: Axes, rows: pd.DataFrame) -> None:
    """Single observations side by side: observed (source labelled) and simulated, per target."""
    x = list(range(len(rows)))
    below = [rows["median"] - rows["q05"], rows["q95"] - rows["median"]]
    axes.errorbar(
        [v - 0.12 for v in x],
        rows["median"],
        yerr=below,
        fmt="o",
        color=SIMULATED,
        capsize=4,
        label="simulated median, 5-95%",
    )
    spread = [rows["observed"] - rows["low"], rows["high"] - rows["observed"]]
    axes.errorbar(
        [v + 0.12 for v in x],
        rows["observed"],
        yerr=spread,
        fmt="s",
        color=OBSERVED,
        capsize=4,
        label="observed (range where given)",
    )
    for position, row in zip(x, rows.to_dict("records"), strict=True):
        axes.annotate(
            short_source(str(row["source"])),
            (position + 0.16, float(row["observed"])),
            fontsize=7,
            color=OBSERVED,
        )
    axes.set_xticks(x, [f"{t}\n{w}" for t, w in zip(rows["target"], rows["window"], strict=True)])
    axes.tick_params(axis="x", labelsize=7)
    axes.set_xlim(-0.6, len(rows) - 0.2)
    axes.set_ylabel(str(rows["unit"].iloc[0]))
    if (rows[["observed", "median"]] > 0).all().all():
        axes.set_yscale("log")
    axes.legend(fontsize=7)


def family_figure(family: str, table: pd.DataFrame) -> Figure:
    """The figure of one family: a panel per target observed over years, one for the rest."""
    from matplotlib.figure import Figure

    counts = table["target"].value_counts()
    series = [name for name in dict.fromkeys(table["target"]) if counts[name] > 1]
    points = table[table["target"].map(counts) == 1]
    panels = len(series) + (not points.empty)
    figure = Figure(figsize=(max(4.6 * panels, 2.4 * len(points)), 3.8), layout="constrained")
    figure.suptitle(f"{family}: observed and simulated (median, 5-95% over seeds)")
    for index, name in enumerate(series):
        draw_series(figure.add_subplot(1, panels, index + 1), table[table["target"] == name])
    if not points.empty:
        draw_points(figure.add_subplot(1, panels, panels), points)
    return figure


def family_pngs(table: pd.DataFrame) -> list[tuple[str, bytes]]:
    """``(family, PNG bytes)`` for every family in the history table, in table order."""
    from kzsim.viz.figures import png

    return [
        (family, png(family_figure(family, table[table["family"] == family])))
        for family in dict.fromkeys(table["family"])
    ]
