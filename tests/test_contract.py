"""The rule contract: one owner per state, declared reads, channels, a checked graph."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from kzsim.cli import main
from kzsim.contract import Channel, view
from kzsim.contracts import CONTRACTS, SCHEDULE
from kzsim.contracts import bri_loans as bri
from kzsim.contracts import tariff_harmonisation as tariff
from kzsim.contracts.opinion import RegionalHit
from kzsim.model import KazakhstanModel, check_reads
from tests.conftest import small_model, small_scenario


def test_a_view_gives_only_the_declared_fields_and_refuses_writes() -> None:
    state = tariff.State.create(3)
    seen = view(state, frozenset({"applied_tariff"}), "reader")
    state.applied_tariff = 0.2
    assert seen.applied_tariff == 0.2
    with pytest.raises(AttributeError, match="does not declare"):
        _ = seen.consumer_price_index
    with pytest.raises(AttributeError, match="tariff_harmonisation owns it"):
        seen.applied_tariff = 0.5
    assert state.applied_tariff == 0.2


def test_a_rule_reads_only_the_states_it_declares() -> None:
    model = small_model()
    rules = {rule.name: rule for rule in model.rules}
    assert rules["multi_vector"].read(bri.State).china_investment_usd_bn >= 0.0
    with pytest.raises(AttributeError, match="does not declare in READS"):
        rules["tariff_harmonisation"].read(bri.State)
    with pytest.raises(AttributeError, match="does not declare"):
        rules["multi_vector"].read(bri.State).failed_projects  # noqa: B018


def test_a_channel_applies_each_post_at_once_and_keeps_the_months_totals() -> None:
    applied: list[float] = []
    channel: Channel[float] = Channel("x.y", applied.append, abs)
    channel.post("a", 0.25)
    channel.post("b", -0.5)
    channel.post("a", 0.25)
    assert applied == [0.25, -0.5, 0.25]
    assert channel.totals == {"a": 0.5, "b": 0.5}
    channel.new_month()
    assert channel.totals == {}


def test_the_model_starts_every_month_with_empty_channel_totals() -> None:
    model = small_model()
    neutral = {"citizens.legitimacy": RegionalHit(0, 1, 0.0)}
    for channel in model.channels.values():
        channel.post("test", neutral.get(channel.target, 0.0))
        assert "test" in channel.totals
    model.step()
    assert all("test" not in channel.totals for channel in model.channels.values())


def test_every_declared_read_and_post_has_a_producer() -> None:
    check_reads(small_model())


def test_a_read_that_nothing_produces_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    model = small_model()
    monkeypatch.setattr(CONTRACTS["opinion"], "READS", ("bri_loans.no_such_field",))
    with pytest.raises(ValueError, match="opinion declares the read bri_loans.no_such_field"):
        check_reads(model)


def test_every_state_field_has_a_unit_a_description_and_a_default_in_its_range() -> None:
    for name, module in CONTRACTS.items():
        assert module.State.owner == name
        state = module.State.create(4)
        for variable in module.State.variables():
            assert variable.unit and variable.description, variable.name
            value = np.asarray(getattr(state, variable.name), dtype=np.float64)
            assert variable.low is None or (value >= variable.low).all(), variable.name
            assert variable.high is None or (value <= variable.high).all(), variable.name
        declared = {f.name for f in dataclasses.fields(module.State)}
        assert declared == {v.name for v in module.State.variables()}, name


def test_a_disabled_rules_state_stays_at_its_initial_values() -> None:
    scenario = small_scenario(rules={"bri_loans": {"enabled": False}})
    model = KazakhstanModel(scenario, seed=3)
    start = dataclasses.asdict(model.states["bri_loans"])
    for _ in range(12):
        model.step()
    after = dataclasses.asdict(model.states["bri_loans"])
    for field, value in start.items():
        np.testing.assert_array_equal(after[field], value, err_msg=field)


def test_kzsim_list_rules_prints_each_contract_in_schedule_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list", "--rules"]) == 0
    printed = capsys.readouterr().out
    positions = [printed.index(f". {name}:") for name in SCHEDULE]
    assert positions == sorted(positions)
    for read in CONTRACTS["multi_vector"].READS:
        assert read in printed
    assert "posts to: citizens.legitimacy, multi_vector.alignment" in printed


#: What a post to each channel changes: (rule state or "citizens", fields).
CHANNEL_TARGETS = {
    "citizens.legitimacy": ("citizens", {"legitimacy"}),
    "multi_vector.alignment": (
        "multi_vector",
        {
            "alignment_russia",
            "alignment_china",
            "alignment_west",
            "engagement_china_economic",
            "engagement_china_political",
        },
    ),
    "russian_reactions.csto_gratitude": ("russian_reactions", {"csto_gratitude"}),
}


def snapshot(model: KazakhstanModel) -> dict[tuple[str, str], np.ndarray]:
    """Every rule state field, citizen array and actor attribute, copied."""
    values: dict[tuple[str, str], np.ndarray] = {}
    for name, state in model.states.items():
        for field in type(state).field_names():
            values[(name, field)] = np.array(getattr(state, field), dtype=np.float64)
    for field, value in vars(model.population).items():
        if isinstance(value, np.ndarray):
            values[("citizens", field)] = value.astype(np.float64)
    for actor in ("kazakhstan", "russia", "china", "eaeu"):
        for field, value in vars(getattr(model, actor)).items():
            if isinstance(value, float | int | bool) and not field.startswith("_"):
                values[(actor, field)] = np.array(value, dtype=np.float64)
    return values


def test_each_rule_writes_only_what_it_owns_or_posts_to_a_channel() -> None:
    """Over the historical replay's first years, every change a rule's step makes is to its own
    state, its own citizens' arrays, or the targets of the channels it declares in POSTS."""
    from kzsim.scenario.load import load_scenario

    scenario = load_scenario("scenarios/historical_2010_2023.yaml", ["population.citizens=2000"])
    model = KazakhstanModel(scenario, seed=4, last_step=83)
    changed: dict[str, set[tuple[str, str]]] = {rule.name: set() for rule in model.rules}
    for rule in model.rules:
        step = rule.step

        def recorded(m: KazakhstanModel, step=step, name=rule.name) -> None:  # type: ignore[no-untyped-def]
            before = snapshot(m)
            step(m)
            after = snapshot(m)
            changed[name] |= {k for k, v in before.items() if not np.array_equal(v, after[k])}

        rule.step = recorded  # type: ignore[method-assign]
    while model.running:
        model.step()
    for name, keys in changed.items():
        module = CONTRACTS[name]
        allowed = {(name, f) for f in module.State.field_names()}
        allowed |= {("citizens", f) for f in module.CITIZENS}
        for target in module.POSTS:
            owner, fields = CHANNEL_TARGETS[target]
            allowed |= {(owner, f) for f in fields}
        assert keys, f"{name} changed nothing in seven years"
        assert keys <= allowed, f"{name} wrote what it does not own: {sorted(keys - allowed)}"


def test_every_citizen_array_a_rule_changes_has_one_owner() -> None:
    owners: dict[str, str] = {}
    for name, module in CONTRACTS.items():
        for field in module.CITIZENS:
            assert field not in owners, f"citizens.{field}: owned by {owners[field]} and {name}"
            owners[field] = name
    assert owners["legitimacy"] == "opinion" and owners["active"] == "land_protests"
