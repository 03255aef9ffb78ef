"""The registry of rules: one list of contract modules, the schedule, and what derives from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kzsim import catalog
from kzsim.contracts import CONTRACTS, RULE_CONFIGS, RULE_NAMES, SCHEDULE, SCHEDULE_REASONS
from kzsim.rules import rule_class
from kzsim.scenario.schema import Rules

ROOT = Path(__file__).parents[1]


#: What the schema and the contracts must not load: the simulation and Mesa.
def test_the_registry_lists_every_contract_module_under_its_name() -> None:
    assert tuple(CONTRACTS) == RULE_NAMES
    for name, module in CONTRACTS.items():
        assert module.__name__ == f"kzsim.contracts.{name}"
        assert RULE_CONFIGS[name] is module.Config


def test_the_schedule_lists_every_rule_once_each_with_its_reason() -> None:
    assert sorted(SCHEDULE) == sorted(RULE_NAMES)
    assert len(set(SCHEDULE)) == len(SCHEDULE)
    assert tuple(SCHEDULE_REASONS) == SCHEDULE
    assert all(reason.strip() for reason in SCHEDULE_REASONS.values())


def test_the_rules_model_has_one_field_per_rule_typed_by_its_contract() -> None:
    assert tuple(Rules.model_fields) == RULE_NAMES
    for name, field in Rules.model_fields.items():
        assert field.annotation is CONTRACTS[name].Config
    assert Rules().model_dump() == {n: RULE_CONFIGS[n]().model_dump() for n in RULE_NAMES}


@pytest.mark.parametrize("name", RULE_NAMES)
def test_each_rule_class_is_found_by_its_name_and_carries_it(name: str) -> None:
    rule = rule_class(name)
    assert rule.__module__ == f"kzsim.rules.{name}"
    assert rule.name == name


def test_an_unknown_rule_has_no_class() -> None:
    with pytest.raises(KeyError, match="no_such_rule"):
        rule_class("no_such_rule")


def test_the_catalog_holds_the_series_of_every_contract_in_catalog_order() -> None:
    declared = [
        s.name
        for module in CONTRACTS.values()
        for s in (*catalog.state_series(module.State), *module.DERIVED)
    ]
    regional = [
        s.name
        for module in CONTRACTS.values()
        for s in (*catalog.state_regional_series(module.State), *module.DERIVED_REGIONAL)
    ]
    core = [s.name for s in catalog.CORE_SERIES]
    assert [s.name for s in catalog.SERIES] == core + declared
    core_regional = [s.name for s in catalog.CORE_REGIONAL_SERIES]
    assert [s.name for s in catalog.REGIONAL_SERIES] == core_regional + regional


def test_the_model_description_gives_the_schedule_in_its_order() -> None:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    rows = re.findall(r"^   \| \d \| `(\w+)` \|", text, flags=re.MULTILINE)
    assert rows == list(SCHEDULE)
