"""Scenario inputs as dotted keys and their differences."""

from __future__ import annotations

from kzsim.contracts import SCHEDULE
from kzsim.scenario.load import load_scenario
from kzsim.viz.differences import (
    ABSENT,
    changed_from_defaults,
    differences,
    flatten,
    scenario_differences,
    show,
)
from tests.conftest import small_scenario


def test_flatten_keys_read_like_loader_messages() -> None:
    data = {
        "rules": {"bri_loans": {"leakage_mean": 0.2}},
        "population": {"russian_media_by_ethnicity": [0.4, 0.8, 0.6], "regions": [{"id": "a"}]},
        "drivers": {},
    }
    assert flatten(data) == {
        "rules.bri_loans.leakage_mean": 0.2,
        "population.russian_media_by_ethnicity": [0.4, 0.8, 0.6],
        "population.regions[0].id": "a",
    }


def test_differences_in_document_order_with_absent_keys_and_ignored_prefixes() -> None:
    left = {"metadata": {"name": "a"}, "x": {"p": 1, "q": 2}}
    right = {"metadata": {"name": "b"}, "x": {"p": 1, "q": 3, "r": 4}}
    found = differences(left, right, ignore=("metadata",))
    assert [(d.key, d.left, d.right) for d in found] == [("x.q", 2, 3), ("x.r", ABSENT, 4)]


def test_an_override_is_the_only_difference() -> None:
    base = small_scenario()
    changed = load_scenario(base.to_data(), ["rules.tariff_harmonisation.months_to_converge=30"])
    found = scenario_differences(base, changed)
    assert [d.key for d in found] == ["rules.tariff_harmonisation.months_to_converge"]
    assert found[0].right == 30
    assert scenario_differences(base, base) == []


def test_each_event_is_one_line_and_missing_events_are_absent() -> None:
    event = {
        "date": "2013-09",
        "kind": "announcement",
        "actor": "china",
        "detail": "SREB announced",
        "effects": [{"target": "china.strategic_interest", "set": 0.8}],
    }
    with_event = small_scenario(events=[event])
    found = scenario_differences(with_event, small_scenario())
    assert len(found) == 1 and found[0].key == "events[0]" and found[0].right == ABSENT
    assert found[0].left.startswith("2013-09 announcement (china): SREB announced")
    assert "china.strategic_interest set 0.8" in found[0].left


def swapped_schedule() -> list[str]:
    """The canonical schedule with opinion and land_protests swapped."""
    schedule = list(SCHEDULE)
    first, second = schedule.index("opinion"), schedule.index("land_protests")
    schedule[first], schedule[second] = schedule[second], schedule[first]
    return schedule


def test_the_schedule_is_an_input_and_the_order_of_rule_keys_is_not() -> None:
    found = scenario_differences(small_scenario(), small_scenario(schedule=swapped_schedule()))
    assert [(d.key, d.left, d.right) for d in found] == [
        ("schedule", list(SCHEDULE), swapped_schedule())
    ]
    reordered = small_scenario(rules={"opinion": {}, "land_protests": {}})
    assert scenario_differences(small_scenario(), reordered) == []


def test_changed_from_defaults_names_a_changed_schedule() -> None:
    found = {d.key: (d.left, d.right) for d in changed_from_defaults(small_scenario())}
    assert "schedule" not in found
    scenario = small_scenario(schedule=swapped_schedule())
    found = {d.key: (d.left, d.right) for d in changed_from_defaults(scenario)}
    assert found["schedule"] == (list(SCHEDULE), swapped_schedule())


def test_changed_from_defaults_lists_only_what_the_scenario_sets() -> None:
    scenario = small_scenario(
        population={"sinophobia_mean": 0.2}, rules={"tariff_harmonisation": {"enabled": False}}
    )
    found = {d.key: (d.left, d.right) for d in changed_from_defaults(scenario)}
    assert found["population.sinophobia_mean"] == (0.55, 0.2)
    assert found["rules.tariff_harmonisation.enabled"] == (True, False)
    assert found["population.citizens"] == (20000, 2000)
    assert not any(key.startswith(("metadata", "drivers", "events")) for key in found)


def test_show_is_one_short_line() -> None:
    assert show(None) == "null"
    assert show([0.1, None]) == "[0.1, null]"
    assert show(1 / 3) == "0.333333"
    assert show({"region": ["a"]}) == "{region: [a]}"
