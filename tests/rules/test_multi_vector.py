"""Tests of multi-vector balancing (MV1-MV5)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kzsim.contract import ReadOnly
from kzsim.contracts import bri_loans, russian_reactions, tariff_harmonisation
from kzsim.contracts.multi_vector import READS, Config, State, shift_toward_china
from kzsim.model import ACTOR_OWNERS, KazakhstanModel
from kzsim.rules.multi_vector import (
    Rule,
    alignment_target,
    calibrate_base,
    china_leverage,
    damp_leverages,
    project_to_simplex_with_floors,
    pulls,
    russia_leverage,
)
from tests.conftest import deep_merge, others_off, small_model

OTHER_RULES_OFF = others_off("multi_vector")


def mv_model(seed: int = 1, **multi_vector: Any) -> KazakhstanModel:
    """A small model, 2010-2029, in which only the multi-vector rule runs."""
    return small_model(
        seed,
        metadata={"end": "2029-12"},
        rules=deep_merge(OTHER_RULES_OFF, {"multi_vector": multi_vector}),
    )


def mv(model: KazakhstanModel) -> State:
    """The multi-vector rule's state."""
    return model.state(State)


def loans(model: KazakhstanModel) -> bri_loans.State:
    """The BRI loans rule's state (debt, equity, investment, capital need)."""
    return model.state(bri_loans.State)


def reactions(model: KazakhstanModel) -> russian_reactions.State:
    """Russia's reactions' state (security leverage, gratitude, threat perception)."""
    return model.state(russian_reactions.State)


def alignment(model: KazakhstanModel) -> np.ndarray:
    state = mv(model)
    return np.array([state.alignment_russia, state.alignment_china, state.alignment_west])


def run(model: KazakhstanModel, months: int) -> KazakhstanModel:
    for _ in range(months):
        model.step()
    return model


# --- pure functions -------------------------------------------------------------------------


def test_projection_by_hand() -> None:
    floors = np.array([0.3, 0.05, 0.05])
    # Russia below its floor: lifted to 0.3, the others give 0.05 each (equal shift theta)
    np.testing.assert_allclose(
        project_to_simplex_with_floors(np.array([0.2, 0.5, 0.3]), floors), [0.3, 0.45, 0.25]
    )
    # one entry far below: it sits on its floor and the rest absorb the excess
    np.testing.assert_allclose(
        project_to_simplex_with_floors(np.array([0.6, 0.45, -0.05]), floors), [0.55, 0.4, 0.05]
    )


def test_projection_leaves_a_feasible_point_unchanged() -> None:
    point = np.array([0.5, 0.2, 0.3])
    np.testing.assert_allclose(
        project_to_simplex_with_floors(point, np.array([0.3, 0.05, 0.05])), point
    )


def test_projection_with_full_floors_returns_the_floors() -> None:
    floors = np.array([0.6, 0.2, 0.2])
    np.testing.assert_allclose(
        project_to_simplex_with_floors(np.array([0.1, 0.1, 0.8]), floors), floors
    )


def test_projection_rejects_floors_above_one() -> None:
    with pytest.raises(ValueError, match="floors sum"):
        project_to_simplex_with_floors(np.array([0.3, 0.3, 0.4]), np.array([0.5, 0.5, 0.5]))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-2, 2), min_size=3, max_size=3),
    st.floats(0, 0.6),
    st.floats(0, 0.2),
)
def test_projection_keeps_floors_and_sums_to_one(
    point: list[float], floor_russia: float, floor_any: float
) -> None:
    floors = np.array([max(floor_russia, floor_any), floor_any, floor_any])
    x = project_to_simplex_with_floors(np.array(point), floors)
    assert x.sum() == pytest.approx(1.0)
    assert np.all(x >= floors - 1e-12)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(-1, 2), min_size=3, max_size=3),
    st.lists(st.floats(0, 1), min_size=3, max_size=3),
)
def test_projection_is_nearest_feasible_point(point: list[float], direction: list[float]) -> None:
    floors = np.array([0.3, 0.05, 0.05])
    x = project_to_simplex_with_floors(np.array(point), floors)
    # any other feasible point (a mix of x and a random feasible point) is no closer
    other = project_to_simplex_with_floors(np.array(direction), floors)
    for t in (0.1, 0.5, 1.0):
        candidate = (1 - t) * x + t * other
        assert np.linalg.norm(candidate - point) >= np.linalg.norm(x - point) - 1e-9


