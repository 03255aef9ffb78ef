"""The schematic tile map."""

from __future__ import annotations

import math
import re

from kzsim.scenario.regions import builtin_regions
from kzsim.viz.tiles import NO_DATA, RAMP, TILE_POSITIONS, colour, layout, tile_map_svg


def test_every_builtin_region_has_its_own_tile() -> None:
    ids = [r.id for r in builtin_regions()]
    assert sorted(TILE_POSITIONS) == sorted(ids)
    assert len(set(TILE_POSITIONS.values())) == len(ids)


def test_geography_west_is_left_north_is_up() -> None:
    col, row = (
        {r: TILE_POSITIONS[r][0] for r in TILE_POSITIONS},
        {r: TILE_POSITIONS[r][1] for r in TILE_POSITIONS},
    )
    assert col["atyrau"] < col["karaganda"] < col["east_kazakhstan"]
    assert row["north_kazakhstan"] < row["karaganda"] < row["almaty_city"]
    assert row["akmola"] < row["astana"]  # the capital lies inside Akmola


def test_colour_ramp_ends_clipping_and_missing_values() -> None:
    assert colour(0.0, 0.0, 1.0) == "#{:02x}{:02x}{:02x}".format(*RAMP[0])
    assert colour(1.0, 0.0, 1.0) == "#{:02x}{:02x}{:02x}".format(*RAMP[-1])
    assert colour(5.0, 0.0, 1.0) == colour(1.0, 0.0, 1.0)
    assert colour(-1.0, 0.0, 1.0) == colour(0.0, 0.0, 1.0)
    assert colour(math.nan, 0.0, 1.0) == NO_DATA
    assert colour(0.2, 0.0, 1.0) != colour(0.8, 0.0, 1.0)


def test_extra_regions_are_tiled_below_the_map() -> None:
    bottom = max(row for _, row in TILE_POSITIONS.values())
    placed = layout(["akmola", "new_region"])
    assert placed["akmola"] == TILE_POSITIONS["akmola"]
    assert placed["new_region"][1] == bottom + 1


def test_svg_has_one_tile_per_region_with_values_and_escaped_names() -> None:
    values = {r.id: i / 20 for i, r in enumerate(builtin_regions())} | {"x<y": math.nan}
    svg = tile_map_svg(values, "Test & map", 0.0, 1.0, names={"x<y": "A & B"})
    assert svg.count('<g class="tile"') == 18
    assert 'data-region="akmola" data-value="0"' in svg
    assert "Test &amp; map" in svg and "A &amp; B: no data" in svg
    assert "<script" not in svg and not re.search(r"(src|href)=", svg)
