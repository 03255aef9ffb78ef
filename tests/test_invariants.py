"""Invariants as properties over random scenario parameters (hypothesis)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzsim
from kzsim.catalog import ALL_SERIES
from kzsim.model import KazakhstanModel
from kzsim.scenario.load import load_scenario
from tests.conftest import small_scenario

SHIPPED = sorted((Path(__file__).parents[1] / "scenarios").glob("*.yaml"))

#: The declared range of every series that has one (None: unbounded on that side).
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    s.name: (s.low, s.high) for s in ALL_SERIES if s.low is not None or s.high is not None
}


def out_of_range(series: pd.DataFrame) -> pd.DataFrame:
    """The rows of a run's series, at any scope, outside their variable's declared range."""
    low = series["variable"].map(lambda v: BOUNDS.get(v, (None, None))[0]).astype(float)
    high = series["variable"].map(lambda v: BOUNDS.get(v, (None, None))[1]).astype(float)
    below = low.notna() & (series["value"] < low)
    above = high.notna() & (series["value"] > high)
    return series[below | above]


scenario_parameters = st.fixed_dictionaries(
    {
        "population": st.fixed_dictionaries(
            {
                "citizens": st.integers(300, 1500),
                "sinophobia_mean": st.floats(0.05, 0.95),
                "legitimacy_mean": st.floats(0.05, 0.95),
                "hardship_mean": st.floats(0.05, 0.95),
            }
        ),
        "initial": st.fixed_dictionaries(
            {
                "china": st.fixed_dictionaries(
                    {"strategic_interest": st.floats(0, 1), "lending_appetite": st.floats(0, 1)}
                ),
                "kazakhstan": st.fixed_dictionaries({"repression": st.floats(0, 1)}),
            }
        ),
        "events": st.just(
            [{"date": "2010-02", "kind": "land_reform", "effective": "2010-08", "detail": "reform"}]
        ),
    }
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parameters=scenario_parameters, seed=st.integers(0, 2**31))
def test_series_are_finite_and_stay_in_their_declared_ranges(
    parameters: dict[str, object], seed: int
) -> None:
    result = kzsim.run(small_scenario(**parameters), seed=seed)
    values = result.series
    assert np.isfinite(values["value"]).all()
    assert set(BOUNDS) <= set(values["variable"]), "every bounded series is checked"
    outside = out_of_range(values)
    assert outside.empty, outside.drop_duplicates("variable").to_string()
    alignment = values[values["variable"].str.startswith("alignment_")]
    sums = alignment.groupby("step")["value"].sum()
    np.testing.assert_allclose(sums, 1.0, atol=1e-9)


@settings(max_examples=10, deadline=None)
@given(parameters=scenario_parameters, seed=st.integers(0, 2**31))
def test_active_protesters_never_exceed_the_free_population(
    parameters: dict[str, object], seed: int
) -> None:
    model = KazakhstanModel(small_scenario(**parameters), seed=seed)
    for _ in range(12):
        model.step()
        population = model.population
        # shares of each citizen's persons: the active and the jailed are distinct persons
        assert (population.active >= 0).all() and (population.jailed >= 0).all()
        assert (population.active + population.jailed <= 1.0 + 1e-12).all()
        for name in ("hardship", "legitimacy", "sinophobia", "eaeu_support", "russia_affinity"):
            values = getattr(population, name)
            assert ((values >= 0) & (values <= 1)).all(), name


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenarios_stay_in_the_declared_ranges(path: Path) -> None:
    values = kzsim.run(load_scenario(path, ["population.citizens=1000"]), seed=1).series
    assert np.isfinite(values["value"]).all()
    outside = out_of_range(values)
    assert outside.empty, outside.drop_duplicates("variable").to_string()


def test_the_range_check_finds_a_value_outside() -> None:
    rows = pd.DataFrame(
        {
            "variable": ["alignment_china", "alignment_china", "debt_to_china_usd_bn", "x"],
            "value": [0.5, 1.2, 1e6, -1.0],
        }
    )
    assert out_of_range(rows).index.tolist() == [1]


def test_a_region_too_small_for_any_citizen_is_reported_as_empty() -> None:
    from kzsim.scenario.regions import builtin_regions

    region = builtin_regions()[0].model_dump()
    tiny = dict(region, id="tiny", name="Tiny", population=1, population_2021=1)
    result = kzsim.run(
        small_scenario(population={"citizens": 100, "regions": [region, tiny]}), seed=1, steps=2
    )
    tiny_rows = result.series[result.series["scope"] == "tiny"]
    # Its one person is still there; every series of its citizens is empty.
    persons = tiny_rows["variable"] == "population_persons"
    assert (tiny_rows.loc[persons, "value"] == 1).all()
    assert not tiny_rows.empty and (tiny_rows.loc[~persons, "value"] == 0).all()
