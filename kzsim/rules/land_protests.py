"""Land policy, protest and the government's response (LP1-LP7).

A land-policy state machine (closed, reform pending, in force, moratorium, ban) turns the approval
of the Land Code amendments (LP1: foreigners may lease farmland for 25 instead of 10 years; E L62;
P L270-271) into a jump in the public salience of land sales, read as a Chinese land grab (LP2;
E L62; P L271-273). Russian media exposure amplifies the salience a citizen feels (LP3; C L21), and
so do Chinese land leases in the west (T L1797; the opinion rule's ``land_lease_boost``).
Grievance follows Epstein (2002), ``G = H (1 - L)``, plus a land term weighted by Sinophobia; a
single protest engine decides who is active, in one of two variants: Epstein's civil-violence
rule (net risk from the estimated arrest probability) or a Granovetter (1978) threshold cascade
seeded by the citizens whose own net grievance clears the activation threshold. Protest is counted
in persons: each citizen carries the shares of the persons it stands for who protest and who are
in jail, the persons differing in net grievance by a logistic spread around the citizen's
(``tau`` 0 is Epstein's all-or-nothing rule; docs/decisions.md, "Protest in persons"). Protests
are "highly unusual" because meetings need permission (LP3; E L62): that is the repression term
and a threshold in the tail of the grievance distribution. A share of the protesters proportional
to repression is detained and sits out a jail term. A region whose protesters per 100,000 pass a
level is in a wave (land_protests_2016.csv); enough regions in a wave make the government answer
with a set of measures (LP4; C L38; P L273-277; LP7): a moratorium on the reform, an economic
concession (the fuel price caps restored in January 2022, a ``fuel_price_concession`` the opinion
rule reads), the dismissal of ministers (May 2016, January 2022: events_outside_seeds.csv), a
crackdown. At the moratorium's end the reform takes effect, or foreign land acquisition is banned
if Sinophobia is high (anti-Chinese sentiment led to a ban, C L71; O L50); a dated
``land_decision`` event brings that decision forward (the law of May 2021,
events_outside_seeds.csv). Anti-China and anti-government demands merge (LP5; C L39) because one
grievance carries both: the land term and a Xinjiang term (LP6; C L37-39; T L1844-1851). A wave
that is still nationwide once the government's crackdown has been felt escalates (LP7;
T L1443-1486), in the same month (the CSTO was called on 5-6 January 2022,
events_outside_seeds.csv): the government asks allies for troops (raising repression briefly and
Russia's ``csto_gratitude``, RL5; T L286-307) and removes the old guard (T L1933-1943,
L2002-2022), if Russia leads Kazakhstan's security engagement (T L2123-2125). Under the
response ``decide`` the government chooses its measures: each concession that its forecast, the
protest rule itself, says would take enough protesters off the streets, and a crackdown only if
the forecast under them still has a wave. A ``government_decision`` event replaces the
configured ``response`` or ``outside_help`` from its month on (the decision game).

References:
    domain-brief.md 3.3 (LP1-LP7) and 7; E L62; P L266-277; C L21, L37-39, L71; O L50;
    T L286-307, L1443-1486, L1797, L1844-1851, L1933-1943, L2002-2022;
    shared/data/events_outside_seeds.csv (2016-05-05, 2021-02-25, 2021-05-13, 2022-01-02,
    2022-01-05, 2022-01-06); fuel price caps of 6 January 2022:
    https://en.trend.az/casia/kazakhstan/3537233.html.
    Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach.
    PNAS 99 (suppl. 3), 7243-7250. Granovetter, M. (1978). Threshold models of collective
    behavior. American Journal of Sociology 83(6), 1420-1443.

"""

from __future__ import annotations

from collections import deque
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.special import expit

from kzsim import kernels
from kzsim.contracts import multi_vector, opinion
from kzsim.contracts.land_protests import CONCESSIONS, MEASURES, Config, State
from kzsim.contracts.opinion import RegionalHit, land_lease_factor
from kzsim.dynamics import media_amplified, retention_from_half_life
from kzsim.months import format_month, parse_month
from kzsim.rules.base import Rule as BaseRule

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel
    from kzsim.scenario.schema import GovernmentDecision

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Persons per 100,000: the unit of the wave level and the crowd scale.
PER_100K = 100_000.0


