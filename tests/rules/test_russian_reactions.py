"""Tests of Russia's reactions: security leverage, gratitude, irritation, rhetoric (RL1-RL5, OR3).

State is set and read through the rules' states (``model.state``), never through actor
attributes; the scenario's events, the one exogenous writer of this rule's state, are given as
scenario events.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from kzsim.contracts import multi_vector as mv
from kzsim.contracts import oil_routes
from kzsim.contracts.russian_reactions import Config, State
from kzsim.model import KazakhstanModel
from kzsim.rules.russian_reactions import (
    irritation_update,
    rhetoric_due,
    security_target,
)
from tests.conftest import deep_merge, others_off, small_model

OTHER_RULES_OFF = others_off("russian_reactions")
GRATITUDE = "russian_reactions.csto_gratitude"


def reactions_model(
    seed: int = 1,
    drivers: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    **reactions: Any,
) -> KazakhstanModel:
    """A small model, 2010-2015, in which only Russia's reactions run."""
    return small_model(
        seed,
        metadata={"end": "2015-12"},
        drivers=drivers or {},
        events=events or [],
        rules=deep_merge(OTHER_RULES_OFF, {"russian_reactions": reactions}),
    )


def reactions(model: KazakhstanModel) -> State:
    """The state this rule owns."""
    return model.state(State)


def shock(date: str, target: str, **change: float) -> dict[str, Any]:
    """A scenario event at ``date`` that sets or shifts ``target``."""
    return {
        "date": date,
        "kind": "shock",
        "actor": "russia",
        "detail": f"test shock to {target}",
        "effects": [{"target": target, **change}],
    }


def rhetoric_events(model: KazakhstanModel) -> list[int]:
    return [e.step for e in model.log if e.kind == "russian_rhetoric"]


def shift_west(model: KazakhstanModel, amount: float) -> None:
    """Move alignment from Russia to the West (as an event or the multi-vector rule would)."""
    alignment = model.state(mv.State)
    alignment.alignment_west += amount
    alignment.alignment_russia -= amount


# --- pure functions -------------------------------------------------------------------------


def test_irritation_update_by_hand() -> None:
    config = Config()
    value = irritation_update(config, 0.2, west_shift=0.02, exit_signal=0.01, sanctions=1.0)
    assert value == pytest.approx(0.9 * 0.2 + 5.0 * 0.02 + 3.0 * 0.01 + 0.02)


def test_moves_away_from_west_and_falls_of_threat_do_not_soothe() -> None:
    config = Config()
    assert irritation_update(config, 0.2, -0.1, -0.1, 0.0) == pytest.approx(0.18)


def test_irritation_is_clipped_to_one() -> None:
    assert irritation_update(Config(), 0.9, 0.5, 0.0, 0.0) == 1.0


def test_rhetoric_due_needs_threshold_and_cooldown() -> None:
    assert rhetoric_due(0.6, 0.5, None, 24)
    assert not rhetoric_due(0.5, 0.5, None, 24)
    assert not rhetoric_due(0.9, 0.5, 23, 24)
    assert rhetoric_due(0.9, 0.5, 24, 24)


# --- behaviour on the model -----------------------------------------------------------------


def test_west_move_raises_irritation() -> None:
    control, drifting = reactions_model(), reactions_model()
    control.step()
    drifting.step()
    shift_west(drifting, 0.05)
    control.step()
    drifting.step()
    assert reactions(control).russian_irritation == 0.0
    assert reactions(drifting).russian_irritation == pytest.approx(5.0 * 0.05)


def test_irritation_fades_without_new_drift() -> None:
    model = reactions_model()
    reactions(model).russian_irritation = 0.4
    for _ in range(12):
        model.step()
    assert reactions(model).russian_irritation == pytest.approx(0.4 * 0.9**12)


def test_sanctions_raise_irritation() -> None:
    sanctioned = reactions_model(drivers={"sanctions_on_russia": {"2010-01": 1.0}})
    calm = reactions_model()
    for _ in range(24):
        sanctioned.step()
        calm.step()
    # geometric approach to 0.02 / (1 - 0.9) = 0.2
    assert reactions(sanctioned).russian_irritation == pytest.approx(0.2 * (1 - 0.9**24))
    assert reactions(calm).russian_irritation == 0.0


