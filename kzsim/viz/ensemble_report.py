"""The report page of an ensemble folder (``kzsim run --posterior``), rebuilt from its files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kzsim.ensemble import end_summary
from kzsim.errors import InputError
from kzsim.scenario.load import load_scenario
from kzsim.viz import html
from kzsim.viz.folders import read_manifest, read_table

BAND_TABLE = ["step", "date", "scope", "variable", "median", "q05", "q95"]


def ensemble_page(folder: Path, figures: list[tuple[str, bytes]] | None) -> str:
    """The ensemble as one self-contained HTML page: what ran, the bands, the draws.

    Args:
        folder: the ensemble folder.
        figures: the band figures it saved in ``plots/``, as ``(name, PNG bytes)``.

    """
    info = read_manifest(folder)
    try:
        scenario = load_scenario(info["scenario"])
        posterior = info["posterior"]
        facts = [
            ("scenario", scenario.metadata.name),
            ("period", f"{scenario.metadata.start} to {scenario.metadata.end}"),
            ("months simulated", info["steps"] or scenario.months),
            ("scenario file", info["scenario_file"]),
            ("overrides", ", ".join(info["overrides"]) or "none"),
            ("posterior", posterior["folder"]),
            ("posterior.parquet hash", str(posterior["posterior_hash"])[:16]),
            ("calibrated parameters", ", ".join(posterior["parameters"])),
            ("posterior draws x seeds", f"{info['draws']} x {info['seeds']}"),
            ("seed", info["seed"]),
            ("simulated citizens", scenario.population.citizens),
            ("versions", ", ".join(f"{k} {v}" for k, v in info["versions"].items())),
            ("started (UTC)", info["started_utc"]),
            ("wall time (s)", info["wall_seconds"]),
        ]
    except (KeyError, TypeError, AttributeError, InputError) as error:
        raise InputError(
            [f"{folder / 'manifest.json'}:1:1: ensemble: incomplete ({error})"]
        ) from None
    bands = read_table(folder / "bands", BAND_TABLE)
    bands["date"] = bands["date"].astype(str)
    draws = pd.read_csv(folder / "draws.csv") if (folder / "draws.csv").is_file() else None
    last = str(bands["date"].max())
    summary = html.table(("item", "value"), ((k, str(v)) for k, v in facts)) + (
        f"<h3>Headline series in {last}: median and 90% band over the members</h3>"
        + html.table(("series", "unit", "median", "5%", "95%"), end_summary(scenario, bands))
    )
    plots = "".join(html.figure(data, name) for name, data in figures or ())
    if draws is None:
        drawn = html.paragraph("draws.csv is missing.", "note")
    else:
        drawn = html.table(list(draws.columns), draws.itertuples(index=False))
    return html.page(
        f"kzsim ensemble: {scenario.metadata.name}",
        f"{info['draws']} posterior draws x {info['seeds']} seeds",
        [
            ("summary", "Ensemble summary", summary),
            ("plots", "Median and 90% band", plots or html.paragraph("No plots saved.", "note")),
            ("draws", "Posterior draws", drawn),
        ],
    )
