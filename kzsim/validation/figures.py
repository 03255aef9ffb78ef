"""One figure per stylised fact: its run against its counterfactual, median and 5-95% band.

Figures are written by ``kzsim check-patterns --figures DIR`` from the runs the table was scored
on; ``docs/validation/`` holds the published set (see docs/validation.md to regenerate it).
Matplotlib is imported only when drawing.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from kzsim.plots import decimal_years
from kzsim.validation.patterns import Pattern
from kzsim.validation.suite import Outcome, Runs
from kzsim.validation.variants import VARIANTS

#: Quantiles drawn: the band's edges and the median.
BAND = (0.05, 0.5, 0.95)


def band(
    runs: Runs, variant: str, seeds: Sequence[int], variable: str, window: tuple[str, str]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Months (decimal years) and the 5%, 50% and 95% quantiles across seeds (3 x months).

    Args:
        runs: the suite's runs.
        variant: which variant's runs.
        seeds: the seeds to summarise.
        variable: the series.
        window: first and last month shown.

    """
    paths = pd.concat(
        [runs[(variant, seed)].path(variable, *window) for seed in seeds], axis=1
    ).to_numpy(dtype=np.float64)
    months = runs[(variant, seeds[0])].path(variable, *window).index
    years = decimal_years(pd.Series(months))
    return years, np.quantile(paths, BAND, axis=1)


def title(fact: Pattern) -> str:
    """A figure's title: the fact, its label (emergent or scripted), its claim and sources."""
    return textwrap.fill(f"{fact.code} ({fact.origin}): {fact.claim} ({fact.source})", width=95)


def draw(outcome: Outcome, runs: Runs, seeds: Sequence[int], path: Path) -> Path:
    """Draw one fact's figure to ``path`` (PNG), written atomically; return the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fact = outcome.pattern
    variants = [fact.run] + ([fact.contrast] if fact.contrast is not None else [])
    shares = [outcome.share] + (
        [outcome.contrast_share] if outcome.contrast_share is not None else []
    )
    panels = len(fact.figure)
    figure, axes = plt.subplots(panels, 1, figsize=(7.5, 2.4 * panels + 0.8), squeeze=False)
    for axis, variable in zip(axes[:, 0], fact.figure, strict=True):
        for variant, share, colour, style in zip(
            variants, shares, ("tab:blue", "tab:orange"), ("-", "--"), strict=False
        ):
            years, (low, median, high) = band(runs, variant, seeds, variable, fact.window)
            label = f"{variant}: {VARIANTS[variant].description} (shows it: {share:.0%})"
            axis.fill_between(years, low, high, color=colour, alpha=0.2, linewidth=0)
            axis.plot(years, median, color=colour, linestyle=style, label=label)
        axis.set_ylabel(variable, fontsize=8)
        axis.tick_params(labelsize=8)
        axis.grid(alpha=0.3)
    axes[0, 0].set_title(title(fact), fontsize=9)
    axes[-1, 0].legend(fontsize=7, loc="best")
    figure.text(
        0.01,
        0.005,
        f"median and 5-95% band over {len(seeds)} seeds",
        fontsize=7,
    )
    figure.tight_layout(rect=(0.0, 0.03, 1.0, 1.0))
    staging = path.with_name(f".{path.name}.tmp")
    figure.savefig(staging, dpi=110, format="png")
    plt.close(figure)
    os.replace(staging, path)
    return path


def write_figures(
    outcomes: Sequence[Outcome], runs: Runs, seeds: Sequence[int], folder: Path
) -> list[Path]:
    """Write ``<folder>/sf<N>.png`` for every outcome; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        draw(outcome, runs, seeds, folder / f"{outcome.pattern.code.lower()}.png")
        for outcome in outcomes
    ]
