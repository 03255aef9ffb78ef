"""Dashboard levers and the dashboard's model, without a browser."""

from __future__ import annotations

import inspect

import pytest

from kzsim.errors import InputError
from kzsim.viz.levers import LEVERS, DashboardModel, has_land_reform, value_at, with_levers
from tests.conftest import small_scenario

REFORM = {
    "date": "2010-03",
    "kind": "land_reform",
    "detail": "Land Code amendments",
    "effective": "2010-06",
}
AUCTION = {
    "date": "2010-04",
    "kind": "announcement",
    "detail": "auction announced",
    "effects": [{"target": "kazakhstan.land_salience", "shift": 0.4}],
}
OTHER = {"date": "2010-02", "kind": "policy", "detail": "something else"}


def test_every_lever_is_a_keyword_of_the_model_and_a_key_of_the_scenario() -> None:
    keywords = inspect.signature(DashboardModel.__init__).parameters
    data = small_scenario().to_data()
    for lever in LEVERS:
        assert lever.name in keywords
        value_at(data, lever.key)  # raises KeyError for a key the scenario does not have
    assert "land_reform" in keywords


def test_levers_apply_like_set_and_none_keeps_the_scenario() -> None:
    base = small_scenario()
    changed = with_levers(base, {"months_to_converge": 30, "protest_response": "repress"})
    assert changed.rules.tariff_harmonisation.months_to_converge == 30
    assert changed.rules.land_protests.response == "repress"
    assert with_levers(base, {"leakage_mean": None}) == base


def test_an_out_of_range_lever_is_an_input_error() -> None:
    with pytest.raises(InputError, match="rules.bri_loans.leakage_mean"):
        with_levers(small_scenario(), {"leakage_mean": 1.5})


def test_land_reform_off_removes_the_reform_and_the_salience_events() -> None:
    scenario = small_scenario(events=[OTHER, REFORM, AUCTION])
    assert has_land_reform(scenario)
    off = with_levers(scenario, {}, land_reform=False)
    assert [e.detail for e in off.events] == ["something else"]
    assert not has_land_reform(off)


def test_without_the_reform_the_land_policy_never_opens() -> None:
    scenario = small_scenario(events=[REFORM, AUCTION])
    states = {}
    for reform in (True, False):
        model = DashboardModel(scenario, seed=1, land_reform=reform)
        for _ in range(8):
            model.step()
        states[reform] = set(model.datacollector.model_vars["kazakhstan|land_policy_state"])
    assert states[False] == {0.0}
    assert states[True] != {0.0}


def test_the_model_stops_after_the_last_month() -> None:
    scenario = small_scenario(metadata={"name": "t", "start": "2010-01", "end": "2010-03"})
    model = DashboardModel(scenario, seed=1)
    for _ in range(2):
        model.step()
    assert model.running
    for _ in range(3):
        model.step()
    assert not model.running
    assert model.date == "2010-03"
    assert len(model.collected_steps) == 3


def test_a_lever_changes_the_run_and_nothing_else_is_random() -> None:
    scenario = small_scenario()
    runs = {}
    for months in (6, 24, 6):
        model = DashboardModel(scenario, seed=5, months_to_converge=months)
        for _ in range(4):
            model.step()
        runs.setdefault(months, []).append(
            model.datacollector.model_vars["kazakhstan|applied_tariff"][-1]
        )
    assert runs[6][0] == runs[6][1]
    assert runs[6][0] > runs[24][0]
