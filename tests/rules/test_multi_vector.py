"""Tests of multi-vector balancing (MV1-MV5): engagement per partner and domain."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzsim.contract import ReadOnly
from kzsim.contracts import bri_loans, russian_reactions, tariff_harmonisation
from kzsim.contracts.multi_vector import (
    READS,
    Config,
    State,
    alignment_shares,
    engagement_matrix,
    scale_to_alignment,
    shift_toward_china,
)
from kzsim.dynamics import rate_from_half_life
from kzsim.model import ACTOR_OWNERS, KazakhstanModel
from kzsim.rules.multi_vector import (
    CN,
    ECO,
    POL,
    RU,
    SEC,
    Rule,
    W,
    benefits,
    calibrate_affinity,
    domain_shares,
    effective_holds,
    holdbacks,
    targets,
)
from tests.conftest import deep_merge, others_off, small_model

OTHER_RULES_OFF = others_off("multi_vector")


def mv_model(seed: int = 1, **multi_vector: Any) -> KazakhstanModel:
    """A small model, 2010-2039, in which only the multi-vector rule runs."""
    return small_model(
        seed,
        metadata={"end": "2039-12"},
        rules=deep_merge(OTHER_RULES_OFF, {"multi_vector": multi_vector}),
    )


def mv(model: KazakhstanModel) -> State:
    """The multi-vector rule's state."""
    return model.state(State)


def loans(model: KazakhstanModel) -> bri_loans.State:
    """The BRI loans rule's state (investment, capital need); the rule is off, values stay."""
    return model.state(bri_loans.State)


def reactions(model: KazakhstanModel) -> russian_reactions.State:
    """Russia's reactions' state (security leverage, gratitude, threat); off, values stay."""
    return model.state(russian_reactions.State)


def alignment(model: KazakhstanModel) -> np.ndarray:
    state = mv(model)
    return np.array([state.alignment_russia, state.alignment_china, state.alignment_west])


def engagement(model: KazakhstanModel) -> np.ndarray:
    return engagement_matrix(mv(model))


def run(model: KazakhstanModel, months: int) -> KazakhstanModel:
    for _ in range(months):
        model.step()
    return model


def invest(model: KazakhstanModel, share_of_gdp: float) -> None:
    """Set China's investment stock to a share of GDP (bri_loans is off: it stays there)."""
    loans(model).china_investment_usd_bn = share_of_gdp * model.kazakhstan.gdp_usd_bn


def pair(months: int = 1, **multi_vector: Any) -> tuple[KazakhstanModel, KazakhstanModel]:
    """Two equal models, both run ``months`` so that the affinity is set from the same start."""
    return run(mv_model(**multi_vector), months), run(mv_model(**multi_vector), months)


# --- pure functions -------------------------------------------------------------------------


def test_benefits_by_hand() -> None:
    config = Config()
    b = benefits(
        config,
        np.array([0.4, 0.2, 0.4]),
        eaeu_member=True,
        investment_to_gdp=0.1,
        transit_to_gdp=0.002,
        capital_need=0.5,
        security_leverage=0.6,
        gratitude=0.2,
        threat=0.5,
    )
    g = config
    economic = np.array(
        [
            g.trade_gain * 0.4 + g.union_gain,
            g.trade_gain * 0.2
            + g.investment_gain * (1 + g.need_gain * 0.5) * 0.1
            + g.transit_gain * 0.002,
            g.trade_gain * 0.4,
        ]
    )
    np.testing.assert_allclose(b[:, ECO], economic)
    np.testing.assert_allclose(b[:, SEC], [g.security_gain * 0.6, 0.0, 0.0])
    hedge = g.hedge_gain * 0.5
    np.testing.assert_allclose(
        b[:, POL],
        g.money_spillover * economic
        + [g.gratitude_gain * 0.2, hedge * g.hedge_share_china, hedge * (1 - g.hedge_share_china)],
    )


def test_mutual_damping_of_shares_by_hand() -> None:
    e = np.array([[0.6, 0.8, 0.6], [0.3, 0.1, 0.2], [0.3, 0.1, 0.2]])
    shares = domain_shares(e)
    np.testing.assert_allclose(shares.sum(axis=0), 1.0)
    holds = effective_holds(e, 0.5)
    np.testing.assert_allclose(holds[RU], shares[RU] * (1 - 0.5 * 0.2))  # China's mean is 0.2
    np.testing.assert_allclose(holds[CN], shares[CN] * (1 - 0.5 * 2 / 3))
    np.testing.assert_allclose(holds[W], shares[W])
    np.testing.assert_allclose(effective_holds(e, 0.0), shares)


