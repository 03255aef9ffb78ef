"""Chinese finance under the Belt and Road Initiative: offers, loans, jobs, debt (BR1-BR10).

Each month:

1. Capital need (BR7; E L31, L41): ``N = clip(n0 + n1 * budget_stress)``.
2. China's hostility response (BR9; C L38): lending appetite falls with the national protest
   share and with land salience times mean Sinophobia; agriculture appetite falls harder after
   protests and recovers slowly (SF8).
3. Failures (BR4; O L35-38; P L71-72, L312-326): each project under construction fails with a
   monthly hazard rising steeply in its corruption leakage; a failure cancels the undisbursed
   part, writes off a share of what was disbursed, and hits the region's legitimacy and China's
   appetite.
4. Disbursement (BR2, BR3): linear over 24-36 months. A share of the project spending is Chinese
   equity (stakes such as COSCO's 49% of the Khorgos dry port, P L177-180), added to a stock of
   equity held at the start (the oil stakes: P L224-229; T L961).
5. Debt service: interest throughout, annuity principal after grace. A legacy (pre-BRI) loan
   amortises from the start, so the debt to China can fall as it did after 2014 (T L884-887).
   China is one creditor among several (it holds less than 6.2% of external debt, T L884-886):
   the other creditors of the public sector (Eurobonds, IFIs, other bilateral) lend
   ``(g B + o max(0, Pe / P* - 1)) GDP`` a year: the government borrows with budget stress B
   (the budget is 60% oil revenue, P L219-220; E L31, L41) and the state companies and
   development institutions borrow to invest while the expected oil price Pe (Brent, adaptive)
   is above P* (the national fund as investor, P L144-152; transport investment before the BRI,
   C L51, P L173-174). That debt is repaid at ``1 / other_maturity_years`` a year. Public
   external debt is the public part of the legacy debt, the BRI loans (lent to public bodies,
   P L614-615) and the other creditors' debt; its annual service over export revenue is
   ``debt_service_to_exports``.
6. Distress (BR6, BR10; P L62-70, L177-180, L200-201): when that ratio is above a threshold the
   Chinese lender reschedules, swaps debt for equity or writes off, by propensities; the
   debt-trap variant (off by default: T L878-894, O L41) makes equity swaps the default and pulls
   alignment toward China.
7. Offers and decisions (BR1, BR2, BR7; P L147-156, L206; C L52; E L41, L44; P L290-300): Poisson
   offers with rate ``offers_per_year / 12 * lending_appetite``; Kazakhstan accepts when its
   utility plus logistic noise is positive. Accepted loans start disbursing next month. A
   ``government_decision`` event with ``loan_offers`` replaces that choice from its month on
   (the decision game): every offer accepted, every offer refused, or ``renegotiate``, the
   Chinese-content share cut to ``content_tolerance`` before the utility decides. The noise is
   drawn in every case, so a decision leaves the rule's random numbers where they were.
8. Regions (BR3, BR8; P L287-304, L610-612; O L47): local jobs, visible Chinese presence and new
   real contact with Chinese projects for a share of the region's citizens.
9. Benefits (BR5; P L249-251, L610-613; O L44): transit fees on the completed transport
   projects, ``transit_fee_yield * (1 + return_load_share) / 2 * K_transport`` a year (trains come
   back half empty, P L612-613; the fees are net of maintenance, P L249-251), and a growth
   increment ``growth_per_investment * 12 * spending / GDP`` (pp a year) that the government's
   GDP adds outside the observed GDP span (kzsim.agents.actors).
10. Recovery (BR1; P L14-29): lending appetite relaxes toward China's strategic interest with the
   half-life ``appetite_recovery_half_life_months``. A disabled rule leaves the appetite at its
   initial value (the scenario's events may still move it).

The loans themselves, their disbursement, service and write-downs, are kept in a
:class:`~kzsim.rules.loan_ledger.LoanLedger`.

The rule writes only its own state (:class:`~kzsim.contracts.bri_loans.State`), China's lending
appetite included, and the citizens' contact with Chinese projects. What it does to variables
others own it posts to their channels: a failure's hit to its region's legitimacy
(``citizens.legitimacy``) and the debt trap's shift of alignment toward China
(``multi_vector.alignment``).

References:
    P, O, T, E, C source texts (docs/sources.md), lines as cited above and in
    docs/model.md, section 7.2. Arellano, C. (2008). Default risk and income fluctuations in
    emerging economies. American Economic Review 98(3), for the reduced-form distress response.

"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from kzsim.contracts import land_protests as lp
from kzsim.contracts import multi_vector as mv
from kzsim.contracts import russian_reactions as rr
from kzsim.contracts.bri_loans import (
    AGRICULTURE,
    EQUITY_SWAP,
    RESCHEDULE,
    RESPONSES,
    SECTORS,
    TRANSPORT,
    Config,
    State,
)
from kzsim.contracts.opinion import RegionalHit
from kzsim.dynamics import partial_adjustment, rate_from_half_life
from kzsim.rules.base import Rule as BaseRule
from kzsim.rules.loan_ledger import LEGACY, LoanLedger

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# ---------------------------------------------------------------------------------------------
# Equations (pure functions)
# ---------------------------------------------------------------------------------------------


def capital_need(budget_stress: float, base: float, per_stress: float) -> float:
    """Kazakhstan's need for foreign capital, ``clip(n0 + n1 * B, 0, 1)`` (BR7; E L31, L41)."""
    return float(np.clip(base + per_stress * budget_stress, 0.0, 1.0))


