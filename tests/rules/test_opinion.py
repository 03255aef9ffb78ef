"""Tests of hardship and Friedkin-Johnsen opinion dynamics."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from kzsim.agents.actors import China, Eaeu, Kazakhstan, Russia
from kzsim.agents.publics import RegionalPublic
from kzsim.contracts import bri_loans as bri
from kzsim.contracts import land_protests as land
from kzsim.contracts import opinion
from kzsim.contracts import russian_reactions as reactions
from kzsim.contracts import tariff_harmonisation as tariff
from kzsim.contracts.opinion import Config, persons_weighted_mean
from kzsim.model import KazakhstanModel
from kzsim.months import parse_month
from kzsim.rules.opinion import (
    Rule,
    adapted_pressure,
    add_immediate_part,
    eaeu_support_inputs,
    felt_salience,
    friedkin_johnsen_update,
    fuel_price_rise,
    hardship_step,
    legitimacy_inputs,
    mean_field_gain,
    national_hardship_pressure,
    regional_hardship_pressure,
    russia_affinity_inputs,
    sinophobia_inputs,
)
from kzsim.scenario.regions import builtin_regions, ethnic_weights
from tests.conftest import deep_merge, others_off, small_model

OTHER_RULES_OFF = others_off("opinion")
ATTITUDES = ("sinophobia", "legitimacy", "eaeu_support", "russia_affinity")
#: Oil above its 2010-2013 average: no budget stress, so no hardship unless a test adds some.
NO_BUDGET_STRESS = {"brent_usd_per_bbl": {"2010-01": 110.0}}


def opinion_model(seed: int = 1, end: str = "2011-12", **opinion: float | None) -> KazakhstanModel:
    """A small model in which only the opinion rule runs, with no budget stress."""
    rules = deep_merge(OTHER_RULES_OFF, {"opinion": opinion})
    return small_model(
        seed, rules=rules, drivers=NO_BUDGET_STRESS, metadata={"name": "test", "end": end}
    )


def run(model: KazakhstanModel, months: int) -> KazakhstanModel:
    for _ in range(months):
        model.step()
    return model


def fj_iterate(
    network: sp.csr_matrix,
    susceptibility: np.ndarray,
    anchor: np.ndarray,
    inputs: np.ndarray,
    steps: int,
) -> np.ndarray:
    """Iterate the Friedkin-Johnsen update on an explicit network, without a Population."""
    x = anchor.copy()
    for _ in range(steps):
        x = friedkin_johnsen_update(np.asarray(network @ x), inputs, susceptibility, anchor)
    return x


# --- pure functions -------------------------------------------------------------------------


def test_fj_converges_to_closed_form_on_a_hand_made_network() -> None:
    adjacency = np.array([[0, 1, 1, 0], [1, 0, 1, 0], [1, 1, 0, 1], [0, 0, 1, 0]], dtype=np.float64)
    w = adjacency / adjacency.sum(axis=1, keepdims=True)
    lam = np.array([0.5, 0.8, 0.6, 0.9])
    x0 = np.array([0.2, 0.7, 0.4, 0.5])
    u = np.array([0.05, -0.02, 0.0, 0.03])
    closed = np.linalg.solve(np.eye(4) - np.diag(lam) @ w, lam * u + (1 - lam) * x0)
    assert np.all((closed > 0) & (closed < 1))  # no clipping at the fixed point
    x = fj_iterate(sp.csr_matrix(w), lam, x0, u, steps=400)
    np.testing.assert_allclose(x, closed, atol=1e-10)


def test_fj_one_step_by_hand() -> None:
    out = friedkin_johnsen_update(
        np.array([0.5, 0.9]), np.array([0.1, 0.5]), np.array([0.5, 0.8]), np.array([0.2, 0.6])
    )
    # 0.5 * (0.5 + 0.1) + 0.5 * 0.2 = 0.4; 0.8 * (0.9 + 0.5) + 0.2 * 0.6 = 1.24 -> clipped to 1
    np.testing.assert_allclose(out, [0.4, 1.0])


def test_fj_writes_in_place() -> None:
    target = np.array([0.3, 0.3])
    out = friedkin_johnsen_update(
        np.array([0.5, 0.5]), np.zeros(2), np.array([1.0, 0.0]), np.array([0.1, 0.1]), out=target
    )
    assert out is target
    np.testing.assert_allclose(target, [0.5, 0.1])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(-5, 5), min_size=5, max_size=5),
    st.lists(st.floats(0, 1), min_size=5, max_size=5),
    st.lists(st.floats(0, 1), min_size=5, max_size=5),
)
def test_fj_stays_in_unit_interval(inputs: list[float], lam: list[float], x0: list[float]) -> None:
    out = friedkin_johnsen_update(np.full(5, 0.5), np.array(inputs), np.array(lam), np.array(x0))
    assert np.all((out >= 0.0) & (out <= 1.0))


def test_mean_field_gain_matches_uniform_fixed_point() -> None:
    # A ring, every lambda equal: a uniform input u shifts the fixed point by lambda/(1-lambda) u.
    n, lam, u = 6, 0.75, 0.01
    nodes = np.arange(n)
    rows = np.concatenate((nodes, nodes))
    cols = np.concatenate(((nodes + 1) % n, (nodes - 1) % n))
    ring = sp.csr_matrix((np.full(2 * n, 0.5), (rows, cols)), shape=(n, n))
    x0 = np.full(n, 0.4)
    x = fj_iterate(ring, np.full(n, lam), x0, np.full(n, u), steps=300)
    gain = mean_field_gain(np.full(n, lam))
    assert gain == pytest.approx(3.0)
    np.testing.assert_allclose(x - x0, gain * u, atol=1e-12)


def test_mean_field_gain_is_bounded() -> None:
    assert mean_field_gain(np.ones(3)) == pytest.approx(99.0)
    assert mean_field_gain(np.zeros(3)) == pytest.approx(1 / 99)
    assert mean_field_gain(np.array([0.5, 0.9])) == pytest.approx(0.7 / 0.3)


def test_hardship_pressures_by_hand() -> None:
    config = Config()
    national = national_hardship_pressure(
        config, price_pressure=0.5, budget_stress=0.2, sanctions=1.0
    )
    assert national == pytest.approx(1.0 * 0.5 + 0.3 * 0.2 + 0.05 * 1.0)
    regional = regional_hardship_pressure(
        config, np.array([0.5, 0.0]), np.array([0.0, 0.5]), np.array([0.0, 0.01])
    )
    np.testing.assert_allclose(regional, [0.1 * 0.5, 0.2 * 0.5 - 5.0 * 0.01])


def test_fuel_price_rise_is_relative_to_the_reference_and_never_a_relief() -> None:
    assert fuel_price_rise(2.0, 1.0) == pytest.approx(1.0)
    assert fuel_price_rise(2.0, 1.6) == pytest.approx(0.25)
    assert fuel_price_rise(0.8, 1.0) == 0.0


def test_immediate_part_is_clipped_and_reported_exactly() -> None:
    hardship = np.array([0.2, 0.9])
    added = add_immediate_part(hardship, 0.3)
    assert added is not None
    np.testing.assert_allclose(hardship, [0.5, 1.0])
    np.testing.assert_allclose(added, [0.3, 0.1])
    assert add_immediate_part(hardship, 0.0) is None


def test_hardship_relaxes_toward_clipped_target() -> None:
    hardship = np.array([0.3, 0.3, 0.9])
    baseline = np.array([0.3, 0.3, 0.5])
    hardship_step(hardship, baseline, np.array([0.2, -0.5, 0.8]), rate=0.25)
    # targets 0.5, 0.0 (clipped from -0.2), 1.0 (clipped from 1.3)
    np.testing.assert_allclose(hardship, [0.35, 0.225, 0.925])


def test_sinophobia_inputs_by_hand() -> None:
    config = Config()
    u = sinophobia_inputs(
        config,
        chinese_presence=np.array([0.5, 0.5, 0.0]),
        china_contact=np.array([0.0, 0.4, 0.0]),
        felt_land_salience=np.array([1.0, 1.0, 1.25]),
    )
    np.testing.assert_allclose(
        u,
        [
            0.15 * 0.5 + 0.12,
            0.15 * 0.5 * 0.6 - 0.2 * 0.4 + 0.12,
            0.12 * 1.25,
        ],
    )


def test_presence_hurts_more_without_contact() -> None:
    config = Config()
    contact = np.linspace(0, 1, 11)
    with_presence = sinophobia_inputs(config, np.full(11, 0.8), contact, 0.0)
    without = sinophobia_inputs(config, np.zeros(11), contact, 0.0)
    effect = with_presence - without
    assert np.all(np.diff(effect) < 0)
    assert effect[-1] == pytest.approx(0.0)


def test_legitimacy_eaeu_affinity_inputs_by_hand() -> None:
    config = Config(
        eaeu_price_weight=1.5,
        eaeu_threat_weight=0.3,
        eaeu_sanctions_weight=0.1,
        eaeu_affinity_weight=0.5,
        affinity_threat_weight=0.3,
        affinity_threat_media_damping=0.5,
    )
    legit = legitimacy_inputs(
        config, np.array([0.5, 0.2]), np.array([0.3, 0.3]), repression=0.6, initial_repression=0.3
    )
    np.testing.assert_allclose(legit, [-0.5 * 0.2 - 0.1 * 0.3, 0.5 * 0.1 - 0.1 * 0.3])
    # repression below its initial level is no bonus
    assert legitimacy_inputs(config, np.zeros(1), np.zeros(1), 0.1, 0.3)[0] == 0.0
    eaeu = eaeu_support_inputs(
        config, price_pressure=0.4, threat_perception=0.5, russia_affinity=np.array([0.6])
    )
    np.testing.assert_allclose(eaeu, [0.5 * 0.6 - 1.5 * 0.4 - 0.3 * 0.5])
    sanctioned = eaeu_support_inputs(config, 0.4, 0.5, np.array([0.6]), sanctions=1.0)
    np.testing.assert_allclose(sanctioned, eaeu - 0.1)
    affinity = russia_affinity_inputs(
        config, np.array([0.8]), media_reach=0.5, threat_perception=0.2
    )
    np.testing.assert_allclose(affinity, [0.2 * 0.5 * 0.8 - 0.3 * 0.2 * (1 - 0.5 * 0.8)])


# --- behaviour on the model -----------------------------------------------------------------


def test_no_change_in_inputs_keeps_means_near_initial() -> None:
    # inputs count as changes from the initial state, so nothing drifts without a change
    model = opinion_model()
    before = {a: float(getattr(model.population, a).mean()) for a in ATTITUDES}
    run(model, 24)
    for attitude in ATTITUDES:
        assert float(getattr(model.population, attitude).mean()) == pytest.approx(
            before[attitude], abs=0.005
        )
    np.testing.assert_allclose(model.population.hardship, model.population.baseline_hardship)


def test_disabled_rule_changes_nothing() -> None:
    model = small_model(rules=deep_merge(OTHER_RULES_OFF, {"opinion": {"enabled": False}}))
    before = {a: getattr(model.population, a).copy() for a in (*ATTITUDES, "hardship")}
    model.kazakhstan.fuel_price_index = 2.0
    model.state(land.State).land_salience = 1.0
    run(model, 6)
    for name, values in before.items():
        np.testing.assert_array_equal(getattr(model.population, name), values)


def test_attitudes_and_hardship_stay_in_unit_interval_under_extreme_inputs() -> None:
    extreme = {n: 1.0 for n in Config.model_fields if n.startswith(("sinophobia_", "eaeu_"))}
    model = opinion_model(
        1,
        **extreme,
        hardship_fuel_weight=2.0,
        hardship_relaxation_half_life_months=0.01,  # at once
    )
    model.kazakhstan.fuel_price_index = 5.0
    model.state(land.State).land_salience = 1.0
    model.state(reactions.State).threat_perception = 1.0
    model.state(tariff.State).price_pressure = 1.0
    model.state(bri.State).chinese_presence[:] = 1.0
    run(model, 12)
    population = model.population
    for name in (*ATTITUDES, "hardship"):
        values = getattr(population, name)
        assert np.all((values >= 0.0) & (values <= 1.0)), name
    assert float(population.hardship.mean()) > 0.95  # the target was clipped at 1, not beyond


def test_more_contact_lowers_sinophobia() -> None:
    control, treated = opinion_model(), opinion_model()
    treated.population.china_contact[:] = np.clip(treated.population.china_contact + 0.5, 0, 1)
    run(control, 12)
    run(treated, 12)
    drop = control.population.sinophobia.mean() - treated.population.sinophobia.mean()
    assert drop > 0.05  # steady-state effect 0.2 x 0.5 = 0.1 points


def test_presence_without_contact_raises_sinophobia() -> None:
    control, treated = opinion_model(), opinion_model()
    treated.state(bri.State).chinese_presence[:] = 0.8
    run(control, 12)
    run(treated, 12)
    rise = treated.population.sinophobia.mean() - control.population.sinophobia.mean()
    assert 0.05 < rise < 0.15  # ~0.15 x 0.8 x (1 - mean contact)


def test_land_salience_raises_sinophobia_more_with_russian_media() -> None:
    rises = {}
    for reach in (0.0, 1.0):
        model = opinion_model()
        before = model.population.sinophobia.copy()
        model.state(land.State).land_salience = 1.0
        model.russia.media_reach = reach
        run(model, 24)
        rises[reach] = model.population.sinophobia - before
    media = model.population.russian_media
    high = media > np.quantile(media, 0.8)
    low = media < np.quantile(media, 0.2)
    amplified = rises[1.0] - rises[0.0]
    assert amplified[high].mean() > 0.02
    assert amplified[high].mean() > amplified[low].mean() + 0.01


def test_land_protests_media_amplification_amplifies_the_land_input() -> None:
    rises = {}
    for amplification in (0.0, 2.0):
        land = {"enabled": False, "media_amplification": amplification}
        model = small_model(
            1,
            rules=deep_merge(OTHER_RULES_OFF, {"land_protests": land}),
            drivers=NO_BUDGET_STRESS,
        )
        before = model.population.sinophobia.copy()
        model.states["land_protests"].land_salience = 1.0
        model.russia.media_reach = 1.0
        run(model, 24)
        rises[amplification] = model.population.sinophobia - before
    media = model.population.russian_media
    amplified = rises[2.0] - rises[0.0]
    high, low = media > np.quantile(media, 0.8), media < np.quantile(media, 0.2)
    assert amplified[high].mean() > 0.05
    assert amplified[high].mean() > amplified[low].mean() + 0.02


def test_fuel_price_shock_hits_at_once_then_fades_as_people_adjust() -> None:
    control = opinion_model(hardship_fuel_weight=0.3)
    shocked = opinion_model(hardship_fuel_weight=0.3)
    shocked.kazakhstan.fuel_price_index = 2.0
    rises = []
    for _ in range(24):
        control.step()
        shocked.step()
        rises.append(shocked.population.hardship.mean() - control.population.hardship.mean())
    # the first month carries the whole rise a_fuel x (2 / 1 - 1), less what clips at 1
    assert rises[0] == pytest.approx(0.3, abs=0.02)
    # the reference halves the log gap every 6 months: after 6 months the rise is 2^0.5 - 1
    assert rises[6] == pytest.approx(0.3 * (2.0 / 2.0**0.5 - 1.0), abs=0.02)
    assert rises[23] < 0.05
    assert shocked.population.legitimacy.mean() < control.population.legitimacy.mean()


def test_without_adaptation_the_fuel_shock_persists() -> None:
    shocked = opinion_model(hardship_fuel_weight=0.3, fuel_adaptation_half_life_months=None)
    control = opinion_model(hardship_fuel_weight=0.3, fuel_adaptation_half_life_months=None)
    shocked.kazakhstan.fuel_price_index = 2.0
    run(control, 24)
    run(shocked, 24)
    rise = shocked.population.hardship.mean() - control.population.hardship.mean()
    assert rise == pytest.approx(0.3, abs=0.02)


def test_a_sharp_fuel_rise_hurts_more_than_the_same_rise_spread_over_two_years() -> None:
    # A weight at which the sharp rise stays below the hardship ceiling of 1 (the default,
    # calibrated on January 2022, clips it there)
    sharp, gradual = (
        opinion_model(hardship_fuel_weight=0.6),
        opinion_model(hardship_fuel_weight=0.6),
    )
    peaks = {"sharp": 0.0, "gradual": 0.0}
    base = float(sharp.population.hardship.mean())
    for month in range(24):
        sharp.kazakhstan.fuel_price_index = 2.0
        gradual.kazakhstan.fuel_price_index = 2.0 ** min(1.0, (month + 1) / 24)
        sharp.step()
        gradual.step()
        peaks["sharp"] = max(peaks["sharp"], sharp.population.hardship.mean() - base)
        peaks["gradual"] = max(peaks["gradual"], gradual.population.hardship.mean() - base)
    assert peaks["sharp"] > 2 * peaks["gradual"]


def test_sanctions_raise_hardship_and_lower_eaeu_support() -> None:
    # without adaptation, to read the steady-state weights
    settings = {"hardship_adaptation_half_life_months": None, "eaeu_sanctions_weight": 0.1}
    control = opinion_model(**settings)
    sanctioned = small_model(
        1,
        rules=deep_merge(OTHER_RULES_OFF, {"opinion": settings}),
        drivers=deep_merge(
            NO_BUDGET_STRESS, {"sanctions_on_russia": {"2010-01": 0.0, "2010-02": 1.0}}
        ),
    )
    run(control, 24)
    run(sanctioned, 24)
    hardship_rise = sanctioned.population.hardship.mean() - control.population.hardship.mean()
    assert hardship_rise == pytest.approx(0.05, abs=0.01)
    support = control.population.eaeu_support.mean() - sanctioned.population.eaeu_support.mean()
    assert support == pytest.approx(0.1, abs=0.03)  # eaeu_sanctions_weight: a steady-state shift


def test_xinjiang_salience_raises_sinophobia_more_among_ethnic_kazakhs() -> None:
    held = {"xinjiang_salience_half_life_months": None}  # no fading: the steady-state weight
    control, treated = opinion_model(**held), opinion_model(**held)
    treated.kazakhstan.xinjiang_salience = 1.0
    run(control, 24)
    run(treated, 24)
    rise = treated.population.sinophobia - control.population.sinophobia
    kazakh = treated.population.ethnicity == 0
    assert rise.mean() > 0.1
    assert rise[kazakh].mean() > rise[~kazakh].mean() + 0.03


def test_project_jobs_lower_hardship_where_they_are() -> None:
    model = opinion_model(hardship_adaptation_half_life_months=None)
    inhabitants = model.scenario.population.regions[0].population
    model.state(bri.State).project_jobs[0] = inhabitants / 1000 * 0.02  # jobs for 2% of them
    run(model, 24)
    hardship = model.population.hardship
    baseline = model.population.baseline_hardship
    there = model.population.region == 0
    assert (hardship[there] - baseline[there]).mean() == pytest.approx(-0.1, abs=0.015)
    np.testing.assert_allclose(hardship[~there], baseline[~there])


def test_price_pressure_lowers_eaeu_support_with_a_lag() -> None:
    control, treated = opinion_model(eaeu_price_weight=1.5), opinion_model(eaeu_price_weight=1.5)
    treated.state(tariff.State).price_pressure = 0.1  # consumer prices 10% above trend
    gaps = []
    for _ in range(12):
        control.step()
        treated.step()
        gaps.append(control.population.eaeu_support.mean() - treated.population.eaeu_support.mean())
    assert gaps[0] > 0
    assert gaps[11] > 2 * gaps[0]  # the effect builds up over months (E L86)
    assert gaps[11] == pytest.approx(1.5 * 0.1, abs=0.04)  # steady state: weight x input


def test_threat_lowers_russia_affinity_and_eaeu_support() -> None:
    weights = {"affinity_threat_weight": 0.3, "eaeu_threat_weight": 0.3}
    control, treated = opinion_model(**weights), opinion_model(**weights)
    treated.state(reactions.State).threat_perception = 0.6
    run(control, 24)
    run(treated, 24)
    assert (
        treated.population.russia_affinity.mean() < control.population.russia_affinity.mean() - 0.1
    )
    assert treated.population.eaeu_support.mean() < control.population.eaeu_support.mean() - 0.15


def test_media_reach_raises_russia_affinity() -> None:
    control, treated = opinion_model(), opinion_model()
    treated.russia.media_reach = 1.0
    run(control, 24)
    run(treated, 24)
    assert treated.population.russia_affinity.mean() > control.population.russia_affinity.mean()


def test_higher_weight_gives_larger_effect() -> None:
    weak, strong = opinion_model(sinophobia_land_weight=0.05), opinion_model()
    for model in (weak, strong):
        model.state(land.State).land_salience = 1.0
        run(model, 12)
    assert strong.population.sinophobia.mean() > weak.population.sinophobia.mean() + 0.03


# --- the contract ---------------------------------------------------------------------------


def without_forwarding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove the actors' and publics' forwarding properties to other rules' states."""
    for kind in (Kazakhstan, Russia, China, Eaeu, RegionalPublic):
        for name, value in list(vars(kind).items()):
            getter = getattr(value, "fget", None)
            if getter is not None and ".<locals>." in getter.__qualname__:
                monkeypatch.delattr(kind, name)


