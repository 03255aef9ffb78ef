"""Tests of Russia's reactions: security leverage, gratitude, irritation, rhetoric (RL1-RL5)."""

from __future__ import annotations

from typing import Any

import pytest

from kzsim.contracts.russian_reactions import Config
from kzsim.model import KazakhstanModel
from kzsim.rules.russian_reactions import (
    irritation_update,
    rhetoric_due,
    security_target,
)
from tests.conftest import deep_merge, others_off, small_model

OTHER_RULES_OFF = others_off("russian_reactions")


def reactions_model(
    seed: int = 1, drivers: dict[str, Any] | None = None, **reactions: Any
) -> KazakhstanModel:
    """A small model, 2010-2015, in which only Russia's reactions run."""
    return small_model(
        seed,
        metadata={"end": "2015-12"},
        drivers=drivers or {},
        rules=deep_merge(OTHER_RULES_OFF, {"russian_reactions": reactions}),
    )


def rhetoric_events(model: KazakhstanModel) -> list[int]:
    return [e.step for e in model.log if e.kind == "russian_rhetoric"]


def shift_west(model: KazakhstanModel, amount: float) -> None:
    """Move alignment from Russia to the West (as an event or the multi-vector rule would)."""
    model.kazakhstan.alignment_west += amount
    model.kazakhstan.alignment_russia -= amount


# --- pure functions -------------------------------------------------------------------------


def test_irritation_update_by_hand() -> None:
    config = Config()
    value = irritation_update(config, 0.2, west_shift=0.02, china_shift=0.01, sanctions=1.0)
    assert value == pytest.approx(0.9 * 0.2 + 5.0 * 0.02 + 2.0 * 0.01 + 0.02)


def test_moves_away_from_west_or_china_do_not_soothe() -> None:
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
    assert control.russia.irritation == 0.0
    assert drifting.russia.irritation == pytest.approx(5.0 * 0.05)


def test_irritation_fades_without_new_drift() -> None:
    model = reactions_model()
    model.russia.irritation = 0.4
    for _ in range(12):
        model.step()
    assert model.russia.irritation == pytest.approx(0.4 * 0.9**12)


def test_sanctions_raise_irritation() -> None:
    sanctioned = reactions_model(drivers={"sanctions_on_russia": {"2010-01": 1.0}})
    calm = reactions_model()
    for _ in range(24):
        sanctioned.step()
        calm.step()
    # geometric approach to 0.02 / (1 - 0.9) = 0.2
    assert sanctioned.russia.irritation == pytest.approx(0.2 * (1 - 0.9**24))
    assert calm.russia.irritation == 0.0


def test_enough_irritation_triggers_logged_rhetoric_and_threat() -> None:
    model = reactions_model()
    model.step()
    threat_before = model.kazakhstan.threat_perception
    shift_west(model, 0.15)  # irritation 5 x 0.15 = 0.75 > 0.5
    model.step()
    assert rhetoric_events(model) == [1]
    assert model.kazakhstan.threat_perception == pytest.approx(threat_before + 0.2)


def test_no_rhetoric_below_threshold() -> None:
    model = reactions_model()
    model.step()
    shift_west(model, 0.05)  # irritation 0.25
    for _ in range(12):
        model.step()
    assert rhetoric_events(model) == []
    assert model.kazakhstan.threat_perception == pytest.approx(0.1)


def test_cooldown_spaces_rhetoric_episodes() -> None:
    model = reactions_model(irritation_half_life_months=600.0)
    model.russia.irritation = 0.9  # stays high: 0.84 after 60 months
    for _ in range(60):
        model.step()
    assert rhetoric_events(model) == [0, 24, 48]