def test_concentrated_dependence_holds_back_only_above_the_comfort_share() -> None:
    config = Config(dependence_aversion=2.0, comfort_share=0.5)
    holds = np.array([[0.8, 0.5, 0.3], [0.1, 0.2, 0.3], [0.1, 0.3, 0.4]])
    f = holdbacks(config, holds, threat=0.0)
    assert f[RU, ECO] == pytest.approx(np.exp(-2.0 * 0.3))
    np.testing.assert_allclose(np.delete(f.ravel(), RU * 3 + ECO), 1.0)
    t = targets(np.ones((3, 3)), np.zeros((3, 3)), f)
    assert t[RU, ECO] < t[RU, SEC] == pytest.approx(0.5)


def test_threat_lowers_only_russias_political_factor() -> None:
    config = Config(threat_aversion=0.8, dependence_aversion=0.0)
    f = holdbacks(config, np.full((3, 3), 1 / 3), threat=0.5)
    assert f[RU, POL] == pytest.approx(np.exp(-0.4))
    np.testing.assert_allclose(np.delete(f.ravel(), RU * 3 + POL), 1.0)


def test_targets_by_hand_and_affinity_inverts_them() -> None:
    a, b = np.full((3, 3), 0.5), np.full((3, 3), 0.25)
    f = np.full((3, 3), 0.9)
    np.testing.assert_allclose(targets(a, b, f), 0.75 / 1.75 * 0.9)
    e = np.array([[0.55, 0.7, 0.5], [0.35, 0.1, 0.25], [0.5, 0.15, 0.35]])
    affinity = calibrate_affinity(e, b * 0.0, f)
    np.testing.assert_allclose(targets(affinity, b * 0.0, f), e)


def test_affinity_is_zero_where_benefits_alone_exceed_the_engagement() -> None:
    e, f = np.full((3, 3), 0.2), np.ones((3, 3))
    b = np.full((3, 3), 2.0)  # sat(2) = 2/3 > 0.2
    assert (calibrate_affinity(e, b, f) == 0.0).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=9, max_size=9))
def test_alignment_shares_sum_to_one(values: list[float]) -> None:
    shares = alignment_shares(np.array(values).reshape(3, 3))
    assert shares.sum() == pytest.approx(1.0)
    assert (shares >= 0.0).all()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0.05, 0.6), min_size=9, max_size=9),
    st.lists(st.floats(0.2, 1.0), min_size=3, max_size=3),
)
def test_scaling_to_an_alignment_reproduces_it(values: list[float], weights: list[float]) -> None:
    e = np.array(values).reshape(3, 3)
    wanted = np.array(weights) / sum(weights)
    scaled = scale_to_alignment(e, np.array(weights))  # not normalised: scaled first
    assert scaled.sum() == pytest.approx(e.sum()) or scaled.max() == pytest.approx(1.0)
    if scaled.max() < 1.0:
        np.testing.assert_allclose(alignment_shares(scaled), wanted)
        # within a partner the domain profile is kept
        np.testing.assert_allclose(scaled[1] / scaled[1].sum(), e[1] / e[1].sum())


# --- initial state, events and the alignment channel ----------------------------------------


def test_initial_alignment_is_carried_by_the_engagement() -> None:
    model = small_model(
        initial={
            "kazakhstan": {"alignment_russia": 0.4, "alignment_china": 0.35, "alignment_west": 0.25}
        },
        rules=OTHER_RULES_OFF,
    )
    np.testing.assert_allclose(alignment(model), [0.4, 0.35, 0.25])
    np.testing.assert_allclose(alignment_shares(engagement(model)), [0.4, 0.35, 0.25])


def test_initial_engagement_is_a_fixed_point() -> None:
    model = mv_model()
    start = engagement(model)
    run(model, 36)
    np.testing.assert_allclose(engagement(model), start, atol=1e-9)


def test_event_setting_the_alignment_rescales_engagement() -> None:
    model = run(mv_model(), 2)
    mv(model).alignment_west = 0.9  # an event set it: the three now sum to 1.6
    model.step()
    a = alignment(model)
    assert a.sum() == pytest.approx(1.0)
    assert a[2] > 0.5  # the West's share of engagement followed the event
    np.testing.assert_allclose(a, alignment_shares(engagement(model)))


def test_debt_trap_shift_raises_chinas_economic_and_political_engagement() -> None:
    state = State.create(0)
    before, a0 = engagement_matrix(state), alignment_shares(engagement_matrix(state))
    np.testing.assert_allclose(a0, [0.5, 0.2, 0.3])
    shift_toward_china(state, 0.1)
    after = engagement_matrix(state)
    for d in (ECO, POL):
        assert after[CN, d] == pytest.approx(before[CN, d] + 0.1 * (1 - before[CN, d]))
    assert after[CN, SEC] == before[CN, SEC]
    np.testing.assert_array_equal(after[[RU, W]], before[[RU, W]])
    a1 = np.array([state.alignment_russia, state.alignment_china, state.alignment_west])
    assert a1[1] > a0[1] + 0.02 and a1.sum() == pytest.approx(1.0)
    assert a1[0] / a1[2] == pytest.approx(a0[0] / a0[2])  # Russia : West unchanged


