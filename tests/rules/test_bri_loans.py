"""Tests of Chinese lending (BR1-BR10): equations and the rule; the ledger: test_loan_ledger.py."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzsim.contracts import multi_vector as mv
from kzsim.contracts.bri_loans import AGRICULTURE, EQUITY_SWAP, TRANSPORT, Config, State
from kzsim.dynamics import rate_from_half_life
from kzsim.model import KazakhstanModel
from kzsim.rules.bri_loans import (
    AcceptanceWeights,
    Rule,
    acceptance_probability,
    acceptance_utility,
    capital_need,
    draw_offers,
    failure_hazard,
    hostility_factor,
    lender_choice_probabilities,
    local_job_share,
    monthly_offer_rate,
    offer_visibility,
    presence_from_stock,
    protest_pressure,
    sector_region_weights,
)
from kzsim.rules.land_protests import Rule as LandProtestsRule
from kzsim.rules.loan_ledger import FAILED
from tests.conftest import deep_merge, others_off, small_model

OTHER_RULES_OFF = others_off("bri_loans")
KEEN_CHINA = {"china": {"strategic_interest": 1.0, "lending_appetite": 1.0}}
WEIGHTS = AcceptanceWeights(
    need=3.0, transport=0.5, debt=2.0, sinophobia=2.0, irritation=1.0, content=2.0
)


def loan_model(
    seed: int = 1, initial: dict[str, Any] | None = None, **rule: Any
) -> KazakhstanModel:
    """A small 2010-2011 model with only this rule enabled and a keen China by default."""
    sections = {
        "initial": KEEN_CHINA if initial is None else initial,
        "rules": deep_merge(OTHER_RULES_OFF, {"bri_loans": rule}),
    }
    return small_model(seed, **sections)


def run(model: KazakhstanModel) -> KazakhstanModel:
    for _ in range(model.scenario.months):
        model.step()
    return model


def loans(model: KazakhstanModel) -> State:
    """This rule's state."""
    return model.state(State)


def alignment(model: KazakhstanModel) -> mv.State:
    """The multi-vector rule's state, where the debt trap moves alignment."""
    return model.state(mv.State)


def the_rule(model: KazakhstanModel) -> Rule:
    (rule,) = [r for r in model.rules if isinstance(r, Rule)]
    return rule


def count(model: KazakhstanModel, kind: str) -> int:
    return sum(e.kind == kind for e in model.log)


def region_weights() -> np.ndarray:
    return sector_region_weights(
        np.array([1.0, 1.0, 2.0]),
        np.array([0.5, 0.0, 0.5]),
        np.array([True, False, False]),
        np.array([False, False, True]),
        3.0,
        2.0,
    )


# --- equations ---------------------------------------------------------------------------------


def test_capital_need_is_linear_in_budget_stress_and_clipped() -> None:
    assert capital_need(0.0, 0.3, 1.0) == pytest.approx(0.3)
    assert capital_need(0.2, 0.3, 1.0) == pytest.approx(0.5)
    assert capital_need(0.6, 0.3, 2.0) == 1.0
    assert capital_need(0.1, 0.3, 1.0) < capital_need(0.3, 0.3, 1.0)


def test_offer_rate_scales_with_appetite() -> None:
    assert monthly_offer_rate(6.0, 1.0) == pytest.approx(0.5)
    assert monthly_offer_rate(6.0, 0.5) == pytest.approx(0.25)
    assert monthly_offer_rate(6.0, 0.0) == 0.0


def test_offer_draws_match_their_distributions() -> None:
    config = Config()
    rng = np.random.default_rng(7)
    offers = draw_offers(rng, 40_000, config, region_weights())
    assert np.median(offers.project_value_usd_bn) == pytest.approx(0.4, rel=0.03)
    # mean of a lognormal: median * exp(sigma^2 / 2) = 0.4 * exp(0.32) = 0.551
    assert offers.project_value_usd_bn.mean() == pytest.approx(0.551, rel=0.04)
    np.testing.assert_allclose(
        offers.principal_usd_bn, config.loan_share_of_project * offers.project_value_usd_bn
    )
    assert offers.content.min() >= 0.5 and offers.content.max() <= 0.8
    assert (offers.grace_months < offers.maturity_months).all()
    assert offers.disbursement_months.min() >= 24 and offers.disbursement_months.max() <= 36
    assert offers.leakage.mean() == pytest.approx(0.15, abs=0.005)
    shares = np.bincount(offers.sector, minlength=4) / offers.size
    np.testing.assert_allclose(shares, [0.45, 0.25, 0.2, 0.1], atol=0.01)
    assert not offers.bypasses_russia[offers.sector != TRANSPORT].any()
    assert offers.bypasses_russia[offers.sector == TRANSPORT].mean() == pytest.approx(0.5, abs=0.02)
    # transport goes to the China-border region (weight 1 + 3) four times as often as region 1
    transport = offers.region[offers.sector == TRANSPORT]
    assert (transport == 0).sum() / (transport == 1).sum() == pytest.approx(4.0, rel=0.1)


