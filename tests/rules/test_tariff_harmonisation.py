"""Tests of tariff harmonisation (TH1-TH8): pure equations first, then small-model behaviour."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kzsim.catalog import REGIONAL_SERIES, SERIES, state_regional_series, state_series
from kzsim.contracts import russian_reactions as reactions
from kzsim.contracts import tariff_harmonisation as th
from kzsim.contracts.tariff_harmonisation import Config
from kzsim.model import KazakhstanModel
from kzsim.months import parse_month
from kzsim.rules.tariff_harmonisation import (
    TariffLines,
    armington_shares,
    ces_price_index,
    convergence_progress,
    cpi_step,
    export_target,
    grey_trade_target,
    linear_ramp,
    ntb_hazard,
    parallel_import_boost,
    parallel_import_demand,
    price_pressure,
    producer_pressure,
    purchasing_power_weights,
    reexport_gap,
    reexport_ratio,
    relative_import_prices,
    supply_weights,
    tariff_lines,
    trade_leverage,
)
from kzsim.scenario.regions import Region
from tests.conftest import small_model

OTHER_RULES_OFF: dict[str, Any] = {
    name: {"enabled": False}
    for name in (
        "oil_routes",
        "bri_loans",
        "land_protests",
        "opinion",
        "multi_vector",
        "russian_reactions",
    )
}
BASE_SHARES = np.array([0.4, 0.15, 0.45])
#: A config without the CET's WTO fall, so the CET stays at 11.1%.
FLAT_CET = Config(cet_reduction_share=0.0)


def month(text: str) -> int:
    return parse_month(text)


def tariff(model: KazakhstanModel) -> th.State:
    """The rule's state: what it wrote, and what tests set."""
    return model.state(th.State)


def regions(model: KazakhstanModel) -> tuple[Region, ...]:
    """The model's regions, in the order of every regional field."""
    return model.scenario.population.regions


def run(seed: int = 1, months: int | None = None, **sections: Any) -> KazakhstanModel:
    """Run a small model with only this rule enabled (plus the given sections)."""
    rules = {**OTHER_RULES_OFF, **sections.pop("rules", {})}
    model = small_model(seed, rules=rules, **sections)
    for _ in range(months if months is not None else model.scenario.months):
        model.step()
    return model


# --- tariff path (TH1, TH6) -------------------------------------------------------------------


def test_convergence_progress_before_during_after() -> None:
    union = month("2010-01")
    assert convergence_progress(month("2009-12"), union, 6) == 0.0
    assert convergence_progress(union, union, 6) == pytest.approx(1 / 6)
    assert convergence_progress(month("2010-03"), union, 6) == pytest.approx(3 / 6)
    assert convergence_progress(month("2010-06"), union, 6) == 1.0
    assert convergence_progress(month("2015-01"), union, 6) == 1.0
    assert convergence_progress(union, union, 1) == 1.0
    assert convergence_progress(month("2015-01"), None, 6) == 0.0


def test_linear_ramp() -> None:
    assert linear_ramp(10, 20, 30) == 0.0
    assert linear_ramp(20, 20, 30) == 0.0
    assert linear_ramp(25, 20, 30) == pytest.approx(0.5)
    assert linear_ramp(30, 20, 30) == 1.0
    assert linear_ramp(99, 20, 30) == 1.0


def test_tariff_before_union_is_pre_union_rate() -> None:
    lines = tariff_lines(FLAT_CET, month("2009-06"))
    assert not lines.member
    assert lines.applied == pytest.approx(0.067)


def test_tariff_mid_convergence_is_between_and_linear() -> None:
    config = Config(cet_reduction_share=0.0, months_to_converge=10)
    lines = tariff_lines(config, month("2010-05"))  # 5 of 10 months
    assert lines.member
    assert lines.applied == pytest.approx(0.067 + (0.111 - 0.067) * 0.5)


def test_tariff_converges_to_cet() -> None:
    lines = tariff_lines(FLAT_CET, month("2011-06"))
    assert lines.applied == pytest.approx(0.111)
    assert lines.cet == pytest.approx(0.111)


