"""Every output series: the actors' here, every field of every rule's state, each contract's derived.

A series exists whatever rules are enabled (a disabled rule leaves its state at the initial value),
so two scenarios always have comparable outputs.
"""

from __future__ import annotations

from kzsim.contract import RuleState
from kzsim.contracts import CONTRACTS
from kzsim.series import RegionalSeries, Series, state_value, state_values

CORE_SERIES = (
    Series(
        "gdp_usd_bn",
        "kazakhstan",
        "US$ bn",
        "nominal GDP, grown by the growth driver",
        lambda m: m.kazakhstan.gdp_usd_bn,
        low=0.0,
    ),
    Series(
        "budget_stress",
        "kazakhstan",
        "share 0-1",
        "0.6 x relative fall of oil below its 2010-2013 average (P L219-220)",
        lambda m: m.kazakhstan.budget_stress,
        low=0.0,
        high=1.0,
    ),
    Series(
        "brent_usd_per_bbl",
        "national",
        "US$/bbl",
        "oil price driver",
        lambda m: m.drivers["brent_usd_per_bbl"],
        low=0.0,
    ),
    Series(
        "china_lending_appetite",
        "china",
        "share 0-1",
        "China's appetite to lend",
        lambda m: m.china.lending_appetite,
        low=0.0,
        high=1.0,
        headline=True,
        group="debt",
    ),
)


def state_series(state: type[RuleState]) -> tuple[Series, ...]:
    """The series of a rule's state fields that hold one value."""
    return tuple(
        Series(
            v.name,
            v.scope,
            v.unit,
            v.description,
            state_value(state.owner, v.name),
            v.low,
            v.high,
            v.headline,
            v.group,
        )
        for v in state.variables()
        if v.series and not v.regional
    )


def state_regional_series(state: type[RuleState]) -> tuple[RegionalSeries, ...]:
    """The series of a rule's state fields that hold one value per region."""
    return tuple(
        RegionalSeries(
            v.name,
            v.unit,
            v.description,
            state_values(state.owner, v.name),
            v.low,
            v.high,
            v.headline,
            v.group,
        )
        for v in state.variables()
        if v.series and v.regional
    )


SERIES: tuple[Series, ...] = CORE_SERIES + tuple(
    s for module in CONTRACTS.values() for s in (*state_series(module.State), *module.DERIVED)
)
REGIONAL_SERIES: tuple[RegionalSeries, ...] = tuple(
    s
    for module in CONTRACTS.values()
    for s in (*state_regional_series(module.State), *module.DERIVED_REGIONAL)
)
#: Every variable name a scenario may select or condition on.
SERIES_NAMES: tuple[str, ...] = tuple(s.name for s in SERIES) + tuple(
    s.name for s in REGIONAL_SERIES
)
