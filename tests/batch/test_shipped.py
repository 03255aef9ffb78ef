"""The shipped experiments: valid, sized as their opening comment says, and runnable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kzsim
from kzsim.batch.experiment import load_experiment
from kzsim.batch.outcomes import compute_outcomes
from kzsim.batch.seeds import replication_seed

SHIPPED = sorted((Path(__file__).parents[2] / "experiments").glob("*.yaml"))


def test_the_three_experiments_are_shipped() -> None:
    assert [p.stem for p in SHIPPED] == ["bri_debt_lhs", "protest_sobol", "tariff_speed_grid"]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_opening_comment_states_the_question_and_the_size(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    comment = " ".join(
        line.removeprefix("#").strip() for line in text.splitlines() if line.startswith("#")
    )
    assert text.startswith("# Question: ")
    experiment = load_experiment(path)
    size = re.search(r"= ([\d,]+) runs of .* at ([\d,]+) citizens", comment)
    assert size is not None, comment
    assert int(size.group(1).replace(",", "")) == experiment.spec.runs
    assert int(size.group(2).replace(",", "")) == experiment.base["population"]["citizens"]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_a_design_point_runs_briefly(path: Path) -> None:
    experiment = load_experiment(path)
    scenario = experiment.scenario(experiment.spec.points - 1)
    result = kzsim.run(scenario, seed=replication_seed(experiment.spec.seed, 0), steps=3)
    outcomes = compute_outcomes(result.series, experiment.spec.outcomes)
    assert set(outcomes) == set(experiment.spec.outcomes)