def test_cet_falls_with_russias_wto_commitments() -> None:
    config = Config()
    assert tariff_lines(config, month("2012-09")).cet == pytest.approx(0.111)
    assert tariff_lines(config, month("2020-01")).cet == pytest.approx(0.111 * (1 - 0.31))
    middle = tariff_lines(config, month("2016-05")).cet  # 44 of 88 months
    assert middle == pytest.approx(0.111 * (1 - 0.31 * 0.5))


def test_wto_window_lowers_then_restores_the_tariff() -> None:
    before = tariff_lines(FLAT_CET, month("2015-12"))
    inside = tariff_lines(FLAT_CET, month("2016-01"))
    last = tariff_lines(FLAT_CET, month("2023-12"))
    after = tariff_lines(FLAT_CET, month("2024-01"))
    expected = 0.7 * 0.111 + 0.3 * 0.061
    assert inside.exempt_share == 0.3
    assert inside.applied == pytest.approx(expected)
    assert last.applied == pytest.approx(expected)
    assert before.applied == pytest.approx(0.111)
    assert after.applied == pytest.approx(0.111)
    assert after.exempt_share == 0.0


def test_exempt_lines_never_above_the_schedule() -> None:
    config = Config(cet_reduction_share=0.0, wto_rate=0.5)
    assert tariff_lines(config, month("2017-01")).applied == pytest.approx(0.111)


def test_never_joining_keeps_the_pre_union_tariff_and_no_exemptions() -> None:
    config = Config(customs_union_date=None)
    for text in ("2009-01", "2010-06", "2016-06", "2030-01"):
        lines = tariff_lines(config, month(text))
        assert not lines.member
        assert lines.exempt_share == 0.0
        assert lines.applied == pytest.approx(0.067)


def test_deviation_shifts_every_line() -> None:
    lines = tariff_lines(FLAT_CET, month("2016-06"), deviation=0.01)
    assert lines.applied == pytest.approx(0.7 * 0.111 + 0.3 * 0.061 + 0.01)


def test_config_rejects_inconsistent_values() -> None:
    with pytest.raises(ValidationError, match="leave a share for other sources"):
        Config(base_import_share_russia=0.7, base_import_share_china=0.3)
    with pytest.raises(ValidationError, match="wto_exemption_start"):
        Config(wto_exemption_start="2024-06")
    with pytest.raises(ValidationError, match="cet_reduction_start"):
        Config(cet_reduction_start="2021-01")
    with pytest.raises(ValidationError, match="sum to 1"):
        Config(leverage_weight_imports=0.9)


# --- prices, shares, CPI (TH2, TH3, TH7) ------------------------------------------------------


def test_relative_prices_hand_computed() -> None:
    prices = relative_import_prices(300.0, 60.0, 0.111, 150.0, 30.0, 0.067)
    assert prices[0] == pytest.approx(1.0)  # tenge and rouble both halved against the dollar
    assert prices[1] == pytest.approx(2.0 * 1.111 / 1.067)
    assert prices[2] == prices[1]
    cheap_rouble = relative_import_prices(150.0, 60.0, 0.067, 150.0, 30.0, 0.067)
    assert cheap_rouble[0] == pytest.approx(0.5)


def test_armington_reproduces_base_shares_at_base_prices() -> None:
    shares = armington_shares(BASE_SHARES, np.ones(3), 3.0)
    np.testing.assert_allclose(shares, BASE_SHARES)


def test_armington_hand_computed() -> None:
    shares = armington_shares(np.array([0.5, 0.5, 0.0]), np.array([1.0, 2.0, 1.0]), 3.0)
    # weights 0.5 * 1 and 0.5 * 2^-2 = 0.125
    np.testing.assert_allclose(shares, [0.5 / 0.625, 0.125 / 0.625, 0.0])


@settings(max_examples=60, deadline=None)
@given(
    prices=st.lists(st.floats(0.2, 5.0), min_size=3, max_size=3),
    sigma=st.floats(1.1, 8.0),
)
def test_armington_shares_are_shares(prices: list[float], sigma: float) -> None:
    shares = armington_shares(BASE_SHARES, np.array(prices), sigma)
    assert shares.sum() == pytest.approx(1.0)
    assert np.all(shares >= 0.0)
    assert np.all(shares <= 1.0)


