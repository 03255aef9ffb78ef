"""Every output series: the actors', every field of every rule's state, each contract's derived.

A series exists whatever rules are enabled (a disabled rule leaves its state at the initial value),
so two scenarios always have comparable outputs.

Every list of series that matters is derived here from the declarations, never kept by hand: the
headline series (``headline=True``: the run summary, the comparison's outcomes, the sweep report)
in catalog order, and the series of each plot group (``group=...``: the figures of a run, a
comparison and the dashboard).
"""

from __future__ import annotations

from kzsim.contract import PlotGroup, RuleState
from kzsim.contracts import CONTRACTS
from kzsim.series import RegionalSeries, Series, state_value, state_values

CORE_SERIES = (
    Series(
        "gdp_usd_bn",
        "kazakhstan",
        "US$ bn",
        "nominal GDP at current prices: the observed GDP driver where given, else moved on by "
        "real growth, CPI inflation and the tenge's rate",
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
)

#: Regional series of the model itself, not of a rule.
CORE_REGIONAL_SERIES = (
    RegionalSeries(
        "population_persons",
        "persons",
        "persons the model represents: census line through 2009-02 and 2021-10",
        lambda m: m.people(),
        low=0.0,
        aggregation="sum",
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
            v.statistic,
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
            v.statistic,
        )
        for v in state.variables()
        if v.series and v.regional
    )


SERIES: tuple[Series, ...] = CORE_SERIES + tuple(
    s for module in CONTRACTS.values() for s in (*state_series(module.State), *module.DERIVED)
)
REGIONAL_SERIES: tuple[RegionalSeries, ...] = CORE_REGIONAL_SERIES + tuple(
    s
    for module in CONTRACTS.values()
    for s in (*state_regional_series(module.State), *module.DERIVED_REGIONAL)
)
#: A national or a regional series.
AnySeries = Series | RegionalSeries
#: Every series in catalog order: the national ones, then the regional ones.
ALL_SERIES: tuple[AnySeries, ...] = (*SERIES, *REGIONAL_SERIES)
#: Every variable name a scenario may select or condition on.
SERIES_NAMES: tuple[str, ...] = tuple(s.name for s in ALL_SERIES)
#: The headline series in catalog order.
HEADLINE: tuple[AnySeries, ...] = tuple(s for s in ALL_SERIES if s.headline)
HEADLINE_NAMES: tuple[str, ...] = tuple(s.name for s in HEADLINE)
_BY_NAME: dict[str, AnySeries] = {s.name: s for s in ALL_SERIES}
#: Words of series names written in capitals in labels.
_ACRONYMS = frozenset({"cet", "csto", "eaeu", "gdp", "ntb", "usd"})


def series_named(name: str) -> AnySeries:
    """The series called ``name``.

    Raises:
        KeyError: if the catalog has no such series.

    """
    return _BY_NAME[name]


def group_series(group: PlotGroup) -> tuple[AnySeries, ...]:
    """The series a plot group's figure draws, in catalog order."""
    return tuple(s for s in ALL_SERIES if s.group == group)


def declared_range(name: str) -> tuple[float, float] | None:
    """``(low, high)`` of a series whose declared range is finite on both sides, else None."""
    series = series_named(name)
    if series.low is None or series.high is None:
        return None
    return (series.low, series.high)


def series_label(name: str) -> str:
    """A series name as words for titles and buttons (``eaeu_support_mean``: EAEU support mean)."""
    words = [w.upper() if w in _ACRONYMS else w for w in name.split("_")]
    label = " ".join(words)
    return label[:1].upper() + label[1:]