def test_agriculture_offers_are_thinned_by_agriculture_appetite() -> None:
    config = Config(weight_agriculture=1.0)
    full = draw_offers(np.random.default_rng(1), 20_000, config, region_weights(), 1.0)
    half = draw_offers(np.random.default_rng(1), 20_000, config, region_weights(), 0.5)
    none = draw_offers(np.random.default_rng(1), 20_000, config, region_weights(), 0.0)
    n_full = (full.sector == AGRICULTURE).sum()
    assert (half.sector == AGRICULTURE).sum() / n_full == pytest.approx(0.5, rel=0.05)
    assert (none.sector == AGRICULTURE).sum() == 0
    assert (none.sector != AGRICULTURE).sum() == pytest.approx(
        (full.sector != AGRICULTURE).sum(), rel=0.05
    )


def test_sector_region_weights() -> None:
    weights = region_weights()
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    # transport: 4, 1, 2 ; energy: 1, 1, 6 ; industry: 1, 1, 2 ; agriculture: 0.5, 0, 1
    np.testing.assert_allclose(weights[0], np.array([4, 1, 2]) / 7)
    np.testing.assert_allclose(weights[1], np.array([1, 1, 6]) / 8)
    np.testing.assert_allclose(weights[2], np.array([1, 1, 2]) / 4)
    np.testing.assert_allclose(weights[3], np.array([0.5, 0.0, 1.0]) / 1.5)


def utility(**changes: Any) -> float:
    args: dict[str, Any] = {
        "need": 0.5,
        "transport": np.array([False]),
        "debt_to_gdp": 0.1,
        "sinophobia": 0.5,
        "visibility": np.array([0.4]),
        "irritation": 0.5,
        "bypasses_russia": np.array([False]),
        "content": np.array([0.6]),
        "content_tolerance": 0.5,
    }
    args.update(changes)
    return float(acceptance_utility(WEIGHTS, **args)[0])


def test_acceptance_utility_hand_value() -> None:
    # 3*0.5 - 2*0.1 - 2*0.5*0.4 - 2*(0.6 - 0.5) = 1.5 - 0.2 - 0.4 - 0.2 = 0.7
    assert utility() == pytest.approx(0.7)
    # transport that bypasses Russia: + 0.5 - 1 * 0.5
    assert utility(transport=np.array([True]), bypasses_russia=np.array([True])) == pytest.approx(
        0.7
    )


def test_acceptance_utility_signs() -> None:
    base = utility()
    assert utility(need=0.9) > base
    assert utility(transport=np.array([True])) > base
    assert utility(debt_to_gdp=0.4) < base
    assert utility(sinophobia=0.9) < base
    assert utility(visibility=np.array([0.9])) < base
    assert utility(bypasses_russia=np.array([True])) < base
    assert utility(bypasses_russia=np.array([True]), irritation=0.0) == pytest.approx(base)
    assert utility(content=np.array([0.8])) < base
    assert utility(content_tolerance=0.7) > base


def test_acceptance_probability_is_a_logit() -> None:
    assert acceptance_probability(np.array([0.0]), 1.0)[0] == pytest.approx(0.5)
    assert acceptance_probability(np.array([np.log(3.0)]), 1.0)[0] == pytest.approx(0.75)
    p = acceptance_probability(np.array([-2.0, 0.0, 2.0]), 1.0)
    assert (np.diff(p) > 0).all()
    # more noise flattens the response
    assert acceptance_probability(np.array([2.0]), 4.0)[0] < p[2]


