"""Land policy, protest and the government's response (LP1-LP7).

A land-policy state machine (closed, reform pending, in force, moratorium, ban) turns the approval
of the Land Code amendments (LP1: foreigners may lease farmland for 25 instead of 10 years; E L62;
P L270-271) into a jump in the public salience of land sales, read as a Chinese land grab (LP2;
E L62; P L271-273). Russian media exposure amplifies the salience a citizen feels (LP3; C L21).
Grievance follows Epstein (2002), ``G = H (1 - L)``, plus a land term weighted by Sinophobia; a
single protest engine decides who is active, in one of two variants: Epstein's civil-violence
rule (net risk from the estimated arrest probability) or a Granovetter (1978) threshold cascade
seeded by the citizens whose own net grievance clears the activation threshold. Protests are rare
because meetings need permission (LP3; E L62): that is the repression term. Active citizens are
detained at a rate proportional to repression and sit out a jail term. A region whose active
share passes a level is in a wave; enough regions in a wave make the government respond (LP4;
C L38; P L273-277): a moratorium on the reform, a crackdown, or both. At the moratorium's end the
reform takes effect, or foreign land acquisition is banned if Sinophobia stays high (C L71; O L50);
a dated ``land_decision`` event brings that decision forward (the 2021 ban). Anti-China and
anti-government demands merge (LP5; C L39) because one grievance carries both: the land term and a
Xinjiang term (LP6; C L37-39; T L1844-1851). A wave that is still nationwide after the government's
own crackdown escalates (LP7; T L1443-1486): the government asks allies for troops (the CSTO,
raising repression briefly and Russia's ``csto_gratitude``, RL5; T L286-307) and answers with elite
change and reform (T L1933-1943, L2002-2022). A ``government_decision`` event replaces the
configured ``response`` or ``outside_help`` from its month on (the decision game).

References:
    domain-brief.md 3.3 (LP1-LP7) and 7; E L62; P L266-277; C L21, L37-39, L71; O L50;
    T L286-307, L1443-1486, L1844-1851, L1933-1943, L2002-2022.
    Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach.
    PNAS 99 (suppl. 3), 7243-7250. Granovetter, M. (1978). Threshold models of collective
    behavior. American Journal of Sociology 83(6), 1420-1443.

"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from kzsim.contracts.land_protests import Config, State
from kzsim.contracts.opinion import RegionalHit
from kzsim.dynamics import media_amplified, retention_from_half_life
from kzsim.months import format_month, parse_month
from kzsim.rules.base import Rule as BaseRule

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel
    from kzsim.scenario.schema import GovernmentDecision

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


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


def arrest_probability(
    repression: float, neighbour_active: FloatArray, arrest_constant: float, min_active: float
) -> FloatArray:
    """Epstein's estimated arrest probability with repression as the cop-to-active ratio.

    Args:
        repression: state repression intensity, 0-1.
        neighbour_active: active share among each citizen's ties, 0-1.
        arrest_constant: k (2.3 in Epstein 2002).
        min_active: floor on the active share (a lone activist counts himself).

    Returns:
        ``1 - exp(-k * repression / max(a, a_min))``.

    """
    ratio = repression / np.maximum(neighbour_active, min_active)
    return -np.expm1(-arrest_constant * ratio)


def epstein_active(
    grievance_values: FloatArray,
    risk_aversion: FloatArray,
    arrest_prob: FloatArray,
    threshold: float,
    free: BoolArray,
) -> BoolArray:
    """Epstein's activation rule: free citizens with ``G - R P > T`` are active.

    Args:
        grievance_values: G per citizen.
        risk_aversion: R per citizen, 0-1.
        arrest_prob: estimated arrest probability P per citizen.
        threshold: activation threshold T.
        free: citizens not in jail.

    Returns:
        Boolean array of active citizens.

    """
    active: BoolArray = (grievance_values - risk_aversion * arrest_prob > threshold) & free
    return active


def threshold_cascade(
    network: sp.csr_matrix,
    previous_active: BoolArray,
    self_starters: BoolArray,
    followers: BoolArray,
    thresholds: FloatArray,
    rounds: int,
) -> BoolArray:
    """Granovetter threshold contagion on the network, a fixed number of synchronous rounds.

    The month starts from the self-starters plus last month's actives who still qualify as
    followers; in each round a citizen is active if a self-starter, or a potential follower whose
    active share among ties (from the previous round) is at least her threshold.

    Args:
        network: row-normalised tie matrix W.
        previous_active: active citizens last month.
        self_starters: citizens whose own net grievance clears T (already free).
        followers: free citizens with ``G > g_min`` who may join by contagion.
        thresholds: Granovetter threshold per citizen, share 0-1.
        rounds: synchronous rounds to iterate.

    Returns:
        Boolean array of active citizens after the last round.

    """
    active = self_starters | (previous_active & followers)
    for _ in range(rounds):
        share = np.asarray(network @ active.astype(np.float64))
        active = self_starters | (followers & (share >= thresholds))
    return active


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

    Order in a month: decay salience and the repression added by crackdowns and allied troops;
    count down jail terms; take this month's land events and advance the land policy;
    grievance; activation; detentions; regional waves; response, then escalation of a
    nationwide wave.
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
        self.last_response_month: int | None = None
        self.last_escalation_month: int | None = None
        #: Month of the government's crackdown on the current wave, if any.
        self.wave_crackdown_month: int | None = None
        #: The government's answer to waves and its request for allied troops: the
        #: configuration's until a ``government_decision`` event replaces them.
        self.response = config.response
        self.outside_help = config.outside_help
        self._salience_retention = retention_from_half_life(config.salience_half_life_months)
        self._crackdown_retention = retention_from_half_life(config.crackdown_half_life_months)
        self._help_retention = retention_from_half_life(config.outside_help_half_life_months)

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""
        population = model.population
        self.state.land_salience *= self._salience_retention
        self.crackdown_excess = self._decay_repression(
            self.crackdown_excess, self._crackdown_retention
        )
        self.help_excess = self._decay_repression(self.help_excess, self._help_retention)
        jail = population.jail_months
        np.subtract(jail, 1, out=jail, where=jail > 0)
        self._advance_policy(model)
        free = jail == 0
        active = self._activate(model, free)
        self._detain(model, active)
        self._waves(model)
        self._respond(model)
        self._escalate(model)

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

    def _grievance(self, model: KazakhstanModel) -> FloatArray:
        population = model.population
        config = self.config
        salience = self.state.land_salience
        felt: FloatArray | float = 0.0
        if salience > 0.0:  # felt salience: amplified by Russian media (LP3; C L21)
            felt = media_amplified(
                salience,
                population.russian_media,
                model.russia.media_reach,
                config.media_amplification,
            )
        return grievance(
            population.hardship,
            population.legitimacy,
            population.sinophobia,
            felt,
            config.land_weight,
            model.kazakhstan.xinjiang_salience,
            config.xinjiang_weight,
        )

    def _activate(self, model: KazakhstanModel, free: BoolArray) -> BoolArray:
        population = model.population
        config = self.config
        repression = self.state.repression
        g = self._grievance(model)
        if config.engine == "epstein":
            nearby = population.neighbour_mean(population.active)
            p = arrest_probability(
                repression, nearby, config.arrest_constant, config.min_active_share
            )
            return epstein_active(g, population.risk_aversion, p, config.activation_threshold, free)
        lone = float(
            arrest_probability(
                repression, np.zeros(1), config.arrest_constant, config.min_active_share
            )[0]
        )
        starters = epstein_active(
            g, population.risk_aversion, np.full(1, lone), config.activation_threshold, free
        )
        followers = free & (g > config.follower_min_grievance)
        return threshold_cascade(
            population.network,
            population.active,
            starters,
            followers,
            population.protest_threshold,
            config.contagion_rounds,
        )

    def _detain(self, model: KazakhstanModel, active: BoolArray) -> None:
        """Detain active citizens at a rate proportional to repression.

        Writes the citizens' active and jail arrays and this month's arrests per region.
        """
        population = model.population
        rate = min(1.0, self.config.arrest_rate_per_repression * self.state.repression)
        candidates = np.flatnonzero(active)
        arrested = candidates[self.rng.random(candidates.size) < rate]
        active[arrested] = False
        population.jail_months[arrested] = self.rng.integers(
            1, self.config.max_jail_months + 1, arrested.size
        )
        population.active[:] = active
        self.state.arrests[:] = np.bincount(
            population.region[arrested], minlength=population.counts.size
        )

    def _waves(self, model: KazakhstanModel) -> None:
        """Mark the regions whose active share passes the wave level; log the new waves."""
        shares = model.population.regional_mean(model.population.active)
        in_wave = shares > self.config.wave_share
        started = in_wave & (self.state.in_wave == 0.0)
        for public, new in zip(model.publics, started, strict=True):
            if new:
                model.log_event("protest", "citizens", f"protests in {public.region.name}")
        self.state.in_wave[:] = in_wave
        self.state.regions_in_wave = int(in_wave.sum())

    def _respond(self, model: KazakhstanModel) -> None:
        """Answer a multi-region wave: concede, repress or both (LP4; C L38; P L273-277)."""
        config = self.config
        state = self.state
        regions = state.regions_in_wave
        self.wave_months = self.wave_months + 1 if regions >= config.wave_regions else 0
        if self.wave_months == 0:
            self.wave_crackdown_month = None
        if self.wave_months <= config.response_lag_months:
            return
        recent = (
            self.last_response_month is not None
            and model.month - self.last_response_month < config.response_cooldown_months
        )
        if recent:
            return
        responded = False
        policy = LandPolicy(state.land_policy_state)
        concedable = policy in (LandPolicy.REFORM_PENDING, LandPolicy.IN_FORCE)
        if self.response in ("concede", "both") and concedable:
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
            responded = True
        if self.response in ("repress", "both"):
            added = min(config.crackdown_step, 1.0 - state.repression)
            state.repression += added
            self.crackdown_excess += added
            self._shift_legitimacy(model, -config.crackdown_legitimacy_cost)
            self.wave_crackdown_month = model.month
            model.log_event("crackdown", "kazakhstan", "crackdown: mass detentions")
            responded = True
        if responded:
            self.last_response_month = model.month

    def _escalate(self, model: KazakhstanModel) -> None:
        """A wave still nationwide in a month after a crackdown: allied troops, elite change (LP7).

        The government asks its allies for troops (the CSTO's Article 4; T L1464-1478): their
        repression is added for a short time and Russia gains ``csto_gratitude`` (RL5;
        T L286-305), posted to its owner's channel. Under ``concede`` or ``both`` the government
        also answers with elite change and reform, a legitimacy gain (T L1933-1943, L2002-2022).
        """
        config = self.config
        state = self.state
        regions = state.regions_in_wave
        persisted = (
            self.wave_crackdown_month is not None and self.wave_crackdown_month < model.month
        )
        if not (persisted and regions >= config.nationwide_regions):
            return
        if (
            self.last_escalation_month is not None
            and model.month - self.last_escalation_month < config.response_cooldown_months
        ):
            return
        escalated = False
        if self.response in ("repress", "both") and self.outside_help:
            added = min(config.outside_help_repression, 1.0 - state.repression)
            state.repression += added
            self.help_excess += added
            gratitude = self.channel("russian_reactions.csto_gratitude")
            gratitude.post(self.name, config.csto_gratitude_step)
            model.log_event(
                "outside_help",
                "russia",
                f"allied (CSTO) troops deployed at the government's request after protests in "
                f"{regions} regions persisted through a crackdown (T L1464-1478)",
            )
            escalated = True
        if self.response in ("concede", "both"):
            self._shift_legitimacy(model, config.elite_change_legitimacy_gain)
            model.log_event(
                "elite_change",
                "kazakhstan",
                "government dismissed, old guard removed, reforms announced (T L1933-1943)",
            )
            escalated = True
        if escalated:
            self.last_escalation_month = model.month
