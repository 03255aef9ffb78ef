"""Direct tests of the event engine: timing, conditions, ``once``, ``where`` filters and effects.

Every rule is switched off, so events are the only thing that moves actor and citizen state, and
each test can name exactly which values an event must change. The engine is observed through
the model: step it, then read actor attributes, the population arrays and ``model.log``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kzsim.agents.population import ATTITUDES, ETHNICITIES
from kzsim.contracts import INITIAL_OWNERS, RULE_NAMES
from kzsim.events import EventEngine
from kzsim.model import KazakhstanModel
from tests.conftest import small_model

ALL_RULES_OFF = {name: {"enabled": False} for name in RULE_NAMES}
START_YEAR = 2010


def event_model(*events: dict[str, Any]) -> KazakhstanModel:
    """A small model (2010-01..2011-12, 2,000 citizens, no rules) with the given events."""
    return small_model(seed=3, rules=ALL_RULES_OFF, events=list(events))


def months_through(date: str) -> int:
    """Number of steps from the 2010-01 start up to and including ``date``."""
    year, month = (int(part) for part in date.split("-"))
    return (year - START_YEAR) * 12 + month


def step_through(model: KazakhstanModel, date: str) -> None:
    """Step a fresh model until the month ``date`` has been simulated."""
    for _ in range(months_through(date)):
        model.step()


def fired(model: KazakhstanModel, detail: str) -> list[str]:
    """Months (``YYYY-MM``) in which the event with this detail was logged."""
    return [entry.date for entry in model.log if entry.detail == detail]


def set_repression(date: str, value: float) -> dict[str, Any]:
    """A dated event that sets the government's repression (a series events may condition on)."""
    return {
        "date": date,
        "kind": "policy",
        "detail": f"repression {value} in {date}",
        "effects": [{"target": "kazakhstan.repression", "set": value}],
    }


def when_repression(detail: str, once: bool = True, **bound: float) -> dict[str, Any]:
    """A conditional event on repression that raises Russian irritation by 0.05 each firing."""
    return {
        "when": {"metric": "repression", **bound},
        "once": once,
        "kind": "shock",
        "actor": "russia",
        "detail": detail,
        "effects": [{"target": "russia.irritation", "shift": 0.05}],
    }


def region_index(model: KazakhstanModel, region_id: str) -> int:
    """Index of a region in the scenario's region table (the code of ``population.region``)."""
    return [r.id for r in model.scenario.population.regions].index(region_id)


def selected(model: KazakhstanModel, where: dict[str, Any] | None) -> np.ndarray:
    """The citizens a ``where`` filter should select, computed from the population arrays."""
    population = model.population
    mask = np.ones(population.size, dtype=bool)
    if where is None:
        return mask
    if "region" in where:
        codes = [region_index(model, r) for r in where["region"]]
        mask &= np.isin(population.region, codes)
    if "ethnicity" in where:
        codes = [ETHNICITIES.index(e) for e in where["ethnicity"]]
        mask &= np.isin(population.ethnicity, codes)
    if "urban" in where:
        mask &= population.urban == where["urban"]
    return mask


def citizen_state(model: KazakhstanModel) -> dict[str, np.ndarray]:
    """Copies of every citizen attribute events may touch, attitudes' anchors included."""
    population = model.population
    names = (*ATTITUDES, "hardship", "russian_media", "china_contact")
    state = {name: getattr(population, name).copy() for name in names}
    state.update({f"anchor:{a}": population.anchors[a].copy() for a in ATTITUDES})
    return state


def changed_keys(before: dict[str, np.ndarray], after: dict[str, np.ndarray]) -> set[str]:
    """Names of the arrays that differ anywhere."""
    return {name for name in before if not np.array_equal(before[name], after[name])}


# Timing ------------------------------------------------------------------------------------


