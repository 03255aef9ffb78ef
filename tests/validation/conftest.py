"""The pattern suite, run once per test session and shared by the SF tests.

Twenty seeds of the replay and of each counterfactual at 5,000 citizens (docs/validation.md
shows the facts hold at 20,000 too), in two worker processes.
"""

from __future__ import annotations

import os

import pytest

from kzsim.data import shipped_scenarios
from kzsim.scenario.load import load_scenario
from kzsim.validation.suite import Outcome, run_suite

SEEDS = range(1, 21)
CITIZENS = 5000


@pytest.fixture(scope="session")
def outcomes() -> dict[str, Outcome]:
    """Every fact's outcome over :data:`SEEDS`, keyed by its code."""
    (path,) = [p for p in shipped_scenarios() if p.stem == "historical_2010_2023"]
    base = load_scenario(path).to_data()
    workers = max(1, min(2, os.cpu_count() or 1))
    scored, _ = run_suite(base, SEEDS, CITIZENS, workers)
    return {outcome.pattern.code: outcome for outcome in scored}
