"""Contract of the land and protest rule: its parameters and the series it declares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field

from kzsim.contract import FloatArray, RuleState, regional_var, var
from kzsim.contracts.base import RuleConfig
from kzsim.series import RegionalSeries, Series, in_persons

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


#: The government's possible answers to a wave (LP4, LP7): ``decide``, its own choice of measures
#: by forecast (kzsim.rules.land_protests), or a set of measures (MEASURES): the land
#: moratorium (if a reform is pending or in force), an economic concession on fuel prices (if the
#: fuel price has risen), the dismissal of ministers or the government, a crackdown.
Response = Literal["decide", "concede", "repress", "both", "concede_economic", "dismiss", "all"]

#: The measures that give protesters something: all but the crackdown.
CONCESSIONS = frozenset({"moratorium", "fuel", "dismissal"})
MEASURES: dict[str, frozenset[str]] = {
    "concede": frozenset({"moratorium"}),
    "repress": frozenset({"crackdown"}),
    "both": frozenset({"moratorium", "crackdown"}),
    "concede_economic": frozenset({"moratorium", "fuel"}),
    "dismiss": frozenset({"dismissal"}),
    "all": frozenset({"moratorium", "fuel", "dismissal", "crackdown"}),
}


class Config(RuleConfig):
    """Parameters of the land-policy state machine and the protest engine."""

    engine: Literal["epstein", "threshold"] = Field(
        "epstein", description="protest engine: Epstein (2002) or Granovetter (1978) threshold"
    )
    salience_jump: float = Field(
        0.15,
        ge=0.0,
        le=1.0,
        description="salience 0-1 added at approval; perceived land grab (E L62; P L271-273) (A)",
    )
    salience_half_life_months: float = Field(
        12.0, ge=0.5, le=600.0, description="months; land salience halves without news (A)"
    )
    media_amplification: float = Field(
        0.5,
        ge=0.0,
        le=5.0,
        description="dimensionless; land salience felt per unit Russian media exposure x "
        "reach, for protest and Sinophobia alike (LP3; Russian TV coverage of the protests, "
        "C L21), size (A)",
    )
    land_weight: float = Field(
        0.4, ge=0.0, le=2.0, description="grievance per felt salience x Sinophobia (LP2) (A)"
    )
    xinjiang_weight: float = Field(
        0.2,
        ge=0.0,
        le=2.0,
        description="grievance per Xinjiang salience x Sinophobia; anti-China demands join "
        "anti-government protest (LP5-LP6; C L39; T L1844-1848) (A)",
    )
    arrest_constant: float = Field(
        2.3, ge=0.0, le=20.0, description="k, dimensionless; Epstein (2002)"
    )
    activation_threshold: float = Field(
        0.47,
        ge=0.0,
        le=1.0,
        description="T, grievance units; Epstein (2002); level set so that calm years stay below "
        "one person in 10,000 active (A)",
    )
    activation_spread: float = Field(
        0.03,
        ge=0.0,
        le=1.0,
        description="tau, grievance units; logistic spread of net grievance among the persons "
        "one citizen stands for: the active share is sigma((G - R P - T) / tau); 0 gives "
        "Epstein's (2002) all-or-nothing rule (A)",
    )
    crowd_per_100k: float = Field(
        1000.0,
        gt=0.0,
        le=100_000.0,
        description="persons per 100,000; the active share among a citizen's ties that counts as "
        "one unit in Epstein's cop-to-active ratio and in the Granovetter thresholds (100,000 "
        "gives the papers' shares of everyone); size (A)",
    )
    min_active_share: float = Field(
        0.1,
        gt=0.0,
        le=1.0,
        description="share of crowd_per_100k; floor on the ties' active share, the lone activist "
        "(A)",
    )
    follower_min_grievance: float = Field(
        0.25, ge=0.0, le=2.0, description="g_min, grievance units; threshold engine (A)"
    )
    contagion_rounds: int = Field(
        2, ge=1, le=10, description="rounds of threshold contagion per month (A)"
    )
    arrest_rate_per_repression: float = Field(
        0.35,
        ge=0.0,
        le=10.0,
        description="monthly share of active persons detained per unit repression; calibrated on "
        "the January 2022 detentions (about 9,900; january_2022_unrest.csv)",
    )
    mean_jail_months: float = Field(
        3.5,
        ge=1.0,
        le=120.0,
        description="months; mean jail term, a share 1/mean of the jailed is released each month "
        "(Epstein's J; the mean of a uniform 1..6) (A)",
    )
    wave_per_100k: float = Field(
        20.0,
        ge=0.0,
        le=100_000.0,
        description="persons active per 100,000 of a region for a wave; set so that the 2016 "
        "rallies reported with numbers (Atyrau ~1,000, Oral ~200, Aktobe 'hundreds') make waves "
        "and 'a few dozen' (Aktau) does not (land_protests_2016.csv) (A)",
    )
    wave_regions: int = Field(
        3,
        ge=1,
        le=100,
        description="regions in a wave that prompt a response; 2016 spread (E L62) (A)",
    )
    response_lag_months: int = Field(
        0,
        ge=0,
        le=60,
        description="months of wave before the response; protests 24 Apr, moratorium 5 May "
        "2016 (events_outside_seeds.csv)",
    )
    response: Response = Field(
        "all",
        description="the government's answer to a wave, a set of measures (MEASURES): 'all' in "
        "2016 (moratorium and suppression, C L38; ministers resigned, events_outside_seeds.csv "
        "2016-05-05) and 2022 (fuel price caps, trend.az 2022-01-06; government dismissed, "
        "events_outside_seeds.csv 2022-01-05; crackdown, T L1455-1457); or 'decide', each "
        "concession the government's forecast says takes concession_min_effect of the "
        "protesters off the streets, then a crackdown only if a wave would remain",
    )
    concession_min_effect: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="share 0-1 of the protesters a concession must take off the streets, by "
        "the government's forecast, to be made (A)",
    )
    response_cooldown_months: int = Field(
        12, ge=0, le=600, description="months before the government responds again (A)"
    )
    moratorium_months: int = Field(
        67,
        ge=1,
        le=600,
        description="months; May 2016 to Dec 2021 (C L38; events_outside_seeds.csv)",
    )
    concession_salience_cut: float = Field(
        0.5, ge=0.0, le=1.0, description="share of land salience removed by a moratorium (A)"
    )
    concession_legitimacy_gain: float = Field(
        0.02,
        ge=0.0,
        le=1.0,
        description="legitimacy 0-1 added to every citizen; apology (P L273-277), size (A)",
    )
    crackdown_step: float = Field(
        0.2, ge=0.0, le=1.0, description="repression 0-1 added by a crackdown (C L38), size (A)"
    )
    crackdown_half_life_months: float = Field(
        6.0, ge=0.5, le=600.0, description="months; the crackdown's excess repression halves (A)"
    )
    crackdown_legitimacy_cost: float = Field(
        0.02, ge=0.0, le=1.0, description="legitimacy 0-1 removed from every citizen (A)"
    )
    nationwide_regions: int = Field(
        9,
        ge=1,
        le=100,
        description="regions in a wave that make it nationwide: more than half of the 17 "
        "(T L1443 'across Kazakhstan') (A)",
    )
    outside_help: bool = Field(
        True,
        description="a wave still nationwide after a crackdown brings a request for allied troops "
        "if Russia leads Kazakhstan's security engagement (LP7, CSTO Art. 4; T L1464-1478, "
        "L2123-2125)",
    )
    outside_help_repression: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="repression 0-1 added by allied troops (2,500 CSTO peacekeepers, "
        "T L1474-1476), size (A)",
    )
    outside_help_half_life_months: float = Field(
        1.0,
        ge=0.5,
        le=600.0,
        description="months; the troops' extra repression halves (they left within two weeks, "
        "events_outside_seeds.csv 2022-01-13..19)",
    )
    csto_gratitude_step: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Russia's csto_gratitude 0-1 added by its help (RL5; T L286-305), size (A)",
    )
    elite_change_legitimacy_gain: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="legitimacy 0-1 added to every citizen by elite change and reform after a "
        "nationwide wave (T L1933-1943, L2002-2022), size (A)",
    )
    fuel_concession_share: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="share 0-1 of the fuel price rise rolled back by an economic concession; "
        "LPG capped at 50-70 tenge/l on 6 Jan 2022 after ~60 in 2021 and 120 on 1 Jan "
        "(https://en.trend.az/casia/kazakhstan/3537233.html; events_outside_seeds.csv 2022-01-02)",
    )
    fuel_concession_half_life_months: float = Field(
        60.0,
        ge=0.5,
        le=600.0,
        description="months; the concession fades (caps set for 180 days, trend.az 2022-01-06, "
        "then lifted step by step), length (A): long enough that lifting the cap is no second "
        "shock (with 12 months, 15,000 protested a month in 2023; docs/calibration.md)",
    )
    fuel_rise_window_months: int = Field(
        12,
        ge=1,
        le=120,
        description="months; an economic concession is granted only if the fuel price index is "
        "above its lowest value in this window (A)",
    )
    dismissal_legitimacy_gain: float = Field(
        0.03,
        ge=0.0,
        le=1.0,
        description="legitimacy 0-1 added to every citizen when ministers or the government are "
        "dismissed (events_outside_seeds.csv 2016-05-05, 2022-01-05), size (A)",
    )
    ban_sinophobia_threshold: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="national mean Sinophobia above which the moratorium ends in a ban "
        "(anti-Chinese sentiment led to a ban, C L71; tight grip on leases, O L50), level (A)",
    )


READS = (
    "citizens.sinophobia",
    "citizens.russian_media",
    "citizens.hardship",
    "citizens.fuel_hardship",
    "citizens.legitimacy",
    "citizens.risk_aversion",
    "citizens.protest_threshold",
    "citizens.network",
    "citizens.region",
    "russia.media_reach",
    "opinion.xinjiang_felt_salience",
    "multi_vector.engagement_russia_security",
    "multi_vector.engagement_china_security",
    "multi_vector.engagement_west_security",
    "kazakhstan.fuel_price_index",
    "events.fired_this_month",
)
#: Channels this rule posts to: the legitimacy gained by concessions and elite change and lost
#: to crackdowns (owner opinion), Russia's gratitude for allied troops (owner russian_reactions).
POSTS = ("citizens.legitimacy", "russian_reactions.csto_gratitude")
#: The citizens' arrays (kzsim.agents.population) this rule owns and alone writes.
CITIZENS = ("active", "jailed")


@dataclass
class State(RuleState):
    """Land policy, its salience, protest waves and the state's repression.

    The rule also owns two citizen arrays, kept in the population (``model.population``) with
    the other citizen attributes: ``active`` and ``jailed``, the shares 0-1 of the persons each
    citizen stands for who protest this month and who serve a jail term for protest. The
    reform's effective month, the moratorium's end and the
    response's cooldowns are the rule's own bookkeeping (``kzsim.rules.land_protests.Rule``),
    read by no other rule and no output.
    """

    owner = "land_protests"
    initial_from: ClassVar[dict[str, str]] = {
        "kazakhstan.repression": "repression",
        "kazakhstan.land_salience": "land_salience",
    }

    land_policy_state: int = var(
        0,
        unit="code",
        description="0 closed, 1 reform pending, 2 in force, 3 moratorium, 4 ban",
        high=4,
        headline=True,
        group="politics",
    )
    regions_in_wave: int = var(
        0,
        unit="regions",
        description="regions whose persons active per 100,000 exceed the wave level",
        high=17,
    )
    repression: float = var(
        0.3,
        unit="share 0-1",
        description="state repression intensity",
    )
    land_salience: float = var(
        0.0,
        unit="share 0-1",
        description="public salience of land sales to foreigners",
    )
    fuel_price_concession: float = var(
        0.0,
        unit="share 0-1",
        description="share of the fuel price rise rolled back by the government (read by opinion)",
    )
    in_wave: FloatArray = regional_var(
        unit="0/1", description="the region is in a protest wave this month", series=False
    )
    participants: FloatArray = regional_var(
        unit="citizens",
        description="citizen-equivalents protesting this month, those detained included (the "
        "active shares of the persons each citizen stands for, summed by region)",
        high=None,
        series=False,
    )
    arrests: FloatArray = regional_var(
        unit="citizens",
        description="citizen-equivalents detained for protest this month (new arrests: the "
        "detained shares of the persons each citizen stands for, summed by region)",
        high=None,
        series=False,
    )


def _per_citizen(m: KazakhstanModel, totals: FloatArray) -> FloatArray:
    counts = m.population.counts
    return np.divide(totals, counts, out=np.zeros(counts.size), where=counts > 0)


def _protest_share(m: KazakhstanModel) -> FloatArray:
    return _per_citizen(m, m.state(State).participants)


def _jailed_share(m: KazakhstanModel) -> FloatArray:
    return m.population.regional_mean(m.population.jailed)


def _detained_share(m: KazakhstanModel) -> FloatArray:
    return _per_citizen(m, m.state(State).arrests)


# Readers are named functions, not lambdas: mypy cannot infer a lambda's argument type here,
# because this module and kzsim.model import each other when type checking (TYPE_CHECKING).
#: Series derived from the citizens this rule moves.
DERIVED: tuple[Series, ...] = ()
DERIVED_REGIONAL = (
    RegionalSeries(
        "protest_share",
        "share 0-1",
        "share of the region's persons protesting this month (those detained included)",
        _protest_share,
        low=0.0,
        high=1.0,
        headline=True,
        group="publics",
        statistic="max",
    ),
    RegionalSeries(
        "protest_participants",
        "persons",
        "persons active in protest (protest share x the region's persons)",
        in_persons(_protest_share),
        low=0.0,
        headline=True,
        group="politics",
        statistic="max",
        aggregation="sum",
    ),
    RegionalSeries(
        "jailed_share",
        "share 0-1",
        "share of the region's persons serving a jail term for protest",
        _jailed_share,
        low=0.0,
        high=1.0,
    ),
    RegionalSeries(
        "jailed_persons",
        "persons",
        "persons serving a jail term for protest (jailed share x the region's persons)",
        in_persons(_jailed_share),
        low=0.0,
        aggregation="sum",
    ),
    RegionalSeries(
        "protest_detentions",
        "persons",
        "persons detained for protest this month, new arrests (their share of the region's "
        "citizens x its persons)",
        in_persons(_detained_share),
        low=0.0,
        aggregation="sum",
    ),
)