def test_offer_visibility_adds_presence_and_land_salience_for_agriculture() -> None:
    v = offer_visibility(0.3, np.array([0.2, 0.2, 0.9]), 0.4, np.array([False, True, True]))
    np.testing.assert_allclose(v, [0.5, 0.9, 1.0])


def test_failure_hazard_rises_steeply_in_leakage_and_is_bounded() -> None:
    leakage = np.linspace(0.0, 1.0, 101)
    hazard = failure_hazard(leakage, 0.05, 0.3, 4.0)
    assert hazard[0] == 0.0
    assert (np.diff(hazard) > 0).all()
    assert hazard.max() < 0.05
    assert failure_hazard(np.array([0.3]), 0.05, 0.3, 4.0)[0] == pytest.approx(0.025)
    # steep: doubling leakage from 0.1 to 0.2 raises the hazard more than tenfold
    low, high = failure_hazard(np.array([0.1, 0.2]), 0.05, 0.3, 4.0)
    assert high / low > 10


def test_lender_choice_probabilities() -> None:
    propensities = np.array([0.6, 0.25, 0.15])
    np.testing.assert_allclose(lender_choice_probabilities(propensities, False, 0.9), propensities)
    np.testing.assert_allclose(
        lender_choice_probabilities(np.array([2.0, 1.0, 1.0]), False, 0.9), [0.5, 0.25, 0.25]
    )
    trap = lender_choice_probabilities(propensities, True, 0.9)
    assert trap.sum() == pytest.approx(1.0)
    assert trap[EQUITY_SWAP] == pytest.approx(0.9)
    np.testing.assert_allclose(trap[[0, 2]], 0.1 * np.array([0.6, 0.15]) / 0.75)


def shifted(russia: float, china: float, west: float, delta: float) -> tuple[float, ...]:
    state = mv.State(alignment_russia=russia, alignment_china=china, alignment_west=west)
    mv.shift_toward_china(state, delta)
    return state.alignment_russia, state.alignment_china, state.alignment_west


def test_debt_trap_shift_toward_china_keeps_the_simplex() -> None:
    ru, cn, west = shifted(0.5, 0.2, 0.3, 0.1)
    assert cn == pytest.approx(0.28)
    assert ru + cn + west == pytest.approx(1.0)
    assert ru / west == pytest.approx(0.5 / 0.3)
    assert shifted(0.5, 0.2, 0.3, 0.0) == pytest.approx((0.5, 0.2, 0.3))


def test_presence_and_local_jobs() -> None:
    presence = presence_from_stock(np.array([0.0, 1000.0, 5000.0]), 1000.0)
    np.testing.assert_allclose(presence, [0.0, 1 - np.exp(-1), 1 - np.exp(-5)])
    assert local_job_share(np.array([0.5]), 0.3)[0] == pytest.approx(0.65)
    assert local_job_share(np.array([0.5]), 0.6)[0] > local_job_share(np.array([0.5]), 0.3)[0]
    assert local_job_share(np.array([0.8]), 0.3)[0] < local_job_share(np.array([0.5]), 0.3)[0]


def test_protest_pressure_and_hostility_factor() -> None:
    assert protest_pressure(0.02, 0.03, 0.1) == 0.0
    assert protest_pressure(0.065, 0.03, 0.1) == pytest.approx(0.5)
    assert protest_pressure(0.5, 0.03, 0.1) == 1.0
    assert hostility_factor(0.5, 0.2, 0.0, 0.1) == pytest.approx(0.9)
    assert hostility_factor(0.0, 0.2, 0.5, 0.1) == pytest.approx(0.95)
    assert hostility_factor(1.0, 0.9, 1.0, 0.5) == 0.0


def test_config_rejects_inverted_ranges() -> None:
    with pytest.raises(ValueError, match="rate_low"):
        Config(rate_low=0.05, rate_high=0.03)
    with pytest.raises(ValueError, match="grace_years_high"):
        Config(grace_years_high=16)


