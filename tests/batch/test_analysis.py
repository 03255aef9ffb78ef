"""Summaries and sensitivity indices, read from a sweep folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kzsim.batch import run_experiment, sensitivity, summarize
from kzsim.batch.experiment import load_experiment
from kzsim.batch.store import SweepFolder, run_id
from kzsim.batch.worker import RunOutput
from kzsim.errors import InputError
from tests.batch.conftest import experiment_data


def synthetic_sweep(
    folder: Path, design: dict[str, Any], outcome: Callable[[dict[str, Any]], float]
) -> None:
    """A sweep folder whose outcome is a known function of the factors (no model runs)."""
    experiment = load_experiment(
        experiment_data(
            design=design,
            factors={
                "population.sinophobia_mean": {"low": 0.0, "high": 1.0},
                "population.legitimacy_mean": {"low": 0.0, "high": 1.0},
            },
            replications=1,
        )  # fmt: skip
    )
    store = SweepFolder.prepare(folder, experiment)
    for point, values in enumerate(experiment.points):
        record = {
            "run": run_id(point, 0, experiment.spec.points, 1),
            "point": point, "replication": 0, "seed": 1, "status": "ok", "error": "",
            "wall_seconds": 0.1,
            "outcomes": {"peak_protest": outcome(values), "final_sinophobia": 1.0},
        }  # fmt: skip
        store.save(RunOutput(record, None))
    store.close()


def indices(table: pd.DataFrame, outcome: str = "peak_protest") -> pd.DataFrame:
    rows = table[table["outcome"] == outcome]
    return rows.assign(factor=rows["factor"].str.rsplit(".").str[-1]).set_index(["factor", "index"])


def test_sobol_indices_find_the_only_factor_that_matters(tmp_path: Path) -> None:
    synthetic_sweep(
        tmp_path / "s", {"method": "sobol", "samples": 256},
        lambda v: 4.0 * v["population.sinophobia_mean"],
    )  # fmt: skip
    table = indices(sensitivity(tmp_path / "s"))
    assert table.loc[("sinophobia_mean", "S1"), "value"] == pytest.approx(1.0, abs=0.05)
    assert table.loc[("sinophobia_mean", "ST"), "value"] == pytest.approx(1.0, abs=0.05)
    assert not table.loc[("sinophobia_mean", "S1"), "includes_zero"]
    assert table.loc[("legitimacy_mean", "S1"), "value"] == pytest.approx(0.0, abs=0.05)
    assert table.loc[("legitimacy_mean", "S1"), "includes_zero"]
    assert table.loc[("legitimacy_mean", "ST"), "value"] == pytest.approx(0.0, abs=1e-9)
    flat = indices(sensitivity(tmp_path / "s"), "final_sinophobia")
    assert (flat["note"] == "the outcome does not vary across design points").all()
    assert flat["value"].isna().all()
    assert (tmp_path / "s" / "sensitivity.parquet").exists()


def test_morris_effects_are_per_unit_range(tmp_path: Path) -> None:
    synthetic_sweep(
        tmp_path / "m", {"method": "morris", "samples": 10, "levels": 4},
        lambda v: 3.0 * v["population.legitimacy_mean"],
    )  # fmt: skip
    table = indices(sensitivity(tmp_path / "m"))
    assert table.loc[("legitimacy_mean", "mu_star"), "value"] == pytest.approx(3.0)
    assert table.loc[("legitimacy_mean", "sigma"), "value"] == pytest.approx(0.0, abs=1e-12)
    assert table.loc[("sinophobia_mean", "mu_star"), "value"] == pytest.approx(0.0)
    assert table["includes_zero"].isna().loc[("legitimacy_mean", "sigma")]


def test_a_point_without_value_is_noted_not_analysed(tmp_path: Path) -> None:
    def outcome(values: dict[str, Any]) -> float:
        if values["population.sinophobia_mean"] > 0.5:
            return float("nan")
        return float(values["population.legitimacy_mean"])

    synthetic_sweep(tmp_path / "s", {"method": "sobol", "samples": 4}, outcome)
    table = indices(sensitivity(tmp_path / "s"))
    assert table["note"].str.endswith("of 16 design points have no value").all()


def test_grid_designs_have_no_sensitivity_indices(tmp_path: Path) -> None:
    run_experiment(load_experiment(experiment_data()), tmp_path / "g", workers=1)
    with pytest.raises(InputError, match="a grid design has no sensitivity indices"):
        sensitivity(tmp_path / "g")


def test_summary_gives_mean_and_quantiles_across_replications(tmp_path: Path) -> None:
    data = experiment_data(
        replications=5,
        outcomes={"never": {"series": "protest_share", "stat": "first_above", "threshold": 0.999}},
    )
    run_experiment(load_experiment(data), tmp_path / "g", workers=2)
    summary = summarize(tmp_path / "g")
    runs = pd.read_parquet(tmp_path / "g" / "runs.parquet")
    assert len(summary) == 2 * 3  # points x outcomes
    for _, row in summary[summary["outcome"] == "peak_protest"].iterrows():
        values = runs.loc[runs["point"] == row["point"], "peak_protest"].to_numpy()
        assert row["runs"] == 5
        assert row["mean"] == pytest.approx(values.mean())
        assert row["p05"] == pytest.approx(np.quantile(values, 0.05))
        assert row["p50"] == pytest.approx(np.median(values))
        assert row["p95"] == pytest.approx(np.quantile(values, 0.95))
        assert row["population.sinophobia_mean"] in (0.3, 0.7)
    never = summary[summary["outcome"] == "never"]
    assert (never["runs"] == 0).all() and never["mean"].isna().all()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "g" / "summary.parquet"), summary)


def test_analysis_of_a_folder_that_is_not_a_sweep(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a sweep folder"):
        summarize(tmp_path)
