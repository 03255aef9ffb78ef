"""Nominal GDP in US$: the monthly identity, the observed-GDP driver's span and the replay."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from kzsim.agents.actors import nominal_gdp_step
from kzsim.contracts import bri_loans as bri
from kzsim.drivers import driver_paths, drivers_in_month
from kzsim.model import KazakhstanModel
from kzsim.scenario.load import load_scenario
from kzsim.simulation import run
from tests.conftest import others_off, small_scenario

ROOT = Path(__file__).parents[2]
REPLAY = ROOT / "scenarios" / "historical_2010_2023.yaml"
SHARED_DRIVERS = ROOT.parent / "shared" / "data" / "drivers_annual.csv"
#: A month of the default drivers' 4% growth and 6% CPI inflation, the tenge flat.
DEFAULT_MONTH = (1.04 * 1.06) ** (1 / 12)
#: The same month where no tenge path is given: relative PPP, dollar GDP grows with real growth
#: and 2% US inflation.
PPP_MONTH = (1.04 * 1.02) ** (1 / 12)


def test_nominal_identity_in_a_devaluation_month_by_hand() -> None:
    # 200 bn, 4% growth, 6% inflation, the tenge from 200 to 250 per US$ in one month:
    # 200 x 1.1024^(1/12) x 200/250 = 160 x 1.00815722 = 161.30516.
    gdp = nominal_gdp_step(200.0, 4.0, 6.0, 200.0, 250.0)
    assert gdp == pytest.approx(161.30516, abs=1e-5)
    # Without the devaluation the same month only grows; a revaluation raises dollar GDP.
    assert nominal_gdp_step(200.0, 4.0, 6.0, 200.0, 200.0) == pytest.approx(201.63145, abs=1e-5)
    assert nominal_gdp_step(200.0, 0.0, 0.0, 250.0, 200.0) == pytest.approx(250.0)
    # No tenge rate given: the tenge falls by the inflation gap to the US (relative PPP),
    # 200 x (1.04 x 1.06)^(1/12) x (1.02 / 1.06)^(1/12) = 200 x 1.0608^(1/12) = 200.98615.
    assert nominal_gdp_step(200.0, 4.0, 6.0, None, None) == pytest.approx(200.98615, abs=1e-5)
    assert nominal_gdp_step(200.0, 4.0, 6.0, 200.0, None) == pytest.approx(200.98615, abs=1e-5)


def gdp_path(drivers: dict[str, dict[str, float]]) -> dict[str, float]:
    """GDP by month of a two-year model (2010-2011, start 148.05) with these drivers."""
    scenario = small_scenario(
        population={"citizens": 100}, rules=others_off("opinion"), drivers=drivers
    )
    model = KazakhstanModel(scenario, seed=1)
    path = {}
    while model.running:
        model.step()
        path[model.date] = model.kazakhstan.gdp_usd_bn
    return path


def test_without_the_driver_the_identity_moves_gdp_throughout() -> None:
    path = gdp_path({"kzt_per_usd": {"2010-06": 150.0, "2010-07": 150.0, "2010-08": 300.0}})
    # Before the tenge path starts: relative PPP.
    assert path["2010-01"] == pytest.approx(148.05 * PPP_MONTH)
    assert path["2010-06"] == pytest.approx(148.05 * PPP_MONTH**6)
    # Within the path: the tenge itself, flat in July, halving in August.
    assert path["2010-07"] == pytest.approx(148.05 * PPP_MONTH**6 * DEFAULT_MONTH)
    assert path["2010-08"] == pytest.approx(148.05 * PPP_MONTH**6 * DEFAULT_MONTH**2 / 2)
    # After its last point the tenge is flat by the driver rule, but GDP takes relative PPP.
    assert path["2011-12"] == pytest.approx(148.05 * PPP_MONTH**22 * DEFAULT_MONTH**2 / 2)


def test_gdp_follows_the_driver_within_its_span_and_the_identity_outside_it() -> None:
    path = gdp_path({"kazakhstan_gdp_usd_bn": {"2010-06": 150.0, "2011-06": 174.0}})
    # Before the first point: the identity from the initial 148.05 (no tenge path: PPP).
    assert path["2010-05"] == pytest.approx(148.05 * PPP_MONTH**5)
    # Within the span: linear between the points.
    assert path["2010-06"] == pytest.approx(150.0)
    assert path["2010-12"] == pytest.approx(162.0)
    assert path["2011-06"] == pytest.approx(174.0)
    # After the last point: the identity from the value it has.
    assert path["2011-07"] == pytest.approx(174.0 * PPP_MONTH)
    assert path["2011-12"] == pytest.approx(174.0 * PPP_MONTH**6)


def test_a_driver_without_default_is_not_given_outside_its_span() -> None:
    given = small_scenario(drivers={"kazakhstan_gdp_usd_bn": {"2010-06": 150.0}})
    paths = driver_paths(given)
    assert np.isnan(paths["kazakhstan_gdp_usd_bn"][:5]).all()
    assert "kazakhstan_gdp_usd_bn" not in drivers_in_month(paths, 4)
    assert drivers_in_month(paths, 5)["kazakhstan_gdp_usd_bn"] == 150.0
    assert "kazakhstan_gdp_usd_bn" not in drivers_in_month(paths, 6)
    # A driver with a default stays flat beyond its points; without points, it is its default.
    assert drivers_in_month(paths, 0)["kzt_per_usd"] == 150.0
    absent = driver_paths(small_scenario())
    assert "kazakhstan_gdp_usd_bn" not in absent
    assert "kzt_per_usd" in absent


def observed_gdp() -> dict[int, float]:
    """Observed GDP by year: the shared data file if present, else the replay's own points."""
    if SHARED_DRIVERS.exists():
        with SHARED_DRIVERS.open(encoding="utf-8") as file:
            rows = csv.DictReader(file)
            return {int(r["year"]): float(r["kazakhstan_gdp_usd_bn"]) for r in rows}
    points = load_scenario(REPLAY).drivers["kazakhstan_gdp_usd_bn"]
    return {int(month[:4]): value for month, value in points.items()}