def monthly_offer_rate(offers_per_year: float, appetite: float) -> float:
    """Poisson rate of China's offers in a month: ``offers_per_year / 12 * appetite``."""
    return offers_per_year / 12.0 * float(np.clip(appetite, 0.0, 1.0))


def lognormal_mu(median: float) -> float:
    """Log-location of a lognormal with the given median (the median is ``exp(mu)``)."""
    return float(np.log(median))


def beta_parameters(mean: float, concentration: float) -> tuple[float, float]:
    """Beta ``(alpha, beta)`` with the given mean and ``alpha + beta = concentration``."""
    return mean * concentration, (1.0 - mean) * concentration


def sector_region_weights(
    population: FloatArray,
    rural_share: FloatArray,
    borders_china: BoolArray,
    oil_region: BoolArray,
    transport_border_weight: float,
    energy_oil_weight: float,
) -> FloatArray:
    """Where projects of each sector go: a (sector x region) matrix whose rows sum to 1.

    Transport favours regions on the Chinese border (Dostyk, Khorgos: P L157, L170-176), energy
    favours oil regions, industry follows population and agriculture rural population. All four
    are assumptions (A); a row with no weight falls back to population.
    """
    rows = np.vstack(
        [
            population * (1.0 + transport_border_weight * borders_china),
            population * (1.0 + energy_oil_weight * oil_region),
            population,
            population * rural_share,
        ]
    ).astype(np.float64)
    totals = rows.sum(axis=1, keepdims=True)
    rows = np.where(totals > 0.0, rows, population[None, :])
    out: FloatArray = rows / rows.sum(axis=1, keepdims=True)
    return out


@dataclass(frozen=True)
class Offers:
    """A batch of China's offers (one entry per offer)."""

    project_value_usd_bn: FloatArray
    principal_usd_bn: FloatArray
    rate: FloatArray
    maturity_months: IntArray
    grace_months: IntArray
    disbursement_months: IntArray
    content: FloatArray
    sector: IntArray
    region: IntArray
    bypasses_russia: BoolArray
    leakage: FloatArray

    @property
    def size(self) -> int:
        """Number of offers."""
        return int(self.sector.size)


