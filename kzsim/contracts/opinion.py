"""Contract of the opinion rule: its parameters and the citizen attitudes it reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field

from kzsim.contract import Channel, FloatArray, RuleState
from kzsim.contracts.base import RuleConfig
from kzsim.dynamics import half_life_from_rate
from kzsim.series import RegionalSeries, Series

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


class Config(RuleConfig):
    """Parameters of hardship and opinion dynamics.

    Attitude weights are steady-state shifts of the mean attitude (share 0-1) per unit of input.
    """

    hardship_relaxation_half_life_months: float = Field(
        half_life_from_rate(0.2),
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap to target hardship (3.11: 0.2 closed per "
        "month); (A)",
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


READS = (
    "drivers.sanctions_on_russia",
    "kazakhstan.budget_stress",
    "kazakhstan.fuel_price_index",
    "kazakhstan.xinjiang_salience",
    "russia.media_reach",
    "tariff_harmonisation.price_pressure",
    "tariff_harmonisation.trader_income_loss",
    "tariff_harmonisation.producer_pressure",
    "bri_loans.chinese_presence",
    "bri_loans.project_jobs",
    "land_protests.land_salience",
    "land_protests.repression",
    "russian_reactions.threat_perception",
    "citizens.region",
    "citizens.network",
    "citizens.china_contact",
    "citizens.russian_media",
    "citizens.ethnicity",
    "citizens.susceptibility",
)
#: Channels this rule posts to (their owners apply the contributions).
POSTS: tuple[str, ...] = ()
#: The citizens' arrays (kzsim.agents.population) this rule owns and alone writes.
CITIZENS = ("hardship", "sinophobia", "legitimacy", "eaeu_support", "russia_affinity")


@dataclass
class State(RuleState):
    """Opinion owns no scalar state: it owns citizen arrays, kept in the population.

    Owned (this rule alone updates them; one value per citizen, in ``model.population``):

    * ``citizens.hardship`` and its baseline ``citizens.baseline_hardship``;
    * the four attitudes ``citizens.sinophobia``, ``citizens.legitimacy``,
      ``citizens.eaeu_support`` and ``citizens.russia_affinity``, with their Friedkin-Johnsen
      anchors ``citizens.anchors``.

    Other rules read them through their ``READS`` (``citizens.<name>``) and move legitimacy only
    through the ``citizens.legitimacy`` channel (:func:`channels`); the scenario's events may set
    them. Their regional means are the series of ``DERIVED_REGIONAL``.
    """

    owner = "opinion"


def _regional_mean(attribute: str) -> Callable[[KazakhstanModel], FloatArray]:
    """Return a reader of the regional means of one citizen attribute."""

    def read(model: KazakhstanModel) -> FloatArray:
        population = model.population
        return population.regional_mean(getattr(population, attribute))

    return read


#: EAEU support above which a citizen counts as a supporter (the barometer's "support").
SUPPORTER_LEVEL = 0.5


def _eaeu_supporters(model: KazakhstanModel) -> FloatArray:
    """The share of each region's citizens whose EAEU support exceeds :data:`SUPPORTER_LEVEL`."""
    population = model.population
    return population.regional_mean(population.eaeu_support > SUPPORTER_LEVEL)


#: Series derived from the citizens' attributes this rule owns.
DERIVED: tuple[Series, ...] = ()
DERIVED_REGIONAL = (
    RegionalSeries(
        "legitimacy_mean",
        "share 0-1",
        "perceived legitimacy of the government",
        _regional_mean("legitimacy"),
        low=0.0,
        high=1.0,
        headline=True,
        group="publics",
        statistic="min",
    ),
    RegionalSeries(
        "sinophobia_mean",
        "share 0-1",
        "Sinophobia",
        _regional_mean("sinophobia"),
        low=0.0,
        high=1.0,
        headline=True,
        group="publics",
    ),
    RegionalSeries(
        "eaeu_support_mean",
        "share 0-1",
        "support for the EAEU",
        _regional_mean("eaeu_support"),
        low=0.0,
        high=1.0,
        headline=True,
        group="publics",
    ),
    RegionalSeries(
        "eaeu_supporters_share",
        "share 0-1",
        "share of citizens whose EAEU support exceeds 0.5 (the EDB barometer's % supporting)",
        _eaeu_supporters,
        low=0.0,
        high=1.0,
    ),
    RegionalSeries(
        "hardship_mean",
        "share 0-1",
        "economic hardship",
        _regional_mean("hardship"),
        low=0.0,
        high=1.0,
    ),
    RegionalSeries(
        "russia_affinity_mean",
        "share 0-1",
        "affinity with Russia",
        _regional_mean("russia_affinity"),
        low=0.0,
        high=1.0,
    ),
)


@dataclass(frozen=True)
class RegionalHit:
    """A fall of legitimacy for the citizens ``start:stop`` (one region's slice)."""

    start: int
    stop: int
    amount: float


def channels(state: State, population: Any) -> dict[str, Channel[Any]]:
    """The legitimacy channel: other rules' hits to a region's legitimacy (BR4 project failures)."""

    def lower(hit: RegionalHit) -> None:
        values = population.legitimacy[hit.start : hit.stop]
        values -= hit.amount
        np.clip(values, 0.0, 1.0, out=values)

    def size(hit: RegionalHit) -> float:
        return hit.amount * (hit.stop - hit.start)

    return {"citizens.legitimacy": Channel("citizens.legitimacy", lower, size)}
