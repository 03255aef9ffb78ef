"""The simulation loop: a scenario run month by month, its series in long form.

``kzsim.run`` is :func:`run`; the command line, the sweep workers, the validation suite and the
comparison all run scenarios through it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from kzsim.errors import InputError
from kzsim.model import KazakhstanModel
from kzsim.months import format_month
from kzsim.outputs import EVENT_COLUMNS, SERIES_COLUMNS, RunResult, manifest
from kzsim.scenario.schema import Scenario


def run(
    scenario: Scenario,
    seed: int | None = None,
    steps: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    source: str | None = None,
) -> RunResult:
    """Run a scenario and return its series, events and manifest.

    Args:
        scenario: a validated scenario (see :func:`kzsim.load_scenario`).
        seed: the run's seed; defaults to the scenario's ``metadata.seed``, else a fresh one
            (always recorded in the manifest).
        steps: months to simulate; defaults to the whole horizon.
        progress: called as ``progress(done, total)`` after each month.
        source: the scenario file's path, recorded in the manifest.

    """
    total = scenario.months if steps is None else steps
    if not 1 <= total <= scenario.months:
        raise InputError([f"--steps: {total} is out of range (allowed: 1 to {scenario.months})"])
    started = datetime.now(UTC)
    clock = time.perf_counter()
    model = KazakhstanModel(scenario, seed=seed, last_step=total - 1)
    while model.running:
        model.step()
        if progress is not None:
            progress(model.steps, total)
    series = long_series(model)
    events = pd.DataFrame([vars(e) for e in model.log], columns=EVENT_COLUMNS)
    info = manifest(scenario, model.seed, source, started, time.perf_counter() - clock, total)
    return RunResult(series=series, events=events, manifest=info, scenario=scenario)


def long_series(model: KazakhstanModel) -> pd.DataFrame:
    """The DataCollector's model variables in long form ``step, date, scope, variable, value``."""
    wide = model.datacollector.model_vars
    steps = np.asarray(model.collected_steps, dtype=np.int64)
    dates = np.array([format_month(model.start_month + int(s)) for s in steps], dtype=object)
    keys = [key.split("|", 1) for key in wide]
    values = np.asarray(list(wide.values()), dtype=np.float64).reshape(len(keys), steps.size)
    return pd.DataFrame(
        {
            "step": np.tile(steps, len(keys)),
            "date": np.tile(dates, len(keys)),
            "scope": np.repeat([scope for scope, _ in keys], steps.size),
            "variable": np.repeat([variable for _, variable in keys], steps.size),
            "value": values.ravel(),
        },
        columns=SERIES_COLUMNS,
    )
