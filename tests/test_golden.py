"""Golden regression: every shipped scenario reproduces its pinned series and events.

Each scenario in ``scenarios/`` runs over its whole horizon with its own population (20,000
citizens) and its ``metadata.seed`` (else 1), and its record (tests/golden/records.py: per
series a hash of the values to 10 significant digits, rows, first/last/min/max; a hash of the
events) must equal ``tests/golden/<scenario>.json``. A failure lists every changed series with
its old and new first/last/min/max, added and removed series, and how the events changed.

A change of results that is intended is re-pinned deliberately, and named in the commit::

    python -m tests.golden.regenerate                  # every shipped scenario
    python -m tests.golden.regenerate bri_loans no_bri # only these

A new scenario fails here until it is pinned the same way.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.golden.records import GOLDEN, SCENARIOS, differences, load, pinned, record, run_record
from tests.golden.records import shipped as shipped_scenarios

NAMES = sorted(set(shipped_scenarios()) | set(pinned()))


@pytest.mark.parametrize("name", NAMES)
def test_scenario_reproduces_its_golden_record(name: str) -> None:
    assert name in shipped_scenarios(), f"{GOLDEN / name}.json pins no shipped scenario: delete it"
    assert name in pinned(), (
        f"{SCENARIOS / name}.yaml has no golden record: python -m tests.golden.regenerate {name}"
    )
    changes = differences(load(name), run_record(name))
    if changes:
        heading = f"{name} differs from {GOLDEN / name}.json:"
        pytest.fail("\n".join([heading, *changes]), pytrace=False)


def frames(values: dict[str, list[float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A long series frame (national scope) and a two-event table."""
    series = pd.DataFrame(
        [
            {"step": step, "date": f"2010-{step + 1:02d}", "scope": "national"}
            | {"variable": variable, "value": value}
            for variable, column in values.items()
            for step, value in enumerate(column)
        ]
    )
    events = pd.DataFrame(
        {
            "step": [0, 2],
            "date": ["2010-01", "2010-03"],
            "kind": ["shock", "loan"],
            "actor": ["russia", "china"],
            "detail": ["ban", "USD 1.2 bn"],
        }
    )
    return series, events


BASE = {"debt": [0.1234567890123, 2.345678901234, 3.456789012345], "zero": [0.0, 0.0, 0.0]}


def pin(values: dict[str, list[float]]) -> dict[str, object]:
    return record("case", 1, 100, *frames(values))


def test_last_bit_noise_and_cancellation_around_zero_are_not_changes() -> None:
    noisy = {"debt": [v * (1 + 4e-16) for v in BASE["debt"]], "zero": [1e-17, -0.0, -2e-16]}
    assert differences(pin(BASE), pin(noisy)) == []


def test_a_change_of_one_part_in_a_billion_is_named_with_its_size() -> None:
    moved = BASE | {"debt": [BASE["debt"][0], BASE["debt"][1] * (1 + 1e-9), BASE["debt"][2]]}
    assert differences(pin(BASE), pin(moved)) == [
        "1 of 2 series changed:",
        "  national|debt: first 0.123456789, last 3.456789012, min 0.123456789, "
        "max 3.456789012, values between differ",
    ]
    lower = BASE | {"debt": [*BASE["debt"][:2], 3.0]}
    assert differences(pin(BASE), pin(lower))[1] == (
        "  national|debt: first 0.123456789, last 3.456789012 -> 3 (-0.457), "
        "min 0.123456789, max 3.456789012 -> 3 (-0.457)"
    )


def test_added_removed_and_shortened_series_and_changed_events_are_reported() -> None:
    old = pin(BASE)
    shorter = pin({"debt": BASE["debt"][:2], "new": [1.0, 1.0]})
    assert differences(old, shorter) == [
        "removed series: national|zero",
        "added series: national|new",
        "1 of 2 series changed:",
        "  national|debt: rows 3 -> 2, first 0.123456789, last 3.456789012 -> 2.345678901 "
        "(-1.11), min 0.123456789, max 3.456789012 -> 2.345678901 (-1.11)",
    ]
    series, events = frames(BASE)
    events.loc[1, "detail"] = "USD 1.3 bn"
    assert differences(old, record("case", 1, 100, series, events)) == [
        "events changed: 2 -> 2 rows; same count per kind, contents differ"
    ]
    assert differences(old, record("case", 2, 100, series, events.iloc[:1])) == [
        "seed: 1 -> 2",
        "events changed: 2 -> 1 rows; per kind: loan 1 -> 0",
    ]
