"""Every output series: the core macro series here, the rest declared by each rule's contract.

A series exists whatever rules are enabled (a disabled rule leaves its state at the initial value),
so two scenarios always have comparable outputs.
"""

from __future__ import annotations

from kzsim.contracts import CONTRACTS
from kzsim.series import RegionalSeries, Series

CORE_SERIES = (
    Series(
        "gdp_usd_bn",
        "kazakhstan",
        "US$ bn",
        "nominal GDP, grown by the growth driver",
        lambda m: m.kazakhstan.gdp_usd_bn,
    ),
    Series(
        "budget_stress",
        "kazakhstan",
        "share 0-1",
        "0.6 x relative fall of oil below its 2010-2013 average (P L219-220)",
        lambda m: m.kazakhstan.budget_stress,
    ),
    Series(
        "brent_usd_per_bbl",
        "national",
        "US$/bbl",
        "oil price driver",
        lambda m: m.drivers["brent_usd_per_bbl"],
    ),
)

SERIES: tuple[Series, ...] = CORE_SERIES + tuple(
    s for module in CONTRACTS.values() for s in module.SERIES
)
REGIONAL_SERIES: tuple[RegionalSeries, ...] = tuple(
    s for module in CONTRACTS.values() for s in module.REGIONAL_SERIES
)
#: Every variable name a scenario may select or condition on.
SERIES_NAMES: tuple[str, ...] = tuple(s.name for s in SERIES) + tuple(
    s.name for s in REGIONAL_SERIES
)