def test_reads_other_rules_only_through_its_declared_views(monkeypatch: pytest.MonkeyPatch) -> None:
    model = opinion_model()
    without_forwarding(monkeypatch)
    rule = Rule(model.scenario.rules.opinion, model)  # references: today's state
    model.state(land.State).land_salience = 1.0
    model.state(land.State).repression = 0.4
    model.state(tariff.State).price_pressure = 0.1
    model.state(tariff.State).trader_income_loss[:] = 0.5
    model.state(tariff.State).producer_pressure[:] = 0.5
    model.state(reactions.State).threat_perception = 0.6
    model.state(bri.State).chinese_presence[:] = 0.8
    model.state(bri.State).project_jobs[:] = 1.0
    model.kazakhstan.xinjiang_salience = 0.5
    before = {a: getattr(model.population, a).copy() for a in (*ATTITUDES, "hardship")}
    assert not hasattr(model.kazakhstan, "land_salience")
    assert not hasattr(model.publics[0], "chinese_presence")
    rule.step(model)
    assert model.state(opinion.State).xinjiang_felt_salience == pytest.approx(0.5)
    for name, values in before.items():
        assert not np.array_equal(getattr(model.population, name), values), name


# --- grievances adapt -------------------------------------------------------------------------


def test_adapted_pressure_is_felt_in_full_then_fades() -> None:
    reference = np.array([0.0, 0.2])
    felt = adapted_pressure(np.array([0.1, 0.2]), reference, rate=0.25)
    np.testing.assert_allclose(felt, [0.1, 0.0])  # a new pressure in full, an old one not at all
    np.testing.assert_allclose(reference, [0.025, 0.2])
    felt = adapted_pressure(np.array([0.1, 0.1]), reference, rate=0.25)
    np.testing.assert_allclose(felt, [0.075, -0.1])  # fading; a fall is felt as relief
    unadapted = np.zeros(1)
    assert adapted_pressure(np.array([0.3]), unadapted, rate=0.0)[0] == pytest.approx(0.3)
    assert unadapted[0] == 0.0


