"""Contract of the tariff rule: parameters, the trade, price and EAEU state it owns, its reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pydantic import Field, model_validator

from kzsim.contract import FloatArray, RuleState, regional_var, var
from kzsim.contracts.base import RuleConfig
from kzsim.dynamics import half_life_from_rate
from kzsim.months import parse_month
from kzsim.scenario.types import Month
from kzsim.series import RegionalSeries, Series


class Config(RuleConfig):
    """Parameters of tariff harmonisation."""

    pre_union_tariff: float = Field(
        0.067,
        ge=0.0,
        le=1.0,
        description="share 0-1; 2009 average effective tariff (tariffs.csv T_COMCEC)",
    )
    cet_rate: float = Field(
        0.111,
        ge=0.0,
        le=1.0,
        description="share 0-1; 2010 effective tariff after adopting the CET "
        "(tariffs.csv T_COMCEC)",
    )
    customs_union_date: Month | None = Field(
        "2010-01",
        description="month; CU common tariff applied 2010-01-01 (events_outside_seeds.csv); "
        "null = Kazakhstan never joins (no_customs_union counterfactual)",
    )
    months_to_converge: int = Field(
        6,
        ge=1,
        le=120,
        description="months; linear convergence to the CET, within 2010 since the 2010 effective "
        "rate is already the CET rate (tariffs.csv); length (A)",
    )
    cet_reduction_share: float = Field(
        0.31,
        ge=0.0,
        le=0.6,
        description="share of the CET removed by Russia's WTO commitments; 1 - 7.9/11.5 "
        "(unweighted, 2012 projection, tariffs.csv T_SHEPOTYLO); 0 = no fall",
    )
    cet_reduction_start: Month = Field(
        "2012-09",
        description="month; Russia joins the WTO 2012-08-22 (events_outside_seeds.csv)",
    )
    cet_reduction_end: Month = Field(
        "2020-01", description="month; commitments implemented 2012-2020 (tariffs.csv T_SHEPOTYLO)"
    )
    wto_exemption_start: Month | None = Field(
        "2016-01",
        description="month; below-CET WTO rates applied from 2016-01 (events_outside_seeds.csv; "
        "P L372-374); null = no exemptions",
    )
    wto_exemption_end: Month = Field(
        "2024-01",
        description="month, first without exemptions; exemptions 'until 2024' (P L372-374)",
    )
    wto_exemption_share: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="share of tariff lines; (A) (3,512 lines is the sourced count, tariffs.csv "
        "T_TRADEGOV; their share of all lines is not sourced)",
    )
    wto_rate: float = Field(
        0.061,
        ge=0.0,
        le=1.0,
        description="share 0-1; Kazakhstan's WTO final bound average (tariffs.csv T_TRADEGOV)",
    )
    base_import_share_russia: float = Field(
        0.44,
        gt=0.0,
        lt=1.0,
        description="share of imports at base prices and start-month GDP; calibrated to Russia's "
        "import share 42.7% (2011) to 33.3% (2014) and 38.9% (2017) "
        "(trade_partners_2009_2017.csv, IMF DOTS)",
    )
    base_import_share_china: float = Field(
        0.135,
        gt=0.0,
        lt=1.0,
        description="share of imports at base prices and start-month GDP; calibrated to China's "
        "import share 13.2-17.9% (2011-2017, trade_partners_2009_2017.csv, IMF DOTS)",
    )
    armington_sigma: float = Field(
        1.15,
        gt=1.0,
        le=10.0,
        description="elasticity of substitution between sources; calibrated: Russia's value "
        "share barely moved when the rouble lost half its US$ value in 2014-2016 (E L21; "
        "trade_partners_2009_2017.csv), so close to 1; (A) range 1.1-3",
    )
    china_supply_elasticity: float = Field(
        0.5,
        ge=0.0,
        le=5.0,
        description="elasticity of China's Armington weight to China's real GDP: its supply "
        "grows with its economy (A); China the second import partner (E L33); calibrated on "
        "China's import share 2011-2017 (trade_partners_2009_2017.csv); 0 = fixed weights",
    )
    non_eaeu_income_elasticity: float = Field(
        0.7,
        ge=0.0,
        le=3.0,
        description="elasticity of the Chinese and other (non-EAEU) Armington weights to "
        "Kazakhstan's nominal GDP in US$ relative to the first month (TH10): purchasing "
        "capacity limits Kazakhstan as a market for China (E L33), the slump and two "
        "devaluations of 2014-2015 (E L70) cut non-EAEU imports more; size (A), calibrated on "
        "Russia's import share falling "
        "2011-2014 and rising 2015-2017 (trade_partners_2009_2017.csv); 0 = no income effect",
    )
    import_price_pass_through: float = Field(
        0.35,
        ge=0.0,
        le=1.0,
        description="elasticity of consumer prices to import prices; TH2 E L86, size (A)",
    )
    import_share_adjustment_half_life_months: float = Field(
        half_life_from_rate(0.1),
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap to the Armington shares (6.58: 0.1 closed per "
        "month; trade adjusts with a lag); 0.01 = at once; (A)",
    )
    real_rate_half_life_months: float | None = Field(
        12.0,
        ge=1.0,
        le=600.0,
        description="months; half-life of an exchange-rate move's effect on relative prices as "
        "prices catch up; (A) set so the replay keeps Russia's import share near 37-43% "
        "(2018-2021, trade_partners.csv); null = foreign prices fixed (the starting sketch)",
    )
    inflation_driver_includes_fx: bool = Field(
        True,
        description="the inflation driver is realised CPI inflation, which already contains "
        "exchange-rate pass-through (drivers_annual.csv WB_CPI), so only the tariff part of "
        "import prices is added; false: a pure trend driver, full pass-through",
    )
    reexport_income_pre_union_usd_bn: float = Field(
        1.0,
        ge=0.0,
        le=20.0,
        description="US$ bn per year of re-export income at the pre-union tariff gap; scale (A)",
    )
    reexport_control: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="share of the exempt-line gap removed by EAEU anti-re-export measures at "
        "full integration depth, scaled by eaeu.integration_depth (0.4 at the EEU's 0.8; "
        "tariffs.csv T_TRADEGOV note: the EAEU Treaty requires such measures); size (A)",
    )
    months_to_open_border: int = Field(
        18,
        ge=0,
        le=120,
        description="months from the union to abolished internal customs posts; 2010-01 -> "
        "2011-07 (events_outside_seeds.csv)",
    )
    grey_trade_base_gap: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="proportional price/tax gap across the open border besides tariffs and "
        "exchange rates; (A)",
    )
    grey_trade_half_gap: float = Field(
        0.1,
        gt=0.0,
        le=2.0,
        description="proportional price gap at which grey trade reaches half its ceiling; (A)",
    )
    grey_trade_adjustment_half_life_months: float = Field(
        half_life_from_rate(0.1),
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap to the target grey-trade index (6.58: 0.1 "
        "closed per month); (A)",
    )
    ntb_base_hazard_per_month: float = Field(
        0.012,
        ge=0.0,
        le=1.0,
        description="probability per month at zero irritation: one episode in about 7 years; "
        "bans used 'occasionally' (E L70), on dairy products and fruit (E L25); size (A)",
    )
    ntb_irritation_gain: float = Field(
        1.0,
        ge=0.0,
        le=20.0,
        description="relative hazard increase per unit of Russia's irritation; (A)",
    )
    ntb_mean_duration_months: float = Field(
        4.0,
        ge=1.0,
        le=120.0,
        description="months, mean of the geometric duration; bans 'lifted or eased' (E L25); "
        "size (A)",
    )
    ntb_export_cut: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="share of exports to Russia blocked during an episode (one sector; E L25); (A)",
    )
    sanctions_export_cut: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="share of exports to Russia lost at full sanctions on Russia: Russia bans "
        "EU-origin goods entering through Kazakhstan once it refuses counter-sanctions (RL6; "
        "T L218-228); size (A)",
    )
    parallel_import_sanctions_threshold: float = Field(
        0.5,
        ge=0.0,
        lt=1.0,
        description="sanctions level (driver, 0-1) above which Russia routes imports through "
        "Kazakhstan: the replay's 2014-2021 level (0.5, sectoral and financial sanctions) brings "
        "none, the 2022 package (1.0) does; (A)",
    )
    parallel_import_gain: float = Field(
        0.3,
        ge=0.0,
        le=2.0,
        description="proportional rise of exports to Russia at full parallel-import demand and "
        "no secondary-sanction risk (TH11); size (A) set so exports to Russia rise about 20% in "
        "2022 (the reported +22% Jan-Oct 2022 is not in the shipped sources)",
    )
    secondary_sanction_risk_half_life_months: float = Field(
        12.0,
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap between the secondary-sanction risk and "
        "Russia's parallel-import demand: the risk grows as Western enforcement catches up and "
        "Kazakhstan will not be a 'tool' to evade sanctions (T L1975-1977); size (A)",
    )
    export_price_elasticity: float = Field(
        1.5,
        ge=0.0,
        le=10.0,
        description="elasticity of exports to Russia to their rouble price; (A)",
    )
    export_adjustment_half_life_months: float = Field(
        half_life_from_rate(0.2),
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap to target exports (3.11: 0.2 closed per "
        "month); (A)",
    )
    producer_pressure_gain: float = Field(
        2.0,
        ge=0.0,
        le=20.0,
        description="producer pressure per unit proportional fall of Russian goods' tenge price "
        "(E L21); size (A)",
    )
    producer_pressure_interior_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="weight of regions not bordering Russia (bordering regions: 1); (A)",
    )
    leverage_weight_imports: float = Field(
        0.4,
        ge=0.0,
        le=1.0,
        description="weight of Russia's import share; trade ties as leverage (E L72), (A)",
    )
    leverage_weight_membership: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="weight of union membership times the union's integration depth "
        "(eaeu.integration_depth; P L7, L396-400, L590-594); (A)",
    )
    leverage_weight_transit: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="weight of oil transit dependence (T L943-947); (A)",
    )

    @model_validator(mode="after")
    def _check(self) -> Config:
        shares = self.base_import_share_russia + self.base_import_share_china
        if shares >= 1.0:
            raise ValueError(
                f"base_import_share_russia + base_import_share_china is {shares:g}; "
                "it must be below 1 to leave a share for other sources"
            )
        if parse_month(self.cet_reduction_start) >= parse_month(self.cet_reduction_end):
            raise ValueError(
                f"cet_reduction_start {self.cet_reduction_start} is not before "
                f"cet_reduction_end {self.cet_reduction_end}"
            )
        if self.wto_exemption_start is not None and parse_month(
            self.wto_exemption_start
        ) >= parse_month(self.wto_exemption_end):
            raise ValueError(
                f"wto_exemption_start {self.wto_exemption_start} is not before "
                f"wto_exemption_end {self.wto_exemption_end}"
            )
        weights = (
            self.leverage_weight_imports
            + self.leverage_weight_membership
            + self.leverage_weight_transit
        )
        if abs(weights - 1.0) > 1e-6:
            raise ValueError(
                "leverage_weight_imports + leverage_weight_membership + leverage_weight_transit "
                f"is {weights:g}; they must sum to 1"
            )
        return self


#: What the rule reads of others: exchange rates, inflation, China's growth and sanctions (drivers),
#: Kazakhstan's nominal GDP in US$ (purchasing power, TH10), the union's integration depth (TH3,
#: TH8), oil transit through Russia, Russia's irritation (NTB hazard) and the single-currency
#: proposals fired this month (TH9).
READS = (
    "drivers.kzt_per_usd",
    "drivers.rub_per_usd",
    "drivers.china_gdp_growth_pct",
    "drivers.kazakhstan_cpi_inflation_pct",
    "drivers.sanctions_on_russia",
    "kazakhstan.gdp_usd_bn",
    "eaeu.integration_depth",
    "oil_routes.transit_dependence_russia",
    "russian_reactions.russian_irritation",
    "events.fired_this_month",
)
#: Channels this rule posts to: none, it writes only its own state.
POSTS: tuple[str, ...] = ()
#: The citizens' arrays (kzsim.agents.population) this rule owns and alone writes.
CITIZENS: tuple[str, ...] = ()


@dataclass
class State(RuleState):
    """Tariffs, import shares, prices, re-exports, non-tariff barriers and Russia's trade hold.

    The rule alone writes it, except that the scenario's events may set or shift
    ``applied_tariff`` (``kazakhstan.applied_tariff``); the rule keeps such a change as a lasting
    deviation from its tariff schedule.
    """

    owner = "tariff_harmonisation"
    initial_from: ClassVar[dict[str, str]] = {
        "kazakhstan.applied_tariff": "applied_tariff",
    }

    applied_tariff: float = var(
        0.067,
        unit="share 0-1",
        description="average applied import tariff",
        headline=True,
        group="trade",
        statistic="mean",
    )
    consumer_price_index: float = var(
        100.0,
        unit="index, start = 100",
        description="consumer prices",
        high=None,
        headline=True,
        group="prices",
    )
    import_share_russia: float = var(
        0.0,
        unit="share 0-1",
        description="imports from Russia/EAEU",
        headline=True,
        group="trade",
    )
    import_share_china: float = var(
        0.0,
        unit="share 0-1",
        description="imports from China",
        headline=True,
        group="trade",
    )
    import_share_other: float = var(
        0.0,
        unit="share 0-1",
        description="imports from the EU and others",
        group="trade",
    )
    reexport_income: float = var(
        0.0,
        unit="US$ bn per year",
        description="traders' re-export income",
        high=None,
        headline=True,
        group="prices",
        statistic="mean",
    )
    grey_trade_index: float = var(
        0.0,
        unit="index 0-1",
        description="grey trade across the open internal border (TH4, E L21)",
    )
    exports_to_russia_index: float = var(
        1.0,
        unit="index, start = 1",
        description="volume of exports to Russia (TH7, E L70)",
        high=None,
    )
    secondary_sanction_risk: float = var(
        0.0,
        unit="share 0-1",
        description="risk of secondary sanctions capping re-exports to Russia (TH11)",
    )
    ntb_active: bool = var(
        False,
        unit="0/1",
        description="a Russian non-tariff barrier is in force (TH5)",
    )
    price_pressure: float = var(
        0.0,
        unit="share above trend",
        description="consumer prices above trend from tariffs and exchange rates (TH2)",
        high=None,
    )
    trade_leverage_russia: float = var(
        0.0,
        unit="share 0-1",
        description="Russia's leverage over Kazakh trade policy (TH8)",
        scope="russia",
    )
    ntb_hazard: float = var(
        0.0,
        unit="probability per month",
        description="chance of a new NTB episode (TH5)",
        scope="russia",
    )
    cet_rate: float = var(
        0.0,
        unit="share 0-1",
        description="common external tariff",
        scope="eaeu",
    )
    eaeu_member: bool = var(
        False,
        unit="0/1",
        description="Kazakhstan is in the Customs Union / EAEU (TH1)",
        scope="eaeu",
    )
    trader_income_loss: FloatArray = regional_var(
        unit="share 0-1", description="lost share of pre-union re-export income (trader hubs)"
    )
    producer_pressure: FloatArray = regional_var(
        unit="share 0-1", description="pressure on local producers from cheap Russian goods"
    )


#: Series derived from more than this rule's state (none).
DERIVED: tuple[Series, ...] = ()
DERIVED_REGIONAL: tuple[RegionalSeries, ...] = ()