class LandPolicy(IntEnum):
    """Codes of the state's ``land_policy_state``."""

    CLOSED = 0
    REFORM_PENDING = 1
    IN_FORCE = 2
    MORATORIUM = 3
    BAN = 4


def grievance(
    hardship: FloatArray,
    legitimacy: FloatArray,
    sinophobia: FloatArray,
    felt: FloatArray | float,
    land_weight: float,
    xinjiang_salience: float = 0.0,
    xinjiang_weight: float = 0.0,
) -> FloatArray:
    """Epstein's grievance plus the anti-China terms: land and Xinjiang (LP2, LP5, LP6).

    Args:
        hardship: H, 0-1.
        legitimacy: perceived legitimacy L, 0-1.
        sinophobia: s, 0-1.
        felt: felt land salience (per citizen or one value).
        land_weight: w_land.
        xinjiang_salience: X, national salience of the Xinjiang detentions, 0-1.
        xinjiang_weight: w_xj.

    Returns:
        ``H (1 - L) + (w_land * felt + w_xj * X) * s``.

    """
    anti_china = land_weight * felt + xinjiang_weight * xinjiang_salience
    return hardship * (1.0 - legitimacy) + anti_china * sinophobia


def soft_step(x: FloatArray, spread: float) -> FloatArray:
    """Share of persons whose net grievance clears the bar: ``sigma(x / tau)``; a step at tau 0.

    Args:
        x: a citizen's mean net grievance minus the bar, per citizen.
        spread: tau, the logistic scale of the persons' deviations around that mean.

    Returns:
        ``expit(x / tau)``, or ``1[x > 0]`` when ``tau`` is 0 (Epstein's binary rule).

    """
    if spread == 0.0:
        step: FloatArray = (x > 0.0).astype(np.float64)
        return step
    share: FloatArray = expit(x / spread)
    return share


def arrest_probability(
    repression: float,
    neighbour_active: FloatArray,
    arrest_constant: float,
    min_active: float,
    crowd: float = 1.0,
) -> FloatArray:
    """Epstein's estimated arrest probability with repression as the cop-to-active ratio.

    Args:
        repression: state repression intensity, 0-1.
        neighbour_active: active share of the persons among each citizen's ties, 0-1.
        arrest_constant: k (2.3 in Epstein 2002).
        min_active: floor on the active share in crowd units (a lone activist counts himself).
        crowd: the active share that counts as one unit (1 in Epstein 2002).

    Returns:
        ``1 - exp(-k * repression / max(a / crowd, a_min))``.

    """
    ratio = repression / np.maximum(neighbour_active / crowd, min_active)
    return -np.expm1(-arrest_constant * ratio)


def epstein_active(
    grievance_values: FloatArray,
    risk_aversion: FloatArray,
    arrest_prob: FloatArray,
    threshold: float,
    jailed: FloatArray | BoolArray,
    spread: float = 0.0,
) -> FloatArray:
    """Epstein's activation rule over the persons a citizen stands for.

    The persons whose net grievance clears the bar are a share ``sigma((G - R P - T) / tau)``
    of the citizen's persons; the jailed are the top of that distribution (they protested), so
    the active share is what clears the bar less the jailed share.

    Args:
        grievance_values: G per citizen.
        risk_aversion: R per citizen, 0-1.
        arrest_prob: estimated arrest probability P per citizen.
        threshold: activation threshold T.
        jailed: share of each citizen's persons in jail (or a boolean mask of jailed citizens).
        spread: tau; 0 gives Epstein's rule, free citizens active if ``G - R P > T``.

    Returns:
        Active share per citizen: ``max(0, sigma((G - R P - T) / tau) - jailed)``.

    """
    net = grievance_values - risk_aversion * arrest_prob - threshold
    active: FloatArray = np.maximum(0.0, soft_step(net, spread) - jailed)
    return active


