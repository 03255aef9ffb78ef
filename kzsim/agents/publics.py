"""One ``RegionalPublic`` Mesa agent per region: its region and its slice of the citizens.

The citizens themselves live in :class:`kzsim.agents.population.Population` arrays, ordered by
region, so that every update is one vectorised operation over all citizens; a regional public holds
the slice ``start:stop`` of those arrays. Region-level quantities that rules compute (project jobs,
trade losses, protest waves) are regional fields of the owning rule's state (kzsim.contract).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from kzsim.agents.population import Population
    from kzsim.model import KazakhstanModel
    from kzsim.scenario.regions import Region


class RegionalPublic(mesa.Agent):  # type: ignore[misc]
    """The citizens of one region: ``index`` in the region table, ``region``, ``start:stop``."""

    model: KazakhstanModel

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
