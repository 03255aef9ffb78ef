"""Checks that span fields: horizon, event dates, metric and target names, region ids."""

from __future__ import annotations

from kzsim.months import parse_month
from kzsim.scenario.schema import DRIVER_RANGES, Scenario, unknown_name

Location = tuple[str | int, ...]
Problem = tuple[Location, str]


def cross_check(scenario: Scenario) -> list[Problem]:
    """Return every cross-field problem as (location, message)."""
    problems: list[Problem] = []
    start = parse_month(scenario.metadata.start)
    end = parse_month(scenario.metadata.end)
    # Each check below needs more than one section, so it runs once the schema is valid.
    horizon = f"{scenario.metadata.start} to {scenario.metadata.end}"
    region_ids = tuple(r.id for r in scenario.population.regions)
    for i, event in enumerate(scenario.events):
        if event.date is not None and not start <= parse_month(event.date) <= end:
            problems.append(
                (("events", i, "date"), f"{event.date} is outside the horizon (allowed: {horizon})")
            )
        effective = event.effective
        if effective and event.date and parse_month(effective) < parse_month(event.date):
            problems.append((("events", i, "effective"), "is before the event's date"))
        for j, effect in enumerate(event.effects):
            regions = effect.where.region if effect.where is not None else None
            for k, region in enumerate(regions or ()):
                if region not in region_ids:
                    loc: Location = ("events", i, "effects", j, "where", "region", k)
                    problems.append((loc, unknown_name("region", region, region_ids)))
    for name, points in scenario.drivers.items():
        low, high, low_allowed = DRIVER_RANGES[name]
        for month, value in points.items():
            if not (low <= value if low_allowed else low < value) or value > high:
                allowed = f"{low:g} to {high:g}" if low_allowed else f"> {low:g} and <= {high:g}"
                message = f"{value:g} is out of range (allowed: {allowed})"
                problems.append((("drivers", name, month), message))
    return problems
