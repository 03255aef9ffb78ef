"""Citizens' hardship and Friedkin-Johnsen opinion dynamics on their social network.

Hardship relaxes toward a target set by prices (TH2, E L86), traders' lost re-export income
(TH3, P L442-444), cheap Russian goods hurting producers (TH7, E L21), the oil budget
(P L219-220), a rise of the domestic fuel price above the level people have adjusted to (LP7,
T L1443-1447), the spillover of sanctions on Russia (RL6, E L68) and, in the other direction, local
jobs on Chinese projects (BR3, P L287-290).

Grievances adapt. Every pressure enters against a reference people adapt to: in each region the
summed pressure ``p_r`` counts as ``p_r - q_r``, and ``q_r`` closes the share ``a`` of its gap to
``p_r`` each month (half-life ``hardship_adaptation_half_life_months``; hedonic adaptation,
Frederick and Loewenstein 1999), so a lasting shock (budget stress, sanctions) is felt in full at
first and its effect fades to zero. The fuel price is felt against the price people have adjusted
to (its own half-life), less the share of the rise the government rolls back
(``land_protests.fuel_price_concession``, the January 2022 price cap, T L1443-1447), and more in
oil regions, where the January 2022 unrest began (Zhanaozen and Aktau, data/events_outside_seeds.csv
2022-01-02). A salience fades unless renewed: the felt Xinjiang salience
``F(t) = min(X(t), r F(t-1) + max(0, X(t) - X(t-1)))`` follows each rise of the reported salience
X (an event) and otherwise keeps the share ``r`` per month (half-life
``xinjiang_salience_half_life_months``); social media keep the news circulating (C L37).

Regions differ through their attributes (kzsim.scenario.regions): ethnic composition (who is
drawn there; Kazakhs feel Xinjiang more; the regional means follow the composition as it moves
from the 2009 to the 2021 census, Russians 23.7% to 15.5%, with emigration, C L13), trader hubs
(contact with China, P L188-190, O L47), Chinese presence from projects in border and oil regions
(bri_loans), Chinese land leases in the west (land salience felt more, T L1797), oil regions (the
fuel shock felt more), and the regional pressures of trade and project jobs.

Four attitudes (Sinophobia, perceived legitimacy, EAEU support, Russia affinity) follow
Friedkin-Johnsen updating with inputs,
``x(t+1) = clip(lambda_i [(W x(t))_i + u_i(t)] + (1 - lambda_i) x_i(0), 0, 1)``:

* Sinophobia rises with Chinese presence where people lack contact, falls with real contact
  (BR8: opposition arises in communities with little contact with China, O L47; perceptions do
  not follow the actual numbers of Chinese workers, P L305-307), rises with land salience,
  amplified by Russian media (LP2-LP3, E L62, C L21) and by Chinese land leases in the region
  (T L1797), and with the felt salience of the detention of ethnic Kazakhs in Xinjiang, more among
  ethnic Kazakhs (LP6, C L31-32, L37; T L1818-1822). A top-down BRI announcement is no input (SF5,
  E L54).
* Legitimacy falls with hardship above its baseline (Epstein's grievance G = H (1 - L)) and, a
  little, with repression above its initial level (C L38).
* EAEU support falls with price pressure (TH2, E L86), threat perception (RL4, E L19, L86) and
  sanctions on Russia (RL4, E L19: a union with a sanctioned Russia looks dangerous) and follows
  Russia affinity (E L86: opinion on the EAEU differs by ethnicity).
* Russia affinity rises with exposure to Russian media times its reach (C L19-21; T L1722-1767)
  and falls with threat perception (RL3, T L1569-1583), less among those who follow Russian
  media: in 2022 a survey found 39% supporting the invasion, 46% neutral and 10% against, which
  its authors put down to Russian state TV (T L1771-1783; a small sample, critics say). The
  threat's weight is small: approval of Russia's leadership stayed at 55-87% to 2017
  (T L1765-1767) and EAEU support at 84% and 80% after Crimea (EDB barometer 2014, 2015).

Two choices go beyond the starting sketch. Inputs enter as changes from the state the anchors x(0)
were drawn for (population.py already lowers initial Sinophobia with contact and raises Russia
affinity with media exposure), so they are not counted twice. And each input weight is the
steady-state shift of the mean attitude per unit of input: the inputs are multiplied by
``(1 - lambda_bar) / lambda_bar``, the inverse of the mean-field gain
``lambda_bar / (1 - lambda_bar)`` with which the dynamics amplify a uniform input.

References:
    Friedkin, N. E., Johnsen, E. C. (1990). Social influence and opinions. J. Math. Sociol. 15.
    Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach. PNAS 99.
    Frederick, S., Loewenstein, G. (1999). Hedonic adaptation. In Kahneman, Diener, Schwarz (eds.),
    Well-being: the foundations of hedonic psychology. Russell Sage.
    Sources: E L19, L21, L54, L62, L68, L86; P L188-190, L219-220, L287-290, L305-307, L442-444;
    O L47; C L13, L19-21, L31-32, L37-38; T L1443-1447, L1569-1583, L1722-1783, L1797,
    L1818-1822; data/events_outside_seeds.csv (2022-01-02); EDB barometer
    (data/targets/eaeu_support_edb_2012_2015.csv).

"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kzsim import kernels
from kzsim.agents.population import ATTITUDES, KAZAKH
from kzsim.contracts import bri_loans as bri
from kzsim.contracts import land_protests as land
from kzsim.contracts import russian_reactions as reactions
from kzsim.contracts import tariff_harmonisation as tariff
from kzsim.contracts.opinion import Config, State, land_lease_factor
from kzsim.dynamics import (
    adapt_geometric,
    partial_adjustment,
    rate_from_half_life,
    retention_from_half_life,
)
from kzsim.rules.base import Rule as BaseRule

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Mean susceptibility is kept in this range when computing the gain (0 and 1 are degenerate).
MEAN_SUSCEPTIBILITY_RANGE = (0.01, 0.99)


def mean_field_gain(susceptibility: FloatArray) -> float:
    """How much the dynamics amplify a uniform input: ``lambda_bar / (1 - lambda_bar)``.

    With ``x = lambda (W x + u) + (1 - lambda) x0`` and W row-stochastic, a uniform input u moves
    the steady state by ``lambda / (1 - lambda) * u`` when every citizen has susceptibility
    lambda; with susceptibility independent of the network, the mean moves by about the same gain
    at the mean ``lambda_bar`` (kept in :data:`MEAN_SUSCEPTIBILITY_RANGE`: gain in [1/99, 99]).

    Args:
        susceptibility: every citizen's lambda in [0, 1].

    Returns:
        The mean-field gain.

    """
    low, high = MEAN_SUSCEPTIBILITY_RANGE
    mean = min(max(float(np.mean(susceptibility)), low), high)
    return mean / (1.0 - mean)


def friedkin_johnsen_update(
    neighbour_mean: FloatArray,
    inputs: FloatArray,
    susceptibility: FloatArray,
    anchor: FloatArray,
    out: FloatArray | None = None,
) -> FloatArray:
    """One Friedkin-Johnsen step with inputs: ``clip(lambda (W x + u) + (1 - lambda) x0, 0, 1)``.

    Args:
        neighbour_mean: ``(W x(t))_i``; overwritten as a work buffer.
        inputs: ``u_i(t)``.
        susceptibility: ``lambda_i``.
        anchor: prior opinions ``x_i(0)``.
        out: where to write the result (e.g. the attitude array itself); a new array if None.

    Returns:
        ``x(t+1)``, in [0, 1].

    """
    work = neighbour_mean
    work += inputs
    work -= anchor
    work *= susceptibility
    work += anchor
    if out is None:
        out = np.empty_like(work)
    np.clip(work, 0.0, 1.0, out=out)
    return out


def national_hardship_pressure(
    config: Config, price_pressure: float, budget_stress: float, sanctions: float
) -> float:
    """Return the nationwide part of the hardship target's shift from baseline.

    ``a_price * price_pressure + a_budget * budget_stress + a_sanctions * sanctions``.
    """
    return (
        config.hardship_price_weight * price_pressure
        + config.hardship_budget_weight * budget_stress
        + config.hardship_sanctions_weight * sanctions
    )


def fuel_price_rise(fuel_price_index: float, reference: float, concession: float = 0.0) -> float:
    """Relative rise of the fuel price people pay above the level they have adjusted to (LP7).

    Args:
        fuel_price_index: this month's domestic fuel price index.
        reference: the adjusted-to price (adapts toward the price paid with a half-life).
        concession: share 0-1 of the rise the government rolls back (a restored price cap).

    Returns:
        ``(1 - concession) max(0, fuel_price_index / reference - 1)``.

    """
    return (1.0 - concession) * max(0.0, fuel_price_index / reference - 1.0)


def adapted_pressure(pressure: FloatArray, reference: FloatArray, rate: float) -> FloatArray:
    """The pressure as felt against the adapted-to reference; the reference adapts, in place.

    ``felt = p - q``, then ``q <- q + a (p - q)``: a new pressure is felt in full in its first
    month, and a lasting one fades with the adaptation half-life (``a = 0``: never).

    Args:
        pressure: this month's pressure ``p`` per region.
        reference: the pressure people have adapted to ``q`` per region, updated in place.
        rate: the share ``a`` of the gap the reference closes this month.

    Returns:
        The felt pressure ``p - q`` (before this month's adaptation).

    """
    felt: FloatArray = pressure - reference
    reference += rate * felt
    return felt


def felt_salience(felt: float, reported: float, reported_before: float, retention: float) -> float:
    """The salience the public feels: renewed by rises of the reported level, fading otherwise.

    ``F(t) = min(X(t), r F(t-1) + max(0, X(t) - X(t-1)))``: a rise of the reported salience X
    (news, an event) adds to the felt salience, which keeps the share ``r`` each month and never
    exceeds the reported level (a fall of X, such as a relief, lowers it).

    Args:
        felt: last month's felt salience ``F(t-1)``.
        reported: this month's reported salience ``X(t)``.
        reported_before: last month's ``X(t-1)``.
        retention: ``r``, the share kept each month (1: no fading).

    Returns:
        ``F(t)``, in [0, X(t)].

    """
    return min(reported, retention * felt + max(0.0, reported - reported_before))


def regional_hardship_pressure(
    config: Config,
    trader_income_loss: FloatArray,
    producer_pressure: FloatArray,
    jobs_per_capita: FloatArray,
) -> FloatArray:
    """Return the regional part of the hardship target's shift from baseline.

    ``a_trade * trader_income_loss + a_prod * producer_pressure - a_jobs * jobs_per_capita``.
    """
    return (
        config.hardship_trader_weight * trader_income_loss
        + config.hardship_producer_weight * producer_pressure
        - config.hardship_jobs_weight * jobs_per_capita
    )


def add_immediate_part(hardship: FloatArray, shift: float | FloatArray) -> FloatArray | None:
    """Add a hardship shift that does not relax, in place; return what each citizen got (LP7).

    Fuel prices hit household budgets at once, so their part of hardship is removed and added
    again each month rather than relaxed toward. The part actually added (after clipping to
    [0, 1]) is returned so that exactly it can be removed next month.

    Args:
        hardship: every citizen's hardship, updated in place.
        shift: this month's immediate shift, for everyone or per citizen.

    Returns:
        The part added per citizen, or None when the shift is 0 everywhere.

    """
    if not np.any(shift):
        return None
    before = hardship.copy()
    np.clip(hardship + shift, 0.0, 1.0, out=hardship)
    added: FloatArray = hardship - before
    return added


def hardship_step(
    hardship: FloatArray, baseline: FloatArray, pressure: FloatArray, rate: float
) -> FloatArray:
    """Relax hardship toward ``H* = clip(H0 + pressure, 0, 1)``: ``H + rate (H* - H)`` (in place).

    Args:
        hardship: current hardship H, updated in place.
        baseline: baseline hardship H0.
        pressure: shift of the target from baseline, per citizen.
        rate: share of the gap closed this month.

    Returns:
        ``hardship``, updated.

    """
    target = np.clip(baseline + pressure, 0.0, 1.0)
    hardship[:] = partial_adjustment(hardship, target, rate)
    return hardship


def sinophobia_inputs(
    config: Config,
    chinese_presence: FloatArray,
    china_contact: FloatArray,
    felt_land_salience: FloatArray | float,
    xinjiang_salience: float = 0.0,
    ethnic_kazakh: BoolArray | None = None,
) -> FloatArray:
    """Level of the Sinophobia input (BR8, LP2-LP3, LP6).

    ``c_pres * presence (1 - contact) - c_contact * contact + c_land * felt_land_salience
    + c_xj * xinjiang_salience * (1 + b_kz [ethnic Kazakh])``, with the land salience each citizen
    feels, amplified by Russian media (LP3; :func:`kzsim.dynamics.media_amplified`).
    """
    level = (
        config.sinophobia_presence_weight * chinese_presence * (1.0 - china_contact)
        - config.sinophobia_contact_weight * china_contact
        + config.sinophobia_land_weight * felt_land_salience
    )
    if xinjiang_salience > 0.0:
        boost = 0.0 if ethnic_kazakh is None else config.xinjiang_kazakh_boost * ethnic_kazakh
        level = level + config.sinophobia_xinjiang_weight * xinjiang_salience * (1.0 + boost)
    return level


def legitimacy_inputs(
    config: Config,
    hardship: FloatArray,
    baseline_hardship: FloatArray,
    repression: float,
    initial_repression: float,
) -> FloatArray:
    """Level of the legitimacy input: ``-c_h (H - H0) - c_r max(0, repression - repression0)``."""
    return -config.legitimacy_hardship_weight * (
        hardship - baseline_hardship
    ) - config.legitimacy_repression_weight * max(0.0, repression - initial_repression)


def eaeu_support_inputs(
    config: Config,
    price_pressure: float,
    threat_perception: float,
    russia_affinity: FloatArray,
    sanctions: float = 0.0,
) -> FloatArray:
    """Level of the EAEU-support input.

    ``c_a affinity - c_p price - c_t threat - c_s sanctions``.
    """
    return (
        config.eaeu_affinity_weight * russia_affinity
        - config.eaeu_price_weight * price_pressure
        - config.eaeu_threat_weight * threat_perception
        - config.eaeu_sanctions_weight * sanctions
    )


def russia_affinity_inputs(
    config: Config, russian_media: FloatArray, media_reach: float, threat_perception: float
) -> FloatArray:
    """Level of the Russia-affinity input.

    ``c_m russian_media media_reach - c_t threat (1 - d russian_media)``: Russian media raise
    affinity and damp the threat's effect on it (T L1771-1779).
    """
    return config.affinity_media_weight * media_reach * russian_media - (
        config.affinity_threat_weight
        * threat_perception
        * (1.0 - config.affinity_threat_media_damping * russian_media)
    )


class Rule(BaseRule[Config, State]):
    """Updates hardship and the four attitudes of every citizen.

    Order in a month: the felt Xinjiang salience; the regional hardship pressure and the fuel
    price; then one pass over the citizens (:func:`kzsim.kernels.opinion_month`): hardship, the
    four attitudes' inputs from this month's hardship and last month's attitudes, and one
    Friedkin-Johnsen step per attitude, written in place into the population arrays, which this
    rule owns (see :class:`State`). The kernel computes each input as its level now less its
    level in the state the anchors were drawn for, by the functions above
    (:func:`sinophobia_inputs`, ...), which are its reference (tests/rules/test_kernels.py).
    Other rules' state is read through the views declared in the contract's ``READS``.
    """

    def __init__(self, config: Config, model: KazakhstanModel) -> None:
        super().__init__(config, model)
        self.hardship_relaxation = rate_from_half_life(config.hardship_relaxation_half_life_months)
        self.hardship_adaptation = rate_from_half_life(config.hardship_adaptation_half_life_months)
        population = model.population
        regions = model.scenario.population.regions
        self.region_population = np.array(
            [float(region.population) for region in regions], dtype=np.float64
        )
        self.ethnic_kazakh: BoolArray = population.ethnicity == KAZAKH
        #: Multipliers of the land salience felt and of the fuel-price hardship, per region.
        self.land_lease_factor = land_lease_factor(config, model)
        self.fuel_region_factor = 1.0 + config.fuel_oil_region_boost * np.array(
            [region.oil_region for region in regions], dtype=np.float64
        )
        #: The fuel price people have adjusted to (LP7).
        self.fuel_reference = float(model.kazakhstan.fuel_price_index)
        #: Share of the log gap between the fuel price and its reference closed each month.
        self.fuel_adaptation = rate_from_half_life(config.fuel_adaptation_half_life_months)
        #: The hardship pressure people have adapted to, per region (start: today's).
        self.pressure_reference = self._hardship_pressure(model)
        #: Share of the felt Xinjiang salience kept each month, and last month's reported level.
        half_life = config.xinjiang_salience_half_life_months
        self.xinjiang_retention = 1.0 if half_life is None else retention_from_half_life(half_life)
        self.xinjiang_reported = float(model.kazakhstan.xinjiang_salience)
        self.state.xinjiang_felt_salience = self.xinjiang_reported
        #: Russian media amplify the land salience citizens feel (LP3): by the one parameter of
        #: it, which the land rule owns with the salience (read from its configuration until the
        #: land rule publishes the felt salience in its state).
        self.media_amplification = model.scenario.rules.land_protests.media_amplification
        #: Multiplies every attitude input: makes each weight a steady-state shift of the mean.
        self.input_scale = 1.0 / mean_field_gain(population.susceptibility)
        #: The state the anchors were drawn for: inputs are changes from their levels in it.
        self.baseline = self._national_inputs(model)
        self.initial_presence = self.read(bri.State).chinese_presence.copy()
        self.initial_affinity = population.russia_affinity.copy()
        self.initial_contact = population.china_contact.copy()
        #: Work space of the kernel: the four attitudes' next values.
        self.scratch = np.empty((population.size, len(ATTITUDES)))

    def _national_inputs(self, model: KazakhstanModel) -> dict[str, float]:
        """The nationwide quantities the attitude inputs read this month."""
        return {
            "land_salience": float(self.read(land.State).land_salience),
            "media_reach": float(model.russia.media_reach),
            "xinjiang": float(self.state.xinjiang_felt_salience),
            "price": float(self.read(tariff.State).price_pressure),
            "threat": float(self.read(reactions.State).threat_perception),
            "sanctions": float(model.drivers["sanctions_on_russia"]),
            "repression": float(self.read(land.State).repression),
        }

    def _coefficients(self, model: KazakhstanModel) -> FloatArray:
        """This month's scalars of :func:`kzsim.kernels.opinion_month`, in its index order."""
        config = self.config
        now = self._national_inputs(model)
        base = self.baseline
        values = np.zeros(kernels.OPINION_COEFFICIENTS)
        values[kernels.HARDSHIP_RATE] = self.hardship_relaxation
        values[kernels.PRESENCE_WEIGHT] = config.sinophobia_presence_weight
        values[kernels.CONTACT_WEIGHT] = config.sinophobia_contact_weight
        values[kernels.LAND_WEIGHT] = config.sinophobia_land_weight
        values[kernels.LAND_NOW] = now["land_salience"]
        values[kernels.LAND_BASE] = base["land_salience"]
        values[kernels.AMPLIFICATION] = self.media_amplification
        values[kernels.REACH_NOW] = now["media_reach"]
        values[kernels.REACH_BASE] = base["media_reach"]
        values[kernels.XINJIANG_WEIGHT] = config.sinophobia_xinjiang_weight
        values[kernels.XINJIANG_CHANGE] = now["xinjiang"] - base["xinjiang"]
        values[kernels.KAZAKH_BOOST] = config.xinjiang_kazakh_boost
        values[kernels.LEGITIMACY_HARDSHIP_WEIGHT] = config.legitimacy_hardship_weight
        values[kernels.REPRESSION_TERM] = config.legitimacy_repression_weight * max(
            0.0, now["repression"] - base["repression"]
        )
        values[kernels.AFFINITY_WEIGHT] = config.eaeu_affinity_weight
        values[kernels.EAEU_NATIONAL_CHANGE] = (
            config.eaeu_price_weight * (now["price"] - base["price"])
            + config.eaeu_threat_weight * (now["threat"] - base["threat"])
            + config.eaeu_sanctions_weight * (now["sanctions"] - base["sanctions"])
        )
        values[kernels.MEDIA_WEIGHT] = config.affinity_media_weight
        values[kernels.THREAT_WEIGHT] = config.affinity_threat_weight
        values[kernels.THREAT_CHANGE] = now["threat"] - base["threat"]
        values[kernels.THREAT_MEDIA_DAMPING] = config.affinity_threat_media_damping
        values[kernels.INPUT_SCALE] = self.input_scale
        return values

    def _hardship_pressure(self, model: KazakhstanModel) -> FloatArray:
        """This month's pressure on the hardship target, per region, before adaptation."""
        government = model.kazakhstan
        trade = self.read(tariff.State)
        jobs_per_capita = 1000.0 * self.read(bri.State).project_jobs / self.region_population
        pressure = regional_hardship_pressure(
            self.config, trade.trader_income_loss, trade.producer_pressure, jobs_per_capita
        )
        pressure += national_hardship_pressure(
            self.config,
            trade.price_pressure,
            government.budget_stress,
            model.drivers["sanctions_on_russia"],
        )
        return pressure

    def _fuel_shift(self, model: KazakhstanModel) -> FloatArray:
        """This month's fuel-price part of hardship per region; the fuel reference adapts."""
        government = model.kazakhstan
        rise = fuel_price_rise(
            government.fuel_price_index,
            self.fuel_reference,
            self.read(land.State).fuel_price_concession,
        )
        # The reference adapts toward the price people pay (less any rolled-back rise).
        paid = min(government.fuel_price_index, self.fuel_reference * (1.0 + rise))
        self.fuel_reference = adapt_geometric(self.fuel_reference, paid, self.fuel_adaptation)
        shift: FloatArray = self.config.hardship_fuel_weight * rise * self.fuel_region_factor
        return shift

    def _update_xinjiang(self, model: KazakhstanModel) -> None:
        """Renew the felt Xinjiang salience by rises of the reported one; let it fade otherwise."""
        reported = float(model.kazakhstan.xinjiang_salience)
        self.state.xinjiang_felt_salience = felt_salience(
            self.state.xinjiang_felt_salience,
            reported,
            self.xinjiang_reported,
            self.xinjiang_retention,
        )
        self.xinjiang_reported = reported

    def step(self, model: KazakhstanModel) -> None:
        """Update the felt Xinjiang salience, then every citizen's hardship and attitudes."""
        self._update_xinjiang(model)
        felt = adapted_pressure(
            self._hardship_pressure(model), self.pressure_reference, self.hardship_adaptation
        )
        fuel = self._fuel_shift(model)
        population = model.population
        network = population.network
        anchors = population.anchors
        kernels.opinion_month(
            population.starts,
            population.counts,
            self.ethnic_kazakh,
            population.russian_media,
            population.china_contact,
            self.initial_contact,
            population.susceptibility,
            population.hardship,
            population.baseline_hardship,
            population.fuel_hardship,
            population.sinophobia,
            population.legitimacy,
            population.eaeu_support,
            population.russia_affinity,
            anchors["sinophobia"],
            anchors["legitimacy"],
            anchors["eaeu_support"],
            anchors["russia_affinity"],
            self.initial_affinity,
            self.scratch,
            network.indptr,
            network.indices,
            network.data,
            felt,
            fuel,
            self.read(bri.State).chinese_presence,
            self.initial_presence,
            self.land_lease_factor,
            self._coefficients(model),
        )
