"""Contract of the opinion rule: its parameters and the citizen attitudes it reports."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field

from kzsim.contract import Channel, FloatArray, RuleState, var
from kzsim.contracts.base import RuleConfig
from kzsim.dynamics import half_life_from_rate
from kzsim.scenario.regions import ethnic_weights
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
    hardship_adaptation_half_life_months: float | None = Field(
        12.0,
        ge=0.5,
        le=600.0,
        description="months; half-life of the reference people adapt to: every pressure on "
        "hardship counts against it, so a lasting shock's effect fades (hedonic adaptation, "
        "Frederick and Loewenstein 1999); null = no adaptation (shocks last); size (A)",
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
        1.1,
        ge=0.0,
        le=2.0,
        description="hardship per unit relative fuel price rise above its reference; LP7 "
        "T L1443-1447; calibrated on January 2022 (a nationwide wave; about 9,900 detained) "
        "with land_protests.activation_threshold (docs/calibration.md)",
    )
    fuel_oil_region_boost: float = Field(
        0.5,
        ge=0.0,
        le=5.0,
        description="relative extra fuel-price hardship in oil regions (the January 2022 unrest "
        "began in Zhanaozen and Aktau over the gas price, data/events_outside_seeds.csv "
        "2022-01-02); size (A)",
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
        description="Sinophobia per unit Chinese presence without contact: opposition arises "
        "where people have had little contact with China (O L47), whatever the actual numbers "
        "(P L305-307); size (A)",
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
    land_lease_boost: float = Field(
        0.5,
        ge=0.0,
        le=5.0,
        description="relative extra land salience felt in regions with Chinese land leases "
        "(western Kazakhstan, T L1797); size (A)",
    )
    sinophobia_xinjiang_weight: float = Field(
        0.12,
        ge=0.0,
        le=1.0,
        description="Sinophobia per unit felt Xinjiang salience; LP6 C L31-32, L37, "
        "T L1818-1822; size (A)",
    )
    xinjiang_salience_half_life_months: float | None = Field(
        12.0,
        ge=0.5,
        le=600.0,
        description="months; half-life of the felt Xinjiang salience after the last rise of "
        "the reported salience: attention fades unless renewed (A; renewal as when social "
        "media kept circulating news, C L37); null = no fading",
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
        1.0,
        ge=0.0,
        le=10.0,
        description="EAEU support loss per unit price_pressure; TH2 E L86; calibrated (EDB "
        "2012-2015 levels; SF1 needs at least about 0.9)",
    )
    eaeu_threat_weight: float = Field(
        0.005,
        ge=0.0,
        le=1.0,
        description="EAEU support loss per unit threat perception; RL4 E L19, L86; small: "
        "support held at 84% and 80% after Crimea (EDB 2014, 2015); calibrated",
    )
    eaeu_sanctions_weight: float = Field(
        0.02,
        ge=0.0,
        le=1.0,
        description="EAEU support loss per unit sanctions on Russia; RL4 E L19 ('some say'); "
        "small for the same EDB 2014-2015 levels; size (A)",
    )
    survey_response_sd: float = Field(
        0.16,
        ge=0.0,
        le=1.0,
        description="attitude units (share 0-1); SD of the transient part of a survey answer "
        "(ordered logit; Zaller 1992): P(answer support) rises from 0 to 1 around x = 0.5; "
        "0 = support above 0.5; "
        "size (A), with the EDB 2012-2015 changes (targets/eaeu_support_edb_2012_2015.csv)",
    )
    eaeu_affinity_weight: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="EAEU support per unit change of Russia affinity; E L86; calibrated",
    )
    affinity_media_weight: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Russia affinity per unit media exposure x reach; C L19-21; size (A)",
    )
    affinity_threat_weight: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="Russia affinity loss per unit threat perception; RL3 T L1569-1583; small: "
        "approval of Russia's leadership stayed 55-87% to 2017 (T L1765-1767); size (A)",
    )
    affinity_threat_media_damping: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="share of the threat's effect on Russia affinity that full exposure to "
        "Russian media cancels (support for the 2022 invasion put down to Russian state TV, "
        "T L1771-1779); size (A)",
    )


READS = (
    "drivers.sanctions_on_russia",
    "land_protests.fuel_price_concession",
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
CITIZENS = (
    "hardship",
    "fuel_hardship",
    "sinophobia",
    "legitimacy",
    "eaeu_support",
    "russia_affinity",
)


@dataclass
class State(RuleState):
    """The felt Xinjiang salience, and the citizen arrays, kept in the population.

    Owned (this rule alone updates them; one value per citizen, in ``model.population``):

    * ``citizens.hardship``, its baseline ``citizens.baseline_hardship`` and its part due to
      this month's fuel prices ``citizens.fuel_hardship`` (LP7);
    * the four attitudes ``citizens.sinophobia``, ``citizens.legitimacy``,
      ``citizens.eaeu_support`` and ``citizens.russia_affinity``, with their Friedkin-Johnsen
      anchors ``citizens.anchors``.

    Other rules read them through their ``READS`` (``citizens.<name>``) and move legitimacy only
    through the ``citizens.legitimacy`` channel (:func:`channels`); the scenario's events may set
    them. Their regional means are the series of ``DERIVED_REGIONAL``.
    """

    owner = "opinion"

    xinjiang_felt_salience: float = var(
        0.0,
        unit="share 0-1",
        description="Xinjiang detentions' salience as the public feels it: follows each rise of "
        "kazakhstan.xinjiang_salience, then fades with a half-life (C L37)",
    )


def land_lease_factor(config: Config, model: KazakhstanModel) -> FloatArray:
    """Per region, how much more the land salience is felt where Chinese land leases are (T L1797).

    ``1 + land_lease_boost`` in a region with leases, 1 elsewhere. Felt land salience is one
    quantity for Sinophobia (opinion) and for protest (land_protests): both use this factor.
    """
    leases = np.array(
        [region.chinese_land_leases for region in model.scenario.population.regions],
        dtype=np.float64,
    )
    factor: FloatArray = 1.0 + config.land_lease_boost * leases
    return factor


def persons_weighted_mean(model: KazakhstanModel, values: Any) -> FloatArray:
    """Each region's mean of ``values`` over its persons, by the persons each citizen stands for.

    Citizens keep the ethnic group they were drawn with in 2009; a citizen of group g in region r
    counts ``s_rg(t) / s_rg(2009)`` (:func:`kzsim.scenario.regions.ethnic_weights`), so that
    a region's mean follows its ethnic composition as it moves toward the 2021 census
    (emigration of ethnic Russians, C L13).
    """
    from kzsim import kernels  # numba loads when a model runs, not with the scenario schema

    population = model.population
    weights = _ethnic_weights(model)
    sums = np.empty_like(weights)
    kernels.region_group_sums(
        population.starts, population.counts, population.ethnicity, values, sums
    )
    return _weighted_by_persons(model, weights, sums)


def _weighted_by_persons(
    model: KazakhstanModel, weights: FloatArray, sums: FloatArray
) -> FloatArray:
    """Regional means from sums by region and ethnic group, weighted as the persons they are.

    Args:
        model: the model.
        weights: the persons a citizen of each region and group stands for (``ethnic_weights``).
        sums: the sums of a citizen attribute by region and group.

    """
    totals = (weights * model.population.ethnic_counts).sum(axis=1)
    means: FloatArray = np.divide(
        (weights * sums).sum(axis=1), totals, out=np.zeros(totals.size), where=totals > 0
    )
    return means


#: The citizen attributes whose regional means are series (below), summed in one pass.
SUMMED_ATTRIBUTES = ("legitimacy", "sinophobia", "eaeu_support", "hardship", "russia_affinity")


def _group_totals(model: KazakhstanModel) -> FloatArray:
    """Sums by region and ethnic group of :data:`SUMMED_ATTRIBUTES`, then the supporters.

    Shape ``(len(SUMMED_ATTRIBUTES) + 1, regions, groups)``: one pass over the citizens
    (:func:`kzsim.kernels.region_group_totals`), kept in the model's collection memo for the
    other series of the same collection.
    """
    from kzsim import kernels  # numba loads when a model runs, not with the scenario schema

    memo = model.collection_memo
    if memo is not None and "opinion.group_totals" in memo:
        kept: FloatArray = memo["opinion.group_totals"]
        return kept
    population = model.population
    sums = np.empty((len(SUMMED_ATTRIBUTES) + 1, *population.ethnic_counts.shape))
    kernels.region_group_totals(
        population.starts,
        population.counts,
        population.ethnicity,
        tuple(getattr(population, name) for name in SUMMED_ATTRIBUTES),
        population.eaeu_support,
        SUPPORTER_LEVEL,
        logistic_scale(model.scenario.rules.opinion.survey_response_sd),
        sums,
    )
    if memo is not None:
        memo["opinion.group_totals"] = sums
    return sums


def _ethnic_weights(model: KazakhstanModel) -> FloatArray:
    """This month's ``ethnic_weights``, kept in the model's collection memo if it has one."""
    memo = model.collection_memo
    if memo is not None and "opinion.ethnic_weights" in memo:
        kept: FloatArray = memo["opinion.ethnic_weights"]
        return kept
    weights = ethnic_weights(model.scenario.population.regions, model.month)
    if memo is not None:
        memo["opinion.ethnic_weights"] = weights
    return weights


def _regional_mean(attribute: str) -> Callable[[KazakhstanModel], FloatArray]:
    """Return a reader of the regional means of one citizen attribute.

    While the model collects a month's series, the sums come from :func:`_group_totals` (one
    pass for all the attributes); otherwise from a pass over this attribute alone.
    """
    position = SUMMED_ATTRIBUTES.index(attribute)

    def read(model: KazakhstanModel) -> FloatArray:
        if model.collection_memo is None:
            return persons_weighted_mean(model, getattr(model.population, attribute))
        return _weighted_by_persons(model, _ethnic_weights(model), _group_totals(model)[position])

    return read


#: EAEU support above which a citizen's answer is "support" (the barometer's "support").
SUPPORTER_LEVEL = 0.5


def logistic_scale(response_sd: float) -> float:
    """The scale ``b = sd sqrt(3) / pi`` of a logistic with standard deviation ``response_sd``."""
    return response_sd * math.sqrt(3.0) / math.pi


def supporter_probability(support: FloatArray, response_sd: float) -> FloatArray:
    """The probability that a citizen answers "support" in a survey (ordered logit).

    The answer is the attitude plus a transient logistic part with SD ``response_sd`` (the
    considerations at hand when asked; Zaller 1992), read against :data:`SUPPORTER_LEVEL`:
    ``1 / (1 + exp(-(x - 0.5) / b))`` with ``b = sd sqrt(3) / pi``; with ``sd = 0``, 1 above
    0.5 and 0 otherwise.

    Reference: Zaller, J. R. (1992). The Nature and Origins of Mass Opinion. Cambridge UP.
    """
    if response_sd == 0.0:
        answers: FloatArray = (support > SUPPORTER_LEVEL).astype(np.float64)
        return answers
    scale = logistic_scale(response_sd)
    probability: FloatArray = np.tanh((support - SUPPORTER_LEVEL) / (2.0 * scale))
    probability += 1.0
    probability *= 0.5
    return probability


def _eaeu_supporters(model: KazakhstanModel) -> FloatArray:
    """The expected share of each region's adults answering "support" (EDB barometer).

    Each citizen answers as :func:`supporter_probability` gives, summed in one pass
    (:func:`kzsim.kernels.region_group_supporters`; while the model collects, in the pass of
    :func:`_group_totals`).
    """
    from kzsim import kernels  # numba loads when a model runs, not with the scenario schema

    weights = _ethnic_weights(model)
    if model.collection_memo is not None:
        return _weighted_by_persons(model, weights, _group_totals(model)[-1])
    population = model.population
    sums = np.empty_like(weights)
    kernels.region_group_supporters(
        population.starts,
        population.counts,
        population.ethnicity,
        population.eaeu_support,
        SUPPORTER_LEVEL,
        logistic_scale(model.scenario.rules.opinion.survey_response_sd),
        sums,
    )
    return _weighted_by_persons(model, weights, sums)


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
        "expected share of adults answering 'support' for the EAEU (the EDB barometer's %)",
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
