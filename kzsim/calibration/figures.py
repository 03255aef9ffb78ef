"""Posterior figures: weighted marginals over each prior's range, pairs of the main parameters."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from kzsim.calibration.schema import Prior

#: Parameters shown in the pairs figure (the first in the file's order).
PAIRS_SHOWN = 6
#: Histogram bins of a marginal.
BINS = 20


def _save(figure: object, path: Path) -> None:
    """Save a figure atomically (a temporary name, then a rename) and close it."""
    import os

    import matplotlib.pyplot as plt

    from kzsim.outputs import temporary_sibling

    temporary = temporary_sibling(path)
    try:
        figure.savefig(temporary, format="png", dpi=110)  # type: ignore[attr-defined]
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
        plt.close(figure)  # type: ignore[arg-type]


def _label(key: str) -> str:
    """The last two parts of a dotted key (``opinion.eaeu_support_half_life``)."""
    return ".".join(key.split(".")[-2:])


def marginals(posterior: pd.DataFrame, priors: Mapping[str, Prior], path: Path) -> None:
    """One weighted histogram per parameter over its prior's range, with the 90% interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = list(priors)
    columns = min(3, len(keys))
    rows = -(-len(keys) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3 * rows), squeeze=False)
    weights = posterior["weight"].to_numpy()
    for ax, key in zip(axes.flat, keys, strict=False):
        prior = priors[key]
        values = posterior[key].to_numpy()
        ax.hist(values, bins=np.linspace(prior.low, prior.high, BINS + 1), weights=weights)
        low, median, high = weighted_quantiles(values, weights, (0.05, 0.5, 0.95))
        ax.axvline(median, color="black", linewidth=0.9)
        for bound in (low, high):
            ax.axvline(bound, color="black", linestyle=":", linewidth=0.8)
        ax.set_xlim(prior.low, prior.high)
        ax.set_title(_label(key), fontsize=9)
        ax.set_ylabel("posterior weight")
    for ax in list(axes.flat)[len(keys) :]:
        ax.axis("off")
    figure.suptitle("posterior marginals (lines: 5%, median, 95%; x axis: the prior's range)")
    figure.tight_layout()
    _save(figure, path)


def pairs(posterior: pd.DataFrame, priors: Mapping[str, Prior], path: Path) -> None:
    """Scatter of every pair of the main parameters, point size by weight."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = list(priors)[:PAIRS_SHOWN]
    count = len(keys)
    figure, axes = plt.subplots(count, count, figsize=(2.4 * count, 2.4 * count), squeeze=False)
    weights = posterior["weight"].to_numpy()
    sizes = 4 + 200 * weights / max(float(weights.max()), 1e-300)
    for i, row_key in enumerate(keys):
        for j, column_key in enumerate(keys):
            ax = axes[i][j]
            if i == j:
                ax.hist(posterior[row_key], bins=BINS, weights=weights)
            else:
                ax.scatter(posterior[column_key], posterior[row_key], s=sizes, alpha=0.5)
                ax.set_ylim(priors[row_key].low, priors[row_key].high)
            ax.set_xlim(priors[column_key].low, priors[column_key].high)
            if i == count - 1:
                ax.set_xlabel(_label(column_key), fontsize=7)
            if j == 0:
                ax.set_ylabel(_label(row_key), fontsize=7)
            ax.tick_params(labelsize=6)
    figure.suptitle("posterior pairs (point size: weight)")
    figure.tight_layout()
    _save(figure, path)


def weighted_quantiles(
    values: np.ndarray, weights: np.ndarray, quantiles: tuple[float, ...]
) -> list[float]:
    """Quantiles of a weighted sample (the inverse of its weighted empirical distribution)."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / np.sum(weights)
    return [float(values[order][np.searchsorted(cumulative, q)]) for q in quantiles]
