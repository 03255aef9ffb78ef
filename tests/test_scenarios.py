"""Every shipped scenario validates, runs a few months and round-trips through YAML."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

import kzsim
from kzsim.data import shipped_scenarios

SHIPPED = shipped_scenarios()
EXPECTED = {
    "historical_2010_2023",
    "baseline_2024_2035",
    "tariff_harmonisation",
    "no_customs_union",
    "bri_loans",
    "no_bri",
    "land_reform_2016",
    "land_reform_low_sinophobia",
}


def test_all_promised_scenarios_ship() -> None:
    assert {p.stem for p in SHIPPED} >= EXPECTED


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_runs_and_round_trips(path: Path, tmp_path: Path) -> None:
    scenario = kzsim.load_scenario(path, ["population.citizens=1000"])
    assert scenario.metadata.name == path.stem
    result = kzsim.run(scenario, seed=1, steps=3)
    assert sorted(result.series["step"].unique()) == [0, 1, 2]
    assert np.isfinite(result.series["value"]).all()
    copy = tmp_path / path.name
    copy.write_text(yaml.safe_dump(scenario.to_data(), sort_keys=False), encoding="utf-8")
    assert kzsim.load_scenario(copy) == scenario