def test_enough_irritation_triggers_logged_rhetoric_and_threat() -> None:
    model = reactions_model()
    model.step()
    threat_before = reactions(model).threat_perception
    shift_west(model, 0.15)  # irritation 5 x 0.15 = 0.75 > 0.5
    model.step()
    assert rhetoric_events(model) == [1]
    assert reactions(model).threat_perception == pytest.approx(threat_before + 0.2)


def test_no_rhetoric_below_threshold() -> None:
    model = reactions_model()
    model.step()
    shift_west(model, 0.05)  # irritation 0.25
    for _ in range(12):
        model.step()
    assert rhetoric_events(model) == []
    assert reactions(model).threat_perception == pytest.approx(0.1)


def test_cooldown_spaces_rhetoric_episodes() -> None:
    model = reactions_model(irritation_half_life_months=600.0)
    reactions(model).russian_irritation = 0.9  # stays high: 0.84 after 60 months
    for _ in range(60):
        model.step()
    assert rhetoric_events(model) == [0, 24, 48]


def test_rhetoric_threat_decays_with_half_life() -> None:
    model = reactions_model(threat_half_life_months=12.0, rhetoric_cooldown_months=600)
    state = reactions(model)
    state.russian_irritation = 0.9
    model.step()
    assert state.threat_perception == pytest.approx(0.3)
    for _ in range(12):
        model.step()
    assert state.threat_perception == pytest.approx(0.1 + 0.2 * 0.5)
    for _ in range(48):
        model.step()
    assert state.threat_perception == pytest.approx(0.1, abs=0.02)


def test_threat_from_events_is_not_decayed_by_this_rule() -> None:
    crimea = shock("2010-03", "kazakhstan.threat_perception", shift=0.6)
    model = reactions_model(events=[crimea], irritation_per_exit_signal=0.0)
    for _ in range(24):
        model.step()
    assert reactions(model).threat_perception == pytest.approx(0.7)


def test_threat_from_events_stays_while_rhetoric_threat_decays() -> None:
    crimea = shock("2010-03", "kazakhstan.threat_perception", shift=0.3)
    model = reactions_model(events=[crimea], threat_half_life_months=12.0)
    state = reactions(model)
    state.russian_irritation = 0.9
    model.step()  # rhetoric: 0.1 + 0.2
    for _ in range(12):
        model.step()  # the event adds 0.3 in month 2; half the rhetoric's 0.2 fades
    assert rhetoric_events(model) == [0]
    assert state.threat_perception == pytest.approx(0.1 + 0.3 + 0.2 * 0.5)


def test_move_toward_china_does_not_irritate() -> None:
    # Russia accommodates China's rise (C L47): a shift toward China is not drift to punish.
    model = reactions_model()
    model.step()
    alignment = model.state(mv.State)
    alignment.alignment_china += 0.2
    alignment.alignment_russia -= 0.2
    model.step()
    assert reactions(model).russian_irritation == 0.0


def test_crimea_size_threat_rise_is_an_exit_signal_answered_by_rhetoric() -> None:
    # RL3: a threatened Kazakhstan threatens to leave; Russia answers (P L465-470).
    crimea = shock("2010-03", "kazakhstan.threat_perception", shift=0.2)
    model = reactions_model(events=[crimea])
    for _ in range(3):
        model.step()
    assert reactions(model).russian_irritation == pytest.approx(3.0 * 0.2)
    assert rhetoric_events(model) == [2]
    assert reactions(model).threat_perception == pytest.approx(0.1 + 0.2 + 0.2)


def test_small_threat_rise_irritates_without_rhetoric() -> None:
    transition = shock("2010-03", "kazakhstan.threat_perception", shift=0.05)
    model = reactions_model(events=[transition])
    for _ in range(12):
        model.step()
    assert reactions(model).russian_irritation == pytest.approx(0.15 * 0.9**9)
    assert rhetoric_events(model) == []


