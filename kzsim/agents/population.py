"""Citizens as numpy arrays, with a sparse social network; regional publics are contiguous slices.

Citizens are not Mesa agents each: one ``RegionalPublic`` agent per region holds a slice of these
arrays (design.md, "Publics at scale"), and every update is vectorised over all citizens.

Heterogeneity follows the brief's list (domain-brief.md section 2): region, ethnicity (ethnic
Russians ~20% nationally, up to 49% in the north; T L1335, L1577), urban/rural, exposure to Russian
media (55% of the population in the Russian information space in 2009; C L19), contact with Chinese
projects (O L47).

The social network is built in :mod:`kzsim.agents.network`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from kzsim import kernels
from kzsim.agents.network import small_world_network

if TYPE_CHECKING:
    from kzsim.scenario.regions import Region
    from kzsim.scenario.schema import PopulationConfig

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

KAZAKH, RUSSIAN, OTHER = 0, 1, 2
ETHNICITIES = ("kazakh", "russian", "other")

#: The attitudes that opinion dynamics update; each has an anchor (initial value) array too.
ATTITUDES = ("sinophobia", "legitimacy", "eaeu_support", "russia_affinity")


def allocate(total: int, weights: FloatArray) -> IntArray:
    """Split ``total`` citizens over regions in proportion to ``weights`` (largest remainder)."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    short = total - int(counts.sum())
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:short]] += 1
    result: IntArray = counts.astype(np.int64)
    return result


def _beta(
    rng: np.random.Generator, mean: FloatArray | float, size: int, kappa: float
) -> FloatArray:
    """Draw from a Beta with the given mean(s) and concentration ``kappa`` (alpha + beta)."""
    m = np.clip(np.broadcast_to(np.asarray(mean, dtype=np.float64), (size,)), 0.01, 0.99)
    alpha = m * kappa
    np.subtract(1.0, m, out=m)
    m *= kappa
    return rng.beta(alpha, m)


def _slices(counts: IntArray) -> list[slice]:
    """Each region's slice of the citizens (citizens are ordered by region)."""
    ends = np.cumsum(counts)
    return [slice(int(end - count), int(end)) for end, count in zip(ends, counts, strict=True)]


def _ethnicity(rng: np.random.Generator, regions: tuple[Region, ...], counts: IntArray) -> IntArray:
    """Each citizen's ethnic group, drawn with the region's Kazakh and Russian shares."""
    u = rng.random(int(counts.sum()))
    ethnicity = np.full(u.size, OTHER, dtype=np.int64)
    for region, part in zip(regions, _slices(counts), strict=True):
        draws, groups = u[part], ethnicity[part]
        groups[draws < region.share_kazakh + region.share_russian] = RUSSIAN
        groups[draws < region.share_kazakh] = KAZAKH
    return ethnicity


def _urban(rng: np.random.Generator, regions: tuple[Region, ...], counts: IntArray) -> BoolArray:
    """Whether each citizen lives in a town, drawn with the region's urban share."""
    u = rng.random(int(counts.sum()))
    urban = np.empty(u.size, dtype=np.bool_)
    for region, part in zip(regions, _slices(counts), strict=True):
        np.less(u[part], region.urban_share, out=urban[part])
    return urban


def _media_mean(config: PopulationConfig, ethnicity: IntArray, urban: BoolArray) -> FloatArray:
    """Mean exposure to Russian media: by ethnic group, shifted for town dwellers."""
    mean: FloatArray = np.asarray(config.russian_media_by_ethnicity)[ethnicity]
    np.add(mean, config.russian_media_urban_shift, out=mean, where=urban)
    return mean


