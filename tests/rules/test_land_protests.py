"""Tests of the land-policy state machine, the protest engines and the government's response."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import numpy as np
import pytest
import scipy.sparse as sp

from kzsim import kernels
from kzsim.catalog import series_named
from kzsim.contracts import multi_vector, russian_reactions
from kzsim.contracts.land_protests import MEASURES, Config, Response, State
from kzsim.dynamics import retention_from_half_life
from kzsim.model import KazakhstanModel
from kzsim.months import parse_month
from kzsim.rules.land_protests import (
    LandPolicy,
    Rule,
    advance_land_policy,
    arrest_probability,
    decide_land_question,
    epstein_active,
    grievance,
    soft_step,
    threshold_cascade,
)
from kzsim.scenario.load import load_scenario
from kzsim.scenario.schema import GovernmentDecision
from kzsim.series import RegionalSeries
from kzsim.simulation import run as simulate
from tests.conftest import deep_merge, others_off, small_model

REFORM = {"date": "2010-03", "kind": "land_reform", "effective": "2010-09", "detail": "Land Code"}
OTHER_RULES_OFF = others_off("land_protests")
#: The papers' setting: all-or-nothing activation (tau 0), shares of everyone as the crowd unit,
#: a wave at 10% of a region's persons, the 2016 answer (moratorium and crackdown). The tests of
#: the state machine and the response use it so that a few citizens make a clear wave.
PAPERS = {
    "activation_threshold": 0.1,
    "activation_spread": 0.0,
    "crowd_per_100k": 100_000.0,
    "wave_per_100k": 10_000.0,
    "arrest_rate_per_repression": 1.0,
    "response": "both",
}


def land_model(
    sinophobia: float = 0.8,
    seed: int = 1,
    reform: bool = True,
    extra: dict[str, Any] | None = None,
    **land: Any,
) -> KazakhstanModel:
    """A small model with only this rule enabled and, by default, the land reform event.

    Legitimacy 0.6, a salience jump of 0.5 and the papers' setting (:data:`PAPERS`) are pinned
    here so that the tests do not depend on the calibrated defaults.
    """
    pinned = deep_merge({"salience_jump": 0.5, **PAPERS}, land)
    sections: dict[str, Any] = {
        "population": {"sinophobia_mean": sinophobia, "legitimacy_mean": 0.6},
        "rules": deep_merge(OTHER_RULES_OFF, {"land_protests": pinned}),
        "events": [REFORM] if reform else [],
    }
    return small_model(seed, **deep_merge(sections, extra or {}))


def land(model: KazakhstanModel) -> State:
    """The rule's own state."""
    return model.state(State)


def gratitude(model: KazakhstanModel) -> float:
    """Russia's CSTO gratitude, owned by russian_reactions."""
    return model.state(russian_reactions.State).csto_gratitude


def run(model: KazakhstanModel, months: int | None = None) -> list[dict[str, float]]:
    """Step the model and record the rule's state each month."""
    rows = []
    state = land(model)
    for _ in range(model.scenario.months if months is None else months):
        model.step()
        rows.append(
            {
                "month": model.month,
                "state": state.land_policy_state,
                "salience": state.land_salience,
                "repression": state.repression,
                "active": float(state.participants.sum()) / model.population.size,
                "regions": state.regions_in_wave,
            }
        )
    return rows


def at(rows: list[dict[str, float]], date: str) -> dict[str, float]:
    return next(r for r in rows if r["month"] == parse_month(date))


# --- pure functions ---------------------------------------------------------------------------


def test_grievance_adds_the_xinjiang_term_weighted_by_sinophobia() -> None:
    hardship, legitimacy, sinophobia = np.array([0.5]), np.array([0.6]), np.array([0.8])
    without = grievance(hardship, legitimacy, sinophobia, 0.2, 0.4)
    with_xinjiang = grievance(hardship, legitimacy, sinophobia, 0.2, 0.4, 0.5, 0.2)
    np.testing.assert_allclose(with_xinjiang - without, 0.2 * 0.5 * 0.8)


def test_grievance_is_epstein_plus_land_term() -> None:
    h, legit, s = np.array([0.5, 0.5]), np.array([0.2, 0.2]), np.array([0.5, 1.0])
    np.testing.assert_allclose(grievance(h, legit, s, 0.4, 0.5), [0.5, 0.6])
    np.testing.assert_allclose(grievance(h, legit, s, 0.0, 0.5), [0.4, 0.4])
    np.testing.assert_allclose(grievance(h, np.ones(2), s, 0.0, 0.5), 0.0)


def test_arrest_probability_hand_values_and_monotonicity() -> None:
    a = np.array([0.0, 0.05, 0.6, 1.0])
    p = arrest_probability(0.3, a, 2.3, 0.1)
    expected = 1.0 - np.exp(-2.3 * 0.3 / np.array([0.1, 0.1, 0.6, 1.0]))
    np.testing.assert_allclose(p, expected)
    assert np.all(np.diff(p) <= 0.0)  # more actives around, lower estimated risk
    assert np.all(arrest_probability(0.6, a, 2.3, 0.1) > p)
    np.testing.assert_allclose(arrest_probability(0.0, a, 2.3, 0.1), 0.0)


def test_epstein_zero_grievance_means_nobody_protests() -> None:
    n = 50
    rng = np.random.default_rng(0)
    active = epstein_active(np.zeros(n), rng.random(n), rng.random(n), 0.1, np.zeros(n))
    assert not active.any()


