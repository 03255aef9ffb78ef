"""A schematic tile map of Kazakhstan's 17 regions as inline SVG (no map data, no network).

Each region is one tile placed roughly where it lies: the west (Atyrau, Mangystau, West
Kazakhstan) on the left, the north along the top, the south and its cities along the bottom.
Regions a scenario adds beyond the built-in 17 are tiled in an extra row below.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

#: Tile (column, row) of each built-in region; row 0 is the north.
TILE_POSITIONS: dict[str, tuple[int, int]] = {
    "west_kazakhstan": (0, 0),
    "kostanay": (1, 0),
    "north_kazakhstan": (2, 0),
    "akmola": (3, 0),
    "pavlodar": (4, 0),
    "atyrau": (0, 1),
    "aktobe": (1, 1),
    "astana": (3, 1),
    "karaganda": (4, 1),
    "east_kazakhstan": (5, 1),
    "mangystau": (0, 2),
    "kyzylorda": (1, 2),
    "south_kazakhstan_turkistan": (2, 2),
    "jambyl": (3, 2),
    "almaty_region": (4, 2),
    "shymkent": (2, 3),
    "almaty_city": (4, 3),
}
#: Short tile labels of the built-in regions.
TILE_LABELS: dict[str, str] = {
    "west_kazakhstan": "W. Kazakhstan",
    "kostanay": "Kostanay",
    "north_kazakhstan": "N. Kazakhstan",
    "akmola": "Akmola",
    "pavlodar": "Pavlodar",
    "atyrau": "Atyrau",
    "aktobe": "Aktobe",
    "astana": "Astana",
    "karaganda": "Karaganda",
    "east_kazakhstan": "E. Kazakhstan",
    "mangystau": "Mangystau",
    "kyzylorda": "Kyzylorda",
    "south_kazakhstan_turkistan": "Turkistan",
    "jambyl": "Jambyl",
    "almaty_region": "Almaty reg.",
    "shymkent": "Shymkent",
    "almaty_city": "Almaty city",
}
COLUMNS = 6
TILE_WIDTH_PX = 96
TILE_HEIGHT_PX = 52
GAP_PX = 4
TITLE_HEIGHT_PX = 22
LEGEND_HEIGHT_PX = 30
#: Sequential colour ramp from low to high (ColorBrewer OrRd end points and middle).
RAMP = ((255, 247, 236), (252, 141, 89), (127, 0, 0))
NO_DATA = "#d9d9d9"


def colour(value: float, low: float, high: float) -> str:
    """The ramp colour of ``value`` on the scale ``low``..``high`` (clipped), as ``#rrggbb``."""
    if math.isnan(value):
        return NO_DATA
    span = high - low
    t = 0.0 if span <= 0 else min(1.0, max(0.0, (value - low) / span))
    segment = min(int(t * (len(RAMP) - 1)), len(RAMP) - 2)
    local = t * (len(RAMP) - 1) - segment
    start, end = RAMP[segment], RAMP[segment + 1]
    rgb = (round(a + (b - a) * local) for a, b in zip(start, end, strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def is_dark(hex_colour: str) -> bool:
    """Whether white text reads better than black on this background."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b < 140


def layout(region_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Tile positions: built-in regions where they lie, any other region in rows below."""
    placed = {r: TILE_POSITIONS[r] for r in region_ids if r in TILE_POSITIONS}
    first_free_row = max((row for _, row in TILE_POSITIONS.values()), default=-1) + 1
    extra = [r for r in region_ids if r not in TILE_POSITIONS]
    for index, region in enumerate(extra):
        placed[region] = (index % COLUMNS, first_free_row + index // COLUMNS)
    return placed


def tile_map_svg(
    values: Mapping[str, float],
    title: str,
    low: float,
    high: float,
    names: Mapping[str, str] | None = None,
    value_format: str = "{:.2f}",
) -> str:
    """An inline SVG tile map of one value per region.

    Args:
        values: region id -> value (NaN for no data); the keys set the tiles drawn.
        title: drawn above the tiles.
        low: value drawn in the lightest colour (and below).
        high: value drawn in the darkest colour (and above).
        names: region id -> full name for the hover text (default: the short label).
        value_format: how values are written on the tiles and in the legend.

    """
    positions = layout(list(values))
    rows = max((row for _, row in positions.values()), default=0) + 1
    width = COLUMNS * (TILE_WIDTH_PX + GAP_PX)
    height = TITLE_HEIGHT_PX + rows * (TILE_HEIGHT_PX + GAP_PX) + LEGEND_HEIGHT_PX
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tile-map" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'style="max-width: 100%; height: auto" '
        f'aria-label="{escape(title)}" font-family="sans-serif">',
        f'<text x="0" y="15" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for region, (column, row) in positions.items():
        value = float(values[region])
        fill = colour(value, low, high)
        ink = "#ffffff" if is_dark(fill) else "#222222"
        x = column * (TILE_WIDTH_PX + GAP_PX)
        y = TITLE_HEIGHT_PX + row * (TILE_HEIGHT_PX + GAP_PX)
        label = TILE_LABELS.get(region, region)
        name = (names or {}).get(region, label)
        shown = "no data" if math.isnan(value) else value_format.format(value)
        parts.append(
            f'<g class="tile" data-region="{escape(region)}" data-value="{value:.6g}">'
            f"<title>{escape(name)}: {escape(shown)}</title>"
            f'<rect x="{x}" y="{y}" width="{TILE_WIDTH_PX}" height="{TILE_HEIGHT_PX}" rx="4" '
            f'fill="{fill}" stroke="#888888" stroke-width="0.5"/>'
            f'<text x="{x + TILE_WIDTH_PX / 2}" y="{y + 21}" font-size="11" fill="{ink}" '
            f'text-anchor="middle">{escape(label[:16])}</text>'
            f'<text x="{x + TILE_WIDTH_PX / 2}" y="{y + 39}" font-size="12" fill="{ink}" '
            f'text-anchor="middle" font-weight="bold">{escape(shown)}</text></g>'
        )
    parts.append(legend(low, high, value_format, height - LEGEND_HEIGHT_PX + 8))
    parts.append("</svg>")
    return "".join(parts)


def legend(low: float, high: float, value_format: str, top: float) -> str:
    """Five colour swatches from ``low`` to ``high`` with the end values written beside."""
    swatch = 28
    steps = [low + (high - low) * i / 4 for i in range(5)]
    parts = [f'<text x="0" y="{top + 12}" font-size="11">{escape(value_format.format(low))}</text>']
    for i, value in enumerate(steps):
        parts.append(
            f'<rect x="{48 + i * swatch}" y="{top}" width="{swatch}" height="16" '
            f'fill="{colour(value, low, high)}" stroke="#888888" stroke-width="0.5"/>'
        )
    parts.append(
        f'<text x="{52 + 5 * swatch}" y="{top + 12}" font-size="11">'
        f"{escape(value_format.format(high))}</text>"
    )
    return "".join(parts)