def test_armington_moves_toward_the_cheaper_source_more_with_higher_sigma() -> None:
    tariffed = np.array([1.0, 1.05, 1.05])  # Russian goods relatively cheaper
    low = armington_shares(BASE_SHARES, tariffed, 1.5)
    high = armington_shares(BASE_SHARES, tariffed, 6.0)
    assert BASE_SHARES[0] < low[0] < high[0]
    assert high[1] < low[1] < BASE_SHARES[1]


def test_supply_weights_scale_china_only() -> None:
    np.testing.assert_allclose(supply_weights(BASE_SHARES, 1.0, 0.6), BASE_SHARES)
    weights = supply_weights(BASE_SHARES, 2.0, 1.0)
    np.testing.assert_allclose(weights, np.array([0.4, 0.3, 0.45]) / 1.15)
    np.testing.assert_allclose(supply_weights(BASE_SHARES, 2.0, 0.0), BASE_SHARES)


def test_ces_price_index() -> None:
    assert ces_price_index(BASE_SHARES, np.ones(3), 3.0) == pytest.approx(1.0)
    assert ces_price_index(BASE_SHARES, np.full(3, 1.2), 3.0) == pytest.approx(1.2)
    lower = ces_price_index(BASE_SHARES, np.array([1.0, 1.1, 1.1]), 3.0)
    higher = ces_price_index(BASE_SHARES, np.array([1.0, 1.2, 1.2]), 3.0)
    assert 1.0 < lower < higher < 1.2


def test_cpi_step_trend_and_pass_through() -> None:
    assert cpi_step(100.0, 12.0, 1.0, 1.0, 0.35) == pytest.approx(101.0)
    assert cpi_step(100.0, 12.0, 1.1, 1.0, 0.35) == pytest.approx(101.0 * 1.1**0.35)
    assert cpi_step(100.0, 0.0, 1.1, 1.0, 0.0) == pytest.approx(100.0)


def test_price_pressure() -> None:
    assert price_pressure(1.0, 0.35) == 0.0
    assert price_pressure(0.9, 0.35) == 0.0
    assert price_pressure(1.21, 0.5) == pytest.approx(0.1)


# --- re-exports and grey trade (TH3, TH4) -----------------------------------------------------


def test_reexport_gap_closes_with_convergence_and_reopens_in_window() -> None:
    pre = reexport_gap(tariff_lines(FLAT_CET, month("2009-06")), 0.5)
    mid = reexport_gap(tariff_lines(FLAT_CET, month("2010-03")), 0.5)
    converged = reexport_gap(tariff_lines(FLAT_CET, month("2012-01")), 0.5)
    window = reexport_gap(tariff_lines(FLAT_CET, month("2017-01")), 0.5)
    assert pre == pytest.approx(0.111 - 0.067)
    assert pre > mid > converged == pytest.approx(0.0)
    assert window == pytest.approx(0.3 * 0.5 * (0.111 - 0.061))
    assert converged < window < pre


def test_reexport_gap_control() -> None:
    lines = TariffLines(cet=0.1, scheduled=0.1, exempt=0.06, exempt_share=0.5, member=True)
    assert reexport_gap(lines, 0.0) == pytest.approx(0.02)
    assert reexport_gap(lines, 1.0) == 0.0


def test_reexport_ratio() -> None:
    assert reexport_ratio(0.044, 0.15, 0.044, 0.15) == pytest.approx(1.0)
    assert reexport_ratio(0.022, 0.12, 0.044, 0.15) == pytest.approx(0.5 * 0.8)
    assert reexport_ratio(0.0, 0.15, 0.044, 0.15) == 0.0
    assert reexport_ratio(0.01, 0.15, 0.0, 0.15) == 0.0


def test_grey_trade_target() -> None:
    assert grey_trade_target(False, 0.5, 0.1) == 0.0
    assert grey_trade_target(True, 0.1, 0.1) == pytest.approx(0.5)
    values = [grey_trade_target(True, gap, 0.1) for gap in (0.0, 0.05, 0.2, 1.0, 10.0)]
    assert values == sorted(values)
    assert values[0] == 0.0
    assert values[-1] < 1.0


# --- NTBs, exports, producers, leverage (TH5, TH7, TH8) ---------------------------------------


