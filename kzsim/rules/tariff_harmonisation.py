"""Tariff harmonisation in the Customs Union / EAEU (TH1-TH11).

Joining the Customs Union commits Kazakhstan to raise its external tariff toward the higher,
Russia-based common external tariff (CET) (TH1, P L369-371, L442-444). The rule follows the
consequences month by month:

* the applied tariff: the pre-union rate, a linear convergence to the CET, the CET's own fall under
  Russia's WTO commitments, and a WTO exemption window in which a share of tariff lines is applied
  at lower rates until 2024 (TH6, P L372-374); the applied tariff is the line-share-weighted mean;
* landed import prices by source (Russian goods duty-free) with the rouble and tenge rates as
  drivers (a weaker rouble makes Russian goods cheaper; TH7, E L21; the tenge is exposed to the
  rouble and was devalued twice, T L232-236 for 2022, E L70 for 2014-2015), and calibrated
  Armington import shares (trade diversion toward Russia, TH3) whose Chinese weight grows with
  China's economy (the China growth driver; China the second import partner, E L33) and whose
  non-EAEU weights (China, others) move with Kazakhstan's purchasing power, its nominal GDP in
  US$: the devaluations and the slump cut what Kazakhstan buys from China and the West more than
  what it buys from Russia (TH10; purchasing capacity E L33; devaluations and slump E L70);
* consumer prices with partial pass-through of import prices, and the price pressure above trend
  that the opinion rule turns into hardship (TH2, E L86);
* traders' re-export income from the tariff gap between Russia's (CET) tariff and Kazakhstan's on
  Chinese goods, lost as the gap closes and partly regained in the WTO window, less the union's
  anti-re-export controls, which grow with its integration depth (TH3, P L188-190, L442-444;
  tariffs.csv T_TRADEGOV note);
* a grey-trade index that builds up once internal customs posts go (TH4, E L21);
* occasional non-tariff-barrier episodes whose hazard rises with Russia's irritation (TH5, E L25,
  L70, P L445-448), exports to Russia that fall with a weaker rouble, during NTBs and under
  sanctions on Russia (Russia's bans on goods entering through Kazakhstan; RL6, T L218-228), that
  rise with Russia's demand for parallel imports and re-exports once sanctions go beyond the 2014
  level, a channel capped by a growing secondary-sanction risk (TH11; Kazakhstan will not be a
  "tool" to evade sanctions, T L1975-1977), and pressure on local producers from cheap Russian
  goods, higher in regions bordering Russia (TH7, E L21, L70);
* Russia's trade leverage from its import share, union membership weighted by the union's
  integration depth (CU 2010, CES 2012, EEU 2015 bring Russia a co-decision over Kazakh trade
  policy, P L396-400, L590-594) and oil transit dependence (TH8, P L7; T L943-947).

Before all that, the rule answers the ``single_currency_proposal`` events fired this month:
Kazakhstan refuses every one (TH9; E L23, T L615-617). Equations, choices and parameter table:
``docs/model.md``, section 7.1.

References:
    Armington, P. S. (1969). A theory of demand for products distinguished by place of
    production. IMF Staff Papers 16(1). Shepotylo, O., Tarr, D. (2012). World Bank WPS 6161
    (tariffs.csv T_SHEPOTYLO). Sources: P L7, L188-190, L369-374, L396-400, L442-448, L590-594;
    E L21, L23, L25, L33, L70, L86; T L218-236, L615-617, L943-947, L1975-1977.

"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kzsim.contracts import oil_routes
from kzsim.contracts import russian_reactions as reactions
from kzsim.contracts.tariff_harmonisation import Config, State
from kzsim.dynamics import adapt_geometric, partial_adjustment, rate_from_half_life, saturation
from kzsim.months import parse_month
from kzsim.rules.base import Rule as BaseRule

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel

FloatArray = npt.NDArray[np.float64]

#: Import sources, in the order of every price and share array.
SOURCES = ("russia", "china", "other")


# --- tariff path (TH1, TH6) -------------------------------------------------------------------


def convergence_progress(month: int, union_month: int | None, months_to_converge: int) -> float:
    """Share of the way from the pre-union tariff to the CET (TH1, P L369-371).

    Args:
        month: current month index.
        union_month: month index the union's tariff applies from; ``None``: never joins.
        months_to_converge: months of linear convergence; 1 is an immediate step.

    Returns:
        0 before the union, ``(month - union_month + 1) / months_to_converge`` capped at 1 after.

    """
    if union_month is None or month < union_month:
        return 0.0
    return min(1.0, (month - union_month + 1) / months_to_converge)


def linear_ramp(month: int, start: int, end: int) -> float:
    """0 before ``start``, 1 from ``end`` on, linear in between.

    Args:
        month: current month index.
        start: first month of the ramp (value 0).
        end: month the ramp completes (value 1); after ``start``.

    Returns:
        The ramp's value in [0, 1].

    """
    if month <= start:
        return 0.0
    if month >= end:
        return 1.0
    return (month - start) / (end - start)


@dataclass(frozen=True)
class TariffLines:
    """The month's tariffs, by group of tariff lines (shares 0-1).

    Attributes:
        cet: the union's common external tariff (Russia's tariff level).
        scheduled: Kazakhstan's tariff on lines without a WTO exemption.
        exempt: Kazakhstan's tariff on the WTO-exempt lines.
        exempt_share: share of lines exempt this month (0 outside the window).
        member: whether Kazakhstan is in the union this month.

    """

    cet: float
    scheduled: float
    exempt: float
    exempt_share: float
    member: bool

    @property
    def applied(self) -> float:
        """Line-share-weighted average applied tariff."""
        return (1.0 - self.exempt_share) * self.scheduled + self.exempt_share * self.exempt


def tariff_lines(config: Config, month: int, deviation: float = 0.0) -> TariffLines:
    """Kazakhstan's tariffs in a month (TH1, TH6; P L369-374; tariffs.csv).

    ``cet_t = cet_rate (1 - cet_reduction_share * ramp_t)``; the scheduled tariff is
    ``pre + (cet_t - pre) * progress_t``; in the WTO window (members only) a share of lines is
    applied at ``min(wto_rate, scheduled)``. ``deviation`` (from events that set or shift the
    applied tariff) shifts every line.

    Args:
        config: the rule's parameters.
        month: current month index.
        deviation: persistent shift of the applied tariff made by events.

    Returns:
        The month's tariff lines.

    """
    union = None if config.customs_union_date is None else parse_month(config.customs_union_date)
    ramp = linear_ramp(
        month, parse_month(config.cet_reduction_start), parse_month(config.cet_reduction_end)
    )
    cet = config.cet_rate * (1.0 - config.cet_reduction_share * ramp)
    progress = convergence_progress(month, union, config.months_to_converge)
    member = progress > 0.0
    base = config.pre_union_tariff + (cet - config.pre_union_tariff) * progress
    in_window = (
        member
        and config.wto_exemption_start is not None
        and parse_month(config.wto_exemption_start) <= month < parse_month(config.wto_exemption_end)
    )
    share = config.wto_exemption_share if in_window else 0.0
    scheduled = min(1.0, max(0.0, base + deviation))
    exempt = min(1.0, max(0.0, min(config.wto_rate, base) + deviation))
    return TariffLines(cet, scheduled, exempt, share, member)


# --- prices and import shares (TH2, TH3, TH7) ------------------------------------------------


def relative_import_prices(
    kzt_per_usd: float,
    rub_per_usd: float,
    tariff: float,
    reference_kzt_per_usd: float,
    reference_rub_per_usd: float,
    base_tariff: float,
) -> FloatArray:
    """Landed tenge prices of imports by source (Russia, China, other) relative to base prices.

    ``p_j = w_j fx_j (1 + tau_j)``: Russian goods are priced in roubles (tenge per rouble = K/R)
    and duty-free; Chinese and other goods are priced in US$ and pay the applied tariff (E L21).
    Exchange rates enter relative to reference rates; with fixed references (the
    start month's) and fixed foreign-currency prices ``w_j`` this is the starting sketch's form.

    Args:
        kzt_per_usd: tenge per US$ this month.
        rub_per_usd: roubles per US$ this month.
        tariff: applied tariff on non-EAEU goods (share 0-1).
        reference_kzt_per_usd: reference tenge per US$.
        reference_rub_per_usd: reference roubles per US$.
        base_tariff: tariff at base prices (the pre-union tariff).

    Returns:
        ``p_j / p_j0`` for Russia, China, other; the first is ``q``, the relative tenge price of
        Russian goods (below 1 when the rouble has weakened against the tenge).

    """
    russia = (kzt_per_usd / rub_per_usd) / (reference_kzt_per_usd / reference_rub_per_usd)
    tariffed = (kzt_per_usd / reference_kzt_per_usd) * (1.0 + tariff) / (1.0 + base_tariff)
    return np.array([russia, tariffed, tariffed], dtype=np.float64)


def supply_weights(base_shares: FloatArray, china_size: float, elasticity: float) -> FloatArray:
    """Armington weights with China's scaled by its economy: ``s_CN (Y_CN / Y_CN0)^zeta``.

    Args:
        base_shares: import shares at base prices (Russia, China, other; sum to 1).
        china_size: China's real GDP relative to the start.
        elasticity: ``zeta``.

    Returns:
        Weights summing to 1 (the base shares when ``china_size`` is 1).

    """
    weights = base_shares.copy()
    weights[1] *= china_size**elasticity
    out: FloatArray = weights / weights.sum()
    return out


def purchasing_power_weights(
    weights: FloatArray, income_ratio: float, elasticity: float
) -> FloatArray:
    """Non-EAEU Armington weights scaled by purchasing power: ``a_j (Y / Y_0)^eta`` (TH10, E L33).

    China's and the other sources' weights move with Kazakhstan's nominal GDP in US$ relative to
    the start, Russia's does not: a devaluation or a slump cuts purchases of Chinese and Western
    goods more than of Russian ones (E L33: low purchasing capacity limits Kazakhstan as a market
    for China; E L70: slump and two devaluations).

    Args:
        weights: Armington weights (Russia, China, other; sum to 1).
        income_ratio: nominal GDP in US$ relative to the start (> 0).
        elasticity: ``eta``, the income elasticity of non-EAEU over Russian import demand.

    Returns:
        Weights summing to 1 (the given weights when ``income_ratio`` is 1 or ``eta`` is 0).

    """
    scaled = weights.copy()
    scaled[1:] *= income_ratio**elasticity
    out: FloatArray = scaled / scaled.sum()
    return out


def armington_shares(
    base_shares: FloatArray, relative_prices: FloatArray, sigma: float
) -> FloatArray:
    """Armington import shares ``m_j = a_j p_j^(1-sigma) / sum_k a_k p_k^(1-sigma)``.

    With prices relative to base, ``a_j = s_j`` reproduces the base shares ``s_j`` at base prices.

    Args:
        base_shares: import shares at base prices (sum to 1).
        relative_prices: ``p_j / p_j0``.
        sigma: elasticity of substitution between sources (> 1).

    Returns:
        Import shares, summing to 1.

    """
    weights = base_shares * relative_prices ** (1.0 - sigma)
    shares: FloatArray = weights / weights.sum()
    return shares


def ces_price_index(base_shares: FloatArray, relative_prices: FloatArray, sigma: float) -> float:
    """Return the CES import price index ``(sum_j s_j r_j^(1-sigma))^(1/(1-sigma))`` (1 at base).

    Args:
        base_shares: import shares at base prices (sum to 1).
        relative_prices: ``p_j / p_j0``.
        sigma: elasticity of substitution between sources (> 1).

    Returns:
        The import price index relative to base.

    """
    return float((base_shares @ relative_prices ** (1.0 - sigma)) ** (1.0 / (1.0 - sigma)))


def cpi_step(
    cpi_previous: float,
    inflation_pct_per_year: float,
    import_price_index: float,
    import_price_index_previous: float,
    pass_through: float,
) -> float:
    """One month of consumer prices: ``CPI_{t-1} (1 + pi/12) (IPI_t / IPI_{t-1})^phi`` (TH2, E L86).

    Args:
        cpi_previous: last month's consumer price index.
        inflation_pct_per_year: trend inflation, percent per year.
        import_price_index: this month's import price index.
        import_price_index_previous: last month's import price index.
        pass_through: elasticity ``phi`` of consumer prices to import prices.

    Returns:
        This month's consumer price index.

    """
    trend = 1.0 + inflation_pct_per_year / 100.0 / 12.0
    change = (import_price_index / import_price_index_previous) ** pass_through
    return float(cpi_previous * trend * change)


def price_pressure(import_price_index: float, pass_through: float) -> float:
    """Return the price level due to tariffs and exchange rates above base: ``max(0, IPI^phi - 1)``.

    Args:
        import_price_index: import price index relative to base.
        pass_through: elasticity ``phi`` of consumer prices to import prices.

    Returns:
        Price pressure, >= 0 (0.05 = consumer prices 5% above what trend inflation alone gives).

    """
    return max(0.0, float(import_price_index**pass_through) - 1.0)


# --- re-exports and grey trade (TH3, TH4) ----------------------------------------------------


def reexport_gap(lines: TariffLines, control: float) -> float:
    """Tariff margin on Chinese goods re-exported to Russia (CET) markets (TH3, P L188-190).

    ``(1 - s) max(0, cet - tau_scheduled) + s (1 - control) max(0, cet - tau_exempt)``: the
    exempt lines' margin is partly removed by anti-re-export measures.

    Args:
        lines: the month's tariff lines.
        control: share of the exempt-line margin removed by anti-re-export measures.

    Returns:
        The line-weighted tariff gap (share 0-1).

    """
    share = lines.exempt_share
    regular = (1.0 - share) * max(0.0, lines.cet - lines.scheduled)
    exempt = share * (1.0 - control) * max(0.0, lines.cet - lines.exempt)
    return regular + exempt


def reexport_ratio(
    gap: float, china_share: float, base_gap: float, base_china_share: float
) -> float:
    """Re-export income relative to its pre-union level: gap times Chinese import volume (TH3).

    Total import volume is held fixed (A), so the Chinese volume moves with the Chinese share.

    Args:
        gap: this month's tariff gap.
        china_share: this month's Chinese import share.
        base_gap: the pre-union gap, ``cet_rate - pre_union_tariff``.
        base_china_share: the Chinese import share at base prices.

    Returns:
        ``(gap / base_gap) (china_share / base_china_share)``; 0 when there was no pre-union gap.

    """
    if base_gap <= 0.0:
        return 0.0
    return (gap / base_gap) * (china_share / base_china_share)


def grey_trade_target(border_open: bool, price_gap: float, half_gap: float) -> float:
    """Return the grey-trade target ``gap / (gap + half_gap)`` once posts go (TH4, E L21).

    Args:
        border_open: whether internal customs posts are gone (union member, after the opening).
        price_gap: proportional price gap across the border (>= 0).
        half_gap: gap at which the target is 0.5.

    Returns:
        The target in [0, 1); 0 while the border is controlled.

    """
    if not border_open:
        return 0.0
    return saturation(price_gap, half_gap)


# --- NTBs, exports and producers (TH5, TH7) --------------------------------------------------


def ntb_hazard(base_hazard: float, irritation_gain: float, irritation: float) -> float:
    """Monthly probability of a new NTB episode: ``min(1, lambda0 (1 + k I))`` (TH5, E L25).

    Args:
        base_hazard: probability per month at zero irritation.
        irritation_gain: ``k``, relative increase per unit of irritation.
        irritation: Russia's irritation (0-1).

    Returns:
        The probability, in [0, 1].

    """
    return min(1.0, base_hazard * (1.0 + irritation_gain * irritation))


def parallel_import_demand(sanctions: float, threshold: float) -> float:
    """Russia's demand for goods routed through Kazakhstan, 0-1 (TH11).

    ``max(0, (S - S_0) / (1 - S_0))``: sanctions up to ``S_0`` (the 2014-2021 sectoral and
    financial sanctions) bring no Western export bans to route around; the 2022 package does.

    Args:
        sanctions: the sanctions-on-Russia driver (0-1).
        threshold: ``S_0``, the sanctions level above which parallel imports start (< 1).

    Returns:
        The demand, in [0, 1].

    """
    return max(0.0, (sanctions - threshold) / (1.0 - threshold))


def parallel_import_boost(demand: float, risk: float, gain: float) -> float:
    """Proportional rise of exports to Russia from re-exports and parallel imports (TH11).

    ``g D (1 - r)``: the secondary-sanction risk ``r`` (0-1) caps the channel; Kazakhstan will not
    be a "tool" for Russia to evade sanctions (T L1975-1977).

    Args:
        demand: Russia's parallel-import demand (0-1).
        risk: secondary-sanction risk (0-1).
        gain: ``g``, the rise at full demand and no risk.

    Returns:
        The boost, >= 0 (0.25 = exports 25% above what the exchange rate calls for).

    """
    return gain * demand * (1.0 - risk)


def export_target(russian_price: float, elasticity: float) -> float:
    """Return the exports to Russia the exchange rate calls for: ``q^epsilon`` (TH7, E L70).

    Kazakh goods cost ``1/q`` times their base rouble price, and demand falls with elasticity
    ``epsilon``.

    Args:
        russian_price: ``q``, the relative tenge price of Russian goods.
        elasticity: price elasticity of exports to Russia.

    Returns:
        The export volume index the exchange rate calls for.

    """
    return float(russian_price**elasticity)


def producer_pressure(russian_price: float, gain: float, weights: FloatArray) -> FloatArray:
    """Pressure on local producers by region: ``clip(gain max(0, 1 - q) w_i, 0, 1)`` (E L21).

    Args:
        russian_price: ``q``, the relative tenge price of Russian goods.
        gain: pressure per unit proportional fall of that price.
        weights: regional weights (1 where the region borders Russia).

    Returns:
        Producer pressure per region, in [0, 1].

    """
    pressure: FloatArray = np.clip(gain * max(0.0, 1.0 - russian_price) * weights, 0.0, 1.0)
    return pressure


# --- Russia's trade leverage (TH8) -----------------------------------------------------------


def trade_leverage(
    import_share_russia: float,
    member: bool,
    integration_depth: float,
    transit_dependence: float,
    weights: tuple[float, float, float],
) -> float:
    """Russia's leverage over Kazakh trade policy, a weighted mean of three channels (TH8).

    The membership channel is ``member * depth``: each stage of integration (Customs Union 2010,
    Common Economic Space 2012, EEU 2015) moves more of Kazakhstan's trade policy to the union,
    where Russia co-decides (P L396-400, L590-594).

    Args:
        import_share_russia: Russia's share of Kazakhstan's imports.
        member: union membership (Russia's quasi-veto over tariffs; P L590-594).
        integration_depth: the union's integration depth (0-1, ``eaeu.integration_depth``).
        transit_dependence: share of oil exports crossing Russia (T L943-947).
        weights: weights of imports, membership and transit (summing to 1).

    Returns:
        Leverage in [0, 1].

    """
    w_imports, w_member, w_transit = weights
    value = w_imports * import_share_russia + w_member * float(member) * integration_depth
    value += w_transit * transit_dependence
    return min(1.0, max(0.0, value))


class Rule(BaseRule[Config, State]):
    """Applied tariff, import shares, prices, re-exports, grey trade, NTBs, trade leverage.

    Base prices are the first month's exchange rates with the pre-union tariff; base import shares
    are the parameters. The rule writes its outputs to its state (``self.state``) and reads
    Russia's irritation from the reactions rule's state. Bookkeeping kept on the rule, read by no
    one else: the reference exchange rates that relative prices are measured against (they adapt
    as prices catch up), last month's nominal import price index, the exports trend before NTB
    cuts, and the deviation of the applied tariff made by events (the one exogenous writer of
    ``applied_tariff``).
    """

    def __init__(self, config: Config, model: KazakhstanModel) -> None:
        super().__init__(config, model)
        #: Monthly adjustment rates (from their half-lives).
        self.import_share_rate = rate_from_half_life(
            config.import_share_adjustment_half_life_months
        )
        self.grey_trade_rate = rate_from_half_life(config.grey_trade_adjustment_half_life_months)
        self.export_rate = rate_from_half_life(config.export_adjustment_half_life_months)
        self.sanction_risk_rate = rate_from_half_life(
            config.secondary_sanction_risk_half_life_months
        )
        self.base_kzt_per_usd = model.drivers["kzt_per_usd"]
        self.base_rub_per_usd = model.drivers["rub_per_usd"]
        self.reference_kzt_per_usd = self.base_kzt_per_usd
        self.reference_rub_per_usd = self.base_rub_per_usd
        self.fx_adaptation = rate_from_half_life(config.real_rate_half_life_months)
        russia, china = config.base_import_share_russia, config.base_import_share_china
        self.base_shares = np.array([russia, china, 1.0 - russia - china], dtype=np.float64)
        self.base_gap = max(0.0, config.cet_rate - config.pre_union_tariff)
        union = config.customs_union_date
        self.union_month = None if union is None else parse_month(union)
        self.border_month = (
            None if self.union_month is None else self.union_month + config.months_to_open_border
        )
        regions = model.scenario.population.regions
        self.trader_hub = np.array([r.trader_hub for r in regions], dtype=np.bool_)
        borders = np.array([r.borders_russia for r in regions], dtype=np.bool_)
        self.producer_weights = np.where(borders, 1.0, config.producer_pressure_interior_weight)
        self.import_shares = self.base_shares.copy()
        #: China's real GDP relative to the start (from the growth driver).
        self.china_size = 1.0
        #: Nominal GDP in US$ in the first month, the reference for purchasing power (TH10).
        self.base_gdp_usd_bn: float | None = None
        self.import_price_index = 1.0
        self.export_trend = 1.0
        self.tariff_deviation = 0.0
        self._written_tariff = self.state.applied_tariff

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month, in the order of the module docstring."""
        self._refuse_single_currency(model)
        lines = self._tariffs(model)
        prices = self._landed_prices(model, lines.applied)
        russian_price = float(prices[0])
        shares = self._import_shares(model, prices)
        self._consumer_prices(model, lines.applied, prices)
        trader_loss = self._reexports(model, lines, float(shares[1]))
        self._grey_trade(model, lines, russian_price)
        self._ntb_episode(model)
        self._exports_to_russia(model, russian_price)
        self._trade_leverage(model, lines.member)
        self._regional_inputs(trader_loss, russian_price)

    @staticmethod
    def _refuse_single_currency(model: KazakhstanModel) -> None:
        """TH9: Kazakhstan refuses every single-currency proposal fired this month."""
        for event in model.events.fired_this_month:
            if event.kind == "single_currency_proposal":
                model.log_event(
                    "single_currency_refused",
                    "kazakhstan",
                    "Kazakhstan refuses a single EAEU currency (E L23; T L615-617)",
                )

    def _tariffs(self, model: KazakhstanModel) -> TariffLines:
        """TH1, TH6: this month's tariff lines; an event's change of the applied tariff persists."""
        state = self.state
        self.tariff_deviation += state.applied_tariff - self._written_tariff
        lines = tariff_lines(self.config, model.month, self.tariff_deviation)
        state.applied_tariff = self._written_tariff = lines.applied
        state.eaeu_member = lines.member
        state.cet_rate = lines.cet
        self._log_milestones(model, lines)
        return lines

    def _landed_prices(self, model: KazakhstanModel, tariff: float) -> FloatArray:
        """TH7: landed import prices against the reference exchange rates, which then adapt."""
        kzt, rub = model.drivers["kzt_per_usd"], model.drivers["rub_per_usd"]
        prices = relative_import_prices(
            kzt,
            rub,
            tariff,
            self.reference_kzt_per_usd,
            self.reference_rub_per_usd,
            self.config.pre_union_tariff,
        )
        rate = self.fx_adaptation
        self.reference_kzt_per_usd = adapt_geometric(self.reference_kzt_per_usd, kzt, rate)
        self.reference_rub_per_usd = adapt_geometric(self.reference_rub_per_usd, rub, rate)
        return prices

    def _import_shares(self, model: KazakhstanModel, prices: FloatArray) -> FloatArray:
        """TH3, TH7: import shares move toward the Armington shares of this month's prices."""
        config, state = self.config, self.state
        self.china_size *= (1.0 + model.drivers["china_gdp_growth_pct"] / 100.0) ** (1.0 / 12.0)
        gdp = model.kazakhstan.gdp_usd_bn
        if self.base_gdp_usd_bn is None:
            self.base_gdp_usd_bn = gdp
        weights = purchasing_power_weights(
            supply_weights(self.base_shares, self.china_size, config.china_supply_elasticity),
            gdp / self.base_gdp_usd_bn,
            config.non_eaeu_income_elasticity,
        )
        target = armington_shares(weights, prices, config.armington_sigma)
        shares = self.import_shares = partial_adjustment(
            self.import_shares,
            target,
            self.import_share_rate,
        )
        state.import_share_russia = float(shares[0])
        state.import_share_china = float(shares[1])
        state.import_share_other = float(shares[2])
        return shares

    def _consumer_prices(self, model: KazakhstanModel, tariff: float, prices: FloatArray) -> None:
        """TH2: consumer prices with partial pass-through of import prices; price pressure."""
        config, state = self.config, self.state
        kzt, rub = model.drivers["kzt_per_usd"], model.drivers["rub_per_usd"]
        sigma, phi = config.armington_sigma, config.import_price_pass_through
        if config.inflation_driver_includes_fx:
            nominal = relative_import_prices(kzt, rub, tariff, kzt, rub, config.pre_union_tariff)
        else:
            nominal = relative_import_prices(
                kzt,
                rub,
                tariff,
                self.base_kzt_per_usd,
                self.base_rub_per_usd,
                config.pre_union_tariff,
            )
        nominal_index = ces_price_index(self.base_shares, nominal, sigma)
        state.consumer_price_index = cpi_step(
            state.consumer_price_index,
            model.drivers["kazakhstan_cpi_inflation_pct"],
            nominal_index,
            self.import_price_index,
            phi,
        )
        self.import_price_index = nominal_index
        state.price_pressure = price_pressure(ces_price_index(self.base_shares, prices, sigma), phi)

    def _reexports(self, model: KazakhstanModel, lines: TariffLines, china_share: float) -> float:
        """TH3: traders' re-export income; return the share of it lost since before the union.

        The anti-re-export control on exempt lines grows with the union's integration depth.
        """
        config = self.config
        control = config.reexport_control * model.eaeu.integration_depth
        ratio = reexport_ratio(
            reexport_gap(lines, control),
            china_share,
            self.base_gap,
            float(self.base_shares[1]),
        )
        self.state.reexport_income = config.reexport_income_pre_union_usd_bn * ratio
        return min(1.0, max(0.0, 1.0 - ratio)) if self.base_gap > 0.0 else 0.0

    def _grey_trade(self, model: KazakhstanModel, lines: TariffLines, russian_price: float) -> None:
        """TH4: grey trade grows across the open border with the price gaps, tariff margin too."""
        config, state = self.config, self.state
        price_gap = (
            config.grey_trade_base_gap + abs(math.log(russian_price)) + reexport_gap(lines, 0.0)
        )
        border_open = (
            lines.member and self.border_month is not None and model.month >= self.border_month
        )
        state.grey_trade_index = partial_adjustment(
            state.grey_trade_index,
            grey_trade_target(border_open, price_gap, config.grey_trade_half_gap),
            self.grey_trade_rate,
        )

    def _ntb_episode(self, model: KazakhstanModel) -> None:
        """TH5: an NTB episode starts or ends; one uniform draw a month, whatever the state."""
        config, state = self.config, self.state
        irritation = self.read(reactions.State).russian_irritation
        hazard = ntb_hazard(
            config.ntb_base_hazard_per_month, config.ntb_irritation_gain, irritation
        )
        state.ntb_hazard = hazard
        draw = float(self.rng.random())
        if state.ntb_active:
            if draw < 1.0 / config.ntb_mean_duration_months:
                state.ntb_active = False
                model.log_event(
                    "ntb_lifted",
                    "russia",
                    "Russia lifts its ban on Kazakh goods (E L25: bans lifted or eased)",
                )
        elif draw < hazard:
            state.ntb_active = True
            model.log_event(
                "ntb_imposed",
                "russia",
                f"Russia bars Kazakh goods on safety grounds; {config.ntb_export_cut:.0%} of "
                f"exports to Russia blocked (hazard {hazard:.3f}/month; E L25, P L445-447)",
            )

    def _exports_to_russia(self, model: KazakhstanModel, russian_price: float) -> None:
        """TH7, RL6, TH11: exports to Russia follow the rouble, less NTB and sanctions cuts.

        Plus re-exports and parallel imports, capped by the secondary-sanction risk.
        """
        config, state = self.config, self.state
        sanctions = model.drivers["sanctions_on_russia"]
        demand = parallel_import_demand(sanctions, config.parallel_import_sanctions_threshold)
        state.secondary_sanction_risk = partial_adjustment(
            state.secondary_sanction_risk, demand, self.sanction_risk_rate
        )
        boost = parallel_import_boost(
            demand, state.secondary_sanction_risk, config.parallel_import_gain
        )
        self.export_trend = partial_adjustment(
            self.export_trend,
            export_target(russian_price, config.export_price_elasticity),
            self.export_rate,
        )
        cut = config.ntb_export_cut if state.ntb_active else 0.0
        spillover = config.sanctions_export_cut * sanctions
        state.exports_to_russia_index = (
            self.export_trend * (1.0 - cut) * (1.0 - spillover) * (1.0 + boost)
        )

    def _trade_leverage(self, model: KazakhstanModel, member: bool) -> None:
        """TH8: Russia's trade leverage from imports, membership (by integration depth), transit."""
        config, state = self.config, self.state
        state.trade_leverage_russia = trade_leverage(
            state.import_share_russia,
            member,
            model.eaeu.integration_depth,
            self.read(oil_routes.State).transit_dependence_russia,
            (
                config.leverage_weight_imports,
                config.leverage_weight_membership,
                config.leverage_weight_transit,
            ),
        )

    def _regional_inputs(self, trader_loss: float, russian_price: float) -> None:
        """TH3, TH7: traders' income loss and producer pressure by region, for the opinion rule."""
        state = self.state
        state.trader_income_loss[:] = np.where(self.trader_hub, trader_loss, 0.0)
        state.producer_pressure[:] = producer_pressure(
            russian_price, self.config.producer_pressure_gain, self.producer_weights
        )

    def _log_milestones(self, model: KazakhstanModel, lines: TariffLines) -> None:
        """Log the schedule's turning points in the month they happen."""
        config, month = self.config, model.month
        if month == self.union_month:
            model.log_event(
                "customs_union_joined",
                "kazakhstan",
                f"Kazakhstan applies the common external tariff ({lines.cet:.1%}), converging "
                f"over {config.months_to_converge} months (P L369-371)",
            )
        if lines.member and month == self.border_month:
            model.log_event(
                "internal_customs_abolished",
                "eaeu",
                "Internal customs posts abolished; grey trade can grow (E L21)",
            )
        if lines.member and config.wto_exemption_start is not None:
            if month == parse_month(config.wto_exemption_start):
                model.log_event(
                    "wto_exemptions_opened",
                    "kazakhstan",
                    f"{config.wto_exemption_share:.0%} of tariff lines applied at WTO rates "
                    f"({config.wto_rate:.1%}) until {config.wto_exemption_end} (P L372-374)",
                )
            if month == parse_month(config.wto_exemption_end):
                model.log_event(
                    "wto_exemptions_closed",
                    "kazakhstan",
                    "WTO exemption lines return to the common external tariff (P L372-374)",
                )