def test_dated_event_fires_in_its_month_and_only_then() -> None:
    model = event_model(set_repression("2010-04", 0.8))
    path, logged = [], []
    for _ in range(9):
        model.step()
        path.append(model.states["land_protests"].repression)
        logged.append(len(model.log))
    assert path == [0.3, 0.3, 0.3, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
    assert logged == [0, 0, 0, 1, 1, 1, 1, 1, 1]
    assert fired(model, "repression 0.8 in 2010-04") == ["2010-04"]


def test_logged_event_carries_its_kind_and_actor() -> None:
    model = event_model(
        {"date": "2010-02", "kind": "announcement", "actor": "china", "detail": "a speech"}
    )
    step_through(model, "2010-03")
    [entry] = model.log
    assert (entry.date, entry.kind, entry.actor, entry.detail) == (
        "2010-02",
        "announcement",
        "china",
        "a speech",
    )


def test_when_above_fires_the_first_month_the_metric_exceeds_the_level() -> None:
    # Dated events of a month are applied before its conditions are checked; "above" is strict,
    # so repression at exactly 0.5 (2010-03) does not fire and 0.6 (2010-04) does.
    model = event_model(
        set_repression("2010-02", 0.4),
        set_repression("2010-03", 0.5),
        set_repression("2010-04", 0.6),
        when_repression("crossed", above=0.5),
    )
    irritation = []
    for _ in range(8):
        model.step()
        irritation.append(round(model.states["russian_reactions"].russian_irritation, 12))
    assert fired(model, "crossed") == ["2010-04"]
    assert irritation == [0.0, 0.0, 0.0, 0.05, 0.05, 0.05, 0.05, 0.05]


def test_when_below_fires_the_first_month_the_metric_falls_under_the_level() -> None:
    model = event_model(
        set_repression("2010-03", 0.2),
        set_repression("2010-05", 0.1),
        when_repression("under 0.3", below=0.3),
        when_repression("under 0.15", below=0.15),
        when_repression("under 0.05", below=0.05),
    )
    step_through(model, "2010-12")
    # Repression starts at exactly 0.3: "below" is strict too.
    assert fired(model, "under 0.3") == ["2010-03"]
    assert fired(model, "under 0.15") == ["2010-05"]
    assert fired(model, "under 0.05") == []


def test_condition_that_holds_from_the_start_fires_in_the_first_month() -> None:
    model = event_model(when_repression("at once", above=0.1))
    step_through(model, "2010-06")
    assert fired(model, "at once") == ["2010-01"]


@pytest.mark.parametrize(
    ("once", "months"),
    [
        (True, ["2010-03"]),
        (False, ["2010-03", "2010-04", "2010-05", "2010-09", "2010-10", "2010-11", "2010-12"]),
    ],
)
def test_once_fires_one_time_and_otherwise_every_month_the_condition_holds(
    once: bool, months: list[str]
) -> None:
    model = event_model(
        set_repression("2010-03", 0.6),
        set_repression("2010-06", 0.2),
        set_repression("2010-09", 0.7),
        when_repression("high", once=once, above=0.5),
    )
    step_through(model, "2010-12")
    assert fired(model, "high") == months
    assert model.states["russian_reactions"].russian_irritation == pytest.approx(0.05 * len(months))


# Where filters -----------------------------------------------------------------------------

FILTERS: list[dict[str, Any] | None] = [
    None,
    {"region": ["atyrau"]},
    {"region": ["akmola", "kostanay"]},
    {"ethnicity": ["russian"]},
    {"ethnicity": ["kazakh", "other"]},
    {"urban": True},
    {"urban": False},
    {"region": ["akmola", "kostanay"], "ethnicity": ["russian", "other"]},
    {"region": ["north_kazakhstan", "almaty_city"], "ethnicity": ["kazakh"], "urban": False},
]


@pytest.mark.parametrize("where", FILTERS, ids=str)
def test_where_shifts_exactly_the_selected_citizens_and_their_anchors(
    where: dict[str, Any] | None,
) -> None:
    effect: dict[str, Any] = {"target": "citizens.sinophobia", "shift": 0.1}
    if where is not None:
        effect["where"] = where
    model = event_model({"date": "2010-02", "kind": "shock", "detail": "x", "effects": [effect]})
    mask = selected(model, where)
    assert 0 < mask.sum() <= model.population.size
    if where is not None:
        assert mask.sum() < model.population.size
    before = citizen_state(model)
    step_through(model, "2010-03")
    after = citizen_state(model)
    assert changed_keys(before, after) == {"sinophobia", "anchor:sinophobia"}
    for name in ("sinophobia", "anchor:sinophobia"):
        changed = np.flatnonzero(after[name] != before[name])
        np.testing.assert_array_equal(changed, np.flatnonzero(mask))
        np.testing.assert_allclose(after[name][mask], np.minimum(before[name][mask] + 0.1, 1.0))


def test_set_gives_the_selected_citizens_the_value_and_anchor() -> None:
    where = {"ethnicity": ["kazakh"], "urban": True}
    effect = {"target": "citizens.legitimacy", "set": 0.9, "where": where}
    model = event_model({"date": "2010-01", "kind": "shock", "detail": "x", "effects": [effect]})
    mask = selected(model, where)
    before = citizen_state(model)
    model.step()
    after = citizen_state(model)
    assert changed_keys(before, after) == {"legitimacy", "anchor:legitimacy"}
    for name in ("legitimacy", "anchor:legitimacy"):
        assert (after[name][mask] == 0.9).all()
        np.testing.assert_array_equal(after[name][~mask], before[name][~mask])


@pytest.mark.parametrize("attribute", ["hardship", "russian_media", "china_contact"])
def test_shift_of_a_non_attitude_changes_only_that_attribute(attribute: str) -> None:
    where = {"region": ["almaty_city"]}
    effect = {"target": f"citizens.{attribute}", "shift": 0.2, "where": where}
    model = event_model({"date": "2010-01", "kind": "shock", "detail": "x", "effects": [effect]})
    mask = selected(model, where)
    before = citizen_state(model)
    model.step()
    after = citizen_state(model)
    assert changed_keys(before, after) == {attribute}
    np.testing.assert_allclose(
        after[attribute][mask], np.minimum(before[attribute][mask] + 0.2, 1.0)
    )
    np.testing.assert_array_equal(after[attribute][~mask], before[attribute][~mask])


# Clipping ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shift", "expected"),
    [(0.6, lambda v: np.minimum(v + 0.6, 1.0)), (-0.6, lambda v: np.maximum(v - 0.6, 0.0))],
    ids=["up", "down"],
)
def test_citizen_values_and_anchors_are_clipped_to_unit_interval(
    shift: float, expected: Any
) -> None:
    effect = {"target": "citizens.eaeu_support", "shift": shift}
    model = event_model({"date": "2010-01", "kind": "shock", "detail": "x", "effects": [effect]})
    before = citizen_state(model)
    model.step()
    after = citizen_state(model)
    for name in ("eaeu_support", "anchor:eaeu_support"):
        np.testing.assert_allclose(after[name], expected(before[name]))
    clipped = np.isin(after["eaeu_support"], (0.0, 1.0))
    assert clipped.sum() > 0


