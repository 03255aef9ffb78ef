"""The built-in table of Kazakhstan's 17 first-level units (14 oblasts, Astana, Almaty, Shymkent).

Values come from the 2009 census as compiled in ``shared/data/regions.csv``; gaps are filled by the
documented assumptions in the table's ``basis`` column (see docs/model.md, "Input data").
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import Field, field_validator, model_validator

from kzsim.scenario.types import Frozen, Share
from kzsim.series import RESERVED_SCOPES

MacroZone = Literal["north", "south", "east", "west", "centre"]
#: Upper bound of a region's population (persons).
MAX_REGION_POPULATION = 1_000_000_000


class Region(Frozen):
    """One region: its population weight and the attributes citizens are drawn from."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    population: int = Field(gt=0, le=MAX_REGION_POPULATION, description="persons (2009 census)")
    share_kazakh: Share
    share_russian: Share
    urban_share: Share
    borders_china: bool
    borders_russia: bool
    macro_zone: MacroZone
    oil_region: bool
    trader_hub: bool = Field(
        description="re-export bazaar or China border crossing (assumption; P L188-190)"
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
        total = self.share_kazakh + self.share_russian
        if total > 1.0 + 1e-9:
            raise ValueError(f"share_kazakh + share_russian is {total:g} (allowed: at most 1)")
        return self


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
            "share_kazakh": float(row["share_kazakh"]) / 100,
            "share_russian": float(row["share_russian"]) / 100,
            "urban_share": float(row["urban_share"]),
            "borders_china": row["borders_china"] == "true",
            "borders_russia": row["borders_russia"] == "true",
            "macro_zone": row["macro_zone"],
            "oil_region": row["oil_region"] == "true",
            "trader_hub": row["trader_hub"] == "true",
        }
        regions.append(Region.model_validate(fields))
    return tuple(regions)