@given(
    leakage=st.floats(0.02, 0.9),
    rate=st.floats(0.0, 0.1),
    threshold=st.floats(0.0, 0.05),
    debt_trap=st.booleans(),
    offers=st.floats(6.0, 60.0),
    seed=st.integers(0, 1000),
)
@settings(max_examples=12, deadline=None)
def test_ledger_balances_in_model_runs(
    leakage: float, rate: float, threshold: float, debt_trap: bool, offers: float, seed: int
) -> None:
    model = run(
        loan_model(
            seed,
            leakage_mean=leakage,
            rate_low=rate,
            rate_high=rate,
            distress_threshold=threshold,
            distress_cooldown_months=3,
            debt_trap=debt_trap,
            offers_per_year=offers,
        )
    )
    ledger = the_rule(model).ledger
    assert np.abs(ledger.balance_error()).max() <= 1e-9
    assert loans(model).debt_to_china_usd_bn == pytest.approx(ledger.total_outstanding)
    a = alignment(model)
    assert a.alignment_russia + a.alignment_china + a.alignment_west == pytest.approx(1.0)


# --- behaviour -----------------------------------------------------------------------------------


def test_more_appetite_gives_more_loans() -> None:
    keen = [run(loan_model(seed)) for seed in (1, 2, 3)]
    shy = [
        run(
            loan_model(
                seed, initial={"china": {"strategic_interest": 0.1, "lending_appetite": 0.1}}
            )
        )
        for seed in (1, 2, 3)
    ]
    assert sum(count(m, "loan_accepted") for m in keen) > 3 * sum(
        count(m, "loan_accepted") for m in shy
    )
    assert sum(loans(m).china_disbursed_usd_bn for m in keen) > sum(
        loans(m).china_disbursed_usd_bn for m in shy
    )


def test_accepted_loans_are_in_the_ledger_and_the_debt() -> None:
    model = run(loan_model(4))
    rule = the_rule(model)
    accepted = count(model, "loan_accepted")
    assert accepted > 0
    assert rule.ledger.size == accepted + 1  # plus the legacy stock
    state = loans(model)
    assert state.debt_to_china_usd_bn == pytest.approx(rule.ledger.total_outstanding)
    assert state.china_disbursed_usd_bn == pytest.approx(float(rule.ledger.disbursed[1:].sum()))
    # project spending grows with the loans, scaled by each project's value (T L888-894)
    ledger = rule.ledger
    spent = ledger.disbursed[1 : ledger.size] * (
        ledger.project_value[1 : ledger.size] / ledger.principal[1 : ledger.size]
    )
    assert state.china_investment_usd_bn == pytest.approx(float(spent.sum()))
    assert state.china_investment_usd_bn > state.china_disbursed_usd_bn


def oil_model(price: float, seed: int) -> KazakhstanModel:
    """A keen-China model with a flat oil price and many offers."""
    return small_model(
        seed,
        initial=KEEN_CHINA,
        drivers={"brent_usd_per_bbl": {"2010-01": price}},
        rules=deep_merge(OTHER_RULES_OFF, {"bri_loans": {"offers_per_year": 60.0}}),
    )


def acceptance_share(models: list[KazakhstanModel]) -> float:
    accepted = sum(count(m, "loan_accepted") for m in models)
    return accepted / (accepted + sum(count(m, "loan_refused") for m in models))


def test_capital_need_follows_oil_and_raises_acceptance() -> None:
    cheap = [run(oil_model(40.0, seed)) for seed in (1, 2)]
    dear = [run(oil_model(120.0, seed)) for seed in (1, 2)]
    stress = cheap[0].kazakhstan.budget_stress
    assert stress > 0.2
    assert loans(cheap[0]).capital_need == pytest.approx(min(1.0, 0.3 + stress))
    assert loans(dear[0]).capital_need == pytest.approx(0.3)
    assert acceptance_share(cheap) > acceptance_share(dear) + 0.1


def test_high_leakage_brings_failures_and_lowers_appetite() -> None:
    clean = [run(loan_model(seed, leakage_mean=0.02, offers_per_year=24.0)) for seed in (1, 2)]
    corrupt = [run(loan_model(seed, leakage_mean=0.6, offers_per_year=24.0)) for seed in (1, 2)]
    assert sum(loans(m).failed_projects for m in corrupt) >= 4
    assert sum(loans(m).failed_projects for m in clean) == 0
    assert sum(count(m, "project_failed") for m in corrupt) == sum(
        loans(m).failed_projects for m in corrupt
    )
    mean_appetite = np.mean([loans(m).china_lending_appetite for m in corrupt])
    assert mean_appetite < np.mean([loans(m).china_lending_appetite for m in clean])
    # the written-off part of failed loans is in the ledger
    ledger = the_rule(corrupt[0]).ledger
    failed = ledger.status[: ledger.size] == FAILED
    assert (ledger.cancelled[: ledger.size][failed] > 0).all()
    assert (ledger.cancelled[: ledger.size][~failed] == 0).all()