def test_russia_leverage_by_hand() -> None:
    config = Config(russia_transit_weight=0.25, russia_eaeu_weight=0.15)
    value = russia_leverage(config, 0.4, 0.85, 0.6, 0.55, eaeu_member=True)
    expected = (0.25 * 0.4 + 0.25 * 0.85 + 0.2 * 0.6 + 0.15 * 0.55 + 0.15 * 1.0) / 1.0
    assert value == pytest.approx(expected)
    assert russia_leverage(config, 0.4, 0.85, 0.6, 0.55, eaeu_member=False) == pytest.approx(
        expected - 0.15
    )


def test_china_leverage_by_hand_and_monotone() -> None:
    config = Config()
    value = china_leverage(
        config, debt_to_gdp=0.1, equity_usd_bn=2.0, import_share_china=0.2, investment_to_gdp=0.3
    )
    assert value == pytest.approx(0.3 * 0.5 + 0.2 * 0.5 + 0.3 * 0.2 + 0.2 * 0.75)
    debts = [china_leverage(config, d, 0.0, 0.2, 0.0) for d in (0.0, 0.05, 0.1, 0.5)]
    assert all(a < b for a, b in zip(debts, debts[1:], strict=False))


def test_mutual_damping_by_hand() -> None:
    russia, china = damp_leverages(0.6, 0.4, 0.5)
    assert russia == pytest.approx(0.6 * (1 - 0.5 * 0.4))
    assert china == pytest.approx(0.4 * (1 - 0.5 * 0.6))
    assert damp_leverages(0.6, 0.4, 0.0) == (0.6, 0.4)


def test_target_alignment_by_hand() -> None:
    base = np.array([0.5, 0.2, 0.3])
    multipliers = pulls(Config(), capital_need=0.5, lending_appetite=0.8, threat_perception=0.5)
    np.testing.assert_allclose(multipliers, [1.0, 1.4, 1.5])
    leverage = np.array([0.5, 0.2, 0.0])
    weights = base * multipliers * np.exp(-3.0 * leverage)
    np.testing.assert_allclose(
        alignment_target(base, multipliers, leverage, 3.0), weights / weights.sum()
    )


def test_gratitude_multiplies_russias_weight() -> None:
    multipliers = pulls(Config(), 0.0, 0.0, 0.0, gratitude=0.5)
    np.testing.assert_allclose(multipliers, [1.5, 1.0, 1.0])


def test_higher_china_leverage_lowers_china_target() -> None:
    base, multipliers = np.array([0.5, 0.2, 0.3]), np.ones(3)
    low = alignment_target(base, multipliers, np.array([0.5, 0.1, 0.0]), 3.0)
    high = alignment_target(base, multipliers, np.array([0.5, 0.4, 0.0]), 3.0)
    assert high[1] < low[1]
    assert high[0] > low[0] and high[2] > low[2]  # MV2: the fall goes to the others


def test_money_pulls_toward_china_threat_toward_west() -> None:
    config = Config()
    base, leverage = np.array([0.5, 0.2, 0.3]), np.array([0.5, 0.2, 0.0])
    calm = alignment_target(base, pulls(config, 0.0, 0.0, 0.0), leverage, 3.0)
    money = alignment_target(base, pulls(config, 1.0, 1.0, 0.0), leverage, 3.0)
    threat = alignment_target(base, pulls(config, 0.0, 0.0, 1.0), leverage, 3.0)
    assert money[1] > calm[1]
    assert threat[2] > calm[2]


def test_calibrated_base_reproduces_the_alignment() -> None:
    a = np.array([0.5, 0.2, 0.3])
    multipliers, leverage = np.array([1.0, 1.3, 1.1]), np.array([0.45, 0.05, 0.0])
    base = calibrate_base(a, multipliers, leverage, 3.0)
    assert base.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(alignment_target(base, multipliers, leverage, 3.0), a)