def budget_shock_gaps(months: int, **opinion: float | None) -> list[float]:
    """Mean hardship with the oil price halved for good from 2010-02, less without the fall."""
    end = "2017-12"
    control = opinion_model(end=end, **opinion)
    rules = deep_merge(OTHER_RULES_OFF, {"opinion": opinion})
    fall = {"brent_usd_per_bbl": {"2010-01": 110.0, "2010-02": 55.0}}
    shocked = small_model(1, rules=rules, drivers=fall, metadata={"name": "test", "end": end})
    gaps = []
    for _ in range(months):
        control.step()
        shocked.step()
        gaps.append(float(shocked.population.hardship.mean() - control.population.hardship.mean()))
    return gaps


def test_a_lasting_budget_shock_on_hardship_fades_toward_zero() -> None:
    gaps = budget_shock_gaps(96, hardship_adaptation_half_life_months=12.0)
    peak = max(gaps)
    assert peak > 0.04  # 0.3 x budget stress 0.3, less what adaptation takes in the first months
    assert gaps[95] < 0.05 * peak  # eight half-lives later: people have adapted
    assert gaps.index(peak) < 12


def test_without_adaptation_a_lasting_budget_shock_ratchets_hardship_up() -> None:
    gaps = budget_shock_gaps(96, hardship_adaptation_half_life_months=None)
    assert gaps[95] == pytest.approx(0.3 * 0.3, abs=0.01)  # a_budget x budget stress, for good