def draw_offers(
    rng: np.random.Generator,
    count: int,
    config: Config,
    region_weights: FloatArray,
    agriculture_appetite: float = 1.0,
) -> Offers:
    """Draw ``count`` offers; agriculture offers are kept with probability ``agriculture_appetite``.

    Project value is lognormal (median ``project_median_usd_bn``); China lends
    ``loan_share_of_project`` of it. Chinese content is uniform on ``[content_min, content_max]``
    (>= 0.5: P L153-154). Leakage, the share of money corruption will divert (BR4), is
    ``Beta(leakage_mean, leakage_concentration)``; Kazakhstan does not observe it when deciding.

    Args:
        rng: the rule's random generator.
        count: offers before agriculture thinning.
        config: the rule's parameters.
        region_weights: (sector x region) probabilities from :func:`sector_region_weights`.
        agriculture_appetite: China's appetite for agricultural projects, 0-1 (BR9).

    Returns:
        The offers that survive thinning.

    """
    weights = config.sector_weights
    sector = rng.choice(len(SECTORS), size=count, p=weights / weights.sum()).astype(np.int64)
    keep = (sector != AGRICULTURE) | (rng.random(count) < agriculture_appetite)
    sector = sector[keep]
    n = int(sector.size)
    value = rng.lognormal(lognormal_mu(config.project_median_usd_bn), config.project_log_sd, n)
    cumulative = np.cumsum(region_weights, axis=1)[sector]
    region = np.minimum(
        (cumulative <= rng.random(n)[:, None]).sum(axis=1), region_weights.shape[1] - 1
    ).astype(np.int64)
    alpha, beta = beta_parameters(config.leakage_mean, config.leakage_concentration)
    return Offers(
        project_value_usd_bn=value,
        principal_usd_bn=value * config.loan_share_of_project,
        rate=rng.uniform(config.rate_low, config.rate_high, n),
        maturity_months=12
        * rng.integers(config.maturity_years_low, config.maturity_years_high + 1, n),
        grace_months=12 * rng.integers(config.grace_years_low, config.grace_years_high + 1, n),
        disbursement_months=rng.integers(
            config.disbursement_months_low, config.disbursement_months_high + 1, n
        ),
        content=rng.uniform(config.content_min, config.content_max, n),
        sector=sector,
        region=region,
        bypasses_russia=(sector == TRANSPORT) & (rng.random(n) < config.bypass_russia_share),
        leakage=rng.beta(alpha, beta, n),
    )


class AcceptanceWeights(NamedTuple):
    """Coefficients b1..b6 of Kazakhstan's acceptance utility."""

    need: float
    transport: float
    debt: float
    sinophobia: float
    irritation: float
    content: float


def acceptance_utility(
    weights: AcceptanceWeights,
    *,
    need: float,
    transport: BoolArray,
    debt_to_gdp: float,
    sinophobia: float,
    visibility: FloatArray,
    irritation: float,
    bypasses_russia: BoolArray,
    content: FloatArray,
    content_tolerance: float,
) -> FloatArray:
    """Systematic part of Kazakhstan's utility of accepting each offer (BR7).

    ``U = b1 N + b2 [transport] - b3 debt/GDP - b4 S v - b5 I [bypass] - b6 (c - c_tol)``:
    capital need pushes acceptance (E L41); transport serves the transit-hub goal and balances
    Russia (E L31, L44); debt, Sinophobia times visibility (P L307-312), Russian irritation at
    routes around Russia (P L598-600; by analogy C L26-27, Moscow's displeasure at the Caspian
    ports Aktau and Kuryk opened to US transit cargo, which had crossed only Russia and
    Uzbekistan) and Chinese content above what procurement rules tolerate (E L41; P L290-300)
    push against it.
    """
    utility: FloatArray = (
        weights.need * need
        + weights.transport * transport
        - weights.debt * debt_to_gdp
        - weights.sinophobia * sinophobia * visibility
        - weights.irritation * irritation * bypasses_russia
        - weights.content * (content - content_tolerance)
    )
    return utility


def acceptance_probability(utility: FloatArray, noise_scale: float) -> FloatArray:
    """``P(U + eps > 0)`` with logistic noise eps of scale ``noise_scale``: a logit."""
    probability: FloatArray = 1.0 / (1.0 + np.exp(-np.asarray(utility) / noise_scale))
    return probability


