"""Static figures of the headline series (matplotlib, imported only when plotting)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from kzsim.outputs import PLOTS
from kzsim.terminal import plain

if TYPE_CHECKING:
    from kzsim.outputs import RunResult

#: Figure name -> (title, variables drawn as lines, each from the national or actor scope).
FIGURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "trade": (
        "Tariff and import shares",
        ("applied_tariff", "import_share_russia", "import_share_china", "import_share_other"),
    ),
    "prices": ("Consumer prices and re-export income", ("consumer_price_index", "reexport_income")),
    "debt": (
        "Chinese loans",
        ("debt_to_china_usd_bn", "debt_service_ratio", "china_lending_appetite"),
    ),
    "alignment": (
        "Alignment, leverage and autonomy",
        (
            "alignment_russia",
            "alignment_china",
            "alignment_west",
            "leverage_russia",
            "leverage_china",
            "autonomy_index",
        ),
    ),
    "publics": (
        "Public opinion and protest",
        ("legitimacy_mean", "sinophobia_mean", "eaeu_support_mean", "protest_share"),
    ),
    "politics": (
        "Land policy and Russia's irritation",
        ("land_policy_state", "russian_irritation"),
    ),
}


def decimal_years(dates: pd.Series) -> npt.NDArray[np.float64]:
    """``YYYY-MM`` strings as decimal years (month 1 = .0), a cheap numeric time axis."""
    parts = dates.str.split("-", expand=True).astype(int)
    values: npt.NDArray[np.float64] = (parts[0] + (parts[1] - 1) / 12).to_numpy(dtype=np.float64)
    return values


def headline_plots(result: RunResult, run_folder: Path) -> list[Path]:
    """Draw the plots of ``kzsim run`` into ``run_folder/plots/``; return the paths.

    One PNG per figure group plus a region x month protest map. As ``extras`` of
    :meth:`~kzsim.outputs.RunResult.write` they are written with the rest of the folder.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = run_folder / PLOTS
    folder.mkdir(parents=True, exist_ok=True)
    series = result.series
    region_ids = [r.id for r in result.scenario.population.regions]
    national = series[~series["scope"].isin(region_ids)]
    written = []
    for name, (title, variables) in FIGURES.items():
        present = [v for v in variables if (national["variable"] == v).any()]
        if not present:
            continue
        fig, axes = plt.subplots(
            len(present), 1, figsize=(8, 1.6 * len(present) + 0.8), sharex=True, squeeze=False
        )
        for ax, variable in zip(axes[:, 0], present, strict=True):
            rows = national[national["variable"] == variable]
            ax.plot(decimal_years(rows["date"]), rows["value"], lw=1.5)
            ax.set_ylabel(variable.replace("_", " "), fontsize=8, rotation=0, ha="right")
            ax.grid(alpha=0.3)
        fig.suptitle(f"{title} ({plain(result.scenario.metadata.name)})")
        height = fig.get_figheight()
        fig.subplots_adjust(left=0.25, right=0.97, top=1 - 0.5 / height, bottom=0.4 / height)
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        written.append(path)
    regional = series[series["scope"].isin(region_ids) & (series["variable"] == "protest_share")]
    if not regional.empty:
        grid = regional.pivot(index="scope", columns="date", values="value").reindex(region_ids)
        fig, ax = plt.subplots(figsize=(10, 5))
        image = ax.imshow(grid.to_numpy(), aspect="auto", cmap="Reds", interpolation="nearest")
        ax.set_yticks(range(len(region_ids)), labels=region_ids, fontsize=7)
        step = max(1, grid.shape[1] // 12)
        ax.set_xticks(
            range(0, grid.shape[1], step),
            labels=list(grid.columns[::step]),
            fontsize=7,
            rotation=45,
        )
        fig.colorbar(image, ax=ax, label="protest share")
        ax.set_title("Protest share by region")
        fig.subplots_adjust(left=0.22, bottom=0.15, right=0.98)
        path = folder / "protest_by_region.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        written.append(path)
    return written