# --- salience fades unless renewed -----------------------------------------------------------


def test_felt_salience_by_hand() -> None:
    assert felt_salience(0.0, 0.5, 0.0, retention=0.9) == pytest.approx(0.5)  # news: in full
    assert felt_salience(0.5, 0.5, 0.5, retention=0.9) == pytest.approx(0.45)  # fading
    assert felt_salience(0.3, 0.7, 0.5, retention=0.9) == pytest.approx(0.27 + 0.2)  # renewed
    assert felt_salience(0.6, 0.4, 0.7, retention=0.9) == pytest.approx(0.4)  # capped by a fall
    assert felt_salience(0.5, 0.5, 0.5, retention=1.0) == pytest.approx(0.5)  # no fading


def test_xinjiang_salience_held_by_an_event_fades_unless_renewed() -> None:
    model = opinion_model(end="2015-12", xinjiang_salience_half_life_months=12.0)
    control = opinion_model(end="2015-12", xinjiang_salience_half_life_months=12.0)
    state = model.state(opinion.State)
    model.kazakhstan.xinjiang_salience = 0.5  # set once by an event, then held
    felt, rises = [], []
    for month in range(60):
        if month == 36:
            model.kazakhstan.xinjiang_salience = 0.8  # a new revelation renews it
        model.step()
        control.step()
        felt.append(state.xinjiang_felt_salience)
        rise = model.population.sinophobia.mean() - control.population.sinophobia.mean()
        rises.append(float(rise))
    assert felt[0] == pytest.approx(0.5)
    assert felt[12] == pytest.approx(0.25, abs=1e-9)  # one half-life
    assert felt[35] == pytest.approx(0.5 * 0.5 ** (35 / 12), abs=1e-9)
    assert felt[36] == pytest.approx(0.5 * 0.5 ** (36 / 12) + 0.3, abs=1e-9)
    assert max(rises[:12]) > 0.04
    assert rises[35] < 0.4 * max(rises[:12])  # the Sinophobia it raised fades with it
    assert rises[40] > 2 * rises[35]  # and comes back when the issue is renewed