def test_the_replay_gdp_is_observed_nominal_gdp_devaluation_included() -> None:
    scenario = load_scenario(REPLAY, ["population.citizens=200"])
    result = run(scenario, seed=1)
    gdp = result.national("gdp_usd_bn")
    by_month = dict(zip(result.series["date"].unique(), gdp, strict=True))
    observed = observed_gdp()
    for year in range(2011, 2024):
        assert by_month[f"{year}-06"] == pytest.approx(observed[year], rel=0.02), year
    assert by_month["2016-06"] == pytest.approx(137.0, rel=0.01)
    assert by_month["2013-06"] == pytest.approx(237.0, rel=0.01)


def bri_model(drivers: dict[str, dict[str, float]]) -> KazakhstanModel:
    """A two-year model with only the Belt and Road rule, a keen China and many offers."""
    rules = {**others_off("bri_loans"), "bri_loans": {"offers_per_year": 40.0}}
    china = {"china": {"strategic_interest": 1.0, "lending_appetite": 1.0}}
    scenario = small_scenario(
        population={"citizens": 200}, initial=china, rules=rules, drivers=drivers
    )
    return KazakhstanModel(scenario, seed=3)


def test_outside_the_observed_span_gdp_adds_the_growth_of_chinese_spending() -> None:
    model = bri_model({})
    gdp, added = model.kazakhstan.gdp_usd_bn, 0.0
    while model.running:
        increment = model.state(bri.State).bri_growth_pct  # last month's, read this month
        model.step()
        # No tenge path: relative PPP; default drivers 4% growth, 6% inflation.
        gdp = nominal_gdp_step(gdp, 4.0 + increment, 6.0, None, None)
        assert model.kazakhstan.gdp_usd_bn == pytest.approx(gdp)
        added += increment
    assert added > 0.0
    assert model.kazakhstan.gdp_usd_bn > 148.05 * PPP_MONTH**24


def test_within_the_observed_span_gdp_is_the_observation_whatever_china_spends() -> None:
    model = bri_model({"kazakhstan_gdp_usd_bn": {"2010-01": 150.0, "2011-12": 174.0}})
    added = 0.0
    while model.running:
        model.step()
        added += model.state(bri.State).bri_growth_pct
        months = model.month - model.start_month
        assert model.kazakhstan.gdp_usd_bn == pytest.approx(150.0 + 24.0 * months / 23.0)
    assert added > 0.0