def test_epstein_without_repression_reduces_to_grievance_above_threshold() -> None:
    rng = np.random.default_rng(1)
    g, r = rng.random(200) * 0.3, rng.random(200)
    p = arrest_probability(0.0, rng.random(200), 2.3, 0.1)
    active = epstein_active(g, r, p, 0.1, np.zeros(200))
    np.testing.assert_array_equal(active, g > 0.1)


def test_epstein_jailed_citizens_are_never_active() -> None:
    g = np.full(4, 0.9)
    free = np.array([True, False, True, False])
    active = epstein_active(g, np.zeros(4), np.zeros(4), 0.1, ~free)
    np.testing.assert_array_equal(active, free)


def test_epstein_risk_aversion_deters() -> None:
    g = np.full(2, 0.5)
    active = epstein_active(g, np.array([0.1, 0.9]), np.ones(2), 0.1, np.zeros(2))
    np.testing.assert_array_equal(active, [True, False])


def chain(n: int) -> sp.csr_matrix:
    """A row-normalised path graph 0 - 1 - ... - n-1."""
    i = np.arange(n - 1)
    adjacency = sp.coo_matrix((np.ones(2 * (n - 1)), (np.r_[i, i + 1], np.r_[i + 1, i])), (n, n))
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    return sp.csr_matrix(sp.diags(1.0 / degree) @ adjacency)


def test_threshold_zero_threshold_citizen_with_grievance_activates_alone() -> None:
    n = 5
    none = np.zeros(n, bool)
    followers = np.array([True, False, False, False, False])
    thresholds = np.array([0.0, 0.0, 0.5, 0.5, 0.5])
    active = threshold_cascade(chain(n), none, none, followers, thresholds, 1)
    np.testing.assert_array_equal(active, followers)  # citizen 1: threshold 0 but G <= g_min


@pytest.mark.parametrize("rounds", [1, 2, 4])
def test_threshold_cascade_spreads_along_a_chain_one_link_per_round(rounds: int) -> None:
    n = 6
    starters = np.zeros(n, bool)
    starters[0] = True
    followers = np.ones(n, bool)
    active = threshold_cascade(
        chain(n), np.zeros(n, bool), starters, followers, np.full(n, 0.5), rounds
    )
    np.testing.assert_array_equal(active, np.arange(n) <= rounds)


def test_threshold_cascade_stops_at_a_high_threshold_and_at_non_followers() -> None:
    n = 6
    starters = np.zeros(n, bool)
    starters[0] = True
    thresholds = np.full(n, 0.5)
    thresholds[3] = 0.6  # a chain node sees at most half its ties active
    active = threshold_cascade(
        chain(n), np.zeros(n, bool), starters, np.ones(n, bool), thresholds, 10
    )
    np.testing.assert_array_equal(active, [True, True, True, False, False, False])
    followers = np.ones(n, bool)
    followers[2] = False
    active = threshold_cascade(
        chain(n), np.zeros(n, bool), starters, followers, np.full(n, 0.5), 10
    )
    np.testing.assert_array_equal(active, [True, True, False, False, False, False])


def test_threshold_cascade_drops_last_months_actives_who_lost_their_grievance() -> None:
    n = 4
    previous = np.ones(n, bool)
    active = threshold_cascade(
        chain(n), previous, np.zeros(n, bool), np.zeros(n, bool), np.zeros(n), 2
    )
    assert not active.any()


# --- state machine ----------------------------------------------------------------------------

M = 1000


@pytest.mark.parametrize(
    ("state", "effective", "end", "sino", "expected"),
    [
        (LandPolicy.CLOSED, None, None, 0.9, LandPolicy.CLOSED),
        (LandPolicy.CLOSED, M + 6, None, 0.9, LandPolicy.REFORM_PENDING),
        (LandPolicy.CLOSED, M, None, 0.9, LandPolicy.IN_FORCE),
        (LandPolicy.REFORM_PENDING, M + 1, None, 0.9, LandPolicy.REFORM_PENDING),
        (LandPolicy.REFORM_PENDING, M, None, 0.9, LandPolicy.IN_FORCE),
        (LandPolicy.MORATORIUM, M - 3, M + 1, 0.9, LandPolicy.MORATORIUM),
        (LandPolicy.MORATORIUM, M - 3, M, 0.9, LandPolicy.BAN),
        (LandPolicy.MORATORIUM, M - 3, M, 0.3, LandPolicy.IN_FORCE),
        (LandPolicy.MORATORIUM, M + 5, M, 0.3, LandPolicy.REFORM_PENDING),
        (LandPolicy.IN_FORCE, M - 3, None, 0.9, LandPolicy.IN_FORCE),
        (LandPolicy.BAN, M - 3, None, 0.1, LandPolicy.BAN),
    ],
)
def test_advance_land_policy(
    state: LandPolicy, effective: int | None, end: int | None, sino: float, expected: LandPolicy
) -> None:
    assert advance_land_policy(state, M, effective, end, sino, 0.5) is expected