# --- regions differ for their attributes ----------------------------------------------------


def regional_rise(model: KazakhstanModel, before: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each region's mean rise of a citizen attribute."""
    return np.asarray(model.population.regional_mean(values - before))


def test_chinese_land_leases_raise_sinophobia_more_where_they_are() -> None:
    rises = {}
    for boost in (0.0, 1.0):
        model = opinion_model(land_lease_boost=boost)
        before = model.population.sinophobia.copy()
        model.state(land.State).land_salience = 1.0
        run(model, 24)
        rises[boost] = regional_rise(model, before, model.population.sinophobia)
    leases = np.array([r.chinese_land_leases for r in model.scenario.population.regions])
    assert leases.any() and not leases.all()
    extra = rises[1.0] - rises[0.0]
    assert extra[leases].min() > 0.05  # land weight x boost = 0.12, less network averaging
    assert extra[leases].min() > extra[~leases].max() + 0.03


def test_a_fuel_shock_hurts_more_in_oil_regions() -> None:
    model = opinion_model(hardship_fuel_weight=0.3, fuel_oil_region_boost=1.0)
    before = model.population.hardship.copy()
    model.kazakhstan.fuel_price_index = 1.5
    model.step()
    rise = regional_rise(model, before, model.population.hardship)
    oil = np.array([r.oil_region for r in model.scenario.population.regions])
    assert oil.any() and not oil.all()
    np.testing.assert_allclose(rise[~oil], 0.3 * 0.5, atol=0.01)
    np.testing.assert_allclose(rise[oil], 2 * 0.3 * 0.5, atol=0.02)


def test_a_fuel_price_concession_rolls_the_rise_back() -> None:
    rises = {}
    for concession in (0.0, 0.5, 1.0):
        model = opinion_model(hardship_fuel_weight=0.3, fuel_oil_region_boost=0.0)
        before = float(model.population.hardship.mean())
        model.kazakhstan.fuel_price_index = 2.0
        model.state(land.State).fuel_price_concession = concession
        model.step()
        rises[concession] = float(model.population.hardship.mean()) - before
    assert rises[0.0] == pytest.approx(0.3, abs=0.02)
    assert rises[0.5] == pytest.approx(0.15, abs=0.02)
    assert abs(rises[1.0]) < 0.01


def test_ethnic_weights_bring_the_russian_share_to_the_2021_census() -> None:
    regions = builtin_regions()
    persons = np.array([r.population_2021 or r.population for r in regions], dtype=float)
    russian_2009 = np.array([r.share_russian for r in regions])
    weights = ethnic_weights(regions, parse_month("2021-10"))
    share_2021 = float((persons * russian_2009 * weights[:, 1]).sum() / persons.sum())
    assert share_2021 == pytest.approx(0.155, abs=0.002)  # 2021 census, SOURCES.md
    np.testing.assert_allclose(ethnic_weights(regions, parse_month("2009-02")), 1.0)
    middle = ethnic_weights(regions, parse_month("2015-06"))
    assert np.all(middle[:, 1] <= 1.0 + 1e-12) and np.all(middle[:, 1] >= weights[:, 1] - 1e-12)


def test_regional_means_follow_the_ethnic_composition_over_time() -> None:
    # Russians support the union more; as their share falls, a region's mean support falls.
    model = opinion_model(end="2023-12")
    population = model.population
    population.eaeu_support[:] = np.where(population.ethnicity == 1, 0.9, 0.5)
    start = persons_weighted_mean(model, population.eaeu_support)
    model.month = parse_month("2021-10")
    later = persons_weighted_mean(model, population.eaeu_support)
    regions = model.scenario.population.regions
    fell = np.array([r.shares_2021[1] < r.share_russian - 0.01 for r in regions])
    assert fell.any()
    assert np.all(later[fell] < start[fell] - 0.005)
    np.testing.assert_allclose(later[~fell], start[~fell], atol=0.005)


def test_threat_lowers_russia_affinity_less_among_russian_media_viewers() -> None:
    weights = {"affinity_threat_weight": 0.3, "affinity_threat_media_damping": 1.0}
    control, treated = opinion_model(**weights), opinion_model(**weights)
    treated.state(reactions.State).threat_perception = 0.8
    run(control, 24)
    run(treated, 24)
    fall = control.population.russia_affinity - treated.population.russia_affinity
    media = treated.population.russian_media
    high, low = media > np.quantile(media, 0.8), media < np.quantile(media, 0.2)
    assert fall.mean() > 0.05
    assert fall[low].mean() > fall[high].mean() + 0.05
