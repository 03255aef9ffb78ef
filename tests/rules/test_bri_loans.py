"""Tests of Chinese lending (BR1-BR10): equations and the rule; the ledger: test_loan_ledger.py."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzsim.contracts import multi_vector as mv
from kzsim.contracts.bri_loans import (
    AGRICULTURE,
    DERIVED,
    EQUITY_SWAP,
    TRANSPORT,
    Config,
    State,
)
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
    growth_increment,
    hostility_factor,
    lender_choice_probabilities,
    local_job_share,
    monthly_offer_rate,
    offer_visibility,
    other_creditors_borrowing,
    other_creditors_step,
    presence_from_stock,
    protest_pressure,
    sector_region_weights,
    transit_revenue,
)
from kzsim.rules.land_protests import Rule as LandProtestsRule
from kzsim.rules.loan_ledger import FAILED, LEGACY
from kzsim.scenario.load import load_scenario
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
    # The size of the shift is multi_vector's (its engagement form; test_multi_vector.py);
    # here: it moves toward China, keeps the simplex and Russia's and the West's proportion.
    ru, cn, west = shifted(0.5, 0.2, 0.3, 0.1)
    assert cn > 0.2
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


def oil_model(price: float, seed: int, **rule: Any) -> KazakhstanModel:
    """A keen-China model with a flat oil price and many offers (``rule``: other settings)."""
    return small_model(
        seed,
        initial=KEEN_CHINA,
        drivers={"brent_usd_per_bbl": {"2010-01": price}},
        rules=deep_merge(OTHER_RULES_OFF, {"bri_loans": {"offers_per_year": 60.0, **rule}}),
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
    state, config = loans(model), Config()
    assert 0.0 < state.debt_service_to_exports < config.distress_threshold
    assert not any(e.kind.startswith("debt_") for e in model.log)
    # No swaps: the equity is the opening stock plus the stakes taken with the spending.
    assert state.china_investment_usd_bn > 0.0
    assert state.china_equity_usd_bn == pytest.approx(
        config.china_equity_initial_usd_bn
        + config.equity_share_of_spending * state.china_investment_usd_bn
    )


def test_legacy_debt_amortises_without_new_loans() -> None:
    model = run(loan_model(1, offers_per_year=0.0))
    debt = loans(model).debt_to_china_usd_bn
    assert 0.0 < debt < Config().legacy_debt_usd_bn
    assert loans(model).debt_service_to_exports > 0.0


def test_disabled_rule_leaves_debt_at_zero() -> None:
    model = run(small_model(1, initial=KEEN_CHINA, rules={"bri_loans": {"enabled": False}}))
    state = loans(model)
    assert state.debt_to_china_usd_bn == 0.0
    assert state.debt_service_to_exports == 0.0
    assert state.public_external_debt_usd_bn == 0.0
    assert state.transit_revenue_usd_bn == 0.0
    assert state.bri_growth_pct == 0.0
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


# --- other creditors, public external debt, benefits ------------------------------------------


def test_other_creditors_borrowing_by_hand() -> None:
    # g B + o max(0, Pe / P* - 1): budget stress 0.3 at g = 0.075 is 2.25% of GDP a year; an
    # expected US$ 108 against a threshold of 90 at o = 0.13 adds 0.13 x 0.2 = 2.6%.
    assert other_creditors_borrowing(0.3, 60.0, 0.075, 0.13, 90.0) == pytest.approx(0.0225)
    assert other_creditors_borrowing(0.0, 108.0, 0.075, 0.13, 90.0) == pytest.approx(0.026)
    assert other_creditors_borrowing(0.1, 108.0, 0.075, 0.13, 90.0) == pytest.approx(0.0335)
    # Between the two channels (no budget stress, oil below the threshold) nobody borrows.
    assert other_creditors_borrowing(0.0, 89.0, 0.075, 0.13, 90.0) == 0.0


def test_other_creditors_month_by_hand() -> None:
    # 10 bn owed, borrowing 2% of a GDP of 240 bn a year, 20 years, 5%: repaid 10 / 240,
    # interest 10 x 0.05 / 12, borrowed 0.02 x 240 / 12 = 0.4.
    debt, service = other_creditors_step(10.0, 0.02, 240.0, 20.0, 0.05)
    assert service == pytest.approx(10.0 / 240.0 + 10.0 * 0.05 / 12.0)
    assert debt == pytest.approx(10.0 + 0.4 - 10.0 / 240.0)
    # Without borrowing the stock only runs down, by 1 / (12 m) a month.
    assert other_creditors_step(10.0, 0.0, 240.0, 20.0, 0.05)[0] == pytest.approx(
        10.0 * (1.0 - 1.0 / 240.0)
    )
    # Constant borrowing drives it toward its steady state b Y m = 96 bn.
    debt = 0.0
    for _ in range(12 * 200):
        debt, _service = other_creditors_step(debt, 0.02, 240.0, 20.0, 0.05)
    assert debt == pytest.approx(96.0, rel=1e-3)


def test_transit_fees_and_growth_increment_by_hand() -> None:
    # 8 bn of completed transport projects at 0.1 a year: trains back half empty give 3/4.
    assert transit_revenue(8.0, 0.1, 0.5) == pytest.approx(0.6)
    assert transit_revenue(8.0, 0.1, 1.0) == pytest.approx(0.8)
    assert transit_revenue(0.0, 0.1, 0.5) == 0.0
    # 3 bn a year of spending in a 200 bn economy, 0.2 pp per pp of GDP: 0.3 pp a year.
    assert growth_increment(3.0, 200.0, 0.2) == pytest.approx(0.3)
    assert growth_increment(0.0, 200.0, 0.2) == 0.0


def test_public_external_debt_is_the_public_part_of_every_creditor() -> None:
    model = run(loan_model(4))
    state, config, ledger = loans(model), Config(), the_rule(model).ledger
    n = ledger.size
    legacy = ledger.status[:n] == LEGACY
    china_public = config.legacy_public_share * float(ledger.outstanding[:n][legacy].sum()) + float(
        ledger.outstanding[:n][~legacy].sum()
    )
    assert (~legacy).sum() > 0  # some BRI loans were signed
    assert state.public_external_debt_usd_bn == pytest.approx(
        china_public + state.other_creditors_debt_usd_bn
    )
    # The other creditors lent while Kazakhstan needed capital.
    assert state.other_creditors_debt_usd_bn > config.other_debt_initial_usd_bn
    assert state.public_external_debt_usd_bn < state.debt_to_china_usd_bn + (
        state.other_creditors_debt_usd_bn
    )


def test_other_creditors_lend_in_a_bust_and_in_a_boom_of_oil() -> None:
    # Flat Brent: at US$ 40 the government borrows with budget stress; at US$ 120 (above the
    # state companies' threshold of 90) the companies borrow to invest; at US$ 95 both little.
    cheap, middle, dear = (run(oil_model(price, 1)) for price in (40.0, 95.0, 120.0))
    initial = Config().other_debt_initial_usd_bn
    assert loans(cheap).capital_need > loans(dear).capital_need
    assert loans(dear).expected_brent_usd_per_bbl == pytest.approx(120.0)
    for model in (cheap, dear):
        assert loans(model).other_creditors_debt_usd_bn > loans(middle).other_creditors_debt_usd_bn
    # Each channel is its parameter's: without the company channel a boom borrows nothing.
    no_companies = oil_model(120.0, 1, company_borrowing_per_oil=0.0)
    assert loans(run(no_companies)).other_creditors_debt_usd_bn < initial


def test_the_expected_oil_price_adapts_with_its_half_life() -> None:
    # Brent 60 in 2010-01 rising to 120 by 2010-07 and held: the expectation starts at 60 and
    # closes half the remaining gap every half-life once the price is flat.
    model = small_model(
        1,
        initial=KEEN_CHINA,
        drivers={"brent_usd_per_bbl": {"2010-01": 60.0, "2010-07": 120.0}},
        rules=deep_merge(OTHER_RULES_OFF, {"bri_loans": {"oil_expectation_half_life_months": 6}}),
    )
    assert loans(model).expected_brent_usd_per_bbl == pytest.approx(60.0)
    gaps = []
    for _ in range(model.scenario.months):
        model.step()
        gaps.append(120.0 - loans(model).expected_brent_usd_per_bbl)
    assert all(later < earlier for earlier, later in zip(gaps, gaps[1:], strict=False))
    assert gaps[18] == pytest.approx(gaps[12] / 2.0, rel=1e-9)


def exports_model(exports: float) -> KazakhstanModel:
    return small_model(
        1,
        initial=KEEN_CHINA,
        drivers={"exports_usd_bn": {"2010-01": exports}},
        rules=deep_merge(OTHER_RULES_OFF, {"bri_loans": {"offers_per_year": 0.0}}),
    )


def test_debt_service_is_measured_against_exports() -> None:
    rich, poor = run(exports_model(60.0)), run(exports_model(30.0))
    assert loans(rich).public_external_debt_usd_bn == loans(poor).public_external_debt_usd_bn
    assert loans(poor).debt_service_to_exports == pytest.approx(
        2.0 * loans(rich).debt_service_to_exports
    )
    # A year of service at the end: the public part of the legacy annuity and the other
    # creditors' repayment and interest, a small share of 60 bn of exports.
    assert 0.005 < loans(rich).debt_service_to_exports < 0.05


def replay(collapse: bool) -> KazakhstanModel:
    """The historical replay with only this rule; optionally oil at US$ 25 and exports at 25 bn
    a year from mid-2015 on (a collapse deeper and longer than 2015-2016)."""
    scenario = load_scenario(
        Path(__file__).parents[2] / "scenarios" / "historical_2010_2023.yaml",
        ["population.citizens=300"],
    )
    data = scenario.model_dump(mode="json")
    data["rules"] = deep_merge(data["rules"], OTHER_RULES_OFF)
    if collapse:
        for name in ("brent_usd_per_bbl", "exports_usd_bn"):
            points = {k: v for k, v in data["drivers"][name].items() if k < "2015-06"}
            data["drivers"][name] = {**points, "2015-06": 25.0, "2023-06": 25.0}
    return run(KazakhstanModel(load_scenario(data), seed=1))


def test_distress_is_reachable_in_an_oil_collapse_but_not_in_the_replay() -> None:
    observed, collapse = replay(False), replay(True)
    assert not any(e.kind.startswith("debt_") for e in observed.log)
    decisions = [e for e in collapse.log if e.kind.startswith("debt_")]
    assert decisions
    assert min(e.date for e in decisions) > "2016-12"  # the stock must build up first
    assert loans(collapse).public_external_debt_usd_bn > loans(observed).public_external_debt_usd_bn


def test_transit_fees_come_from_completed_transport_projects() -> None:
    quick = {"offers_per_year": 24.0, "disbursement_months_low": 3, "disbursement_months_high": 6}
    transport = run(
        loan_model(2, weight_energy=0.0, weight_industry=0.0, weight_agriculture=0.0, **quick)
    )
    none = run(loan_model(2, weight_transport=0.0, **quick))
    config, ledger = Config(), the_rule(transport).ledger
    capital = ledger.completed_value(TRANSPORT)
    assert capital > 0.0
    assert loans(transport).transit_revenue_usd_bn == pytest.approx(
        config.transit_fee_yield * (1.0 + config.return_load_share) / 2.0 * capital
    )
    assert count(none, "project_completed") > 0
    assert loans(none).transit_revenue_usd_bn == 0.0


def test_jobs_are_reported_in_persons() -> None:
    model = loan_model(5, offers_per_year=24.0)
    (series,) = [s for s in DERIVED if s.name == "bri_jobs_persons"]
    assert series.unit == "persons"
    seen = 0.0
    for _ in range(model.scenario.months):
        model.step()
        thousands = float(loans(model).project_jobs.sum())
        assert series.read(model) == pytest.approx(1000.0 * thousands)
        seen = max(seen, series.read(model))
    # jobs_per_usd_bn thousand jobs per US$ bn a year of local spending: thousands of persons.
    assert 100.0 < seen < 1e6


def test_growth_increment_follows_this_months_spending() -> None:
    model = loan_model(5, offers_per_year=24.0)
    config, grew = Config(), False
    spent = 0.0
    for _ in range(model.scenario.months):
        model.step()
        state = loans(model)
        month = state.china_investment_usd_bn - spent
        spent = state.china_investment_usd_bn
        expected = growth_increment(
            12.0 * month, model.kazakhstan.gdp_usd_bn, config.growth_per_investment
        )
        assert state.bri_growth_pct == pytest.approx(expected)
        grew = grew or state.bri_growth_pct > 0.0
    assert grew


def test_the_opening_public_debt_is_the_observed_2009_stock() -> None:
    # World Bank PPG long-term external debt at the end of 2009, the month before the replay.
    path = Path(__file__).parents[2] / "kzsim" / "data" / "targets" / "external_debt_2009_2017.csv"
    with path.open(encoding="utf-8") as file:
        (row,) = [
            r
            for r in csv.DictReader(file)
            if r["year"] == "2009" and r["measure"] == "ppg_long_term_external_debt"
        ]
    state = loans(loan_model(1))
    assert state.public_external_debt_usd_bn == pytest.approx(float(row["value"]), rel=0.02)
    # Most of the debt to China is not public (oil joint ventures): the stock is far smaller.
    assert state.public_external_debt_usd_bn < 0.2 * state.debt_to_china_usd_bn
