"""Contract of the Belt and Road rule: its parameters and the finance series it declares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import Field, model_validator

from kzsim.contract import FloatArray, RuleState, regional_var, var
from kzsim.contracts.base import RuleConfig
from kzsim.dynamics import half_life_from_rate
from kzsim.series import RegionalSeries, Series

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


#: Sectors of Chinese-financed projects (P L156, L192-193; C L51).
SECTORS = ("transport", "energy", "industry", "agriculture")
TRANSPORT, ENERGY, INDUSTRY, AGRICULTURE = 0, 1, 2, 3

#: Lender responses to distress, in the order of the propensity vector.
RESPONSES = ("reschedule", "equity_swap", "write_off")
RESCHEDULE, EQUITY_SWAP, WRITE_OFF = 0, 1, 2


class Config(RuleConfig):
    """Parameters of Chinese lending (units; sources, or (A) for an assumption)."""

    appetite_recovery_half_life_months: float = Field(
        half_life_from_rate(0.05),
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap of lending appetite to China's strategic "
        "interest (13.5: 0.05 closed per month); P L14-29 (A)",
    )
    # --- capital need (BR7) ---
    need_base: float = Field(
        0.3, ge=0.0, le=1.0, description="capital need at zero budget stress, 0-1; E L31 (A)"
    )
    need_per_budget_stress: float = Field(
        1.0, ge=0.0, le=5.0, description="need per unit budget stress; E L31, L41 (A)"
    )
    # --- offers (BR1, BR2) ---
    offers_per_year: float = Field(
        16.0,
        ge=0.0,
        le=60.0,
        description="offers per year at full appetite; calibrated: ~$25bn of project spending "
        "by 2022-01 (T L892-894) and ~40 projects 2014-2019 (P L206; C L52) in the replay",
    )
    project_median_usd_bn: float = Field(
        0.4, gt=0.0, le=10.0, description="US$ bn, median project value; derived P L206, C L52 (A)"
    )
    project_log_sd: float = Field(
        0.8,
        ge=0.0,
        le=2.0,
        description="log sd of project value; mean 0.55 with the median, P L206, C L52 (A)",
    )
    loan_share_of_project: float = Field(
        0.3,
        gt=0.0,
        le=1.0,
        description="share of project value lent by China; calibrated: China invested far more "
        "than it lent, ~$10bn owed against $26.7bn invested (T L884-894; O L41)",
    )
    content_min: float = Field(
        0.5, ge=0.0, le=1.0, description="share, minimum Chinese content; P L153-154"
    )
    content_max: float = Field(0.8, ge=0.0, le=1.0, description="share, maximum content (A)")
    rate_low: float = Field(0.02, ge=0.0, le=0.2, description="per year, loan interest (A)")
    rate_high: float = Field(0.04, ge=0.0, le=0.2, description="per year, loan interest (A)")
    maturity_years_low: int = Field(15, ge=1, le=40, description="years from signing (A)")
    maturity_years_high: int = Field(20, ge=1, le=40, description="years from signing (A)")
    grace_years_low: int = Field(3, ge=0, le=20, description="years without principal (A)")
    grace_years_high: int = Field(5, ge=0, le=20, description="years without principal (A)")
    disbursement_months_low: int = Field(24, ge=1, le=120, description="months of disbursement (A)")
    disbursement_months_high: int = Field(
        36, ge=1, le=120, description="months of disbursement (A)"
    )
    weight_transport: float = Field(
        0.45, ge=0.0, le=1.0, description="relative offer weight; P L156 'primarily' (A)"
    )
    weight_energy: float = Field(
        0.25, ge=0.0, le=1.0, description="relative offer weight; P L192-193, C L51 (A)"
    )
    weight_industry: float = Field(
        0.2, ge=0.0, le=1.0, description="relative offer weight; P L192-193, C L51-52 (A)"
    )
    weight_agriculture: float = Field(
        0.1, ge=0.0, le=1.0, description="relative offer weight; C L38 (A)"
    )
    transport_china_border_weight: float = Field(
        3.0,
        ge=0.0,
        le=20.0,
        description="extra transport weight of China-border regions; P L157, L170-176 (A)",
    )
    energy_oil_region_weight: float = Field(
        2.0, ge=0.0, le=20.0, description="extra region weight of oil regions for energy (A)"
    )
    bypass_russia_share: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="share of transport offers routing around Russia; P L157 (A)",
    )
    # --- Kazakhstan's decision (BR7) ---
    accept_need: float = Field(
        3.0, ge=0.0, le=20.0, description="utility per unit capital need; E L41 (A)"
    )
    accept_transport: float = Field(
        0.5, ge=0.0, le=20.0, description="utility of a transport project; E L31, L44 (A)"
    )
    accept_debt: float = Field(
        2.0, ge=0.0, le=50.0, description="utility per unit debt-to-China/GDP; T L882-887 (A)"
    )
    accept_sinophobia: float = Field(
        2.0, ge=0.0, le=20.0, description="utility per unit Sinophobia x visibility; P L307-312 (A)"
    )
    accept_irritation: float = Field(
        1.0, ge=0.0, le=20.0, description="utility per unit Russian irritation; P L598-600 (A)"
    )
    accept_content: float = Field(
        2.0,
        ge=0.0,
        le=20.0,
        description="utility per unit Chinese content above tolerance; E L41, P L290-300 (A)",
    )
    content_tolerance: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Chinese content the procurement rules tolerate; E L41, P L153-154 (A)",
    )
    visibility_base: float = Field(
        0.3, ge=0.0, le=1.0, description="visibility of a new project, 0-1; E L54 (A)"
    )
    accept_noise_scale: float = Field(
        1.0, gt=0.0, le=10.0, description="scale of the logistic decision noise (A)"
    )
    # --- jobs, presence, contact (BR3, BR8) ---
    jobs_per_usd_bn: float = Field(
        30.0,
        ge=0.0,
        le=500.0,
        description="thousand jobs per US$ bn a year of local spending (A); P L287-290",
    )
    # --- benefits: transit fees and growth (BR5; P L249-251, L610-613; O L44) ---
    transit_fee_yield: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="per year, transit fees net of maintenance per US$ of completed transport "
        "project value at full loads in both directions; P L249-251 (A)",
    )
    return_load_share: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="share, load of trains returning to China relative to the full outbound "
        "trains; P L612-613 'back half empty'",
    )
    growth_per_investment: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="pp of real growth a year per pp of GDP of Chinese project spending a year; "
        "a decade of replay spending gives a few % of GDP, inside 'up to 9%' with reforms "
        "(O L44) (A)",
    )
    local_hiring_quota: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="local share of Chinese contractors' jobs under quotas; P L290-304 (A)",
    )
    presence_scale_usd_per_capita: float = Field(
        1000.0,
        gt=0.0,
        le=1e5,
        description="US$ per person of project value under way giving presence 0.63 (A)",
    )
    contact_per_job: float = Field(
        5.0,
        ge=0.0,
        le=100.0,
        description="residents newly in contact per local job and month; contact matters, "
        "O L47 (A)",
    )
    contact_gain: float = Field(
        0.2, ge=0.0, le=1.0, description="share of the gap to full contact closed per touch (A)"
    )
    # --- leakage and failure (BR4) ---
    leakage_mean: float = Field(
        0.15,
        gt=0.0,
        lt=1.0,
        description="mean share of project money leaked; O L35-38, P L312-326 (A)",
    )
    leakage_concentration: float = Field(
        10.0, gt=0.0, le=1000.0, description="Beta alpha + beta of leakage, dimensionless (A)"
    )
    failure_hazard_max: float = Field(
        0.05, ge=0.0, le=1.0, description="per month, upper limit of the failure hazard (A)"
    )
    failure_leakage_half: float = Field(
        0.3, gt=0.0, le=1.0, description="leakage at half the maximum hazard (A)"
    )
    failure_steepness: float = Field(
        4.0,
        ge=1.0,
        le=20.0,
        description="Hill exponent, dimensionless: how steeply hazard rises (A)",
    )
    failure_writeoff_share: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="share of a failed project's outstanding debt the lender writes off; O L38 (A)",
    )
    failure_legitimacy_hit: float = Field(
        0.05, ge=0.0, le=1.0, description="legitimacy drop in the region; P L312-324 (A)"
    )
    failure_appetite_drop: float = Field(
        0.15, ge=0.0, le=1.0, description="relative drop of lending appetite; O L38 (A)"
    )
    # --- hostility and agriculture (BR9) ---
    protest_baseline_share: float = Field(
        2e-5,
        ge=0.0,
        le=1.0,
        description="share of the population protesting that China ignores (2 per 100,000: "
        "background, below the regional wave level of land_protests); (A)",
    )
    protest_full_share: float = Field(
        2e-4,
        gt=0.0,
        le=1.0,
        description="share of the population protesting with full effect (20 per 100,000: inside "
        "the 2016 wave, land_protests_2016.csv: 2,000-4,999 nationwide of ~17.7 million); (A)",
    )
    protest_appetite_drop: float = Field(
        0.05,
        ge=0.0,
        le=0.5,
        description="per month, relative appetite drop at full protest; C L38 (A)",
    )
    salience_appetite_drop: float = Field(
        0.02,
        ge=0.0,
        le=0.5,
        description="per month, relative drop per unit land salience x Sinophobia; C L38 (A)",
    )
    agriculture_protest_drop: float = Field(
        0.3,
        ge=0.0,
        le=0.5,
        description="per month, relative agriculture drop at full protest; C L38 (A)",
    )
    agriculture_salience_drop: float = Field(
        0.05,
        ge=0.0,
        le=0.5,
        description="per month, agriculture drop per unit land salience; C L38, O L50 (A)",
    )
    agriculture_recovery_half_life_months: float = Field(
        half_life_from_rate(0.01),
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap of agriculture appetite to 1 (69.0: 0.01 closed "
        "per month) (A)",
    )
    # --- debt and distress (BR6, BR10) ---
    legacy_debt_usd_bn: float = Field(
        19.0,
        ge=0.0,
        le=200.0,
        description="US$ bn owed to China at start; calibrated: ~$15bn in 2014 and ~$10bn in "
        "2020 with the BRI loans of the replay (T L884-887)",
    )
    legacy_rate: float = Field(
        0.03, ge=0.0, le=0.2, description="per year, interest on the legacy stock (A)"
    )
    legacy_years: int = Field(
        13,
        ge=1,
        le=40,
        description="years to amortise from start; calibrated with legacy_debt_usd_bn: a 33% "
        "fall 2014-2020 (T L884-887)",
    )
    distress_threshold: float = Field(
        0.15,
        ge=0.0,
        le=2.0,
        description="annual public external debt service / exports triggering distress; the "
        "IMF-World Bank LIC-DSF threshold for medium debt-carrying capacity (A)",
    )
    # --- other creditors: Eurobonds, IFIs, other bilateral (public external debt) ---
    legacy_public_share: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="share of the legacy debt to China owed by public or publicly guaranteed "
        "debtors; calibrated: all PPG debt was US$ 2.5 bn in 2009 against ~19 bn owed to China "
        "(external_debt_2009_2017.csv), the rest is owed by companies (A)",
    )
    other_debt_initial_usd_bn: float = Field(
        0.6,
        ge=0.0,
        le=500.0,
        description="US$ bn of public external debt owed to other creditors at start; "
        "calibrated: 2009 PPG 2.49 bn less the public part of the legacy debt to China "
        "(external_debt_2009_2017.csv)",
    )
    other_borrowing_per_stress: float = Field(
        0.075,
        ge=0.0,
        le=0.5,
        description="share of GDP a year the government borrows abroad per unit budget stress "
        "(Eurobonds, IFIs: the budget is 60% oil revenue, P L219-220; E L31, L41); calibrated "
        "with the three parameters below to PPG debt 2010-2017 (external_debt_2009_2017.csv)",
    )
    company_borrowing_per_oil: float = Field(
        0.13,
        ge=0.0,
        le=1.0,
        description="share of GDP a year the state companies and development institutions "
        "borrow abroad per unit of expected oil price above the threshold, (Pe / P* - 1) "
        "(the national fund's investment programme, P L144-152, C L51); calibrated",
    )
    company_borrowing_oil_threshold_usd: float = Field(
        90.0,
        gt=0.0,
        le=300.0,
        description="US$/bbl, expected Brent above which the state companies borrow to invest; "
        "calibrated",
    )
    oil_expectation_half_life_months: float = Field(
        9.0,
        gt=0.0,
        le=120.0,
        description="months, half-life of the expected oil price (adaptive expectation of Brent, "
        "starting at the first month's price); calibrated",
    )
    other_maturity_years: float = Field(
        20.0,
        gt=0.0,
        le=40.0,
        description="years, mean maturity of other creditors' debt (repaid at 1/maturity a "
        "year) (A)",
    )
    other_rate: float = Field(
        0.05, ge=0.0, le=0.2, description="per year, interest on other creditors' debt (A)"
    )
    # --- Chinese equity (BR10; P L177-180, L224-229; T L961) ---
    china_equity_initial_usd_bn: float = Field(
        10.0,
        ge=0.0,
        le=500.0,
        description="US$ bn of Chinese equity at start (oil stakes: P L224-229, T L961); about "
        "half of the ~US$ 20 bn of Chinese FDI stated for 1991-2019 "
        "(external_debt_2009_2017.csv) (A)",
    )
    equity_share_of_spending: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="share of Chinese project spending that is Chinese equity (stakes such as "
        "COSCO's 49% of Khorgos, P L177-180) (A)",
    )
    distress_cooldown_months: int = Field(
        12, ge=1, le=240, description="months between lender decisions (A)"
    )
    propensity_reschedule: float = Field(
        0.6, ge=0.0, le=1.0, description="relative weight of rescheduling (A)"
    )
    propensity_equity_swap: float = Field(
        0.25, ge=0.0, le=1.0, description="relative weight of a swap; P L177-180, L200-201 (A)"
    )
    propensity_write_off: float = Field(
        0.15, ge=0.0, le=1.0, description="relative weight of a write-off (A)"
    )
    reschedule_months: int = Field(60, ge=1, le=240, description="months added to maturity (A)")
    equity_swap_share: float = Field(
        0.2, ge=0.0, le=1.0, description="share of outstanding debt swapped for equity (A)"
    )
    write_off_share: float = Field(
        0.2, ge=0.0, le=1.0, description="share of outstanding debt written off (A)"
    )
    debt_trap: bool = Field(
        False, description="switch; debt-trap variant, P L62-70; off: T L878-894, O L41"
    )
    trap_equity_probability: float = Field(
        0.9, ge=0.0, le=1.0, description="P(equity swap) under the debt-trap variant (A)"
    )
    trap_alignment_shift: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="share of the gap to full China alignment closed per swap; P L66-68 (A)",
    )

    @model_validator(mode="after")
    def _check_ranges(self) -> Config:
        pairs = (
            ("content_min", "content_max"),
            ("rate_low", "rate_high"),
            ("maturity_years_low", "maturity_years_high"),
            ("grace_years_low", "grace_years_high"),
            ("disbursement_months_low", "disbursement_months_high"),
        )
        for low, high in pairs:
            if getattr(self, low) > getattr(self, high):
                raise ValueError(f"{low} ({getattr(self, low)}) is above {high}")
        if self.protest_baseline_share >= self.protest_full_share:
            raise ValueError("protest_baseline_share must be below protest_full_share")
        if self.grace_years_high >= self.maturity_years_low:
            raise ValueError("grace_years_high must be below maturity_years_low")
        if self.sector_weights.sum() <= 0.0:
            raise ValueError("weight_transport .. weight_agriculture: at least one must be > 0")
        if self.propensities.sum() <= 0.0:
            raise ValueError("propensity_reschedule .. propensity_write_off: one must be > 0")
        return self

    @property
    def sector_weights(self) -> FloatArray:
        """Relative offer weights in the order of ``SECTORS``."""
        return np.array(
            [
                self.weight_transport,
                self.weight_energy,
                self.weight_industry,
                self.weight_agriculture,
            ]
        )

    @property
    def propensities(self) -> FloatArray:
        """Lender propensities in the order of ``RESPONSES``."""
        return np.array(
            [self.propensity_reschedule, self.propensity_equity_swap, self.propensity_write_off]
        )


READS = (
    "kazakhstan.budget_stress",
    "kazakhstan.exports_usd_bn",
    "kazakhstan.gdp_usd_bn",
    "drivers.brent_usd_per_bbl",
    "china.strategic_interest",
    "citizens.sinophobia",
    "citizens.active",
    "land_protests.land_salience",
    "russian_reactions.russian_irritation",
    "multi_vector.alignment_china",
    "events.fired_this_month",
)
#: Channels this rule posts to (their owners apply the contributions).
POSTS = ("citizens.legitimacy", "multi_vector.alignment")
#: The citizens' arrays (kzsim.agents.population) this rule owns and alone writes.
CITIZENS = ("china_contact",)


@dataclass
class State(RuleState):
    """Capital need, the debt to Chinese lenders, Chinese money and its regional footprint.

    The rule alone writes these fields, except that the scenario's events may set or shift
    China's lending appetite (``china.lending_appetite``).
    """

    owner = "bri_loans"
    initial_from: ClassVar[dict[str, str]] = {
        "china.lending_appetite": "china_lending_appetite",
    }

    china_lending_appetite: float = var(
        0.3,
        unit="share 0-1",
        description="China's appetite to lend",
        scope="china",
        headline=True,
        group="debt",
    )

    debt_to_china_usd_bn: float = var(
        0.0,
        unit="US$ bn",
        description="outstanding debt to Chinese lenders",
        high=None,
        headline=True,
        group="debt",
    )
    other_creditors_debt_usd_bn: float = var(
        0.0,
        unit="US$ bn",
        description="public external debt owed to creditors other than China (Eurobonds, IFIs, "
        "other bilateral)",
        high=None,
    )
    expected_brent_usd_per_bbl: float = var(
        0.0,
        unit="US$/bbl",
        description="the state companies' expected oil price: Brent smoothed with the half-life "
        "oil_expectation_half_life_months",
        high=None,
    )
    public_external_debt_usd_bn: float = var(
        0.0,
        unit="US$ bn",
        description="public and publicly guaranteed external debt, all creditors (World Bank "
        "IDS concept)",
        high=None,
        headline=True,
        group="debt",
    )
    debt_service_to_exports: float = var(
        0.0,
        unit="share of exports",
        description="annual public external debt service / exports",
        high=None,
        headline=True,
        group="debt",
    )
    china_equity_usd_bn: float = var(
        0.0,
        unit="US$ bn",
        description="Chinese equity: stakes at start, stakes taken with project spending and "
        "debt-for-equity swaps",
        scope="china",
        high=None,
    )
    transit_revenue_usd_bn: float = var(
        0.0,
        unit="US$ bn a year",
        description="transit fees on the corridor capital of completed Chinese-financed "
        "transport projects (BR5)",
        high=None,
    )
    bri_growth_pct: float = var(
        0.0,
        unit="% a year",
        description="real growth added by Chinese project spending (O L44); added to GDP "
        "outside the observed GDP span",
        high=None,
    )
    china_agriculture_signed_usd_bn: float = var(
        0.0,
        unit="US$ bn",
        description="cumulative agricultural loans signed (SF8)",
        scope="china",
        high=None,
    )
    failed_projects: int = var(
        0,
        unit="count",
        description="cumulative failed Chinese-financed projects",
        scope="china",
        high=None,
    )
    capital_need: float = var(
        0.0,
        unit="share 0-1",
        description="need for foreign capital (BR7; E L41)",
    )
    china_disbursed_usd_bn: float = var(
        0.0,
        unit="US$ bn",
        description="cumulative BRI loan disbursements",
        scope="china",
        high=None,
    )
    china_investment_usd_bn: float = var(
        0.0,
        unit="US$ bn",
        description="cumulative spending on Chinese-financed projects, loans included (T L888-894)",
        scope="china",
        high=None,
    )
    china_agriculture_appetite: float = var(
        1.0,
        unit="share 0-1",
        description="China's appetite for agricultural projects (BR9, SF8)",
        scope="china",
    )
    chinese_presence: FloatArray = regional_var(
        unit="share 0-1", description="visible Chinese project presence (BR8)"
    )
    project_jobs: FloatArray = regional_var(
        unit="thousand jobs",
        description="local jobs on Chinese-financed projects (BR3)",
        high=None,
        series=False,
    )


def _debt_to_gdp(m: KazakhstanModel) -> float:
    state: State = m.state(State)
    return float(state.debt_to_china_usd_bn / m.kazakhstan.gdp_usd_bn)


def _public_debt_to_gdp(m: KazakhstanModel) -> float:
    state: State = m.state(State)
    return float(state.public_external_debt_usd_bn / m.kazakhstan.gdp_usd_bn)


def _jobs_persons(m: KazakhstanModel) -> float:
    return float(1000.0 * m.state(State).project_jobs.sum())


# Readers are named functions, not lambdas: mypy cannot infer a lambda's argument type here,
# because this module and kzsim.model import each other when type checking (TYPE_CHECKING).
#: Series derived from this rule's state and other quantities.
DERIVED = (
    Series(
        "debt_to_gdp",
        "kazakhstan",
        "share of GDP",
        "debt to China over GDP",
        _debt_to_gdp,
        low=0.0,
    ),
    Series(
        "public_debt_to_gdp",
        "kazakhstan",
        "share of GDP",
        "public external debt over GDP (nominal, US$)",
        _public_debt_to_gdp,
        low=0.0,
    ),
    Series(
        "bri_jobs_persons",
        "kazakhstan",
        "persons",
        "local jobs on Chinese-financed projects, all regions (BR3)",
        _jobs_persons,
        low=0.0,
    ),
)
DERIVED_REGIONAL: tuple[RegionalSeries, ...] = ()
