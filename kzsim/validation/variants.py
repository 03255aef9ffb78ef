"""Counterfactual variants of the historical replay: each removes one cause a stylised fact names.

A variant edits the replay's plain data (``Scenario.to_data()``): it drops the dated events that
carry a cause (found by the state their effects change, or by their kind), applies dotted
overrides the way ``kzsim run --set`` does, or rewrites a driver path. Everything else, including
the seed, stays the same, so a fact and its counterfactual share their random numbers wherever
the removed cause does not reach (common random numbers).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kzsim.months import format_month, parse_month
from kzsim.scenario.load import load_scenario
from kzsim.scenario.schema import DRIVER_DEFAULTS, Scenario

Data = dict[str, Any]


def driver_value(data: Data, name: str, month: str) -> float:
    """A driver's value in one month: linear between its points, flat beyond, default if absent."""
    points = data["drivers"].get(name)
    if not points:
        return DRIVER_DEFAULTS[name]
    pairs = sorted((parse_month(m), v) for m, v in points.items())
    return float(np.interp(parse_month(month), [p[0] for p in pairs], [p[1] for p in pairs]))


def hold_rouble_cross_rate(data: Data, year: int = 2013) -> None:
    """Rewrite the rouble path so the rouble keeps its mid-``year`` rate against the tenge.

    Every point after mid-``year`` becomes ``kzt_per_usd * (rub / kzt)`` at mid-``year``, on the
    dates of the tenge path (and at mid-``year``), so Russian goods cost in tenge what they cost
    then (SF3's cause is the rouble's fall against the tenge; E L21, L70).

    Args:
        data: the scenario's plain data, edited in place.
        year: the year whose mid-year cross rate is kept.

    """
    anchor = format_month(parse_month(f"{year}-06"))
    ratio = driver_value(data, "rub_per_usd", anchor) / driver_value(data, "kzt_per_usd", anchor)
    drivers = data["drivers"]
    rouble = drivers.get("rub_per_usd") or {anchor: driver_value(data, "rub_per_usd", anchor)}
    tenge = drivers.get("kzt_per_usd") or {anchor: driver_value(data, "kzt_per_usd", anchor)}
    kept = {m: v for m, v in rouble.items() if parse_month(m) <= parse_month(anchor)}
    kept[anchor] = driver_value(data, "rub_per_usd", anchor)
    later = {
        m: round(v * ratio, 4) for m, v in tenge.items() if parse_month(m) > parse_month(anchor)
    }
    drivers["rub_per_usd"] = kept | later


@dataclass(frozen=True)
class Variant:
    """A change to the historical replay.

    Attributes:
        name: snake_case identifier, shown in tables and figure legends.
        description: what is removed, in one line.
        drop_targets: events whose effects change any of these ``owner.attribute`` targets are
            dropped.
        drop_kinds: events of these kinds are dropped.
        overrides: ``dotted.key=value`` overrides (as ``kzsim run --set``).
        edit: a further edit of the plain data, in place.

    """

    name: str
    description: str
    drop_targets: tuple[str, ...] = ()
    drop_kinds: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()
    edit: Callable[[Data], None] | None = None

    def keeps(self, event: Data) -> bool:
        """Whether an event (plain data) survives this variant."""
        if event["kind"] in self.drop_kinds:
            return False
        return not any(effect["target"] in self.drop_targets for effect in event["effects"])

    def apply(self, base: Data, extra_overrides: tuple[str, ...] = ()) -> Scenario:
        """Return the variant of ``base`` as a validated scenario.

        Args:
            base: the replay's plain data (``Scenario.to_data()``), not modified.
            extra_overrides: further overrides applied after the variant's own (e.g. the
                population size of a validation run).

        """
        data = copy.deepcopy(base)
        data["events"] = [event for event in data["events"] if self.keeps(event)]
        if self.edit is not None:
            self.edit(data)
        return load_scenario(data, self.overrides + extra_overrides)


HISTORICAL = Variant("historical", "the historical replay as shipped")

#: Every variant the pattern suite uses, by name.
VARIANTS: dict[str, Variant] = {
    variant.name: variant
    for variant in (
        HISTORICAL,
        Variant(
            "no_customs_union",
            "Kazakhstan never joins the Customs Union",
            overrides=("rules.tariff_harmonisation.customs_union_date=null",),
        ),
        Variant(
            "no_wto_exemptions",
            "no below-CET WTO exemption lines after 2015",
            overrides=("rules.tariff_harmonisation.wto_exemption_start=null",),
        ),
        Variant(
            "stable_rouble",
            "the rouble keeps its 2013 rate against the tenge",
            edit=hold_rouble_cross_rate,
        ),
        Variant(
            "no_bri",
            "no Belt and Road: China's strategic interest stays at its 2010 level",
            drop_targets=("china.strategic_interest",),
        ),
        Variant(
            "no_xinjiang",
            "no news of ethnic Kazakhs detained in Xinjiang",
            drop_targets=("kazakhstan.xinjiang_salience",),
        ),
        Variant(
            "no_land_reform",
            "no Land Code amendments and no auction announcement",
            drop_targets=("kazakhstan.land_salience",),
            drop_kinds=("land_reform",),
        ),
        Variant(
            "low_sinophobia",
            "mean Sinophobia 0.2 instead of 0.55",
            overrides=("population.sinophobia_mean=0.2",),
        ),
        Variant(
            "no_corruption",
            "almost no leakage from Chinese-financed projects (Beta with mean 1%, alpha 1)",
            overrides=(
                "rules.bri_loans.leakage_mean=0.01",
                "rules.bri_loans.leakage_concentration=100",
            ),
        ),
        Variant(
            "no_fuel_shock",
            "the fuel price cap stays in January 2022",
            drop_targets=("kazakhstan.fuel_price_index",),
        ),
    )
}
