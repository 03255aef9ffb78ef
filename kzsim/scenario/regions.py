"""The built-in table of Kazakhstan's 17 first-level units (14 oblasts, Astana, Almaty, Shymkent).

Values come from the 2009 census as compiled in ``shared/data/regions.csv``; gaps are filled by the
documented assumptions in the table's ``basis`` column (see docs/model.md, "Input data").
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import Field

from kzsim.scenario.types import Frozen, Share

MacroZone = Literal["north", "south", "east", "west", "centre"]


class Region(Frozen):
    """One region: its population weight and the attributes citizens are drawn from."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    population: int = Field(gt=0, description="persons (2009 census)")
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


@cache
def builtin_regions() -> tuple[Region, ...]:
    """Return the shipped region table, in its file order."""
    text = resources.files("kzsim.data").joinpath("regions.csv").read_text(encoding="utf-8")
    regions = []
    for row in csv.DictReader(text.splitlines()):
        regions.append(
            Region(
                id=row["region_id"],
                name=row["name"],
                population=int(row["population"]),
                share_kazakh=float(row["share_kazakh"]) / 100,
                share_russian=float(row["share_russian"]) / 100,
                urban_share=float(row["urban_share"]),
                borders_china=row["borders_china"] == "true",
                borders_russia=row["borders_russia"] == "true",
                macro_zone=row["macro_zone"],
                oil_region=row["oil_region"] == "true",
                trader_hub=row["trader_hub"] == "true",
            )
        )
    return tuple(regions)
