"""Tests of the oil export routes: shares, oil to China, CPC disruptions, diversification (OR1-OR4).

The rule's state is set and read through ``model.state``; CPC disruptions enter as scenario
events on ``russia.cpc_disruption``, the one outside writer of that field.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from kzsim.contracts import russian_reactions as rr
from kzsim.contracts import tariff_harmonisation as th
from kzsim.contracts.oil_routes import Config, State
from kzsim.model import KazakhstanModel
from kzsim.months import parse_month
from kzsim.rules.oil_routes import caspian_step, caspian_target, china_volume_mt
from tests.conftest import deep_merge, others_off, small_model

OTHER_RULES_OFF = others_off("oil_routes")


def routes_model(
    events: list[dict[str, Any]] | None = None,
    start: str = "2010-01",
    end: str = "2015-12",
    **routes: Any,
) -> KazakhstanModel:
    """A small model in which only the oil routes run."""
    return small_model(
        metadata={"start": start, "end": end},
        events=events or [],
        rules=deep_merge(OTHER_RULES_OFF, {"oil_routes": routes}),
    )


def routes(model: KazakhstanModel) -> State:
    """The state this rule owns."""
    return model.state(State)


def disruption(date: str, share: float) -> dict[str, Any]:
    """A scenario event at ``date`` that sets the CPC capacity lost."""
    return {
        "date": date,
        "kind": "shock",
        "actor": "russia",
        "detail": "test CPC disruption",
        "effects": [{"target": "russia.cpc_disruption", "set": share}],
    }


def annual_mean(values: dict[str, float], year: int) -> float:
    """Mean of a ``{YYYY-MM: value}`` series over one calendar year."""
    return float(np.mean([v for month, v in values.items() if month.startswith(str(year))]))


# --- pure functions -------------------------------------------------------------------------


def test_china_volume_is_the_peak_until_the_decline_starts() -> None:
    config = Config()
    assert china_volume_mt(config, parse_month("2011-06")) == pytest.approx(11.8)
    assert china_volume_mt(config, parse_month("2014-01")) == pytest.approx(11.8)


def test_china_volume_halves_its_excess_over_the_floor_each_half_life() -> None:
    config = Config(china_decline_half_life_months=12.0)
    assert china_volume_mt(config, parse_month("2015-01")) == pytest.approx(1.2 + 10.6 / 2)
    assert china_volume_mt(config, parse_month("2016-01")) == pytest.approx(1.2 + 10.6 / 4)
    assert china_volume_mt(config, parse_month("2030-01")) == pytest.approx(1.2, abs=1e-3)


def test_caspian_target_rises_with_extra_threat_and_worst_disruption() -> None:
    config = Config()
    assert caspian_target(config, 0.1, 0.1, 0.0, 0.9) == pytest.approx(0.12)
    assert caspian_target(config, 0.0, 0.1, 0.0, 0.9) == pytest.approx(0.12)  # less threat
    assert caspian_target(config, 0.5, 0.1, 0.6, 0.9) == pytest.approx(0.12 + 0.02 + 0.18)
    assert caspian_target(config, 1.0, 0.0, 1.0, 0.3) == pytest.approx(0.3)  # the ceiling


def test_caspian_step_is_capacity_limited_and_never_falls() -> None:
    assert caspian_step(0.1, 0.5, 0.5, 0.01) == pytest.approx(0.11)
    assert caspian_step(0.1, 0.12, 0.5, 0.01) == pytest.approx(0.11)
    assert caspian_step(0.1, 0.102, 0.5, 0.01) == pytest.approx(0.101)
    assert caspian_step(0.3, 0.1, 0.5, 0.01) == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"caspian_base_share": 0.5, "other_russia_share": 0.4}, "leave a share for the CPC"),
        ({"china_floor_mt_per_year": 20.0}, "above china_peak_mt_per_year"),
        ({"oil_exports_mt_per_year": 0.0}, "greater than 0"),
    ],
)
def test_bad_parameters_are_rejected(change: dict[str, float], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        Config(**change)


# --- behaviour on the model -----------------------------------------------------------------


def test_route_shares_add_up_and_transit_is_cpc_plus_samara() -> None:
    model = routes_model()
    for _ in range(60):
        model.step()
        state = routes(model)
        total = (
            state.oil_export_share_cpc
            + state.oil_export_share_china
            + state.oil_export_share_caspian
            + Config().other_russia_share
        )
        assert total == pytest.approx(1.0)
        assert state.transit_dependence_russia == pytest.approx(
            state.oil_export_share_cpc + Config().other_russia_share
        )


def test_china_decline_moves_oil_to_the_cpc() -> None:
    # OR2: Kazakh oil to China fell from 11.8 Mt (2013) to 1.3 Mt (2018), oil_export_routes.csv.
    model = routes_model(end="2019-12")
    volumes, cpc = {}, {}
    while model.running:
        model.step()
        volumes[model.date] = routes(model).oil_exports_china_mt
        cpc[model.date] = routes(model).oil_export_share_cpc
    assert annual_mean(volumes, 2013) == pytest.approx(11.8)
    assert annual_mean(volumes, 2018) == pytest.approx(1.3, rel=0.15)
    assert annual_mean(cpc, 2018) > annual_mean(cpc, 2013) + 0.1


def test_disruption_from_an_event_is_repaired_with_its_half_life() -> None:
    model = routes_model(events=[disruption("2010-03", 0.6)], cpc_repair_half_life_months=2.0)
    for _ in range(3):
        model.step()
    state = routes(model)
    assert state.cpc_disruption == pytest.approx(0.6)
    assert state.oil_exports_held_up_mt == pytest.approx(0.6 * state.oil_export_share_cpc * 70.0)
    for _ in range(4):
        model.step()
    assert state.cpc_disruption == pytest.approx(0.6 / 4)


def test_no_threat_and_no_disruption_keep_the_caspian_route_at_its_base() -> None:
    model = routes_model()
    for _ in range(36):
        model.step()
    assert routes(model).oil_export_share_caspian == pytest.approx(0.12)


def test_disruption_makes_caspian_diversification_grow_slowly_and_last() -> None:
    # OR4: a CPC disruption is a lasting lesson; growth is capacity-limited (0.03 a year).
    model = routes_model(events=[disruption("2010-01", 0.6)])
    model.step()
    first = routes(model).oil_export_share_caspian
    assert first == pytest.approx(0.12 + 0.03 / 12)
    for _ in range(47):
        model.step()
    caspian = routes(model).oil_export_share_caspian
    assert routes(model).cpc_disruption < 1e-6  # repaired long ago
    assert 0.12 + 0.05 < caspian <= 0.12 + 4 * 0.03 + 1e-9
    assert caspian < 0.12 + 0.3 * 0.6  # still below the target 0.3


def test_threat_above_its_start_raises_the_caspian_share() -> None:
    model = routes_model()
    calm = routes_model()
    model.state(rr.State).threat_perception = 0.9  # russian_reactions off: it stays
    for _ in range(24):
        model.step()
        calm.step()
    assert routes(model).oil_export_share_caspian > routes(calm).oil_export_share_caspian + 0.01
    assert routes(model).transit_dependence_russia < routes(calm).transit_dependence_russia


def test_transit_dependence_feeds_russias_trade_leverage() -> None:
    rules = deep_merge(OTHER_RULES_OFF, {"tariff_harmonisation": {"enabled": True}})
    usual = small_model(rules=rules)
    # more oil to China: less crossing Russia
    diverse = small_model(rules=deep_merge(rules, {"oil_routes": {"china_peak_mt_per_year": 30.0}}))
    for _ in range(3):
        usual.step()
        diverse.step()
    assert routes(diverse).transit_dependence_russia < routes(usual).transit_dependence_russia
    weight = th.Config().leverage_weight_transit
    gap = routes(usual).transit_dependence_russia - routes(diverse).transit_dependence_russia
    lower = (
        usual.state(th.State).trade_leverage_russia - diverse.state(th.State).trade_leverage_russia
    )
    assert lower == pytest.approx(weight * gap)


def test_works_from_a_later_start() -> None:
    model = routes_model(start="2024-01", end="2024-12")
    model.step()
    assert routes(model).oil_exports_china_mt == pytest.approx(1.2, abs=0.01)


# --- ownership ------------------------------------------------------------------------------


def other_states(model: KazakhstanModel) -> dict[str, dict[str, Any]]:
    """A copy of every state but this rule's."""
    return {
        name: {key: np.copy(value) for key, value in dataclasses.asdict(state).items()}
        for name, state in model.states.items()
        if name != "oil_routes"
    }


def test_writes_only_its_own_state() -> None:
    model = routes_model(events=[disruption("2010-03", 0.6)])
    model.state(rr.State).threat_perception = 0.6
    before = other_states(model)
    for _ in range(30):
        model.step()
    assert routes(model).oil_export_share_caspian > 0.12
    after = other_states(model)
    for name, fields in before.items():
        for key, value in fields.items():
            np.testing.assert_array_equal(after[name][key], value, err_msg=f"{name}.{key}")


def test_disabled_rule_changes_nothing() -> None:
    model = small_model(rules=deep_merge(OTHER_RULES_OFF, {"oil_routes": {"enabled": False}}))
    model.state(rr.State).threat_perception = 0.9
    start = dataclasses.asdict(routes(model))
    for _ in range(12):
        model.step()
    assert dataclasses.asdict(routes(model)) == start