def test_ntb_hazard() -> None:
    assert ntb_hazard(0.04, 2.0, 0.0) == pytest.approx(0.04)
    assert ntb_hazard(0.04, 2.0, 0.5) == pytest.approx(0.08)
    assert ntb_hazard(0.04, 2.0, 1.0) == pytest.approx(0.12)
    assert ntb_hazard(0.5, 5.0, 1.0) == 1.0


def test_export_target_falls_when_the_rouble_weakens() -> None:
    assert export_target(1.0, 1.5) == 1.0
    assert export_target(0.8, 1.5) == pytest.approx(0.8**1.5)
    assert export_target(0.5, 1.5) < export_target(0.8, 1.5) < 1.0
    assert export_target(0.8, 0.0) == 1.0


def test_producer_pressure() -> None:
    weights = np.array([1.0, 0.5])
    np.testing.assert_allclose(producer_pressure(1.2, 2.0, weights), [0.0, 0.0])
    np.testing.assert_allclose(producer_pressure(0.8, 2.0, weights), [0.4, 0.2])
    np.testing.assert_allclose(producer_pressure(0.1, 2.0, weights), [1.0, 0.9])


def test_trade_leverage() -> None:
    weights = (0.4, 0.3, 0.3)
    assert trade_leverage(0.4, False, 1.0, 0.85, weights) == pytest.approx(0.16 + 0.255)
    assert trade_leverage(0.4, True, 1.0, 0.85, weights) == pytest.approx(0.16 + 0.3 + 0.255)
    assert trade_leverage(1.0, True, 1.0, 1.0, weights) == pytest.approx(1.0)
    assert trade_leverage(0.5, True, 1.0, 0.5, weights) > trade_leverage(
        0.4, True, 1.0, 0.5, weights
    )


def test_trade_leverage_membership_scales_with_integration_depth() -> None:
    """TH8: a deeper union gives Russia more say over Kazakh trade policy (P L396-400)."""
    weights = (0.4, 0.3, 0.3)
    customs_union = trade_leverage(0.4, True, 0.3, 0.85, weights)
    eeu = trade_leverage(0.4, True, 0.8, 0.85, weights)
    assert customs_union == pytest.approx(0.16 + 0.3 * 0.3 + 0.255)
    assert eeu - customs_union == pytest.approx(0.3 * 0.5)
    assert trade_leverage(0.4, False, 0.8, 0.85, weights) == pytest.approx(0.16 + 0.255)


def test_deeper_integration_raises_russias_leverage_in_the_model() -> None:
    shallow = run(months=6, initial={"eaeu": {"integration_depth": 0.3}})
    deep = run(months=6, initial={"eaeu": {"integration_depth": 0.8}})
    gap = tariff(deep).trade_leverage_russia - tariff(shallow).trade_leverage_russia
    assert gap == pytest.approx(Config().leverage_weight_membership * 0.5, rel=1e-6)


def test_purchasing_power_scales_non_eaeu_weights_only() -> None:
    """TH10: a fall in US$ income cuts China's and others' weights, not Russia's (E L33, L70)."""
    same = purchasing_power_weights(BASE_SHARES, 1.0, 0.8)
    np.testing.assert_allclose(same, BASE_SHARES)
    poorer = purchasing_power_weights(BASE_SHARES, 0.5, 1.0)
    expected = np.array([0.4, 0.075, 0.225]) / 0.7
    np.testing.assert_allclose(poorer, expected)
    assert purchasing_power_weights(BASE_SHARES, 1.5, 0.8)[0] < 0.4
    np.testing.assert_allclose(purchasing_power_weights(BASE_SHARES, 0.5, 0.0), BASE_SHARES)
    # China and others keep their ratio: the income effect is not a shift between them
    assert poorer[1] / poorer[2] == pytest.approx(0.15 / 0.45)


# --- the rule in a small model ----------------------------------------------------------------


def test_series_declared() -> None:
    names = {s.name: s.scope for s in SERIES}
    for name in (
        "applied_tariff",
        "consumer_price_index",
        "import_share_russia",
        "import_share_china",
        "import_share_other",
        "reexport_income",
        "grey_trade_index",
        "exports_to_russia_index",
        "ntb_active",
        "price_pressure",
    ):
        assert names[name] == "kazakhstan"
    assert names["trade_leverage_russia"] == "russia"
    assert names["cet_rate"] == "eaeu"
    assert names["eaeu_member"] == "eaeu"
    regional = {s.name for s in REGIONAL_SERIES}
    assert {"trader_income_loss", "producer_pressure"} <= regional


