"""Tests of the model's own bookkeeping: Mesa's ``steps`` and ``running``."""

from __future__ import annotations

from kzsim.model import KazakhstanModel
from tests.conftest import small_scenario

THREE_MONTHS = {"metadata": {"name": "t", "start": "2010-01", "end": "2010-03"}}


def test_steps_counts_the_months_simulated_and_running_ends_after_the_last() -> None:
    model = KazakhstanModel(small_scenario(**THREE_MONTHS), seed=1)
    assert (model.steps, model.running) == (0, True)
    seen = []
    for _ in range(3):
        model.step()
        seen.append((model.steps, model.running, model.date))
    assert seen == [(1, True, "2010-01"), (2, True, "2010-02"), (3, False, "2010-03")]


def test_a_step_after_the_last_month_changes_nothing() -> None:
    model = KazakhstanModel(small_scenario(**THREE_MONTHS), seed=1)
    while model.running:
        model.step()
    collected, logged = list(model.collected_steps), len(model.log)
    model.step()  # Mesa counts the call; the model has no month left to simulate
    assert (model.steps, model.running, model.date) == (4, False, "2010-03")
    assert model.collected_steps == collected == [0, 1, 2]
    assert len(model.log) == logged


def test_a_shorter_run_stops_at_its_own_last_step() -> None:
    model = KazakhstanModel(small_scenario(**THREE_MONTHS), seed=1, last_step=1)
    while model.running:
        model.step()
    assert model.steps == 2
    assert model.collected_steps == [0, 1]


def test_the_step_column_stays_zero_based() -> None:
    model = KazakhstanModel(
        small_scenario(
            **THREE_MONTHS, events=[{"date": "2010-02", "kind": "shock", "detail": "a shock"}]
        ),
        seed=1,
    )
    while model.running:
        model.step()
    (shock,) = [e for e in model.log if e.detail == "a shock"]
    assert (shock.step, shock.date) == (1, "2010-02")