def offer_visibility(
    base: float, regional_presence: FloatArray, land_salience: float, agriculture: BoolArray
) -> FloatArray:
    """How visible a new project is, ``clip(v0 + presence_r + salience [agriculture], 0, 1)``.

    Projects add to the Chinese presence already visible in their region; agricultural projects
    touch land, whose salience the land debate raises (LP2; E L62).
    """
    visibility: FloatArray = np.clip(
        base + regional_presence + land_salience * agriculture, 0.0, 1.0
    )
    return visibility


def failure_hazard(
    leakage: FloatArray, hazard_max: float, half: float, steepness: float
) -> FloatArray:
    """Monthly failure hazard of a project under construction (BR4; O L35-38).

    A Hill function ``h_max l^k / (l^k + l50^k)``: near zero for small leakage, rising steeply
    around ``l50``, bounded by ``h_max``.
    """
    powered = np.power(np.clip(leakage, 0.0, 1.0), steepness)
    hazard: FloatArray = hazard_max * powered / (powered + half**steepness)
    return hazard


def lender_choice_probabilities(
    propensities: FloatArray, debt_trap: bool, trap_equity_probability: float
) -> FloatArray:
    """Probabilities of (reschedule, equity swap, write-off) when Kazakhstan is in distress.

    Normally the propensities, normalised. Under the debt-trap variant (P L62-70) the equity swap
    has probability ``trap_equity_probability``, the other two share the rest in proportion to
    their propensities.
    """
    p = np.asarray(propensities, dtype=np.float64) / float(np.sum(propensities))
    if not debt_trap:
        return p
    others = p.copy()
    others[EQUITY_SWAP] = 0.0
    total = others.sum()
    rest = (others / total if total > 0.0 else np.array([0.5, 0.0, 0.5])) * (
        1.0 - trap_equity_probability
    )
    rest[EQUITY_SWAP] = trap_equity_probability
    out: FloatArray = rest
    return out


def presence_from_stock(stock_usd_per_capita: FloatArray, scale: float) -> FloatArray:
    """Visible Chinese presence, ``1 - exp(-stock per capita / scale)``, in [0, 1) (BR8)."""
    presence: FloatArray = 1.0 - np.exp(-np.maximum(stock_usd_per_capita, 0.0) / scale)
    return presence


def local_job_share(content: FloatArray, hiring_quota: float) -> FloatArray:
    """Share of project spending that employs locals: ``(1 - c) + c q`` (BR3; P L287-304).

    Tied loans spend ``c`` with Chinese contractors (P L147-156); labour quotas make a share ``q``
    of their jobs local, at lower levels (P L290-294, L302-304).
    """
    share: FloatArray = (1.0 - content) + content * hiring_quota
    return share


def other_creditors_borrowing(
    budget_stress: float,
    expected_oil_usd: float,
    per_stress: float,
    per_oil: float,
    oil_threshold_usd: float,
) -> float:
    """Public borrowing from creditors other than China, share of GDP a year.

    ``g B + o max(0, Pe / P* - 1)``: the government borrows with budget stress B (60% of the
    budget is oil revenue, P L219-220; E L31, L41), and the state companies and development
    institutions borrow to invest while the expected oil price Pe is above P* (the national
    fund invests, P L144-152; transport investment before the BRI, C L51, P L173-174).
    """
    return per_stress * budget_stress + per_oil * max(0.0, expected_oil_usd / oil_threshold_usd - 1)


def other_creditors_step(
    debt_usd_bn: float,
    borrowing_share: float,
    gdp_usd_bn: float,
    maturity_years: float,
    rate: float,
) -> tuple[float, float]:
    """One month of public debt to creditors other than China: ``(debt, service)``.

    Borrowing ``b Y / 12`` (``b`` from :func:`other_creditors_borrowing`, nominal GDP Y, US$ bn a
    year), repayment ``D / (12 m)`` and interest ``D r / 12`` on last month's debt D. Returns the
    new debt and the month's service (repayment plus interest), US$ bn.
    """
    repaid = debt_usd_bn / (12.0 * maturity_years)
    service = repaid + debt_usd_bn * rate / 12.0
    debt = debt_usd_bn + borrowing_share * gdp_usd_bn / 12.0 - repaid
    return max(debt, 0.0), service