@pytest.mark.parametrize(
    ("state", "effective", "end", "sino", "expected"),
    [
        (LandPolicy.MORATORIUM, M - 3, M + 30, 0.9, LandPolicy.BAN),
        (LandPolicy.MORATORIUM, M - 3, M + 30, 0.3, LandPolicy.IN_FORCE),
        (LandPolicy.MORATORIUM, M + 5, M + 30, 0.3, LandPolicy.REFORM_PENDING),
        (LandPolicy.IN_FORCE, M - 3, None, 0.9, LandPolicy.BAN),
        (LandPolicy.IN_FORCE, M - 3, None, 0.3, LandPolicy.IN_FORCE),
        (LandPolicy.CLOSED, None, None, 0.9, LandPolicy.BAN),
        (LandPolicy.CLOSED, None, None, 0.3, LandPolicy.CLOSED),
    ],
)
def test_a_due_decision_bans_under_high_sinophobia_or_lifts_the_moratorium(
    state: LandPolicy, effective: int | None, end: int | None, sino: float, expected: LandPolicy
) -> None:
    assert advance_land_policy(state, M, effective, end, sino, 0.5, decision_due=True) is expected


def test_decide_land_question() -> None:
    assert decide_land_question(LandPolicy.REFORM_PENDING, 0.6, 0.5) is LandPolicy.BAN
    assert decide_land_question(LandPolicy.BAN, 0.1, 0.5) is LandPolicy.BAN
    assert decide_land_question(LandPolicy.MORATORIUM, 0.4, 0.5) is LandPolicy.REFORM_PENDING
    assert decide_land_question(LandPolicy.REFORM_PENDING, 0.4, 0.5) is LandPolicy.REFORM_PENDING


def test_approval_jumps_salience_and_reform_comes_into_force_on_time() -> None:
    model = land_model(sinophobia=0.2, wave_regions=100)  # no response possible
    rows = run(model, 12)
    assert at(rows, "2010-02")["state"] == LandPolicy.CLOSED
    assert at(rows, "2010-02")["salience"] == 0.0
    assert at(rows, "2010-03")["state"] == LandPolicy.REFORM_PENDING
    assert at(rows, "2010-03")["salience"] == pytest.approx(0.5)
    assert at(rows, "2010-04")["salience"] == pytest.approx(0.5 * retention_from_half_life(12.0))
    assert at(rows, "2010-08")["state"] == LandPolicy.REFORM_PENDING
    assert at(rows, "2010-09")["state"] == LandPolicy.IN_FORCE
    assert at(rows, "2010-12")["state"] == LandPolicy.IN_FORCE
    in_force = [e for e in model.log if e.kind == "land_policy"]
    assert [e.date for e in in_force] == ["2010-09"]


@pytest.mark.parametrize(
    ("threshold", "final"), [(0.5, LandPolicy.BAN), (0.95, LandPolicy.IN_FORCE)]
)
def test_moratorium_holds_then_ends_in_ban_or_reform(threshold: float, final: LandPolicy) -> None:
    model = land_model(sinophobia=0.8, moratorium_months=9, ban_sinophobia_threshold=threshold)
    rows = run(model, 14)
    granted = next(e for e in model.log if e.kind == "moratorium")
    start = parse_month(granted.date)
    assert start < parse_month("2010-09")  # before the law takes effect (SF6)
    during = [r for r in rows if start <= r["month"] < start + 9]
    assert all(r["state"] == LandPolicy.MORATORIUM for r in during)
    assert land(model).land_policy_state == final
    ended = next(r for r in rows if r["month"] == start + 9)
    assert ended["state"] == final
    mean = float(model.population.sinophobia.mean())
    assert (mean > threshold) == (final is LandPolicy.BAN)


# --- behaviour in the model -------------------------------------------------------------------


def test_wave_brings_moratorium_and_crackdown_logged() -> None:
    model = land_model(sinophobia=0.8, outside_help=False)
    rows = run(model, 12)
    kinds = [e.kind for e in model.log]
    assert "moratorium" in kinds and "crackdown" in kinds
    protests = [e for e in model.log if e.kind == "protest"]
    names = {region.name for region in model.scenario.population.regions}
    assert len(protests) >= 3
    assert all(e.detail.removeprefix("protests in ") in names for e in protests)
    moratorium = next(e for e in model.log if e.kind == "moratorium")
    assert "after protests in" in moratorium.detail
    response = parse_month(moratorium.date)
    peak = next(r for r in rows if r["month"] == response)
    assert peak["regions"] >= 3
    assert peak["repression"] == pytest.approx(0.3 + 0.2)
    assert at(rows, "2010-09")["state"] == LandPolicy.MORATORIUM  # the law never took effect
    # the crackdown's extra repression decays back toward the initial level
    later = next(r for r in rows if r["month"] == response + 6)
    assert later["repression"] == pytest.approx(0.3 + 0.2 * 0.5)
    # the moratorium cut salience, protests subside
    assert at(rows, "2010-12")["active"] < peak["active"] / 2


def test_only_one_response_within_the_cooldown() -> None:
    model = land_model(
        sinophobia=0.9, response_cooldown_months=24, concession_salience_cut=0.0, crackdown_step=0.0
    )
    run(model, 12)
    assert sum(e.kind == "crackdown" for e in model.log) == 1


