"""Invariants as properties over random scenario parameters (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzsim
from kzsim.model import KazakhstanModel
from tests.conftest import small_scenario

#: Variables that are shares or indices in [0, 1].
SHARES = (
    "applied_tariff",
    "import_share_russia",
    "import_share_china",
    "import_share_other",
    "china_lending_appetite",
    "alignment_russia",
    "alignment_china",
    "alignment_west",
    "leverage_russia",
    "leverage_china",
    "autonomy_index",
    "legitimacy_mean",
    "sinophobia_mean",
    "eaeu_support_mean",
    "protest_share",
    "russian_irritation",
)

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
def test_series_are_finite_and_shares_stay_in_unit_interval(
    parameters: dict[str, object], seed: int
) -> None:
    result = kzsim.run(small_scenario(**parameters), seed=seed)
    values = result.series
    assert np.isfinite(values["value"]).all()
    shares = values[values["variable"].isin(SHARES)]["value"]
    assert ((shares >= 0) & (shares <= 1)).all()
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
        assert not (population.active & (population.jail_months > 0)).any()
        assert population.active.sum() <= population.size
        for name in ("hardship", "legitimacy", "sinophobia", "eaeu_support", "russia_affinity"):
            values = getattr(population, name)
            assert ((values >= 0) & (values <= 1)).all(), name


def test_a_region_too_small_for_any_citizen_is_reported_as_empty() -> None:
    from kzsim.scenario.regions import builtin_regions

    region = builtin_regions()[0].model_dump()
    tiny = dict(region, id="tiny", name="Tiny", population=1)
    result = kzsim.run(
        small_scenario(population={"citizens": 100, "regions": [region, tiny]}), seed=1, steps=2
    )
    tiny_rows = result.series[result.series["scope"] == "tiny"]
    assert not tiny_rows.empty and (tiny_rows["value"] == 0).all()