@pytest.mark.parametrize(
    ("shift", "expected"),
    [(0.9, 1.0), (-0.9, 0.0), (1.0, 1.0)],
)
def test_actor_shares_are_clipped_to_unit_interval(shift: float, expected: float) -> None:
    effect = {"target": "kazakhstan.repression", "shift": shift}
    model = event_model({"date": "2010-01", "kind": "policy", "detail": "x", "effects": [effect]})
    model.step()
    assert model.states["land_protests"].repression == expected


def test_actor_quantities_that_are_not_shares_pass_one_and_stay_positive() -> None:
    up = event_model(
        {
            "date": "2010-01",
            "kind": "shock",
            "detail": "x",
            "effects": [{"target": "kazakhstan.gdp_usd_bn", "set": 500.0}],
        }
    )
    down = event_model(
        {
            "date": "2010-01",
            "kind": "shock",
            "detail": "x",
            "effects": [{"target": "kazakhstan.fuel_price_index", "shift": -5.0}],
        }
    )
    up.step()
    down.step()
    # The drivers stage moves nominal GDP after the events stage: one month of the default
    # drivers' 4% real growth; with no tenge path given, the dollar grows with 2% US inflation.
    assert up.kazakhstan.gdp_usd_bn == pytest.approx(500.0 * (1.04 * 1.02) ** (1 / 12))
    # 1 - 5 is clipped to a small positive index (at most the scenario's lowest initial value).
    assert 0.0 < down.kazakhstan.fuel_price_index <= 0.01


def test_each_effect_is_clipped_before_the_next_one_applies() -> None:
    effects = [
        {"target": "kazakhstan.repression", "shift": 0.9},
        {"target": "kazakhstan.repression", "shift": -0.5},
    ]
    model = event_model({"date": "2010-01", "kind": "policy", "detail": "x", "effects": effects})
    model.step()
    assert model.states["land_protests"].repression == pytest.approx(0.5)