@pytest.mark.parametrize("response", ["concede", "repress"])
def test_response_variants(response: str) -> None:
    model = land_model(sinophobia=0.8, response=response)
    before = float(model.population.legitimacy.mean())
    run(model, 4)
    kinds = {e.kind for e in model.log}
    after = float(model.population.legitimacy.mean())
    if response == "concede":
        assert "moratorium" in kinds and "crackdown" not in kinds
        assert land(model).land_policy_state == LandPolicy.MORATORIUM
        assert land(model).repression == pytest.approx(0.3)
        assert after > before
    else:
        assert "crackdown" in kinds and "moratorium" not in kinds
        assert land(model).land_policy_state == LandPolicy.REFORM_PENDING
        assert land(model).repression > 0.3
        assert after < before


def test_response_waits_for_the_lag() -> None:
    lagged = land_model(sinophobia=0.9, response_lag_months=1)
    rows = run(lagged, 8)
    first_wave = next(r["month"] for r in rows if r["regions"] >= 3)
    response = next(e for e in lagged.log if e.kind == "moratorium")
    assert parse_month(response.date) == first_wave + 1


@pytest.mark.parametrize("engine", ["epstein", "threshold"])
def test_higher_sinophobia_gives_a_bigger_wave(engine: str) -> None:
    peaks = {}
    for s in (0.2, 0.8):
        rows = run(land_model(sinophobia=s, engine=engine), 12)
        peaks[s] = (max(r["active"] for r in rows), max(r["regions"] for r in rows))
    assert peaks[0.8][0] > peaks[0.2][0] + 0.03
    assert peaks[0.8][1] > peaks[0.2][1]
    assert peaks[0.8][1] >= 3


def test_reform_under_low_sinophobia_brings_no_response() -> None:
    model = land_model(sinophobia=0.2)
    rows = run(model, 12)
    assert max(r["regions"] for r in rows) < 3
    assert not any(e.kind in {"moratorium", "crackdown"} for e in model.log)
    assert land(model).land_policy_state == LandPolicy.IN_FORCE


def test_no_reform_no_land_term() -> None:
    quiet = run(land_model(sinophobia=0.8, reform=False), 12)
    reform = run(land_model(sinophobia=0.8), 12)
    assert all(r["salience"] == 0.0 and r["state"] == LandPolicy.CLOSED for r in quiet)
    assert max(r["active"] for r in reform) > max(r["active"] for r in quiet) + 0.03


def test_waves_are_the_regions_above_the_wave_level_and_only_new_ones_are_logged() -> None:
    model = land_model(sinophobia=0.8, response_cooldown_months=24)
    state = land(model)
    population = model.population
    wave_per_100k = model.scenario.rules.land_protests.wave_per_100k
    before = np.zeros(len(model.scenario.population.regions), bool)
    for _ in range(12):
        model.step()
        per_100k = state.participants / population.counts * 100_000
        expected = per_100k > wave_per_100k
        np.testing.assert_array_equal(state.in_wave, expected.astype(float))
        assert state.regions_in_wave == expected.sum()
        logged = [e for e in model.log if e.kind == "protest" and e.date == model.date]
        assert len(logged) == (expected & ~before).sum()
        before = expected
    assert any(e.kind == "protest" for e in model.log)


def unrest_everywhere(repression: float, **land: Any) -> KazakhstanModel:
    """Hardship 1 and legitimacy 0 for all, no reform, no response: everyone free protests."""
    model = land_model(
        reform=False,
        wave_regions=100,
        extra={"initial": {"kazakhstan": {"repression": repression}}},
        **land,
    )
    model.population.hardship[:] = 1.0
    model.population.legitimacy[:] = 0.0
    return model


def test_the_jailed_cannot_protest_and_a_share_is_released_each_month() -> None:
    model = unrest_everywhere(0.0, mean_jail_months=4.0)  # no repression: nobody detained
    population = model.population
    population.jailed[:200] = 1.0
    model.step()
    np.testing.assert_allclose(population.jailed[:200], 0.75)
    np.testing.assert_allclose(population.active[:200], 0.25)  # only the released protest
    np.testing.assert_allclose(population.active[200:], 1.0)
    model.step()
    np.testing.assert_allclose(population.jailed[:200], 0.75**2)


def test_active_and_jailed_shares_stay_within_each_citizen_s_persons() -> None:
    model = unrest_everywhere(0.5)
    population = model.population
    for _ in range(12):
        model.step()
        assert np.all(population.active >= 0.0) and np.all(population.jailed >= 0.0)
        assert np.all(population.active + population.jailed <= 1.0 + 1e-12)
    assert population.jailed.mean() > 0.3


@pytest.mark.parametrize("repression", [0.1, 0.6])
def test_the_detained_share_of_protesters_is_rate_times_repression(repression: float) -> None:
    model = unrest_everywhere(repression, arrest_rate_per_repression=1.2)
    model.step()
    state = land(model)
    share = state.arrests.sum() / state.participants.sum()
    assert share == pytest.approx(min(1.0, 1.2 * repression))
    np.testing.assert_allclose(model.population.jailed.sum(), state.arrests.sum())


def test_land_decision_event_brings_the_ban_forward() -> None:
    decision = {"date": "2011-02", "kind": "land_decision", "detail": "ban ordered"}
    model = land_model(sinophobia=0.8, moratorium_months=60, extra={"events": [REFORM, decision]})
    rows = run(model, 24)
    assert at(rows, "2011-01")["state"] == LandPolicy.MORATORIUM
    assert at(rows, "2011-02")["state"] == LandPolicy.BAN
    bans = [e for e in model.log if e.kind == "land_policy" and "ban" in e.detail]
    assert [e.date for e in bans] == ["2011-02"]