def transit_revenue(transport_capital_usd_bn: float, fee_yield: float, return_load: float) -> float:
    """Transit fees a year, US$ bn: ``y (1 + l) / 2 K`` (BR5; P L249-251, L610-613).

    ``K`` is the value of completed transport projects, ``y`` the fee per US$ at full loads both
    ways (net of maintenance, P L249-251) and ``l`` the load coming back relative to going out:
    trains full to Europe come back half empty (P L612-613).
    """
    return fee_yield * (1.0 + return_load) / 2.0 * max(transport_capital_usd_bn, 0.0)


def growth_increment(spending_usd_bn_a_year: float, gdp_usd_bn: float, per_share: float) -> float:
    """Real growth added by project spending, pp a year: ``k 100 I / Y`` (O L44; (A))."""
    return per_share * 100.0 * spending_usd_bn_a_year / max(gdp_usd_bn, 1e-9)


def protest_pressure(protest_share: float, baseline: float, full: float) -> float:
    """Protest felt by Chinese investors, ``clip((p - p0) / (p1 - p0), 0, 1)`` (BR9; C L38).

    Background activity below ``p0`` goes unnoticed; a share ``p1`` (a nationwide wave) has the
    full effect.
    """
    return float(np.clip((protest_share - baseline) / (full - baseline), 0.0, 1.0))


def hostility_factor(
    pressure: float, protest_drop: float, hostility: float, hostility_drop: float
) -> float:
    """Factor multiplying an appetite after a month of protest and hostile opinion (BR9; C L38).

    ``clip(1 - d_p pressure - d_h hostility, 0, 1)``, with ``pressure`` from
    :func:`protest_pressure` and ``hostility`` the land salience (times mean Sinophobia for
    overall appetite).
    """
    return float(np.clip(1.0 - protest_drop * pressure - hostility_drop * hostility, 0.0, 1.0))


# ---------------------------------------------------------------------------------------------
# The rule
# ---------------------------------------------------------------------------------------------


