"""The model as ABC sees it: parameter values -> scenario -> one run -> the targets' values.

A particle's parameter values are set into the base scenario as ``kzsim run --set`` sets them
and validated; the run's seed comes from the calibration's seed and the values
(:func:`kzsim.calibration.smc.particle_seed`), so the same particle gives the same run under any
sampler. A combination of values the scenario's cross-field checks refuse gives no statistics,
which the distance takes as infinitely far (the prior is, in effect, cut to valid scenarios).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzsim.batch.experiment import scenario_with
from kzsim.calibration.smc import particle_seed
from kzsim.errors import InputError
from kzsim.history.evaluate import distance, simulated
from kzsim.history.targets import Target
from kzsim.scenario.load import Source
from kzsim.scenario.schema import Scenario


@dataclass(frozen=True)
class Simulator:
    """``simulate(parameters)`` for ABC: the targets' values of one run of the model.

    Attributes:
        base: the base scenario as plain data (citizens and kept outputs applied).
        targets: the calibration's targets.
        seed: the calibration's master seed.

    """

    base: dict[str, Any]
    targets: tuple[Target, ...]
    seed: int

    def scenario(self, parameters: Mapping[str, float]) -> Scenario:
        """The base scenario with the parameter values set.

        Raises:
            InputError: if the values make an invalid scenario.

        """
        return scenario_with(self.base, parameters, Source("<calibration particle>"))

    def series(self, parameters: Mapping[str, float], seed: int) -> pd.DataFrame:
        """The long series of one run with these parameter values and seed."""
        from kzsim.simulation import run

        return run(self.scenario(parameters), seed=seed).series

    def __call__(self, parameters: Mapping[str, float]) -> dict[str, float]:
        """The targets' values of the particle's run (none if the values are not a scenario)."""
        try:
            series = self.series(parameters, particle_seed(self.seed, parameters))
        except InputError:
            return {}
        return simulated(self.targets, series)


@dataclass(frozen=True)
class TargetDistance:
    """The normalised RMS distance of ``kzsim.history`` with the calibration's weights."""

    targets: tuple[Target, ...]
    weights: Mapping[str, float]

    def __call__(self, values: Mapping[str, float]) -> float:
        """Distance of one run's values to the observations; infinite without values."""
        if not values:
            return math.inf
        return distance(self.targets, values, self.weights)


def predictive_runs(
    simulator: Simulator, draws: Sequence[Mapping[str, float]], seeds: Sequence[int]
) -> list[pd.DataFrame]:
    """The long series of one run per posterior draw, each with its own seed (in order)."""
    return [simulator.series(draw, seed) for draw, seed in zip(draws, seeds, strict=True)]
