"""An adapter for the EMA Workbench: kzsim as a plain function of scenario keys.

EMA Workbench wraps a Python function that takes the uncertain parameters as keyword arguments and
returns a mapping of outcome names to values. :class:`ModelFunction` is that function for an
experiment file: its keyword arguments are dotted scenario keys (as in ``kzsim run --set``, and
as the experiment's factors), its result is the experiment's outcomes. :func:`ema_model` builds
the EMA ``Model`` with one uncertainty per factor. EMA is an optional extra
(``pip install 'kzsim[ema]'``), imported only by :func:`ema_model`.

Example::

    from ema_workbench import perform_experiments
    from kzsim.batch.ema import ema_model

    model = ema_model("experiments/bri_debt_lhs.yaml")
    experiments, outcomes = perform_experiments(model, scenarios=100)
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kzsim.batch.experiment import Experiment, load_experiment, scenario_with
from kzsim.batch.outcomes import compute_outcomes
from kzsim.batch.schema import Levels, Uniform
from kzsim.batch.seeds import replication_seed
from kzsim.errors import KzsimError
from kzsim.scenario.load import Source
from kzsim.simulation import run as run_scenario


class ModelFunction:
    """Run an experiment's base scenario with given values and return its outcomes.

    Instances are plain picklable callables, so EMA's multiprocessing evaluators can ship them.

    Args:
        experiment: a loaded experiment, an experiment file's path, or its content.
        seed: the run's seed when the call gives none (default: the experiment's seed for
            replication 0, the same seed a sweep gives replication 0).

    """

    def __init__(
        self, experiment: Experiment | str | Path | Mapping[str, Any], seed: int | None = None
    ) -> None:
        loaded = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
        self.base = loaded.base
        self.outcomes = loaded.spec.outcomes
        self.seed = seed if seed is not None else replication_seed(loaded.spec.seed, 0)

    def __call__(self, **values: Any) -> dict[str, float]:
        """Run with ``values`` (dotted scenario keys; ``seed`` sets the seed); return outcomes.

        Raises:
            InputError: if the values do not make a valid scenario.

        """
        seed = int(values.pop("seed", self.seed))
        scenario = scenario_with(self.base, values, Source("ema parameters"))
        return compute_outcomes(run_scenario(scenario, seed=seed).series, self.outcomes)


def ema_model(experiment: Experiment | str | Path | Mapping[str, Any], name: str = "kzsim") -> Any:
    """An EMA Workbench ``Model`` of an experiment: its factors as uncertainties, its outcomes.

    Lists become ``CategoricalParameter``, integer ranges ``IntegerParameter``, other ranges
    ``RealParameter`` on ``[low, high]`` (EMA samples them itself, uniformly). Parameter names
    are the dotted keys with ``__`` for dots; ``variable_name`` maps them back.

    Raises:
        KzsimError: if EMA Workbench is not installed.

    """
    try:
        ema_workbench = importlib.import_module("ema_workbench")
    except ImportError:
        raise KzsimError(
            "ema_model: EMA Workbench is not installed (pip install 'kzsim[ema]')"
        ) from None
    loaded = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    model = ema_workbench.Model(name, function=ModelFunction(loaded))
    uncertainties = []
    for key, factor in loaded.spec.factors.items():
        label = key.replace(".", "__")
        if isinstance(factor, Levels):
            uncertainties.append(
                ema_workbench.CategoricalParameter(label, list(factor.root), variable_name=key)
            )
        elif isinstance(factor, Uniform) and factor.integer:
            uncertainties.append(
                ema_workbench.IntegerParameter(
                    label, int(factor.low), int(factor.high), variable_name=key
                )
            )
        else:
            uncertainties.append(
                ema_workbench.RealParameter(label, factor.low, factor.high, variable_name=key)
            )
    model.uncertainties = uncertainties
    model.outcomes = [ema_workbench.ScalarOutcome(outcome) for outcome in loaded.spec.outcomes]
    return model