def test_every_series_reads_a_number() -> None:
    model = run(months=3)
    for series in state_series(th.State):
        assert math.isfinite(series.read(model))
    for regional in state_regional_series(th.State):
        assert regional.read(model).shape == (len(regions(model)),)


def test_no_customs_union_keeps_the_pre_union_tariff_default_raises_it() -> None:
    never = run(rules={"tariff_harmonisation": {"customs_union_date": None}})
    joined = run()
    assert tariff(never).applied_tariff == pytest.approx(0.067)
    assert not tariff(never).eaeu_member
    assert tariff(joined).applied_tariff == pytest.approx(0.111)
    assert tariff(joined).eaeu_member
    assert tariff(joined).cet_rate == pytest.approx(0.111)
    # SF1: the tariff rise lifts consumer prices and diverts imports toward Russia.
    assert tariff(joined).consumer_price_index > tariff(never).consumer_price_index
    assert tariff(joined).price_pressure > tariff(never).price_pressure
    assert tariff(joined).import_share_russia > tariff(never).import_share_russia
    # TH8: membership raises Russia's trade leverage.
    assert tariff(joined).trade_leverage_russia > tariff(never).trade_leverage_russia
    kinds = [e.kind for e in joined.log]
    assert "customs_union_joined" in kinds
    assert "customs_union_joined" not in [e.kind for e in never.log]


def test_trader_income_falls_only_where_traders_are() -> None:
    model = run()
    assert tariff(model).reexport_income == pytest.approx(0.0, abs=1e-9)
    hubs = np.array([region.trader_hub for region in regions(model)])
    assert hubs.any()
    np.testing.assert_allclose(tariff(model).trader_income_loss, np.where(hubs, 1.0, 0.0))
    never = run(rules={"tariff_harmonisation": {"customs_union_date": None}})
    assert tariff(never).reexport_income > 0.9
    assert tariff(never).trader_income_loss.max() < 0.1


def test_reexport_income_recovers_partly_in_the_wto_window() -> None:
    model = small_model(1, metadata={"end": "2017-12"}, rules=OTHER_RULES_OFF)
    income: dict[str, float] = {}
    for _ in range(model.scenario.months):
        model.step()
        income[model.date] = tariff(model).reexport_income
    pre_union = Config().reexport_income_pre_union_usd_bn
    assert income["2010-01"] > income["2015-12"]
    assert income["2015-12"] < income["2016-06"] < pre_union
    assert "wto_exemptions_opened" in [e.kind for e in model.log]


def test_deeper_integration_tightens_anti_reexport_controls() -> None:
    """TH3: the union's controls on exempt-line re-exports grow with its integration depth."""

    def income(depth: float) -> float:
        model = small_model(
            1,
            metadata={"end": "2016-06"},
            rules=OTHER_RULES_OFF,
            initial={"eaeu": {"integration_depth": depth}},
        )
        for _ in range(model.scenario.months):
            model.step()
        return tariff(model).reexport_income

    none, eeu, full = income(0.0), income(0.8), income(1.0)
    assert none > eeu > full > 0.0
    # income is the gap times the Chinese volume, which depth does not move
    control = Config().reexport_control
    lines = tariff_lines(Config(), month("2016-06"))
    assert none / full == pytest.approx(
        reexport_gap(lines, 0.0) / reexport_gap(lines, control), rel=1e-9
    )
    assert none / eeu == pytest.approx(
        reexport_gap(lines, 0.0) / reexport_gap(lines, 0.8 * control), rel=1e-9
    )


def test_grey_trade_rises_after_internal_posts_go() -> None:
    model = small_model(1, rules=OTHER_RULES_OFF)
    grey: dict[str, float] = {}
    for _ in range(model.scenario.months):
        model.step()
        grey[model.date] = tariff(model).grey_trade_index
    assert grey["2011-06"] == 0.0
    assert 0.0 < grey["2011-07"] < grey["2011-12"]
    never = run(rules={"tariff_harmonisation": {"customs_union_date": None}})
    assert tariff(never).grey_trade_index == 0.0