def test_rhetorics_own_threat_is_no_exit_signal() -> None:
    model = reactions_model(rhetoric_cooldown_months=1)
    reactions(model).russian_irritation = 0.9
    model.step()  # rhetoric raises threat by 0.2: no irritation from that rise
    model.step()
    assert reactions(model).russian_irritation == pytest.approx(0.9 * 0.9 * 0.9)


def test_new_cpc_disruption_raises_threat_which_fades() -> None:
    storm = shock("2010-03", "russia.cpc_disruption", set=0.6)
    rules = deep_merge(OTHER_RULES_OFF, {"oil_routes": {"enabled": True}})
    model = small_model(metadata={"end": "2015-12"}, events=[storm], rules=rules)
    for _ in range(3):
        model.step()
    assert model.state(oil_routes.State).cpc_disruption == pytest.approx(0.6)
    assert reactions(model).threat_perception == pytest.approx(0.1 + 0.1 * 0.6)
    for _ in range(24):
        model.step()  # the disruption is repaired; its threat halves in 24 months
    assert reactions(model).threat_perception == pytest.approx(0.1 + 0.06 * 0.5)
    assert rhetoric_events(model) == []


def test_cpc_threat_counts_only_new_disruption() -> None:
    model = reactions_model()
    model.state(oil_routes.State).cpc_disruption = 0.5  # oil_routes off: the value stays
    for _ in range(3):
        model.step()
    assert reactions(model).threat_perception == pytest.approx(0.1 + 0.1 * 0.5 * 0.5 ** (2 / 24))


def test_threat_step_is_capped_at_one() -> None:
    model = reactions_model(rhetoric_threat_step=0.5)
    state = reactions(model)
    state.threat_perception = 0.8
    state.russian_irritation = 0.9
    model.step()
    assert state.threat_perception == 1.0
    for _ in range(24):
        model.step()
    # only the 0.2 actually added decays (one half-life of 24 months)
    assert state.threat_perception == pytest.approx(0.8 + 0.2 * 0.5)


def test_rhetoric_feeds_multi_vectors_hedge_away_from_russia() -> None:
    # The threat rhetoric adds is what multi_vector hedges on (its owner sets the size).
    rules = deep_merge(OTHER_RULES_OFF, {"multi_vector": {"enabled": True}})
    calm = small_model(metadata={"end": "2015-12"}, rules=rules)
    provoked = small_model(metadata={"end": "2015-12"}, rules=rules)
    reactions(provoked).russian_irritation = 0.9
    for _ in range(12):
        calm.step()
        provoked.step()
    assert rhetoric_events(provoked) == [0]
    assert reactions(provoked).threat_perception > reactions(calm).threat_perception + 0.1
    hedged, unmoved = provoked.state(mv.State), calm.state(mv.State)
    assert hedged.alignment_russia < unmoved.alignment_russia - 1e-3
    assert hedged.alignment_west > unmoved.alignment_west + 1e-3


def test_security_target_falls_only_with_extra_threat() -> None:
    assert security_target(0.6, 0.1, 0.1, 0.2) == pytest.approx(0.6)
    assert security_target(0.6, 0.0, 0.1, 0.2) == pytest.approx(0.6)  # less threat: no gain
    assert security_target(0.6, 0.6, 0.1, 0.2) == pytest.approx(0.5)
    assert security_target(0.1, 1.0, 0.0, 0.5) == 0.0


def test_security_leverage_stays_put_without_extra_threat() -> None:
    model = reactions_model()
    for _ in range(24):
        model.step()
    assert reactions(model).security_leverage_russia == pytest.approx(0.6)


def test_threat_lowers_security_leverage_slowly() -> None:
    model = reactions_model(irritation_per_exit_signal=0.0)  # no rhetoric on top
    reactions(model).threat_perception = 0.6  # 0.5 above the start: target 0.6 - 0.2 * 0.5
    for _ in range(60):
        model.step()
    # half the gap closes in one half-life of 60 months
    assert reactions(model).security_leverage_russia == pytest.approx(0.55, abs=1e-9)


def test_events_move_the_security_base_and_their_change_persists() -> None:
    arms_deal = shock("2010-02", "russia.security_leverage", shift=0.1)
    model = reactions_model(events=[arms_deal])
    for _ in range(25):
        model.step()
    assert reactions(model).security_leverage_russia == pytest.approx(0.7)


