"""The EMA Workbench adapter, tested without EMA installed."""

from __future__ import annotations

import pickle
import sys

import numpy as np
import pytest

import kzsim
from kzsim.batch.ema import ModelFunction, ema_model
from kzsim.batch.experiment import load_experiment
from kzsim.batch.outcomes import compute_outcomes
from kzsim.batch.seeds import replication_seed
from kzsim.errors import InputError, KzsimError
from tests.batch.conftest import experiment_data


def test_the_function_returns_the_outcomes_of_the_same_run() -> None:
    experiment = load_experiment(experiment_data())
    function = ModelFunction(experiment)
    got = function(**{"population.sinophobia_mean": np.float64(0.7), "seed": 11})
    scenario = kzsim.load_scenario(experiment.base, ["population.sinophobia_mean=0.7"])
    expected = compute_outcomes(kzsim.run(scenario, seed=11).series, experiment.spec.outcomes)
    assert got == expected


def test_the_default_seed_is_replication_zero_of_the_sweep() -> None:
    experiment = load_experiment(experiment_data())
    function = ModelFunction(experiment)
    assert function.seed == replication_seed(experiment.spec.seed, 0)
    assert function() == function(seed=function.seed)
    assert function() != function(seed=function.seed + 1)


def test_the_function_survives_pickling_for_parallel_evaluators() -> None:
    function = ModelFunction(load_experiment(experiment_data()))
    clone = pickle.loads(pickle.dumps(function))
    assert clone(seed=3) == function(seed=3)


def test_invalid_values_are_input_errors() -> None:
    function = ModelFunction(load_experiment(experiment_data()))
    with pytest.raises(InputError, match="population.sinophobia_mean: 1.5"):
        function(**{"population.sinophobia_mean": 1.5})


def test_ema_model_says_how_to_install_ema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ema_workbench", None)  # as if it were not installed
    with pytest.raises(KzsimError, match=r"pip install 'kzsim\[ema\]'"):
        ema_model(experiment_data())