def test_effects_on_what_others_own_are_posted_to_their_channels() -> None:
    model = loan_model(
        3, leakage_mean=0.7, offers_per_year=24.0, debt_trap=True, distress_threshold=0.0
    )
    channels = model.channels
    failure_months = trap_months = 0
    for _ in range(model.scenario.months):
        model.step()
        this_month = [e.kind for e in model.log if e.date == model.date]
        if "project_failed" in this_month:
            failure_months += 1
            assert "bri_loans.project_failure" in channels["citizens.legitimacy"].totals
        if "debt_equity_swap" in this_month:
            trap_months += 1
            assert "bri_loans.debt_trap" in channels["multi_vector.alignment"].totals
    assert failure_months > 0 and trap_months > 0


def test_failures_hit_legitimacy_only_in_their_region() -> None:
    model = loan_model(3, leakage_mean=0.7, offers_per_year=24.0, failure_legitimacy_hit=0.05)
    before = model.population.legitimacy.copy()
    run(model)
    ledger = the_rule(model).ledger
    failed_regions = set(ledger.region[: ledger.size][ledger.status[: ledger.size] == FAILED])
    assert failed_regions
    for public in model.publics:
        now = model.population.legitimacy[public.citizens]
        if public.index in failed_regions:
            assert now.mean() < before[public.citizens].mean() - 0.04
        else:
            np.testing.assert_array_equal(now, before[public.citizens])


def test_jobs_presence_and_contact_go_to_project_regions() -> None:
    model = loan_model(5, offers_per_year=24.0)
    contact_before = model.population.china_contact.copy()
    ever_jobs = np.zeros(len(model.publics))
    ever_presence = np.zeros(len(model.publics))
    for _ in range(model.scenario.months):
        model.step()
        ever_jobs += loans(model).project_jobs
        ever_presence += loans(model).chinese_presence
    ledger = the_rule(model).ledger
    project_regions = set(ledger.region[1 : ledger.size])
    assert ever_jobs.sum() > 0
    for public in model.publics:
        contact = model.population.china_contact[public.citizens]
        if public.index not in project_regions:
            assert ever_jobs[public.index] == 0.0 and ever_presence[public.index] == 0.0
            np.testing.assert_array_equal(contact, contact_before[public.citizens])
    raised = [
        p.index
        for p in model.publics
        if (model.population.china_contact[p.citizens] > contact_before[p.citizens]).any()
    ]
    assert raised and set(raised) <= project_regions
    assert (model.population.china_contact <= 1.0).all()


def agriculture_loans(model: KazakhstanModel) -> int:
    return sum(e.kind == "loan_accepted" and e.detail.startswith("agriculture") for e in model.log)


def test_protests_lower_appetite_and_agricultural_lending() -> None:
    def protest_run(seed: int, share: float) -> KazakhstanModel:
        # No project failures: they too lower the appetite (BR4), by chance in either arm.
        model = loan_model(
            seed, offers_per_year=60.0, weight_agriculture=1.0, failure_hazard_max=0.0
        )
        active = model.population.active
        active[: int(share * active.size)] = True  # land_protests is off: the share stays put
        return run(model)

    calm = [protest_run(seed, 0.0) for seed in (1, 2)]
    unrest = [protest_run(seed, 0.12) for seed in (1, 2)]
    assert max(loans(m).china_agriculture_appetite for m in unrest) < 0.05
    assert min(loans(m).china_agriculture_appetite for m in calm) == 1.0
    assert max(loans(m).china_lending_appetite for m in unrest) < min(
        loans(m).china_lending_appetite for m in calm
    )
    assert sum(loans(m).china_agriculture_signed_usd_bn for m in unrest) < 0.5 * sum(
        loans(m).china_agriculture_signed_usd_bn for m in calm
    )
    assert sum(agriculture_loans(m) for m in unrest) < 0.3 * sum(agriculture_loans(m) for m in calm)