def test_rhetoric_threat_decays_with_half_life() -> None:
    model = reactions_model(threat_half_life_months=12.0, rhetoric_cooldown_months=600)
    model.russia.irritation = 0.9
    model.step()
    assert model.kazakhstan.threat_perception == pytest.approx(0.3)
    for _ in range(12):
        model.step()
    assert model.kazakhstan.threat_perception == pytest.approx(0.1 + 0.2 * 0.5)
    for _ in range(48):
        model.step()
    assert model.kazakhstan.threat_perception == pytest.approx(0.1, abs=0.02)


def test_threat_from_events_is_not_decayed_by_this_rule() -> None:
    model = reactions_model()
    model.kazakhstan.threat_perception = 0.7  # e.g. a Crimea event
    for _ in range(24):
        model.step()
    assert model.kazakhstan.threat_perception == pytest.approx(0.7)


def test_threat_step_is_capped_at_one() -> None:
    model = reactions_model(rhetoric_threat_step=0.5)
    model.kazakhstan.threat_perception = 0.8
    model.russia.irritation = 0.9
    model.step()
    assert model.kazakhstan.threat_perception == 1.0
    for _ in range(24):
        model.step()
    # only the 0.2 actually added decays (one half-life of 24 months)
    assert model.kazakhstan.threat_perception == pytest.approx(0.8 + 0.2 * 0.5)


def test_rhetoric_pushes_alignment_west_through_multi_vector() -> None:
    rules = deep_merge(OTHER_RULES_OFF, {"multi_vector": {"enabled": True}})
    calm = small_model(metadata={"end": "2015-12"}, rules=rules)
    provoked = small_model(metadata={"end": "2015-12"}, rules=rules)
    provoked.russia.irritation = 0.9
    for _ in range(12):
        calm.step()
        provoked.step()
    assert rhetoric_events(provoked) == [0]
    assert provoked.kazakhstan.alignment_west > calm.kazakhstan.alignment_west + 0.01


def test_security_target_falls_only_with_extra_threat() -> None:
    assert security_target(0.6, 0.1, 0.1, 0.2) == pytest.approx(0.6)
    assert security_target(0.6, 0.0, 0.1, 0.2) == pytest.approx(0.6)  # less threat: no gain
    assert security_target(0.6, 0.6, 0.1, 0.2) == pytest.approx(0.5)
    assert security_target(0.1, 1.0, 0.0, 0.5) == 0.0


def test_security_leverage_stays_put_without_extra_threat() -> None:
    model = reactions_model()
    for _ in range(24):
        model.step()
    assert model.russia.security_leverage == pytest.approx(0.6)


def test_threat_lowers_security_leverage_slowly() -> None:
    model = reactions_model()
    model.kazakhstan.threat_perception = 0.6  # 0.5 above the start: target 0.6 - 0.2 * 0.5
    for _ in range(60):
        model.step()
    # half the gap closes in one half-life of 60 months
    assert model.russia.security_leverage == pytest.approx(0.55, abs=1e-9)


def test_events_move_the_security_base_and_their_change_persists() -> None:
    model = reactions_model()
    model.step()
    model.russia.security_leverage += 0.1  # as an event's shift would
    for _ in range(24):
        model.step()
    assert model.russia.security_leverage == pytest.approx(0.7)


def test_csto_gratitude_fades_with_its_half_life() -> None:
    model = reactions_model()
    model.russia.csto_gratitude = 0.5
    for _ in range(2):
        model.step()
    assert model.russia.csto_gratitude == pytest.approx(0.25)
    for _ in range(10):
        model.step()
    assert model.russia.csto_gratitude < 0.02


def test_disabled_rule_changes_nothing() -> None:
    model = small_model(
        rules=deep_merge(OTHER_RULES_OFF, {"russian_reactions": {"enabled": False}})
    )
    model.russia.irritation = 0.9
    shift_west(model, 0.2)
    for _ in range(6):
        model.step()
    assert model.russia.irritation == 0.9
    assert rhetoric_events(model) == []
    assert model.kazakhstan.threat_perception == pytest.approx(0.1)