def test_land_decision_under_low_sinophobia_lifts_the_moratorium() -> None:
    decision = {"date": "2011-02", "kind": "land_decision", "detail": "review"}
    model = land_model(
        sinophobia=0.8,
        moratorium_months=60,
        ban_sinophobia_threshold=0.99,
        extra={"events": [REFORM, decision]},
    )
    rows = run(model, 24)
    assert at(rows, "2011-02")["state"] == LandPolicy.IN_FORCE
    assert any(e.detail == "land moratorium ends" for e in model.log)


def test_the_rule_takes_the_reform_date_from_the_fired_land_reform_event() -> None:
    model = land_model(sinophobia=0.1)
    (rule,) = [r for r in model.rules if isinstance(r, Rule)]
    run(model, 2)
    assert rule.reform_effective_month is None
    run(model, 1)  # 2010-03: the land_reform event fires
    assert rule.reform_effective_month == parse_month("2010-09")
    assert land(model).land_policy_state == LandPolicy.REFORM_PENDING
    assert not hasattr(model.kazakhstan, "land_reform_effective_month")


def test_a_later_land_reform_event_moves_the_effective_date() -> None:
    delay = {"date": "2010-05", "kind": "land_reform", "effective": "2011-03", "detail": "delay"}
    model = land_model(sinophobia=0.1, wave_regions=100, extra={"events": [REFORM, delay]})
    rows = run(model, 24)
    assert at(rows, "2010-09")["state"] == LandPolicy.REFORM_PENDING
    assert at(rows, "2011-03")["state"] == LandPolicy.IN_FORCE


def unrest_model(**land: Any) -> KazakhstanModel:
    """Hardship high and legitimacy low everywhere, no land reform: a nationwide wave."""
    model = land_model(reform=False, response_cooldown_months=24, **land)
    model.population.hardship[:] = 0.9
    model.population.legitimacy[:] = 0.2
    return model


def test_a_wave_that_outlasts_the_crackdown_brings_allied_troops_in_the_same_month() -> None:
    model = unrest_model()
    rows = run(model, 4)
    assert rows[0]["regions"] >= 9
    kinds = [(e.date, e.kind) for e in model.log if e.kind != "protest"]
    assert kinds[:3] == [
        ("2010-01", "crackdown"),
        ("2010-01", "outside_help"),
        ("2010-01", "elite_change"),
    ]  # as on 5-6 January 2022: troops in the month of the wave
    # crackdown (+0.2, half-life 6) and troops (+0.3, half-life 1 month) the same month
    kept = retention_from_half_life(6.0)
    assert at(rows, "2010-01")["repression"] == pytest.approx(0.3 + 0.2 + 0.3)
    assert at(rows, "2010-02")["repression"] == pytest.approx(0.3 + 0.2 * kept + 0.3 * 0.5)
    assert gratitude(model) == pytest.approx(0.5)
    assert sum(kind == "outside_help" for _, kind in kinds) == 1  # once within the cooldown


def test_this_month_s_detentions_take_the_repression_of_the_crackdown_and_troops() -> None:
    model = unrest_model()
    model.step()
    state = land(model)
    assert state.arrests.sum() / state.participants.sum() == pytest.approx(0.3 + 0.2 + 0.3)


def test_allied_troops_post_csto_gratitude_to_its_owners_channel() -> None:
    model = unrest_model()
    run(model, 1)  # 2010-01: crackdown and troops
    channel = model.channels["russian_reactions.csto_gratitude"]
    assert channel.totals == {"land_protests": pytest.approx(0.5)}
    assert gratitude(model) == pytest.approx(0.5)


def test_crackdown_and_elite_change_move_legitimacy_through_its_owners_channel() -> None:
    model = unrest_model()
    size = model.population.size
    run(model, 1)  # 2010-01: crackdown and elite change, nothing to concede without a reform
    assert model.channels["citizens.legitimacy"].totals == {
        "land_protests": pytest.approx((0.02 - 0.05) * size)
    }
    np.testing.assert_allclose(model.population.legitimacy, 0.2 - 0.02 + 0.05)


def test_no_allied_troops_when_the_crackdown_ends_the_wave() -> None:
    # repression 1 detains every protester at once, and long terms keep them out
    model = unrest_model(crackdown_step=0.7, mean_jail_months=12.0)
    rows = run(model, 4)
    assert rows[0]["regions"] >= 9 and rows[1]["regions"] < 9
    assert not any(e.kind == "outside_help" for e in model.log)


def test_a_wave_that_outlasts_a_crackdown_of_an_earlier_month_brings_troops_then() -> None:
    # no detentions: the crackdown deters through the arrest probability only
    model = unrest_model(arrest_rate_per_repression=0.0, response="repress")
    (rule,) = [r for r in model.rules if isinstance(r, Rule)]
    rule.outside_help = False
    run(model, 1)
    assert not any(e.kind == "outside_help" for e in model.log)
    rule.outside_help = True
    run(model, 1)
    assert [e.date for e in model.log if e.kind == "outside_help"] == ["2010-02"]


def test_repress_only_escalates_to_troops_without_elite_change() -> None:
    model = unrest_model(response="repress")
    run(model, 4)
    kinds = {e.kind for e in model.log}
    assert "outside_help" in kinds and "elite_change" not in kinds