def test_agriculture_appetite_recovers_slowly_after_protests() -> None:
    model = loan_model(1, offers_per_year=0.0)
    active = model.population.active
    active[: active.size // 5] = True
    for _ in range(6):
        model.step()
    low = loans(model).china_agriculture_appetite
    active[:] = False
    for _ in range(12):
        model.step()
    recovered = loans(model).china_agriculture_appetite
    assert low < recovered < 0.5


def test_debt_trap_switch_turns_distress_into_equity_and_alignment() -> None:
    distress: dict[str, Any] = {"distress_threshold": 0.0, "distress_cooldown_months": 1}
    plain = run(loan_model(1, **distress))
    trap = run(loan_model(1, debt_trap=True, **distress))
    kinds = ("debt_reschedule", "debt_equity_swap", "debt_write_off")
    assert sum(count(plain, k) for k in kinds) == 24
    assert count(trap, "debt_equity_swap") > count(plain, "debt_equity_swap")
    assert loans(trap).china_equity_usd_bn > loans(plain).china_equity_usd_bn
    assert alignment(trap).alignment_china > 0.25
    assert alignment(plain).alignment_china == pytest.approx(0.2)
    a = alignment(trap)
    assert a.alignment_russia + a.alignment_china + a.alignment_west == pytest.approx(1.0)


def test_no_distress_below_threshold_by_default() -> None:
    model = run(loan_model(1))
    assert loans(model).debt_service_ratio < Config().distress_threshold
    assert not any(e.kind.startswith("debt_") for e in model.log)
    assert loans(model).china_equity_usd_bn == 0.0


def test_legacy_debt_amortises_without_new_loans() -> None:
    model = run(loan_model(1, offers_per_year=0.0))
    debt = loans(model).debt_to_china_usd_bn
    assert 0.0 < debt < Config().legacy_debt_usd_bn
    assert loans(model).debt_service_ratio > 0.0


def test_disabled_rule_leaves_debt_at_zero() -> None:
    model = run(small_model(1, initial=KEEN_CHINA, rules={"bri_loans": {"enabled": False}}))
    state = loans(model)
    assert state.debt_to_china_usd_bn == 0.0
    assert state.debt_service_ratio == 0.0
    assert state.china_disbursed_usd_bn == 0.0
    assert state.failed_projects == 0
    assert not any(e.kind.startswith(("loan_", "project_", "debt_")) for e in model.log)


def test_a_disabled_rule_leaves_chinas_lending_appetite_at_its_initial_value() -> None:
    shy_but_interested = {"china": {"strategic_interest": 1.0, "lending_appetite": 0.2}}
    rules = deep_merge(OTHER_RULES_OFF, {"bri_loans": {"enabled": False}})
    model = run(small_model(1, initial=shy_but_interested, rules=rules))
    assert loans(model).china_lending_appetite == 0.2


def test_appetite_falls_with_hostility_then_relaxes_toward_strategic_interest() -> None:
    half_life = 6.0
    model = loan_model(
        1,
        initial={"china": {"strategic_interest": 0.9, "lending_appetite": 0.1}},
        offers_per_year=0.0,
        salience_appetite_drop=0.0,
        appetite_recovery_half_life_months=half_life,
    )
    model.population.active[:] = True  # full protest pressure: the factor is 1 - 0.05
    model.step()
    scaled = 0.1 * (1.0 - Config().protest_appetite_drop)
    rate = rate_from_half_life(half_life)
    assert loans(model).china_lending_appetite == pytest.approx(scaled + rate * (0.9 - scaled))
    model.population.active[:] = False
    start = loans(model).china_lending_appetite
    for _ in range(6):
        model.step()
    assert 0.9 - loans(model).china_lending_appetite == pytest.approx((0.9 - start) / 2)


def test_an_event_on_chinas_lending_appetite_moves_this_rules_state() -> None:
    event = {"date": "2010-03", "kind": "shock", "detail": "x"}
    effects = [{"target": "china.lending_appetite", "set": 0.7}]
    rules = deep_merge(OTHER_RULES_OFF, {"bri_loans": {"enabled": False}})
    model = small_model(1, rules=rules, events=[{**event, "effects": effects}])
    for _ in range(3):
        model.step()
    assert loans(model).china_lending_appetite == 0.7


def test_rule_runs_with_the_other_rules() -> None:
    model = run(small_model(2, initial=KEEN_CHINA))
    ledger = the_rule(model).ledger
    assert np.abs(ledger.balance_error()).max() <= 1e-9
    assert 0.0 <= loans(model).china_agriculture_appetite <= 1.0
    assert any(isinstance(r, LandProtestsRule) for r in model.rules)
