"""Pattern checks on hand-made runs, the counterfactual variants, and the runner's determinism."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

import numpy as np
import pandas as pd
import pytest

from kzsim.data import shipped_scenarios
from kzsim.months import format_month, parse_month
from kzsim.scenario.load import load_scenario
from kzsim.validation.figures import title
from kzsim.validation.patterns import (
    PATTERNS,
    Origin,
    Pattern,
    sf1_tariff_prices_eaeu_support,
    sf7_no_wave_under_low_sinophobia,
    sf9_failures_lower_appetite,
    sf10_no_single_currency,
    sf12_price_shock_unrest,
)
from kzsim.validation.runs import RunView, run_all
from kzsim.validation.suite import Outcome, evaluate, needed_variants
from kzsim.validation.variants import VARIANTS, hold_rouble_cross_rate

MONTHS = [format_month(parse_month("2010-01") + i) for i in range(168)]
(HISTORICAL_FILE,) = [p for p in shipped_scenarios() if p.stem == "historical_2010_2023"]


def view(series: dict[str, Any], events: Sequence[tuple[str, str]] = ()) -> RunView:
    """A run whose series are constant unless given (a value or a month -> value mapping)."""
    columns = {}
    for name, values in series.items():
        if isinstance(values, dict):
            column = pd.Series(np.nan, index=MONTHS)
            for month, value in values.items():
                column[month] = value
            columns[name] = column.ffill().bfill()
        else:
            columns[name] = pd.Series(float(values), index=MONTHS)
    frame = pd.DataFrame(columns, index=MONTHS)
    log = pd.DataFrame(list(events), columns=["date", "kind"])
    return RunView("historical", 1, frame, log)


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return load_scenario(HISTORICAL_FILE).to_data()


# --- checks -----------------------------------------------------------------------------------


def sf1_run(support_fall_month: str) -> RunView:
    return view(
        {
            "applied_tariff": {"2010-01": 0.067, "2010-03": 0.111},
            "price_pressure": 0.01,
            "eaeu_support_mean": {"2010-01": 0.65, support_fall_month: 0.62},
        }
    )


def test_sf1_needs_support_to_fall_after_the_tariff_rises() -> None:
    assert sf1_tariff_prices_eaeu_support(sf1_run("2010-08"))
    assert not sf1_tariff_prices_eaeu_support(sf1_run("2010-02"))  # before the tariff's rise


def test_sf1_needs_prices_to_rise() -> None:
    run = sf1_run("2010-08")
    run.series["price_pressure"] = 0.0
    assert not sf1_tariff_prices_eaeu_support(run)


def test_sf7_counts_regions_and_moratoria() -> None:
    assert sf7_no_wave_under_low_sinophobia(view({"regions_in_wave": {"2016-04": 2.0}}))
    assert not sf7_no_wave_under_low_sinophobia(
        view({"regions_in_wave": {"2010-01": 0.0, "2016-04": 3.0, "2016-05": 0.0}})
    )
    assert not sf7_no_wave_under_low_sinophobia(
        view({"regions_in_wave": 0.0}, [("2016-05", "moratorium")])
    )


def test_sf9_looks_at_the_month_of_the_first_failure() -> None:
    falls = {"2010-01": 0.5, "2015-03": 0.4}
    rises = {"2010-01": 0.5, "2015-03": 0.6}
    failure = {"2010-01": 0.0, "2015-03": 1.0}
    assert sf9_failures_lower_appetite(
        view({"failed_projects": failure, "china_lending_appetite": falls})
    )
    assert not sf9_failures_lower_appetite(
        view({"failed_projects": failure, "china_lending_appetite": rises})
    )
    assert not sf9_failures_lower_appetite(
        view({"failed_projects": 0.0, "china_lending_appetite": falls})
    )


def test_sf10_needs_a_proposal_and_a_refusal_each_time() -> None:
    refused = [("2015-01", "single_currency_proposal"), ("2015-01", "single_currency_refused")]
    assert sf10_no_single_currency(view({}, refused))
    assert not sf10_no_single_currency(view({}, refused[:1]))
    assert not sf10_no_single_currency(view({}, []))


def test_sf12_needs_nationwide_unrest_repression_and_help_in_early_2022() -> None:
    wave = {"2010-01": 0.0, "2022-01": 12.0, "2022-03": 0.0}
    both = [("2022-01", "crackdown"), ("2022-02", "outside_help")]
    assert sf12_price_shock_unrest(view({"regions_in_wave": wave}, both))
    assert not sf12_price_shock_unrest(view({"regions_in_wave": wave}, both[:1]))
    small = {"2010-01": 0.0, "2022-01": 5.0, "2022-03": 0.0}
    assert not sf12_price_shock_unrest(view({"regions_in_wave": small}, both))
    late = [("2022-01", "crackdown"), ("2022-08", "outside_help")]
    assert not sf12_price_shock_unrest(view({"regions_in_wave": wave}, late))


def test_every_pattern_names_known_variants_and_sources() -> None:
    assert [p.code for p in PATTERNS] == [f"SF{i}" for i in range(1, 13)]
    for fact in PATTERNS:
        assert fact.run in VARIANTS
        assert fact.contrast is None or fact.contrast in VARIANTS
        assert " L" in fact.source
    assert set(needed_variants(PATTERNS)) == set(VARIANTS)


@pytest.mark.parametrize("fact", PATTERNS, ids=[p.code for p in PATTERNS])
def test_every_pattern_is_labelled_emergent_or_scripted_with_a_reason(fact: Pattern) -> None:
    assert fact.origin in get_args(Origin)
    assert len(fact.reason.split()) >= 8  # a reason, not a word
    assert "\n" not in fact.reason  # one line


def test_scripted_facts_name_the_input_behind_them() -> None:
    inputs = ("dated", "driver", "parameter", "data input", "by design")
    for fact in PATTERNS:
        if fact.origin == "scripted":
            assert any(word in fact.reason for word in inputs), fact.code


@pytest.mark.parametrize("fact", PATTERNS, ids=[p.code for p in PATTERNS])
def test_every_figure_title_carries_the_label(fact: Pattern) -> None:
    assert title(fact).startswith(f"{fact.code} ({fact.origin}): ")


def test_outcome_passes_only_with_enough_seeds_and_a_clean_counterfactual() -> None:
    fact = PATTERNS[0]
    assert Outcome(fact, 20, 0.8, 0.2).passed
    assert not Outcome(fact, 20, 0.75, 0.0).passed
    assert not Outcome(fact, 20, 1.0, 0.25).passed


def test_evaluate_counts_seeds() -> None:
    fact = next(p for p in PATTERNS if p.code == "SF10")
    shown = view(
        {}, [("2015-01", "single_currency_proposal"), ("2015-01", "single_currency_refused")]
    )
    runs = {("historical", 1): shown, ("historical", 2): view({})}
    outcome = evaluate(fact, runs, [1, 2])
    assert outcome.share == 0.5 and outcome.contrast_share is None


# --- variants ---------------------------------------------------------------------------------


def test_variants_leave_the_base_alone_and_keep_the_schedule(base: dict[str, Any]) -> None:
    before = repr(base)
    for variant in VARIANTS.values():
        scenario = variant.apply(base)
        assert scenario.schedule == tuple(base["schedule"])
    assert repr(base) == before


def test_no_bri_drops_exactly_the_strategic_interest_events(base: dict[str, Any]) -> None:
    kept = VARIANTS["no_bri"].apply(base).events
    targets = {e.target for event in kept for e in event.effects}
    assert "china.strategic_interest" not in targets
    assert len(base["events"]) - len(kept) == 2


def test_no_land_reform_drops_the_reform_and_the_auction(base: dict[str, Any]) -> None:
    kept = VARIANTS["no_land_reform"].apply(base).events
    assert not any(event.kind == "land_reform" for event in kept)
    assert any(event.kind == "land_decision" for event in kept)  # the 2021 ban stays


def test_low_sinophobia_and_no_corruption_override_parameters(base: dict[str, Any]) -> None:
    assert VARIANTS["low_sinophobia"].apply(base).population.sinophobia_mean == 0.2
    assert VARIANTS["no_corruption"].apply(base).rules.bri_loans.leakage_mean == 0.01


def test_stable_rouble_keeps_the_2013_cross_rate(base: dict[str, Any]) -> None:
    data = {"drivers": {k: dict(v) for k, v in base["drivers"].items()}}
    hold_rouble_cross_rate(data)
    rub, kzt = data["drivers"]["rub_per_usd"], data["drivers"]["kzt_per_usd"]
    ratio = rub["2013-06"] / kzt["2013-06"]
    assert rub["2010-06"] == base["drivers"]["rub_per_usd"]["2010-06"]
    for month in ("2015-06", "2016-06", "2023-06"):
        assert rub[month] / kzt[month] == pytest.approx(ratio, rel=1e-4)


def test_stable_rouble_works_with_default_drivers() -> None:
    data: dict[str, Any] = {"drivers": {}}
    hold_rouble_cross_rate(data)
    assert data["drivers"]["rub_per_usd"] == {"2013-06": 30.0}


# --- runner -----------------------------------------------------------------------------------


def test_runs_are_the_same_whatever_the_number_of_workers(base: dict[str, Any]) -> None:
    one = run_all(base, ["historical", "no_bri"], [1, 2], 500, workers=1)
    two = run_all(base, ["historical", "no_bri"], [1, 2], 500, workers=2)
    assert one.keys() == two.keys()
    for key, run in one.items():
        pd.testing.assert_frame_equal(run.series, two[key].series)
        pd.testing.assert_frame_equal(run.events, two[key].events)
    assert not one[("historical", 1)].series.equals(one[("historical", 2)].series)
