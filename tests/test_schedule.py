"""The schedule: a scenario's ``schedule:`` alone decides the order in which rules run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import kzsim
from kzsim.contracts import RULE_NAMES, SCHEDULE
from kzsim.errors import InputError
from kzsim.model import KazakhstanModel
from kzsim.scenario.load import load_scenario
from kzsim.scenario.schema import Scenario

SIX_MONTHS = {"name": "t", "start": "2010-01", "end": "2010-06"}
#: Every rule, with opinion's and land_protests' keys swapped against the canonical order.
RULES = {name: {} for name in ("tariff_harmonisation", "bri_loans", "land_protests", "opinion")}
RULES |= {"multi_vector": {}, "russian_reactions": {}, "oil_routes": {}}


def scenario(**sections: Any) -> Scenario:
    data = {"metadata": SIX_MONTHS, "population": {"citizens": 2000}} | sections
    return load_scenario(data)


def series(of: Scenario) -> pd.DataFrame:
    return kzsim.run(of, seed=3).series


def test_the_default_schedule_is_the_canonical_order() -> None:
    assert scenario().schedule == SCHEDULE
    assert scenario(rules=RULES).schedule == SCHEDULE
    assert sorted(SCHEDULE) == sorted(RULE_NAMES)


def test_the_model_runs_the_rules_in_schedule_order() -> None:
    order = ("russian_reactions", "opinion", "tariff_harmonisation", "land_protests")
    order += ("multi_vector", "oil_routes", "bri_loans")
    model = KazakhstanModel(scenario(schedule=list(order)), seed=1)
    assert tuple(rule.name for rule in model.rules) == order


def test_a_disabled_rule_keeps_its_place_out_of_the_run() -> None:
    model = KazakhstanModel(scenario(rules={"opinion": {"enabled": False}}), seed=1)
    assert tuple(rule.name for rule in model.rules) == tuple(n for n in SCHEDULE if n != "opinion")


def test_reordering_the_keys_under_rules_changes_nothing() -> None:
    reordered = dict(reversed(list(RULES.items())))
    assert list(reordered) != list(RULES)
    pd.testing.assert_frame_equal(series(scenario(rules=RULES)), series(scenario(rules=reordered)))


def test_reordering_the_schedule_changes_the_run() -> None:
    swapped = list(SCHEDULE)
    first, second = swapped.index("opinion"), swapped.index("land_protests")
    swapped[first], swapped[second] = swapped[second], swapped[first]
    canonical, changed = series(scenario()), series(scenario(schedule=swapped))
    assert canonical[["step", "scope", "variable"]].equals(changed[["step", "scope", "variable"]])
    assert not canonical["value"].equals(changed["value"])


def test_round_trip_keeps_the_schedule(tmp_path: Path) -> None:
    first = scenario(schedule=list(reversed(SCHEDULE)))
    assert first.to_data()["schedule"] == list(reversed(SCHEDULE))
    path = tmp_path / "again.yaml"
    path.write_text(yaml.safe_dump(first.to_data(), sort_keys=False), encoding="utf-8")
    assert load_scenario(path) == first


def test_the_manifest_records_the_schedule() -> None:
    order = list(reversed(SCHEDULE))
    manifest = kzsim.run(scenario(schedule=order), seed=1, steps=1).manifest
    assert manifest["scenario"]["schedule"] == order


def test_an_override_sets_the_schedule(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"metadata": SIX_MONTHS}), encoding="utf-8")
    order = list(reversed(SCHEDULE))
    loaded = load_scenario(path, [f"schedule=[{', '.join(order)}]"])
    assert loaded.schedule == tuple(order)


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (
            [*SCHEDULE[:2], "opinon", *SCHEDULE[3:]],
            "schedule[2]: unknown rule 'opinon' (did you mean 'opinion'? allowed: "
            + ", ".join(SCHEDULE)
            + ")",
        ),
        (
            [*SCHEDULE, "opinion"],
            f"schedule[{len(SCHEDULE)}]: rule 'opinion' is already at "
            f"schedule[{SCHEDULE.index('opinion')}] (allowed: every rule exactly once)",
        ),
        (
            [n for n in SCHEDULE if n != "bri_loans"],
            "schedule: rule 'bri_loans' is missing (allowed: every rule exactly once; "
            "switch a rule off with rules.<rule>.enabled: false)",
        ),
    ],
    ids=["unknown", "duplicate", "missing"],
)
def test_a_bad_schedule_is_one_line(schedule: list[str], expected: str) -> None:
    with pytest.raises(InputError) as caught:
        scenario(schedule=schedule)
    assert caught.value.problems == [f"<scenario>:1:1: {expected}"]


def test_the_json_schema_lists_the_schedule_with_its_names() -> None:
    field = Scenario.model_json_schema()["properties"]["schedule"]
    assert field["default"] == list(SCHEDULE)
    assert field["items"]["enum"] == list(SCHEDULE)