def test_concede_only_never_escalates_because_nothing_was_cracked_down() -> None:
    model = unrest_model(response="concede")
    run(model, 4)
    assert not any(e.kind in {"crackdown", "outside_help", "elite_change"} for e in model.log)


def test_outside_help_can_be_switched_off() -> None:
    model = unrest_model(outside_help=False)
    run(model, 4)
    kinds = {e.kind for e in model.log}
    assert "outside_help" not in kinds and "elite_change" in kinds
    assert gratitude(model) == 0.0


def test_disabled_rule_changes_nothing() -> None:
    model = land_model(sinophobia=0.8, enabled=False)
    run(model, 12)
    assert land(model).land_policy_state == LandPolicy.CLOSED
    assert land(model).land_salience == 0.0
    assert land(model).repression == pytest.approx(0.3)
    assert land(model).regions_in_wave == 0 and not land(model).in_wave.any()
    assert not model.population.active.any()
    assert not any(e.kind in {"protest", "moratorium", "crackdown"} for e in model.log)


def test_arrests_are_this_month_s_new_detentions_by_region() -> None:
    model = unrest_everywhere(0.5, mean_jail_months=3.0)
    population = model.population
    for _ in range(2):
        kept = population.jailed * (1.0 - 1.0 / 3.0)  # those not released this month
        model.step()
        new = population.jailed - kept
        expected = np.bincount(population.region, weights=new, minlength=population.counts.size)
        np.testing.assert_allclose(land(model).arrests, expected)
        assert expected.sum() > 0
    detentions = series_named("protest_detentions")
    assert isinstance(detentions, RegionalSeries)
    np.testing.assert_allclose(
        detentions.read(model), land(model).arrests / population.counts * model.people()
    )
    participants = series_named("protest_participants")
    assert isinstance(participants, RegionalSeries)
    np.testing.assert_allclose(
        participants.read(model),
        land(model).participants / population.counts * model.people(),
    )


# --- protest in persons: intensities, crowd unit, waves per 100,000 ---------------------------


def test_soft_step_is_logistic_and_a_step_at_zero_spread() -> None:
    x = np.array([-0.1, 0.0, 0.05])
    np.testing.assert_allclose(soft_step(x, 0.05), 1.0 / (1.0 + np.exp(-x / 0.05)))
    np.testing.assert_array_equal(soft_step(x, 0.0), [0.0, 0.0, 1.0])
    # a narrow spread approaches Epstein's all-or-nothing rule away from the threshold
    np.testing.assert_allclose(soft_step(np.array([-0.1, 0.1]), 1e-3), [0.0, 1.0], atol=1e-12)


def test_epstein_intensity_is_the_clearing_share_less_the_jailed_top_of_it() -> None:
    g, r, p = np.array([0.5, 0.5, 0.3, 0.5]), np.array([0.2, 0.2, 0.0, 0.2]), np.ones(4)
    jailed = np.array([0.0, 0.1, 0.0, 0.9])
    active = epstein_active(g, r, p, 0.2, jailed, 0.05)
    clearing = 1.0 / (1.0 + np.exp(-(g - r * p - 0.2) / 0.05))
    np.testing.assert_allclose(active, np.maximum(0.0, clearing - jailed))
    assert active[1] == pytest.approx(active[0] - 0.1)  # the jailed protested: the top goes
    assert active[3] == 0.0  # everyone above the bar is in jail
    assert np.all((active[:3] > 0.0) & (active[:3] < 1.0))


def test_the_crowd_unit_rescales_the_active_share_in_the_arrest_probability() -> None:
    a = np.array([1e-4, 1e-3, 5e-3])
    crowd = 1e-3
    np.testing.assert_allclose(
        arrest_probability(0.3, a, 2.3, 0.1, crowd), arrest_probability(0.3, a / crowd, 2.3, 0.1)
    )
    # safety in numbers at realistic magnitudes: a crowd of 0.5% of one's ties cuts the risk
    p = arrest_probability(0.3, a, 2.3, 0.1, crowd)
    assert p[0] > 0.99 and p[2] < 0.15


def test_a_cascade_of_shares_brings_each_follower_s_eligible_share_in_crowd_units() -> None:
    n = 4
    starters = np.array([0.004, 0.0, 0.0, 0.0])
    eligible = np.array([0.0, 0.003, 0.003, 0.003])
    thresholds = np.array([0.0, 1.0, 1.0, 1.0])  # one crowd unit among the ties
    nothing = np.zeros(n)
    # on the chain citizen 1 sees (0.004 + 0) / 2 = 0.002 active: 2 crowd units at 1e-3
    active = threshold_cascade(chain(n), nothing, starters, eligible, thresholds, 1, 1e-3)
    np.testing.assert_allclose(active, [0.004, 0.003, 0.0, 0.0])
    active = threshold_cascade(chain(n), nothing, starters, eligible, thresholds, 3, 1e-3)
    np.testing.assert_allclose(active, [0.004, 0.003, 0.003, 0.003])
    # with the papers' unit (shares of everyone) nobody follows such small shares
    active = threshold_cascade(chain(n), nothing, starters, eligible, thresholds, 3)
    np.testing.assert_allclose(active, starters)


