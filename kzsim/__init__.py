"""kzsim: an agent-based simulation of Kazakhstan's multi-vector foreign policy.

Public API::

    scenario = kzsim.load_scenario("scenarios/historical_2010_2023.yaml")
    result = kzsim.run(scenario, seed=1)
    result.series  # long frame: step, date, scope, variable, value
    result.write("out/")
"""

from __future__ import annotations

__version__ = "0.1.0"

from kzsim.api import run
from kzsim.errors import InputError, KzsimError
from kzsim.outputs import RunResult
from kzsim.scenario.load import load_scenario
from kzsim.scenario.schema import Scenario

__all__ = [
    "InputError",
    "KzsimError",
    "RunResult",
    "Scenario",
    "__version__",
    "load_scenario",
    "run",
]
