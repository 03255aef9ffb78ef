"""People, not agent shares: the census line and the series counted in persons."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kzsim.catalog import REGIONAL_SERIES, series_named
from kzsim.contracts import land_protests
from kzsim.model import KazakhstanModel
from kzsim.months import parse_month
from kzsim.scenario.regions import CENSUS_MONTHS, builtin_regions, people
from kzsim.series import RegionalSeries
from kzsim.simulation import run
from tests.conftest import small_scenario

#: The 2009 and 2021 census totals (R_BNS_2009_BRIEF, R_BNS_2021_BRIEF).
CENSUS_2009, CENSUS_2021 = 16_009_597, 19_186_015
#: Halfway between the census months 2009-02 and 2021-10 (76 of 152 months).
HALFWAY = "2015-06"


def region(region_id: str, population: int, population_2021: int | None) -> dict[str, Any]:
    """A hand-made region."""
    return {
        "id": region_id,
        "name": region_id,
        "population": population,
        "population_2021": population_2021,
        "share_kazakh": 0.6,
        "share_russian": 0.3,
        "urban_share": 0.5,
        "borders_china": False,
        "borders_russia": False,
        "macro_zone": "north",
        "oil_region": False,
        "trader_hub": False,
    }


@pytest.fixture
def two_regions() -> KazakhstanModel:
    """Region a: 1.0 m (2009) to 2.0 m (2021), 200 citizens; region b: 0.5 m, none in 2021,
    100 citizens; the model is at 2015-06, halfway between the censuses (a has 1.5 m)."""
    regions = [region("a", 1_000_000, 2_000_000), region("b", 500_000, None)]
    scenario = small_scenario(population={"citizens": 300, "regions": regions})
    model = KazakhstanModel(scenario, seed=1)
    model.month = parse_month(HALFWAY)
    return model


def test_people_follow_the_census_line_and_extrapolate_on_it() -> None:
    regions = builtin_regions()
    first, last = CENSUS_MONTHS
    assert (first, last) == (parse_month("2009-02"), parse_month("2021-10"))
    assert people(regions, first).sum() == pytest.approx(CENSUS_2009)
    assert people(regions, last).sum() == pytest.approx(CENSUS_2021)
    np.testing.assert_allclose(people(regions, last), [r.population_2021 for r in regions])
    # Twelve years on, the national line has grown twelve more years of its slope.
    slope = (CENSUS_2021 - CENSUS_2009) / (last - first)
    assert people(regions, last + 144).sum() == pytest.approx(CENSUS_2021 + 144 * slope)
    # Far out, no region goes below zero.
    assert (people(regions, parse_month("2200-12")) >= 0.0).all()
    assert (people(regions, parse_month("1900-01")) >= 0.0).all()


def test_population_persons_at_the_census_months_equals_the_census_totals() -> None:
    scenario = small_scenario(
        metadata={"name": "census", "start": "2009-01", "end": "2021-12"},
        population={"citizens": 200},
    )
    national = run(scenario, seed=1).national("population_persons")
    months = range(parse_month("2009-01"), parse_month("2021-12") + 1)
    by_month = dict(zip(months, national, strict=True))
    assert by_month[parse_month("2009-02")] == pytest.approx(CENSUS_2009)
    assert by_month[parse_month("2021-10")] == pytest.approx(CENSUS_2021)


def test_people_are_the_share_of_citizens_times_the_region_s_persons(
    two_regions: KazakhstanModel,
) -> None:
    model = two_regions
    np.testing.assert_array_equal(model.population.counts, [200, 100])
    np.testing.assert_allclose(model.people(), [1_500_000, 500_000])
    # Citizen-equivalents protesting this month: a quarter of region a, a tenth of region b,
    # given as fractions of citizens (each stands for 7,500 and 5,000 persons).
    model.state(land_protests.State).participants[:] = [200 * 0.25, 100 * 0.1]
    participants = series_named("protest_participants")
    assert isinstance(participants, RegionalSeries)
    values = participants.read(model)
    np.testing.assert_allclose(values, [375_000, 50_000])
    assert participants.national(values, model.people()) == pytest.approx(425_000)
    # The share's national value is the persons-weighted mean: persons / all persons.
    share = series_named("protest_share")
    assert isinstance(share, RegionalSeries)
    national_share = share.national(share.read(model), model.people())
    assert national_share == pytest.approx(425_000 / 2_000_000)
    # A thousand persons in region a are 0.1333 of one citizen: a share, not a flag.
    model.state(land_protests.State).participants[:] = [1000 / 7500, 0.0]
    np.testing.assert_allclose(participants.read(model), [1000.0, 0.0])


def test_eaeu_supporters_share_counts_support_above_one_half() -> None:
    # survey_response_sd 0: every citizen answers "support" exactly when support is above 0.5
    regions = [region("a", 1_000_000, 2_000_000), region("b", 500_000, None)]
    scenario = small_scenario(
        population={"citizens": 300, "regions": regions},
        rules={"opinion": {"survey_response_sd": 0.0}},
    )
    model = KazakhstanModel(scenario, seed=1)
    model.month = parse_month(HALFWAY)
    support = model.population.eaeu_support
    support[:200] = 0.4
    support[:150] = 0.6  # three quarters of region a
    support[200:] = 0.5  # exactly one half is not support
    support[200:220] = 0.9  # a fifth of region b
    supporters = series_named("eaeu_supporters_share")
    assert isinstance(supporters, RegionalSeries)
    values = supporters.read(model)
    np.testing.assert_allclose(values, [0.75, 0.2])
    # Weighted by persons (1.5 m and 0.5 m), not by simulated citizens (200 and 100).
    national = supporters.national(values, model.people())
    assert national == pytest.approx(0.75 * 0.75 + 0.25 * 0.2)


def test_counts_of_persons_add_up_over_regions_and_shares_average() -> None:
    persons = [s for s in REGIONAL_SERIES if s.unit == "persons"]
    assert {s.name for s in persons} == {
        "population_persons",
        "protest_participants",
        "protest_detentions",
        "jailed_persons",
    }
    assert all(s.aggregation == "sum" for s in persons)
    assert all(s.aggregation == "mean" for s in REGIONAL_SERIES if s.unit != "persons")
    scenario = small_scenario(
        metadata={"name": "unrest", "start": "2015-01", "end": "2016-12"},
        population={"citizens": 2000, "legitimacy_mean": 0.3, "hardship_mean": 0.7},
    )
    series = run(scenario, seed=3).series
    regional = series[~series["scope"].isin(["national", "kazakhstan", "russia", "china", "eaeu"])]
    for name in ("protest_participants", "protest_detentions", "jailed_persons"):
        national = series[(series["scope"] == "national") & (series["variable"] == name)]
        summed = regional[regional["variable"] == name].groupby("date")["value"].sum()
        np.testing.assert_allclose(national["value"].to_numpy(), summed.to_numpy(), rtol=1e-9)
        assert national["value"].max() > 0.0, name
