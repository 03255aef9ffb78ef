"""The public Python API, as ``kzsim`` offers it: load a scenario, run it, write the result."""

from __future__ import annotations

from kzsim.errors import InputError, KzsimError
from kzsim.outputs import RunResult
from kzsim.scenario.load import load_scenario
from kzsim.scenario.schema import Scenario
from kzsim.simulation import run

__all__ = ["InputError", "KzsimError", "RunResult", "Scenario", "load_scenario", "run"]
