"""The experiment hash counts the orders that change results, and only those."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kzsim.batch import run_experiment
from kzsim.batch.experiment import load_experiment
from kzsim.contracts import SCHEDULE
from kzsim.errors import InputError
from tests.batch.conftest import experiment_data


def reversed_mapping(mapping: dict[str, Any]) -> dict[str, Any]:
    return dict(reversed(list(mapping.items())))


def data(**changes: Any) -> dict[str, Any]:
    """A 2 x 2 grid, one replication, on a scenario with two rules and two population keys."""
    base = experiment_data(
        factors={"population.sinophobia_mean": [0.3, 0.7],
                 "population.legitimacy_mean": [0.4, 0.6]},
        replications=1,
        scenario={"population": {"citizens": 500, "hardship_mean": 0.4},
                  "rules": {"land_protests": {"enabled": True}, "bri_loans": {"enabled": True}}},
    )  # fmt: skip
    return base | changes


def swapped_factors() -> dict[str, Any]:
    original = data()
    return data(factors=reversed_mapping(original["factors"]))


def swapped_rules() -> dict[str, Any]:
    original = data()
    scenario = original["scenario"] | {"rules": reversed_mapping(original["scenario"]["rules"])}
    return data(scenario=scenario)


def swapped_schedule() -> dict[str, Any]:
    original = data()
    schedule = list(SCHEDULE)
    first, second = schedule.index("opinion"), schedule.index("land_protests")
    schedule[first], schedule[second] = schedule[second], schedule[first]
    return data(scenario=original["scenario"] | {"schedule": schedule})


def reordered_population() -> dict[str, Any]:
    original = data()
    population = reversed_mapping(original["scenario"]["population"])
    return data(scenario=original["scenario"] | {"population": population})


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hash") / "sweep"
    run_experiment(load_experiment(data()), folder, workers=1)
    return folder


@pytest.mark.parametrize(
    "changed", [swapped_factors, swapped_schedule], ids=["factors", "schedule"]
)
def test_an_order_that_changes_results_is_a_changed_experiment(swept: Path, changed: Any) -> None:
    experiment = load_experiment(changed())
    assert experiment.hash != load_experiment(data()).hash
    with pytest.raises(InputError, match="holds a sweep of a different experiment"):
        run_experiment(experiment, swept, workers=1)


@pytest.mark.parametrize(
    "reordered", [reordered_population, swapped_rules], ids=["population", "rules"]
)
def test_the_order_of_mapping_keys_is_not_a_change(swept: Path, reordered: Any) -> None:
    experiment = load_experiment(reordered())
    assert experiment.hash == load_experiment(data()).hash
    calls: list[tuple[int, int, int]] = []
    run_experiment(experiment, swept, workers=1, progress=lambda *c: calls.append(c))
    assert calls == [(4, 0, 4)]  # resumed, with nothing left to run


def test_the_order_of_outcomes_is_not_a_change() -> None:
    original = data()
    outcomes = reversed_mapping(original["outcomes"])
    assert load_experiment(data(outcomes=outcomes)).hash == load_experiment(original).hash