def count_ntb(irritation: float, seed: int, months: int = 240) -> tuple[int, int]:
    """Episodes imposed and lifted over ``months`` with Russia's irritation held fixed."""
    model = small_model(
        seed,
        metadata={"end": "2029-12"},
        rules={**OTHER_RULES_OFF, "tariff_harmonisation": {"ntb_base_hazard_per_month": 0.05}},
    )
    for _ in range(months):
        model.state(reactions.State).russian_irritation = irritation
        model.step()
    kinds = [e.kind for e in model.log]
    return kinds.count("ntb_imposed"), kinds.count("ntb_lifted")


def test_ntb_episodes_start_and_end_and_cut_exports() -> None:
    imposed, lifted = count_ntb(0.0, seed=3)
    assert imposed >= 2
    assert imposed - 1 <= lifted <= imposed
    certain = {"ntb_base_hazard_per_month": 1.0, "ntb_mean_duration_months": 120.0}
    model = small_model(1, rules={**OTHER_RULES_OFF, "tariff_harmonisation": certain})
    model.step()
    assert tariff(model).ntb_active
    assert tariff(model).ntb_hazard == 1.0
    assert tariff(model).exports_to_russia_index == pytest.approx(1.0 - 0.1)


def test_ntb_hazard_reads_russias_irritation_from_its_owner() -> None:
    model = small_model(1, rules=OTHER_RULES_OFF)
    model.state(reactions.State).russian_irritation = 0.5
    model.step()
    config = Config()
    expected = config.ntb_base_hazard_per_month * (1.0 + config.ntb_irritation_gain * 0.5)
    assert tariff(model).ntb_hazard == pytest.approx(expected)


def ntb_share(irritation: float, seeds: range, months: int = 240) -> float:
    """Share of months with an NTB in force at the defaults and a fixed irritation."""
    active = 0
    for seed in seeds:
        model = small_model(seed, rules=OTHER_RULES_OFF, metadata={"end": "2029-12"})
        for _ in range(months):
            model.state(reactions.State).russian_irritation = irritation
            model.step()
            active += tariff(model).ntb_active
    return active / (months * len(seeds))


def test_ntb_episodes_are_occasional_at_the_defaults() -> None:
    """TH5: NTBs are used 'occasionally' (E L70): a few percent of months, not a fifth."""
    config = Config()
    for irritation in (0.0, 0.5):
        hazard = config.ntb_base_hazard_per_month * (1.0 + config.ntb_irritation_gain * irritation)
        stationary = hazard / (hazard + 1.0 / config.ntb_mean_duration_months)
        share = ntb_share(irritation, range(1, 5))
        assert share < 0.12
        assert share == pytest.approx(stationary, abs=0.03)
    assert ntb_share(0.0, range(1, 5)) > 0.0


def test_the_rule_sees_only_what_it_declares_and_writes_no_other_state() -> None:
    model = small_model(1, rules=OTHER_RULES_OFF)
    (rule,) = model.rules
    irritation = rule.read(reactions.State)
    with pytest.raises(AttributeError, match="does not declare in READS"):
        _ = irritation.threat_perception
    with pytest.raises(AttributeError, match="russian_reactions owns it"):
        irritation.russian_irritation = 1.0
    others = {name: state for name, state in model.states.items() if name != rule.name}
    start = {name: dataclasses.asdict(state) for name, state in others.items()}
    for _ in range(model.scenario.months):
        model.step()
    for name, state in others.items():
        for field, value in dataclasses.asdict(state).items():
            np.testing.assert_array_equal(value, start[name][field], err_msg=f"{name}.{field}")


def test_ntb_frequency_rises_with_irritation() -> None:
    calm = sum(count_ntb(0.0, seed)[0] for seed in (1, 2, 3))
    irritated = sum(count_ntb(1.0, seed)[0] for seed in (1, 2, 3))
    assert irritated > 1.3 * calm