@dataclass
class Population:
    """All citizens of the model, ordered by region, with their network.

    Attributes are arrays of length ``size``; ``starts`` and ``counts`` give each region's slice.
    Attitude anchors (``anchor_<attitude>``) are the Friedkin-Johnsen prior opinions x(0).
    Each citizen stands for the persons of its region divided by the region's citizens (a few
    thousand at 5,000 citizens): ``active`` and ``jailed`` are shares 0-1 of those persons
    (protesting this month, serving a jail term for protest), so that a region's mean is the
    share of its persons (docs/decisions.md, "Protest in persons").
    """

    region: IntArray
    ethnicity: IntArray
    urban: BoolArray
    russian_media: FloatArray
    china_contact: FloatArray
    hardship: FloatArray
    sinophobia: FloatArray
    legitimacy: FloatArray
    eaeu_support: FloatArray
    russia_affinity: FloatArray
    risk_aversion: FloatArray
    protest_threshold: FloatArray
    susceptibility: FloatArray
    active: FloatArray
    jailed: FloatArray
    anchors: dict[str, FloatArray]
    baseline_hardship: FloatArray
    fuel_hardship: FloatArray
    network: sp.csr_matrix
    starts: IntArray
    counts: IntArray

    @property
    def size(self) -> int:
        """Number of citizens."""
        return int(self.region.size)

    def regional_mean(self, values: FloatArray | BoolArray) -> FloatArray:
        """Mean of ``values`` within each region (regions with no citizens give 0)."""
        sums = np.empty(self.counts.size)
        kernels.region_sums(self.starts, self.counts, values, sums)
        return np.divide(sums, self.counts, out=np.zeros(self.counts.size), where=self.counts > 0)

    @cached_property
    def ethnic_counts(self) -> FloatArray:
        """Citizens of each ethnic group in each region, shape ``(regions, 3)``."""
        counts = np.zeros((self.counts.size, len(ETHNICITIES)))
        kernels.region_group_sums(
            self.starts, self.counts, self.ethnicity, np.ones(self.size), counts
        )
        return counts

    def neighbour_mean(self, values: FloatArray | BoolArray) -> FloatArray:
        """Network-weighted mean of ``values`` over each citizen's ties, (W x)_i."""
        return np.asarray(self.network @ values.astype(np.float64))

    @classmethod
    def build(
        cls, config: PopulationConfig, regions: tuple[Region, ...], rng: np.random.Generator
    ) -> Population:
        """Draw citizens for every region from the region table and the population parameters."""
        weights = np.array([r.population for r in regions], dtype=np.float64)
        counts = allocate(config.citizens, weights)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        n = config.citizens
        region = np.repeat(np.arange(len(regions)), counts)
        ethnicity = _ethnicity(rng, regions, counts)
        urban = _urban(rng, regions, counts)
        russian_media = _beta(rng, _media_mean(config, ethnicity, urban), n, config.concentration)
        china_contact = _beta(rng, config.trader_hub_contact, n, config.concentration)
        for place, part in zip(regions, _slices(counts), strict=True):
            if not place.trader_hub:
                china_contact[part] = 0.0
        hardship = _beta(
            rng,
            config.hardship_mean + np.where(urban, 0.0, config.rural_hardship_shift),
            n,
            config.concentration,
        )
        legitimacy = _beta(rng, config.legitimacy_mean, n, config.concentration)
        sinophobia = _beta(
            rng,
            config.sinophobia_mean - config.contact_sinophobia_relief * china_contact,
            n,
            config.concentration,
        )
        eaeu_support = _beta(
            rng, np.asarray(config.eaeu_support_by_ethnicity)[ethnicity], n, config.concentration
        )
        russia_affinity = _beta(rng, 0.3 + 0.5 * russian_media, n, config.concentration)
        risk_aversion = rng.random(n)
        protest_threshold = np.clip(
            rng.normal(config.protest_threshold_mean, config.protest_threshold_sd, n), 0.0, 1.0
        )
        susceptibility = rng.uniform(
            config.susceptibility_range[0], config.susceptibility_range[1], n
        )
        network = small_world_network(counts, config.network, rng)
        attitudes = {
            "sinophobia": sinophobia,
            "legitimacy": legitimacy,
            "eaeu_support": eaeu_support,
            "russia_affinity": russia_affinity,
        }
        return cls(
            region=region,
            ethnicity=ethnicity,
            urban=urban,
            russian_media=russian_media,
            china_contact=china_contact,
            hardship=hardship,
            risk_aversion=risk_aversion,
            protest_threshold=protest_threshold,
            susceptibility=susceptibility,
            active=np.zeros(n),
            jailed=np.zeros(n),
            anchors={name: values.copy() for name, values in attitudes.items()},
            baseline_hardship=hardship.copy(),
            fuel_hardship=np.zeros(n),
            network=network,
            starts=starts,
            counts=counts,
            **attitudes,
        )