def test_security_drifts_to_the_event_moved_base_under_threat() -> None:
    arms_deal = shock("2010-01", "russia.security_leverage", set=0.8)
    model = reactions_model(events=[arms_deal], irritation_per_exit_signal=0.0)
    reactions(model).threat_perception = 0.6  # target 0.8 - 0.2 * 0.5 = 0.7
    for _ in range(60):
        model.step()
    assert reactions(model).security_leverage_russia == pytest.approx(0.75, abs=1e-9)


def test_csto_gratitude_fades_with_its_half_life() -> None:
    model = reactions_model()
    model.channels[GRATITUDE].post("land_protests", 0.5)
    for _ in range(2):
        model.step()
    assert reactions(model).csto_gratitude == pytest.approx(0.25)
    for _ in range(10):
        model.step()
    assert reactions(model).csto_gratitude < 0.02


# --- the CSTO-gratitude channel (posted by land_protests when allied troops come, RL5) -------


def test_gratitude_channel_adds_steps_to_this_rules_state() -> None:
    model = reactions_model()
    channel = model.channels[GRATITUDE]
    channel.post("land_protests", 0.3)
    assert reactions(model).csto_gratitude == pytest.approx(0.3)
    channel.post("land_protests", 0.4)
    assert reactions(model).csto_gratitude == pytest.approx(0.7)


def test_gratitude_steps_add_up_to_at_most_one() -> None:
    model = reactions_model()
    channel = model.channels[GRATITUDE]
    channel.post("land_protests", 0.5)
    channel.post("land_protests", 0.5)
    channel.post("land_protests", 0.5)
    assert reactions(model).csto_gratitude == 1.0


def test_gratitude_channel_keeps_totals_by_source() -> None:
    model = reactions_model()
    channel = model.channels[GRATITUDE]
    channel.post("land_protests", 0.5)
    channel.post("another_mechanism", 0.1)
    channel.post("land_protests", 0.25)
    assert channel.totals == pytest.approx({"land_protests": 0.75, "another_mechanism": 0.1})
    channel.new_month()
    assert channel.totals == {}
    assert reactions(model).csto_gratitude == pytest.approx(0.85)


def test_gratitude_totals_count_the_steps_posted_beyond_the_cap() -> None:
    model = reactions_model()
    channel = model.channels[GRATITUDE]
    channel.post("land_protests", 0.8)
    channel.post("land_protests", 0.8)
    assert reactions(model).csto_gratitude == 1.0
    assert channel.totals == pytest.approx({"land_protests": 1.6})


# --- ownership ------------------------------------------------------------------------------


def other_states(model: KazakhstanModel) -> dict[str, dict[str, Any]]:
    """A copy of every state but this rule's."""
    return {
        name: {key: np.copy(value) for key, value in dataclasses.asdict(state).items()}
        for name, state in model.states.items()
        if name != "russian_reactions"
    }


def test_writes_only_its_own_state() -> None:
    crimea = shock("2010-03", "kazakhstan.threat_perception", shift=0.3)
    model = reactions_model(events=[crimea], drivers={"sanctions_on_russia": {"2010-01": 1.0}})
    reactions(model).russian_irritation = 0.9
    model.channels[GRATITUDE].post("land_protests", 0.5)
    before = other_states(model)
    for _ in range(30):
        model.step()
    assert rhetoric_events(model) == [0]
    assert reactions(model).security_leverage_russia < 0.6
    after = other_states(model)
    for name, fields in before.items():
        for key, value in fields.items():
            np.testing.assert_array_equal(after[name][key], value, err_msg=f"{name}.{key}")


def test_disabled_rule_changes_nothing() -> None:
    model = small_model(
        rules=deep_merge(OTHER_RULES_OFF, {"russian_reactions": {"enabled": False}})
    )
    state = reactions(model)
    state.russian_irritation = 0.9
    shift_west(model, 0.2)
    for _ in range(6):
        model.step()
    assert state.russian_irritation == 0.9
    assert rhetoric_events(model) == []
    assert state.threat_perception == pytest.approx(0.1)
    assert state.security_leverage_russia == pytest.approx(0.6)
