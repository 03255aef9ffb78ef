"""Contract of the opinion rule: its parameters and the citizen attitudes it reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import Field

from kzsim.contract import FloatArray
from kzsim.contracts.base import RuleConfig
from kzsim.series import RegionalSeries

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


class Config(RuleConfig):
    """Parameters of hardship and opinion dynamics.

    Attitude weights are steady-state shifts of the mean attitude (share 0-1) per unit of input.
    """

    hardship_relaxation_per_month: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="share of the gap to target hardship closed per month; (A)",
    )
    hardship_price_weight: float = Field(
        1.0,
        ge=0.0,
        le=5.0,
        description="hardship per unit price_pressure (prices above trend, 0.05 = 5%); "
        "TH2 E L86, size (A)",
    )
    hardship_trader_weight: float = Field(
        0.1,
        ge=0.0,
        le=2.0,
        description="hardship per unit trader_income_loss; TH3 P L442-444, size (A)",
    )
    hardship_producer_weight: float = Field(
        0.2,
        ge=0.0,
        le=2.0,
        description="hardship per unit producer_pressure; TH7 E L21, size (A)",
    )
    hardship_budget_weight: float = Field(
        0.3,
        ge=0.0,
        le=2.0,
        description="hardship per unit budget_stress; P L219-220, size (A)",
    )
    hardship_fuel_weight: float = Field(
        0.6,
        ge=0.0,
        le=2.0,
        description="hardship per unit relative fuel price rise above its reference; LP7 "
        "T L1443-1447; calibrated on January 2022 (docs/calibration.md)",
    )
    fuel_adaptation_half_life_months: float | None = Field(
        6.0,
        ge=0.5,
        le=600.0,
        description="months; half-life of the fuel price reference catching up with the price "
        "(a rise hurts until incomes and habits adjust); null = the starting price stays the "
        "reference; (A)",
    )
    hardship_sanctions_weight: float = Field(
        0.05,
        ge=0.0,
        le=2.0,
        description="hardship per unit sanctions on Russia; spillover, RL6 E L68, size (A)",
    )
    hardship_jobs_weight: float = Field(
        5.0,
        ge=0.0,
        le=100.0,
        description="hardship relief per project job per inhabitant; BR3 P L287-290, size (A)",
    )
    sinophobia_presence_weight: float = Field(
        0.15,
        ge=0.0,
        le=1.0,
        description="Sinophobia per unit Chinese presence without contact; P L305-307, O L47; (A)",
    )
    sinophobia_contact_weight: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Sinophobia relief per unit contact with China; O L47; size (A)",
    )
    sinophobia_land_weight: float = Field(
        0.12,
        ge=0.0,
        le=1.0,
        description="Sinophobia per unit land salience; LP2 E L62, P L271-273; size (A)",
    )
    sinophobia_xinjiang_weight: float = Field(
        0.12,
        ge=0.0,
        le=1.0,
        description="Sinophobia per unit Xinjiang salience; LP6 C L31-32, L37, T L1818-1822; "
        "size (A)",
    )
    xinjiang_kazakh_boost: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="relative extra Xinjiang effect on ethnic Kazakhs; C L31; size (A)",
    )
    land_media_amplification: float = Field(
        1.0,
        ge=0.0,
        le=5.0,
        description="relative boost of the land input by Russian media x reach; C L21; size (A)",
    )
    legitimacy_hardship_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="legitimacy loss per unit hardship above baseline; Epstein 2002; size (A)",
    )
    legitimacy_repression_weight: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="legitimacy loss per unit repression above its initial level; C L38; (A)",
    )
    eaeu_price_weight: float = Field(
        1.5,
        ge=0.0,
        le=10.0,
        description="EAEU support loss per unit price_pressure; TH2 E L86; size (A)",
    )
    eaeu_threat_weight: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="EAEU support loss per unit threat perception; RL4 E L19, L86; size (A)",
    )
    eaeu_sanctions_weight: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="EAEU support loss per unit sanctions on Russia; RL4 E L19; size (A)",
    )
    eaeu_affinity_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="EAEU support per unit change of Russia affinity; E L86; size (A)",
    )
    affinity_media_weight: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Russia affinity per unit media exposure x reach; C L19-21; size (A)",
    )
    affinity_threat_weight: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Russia affinity loss per unit threat perception; RL3 T L1569-1583; (A)",
    )


def _regional_mean(attribute: str) -> Callable[[KazakhstanModel], FloatArray]:
    """Return a reader of the regional means of one citizen attribute."""

    def read(model: KazakhstanModel) -> FloatArray:
        population = model.population
        return population.regional_mean(getattr(population, attribute))

    return read


SERIES = ()
REGIONAL_SERIES = (
    RegionalSeries(
        "legitimacy_mean",
        "share 0-1",
        "perceived legitimacy of the government",
        _regional_mean("legitimacy"),
    ),
    RegionalSeries("sinophobia_mean", "share 0-1", "Sinophobia", _regional_mean("sinophobia")),
    RegionalSeries(
        "eaeu_support_mean", "share 0-1", "support for the EAEU", _regional_mean("eaeu_support")
    ),
    RegionalSeries("hardship_mean", "share 0-1", "economic hardship", _regional_mean("hardship")),
    RegionalSeries(
        "russia_affinity_mean",
        "share 0-1",
        "affinity with Russia",
        _regional_mean("russia_affinity"),
    ),
)
