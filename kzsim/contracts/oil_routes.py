"""Contract of the oil export routes: the rule's parameters, the route state it owns, its reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pydantic import Field, model_validator

from kzsim.contract import RuleState, var
from kzsim.contracts.base import RuleConfig
from kzsim.scenario.types import Month
from kzsim.series import RegionalSeries, Series


class Config(RuleConfig):
    """Parameters of the oil export routes."""

    oil_exports_mt_per_year: float = Field(
        70.0,
        gt=0.0,
        le=500.0,
        description="million tonnes per year of Kazakh crude exported, all routes; 17.6 Mt in "
        "Q1 2022 x 4 (oil_export_routes.csv); held constant over the run (A: no volume driver)",
    )
    other_russia_share: float = Field(
        0.05,
        ge=0.0,
        le=0.5,
        description="share of oil exports via Russia outside the CPC (Uzen-Atyrau-Samara, "
        "T L947-950); ~85% via Russia (T L943-947) less ~80% via the CPC (2022, "
        "oil_export_routes.csv)",
    )
    caspian_base_share: float = Field(
        0.12,
        ge=0.0,
        le=0.5,
        description="share of oil exports shipped across the Caspian from Aktau (to Baku, Neka; "
        "P L171) and by other routes at the start; (A), set so the CPC carries ~80% in 2022 "
        "(oil_export_routes.csv)",
    )
    china_peak_mt_per_year: float = Field(
        11.8,
        ge=0.0,
        le=50.0,
        description="million tonnes per year of Kazakh oil to China by pipeline before the "
        "decline: 11.8 Mt in 2013, the peak year (oil_export_routes.csv)",
    )
    china_floor_mt_per_year: float = Field(
        1.2,
        ge=0.0,
        le=50.0,
        description="million tonnes per year of Kazakh oil to China once the fields feeding the "
        "pipeline have declined: 1.2 Mt of 11.2 Mt in 2024, 'about 1 mt/yr' "
        "(oil_export_routes.csv, out of period)",
    )
    china_decline_start: Month = Field(
        "2014-01",
        description="month; the first after the 2013 peak (oil_export_routes.csv)",
    )
    china_decline_half_life_months: float = Field(
        9.0,
        gt=0.0,
        le=600.0,
        description="months; half-life of the excess over the floor as the NW/southern fields "
        "(many Chinese-operated) decline; set so 11.8 Mt (2013) falls to ~1.3 Mt (2018) "
        "(oil_export_routes.csv; those two points fix it, Jan-Jul 2019 checks it)",
    )
    cpc_repair_half_life_months: float = Field(
        1.0,
        gt=0.0,
        le=120.0,
        description="months; half-life of a CPC disruption (damaged moorings repaired within "
        "weeks in 2022, press reports; (A))",
    )
    caspian_share_per_threat: float = Field(
        0.05,
        ge=0.0,
        le=2.0,
        description="rise of the target trans-Caspian share per unit threat perception above "
        "its initial level: routes that avoid Russia (T L2195-2199); size (A), small: after 2014 "
        "the CPC, not the Caspian route, grew (oil_export_routes.csv: ~80% via the CPC in 2022)",
    )
    caspian_share_per_disruption: float = Field(
        0.3,
        ge=0.0,
        le=2.0,
        description="rise of the target trans-Caspian share per unit of the largest CPC "
        "disruption so far (a lasting lesson); direction T L952-956, size (A)",
    )
    caspian_half_life_months: float = Field(
        24.0,
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap to the target trans-Caspian share (contracts, "
        "tankers, port works take years); (A)",
    )
    caspian_growth_max_per_year: float = Field(
        0.03,
        ge=0.0,
        le=1.0,
        description="share of oil exports per year; fastest growth of the trans-Caspian route "
        "(pipeline, port and tanker capacity); ~2 Mt/yr of ~70 Mt, (A)",
    )

    @model_validator(mode="after")
    def _check(self) -> Config:
        fixed = self.other_russia_share + self.caspian_base_share
        china = self.china_peak_mt_per_year / self.oil_exports_mt_per_year
        if fixed + china >= 1.0:
            raise ValueError(
                f"other_russia_share + caspian_base_share + china_peak_mt_per_year / "
                f"oil_exports_mt_per_year is {fixed + china:g}; it must be below 1 to leave "
                "a share for the CPC"
            )
        if self.china_floor_mt_per_year > self.china_peak_mt_per_year:
            raise ValueError(
                f"china_floor_mt_per_year {self.china_floor_mt_per_year:g} is above "
                f"china_peak_mt_per_year {self.china_peak_mt_per_year:g}"
            )
        return self


#: What the rule reads of others: Kazakhstan's threat perception (last month's: russian_reactions
#: runs last), which drives diversification across the Caspian.
READS = ("russian_reactions.threat_perception",)
#: Channels this rule posts to: none, it writes only its own state.
POSTS: tuple[str, ...] = ()
#: The citizens' arrays (kzsim.agents.population) this rule owns and alone writes.
CITIZENS: tuple[str, ...] = ()


@dataclass
class State(RuleState):
    """Where Kazakh oil goes: route shares, Kazakh oil to China and CPC disruptions.

    The rule alone writes it, except that the scenario's events may set ``cpc_disruption``
    (``russia.cpc_disruption``: storm damage, a court-ordered halt); the rule lets an event's
    disruption fade as the damage is repaired.
    """

    owner = "oil_routes"
    initial_from: ClassVar[dict[str, str]] = {"russia.cpc_disruption": "cpc_disruption"}

    transit_dependence_russia: float = var(
        0.85,
        unit="share 0-1",
        description="share of oil exports crossing Russia (CPC and Atyrau-Samara)",
        scope="russia",
    )
    oil_export_share_cpc: float = var(
        0.8,
        unit="share 0-1",
        description="share of oil exports through the CPC pipeline to Novorossiysk",
    )
    oil_export_share_china: float = var(
        0.0,
        unit="share 0-1",
        description="share of oil exports by pipeline to China (Atasu-Alashankou)",
    )
    oil_export_share_caspian: float = var(
        0.15,
        unit="share 0-1",
        description="share of oil exports across the Caspian (Aktau; the Middle Corridor)",
    )
    oil_exports_china_mt: float = var(
        0.0,
        unit="million tonnes per year",
        description="Kazakh oil exported to China by pipeline",
        high=None,
    )
    cpc_disruption: float = var(
        0.0,
        unit="share 0-1",
        description="share of CPC capacity lost this month",
        scope="russia",
    )
    oil_exports_held_up_mt: float = var(
        0.0,
        unit="million tonnes per year",
        description="Kazakh oil the CPC disruption keeps from export (annual rate)",
        high=None,
    )


#: Series derived from more than this rule's state (none).
DERIVED: tuple[Series, ...] = ()
DERIVED_REGIONAL: tuple[RegionalSeries, ...] = ()
