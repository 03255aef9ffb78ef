"""Dated and conditional events: structured effects on actor or citizen state, never evaluated text.

An effect targets ``actor.attribute`` (an attribute listed in the scenario's ``initial``
section) or ``citizens.attribute`` (optionally for a subset: regions, ethnicities, urban or
rural). A shift of a citizen attitude moves its Friedkin-Johnsen anchor too, so the shock persists
rather than being pulled back to the prior opinion. Values are clipped to the attribute's range.

The engine knows no kind of event: it fires events, applies their effects and logs them, and
keeps the events fired this month in ``fired_this_month`` (in firing order) for the rules that own
a kind's consequences. The land rule takes a ``land_reform`` event's effective month and decides
the land question in the month of a ``land_decision`` event (the 2021 ban; C L71); the tariff
rule refuses every ``single_currency_proposal`` (TH9; E L23, T L615-617); bri_loans and
land_protests obey a ``government_decision`` event's choice from its month on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kzsim.agents.population import ATTITUDES, ETHNICITIES
from kzsim.catalog import REGIONAL_SERIES, SERIES
from kzsim.contracts import INITIAL_OWNERS
from kzsim.months import parse_month

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel
    from kzsim.scenario.schema import CitizenFilter, Effect, Event


def metric_value(model: KazakhstanModel, name: str) -> float:
    """Current national value of an output variable (regional ones by their aggregation)."""
    for series in SERIES:
        if series.name == name:
            return float(series.read(model))
    for regional in REGIONAL_SERIES:
        if regional.name == name:
            return regional.national(regional.read(model), model.people())
    raise KeyError(name)


def citizen_mask(model: KazakhstanModel, where: CitizenFilter | None) -> npt.NDArray[np.bool_]:
    """Boolean mask of the citizens a filter selects (all citizens when there is none)."""
    population = model.population
    mask = np.ones(population.size, dtype=np.bool_)
    if where is None:
        return mask
    if where.region is not None:
        ids = [p.region.id for p in model.publics]
        mask &= np.isin(population.region, [ids.index(r) for r in where.region])
    if where.ethnicity is not None:
        mask &= np.isin(population.ethnicity, [ETHNICITIES.index(e) for e in where.ethnicity])
    if where.urban is not None:
        mask &= population.urban == where.urban
    return mask


def apply_effect(model: KazakhstanModel, effect: Effect) -> None:
    """Set or shift one actor attribute, rule state field or citizen attribute.

    An ``actor.attribute`` target that a rule's state starts from (``INITIAL_OWNERS``) moves
    that field of the rule's state: events are the scenario's exogenous writes.
    """
    owner, attribute = effect.target.split(".")
    if owner == "citizens":
        values: npt.NDArray[np.float64] = getattr(model.population, attribute)
        mask = citizen_mask(model, effect.where)
        arrays = [values]
        if attribute in ATTITUDES:
            arrays.append(model.population.anchors[attribute])
        for array in arrays:
            if effect.set is not None:
                array[mask] = effect.set
            elif effect.shift is not None:
                array[mask] += effect.shift
            np.clip(array, 0.0, 1.0, out=array)
        return
    holder: object = getattr(model, owner)
    low, high = ACTOR_BOUNDS.get(attribute, (0.0, 1.0))
    if effect.target in INITIAL_OWNERS:  # a rule's state: the scenario is its one other writer
        rule, attribute = INITIAL_OWNERS[effect.target]
        holder = model.states[rule]
    value = effect.set if effect.set is not None else getattr(holder, attribute) + effect.shift
    setattr(holder, attribute, float(np.clip(value, low, high)))


#: Bounds of actor attributes that are not shares.
ACTOR_BOUNDS = {"gdp_usd_bn": (1e-6, np.inf), "fuel_price_index": (1e-6, np.inf)}


class EventEngine:
    """Fires the scenario's events at the start of each month (the "events" stage).

    Attributes:
        fired_this_month: the events fired in the current month, in firing order.

    """

    def __init__(self, events: tuple[Event, ...]) -> None:
        self.dated = [(parse_month(e.date), e) for e in events if e.date is not None]
        self.conditional = [e for e in events if e.when is not None]
        self.fired_conditionals: set[int] = set()
        self.fired_this_month: tuple[Event, ...] = ()

    def apply(self, model: KazakhstanModel) -> None:
        """Fire this month's dated events, then conditional events whose condition now holds."""
        self.fired_this_month = ()
        for month, event in self.dated:
            if month == model.month:
                self._fire(model, event)
        for index, event in enumerate(self.conditional):
            if event.once and index in self.fired_conditionals:
                continue
            assert event.when is not None
            value = metric_value(model, event.when.metric)
            above, below = event.when.above, event.when.below
            if (above is not None and value > above) or (below is not None and value < below):
                self.fired_conditionals.add(index)
                self._fire(model, event)

    def _fire(self, model: KazakhstanModel, event: Event) -> None:
        for effect in event.effects:
            apply_effect(model, effect)
        model.log_event(event.kind, event.actor, event.detail)
        self.fired_this_month += (event,)