def threshold_cascade(
    network: sp.csr_matrix,
    previous_active: FloatArray | BoolArray,
    self_starters: FloatArray | BoolArray,
    followers: FloatArray | BoolArray,
    thresholds: FloatArray,
    rounds: int,
    crowd: float = 1.0,
) -> FloatArray:
    """Granovetter threshold contagion on the network, a fixed number of synchronous rounds.

    The month starts from the self-starters plus last month's actives who still qualify as
    followers; in each round a citizen's active share is its self-starters' share, or its
    potential followers' share if the active share among its ties (from the previous round, in
    crowd units) is at least its threshold. With 0/1 shares and ``crowd`` 1 this is Granovetter's
    (1978) binary cascade.

    Args:
        network: row-normalised tie matrix W.
        previous_active: active share per citizen last month.
        self_starters: share of each citizen's persons whose own net grievance clears T.
        followers: share of each citizen's free persons with ``G > g_min``, who may join.
        thresholds: Granovetter threshold per citizen, in crowd units.
        rounds: synchronous rounds to iterate.
        crowd: the active share that counts as one unit (1 in Granovetter 1978).

    Returns:
        Active share per citizen after the last round.

    """
    starters = np.asarray(self_starters, dtype=np.float64)
    eligible = np.asarray(followers, dtype=np.float64)
    active = np.maximum(starters, np.minimum(previous_active, eligible))
    for _ in range(rounds):
        share = np.asarray(network @ active) / crowd
        active = np.maximum(starters, np.where(share >= thresholds, eligible, 0.0))
    result: FloatArray = active
    return result


def decide_land_question(
    state: LandPolicy, sinophobia_mean: float, ban_threshold: float
) -> LandPolicy:
    """The government's decision on foreign land leases (LP4; C L71; O L50).

    A ban on foreign acquisition when national Sinophobia is above the threshold; otherwise a
    moratorium is lifted (the reform is pending again) and any other state is left as it is.

    Args:
        state: current state.
        sinophobia_mean: national mean Sinophobia, 0-1.
        ban_threshold: Sinophobia level above which foreign acquisition is banned.

    Returns:
        The state after the decision.

    """
    if state is LandPolicy.BAN or sinophobia_mean > ban_threshold:
        return LandPolicy.BAN
    if state is LandPolicy.MORATORIUM:
        return LandPolicy.REFORM_PENDING
    return state


def advance_land_policy(
    state: LandPolicy,
    month: int,
    effective_month: int | None,
    moratorium_end_month: int | None,
    sinophobia_mean: float,
    ban_threshold: float,
    decision_due: bool = False,
) -> LandPolicy:
    """Return the land-policy state after this month's dated transitions.

    Approval (closed -> reform pending) happens once a ``land_reform`` event has given an
    effective month. When a moratorium ends, or a dated decision is due, the government decides
    the land question (:func:`decide_land_question`): a ban if national Sinophobia is above the
    threshold. A pending reform comes into force at its effective month. Concession is the
    response's transition, not a dated one.

    Args:
        state: current state.
        month: current month index.
        effective_month: the reform's effective month, or None before approval.
        moratorium_end_month: month the moratorium ends, or None.
        sinophobia_mean: national mean Sinophobia, 0-1.
        ban_threshold: Sinophobia level above which the land question ends in a ban.
        decision_due: a ``land_decision`` event fired this month.

    Returns:
        The new state.

    """
    if state is LandPolicy.CLOSED and effective_month is not None:
        state = LandPolicy.REFORM_PENDING
    moratorium_over = moratorium_end_month is not None and month >= moratorium_end_month
    if decision_due or (state is LandPolicy.MORATORIUM and moratorium_over):
        state = decide_land_question(state, sinophobia_mean, ban_threshold)
    if (
        state is LandPolicy.REFORM_PENDING
        and effective_month is not None
        and month >= effective_month
    ):
        state = LandPolicy.IN_FORCE
    return state


