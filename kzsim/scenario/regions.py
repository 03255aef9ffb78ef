"""The built-in table of Kazakhstan's 17 first-level units (14 oblasts, Astana, Almaty, Shymkent).

Values come from the 2009 census as compiled in ``shared/data/regions.csv``, populations and
ethnic shares also from the 2021 census; gaps are filled by the documented assumptions in the
table's ``basis`` column (see docs/model.md, "Input data"). :func:`people` gives the persons a
region has in any month, :func:`ethnic_weights` the persons each simulated citizen of an ethnic
group stands for relative to 2009: the Russian share fell from 23.7% (2009) to 15.5% (2021),
with emigration (C L13).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, field_validator, model_validator

from kzsim.months import parse_month
from kzsim.scenario.types import Frozen, Share
from kzsim.series import RESERVED_SCOPES

MacroZone = Literal["north", "south", "east", "west", "centre"]
#: Upper bound of a region's population (persons).
MAX_REGION_POPULATION = 1_000_000_000
#: The census months: 25 February 2009 and the 2021 count, which closed in October 2021.
CENSUS_MONTHS = (parse_month("2009-02"), parse_month("2021-10"))


class Region(Frozen):
    """One region: its population weight and the attributes citizens are drawn from."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    population: int = Field(gt=0, le=MAX_REGION_POPULATION, description="persons (2009 census)")
    population_2021: int | None = Field(
        None,
        gt=0,
        le=MAX_REGION_POPULATION,
        description="persons (2021 census); none: the region keeps its 2009 count",
    )
    share_kazakh: Share = Field(description="share of ethnic Kazakhs (2009 census)")
    share_russian: Share = Field(description="share of ethnic Russians (2009 census)")
    share_kazakh_2021: Share | None = Field(
        None, description="share of ethnic Kazakhs (2021 census); none: the 2009 share"
    )
    share_russian_2021: Share | None = Field(
        None, description="share of ethnic Russians (2021 census); none: the 2009 share"
    )
    urban_share: Share
    borders_china: bool
    borders_russia: bool
    macro_zone: MacroZone
    oil_region: bool
    trader_hub: bool = Field(
        description="re-export bazaar or China border crossing (assumption; P L188-190)"
    )
    chinese_land_leases: bool = Field(
        False,
        description="Chinese businesses lease large parcels of farmland here (western "
        "Kazakhstan, T L1797); the land issue weighs more here",
    )

    @field_validator("id")
    @classmethod
    def _not_a_scope(cls, region_id: str) -> str:
        if region_id in RESERVED_SCOPES:
            raise ValueError(
                f"'{region_id}' names an output scope (allowed: any other id; reserved: "
                f"{', '.join(RESERVED_SCOPES)})"
            )
        return region_id

    @model_validator(mode="after")
    def _ethnic_shares(self) -> Region:
        for year, kazakh, russian in (
            ("", self.share_kazakh, self.share_russian),
            ("_2021", *self.shares_2021),
        ):
            total = kazakh + russian
            if total > 1.0 + 1e-9:
                raise ValueError(
                    f"share_kazakh{year} + share_russian{year} is {total:g} (allowed: at most 1)"
                )
        return self

    @property
    def shares_2021(self) -> tuple[float, float]:
        """The Kazakh and Russian shares of 2021 (each the 2009 share where none is given)."""
        kazakh = self.share_kazakh if self.share_kazakh_2021 is None else self.share_kazakh_2021
        russian = self.share_russian if self.share_russian_2021 is None else self.share_russian_2021
        return kazakh, russian


@cache
def builtin_regions() -> tuple[Region, ...]:
    """Return the shipped region table, in its file order."""
    text = resources.files("kzsim.data").joinpath("regions.csv").read_text(encoding="utf-8")
    regions = []
    for row in csv.DictReader(text.splitlines()):
        fields = {
            "id": row["region_id"],
            "name": row["name"],
            "population": int(row["population"]),
            "population_2021": int(row["population_2021"]),
            "share_kazakh": float(row["share_kazakh"]) / 100,
            "share_russian": float(row["share_russian"]) / 100,
            "share_kazakh_2021": float(row["share_kazakh_2021"]) / 100,
            "share_russian_2021": float(row["share_russian_2021"]) / 100,
            "urban_share": float(row["urban_share"]),
            "borders_china": row["borders_china"] == "true",
            "borders_russia": row["borders_russia"] == "true",
            "macro_zone": row["macro_zone"],
            "oil_region": row["oil_region"] == "true",
            "trader_hub": row["trader_hub"] == "true",
            "chinese_land_leases": row["chinese_land_leases"] == "true",
        }
        regions.append(Region.model_validate(fields))
    return tuple(regions)


def _along(month: int) -> float:
    """Where ``month`` lies on the line through the two census months (0 at 2009, 1 at 2021)."""
    first, last = CENSUS_MONTHS
    return (month - first) / (last - first)


def people(regions: tuple[Region, ...], month: int) -> npt.NDArray[np.float64]:
    """Persons in each region in ``month`` (a month index, ``kzsim.months``).

    Linear in time through the two census counts (2009-02 and 2021-10, :data:`CENSUS_MONTHS`)
    and extrapolated on the same line outside them, never below zero; a region without a 2021
    count keeps its 2009 count.
    """
    counts_2009 = np.array([r.population for r in regions], dtype=np.float64)
    counts_2021 = np.array(
        [r.population if r.population_2021 is None else r.population_2021 for r in regions],
        dtype=np.float64,
    )
    persons: npt.NDArray[np.float64] = np.maximum(
        counts_2009 + _along(month) * (counts_2021 - counts_2009), 0.0
    )
    return persons


def ethnic_weights(regions: tuple[Region, ...], month: int) -> npt.NDArray[np.float64]:
    """Persons a citizen stands for, by region and ethnic group, relative to 2009.

    Citizens are drawn with the 2009 shares and keep their ethnicity; as the shares move (the
    Russian share fell from 23.7% to 15.5% from 2009 to 2021, with emigration, C L13), a
    citizen of group ``g`` in region ``r`` stands for ``s_rg(t) / s_rg(2009)`` times the persons
    it stood for, with ``s_rg(t)`` linear through the two census months (:data:`CENSUS_MONTHS`)
    and extrapolated on the same line, never below zero. Groups are ordered as
    ``kzsim.agents.population.ETHNICITIES`` (Kazakh, Russian, other; other = the remainder).

    Returns:
        An array of shape ``(regions, 3)``; a group absent in 2009 gets weight 1.

    """
    shares_2009 = np.array([(r.share_kazakh, r.share_russian) for r in regions], dtype=np.float64)
    shares_2021 = np.array([r.shares_2021 for r in regions], dtype=np.float64)
    shares_2009 = np.column_stack((shares_2009, 1.0 - shares_2009.sum(axis=1)))
    shares_2021 = np.column_stack((shares_2021, 1.0 - shares_2021.sum(axis=1)))
    now = np.maximum(shares_2009 + _along(month) * (shares_2021 - shares_2009), 0.0)
    weights: npt.NDArray[np.float64] = np.divide(
        now, shares_2009, out=np.ones_like(now), where=shares_2009 > 0.0
    )
    return weights
