"""Exogenous drivers (brief 3.6): dated points, piecewise linear between them, flat beyond.

Oil price, rouble and tenge rates, export revenue, growth and sanctions on Russia are scenario
inputs, not modelled behaviour. The historical scenario takes them from
``shared/data/drivers_annual.csv`` (annual values placed at mid-year).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kzsim.months import parse_month

if TYPE_CHECKING:
    from kzsim.scenario.schema import Scenario


def driver_paths(scenario: Scenario) -> dict[str, npt.NDArray[np.float64]]:
    """Return every driver's monthly value over the scenario horizon."""
    from kzsim.scenario.schema import DRIVER_DEFAULTS

    start = parse_month(scenario.metadata.start)
    months = np.arange(start, start + scenario.months, dtype=np.float64)
    paths: dict[str, npt.NDArray[np.float64]] = {}
    for name, default in DRIVER_DEFAULTS.items():
        points = scenario.drivers.get(name)  # type: ignore[call-overload]
        if not points:
            paths[name] = np.full(months.size, default)
            continue
        pairs = sorted((parse_month(month), value) for month, value in points.items())
        xs = np.array([p[0] for p in pairs], dtype=np.float64)
        ys = np.array([p[1] for p in pairs], dtype=np.float64)
        paths[name] = np.interp(months, xs, ys)
    return paths
