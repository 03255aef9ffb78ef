"""Exogenous drivers (brief 3.6): dated points, piecewise linear between them, flat beyond.

Oil price, rouble and tenge rates, export revenue, growth, inflation and sanctions on Russia are
scenario inputs, not modelled behaviour. The historical scenario takes them from
``shared/data/drivers_annual.csv`` (annual values placed at mid-year).

A driver with a default (``DRIVER_DEFAULTS``) has a value every month: the default when the
scenario gives no points, else flat beyond its first and last points. A driver without a default
(observed nominal GDP, ``kazakhstan_gdp_usd_bn``) is given only within its dated span, first to
last point: outside it, and in a scenario that gives no points, it is absent from the month's
drivers, and the model's own rule takes over (``kzsim.agents.actors.Kazakhstan``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

import numpy as np
import numpy.typing as npt

from kzsim.months import parse_month

if TYPE_CHECKING:
    from kzsim.scenario.schema import Scenario

FloatArray = npt.NDArray[np.float64]


def driver_paths(scenario: Scenario) -> dict[str, FloatArray]:
    """Return every given driver's monthly value over the scenario horizon.

    A driver without a default is NaN in the months outside its dated span ("not given"), and
    has no path at all when the scenario gives no points; read a month with
    :func:`drivers_in_month`.
    """
    from kzsim.scenario.schema import DRIVER_DEFAULTS, DriverName

    start = parse_month(scenario.metadata.start)
    months = np.arange(start, start + scenario.months, dtype=np.float64)
    paths: dict[str, FloatArray] = {}
    for name in get_args(DriverName):
        default = DRIVER_DEFAULTS.get(name)
        points = scenario.drivers.get(name)
        if not points:
            if default is not None:
                paths[name] = np.full(months.size, default)
            continue
        pairs = sorted((parse_month(month), value) for month, value in points.items())
        xs = np.array([p[0] for p in pairs], dtype=np.float64)
        ys = np.array([p[1] for p in pairs], dtype=np.float64)
        outside = np.nan if default is None else None
        paths[name] = np.interp(months, xs, ys, left=outside, right=outside)
    return paths


def drivers_in_month(paths: dict[str, FloatArray], step: int) -> dict[str, float]:
    """The drivers given in month ``step`` of the horizon, by name (not-given ones left out)."""
    values = {name: float(path[step]) for name, path in paths.items()}
    return {name: value for name, value in values.items() if not np.isnan(value)}