class Rule(BaseRule[Config, State]):
    """Offers, acceptance, disbursement, jobs, leakage, failure, debt service, distress."""

    def __init__(self, config: Config, model: KazakhstanModel) -> None:
        super().__init__(config, model)
        #: Monthly adjustment rates of the two appetites (from their half-lives).
        self.agriculture_recovery = rate_from_half_life(
            config.agriculture_recovery_half_life_months
        )
        self.appetite_recovery = rate_from_half_life(config.appetite_recovery_half_life_months)
        regions = [p.region for p in model.publics]
        self.region_population = np.array([r.population for r in regions], dtype=np.float64)
        self.region_weights = sector_region_weights(
            self.region_population,
            np.array([1.0 - r.urban_share for r in regions]),
            np.array([r.borders_china for r in regions]),
            np.array([r.oil_region for r in regions]),
            config.transport_china_border_weight,
            config.energy_oil_region_weight,
        )
        self.weights = AcceptanceWeights(
            config.accept_need,
            config.accept_transport,
            config.accept_debt,
            config.accept_sinophobia,
            config.accept_irritation,
            config.accept_content,
        )
        self.ledger = LoanLedger()
        if config.legacy_debt_usd_bn > 0.0:
            self.ledger.add(
                principal=np.array([config.legacy_debt_usd_bn]),
                rate=np.array([config.legacy_rate]),
                maturity=np.array([12 * config.legacy_years]),
                grace=np.array([0]),
                disbursement_months=np.array([1]),
                signed=model.month,
                region=np.array([-1]),
                sector=np.array([-1]),
                predisbursed=True,
            )
        self.last_distress_month: int | None = None
        #: The government's standing decision on offers (None: the utility decides).
        self.loan_policy: str | None = None
        self.state.debt_to_china_usd_bn = self.ledger.total_outstanding
        self.state.other_creditors_debt_usd_bn = config.other_debt_initial_usd_bn
        self.state.expected_brent_usd_per_bbl = model.drivers["brent_usd_per_bbl"]
        self.state.china_equity_usd_bn = config.china_equity_initial_usd_bn
        self.state.public_external_debt_usd_bn = self.public_external_debt()

    def public_chinese_debt(self, amounts: FloatArray) -> float:
        """The public part of per-loan amounts: the legacy loan's public share, all BRI loans."""
        legacy = self.ledger.status[: amounts.size] == LEGACY
        weights = np.where(legacy, self.config.legacy_public_share, 1.0)
        return float(amounts @ weights)

    def public_external_debt(self) -> float:
        """Public external debt, US$ bn: public debt to China plus the other creditors'."""
        ledger = self.ledger
        china = self.public_chinese_debt(ledger.outstanding[: ledger.size])
        return china + self.state.other_creditors_debt_usd_bn

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month (order in the module docstring)."""
        cfg, state = self.config, self.state
        state.capital_need = capital_need(
            model.kazakhstan.budget_stress, cfg.need_base, cfg.need_per_budget_stress
        )
        sinophobia = float(model.population.sinophobia.mean())
        self._hostility(model, sinophobia)
        self._failures(model)
        under_way = self.ledger.disbursing()
        disbursed = self.ledger.disburse()
        state.china_disbursed_usd_bn += float(disbursed.sum())
        spending = self.ledger.project_spending(disbursed)
        state.china_investment_usd_bn += spending
        state.china_equity_usd_bn += cfg.equity_share_of_spending * spending
        gdp = model.kazakhstan.gdp_usd_bn
        state.bri_growth_pct = growth_increment(12.0 * spending, gdp, cfg.growth_per_investment)
        for i in np.flatnonzero(under_way & ~self.ledger.disbursing()):
            model.log_event(
                "project_completed",
                "china",
                f"{SECTORS[self.ledger.sector[i]]} project in "
                f"{model.publics[self.ledger.region[i]].region.id} completed",
            )
        interest, principal = self.ledger.service(model.month)
        state.expected_brent_usd_per_bbl = partial_adjustment(
            state.expected_brent_usd_per_bbl,
            model.drivers["brent_usd_per_bbl"],
            rate_from_half_life(cfg.oil_expectation_half_life_months),
        )
        borrowing = other_creditors_borrowing(
            model.kazakhstan.budget_stress,
            state.expected_brent_usd_per_bbl,
            cfg.other_borrowing_per_stress,
            cfg.company_borrowing_per_oil,
            cfg.company_borrowing_oil_threshold_usd,
        )
        state.other_creditors_debt_usd_bn, other_service = other_creditors_step(
            state.other_creditors_debt_usd_bn,
            borrowing,
            gdp,
            cfg.other_maturity_years,
            cfg.other_rate,
        )
        service = self.public_chinese_debt(interest + principal) + other_service
        exports = model.kazakhstan.exports_usd_bn
        state.debt_service_to_exports = 12.0 * service / max(exports, 1e-9)
        if state.debt_service_to_exports > cfg.distress_threshold:
            self._distress(model)
        state.debt_to_china_usd_bn = self.ledger.total_outstanding
        self._offers(model, sinophobia)
        state.debt_to_china_usd_bn = self.ledger.total_outstanding
        state.public_external_debt_usd_bn = self.public_external_debt()
        state.transit_revenue_usd_bn = transit_revenue(
            self.ledger.completed_value(TRANSPORT), cfg.transit_fee_yield, cfg.return_load_share
        )
        self._regions(model, disbursed)
        self._recovery(model)

    # --- stages -------------------------------------------------------------------------------

    def _hostility(self, model: KazakhstanModel, sinophobia: float) -> None:
        """BR9: appetite and agriculture appetite fall with protest and hostile opinion."""
        cfg, state = self.config, self.state
        pressure = protest_pressure(
            float(model.population.active.mean()),
            cfg.protest_baseline_share,
            cfg.protest_full_share,
        )
        salience = self.read(lp.State).land_salience
        state.china_lending_appetite *= hostility_factor(
            pressure, cfg.protest_appetite_drop, salience * sinophobia, cfg.salience_appetite_drop
        )
        agriculture = state.china_agriculture_appetite * hostility_factor(
            pressure, cfg.agriculture_protest_drop, salience, cfg.agriculture_salience_drop
        )
        agriculture = partial_adjustment(agriculture, 1.0, self.agriculture_recovery)
        state.china_agriculture_appetite = float(np.clip(agriculture, 0.0, 1.0))

    def _failures(self, model: KazakhstanModel) -> None:
        """BR4: projects under construction fail with a hazard rising in their leakage."""
        cfg, ledger = self.config, self.ledger
        candidates = np.flatnonzero(ledger.disbursing())
        if candidates.size == 0:
            return
        hazard = failure_hazard(
            ledger.leakage[candidates],
            cfg.failure_hazard_max,
            cfg.failure_leakage_half,
            cfg.failure_steepness,
        )
        legitimacy = self.channel("citizens.legitimacy")
        for i in candidates[self.rng.random(candidates.size) < hazard]:
            cancelled, lost = ledger.fail(int(i), cfg.failure_writeoff_share)
            self.state.failed_projects += 1
            self.state.china_lending_appetite *= 1.0 - cfg.failure_appetite_drop
            public = model.publics[ledger.region[i]]
            legitimacy.post(
                "bri_loans.project_failure",
                RegionalHit(public.start, public.stop, cfg.failure_legitimacy_hit),
            )
            model.log_event(
                "project_failed",
                "china",
                f"{SECTORS[ledger.sector[i]]} project in {public.region.id} failed "
                f"(leakage {ledger.leakage[i]:.2f}): US$ {cancelled:.3f} bn cancelled, "
                f"US$ {lost:.3f} bn written off",
            )

    def _distress(self, model: KazakhstanModel) -> None:
        """BR6, BR10: the lender reschedules, swaps debt for equity or writes off."""
        cfg, ledger = self.config, self.ledger
        month = model.month
        if (
            self.last_distress_month is not None
            and month - self.last_distress_month < cfg.distress_cooldown_months
        ):
            return
        self.last_distress_month = month
        p = lender_choice_probabilities(
            cfg.propensities, cfg.debt_trap, cfg.trap_equity_probability
        )
        choice = int(self.rng.choice(len(RESPONSES), p=p))
        ratio = self.state.debt_service_to_exports
        if choice == RESCHEDULE:
            loans = ledger.reschedule(cfg.reschedule_months)
            detail = f"{loans} loans extended by {cfg.reschedule_months} months"
        elif choice == EQUITY_SWAP:
            amount = ledger.convert_to_equity(cfg.equity_swap_share)
            self.state.china_equity_usd_bn += amount
            detail = f"US$ {amount:.3f} bn swapped for equity"
            if cfg.debt_trap:
                self.channel("multi_vector.alignment").post(
                    "bri_loans.debt_trap", cfg.trap_alignment_shift
                )
                china = self.read(mv.State).alignment_china
                detail += f"; alignment with China now {china:.3f}"
        else:
            amount = ledger.write_off(cfg.write_off_share)
            detail = f"US$ {amount:.3f} bn written off"
        model.log_event(
            f"debt_{RESPONSES[choice]}",
            "china",
            f"public debt service {ratio:.3f} of exports above {cfg.distress_threshold:g}: "
            f"{detail}",
        )

    def _offers(self, model: KazakhstanModel, sinophobia: float) -> None:
        """BR1, BR2, BR7: China's offers arrive; Kazakhstan accepts or refuses each."""
        cfg, state = self.config, self.state
        for event in model.events.fired_this_month:
            if event.decision is not None and event.decision.loan_offers is not None:
                self.loan_policy = event.decision.loan_offers
        count = int(
            self.rng.poisson(monthly_offer_rate(cfg.offers_per_year, state.china_lending_appetite))
        )
        if count == 0:
            return
        offers = draw_offers(
            self.rng, count, cfg, self.region_weights, state.china_agriculture_appetite
        )
        if offers.size == 0:
            return
        if self.loan_policy == "renegotiate":
            offers = replace(offers, content=np.minimum(offers.content, cfg.content_tolerance))
        presence = state.chinese_presence[offers.region]
        agriculture = offers.sector == AGRICULTURE
        utility = acceptance_utility(
            self.weights,
            need=state.capital_need,
            transport=offers.sector == TRANSPORT,
            debt_to_gdp=float(state.debt_to_china_usd_bn / model.kazakhstan.gdp_usd_bn),
            sinophobia=sinophobia,
            visibility=offer_visibility(
                cfg.visibility_base, presence, self.read(lp.State).land_salience, agriculture
            ),
            irritation=self.read(rr.State).russian_irritation,
            bypasses_russia=offers.bypasses_russia,
            content=offers.content,
            content_tolerance=cfg.content_tolerance,
        )
        accept = self.rng.random(offers.size) < acceptance_probability(
            utility, cfg.accept_noise_scale
        )
        if self.loan_policy in ("accept", "refuse"):
            accept[:] = self.loan_policy == "accept"
        for i in range(offers.size):
            model.log_event(
                "loan_accepted" if accept[i] else "loan_refused",
                "kazakhstan",
                f"{SECTORS[offers.sector[i]]} loan US$ {offers.principal_usd_bn[i]:.3f} bn "
                f"(project US$ {offers.project_value_usd_bn[i]:.3f} bn) in "
                f"{model.publics[offers.region[i]].region.id}, Chinese content "
                f"{offers.content[i]:.2f}, utility {utility[i]:.2f}",
            )
        if not accept.any():
            return
        self.ledger.add(
            principal=offers.principal_usd_bn[accept],
            project_value=offers.project_value_usd_bn[accept],
            rate=offers.rate[accept],
            maturity=offers.maturity_months[accept],
            grace=offers.grace_months[accept],
            disbursement_months=offers.disbursement_months[accept],
            signed=model.month,
            region=offers.region[accept],
            sector=offers.sector[accept],
            leakage=offers.leakage[accept],
            content=offers.content[accept],
        )
        state.china_agriculture_signed_usd_bn += float(
            offers.principal_usd_bn[accept & agriculture].sum()
        )

    def _regions(self, model: KazakhstanModel, disbursed: FloatArray) -> None:
        """BR3, BR8: local jobs, visible presence and new contact in each region."""
        cfg, ledger = self.config, self.ledger
        n_regions = self.region_population.size
        n = ledger.size
        amount = np.zeros(n)
        amount[: disbursed.size] = disbursed  # loans signed this month disburse from next month
        located = ledger.region[:n] >= 0
        region = np.where(located, ledger.region[:n], 0)
        local_spending = (
            12.0
            * amount
            * (1.0 - ledger.leakage[:n])
            * local_job_share(ledger.content[:n], cfg.local_hiring_quota)
        )
        jobs = cfg.jobs_per_usd_bn * np.bincount(
            region, weights=np.where(located, local_spending, 0.0), minlength=n_regions
        )
        under_way = np.where(located & ledger.disbursing(), ledger.project_value[:n], 0.0)
        stock = np.bincount(region, weights=under_way, minlength=n_regions)
        presence = presence_from_stock(
            stock * 1e9 / self.region_population, cfg.presence_scale_usd_per_capita
        )
        reach = np.clip(cfg.contact_per_job * jobs * 1e3 / self.region_population, 0.0, 1.0)
        self.state.project_jobs[:] = jobs
        self.state.chinese_presence[:] = presence
        if cfg.contact_gain == 0.0:
            return
        contact = model.population.china_contact
        for public, share in zip(model.publics, reach.tolist(), strict=True):
            count = public.stop - public.start
            if share <= 0.0 or count == 0:
                continue
            touched = public.start + self.rng.integers(
                0, count, int(self.rng.binomial(count, share))
            )
            contact[touched] += cfg.contact_gain * (1.0 - contact[touched])

    def _recovery(self, model: KazakhstanModel) -> None:
        """BR1: lending appetite relaxes toward China's strategic interest (P L14-29)."""
        self.state.china_lending_appetite = partial_adjustment(
            self.state.china_lending_appetite,
            model.china.strategic_interest,
            self.appetite_recovery,
        )