def test_a_thousand_protesters_in_one_region_are_expressible_and_make_a_wave() -> None:
    model = land_model(reform=False, wave_per_100k=20.0)
    (rule,) = [r for r in model.rules if isinstance(r, Rule)]
    population = model.population
    people = model.people()
    persons_per_citizen = people / population.counts
    active = np.zeros(population.size)
    # 1,000 persons in region 0, 50 in region 1, as shares of their first citizen's persons
    for region, persons in ((0, 1000.0), (1, 50.0)):
        first = population.starts[region]
        active[first] = persons / persons_per_citizen[region]
        assert active[first] < 1.0  # less than one citizen: a binary flag cannot say it
    kernels.region_sums(population.starts, population.counts, active, land(model).participants)
    in_wave = rule._wave_regions(model, land(model).participants)
    per_100k = np.array([1000.0, 50.0]) / people[:2] * 100_000
    np.testing.assert_array_equal(in_wave[:2], per_100k > 20.0)
    assert not in_wave[2:].any()
    totals = np.bincount(population.region, weights=active, minlength=population.counts.size)
    np.testing.assert_allclose((totals / population.counts * people)[:2], [1000.0, 50.0])


def default_protest_model(**population: Any) -> KazakhstanModel:
    """The default protest parameters and population, nothing else enabled, no events."""
    return small_model(1, population=population, rules=OTHER_RULES_OFF)


def test_calm_years_are_calm_at_the_default_parameters() -> None:
    model = default_protest_model()
    people = float(model.people().sum())
    for _ in range(24):
        model.step()
        assert land(model).regions_in_wave == 0
        assert land(model).participants.sum() / model.population.size < 1e-4  # < 1 in 10,000
    assert people > 1e7 and land(model).participants.sum() > 0.0  # a few, never a wave


def test_at_default_parameters_a_grievance_shock_brings_a_wave_of_order_1e5_to_1e3() -> None:
    model = default_protest_model()
    model.population.hardship[:] = np.clip(model.population.hardship + 0.3, 0.0, 1.0)
    model.population.legitimacy[:] *= 0.8
    model.step()
    share = land(model).participants.sum() / model.population.size
    assert 1e-5 < share < 1e-2  # January 2022: ~1e-4 to 1e-3 (detained alone 9,900 of 19m)
    assert land(model).regions_in_wave >= 3


# --- the government's answers: measures, concessions, dismissal -------------------------------


def test_every_response_has_its_measures_and_the_schema_accepts_them() -> None:
    assert set(MEASURES) | {"decide"} == set(get_args(Response))
    for response in get_args(Response):
        GovernmentDecision(protest_response=response)  # type: ignore[arg-type]


FUEL_SHOCK = {
    "date": "2010-02",
    "kind": "shock",
    "detail": "fuel price cap removed",
    "effects": [{"target": "kazakhstan.fuel_price_index", "set": 2.0}],
}


def fuel_model(response: str, **land: Any) -> KazakhstanModel:
    """Nationwide unrest from 2010-01, the fuel price doubling in 2010-02, no land reform."""
    model = land_model(reform=False, response=response, extra={"events": [FUEL_SHOCK]}, **land)
    model.population.hardship[:] = 0.9
    model.population.legitimacy[:] = 0.2
    return model


def test_all_takes_every_measure_that_applies_and_the_fuel_concession_only_after_a_rise() -> None:
    model = fuel_model("all", response_cooldown_months=1)
    run(model, 1)  # 2010-01: no reform to concede, no fuel rise yet
    kinds = {e.kind for e in model.log if e.date == "2010-01"}
    assert {"dismissal", "crackdown"} <= kinds
    assert not kinds & {"moratorium", "economic_concession"}
    assert land(model).fuel_price_concession == 0.0
    run(model, 1)  # 2010-02: the fuel price doubled, the wave goes on
    kinds = {e.kind for e in model.log if e.date == "2010-02"}
    assert "economic_concession" in kinds
    assert land(model).fuel_price_concession == pytest.approx(1.0)
    model.population.hardship[:] = 0.0  # the wave ends: no further answer
    run(model, 1)
    half_life = Config().fuel_concession_half_life_months
    assert land(model).fuel_price_concession == pytest.approx(retention_from_half_life(half_life))


def test_dismiss_only_dismisses_and_gains_legitimacy() -> None:
    model = fuel_model("dismiss")
    run(model, 1)
    kinds = {e.kind for e in model.log if e.kind != "protest"}
    assert kinds == {"dismissal"}
    assert land(model).repression == pytest.approx(0.3)
    np.testing.assert_allclose(model.population.legitimacy, 0.2 + 0.03)


def test_concede_economic_restores_the_fuel_cap_and_brings_no_troops() -> None:
    model = fuel_model("concede_economic")
    model.population.hardship[:] = 0.0  # no wave in January: the answer comes after the rise
    run(model, 1)
    model.population.hardship[:] = 0.9
    run(model, 3)
    kinds = {e.kind for e in model.log if e.kind != "protest"}
    assert "economic_concession" in kinds
    assert not kinds & {"crackdown", "outside_help", "dismissal"}


def decided(fuel_part: float) -> set[str]:
    """The measures a deciding government takes against a fuel wave with this fuel hardship."""
    model = fuel_model("decide")
    model.population.hardship[:] = 0.0  # no wave in January: the fuel price rises in February
    run(model, 1)
    model.population.hardship[:] = 0.9
    model.population.fuel_hardship[:] = fuel_part
    run(model, 1)
    return {e.kind for e in model.log if e.kind not in {"protest", "shock"}}