def test_config_rejects_floors_that_leave_no_room() -> None:
    with pytest.raises(ValidationError, match="floor_russia"):
        Config(floor_russia=0.95, floor_any=0.05)
    with pytest.raises(ValidationError, match="russia_"):
        Config(
            russia_trade_weight=0,
            russia_transit_weight=0,
            russia_security_weight=0,
            russia_media_weight=0,
            russia_eaeu_weight=0,
        )


# --- the alignment channel -----------------------------------------------------------------


def test_shift_toward_china_by_hand() -> None:
    state = State(alignment_russia=0.5, alignment_china=0.2, alignment_west=0.3)
    shift_toward_china(state, 0.1)
    # China closes a tenth of its gap to 1; Russia and the West give up 0.08 pro rata
    assert state.alignment_china == pytest.approx(0.2 + 0.1 * 0.8)
    assert state.alignment_russia == pytest.approx(0.5 * 0.72 / 0.8)
    assert state.alignment_west == pytest.approx(0.3 * 0.72 / 0.8)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0.01, 1.0), min_size=3, max_size=3),
    st.floats(0.0, 1.0),
)
def test_shift_toward_china_keeps_the_simplex(weights: list[float], delta: float) -> None:
    a = np.array(weights) / sum(weights)
    state = State(alignment_russia=a[0], alignment_china=a[1], alignment_west=a[2])
    shift_toward_china(state, delta)
    after = np.array([state.alignment_russia, state.alignment_china, state.alignment_west])
    assert after.sum() == pytest.approx(1.0)
    assert np.all(after >= 0.0)
    assert after[1] - a[1] == pytest.approx(delta * (1.0 - a[1]))
    assert after[0] * a[2] == pytest.approx(after[2] * a[0])  # Russia : West unchanged


def test_shift_toward_china_first_returns_to_the_simplex() -> None:
    # an event left the weights summing to 2: they are normalised before the shift
    state = State(alignment_russia=1.0, alignment_china=0.4, alignment_west=0.6)
    shift_toward_china(state, 0.0)
    after = (state.alignment_russia, state.alignment_china, state.alignment_west)
    assert after == pytest.approx((0.5, 0.2, 0.3))


def test_alignment_channel_applies_at_once_and_totals_by_source() -> None:
    model = mv_model()
    channel = model.channels["multi_vector.alignment"]
    channel.post("bri_loans", 0.1)
    assert mv(model).alignment_china == pytest.approx(0.28)
    assert alignment(model).sum() == pytest.approx(1.0)
    channel.post("bri_loans", 0.05)
    channel.post("other", 0.02)
    assert mv(model).alignment_china == pytest.approx(1 - 0.72 * 0.95 * 0.98)
    assert channel.totals == pytest.approx({"bri_loans": 0.15, "other": 0.02})
    channel.new_month()
    assert channel.totals == {}


def test_channel_exists_and_moves_the_state_when_the_rule_is_disabled() -> None:
    # the state, and so the channel, exist whether or not the rule runs
    model = small_model(rules=deep_merge(OTHER_RULES_OFF, {"multi_vector": {"enabled": False}}))
    model.channels["multi_vector.alignment"].post("bri_loans", 0.5)
    assert mv(model).alignment_china == pytest.approx(0.6)


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


def test_initial_alignment_is_a_fixed_point() -> None:
    model = mv_model()
    start = alignment(model)
    run(model, 24)
    np.testing.assert_allclose(alignment(model), start, atol=1e-12)


def test_higher_china_leverage_lowers_alignment_with_china() -> None:
    control, indebted = mv_model(), mv_model()
    control.step()
    indebted.step()
    loans(indebted).debt_to_china_usd_bn = 0.3 * indebted.kazakhstan.gdp_usd_bn
    run(control, 24)
    run(indebted, 24)
    assert mv(indebted).leverage_china > mv(control).leverage_china
    assert mv(indebted).alignment_china < mv(control).alignment_china - 0.02