class Rule(BaseRule[Config, State]):
    """Land policy state machine, protest engine (Epstein or threshold), government response.

    Order in a month: decay salience, the fuel concession and the repression added by crackdowns
    and allied troops; release a share of the jailed; take this month's land events and advance
    the land policy; grievance; activation; regional waves; response, then escalation of a
    nationwide wave (in the same month if it outlasts this month's crackdown); detentions at the
    month's final repression.
    """

    def __init__(self, config: Config, model: KazakhstanModel) -> None:
        super().__init__(config, model)
        #: Effective month of the approved land reform (the latest ``land_reform`` event).
        self.reform_effective_month: int | None = None
        self.moratorium_end_month: int | None = None
        #: Repression added by crackdowns and not yet decayed (events' changes never decay).
        self.crackdown_excess = 0.0
        #: Repression added by allied troops and not yet decayed.
        self.help_excess = 0.0
        self.wave_months = 0
        #: The month each measure was last taken (a measure is not repeated within the cooldown).
        self.last_taken: dict[str, int] = {}
        #: The measures taken against the current wave.
        self.wave_measures: set[str] = set()
        self.last_escalation_month: int | None = None
        #: Month of the government's crackdown on the current wave, if any.
        self.wave_crackdown_month: int | None = None
        #: The fuel price index of the last ``fuel_rise_window_months`` months, oldest first.
        self.fuel_prices: deque[float] = deque(maxlen=config.fuel_rise_window_months)
        #: The government's answer to waves and its request for allied troops: the
        #: configuration's until a ``government_decision`` event replaces them.
        self.response = config.response
        self.outside_help = config.outside_help
        self._salience_retention = retention_from_half_life(config.salience_half_life_months)
        self._crackdown_retention = retention_from_half_life(config.crackdown_half_life_months)
        self._help_retention = retention_from_half_life(config.outside_help_half_life_months)
        self._fuel_retention = retention_from_half_life(config.fuel_concession_half_life_months)
        self._crowd = config.crowd_per_100k / PER_100K
        self._release = 1.0 / config.mean_jail_months
        #: Felt land salience is one quantity for protest and Sinophobia: the opinion rule's
        #: boost in regions with Chinese land leases (T L1797) applies here too.
        self._lease_factor = land_lease_factor(model.scenario.rules.opinion, model)
        #: This month's active share of each citizen's persons, before detentions.
        self.new_active: FloatArray = np.zeros(model.population.size)

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""
        self.state.land_salience *= self._salience_retention
        self.state.fuel_price_concession *= self._fuel_retention
        self.crackdown_excess = self._decay_repression(
            self.crackdown_excess, self._crackdown_retention
        )
        self.help_excess = self._decay_repression(self.help_excess, self._help_retention)
        self.fuel_prices.append(model.kazakhstan.fuel_price_index)
        self._advance_policy(model)
        self._activate(model)
        self._waves(model)
        self._respond(model)
        self._escalate(model)
        self._detain(model)

    def _decay_repression(self, excess: float, retention: float) -> float:
        """Let repression added by this rule fall back by its monthly decay; return the rest."""
        if excess <= 0.0:
            return excess
        fall = excess * (1.0 - retention)
        self.state.repression = max(0.0, self.state.repression - fall)
        return excess - fall

    def _shift_legitimacy(self, model: KazakhstanModel, gain: float) -> None:
        """Add ``gain`` to every citizen's legitimacy through its owner's channel (opinion)."""
        everyone = RegionalHit(0, model.population.size, -gain)
        self.channel("citizens.legitimacy").post(self.name, everyone)

    def _take_land_events(self, model: KazakhstanModel) -> bool:
        """Note the effective month of this month's ``land_reform`` event, if any (LP1).

        A ``government_decision`` event's answer to waves and request for troops are taken too.

        Returns:
            Whether a ``land_decision`` event fired this month (LP4).

        """
        decision_due = False
        for event in model.events.fired_this_month:
            if event.kind == "land_reform":
                assert event.effective is not None
                self.reform_effective_month = parse_month(event.effective)
            decision_due = decision_due or event.kind == "land_decision"
            if event.decision is not None:
                self._obey(event.decision)
        return decision_due

    def _obey(self, decision: GovernmentDecision) -> None:
        """Take the government's answer to waves and its request for troops from a decision."""
        if decision.protest_response is not None:
            self.response = decision.protest_response
        if decision.outside_help is not None:
            self.outside_help = decision.outside_help

    def _advance_policy(self, model: KazakhstanModel) -> None:
        state = self.state
        decision_due = self._take_land_events(model)
        before = LandPolicy(state.land_policy_state)
        if before is LandPolicy.BAN:
            return
        moratorium_over = (
            before is LandPolicy.MORATORIUM
            and self.moratorium_end_month is not None
            and model.month >= self.moratorium_end_month
        )
        deciding = decision_due or moratorium_over
        sinophobia = float(model.population.sinophobia.mean()) if deciding else 0.0
        after = advance_land_policy(
            before,
            model.month,
            self.reform_effective_month,
            self.moratorium_end_month,
            sinophobia,
            self.config.ban_sinophobia_threshold,
            decision_due,
        )
        if before is LandPolicy.CLOSED and after is not LandPolicy.CLOSED:
            state.land_salience = min(1.0, state.land_salience + self.config.salience_jump)
        if before is LandPolicy.MORATORIUM and after is not LandPolicy.MORATORIUM:
            self.moratorium_end_month = None
        if after is LandPolicy.BAN:
            model.log_event(
                "land_policy",
                "kazakhstan",
                f"ban on foreign acquisition of farmland (mean Sinophobia {sinophobia:.2f})",
            )
        elif before is LandPolicy.MORATORIUM and after is not LandPolicy.MORATORIUM:
            model.log_event("land_policy", "kazakhstan", "land moratorium ends")
        if after is LandPolicy.IN_FORCE and before is not LandPolicy.IN_FORCE:
            model.log_event(
                "land_policy",
                "kazakhstan",
                "land reform in force: foreigners may lease farmland for up to 25 years",
            )
        state.land_policy_state = int(after)

    def _felt_salience(self, model: KazakhstanModel) -> FloatArray | float:
        """The land salience each citizen feels: amplified by Russian media and leases."""
        salience = self.state.land_salience
        if salience == 0.0:
            return 0.0
        population = model.population
        felt: FloatArray = (
            media_amplified(
                salience,
                population.russian_media,
                model.russia.media_reach,
                self.config.media_amplification,
            )
            * self._lease_factor[population.region]
        )
        return felt

    def _activate(self, model: KazakhstanModel) -> None:
        """Release a share of the jailed; each citizen's active share of its persons this month.

        Writes ``self.new_active`` and the participants per region (before detentions); the
        Epstein engine runs as one pass (:func:`kzsim.kernels.protest_month`, tested against
        :func:`grievance`, :func:`arrest_probability` and :func:`epstein_active`).
        """
        population = model.population
        config = self.config
        xinjiang = self.read(opinion.State).xinjiang_felt_salience
        if config.engine == "epstein":
            coefficients = np.zeros(kernels.PROTEST_COEFFICIENTS)
            coefficients[kernels.RELEASE_KEEP] = 1.0 - self._release
            coefficients[kernels.SALIENCE] = self.state.land_salience
            coefficients[kernels.P_AMPLIFICATION] = config.media_amplification
            coefficients[kernels.P_REACH] = model.russia.media_reach
            coefficients[kernels.P_LAND_WEIGHT] = config.land_weight
            coefficients[kernels.P_XINJIANG_TERM] = config.xinjiang_weight * xinjiang
            coefficients[kernels.REPRESSION] = self.state.repression
            coefficients[kernels.ARREST_CONSTANT] = config.arrest_constant
            coefficients[kernels.MIN_ACTIVE] = config.min_active_share
            coefficients[kernels.CROWD] = self._crowd
            coefficients[kernels.THRESHOLD] = config.activation_threshold
            coefficients[kernels.SPREAD] = config.activation_spread
            network = population.network
            kernels.protest_month(
                population.starts,
                population.counts,
                population.russian_media,
                population.hardship,
                population.legitimacy,
                population.sinophobia,
                population.risk_aversion,
                population.active,
                population.jailed,
                network.indptr,
                network.indices,
                network.data,
                self._lease_factor,
                coefficients,
                self.new_active,
                self.state.participants,
            )
            return
        population.jailed *= 1.0 - self._release
        self.new_active[:] = self._reference_active(
            model, self._felt_salience(model), population.hardship, population.legitimacy
        )
        kernels.region_sums(
            population.starts, population.counts, self.new_active, self.state.participants
        )

    def _reference_active(
        self,
        model: KazakhstanModel,
        felt: FloatArray | float,
        hardship: FloatArray,
        legitimacy: FloatArray,
    ) -> FloatArray:
        """This month's active share per citizen by the numpy equations, the jailed released.

        The threshold engine's month, and the government's forecast of the protest under other
        felt salience, hardship or legitimacy (:meth:`_forecast`). For the Epstein engine it is
        the reference of :func:`kzsim.kernels.protest_month`.
        """
        population = model.population
        config = self.config
        g = grievance(
            hardship,
            legitimacy,
            population.sinophobia,
            felt,
            config.land_weight,
            self.read(opinion.State).xinjiang_felt_salience,
            config.xinjiang_weight,
        )
        jailed = population.jailed
        if config.engine == "epstein":
            nearby: FloatArray = population.network @ population.active
            risk = arrest_probability(
                self.state.repression,
                nearby,
                config.arrest_constant,
                config.min_active_share,
                self._crowd,
            )
            return epstein_active(
                g,
                population.risk_aversion,
                risk,
                config.activation_threshold,
                jailed,
                config.activation_spread,
            )
        lone = float(
            arrest_probability(
                self.state.repression, np.zeros(1), config.arrest_constant, config.min_active_share
            )[0]
        )
        starters = epstein_active(
            g,
            population.risk_aversion,
            np.full(1, lone),
            config.activation_threshold,
            jailed,
            config.activation_spread,
        )
        eligible = soft_step(g - config.follower_min_grievance, config.activation_spread)
        followers = np.maximum(0.0, eligible - jailed)
        return threshold_cascade(
            population.network,
            population.active,
            starters,
            followers,
            population.protest_threshold,
            config.contagion_rounds,
            self._crowd,
        )

    def _detention_rate(self) -> float:
        """Monthly share of the active persons detained at the current repression."""
        return min(1.0, self.config.arrest_rate_per_repression * self.state.repression)

    def _detain(self, model: KazakhstanModel) -> None:
        """Detain a share of the active persons proportional to repression.

        Writes the citizens' active (free actives at the month's end) and jailed shares, and this
        month's detentions per region, in citizen-equivalents.
        """
        population = model.population
        kernels.detain(
            population.starts,
            population.counts,
            self.new_active,
            self._detention_rate(),
            population.active,
            population.jailed,
            self.state.arrests,
        )

    def _wave_regions(self, model: KazakhstanModel, participants: FloatArray) -> BoolArray:
        """The regions whose persons active per 100,000 exceed the wave level.

        Args:
            model: the model.
            participants: active persons per region, in citizen-equivalents.

        """
        counts = model.population.counts
        share = np.divide(participants, counts, out=np.zeros(counts.size), where=counts > 0)
        in_wave: BoolArray = share * PER_100K > self.config.wave_per_100k
        return in_wave

    def _waves(self, model: KazakhstanModel) -> None:
        """Mark the regions in a wave this month; log the new waves."""
        in_wave = self._wave_regions(model, self.state.participants)
        started = in_wave & (self.state.in_wave == 0.0)
        for public, new in zip(model.publics, started, strict=True):
            if new:
                model.log_event("protest", "citizens", f"protests in {public.region.name}")
        self.state.in_wave[:] = in_wave
        self.state.regions_in_wave = int(in_wave.sum())

    def _available(self, model: KazakhstanModel) -> frozenset[str]:
        """The measures the government can take this month (LP4).

        The moratorium while a reform is pending or in force; the fuel concession while the fuel
        price is above its low of the window; none that was taken within the cooldown.
        """
        month = model.month
        cooldown = self.config.response_cooldown_months
        policy = LandPolicy(self.state.land_policy_state)
        possible = {"dismissal", "crackdown"}
        if policy in (LandPolicy.REFORM_PENDING, LandPolicy.IN_FORCE):
            possible.add("moratorium")
        if self.fuel_prices[-1] > min(self.fuel_prices):
            possible.add("fuel")
        return frozenset(
            measure
            for measure in possible
            if measure not in self.last_taken or month - self.last_taken[measure] >= cooldown
        )

    def _forecast(
        self, model: KazakhstanModel, measures: frozenset[str], felt: FloatArray | float
    ) -> FloatArray:
        """Persons active per region this month had the concessions ``measures`` been in force.

        The government's forecast (LP4): the same protest rule with the land salience the
        moratorium leaves of this month's ``felt`` salience, the fuel hardship the price cap
        takes away, and the legitimacy the concessions add; repression and last month's
        protesters as they are.
        """
        config = self.config
        population = model.population
        hardship = population.hardship
        gain = 0.0
        if "moratorium" in measures:
            felt = felt * (1.0 - config.concession_salience_cut)
            gain += config.concession_legitimacy_gain
        if "fuel" in measures:
            cut = config.fuel_concession_share * population.fuel_hardship
            hardship = np.maximum(0.0, hardship - cut)
        if "dismissal" in measures:
            gain += config.dismissal_legitimacy_gain
        legitimacy = np.minimum(1.0, population.legitimacy + gain)
        active = self._reference_active(model, felt, hardship, legitimacy)
        participants = np.zeros(population.counts.size)
        kernels.region_sums(population.starts, population.counts, active, participants)
        return participants

    def _decide(self, model: KazakhstanModel, available: frozenset[str]) -> frozenset[str]:
        """The government's choice of measures against a wave (LP4; C L38; T L1443-1457).

        Each concession available (moratorium, fuel price cap, dismissal) is made if the
        forecast says it alone would take at least ``concession_min_effect`` of the protesters
        off the streets; the crackdown follows if the forecast under the concessions made still
        has a wave in ``wave_regions`` regions (C L38: suppressed, and at the same time a
        moratorium).
        """
        config = self.config
        felt = self._felt_salience(model)
        now = float(self.state.participants.sum())  # a wave: more than nobody
        chosen: frozenset[str] = frozenset(
            measure
            for measure in available & CONCESSIONS
            if 1.0 - float(self._forecast(model, frozenset({measure}), felt).sum()) / now
            >= config.concession_min_effect
        )
        remaining = self._forecast(model, chosen, felt) if chosen else self.state.participants
        still = int(self._wave_regions(model, remaining).sum()) >= config.wave_regions
        if "crackdown" in available and still:
            chosen |= {"crackdown"}
        return chosen

    def _respond(self, model: KazakhstanModel) -> None:
        """Answer a multi-region wave with measures (LP4; C L38; P L273-277).

        The measures are the government's choice (:meth:`_decide`) under the response
        ``decide``, or the response's set: the land moratorium, an economic concession on fuel
        prices, the dismissal of ministers, a crackdown, each if available (:meth:`_available`).
        """
        config = self.config
        state = self.state
        regions = state.regions_in_wave
        self.wave_months = self.wave_months + 1 if regions >= config.wave_regions else 0
        if self.wave_months == 0:
            self.wave_crackdown_month = None
            self.wave_measures.clear()
        if self.wave_months <= config.response_lag_months:
            return
        available = self._available(model)
        if self.response == "decide":
            measures = self._decide(model, available)
        else:
            measures = MEASURES[self.response] & available
        if "moratorium" in measures:
            state.land_policy_state = int(LandPolicy.MORATORIUM)
            self.moratorium_end_month = model.month + config.moratorium_months
            state.land_salience *= 1.0 - config.concession_salience_cut
            self._shift_legitimacy(model, config.concession_legitimacy_gain)
            model.log_event(
                "moratorium",
                "kazakhstan",
                f"moratorium declared after protests in {regions} regions, until "
                f"{format_month(self.moratorium_end_month)}",
            )
        if "fuel" in measures:
            state.fuel_price_concession = config.fuel_concession_share
            model.log_event(
                "economic_concession",
                "kazakhstan",
                f"fuel price caps restored after protests in {regions} regions",
            )
        if "dismissal" in measures:
            self._shift_legitimacy(model, config.dismissal_legitimacy_gain)
            model.log_event(
                "dismissal",
                "kazakhstan",
                f"ministers dismissed after protests in {regions} regions",
            )
        if "crackdown" in measures:
            added = min(config.crackdown_step, 1.0 - state.repression)
            state.repression += added
            self.crackdown_excess += added
            self._shift_legitimacy(model, -config.crackdown_legitimacy_cost)
            self.wave_crackdown_month = model.month
            model.log_event("crackdown", "kazakhstan", "crackdown: mass detentions")
        for measure in measures:
            self.last_taken[measure] = model.month
        self.wave_measures |= measures

    def _outlasts_crackdown(self, model: KazakhstanModel) -> bool:
        """Whether the wave is nationwide after this wave's crackdown has been felt.

        After a crackdown in an earlier month: this month's wave. After a crackdown this month:
        the protesters left in the street once the raised repression's detentions are taken
        out, so that troops can come in the month of the wave.
        """
        crackdown = self.wave_crackdown_month
        nationwide = self.config.nationwide_regions
        if crackdown is None or self.state.regions_in_wave < nationwide:
            return False
        if crackdown < model.month:
            return True
        left = self.state.participants * (1.0 - self._detention_rate())
        return int(self._wave_regions(model, left).sum()) >= nationwide

    def _escalate(self, model: KazakhstanModel) -> None:
        """A wave still nationwide after a crackdown: allied troops, elite change (LP7).

        The government asks its allies for troops (the CSTO's Article 4; T L1464-1478; called on
        5-6 January 2022, events_outside_seeds.csv): their repression is added for a short time
        and Russia gains ``csto_gratitude`` (RL5; T L286-305), posted to its owner's channel.
        Troops are asked for only while Russia leads Kazakhstan's security engagement
        (:meth:`_russia_leads_security`). Under a response with a concession (under ``decide``:
        after a concession against this wave) the government also removes the old guard and
        announces reform, a legitimacy gain (T L1933-1943, L2002-2022).
        """
        config = self.config
        state = self.state
        if (
            self.last_escalation_month is not None
            and model.month - self.last_escalation_month < config.response_cooldown_months
        ):
            return
        if not self._outlasts_crackdown(model):
            return
        regions = state.regions_in_wave
        escalated = False
        if self.outside_help and self._russia_leads_security():
            added = min(config.outside_help_repression, 1.0 - state.repression)
            state.repression += added
            self.help_excess += added
            gratitude = self.channel("russian_reactions.csto_gratitude")
            gratitude.post(self.name, config.csto_gratitude_step)
            model.log_event(
                "outside_help",
                "russia",
                f"allied (CSTO) troops deployed at the government's request after protests in "
                f"{regions} regions outlasted a crackdown (T L1464-1478)",
            )
            escalated = True
        conceding = self.wave_measures if self.response == "decide" else MEASURES[self.response]
        if conceding & CONCESSIONS:
            self._shift_legitimacy(model, config.elite_change_legitimacy_gain)
            model.log_event(
                "elite_change",
                "kazakhstan",
                "old guard removed, reforms announced (T L1933-1943)",
            )
            escalated = True
        if escalated:
            self.last_escalation_month = model.month

    def _russia_leads_security(self) -> bool:
        """Whether Russia has the largest security engagement, the ally troops are asked from.

        The CSTO is Russia's alliance (T L1464-1478), and Kazakhstan asks it because Russia
        "holds the upper hand" in its security (T L2123-2125): the multi-vector rule's
        engagement, not a constant.
        """
        engagement = self.read(multi_vector.State)
        russia = engagement.engagement_russia_security
        return russia >= max(
            engagement.engagement_china_security, engagement.engagement_west_security
        )