# Actor targets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "neighbour"),
    [
        ("kazakhstan.repression", "kazakhstan.threat_perception"),
        ("kazakhstan.alignment_west", "kazakhstan.alignment_russia"),
        ("russia.irritation", "russia.media_reach"),
        ("russia.media_reach", "russia.security_leverage"),
        ("china.strategic_interest", "russia.irritation"),
        ("eaeu.integration_depth", "kazakhstan.repression"),
    ],
)
def test_actor_target_changes_that_attribute_in_its_month(target: str, neighbour: str) -> None:
    def read(model: KazakhstanModel, dotted: str) -> float:
        if dotted in INITIAL_OWNERS:  # the initial-state key starts a rule's state field
            rule, field = INITIAL_OWNERS[dotted]
            return float(getattr(model.states[rule], field))
        actor, attribute = dotted.split(".")
        return float(getattr(getattr(model, actor), attribute))

    effect = {"target": target, "set": 0.77}
    model = event_model({"date": "2010-03", "kind": "policy", "detail": "x", "effects": [effect]})
    initial, other = read(model, target), read(model, neighbour)
    assert initial != 0.77
    step_through(model, "2010-02")
    assert read(model, target) == initial
    model.step()
    assert read(model, target) == 0.77
    assert read(model, neighbour) == other


# Order -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ({"set": 0.2}, {"shift": 0.5}, 0.7),
        ({"shift": 0.5}, {"set": 0.2}, 0.2),
    ],
    ids=["set-then-shift", "shift-then-set"],
)
def test_events_of_one_month_apply_in_file_order(
    first: dict[str, float], second: dict[str, float], expected: float
) -> None:
    events = [
        {
            "date": "2010-02",
            "kind": "policy",
            "detail": detail,
            "effects": [{"target": "kazakhstan.repression", **change}],
        }
        for detail, change in (("first", first), ("second", second))
    ]
    model = event_model(*events)
    step_through(model, "2010-02")
    assert model.states["land_protests"].repression == pytest.approx(expected)
    assert [entry.detail for entry in model.log] == ["first", "second"]


def test_citizen_effects_of_one_month_apply_in_file_order() -> None:
    where = {"region": ["atyrau"]}
    events = [
        {
            "date": "2010-01",
            "kind": "shock",
            "detail": "set atyrau",
            "effects": [{"target": "citizens.sinophobia", "set": 0.5, "where": where}],
        },
        {
            "date": "2010-01",
            "kind": "shock",
            "detail": "shift everyone",
            "effects": [{"target": "citizens.sinophobia", "shift": 0.1}],
        },
    ]
    model = event_model(*events)
    mask = selected(model, where)
    before = model.population.sinophobia.copy()
    model.step()
    after = model.population.sinophobia
    np.testing.assert_allclose(after[mask], 0.6)
    np.testing.assert_allclose(after[~mask], np.minimum(before[~mask] + 0.1, 1.0))


# The events fired this month, which the rules owning their consequences read ---------------


def fired_each_month(model: KazakhstanModel, months: int) -> list[list[str]]:
    """The details of ``model.events.fired_this_month`` after each of the next ``months``."""
    fired = []
    for _ in range(months):
        model.step()
        fired.append([event.detail for event in model.events.fired_this_month])
    return fired


def test_the_engine_is_built_from_the_scenarios_events_alone() -> None:
    engine = EventEngine(event_model(set_repression("2010-02", 0.8)).scenario.events)
    assert engine.fired_this_month == ()


def test_fired_this_month_lists_the_months_events_in_firing_order() -> None:
    model = event_model(
        when_repression("high", once=False, above=0.5),
        set_repression("2010-03", 0.8),
        when_repression("high, once", above=0.5),
        set_repression("2010-05", 0.2),
    )
    fired = fired_each_month(model, 6)
    assert fired == [
        [],
        [],
        ["repression 0.8 in 2010-03", "high", "high, once"],
        ["high"],
        ["repression 0.2 in 2010-05"],
        [],
    ]
    assert [entry.detail for entry in model.log] == [d for month in fired for d in month]