def test_china_presence_damps_dominant_russia_and_raises_autonomy() -> None:
    # MV1: while Russia's hold is the strongest, China's growing leverage damps it
    control, indebted = mv_model(), mv_model()
    loans(indebted).debt_to_china_usd_bn = 0.05 * indebted.kazakhstan.gdp_usd_bn
    run(control, 3)
    run(indebted, 3)
    assert mv(indebted).leverage_china < mv(indebted).leverage_russia
    assert mv(indebted).leverage_russia < mv(control).leverage_russia
    assert mv(indebted).autonomy_index > mv(control).autonomy_index


def test_capital_need_and_appetite_pull_toward_china() -> None:
    control, hungry = mv_model(), mv_model()
    control.step()
    hungry.step()
    loans(hungry).capital_need = 1.0
    loans(hungry).china_lending_appetite = 1.0  # bri_loans is off: it stays there
    run(control, 24)
    run(hungry, 24)
    assert mv(hungry).alignment_china > mv(control).alignment_china + 0.02


def test_csto_gratitude_pulls_toward_russia_only_while_it_lasts() -> None:
    rules = deep_merge(OTHER_RULES_OFF, {"russian_reactions": {"enabled": True}})
    control = small_model(metadata={"end": "2029-12"}, rules=rules)
    grateful = small_model(metadata={"end": "2029-12"}, rules=rules)
    control.step()
    grateful.step()
    reactions(grateful).csto_gratitude = 0.5
    peak = 0.0
    for _ in range(36):
        control.step()
        grateful.step()
        gap = mv(grateful).alignment_russia - mv(control).alignment_russia
        peak = max(peak, gap)
    assert peak > 0.005
    assert gap < peak / 3  # no lasting deference (RL5)


def test_investment_raises_china_leverage() -> None:
    control, invested = mv_model(), mv_model()
    loans(invested).china_investment_usd_bn = 30.0
    run(control, 1)
    run(invested, 1)
    assert mv(invested).leverage_china > mv(control).leverage_china + 0.05


def test_threat_raises_alignment_with_west_and_keeps_russia_floor() -> None:
    model = mv_model(floor_russia=0.45)
    model.step()
    reactions(model).threat_perception = 1.0
    reactions(model).security_leverage_russia = 1.0
    model.russia.media_reach = 1.0
    model.state(tariff_harmonisation.State).eaeu_member = True
    west_before = mv(model).alignment_west
    run(model, 120)
    a = alignment(model)
    assert a[2] > west_before + 0.05
    assert a[0] >= 0.45 - 1e-12
    assert a.sum() == pytest.approx(1.0)
    assert a.min() >= 0.05 - 1e-12


def test_event_pushing_alignment_off_the_simplex_is_repaired() -> None:
    model = mv_model()
    model.step()
    mv(model).alignment_west = 0.9  # an event set it; sum is now 1.6
    model.step()
    a = alignment(model)
    assert a.sum() == pytest.approx(1.0)
    assert a[0] >= 0.3 - 1e-12


def test_autonomy_index_is_one_minus_the_highest_effective_leverage() -> None:
    model = mv_model()
    model.state(tariff_harmonisation.State).eaeu_member = True
    loans(model).debt_to_china_usd_bn = 20.0
    run(model, 3)
    state = mv(model)
    assert state.autonomy_index == pytest.approx(
        1 - max(state.leverage_russia, state.leverage_china)
    )
    rule = model.rules[0]
    assert isinstance(rule, Rule)
    assert state.leverage_russia < rule.leverage_russia_raw  # damped by China (MV1)


def test_explicit_base_weights_drive_alignment() -> None:
    model = mv_model(base_weights=(1.0, 1.0, 1.0), leverage_aversion=0.0, threat_pull=0.0)
    run(model, 200)
    np.testing.assert_allclose(alignment(model), [1 / 3, 1 / 3, 1 / 3], atol=1e-3)


def test_disabled_rule_changes_nothing() -> None:
    model = small_model(rules=deep_merge(OTHER_RULES_OFF, {"multi_vector": {"enabled": False}}))
    start = alignment(model)
    loans(model).debt_to_china_usd_bn = 50.0
    run(model, 6)
    np.testing.assert_array_equal(alignment(model), start)
    assert mv(model).autonomy_index == 1.0
