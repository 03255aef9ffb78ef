"""Scenario inputs as dotted keys, and where two scenarios (or a scenario and the defaults) differ.

Keys read like the loader's error messages: ``rules.bri_loans.leakage_mean``,
``drivers.brent_usd_per_bbl.2015-06``, ``population.regions[3].population``. A list of plain
values (``russian_media_by_ethnicity``) stays one value. Each event is one input, ``events[2]``,
shown as one line (date or condition, kind, actor, detail, effects).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kzsim.scenario.load import Location, dotted
from kzsim.scenario.schema import Scenario

#: Shown for a key that one side does not have.
ABSENT = "(absent)"
#: Labels that name a scenario rather than change it.
LABELS = ("metadata.name", "metadata.description")


@dataclass(frozen=True)
class Difference:
    """One input that differs: its dotted key and the value on each side (``ABSENT`` if missing)."""

    key: str
    left: Any
    right: Any


def flatten(data: Any, prefix: Location = ()) -> dict[str, Any]:
    """The leaves of nested mappings and lists, keyed by dotted path, in document order.

    Empty mappings and lists have no leaves, so ``events: []`` and no events look the same.
    """
    if isinstance(data, Mapping):
        leaves: dict[str, Any] = {}
        for key, value in data.items():
            leaves.update(flatten(value, (*prefix, str(key))))
        return leaves
    if isinstance(data, list | tuple):
        if not data:
            return {}
        if any(isinstance(v, Mapping | list | tuple) for v in data):
            leaves = {}
            for index, value in enumerate(data):
                leaves.update(flatten(value, (*prefix, index)))
            return leaves
        return {dotted(prefix): list(data)}
    return {dotted(prefix): data}


def describe_event(event: Mapping[str, Any]) -> str:
    """One event of ``Scenario.to_data()`` as one line."""
    when = event.get("when")
    if when:
        bound = "above" if when.get("above") is not None else "below"
        timing = f"when {when['metric']} {bound} {show(when.get(bound))}"
    else:
        timing = str(event.get("date"))
    line = f"{timing} {event['kind']} ({event['actor']}): {event['detail']}"
    if event.get("effective"):
        line += f"; effective {event['effective']}"
    for effect in event.get("effects") or ():
        change = "set" if effect.get("set") is not None else "shift"
        line += f"; {effect['target']} {change} {show(effect.get(change))}"
        if effect.get("where"):
            where = {k: v for k, v in effect["where"].items() if v is not None}
            line += f" where {show(where)}"
    return line


def inputs(data: Mapping[str, Any]) -> dict[str, Any]:
    """Every input of a scenario's data as ``dotted key -> value``; each event one line."""
    rest = {key: value for key, value in data.items() if key != "events"}
    found = flatten(rest)
    for index, event in enumerate(data.get("events") or ()):
        found[f"events[{index}]"] = describe_event(event)
    return found


def differences(
    left: Mapping[str, Any], right: Mapping[str, Any], ignore: Iterable[str] = ()
) -> list[Difference]:
    """Every input that differs between two scenarios' data, in document order.

    Args:
        left: the first scenario's data (``Scenario.to_data()``).
        right: the second scenario's data.
        ignore: dotted keys or key prefixes (``metadata``, ``events``) left out of the comparison.

    """
    skipped = tuple(ignore)
    flat_left, flat_right = inputs(left), inputs(right)
    keys = list(flat_left) + [k for k in flat_right if k not in flat_left]
    found = []
    for key in keys:
        if any(key == p or key.startswith((f"{p}.", f"{p}[")) for p in skipped):
            continue
        a, b = flat_left.get(key, ABSENT), flat_right.get(key, ABSENT)
        if a != b:
            found.append(Difference(key, a, b))
    return found


def scenario_differences(
    left: Scenario, right: Scenario, ignore: Iterable[str] = LABELS
) -> list[Difference]:
    """Inputs that differ between two scenarios, the ``schedule`` (the rules' order) included."""
    return differences(left.to_data(), right.to_data(), ignore)


def changed_from_defaults(scenario: Scenario) -> list[Difference]:
    """Parameters a scenario sets away from kzsim's defaults (drivers and events left out).

    Each difference holds the default on the left and the scenario's value on the right.
    """
    defaults = Scenario(metadata=scenario.metadata).to_data()
    return differences(defaults, scenario.to_data(), ("metadata", "drivers", "events"))


def show(value: Any) -> str:
    """A value as one short line: ``null`` for None, lists in brackets, floats in 6 digits."""
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
