"""One ``RegionalPublic`` Mesa agent per region: a view onto its citizens plus regional inputs.

The citizens themselves live in :class:`kzsim.agents.population.Population` arrays, ordered by
region, so that every update is one vectorised operation over all citizens; a regional public owns
the slice ``start:stop`` of those arrays and the region-level quantities that rules set for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa

if TYPE_CHECKING:
    from kzsim.agents.population import Population
    from kzsim.model import KazakhstanModel
    from kzsim.scenario.regions import Region


def regional(owner: str, name: str) -> Any:
    """A transitional attribute: this region's entry of a regional field of ``owner``'s state.

    Kept while rules move from public attributes to their own state (kzsim.contract).
    """

    def get(public: Any) -> Any:
        return getattr(public.model.states[owner], name)[public.index]

    def put(public: Any, value: Any) -> None:
        getattr(public.model.states[owner], name)[public.index] = value

    return property(get, put)


class RegionalPublic(mesa.Agent):  # type: ignore[misc]
    """The citizens of one region.

    Attributes set by rules (region level):
        project_jobs: local jobs on Chinese projects, thousands (bri_loans).
        chinese_presence: visibility of Chinese projects and land deals, 0-1 (bri_loans).
        trader_income_loss: loss of re-export income felt by traders, 0-1 (tariff_harmonisation).
        producer_pressure: pressure on local producers from cheap Russian goods, 0-1 (tariff).
        in_wave: whether the region is in a protest wave this month (land_protests).
    """

    model: KazakhstanModel

    project_jobs = regional("bri_loans", "project_jobs")
    chinese_presence = regional("bri_loans", "chinese_presence")
    trader_income_loss = regional("tariff_harmonisation", "trader_income_loss")
    producer_pressure = regional("tariff_harmonisation", "producer_pressure")
    in_wave = regional("land_protests", "in_wave")

    def __init__(self, model: KazakhstanModel, index: int, region: Region) -> None:
        super().__init__(model)
        self.index = index
        self.region = region
        population: Population = model.population
        self.start = int(population.starts[index])
        self.stop = self.start + int(population.counts[index])

    @property
    def citizens(self) -> slice:
        """This region's slice of the population arrays."""
        return slice(self.start, self.stop)
