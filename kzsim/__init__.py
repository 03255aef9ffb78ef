"""kzsim: an agent-based simulation of Kazakhstan's multi-vector foreign policy.

Public API::

    scenario = kzsim.load_scenario("scenarios/historical_2010_2023.yaml")
    result = kzsim.run(scenario, seed=1)
    result.series  # long frame: step, date, scope, variable, value
    result.write("out/")

The names are imported on first use (``kzsim.run`` loads Mesa, ``kzsim.RunResult`` pandas), so
that ``import kzsim`` and ``kzsim --help`` do not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kzsim.errors import InputError, KzsimError

if TYPE_CHECKING:
    from kzsim.outputs import RunResult
    from kzsim.scenario.load import load_scenario
    from kzsim.scenario.schema import Scenario
    from kzsim.simulation import run

__version__ = "0.1.0"

_HOMES = {
    "RunResult": "kzsim.outputs",
    "Scenario": "kzsim.scenario.schema",
    "load_scenario": "kzsim.scenario.load",
    "run": "kzsim.simulation",
}
__all__ = [
    "InputError",
    "KzsimError",
    "RunResult",
    "Scenario",
    "__version__",
    "load_scenario",
    "run",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'kzsim' has no attribute '{name}'")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