def test_alignment_channel_applies_at_once_and_totals_by_source() -> None:
    model = mv_model()
    channel = model.channels["multi_vector.alignment"]
    start = mv(model).alignment_china
    channel.post("bri_loans", 0.1)
    assert mv(model).alignment_china > start + 0.02
    channel.post("other", 0.02)
    assert channel.totals == pytest.approx({"bri_loans": 0.1, "other": 0.02})
    channel.new_month()
    assert channel.totals == {}


def test_channel_moves_the_state_when_the_rule_is_disabled() -> None:
    model = small_model(rules=deep_merge(OTHER_RULES_OFF, {"multi_vector": {"enabled": False}}))
    model.channels["multi_vector.alignment"].post("bri_loans", 0.5)
    assert mv(model).alignment_china > 0.3


# --- the contract ---------------------------------------------------------------------------


class Recorder:
    """Stands for an actor or a view: records each name read, refuses every write."""

    def __init__(self, target: Any, owner: str, seen: set[str]) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_seen", seen)

    def __getattr__(self, name: str) -> Any:
        self._seen.add(f"{self._owner}.{name}")
        return getattr(self._target, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AssertionError(f"the rule writes {self._owner}.{name}, which it does not own")


class RecordingModel:
    """Stands for the model: hands out recording actors and refuses every other way in."""

    def __init__(self, model: KazakhstanModel, seen: set[str]) -> None:
        self._model, self._seen = model, seen

    def __getattr__(self, name: str) -> Any:
        if name in ACTOR_OWNERS:
            return Recorder(getattr(self._model, name), name, self._seen)
        raise AssertionError(f"the rule reaches model.{name}, around its declared reads")


def test_reads_are_exactly_what_the_rule_reads_and_it_writes_no_other_state() -> None:
    model = mv_model()
    rule = model.rules[0]
    assert isinstance(rule, Rule)
    seen: set[str] = set()
    views: dict[str, Any] = {owner: Recorder(v, owner, seen) for owner, v in rule._views.items()}
    rule._views = views
    rule.step(RecordingModel(model, seen))  # type: ignore[arg-type]
    assert seen == set(READS)


def test_views_of_other_states_are_read_only() -> None:
    model = mv_model()
    rule = model.rules[0]
    assert isinstance(rule, Rule)
    trade = rule.read(tariff_harmonisation.State)
    assert isinstance(trade, ReadOnly)
    with pytest.raises(AttributeError, match="may not write"):
        trade.import_share_china = 0.9
    with pytest.raises(AttributeError, match="does not declare"):
        _ = trade.applied_tariff


# --- behaviour on the model -----------------------------------------------------------------


def test_positive_sum_chinese_investment_does_not_cost_russia() -> None:
    control, invested = pair()
    invest(invested, 0.15)
    run(control, 60)
    run(invested, 60)
    e, c = engagement(invested), engagement(control)
    assert e[CN, ECO] > c[CN, ECO] + 0.1
    assert e[CN, POL] > c[CN, POL] + 0.05  # elites follow money (MV4)
    assert e[RU, SEC] >= c[RU, SEC] - 1e-12
    assert e[RU, ECO] >= c[RU, ECO] - 1e-12
    assert mv(invested).alignment_china > mv(control).alignment_china + 0.03


def test_concentrated_dependence_holds_engagement_back() -> None:
    settings_: dict[str, Any] = {"comfort_share": 0.3, "mutual_damping": 0.0}
    free, averse = (
        pair(dependence_aversion=0.0, **settings_)[0],
        pair(dependence_aversion=5.0, **settings_)[0],
    )
    for model in (free, averse):
        invest(model, 0.4)
    start_free, start_averse = engagement(free)[CN, ECO], engagement(averse)[CN, ECO]
    run(free, 120)
    run(averse, 120)
    assert domain_shares(engagement(averse))[CN, ECO] > 0.3  # above the comfort share
    rise_free = engagement(free)[CN, ECO] - start_free
    rise_averse = engagement(averse)[CN, ECO] - start_averse
    assert rise_averse < rise_free - 0.05


def test_threat_moves_the_hedge_to_china_and_the_west() -> None:
    control, threatened = pair()
    reactions(threatened).threat_perception = 0.8
    run(control, 60)
    run(threatened, 60)
    e, c = engagement(threatened), engagement(control)
    assert e[RU, POL] < c[RU, POL] - 0.05  # balance of threat
    assert e[CN, POL] > c[CN, POL] + 0.02  # the hedge flows to China (E L44) ...
    assert e[W, POL] > c[W, POL] + 0.02  # ... and to the West (T L1987-1989)
    assert alignment(threatened)[0] < alignment(control)[0]
    assert e[RU, POL] > 0.1  # no rupture, with no floor anywhere (MV5)


def test_costs_of_moving_close_half_the_gap_in_each_domains_half_life() -> None:
    # no term of the target depends on engagement here, and no input moves after the shock
    config: dict[str, Any] = {
        "dependence_aversion": 0.0,
        "mutual_damping": 0.0,
        "threat_aversion": 0.0,
    }
    model = mv_model(**config)
    invest(model, 0.0)
    model.step()
    trade = model.state(tariff_harmonisation.State)
    trade.eaeu_member = not trade.eaeu_member
    reactions(model).security_leverage_russia += 0.2
    reactions(model).threat_perception += 0.3
    rule = model.rules[0]
    assert isinstance(rule, Rule) and rule.affinity is not None
    shares = [trade.import_share_russia, trade.import_share_china, trade.import_share_other]
    b = benefits(
        Config(**config),
        np.array(shares),
        trade.eaeu_member,
        0.0,
        loans(model).transit_revenue_usd_bn / model.kazakhstan.gdp_usd_bn,
        loans(model).capital_need,
        reactions(model).security_leverage_russia,
        reactions(model).csto_gratitude,
        reactions(model).threat_perception,
    )
    target = targets(rule.affinity, b, np.ones((3, 3)))
    gap0 = target - engagement(model)
    assert abs(gap0[RU, ECO]) > 0.01 and gap0[RU, SEC] > 0.01 and gap0[CN, POL] > 0.01
    done = 0
    for months, (p, d) in ((12, (CN, POL)), (18, (RU, ECO)), (60, (RU, SEC))):
        run(model, months - done)
        done = months
        gap = target - engagement(model)
        assert gap[p, d] == pytest.approx(0.5 * gap0[p, d], rel=1e-6)
    np.testing.assert_allclose(rule.rates, [rate_from_half_life(h) for h in (18, 60, 12)])


def test_mv1_damping_does_not_cancel() -> None:
    # the same Chinese investment, with and without MV1: Russia's engagement responds only when
    # China's presence damps Russia's hold, and the Russia : China ratio differs
    results = {}
    for mu in (0.0, 1.0):
        control, invested = pair(mutual_damping=mu, comfort_share=0.3, dependence_aversion=3.0)
        invest(invested, 0.15)
        run(control, 60)
        run(invested, 60)
        results[mu] = (engagement(invested) - engagement(control), alignment(invested))
    (change0, a0), (change5, a5) = results[0.0], results[1.0]
    assert change5[RU, SEC] > change0[RU, SEC] + 0.005  # China's presence eases Russia's hold
    assert a5[0] / a5[1] != pytest.approx(a0[0] / a0[1], rel=0.01)


def test_outputs_are_derived_from_engagement() -> None:
    model = mv_model()
    invest(model, 0.1)
    run(model, 12)
    state, e = mv(model), engagement(model)
    np.testing.assert_allclose(alignment(model), alignment_shares(e))
    assert alignment(model).sum() == pytest.approx(1.0)
    holds = effective_holds(e, Config().mutual_damping)
    assert state.leverage_russia == pytest.approx(holds[RU].mean())
    assert state.leverage_china == pytest.approx(holds[CN].mean())
    assert state.china_economic_weight == pytest.approx(domain_shares(e)[CN, ECO])
    assert state.autonomy_index == pytest.approx(
        1 - max(state.leverage_russia, state.leverage_china)
    )


def test_csto_gratitude_raises_political_engagement_with_russia_while_it_lasts() -> None:
    control, grateful = pair()
    reactions(grateful).csto_gratitude = 0.5
    run(control, 12)
    run(grateful, 12)
    assert engagement(grateful)[RU, POL] > engagement(control)[RU, POL] + 0.02
    reactions(grateful).csto_gratitude = 0.0  # it fades (russian_reactions): so does the pull
    run(control, 60)
    run(grateful, 60)
    assert engagement(grateful)[RU, POL] == pytest.approx(engagement(control)[RU, POL], abs=0.005)


def test_disabled_rule_changes_nothing() -> None:
    model = small_model(rules=deep_merge(OTHER_RULES_OFF, {"multi_vector": {"enabled": False}}))
    start = engagement(model)
    invest(model, 0.3)
    run(model, 6)
    np.testing.assert_array_equal(engagement(model), start)
    assert mv(model).autonomy_index == 1.0