def test_weaker_rouble_lowers_exports_and_presses_producers_near_russia() -> None:
    weak = {"rub_per_usd": {"2010-01": 30.0, "2011-06": 60.0}}
    flat = run(rules={"tariff_harmonisation": {"ntb_base_hazard_per_month": 0.0}})
    collapse = run(rules={"tariff_harmonisation": {"ntb_base_hazard_per_month": 0.0}}, drivers=weak)
    assert tariff(flat).exports_to_russia_index == pytest.approx(1.0)
    assert tariff(collapse).exports_to_russia_index < 0.95
    borders = [region.borders_russia for region in regions(collapse)]
    pressure = dict(zip(borders, tariff(collapse).producer_pressure, strict=True))
    assert pressure[True] > pressure[False] > 0.0
    assert tariff(flat).producer_pressure.max() == 0.0
    assert tariff(collapse).import_share_russia > tariff(flat).import_share_russia


def test_sanctions_on_russia_cut_exports_to_russia() -> None:
    calm = {"ntb_base_hazard_per_month": 0.0, "parallel_import_gain": 0.0}
    sanctions = {"sanctions_on_russia": {"2010-01": 0.0, "2010-06": 1.0}}
    free = run(rules={"tariff_harmonisation": calm})
    sanctioned = run(rules={"tariff_harmonisation": calm}, drivers=sanctions)
    ratio = tariff(sanctioned).exports_to_russia_index / tariff(free).exports_to_russia_index
    assert ratio == pytest.approx(1.0 - 0.1)


def test_parallel_import_demand_and_boost() -> None:
    """TH11: demand starts above the 2014-level sanctions; the risk caps the boost."""
    assert parallel_import_demand(0.3, 0.5) == 0.0
    assert parallel_import_demand(0.5, 0.5) == 0.0
    assert parallel_import_demand(0.75, 0.5) == pytest.approx(0.5)
    assert parallel_import_demand(1.0, 0.5) == pytest.approx(1.0)
    assert parallel_import_boost(1.0, 0.0, 0.35) == pytest.approx(0.35)
    assert parallel_import_boost(1.0, 0.6, 0.35) == pytest.approx(0.14)
    assert parallel_import_boost(0.0, 0.0, 0.35) == 0.0


def test_full_sanctions_raise_exports_to_russia_then_the_risk_erodes_the_rise() -> None:
    """TH11: re-exports and parallel imports lift exports to Russia at first (2022), and the
    growing secondary-sanction risk takes the rise back (T L1975-1977)."""
    calm = {"ntb_base_hazard_per_month": 0.0}
    sanctions = {"sanctions_on_russia": {"2010-01": 0.0, "2010-03": 1.0}}
    free = run(months=9, rules={"tariff_harmonisation": calm})
    early = run(months=9, rules={"tariff_harmonisation": calm}, drivers=sanctions)
    late = run(rules={"tariff_harmonisation": calm}, drivers=sanctions)
    config = Config()
    risk = tariff(early).secondary_sanction_risk
    assert 0.0 < risk < tariff(late).secondary_sanction_risk
    expected = (1.0 - config.sanctions_export_cut) * (
        1.0 + config.parallel_import_gain * (1 - risk)
    )
    assert tariff(early).exports_to_russia_index == pytest.approx(expected, rel=1e-9)
    assert tariff(early).exports_to_russia_index > 1.05 * tariff(free).exports_to_russia_index
    assert tariff(late).exports_to_russia_index < tariff(early).exports_to_russia_index
    sectoral = {"sanctions_on_russia": {"2010-01": 0.0, "2010-03": 0.5}}
    only_2014 = run(months=9, rules={"tariff_harmonisation": calm}, drivers=sectoral)
    assert tariff(only_2014).secondary_sanction_risk == 0.0
    assert tariff(only_2014).exports_to_russia_index < tariff(free).exports_to_russia_index


def test_a_fall_in_us_dollar_income_raises_russias_import_share() -> None:
    """TH10: the devaluations and the slump cut non-EAEU purchases more (E L33, L70)."""
    still = {"china_gdp_growth_pct": {"2010-01": 0.0}}
    flat_gdp = {**still, "kazakhstan_gdp_usd_bn": {"2010-01": 150.0, "2012-01": 150.0}}
    falling_gdp = {
        **still,
        "kazakhstan_gdp_usd_bn": {"2010-01": 150.0, "2011-01": 90.0, "2012-01": 90.0},
    }

    def shares(elasticity: float, drivers: dict[str, Any]) -> th.State:
        config = {"customs_union_date": None, "non_eaeu_income_elasticity": elasticity}
        return tariff(run(months=24, rules={"tariff_harmonisation": config}, drivers=drivers))

    steady, slump = shares(0.8, flat_gdp), shares(0.8, falling_gdp)
    assert steady.import_share_russia == pytest.approx(Config().base_import_share_russia, abs=2e-3)
    assert slump.import_share_russia > steady.import_share_russia + 0.02
    assert slump.import_share_china < steady.import_share_china
    assert shares(0.0, falling_gdp).import_share_russia == pytest.approx(
        shares(0.0, flat_gdp).import_share_russia, abs=1e-9
    )