def test_decide_concedes_a_fuel_cap_that_would_end_the_wave_and_does_not_crack_down() -> None:
    # all of the hardship is the fuel price's: the cap would take every protester off the streets
    assert decided(fuel_part=0.9) == {"economic_concession"}


def test_decide_concedes_and_cracks_down_when_the_concession_would_leave_a_wave() -> None:
    # the fuel price is a ninth of the hardship: the cap thins the wave but leaves it
    # nationwide, as in January 2022 (caps, crackdown, troops, the old guard removed)
    assert decided(fuel_part=0.1) == {
        "economic_concession",
        "crackdown",
        "outside_help",
        "elite_change",
    }


def test_decide_only_cracks_down_when_no_concession_would_help() -> None:
    assert decided(fuel_part=0.0) == {"crackdown", "outside_help"}


def test_decide_forecasts_with_the_protest_rule_itself() -> None:
    model = fuel_model("decide")
    (rule,) = [r for r in model.rules if isinstance(r, Rule)]
    model.population.fuel_hardship[:] = 0.5
    seen: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    decide = rule._decide

    def watched(model: KazakhstanModel, available: frozenset[str]) -> frozenset[str]:
        state = land(model)
        felt = rule._felt_salience(model)
        none = rule._forecast(model, frozenset(), felt)
        fuel = rule._forecast(model, frozenset({"fuel"}), felt)
        seen.append((state.participants.copy(), none, fuel))
        return decide(model, available)

    rule._decide = watched  # type: ignore[method-assign]
    run(model, 1)
    ((participants, none, fuel),) = seen
    np.testing.assert_allclose(none, participants, rtol=1e-9)
    assert fuel.sum() < 0.5 * participants.sum()


def test_a_deciding_government_in_the_replay_concedes_and_never_cracks_down() -> None:
    scenario = load_scenario(
        Path(__file__).parents[2] / "scenarios" / "historical_2010_2023.yaml",
        ["rules.land_protests.response=decide", "population.citizens=5000"],
    )
    result = simulate(scenario, seed=1)
    events = result.events
    answers = {
        (str(date)[:7], kind) for date, kind in zip(events["date"], events["kind"], strict=True)
    }
    assert {("2016-04", "moratorium"), ("2022-01", "economic_concession")} <= answers
    assert not {kind for _, kind in answers} & {"crackdown", "outside_help"}
    series = result.series
    protest = series[series["variable"] == "protest_participants"].groupby("date")["value"].sum()
    by_month = {str(date)[:7]: value for date, value in protest.items()}
    for wave, after in (("2016-04", "2016-05"), ("2022-01", "2022-02")):
        assert by_month[after] < 0.05 * by_month[wave]  # the forecast was right


def test_no_allied_troops_unless_russia_leads_kazakhstans_security_engagement() -> None:
    model = unrest_model()
    model.state(multi_vector.State).engagement_china_security = 0.9
    run(model, 4)
    kinds = {e.kind for e in model.log}
    assert "crackdown" in kinds and "outside_help" not in kinds


def test_a_government_decision_event_switches_to_a_new_response() -> None:
    decision = {
        "date": "2010-01",
        "kind": "government_decision",
        "detail": "dismiss",
        "decision": {"protest_response": "dismiss"},
    }
    model = land_model(reform=False, extra={"events": [decision]})
    model.population.hardship[:] = 0.9
    model.population.legitimacy[:] = 0.2
    run(model, 1)
    kinds = {e.kind for e in model.log if e.kind not in {"protest", "government_decision"}}
    assert kinds == {"dismissal"}


def test_the_fuel_concession_lowers_hardship_through_opinion() -> None:
    def hardship_after(response: str) -> float:
        sections: dict[str, Any] = {
            "population": {"legitimacy_mean": 0.6},
            "rules": deep_merge(
                others_off("land_protests"),
                {"opinion": {"enabled": True}, "land_protests": {**PAPERS, "response": response}},
            ),
            "events": [FUEL_SHOCK],
        }
        model = small_model(1, **sections)
        model.population.hardship[:] = 0.9
        run(model, 4)
        return float(model.population.hardship.mean())

    assert hardship_after("concede_economic") < hardship_after("concede") - 0.01


def test_land_salience_is_felt_more_where_chinese_businesses_lease_land() -> None:
    model = land_model(sinophobia=0.8, extra={"rules": {"opinion": {"land_lease_boost": 0.5}}})
    (rule,) = [r for r in model.rules if isinstance(r, Rule)]
    population = model.population
    population.russian_media[:] = 0.0
    population.sinophobia[:] = 1.0
    population.hardship[:] = 0.0
    land(model).land_salience = 0.5
    felt = rule._felt_salience(model)
    assert not isinstance(felt, float)
    g = grievance(
        population.hardship,
        population.legitimacy,
        population.sinophobia,
        felt,
        rule.config.land_weight,
    )
    regions = model.scenario.population.regions
    leases = np.array([r.chinese_land_leases for r in regions])[population.region]
    assert leases.any() and (~leases).any()
    np.testing.assert_allclose(g[~leases], 0.4 * 0.5)
    np.testing.assert_allclose(g[leases], 0.4 * 0.5 * 1.5)