def test_chinas_growth_raises_its_import_share() -> None:
    still = {"china_gdp_growth_pct": {"2010-01": 0.0}}
    growing = {"china_gdp_growth_pct": {"2010-01": 10.0}}
    fixed = {"customs_union_date": None, "non_eaeu_income_elasticity": 0.0}
    flat = run(drivers=still, rules={"tariff_harmonisation": fixed})
    rising = run(drivers=growing, rules={"tariff_harmonisation": fixed})
    base = Config().base_import_share_china
    assert tariff(flat).import_share_china == pytest.approx(base, abs=1e-3)
    assert tariff(rising).import_share_china > base + 0.004
    assert tariff(rising).consumer_price_index == pytest.approx(
        tariff(flat).consumer_price_index
    )  # a shift in supply is not a price change


def test_tenge_devaluation_passes_into_cpi_only_when_the_driver_is_pure_trend() -> None:
    devaluation = {"kzt_per_usd": {"2010-01": 150.0, "2010-12": 300.0}}
    settings_: dict[str, Any] = {"ntb_base_hazard_per_month": 0.0, "customs_union_date": None}
    realised = run(rules={"tariff_harmonisation": settings_}, drivers=devaluation)
    trend = run(
        rules={"tariff_harmonisation": {**settings_, "inflation_driver_includes_fx": False}},
        drivers=devaluation,
    )
    months = realised.scenario.months
    trend_only = 100.0 * (1 + 6.0 / 1200) ** months  # default inflation driver: 6% a year
    assert tariff(realised).consumer_price_index == pytest.approx(trend_only)
    assert tariff(trend).consumer_price_index > 1.1 * trend_only
    assert tariff(realised).price_pressure > 0.0


def test_event_shift_of_the_tariff_persists() -> None:
    event = {
        "date": "2011-01",
        "kind": "policy",
        "detail": "tariff raised",
        "effects": [{"target": "kazakhstan.applied_tariff", "shift": 0.02}],
    }
    model = run(events=[event])
    assert tariff(model).applied_tariff == pytest.approx(0.111 + 0.02)


def test_disabled_rule_changes_nothing() -> None:
    model = small_model(1, rules={"tariff_harmonisation": {"enabled": False}})
    for _ in range(model.scenario.months):
        model.step()
    assert tariff(model).applied_tariff == pytest.approx(0.067)
    assert tariff(model).consumer_price_index == 100.0
    assert tariff(model).exports_to_russia_index == 1.0
    assert not tariff(model).eaeu_member
    assert not tariff(model).trader_income_loss.any()


PROPOSAL = {
    "date": "2010-03",
    "kind": "single_currency_proposal",
    "actor": "russia",
    "detail": "Russia proposes a single currency",
}


def currency_log(model: KazakhstanModel) -> list[tuple[str, str, str]]:
    return [(e.date, e.kind, e.actor) for e in model.log if "currency" in e.kind]


def test_th9_the_rule_refuses_every_single_currency_proposal_in_its_month() -> None:
    model = run(months=6, events=[PROPOSAL, PROPOSAL | {"date": "2010-05"}])
    assert currency_log(model) == [
        ("2010-03", "single_currency_proposal", "russia"),
        ("2010-03", "single_currency_refused", "kazakhstan"),
        ("2010-05", "single_currency_proposal", "russia"),
        ("2010-05", "single_currency_refused", "kazakhstan"),
    ]


def test_th9_without_the_rule_a_proposal_is_logged_and_left_unanswered() -> None:
    model = small_model(1, rules={"tariff_harmonisation": {"enabled": False}}, events=[PROPOSAL])
    for _ in range(6):
        model.step()
    assert currency_log(model) == [("2010-03", "single_currency_proposal", "russia")]
