"""Russia's reactions and hold: irritation, territorial rhetoric, security leverage (RL1-RL5).

RL2 (C L25-27, L62; T L1593-1595): Kazakh moves toward the West (US visits, UN abstentions, US
transit through Caspian ports) irritate Moscow, mostly in words. Irritation decays geometrically
and grows with this month's increase of Kazakhstan's alignment with the West, with Kazakhstan's
exit signals (RL3) and with sanctions on Russia, under which Kazakhstan refused Russia's
counter-sanctions and Russia answered with import bans (T L218-226):
``I <- clip(delta I + iota_W max(0, d a_W) + iota_X X + iota_S sanctions, 0, 1)``
with ``delta = 0.5^(1/h_I)``, ``h_I`` the half-life of irritation. A move toward China does not
irritate Russia at Kazakhstan: Russia is worried by China's economic power but has "chosen a
policy of accommodation" (C L47) and counterbalances China through wider formats (C L49;
P L403-405), not through pressure on Kazakhstan.

RL3 (P L465-470; T L1569-1583): a threatened Kazakhstan says it may leave Russian-led
organisations ("Kazakhstan will not be part of organizations that pose a threat to our
independence", T L1581-1583; Nazarbayev's remark that his country could leave the EAEU, P L465),
and Russia answers with territorial rhetoric (Putin, August 2014: "The Kazakhs never had any
statehood"). The exit signal ``X`` is the rise of threat perception this month made by the
scenario's events (Crimea, the invasion of Ukraine), not by this rule. When irritation exceeds a
threshold and no rhetoric came within the cooldown, rhetoric occurs: it is logged as
``russian_rhetoric`` and raises Kazakhstan's threat perception by a step whose contribution then
decays with a half-life; the threat events add is left alone. Higher threat perception pulls
alignment toward the West next month (multi_vector), which can irritate Russia again: the loop is
damped by the cooldown and the decay. The non-tariff-barrier hazard rising with irritation is
applied by the tariff rule, which reads ``russian_irritation`` (TH5).

OR3 (T L943-956): Russia's hold on the route most Kazakh oil takes is a lever. A new CPC
disruption (``oil_routes.cpc_disruption`` rising this month) raises threat perception by
``tau_D`` per unit of capacity lost; that part decays like the rhetoric's. The rule reads the
disruption; oil_routes owns it.

RL1 (T L1218-1271, L1383-1389): Russia's security hold (most of Kazakhstan's arms imports, over
half the army trained in Russia, joint air defence) is steady: Russia's share of Central Asian
arms imports stayed at about 60% for ten years while China's sales grew at other suppliers'
expense. The index starts at an assumed 0.6 and moves slowly toward a target that falls with
threat perception above its initial level, because a threatened Kazakhstan modernises its forces
so as not to rely on Russia (T L1612-1622, L2129-2131):
``S <- S + (1 - 0.5^(1/h_S)) (clip(S0 - d max(0, threat - threat0), 0, 1) - S)``; changes made
by events move ``S0``.

RL5 (T L286-307): the CSTO rescue of January 2022 leaves Russia a ``csto_gratitude`` (stepped up,
to at most 1, through this rule's channel ``russian_reactions.csto_gratitude``, to which the
land_protests rule posts when allied troops come) that pulls alignment toward Russia
(multi_vector) but does not buy lasting deference: it halves every ``gratitude_half_life_months``.

The rule writes only its own state (``kzsim.contracts.russian_reactions.State``) and reads
multi_vector's alignment with the West, oil_routes' CPC disruption and the sanctions driver. The
scenario's events are the one other writer of that state: their changes to security leverage and
threat perception stay.

References:
    Sources: C L25-27, L47, L49, L62; P L403-405, L465-470; T L218-226, L286-307, L943-956,
    L1218-1271, L1383-1389, L1569-1583, L1593-1595, L1612-1622, L2129-2131.

"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzsim.contracts import multi_vector as mv
from kzsim.contracts import oil_routes
from kzsim.contracts.russian_reactions import Config, State
from kzsim.dynamics import partial_adjustment, rate_from_half_life, retention_from_half_life
from kzsim.rules.base import Rule as BaseRule

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


def irritation_update(
    config: Config, irritation: float, west_shift: float, exit_signal: float, sanctions: float
) -> float:
    """Return next month's irritation (RL2, RL3).

    ``clip(delta I + iota_W max(0, d a_W) + iota_X X + iota_S sanctions, 0, 1)``.

    Args:
        config: the rule's parameters.
        irritation: this month's irritation I in [0, 1].
        west_shift: this month's change of alignment with the West, d a_W.
        exit_signal: this month's rise of threat perception made by events, X >= 0.
        sanctions: the sanctions-on-Russia driver in [0, 1].

    Returns:
        The new irritation, in [0, 1].

    """
    value = (
        retention_from_half_life(config.irritation_half_life_months) * irritation
        + config.irritation_per_west_shift * max(0.0, west_shift)
        + config.irritation_per_exit_signal * max(0.0, exit_signal)
        + config.irritation_per_sanctions * sanctions
    )
    return min(max(value, 0.0), 1.0)


def security_target(
    base: float, threat: float, initial_threat: float, self_reliance: float
) -> float:
    """Security leverage Russia's hold tends to (RL1): ``clip(S0 - d max(0, threat - threat0))``.

    Args:
        base: the leverage of arms and training at the start, plus event changes (``S0``).
        threat: Kazakhstan's threat perception.
        initial_threat: threat perception at the start.
        self_reliance: ``d``, fall per unit of extra threat.

    Returns:
        The target, in [0, 1].

    """
    return min(max(base - self_reliance * max(0.0, threat - initial_threat), 0.0), 1.0)


def rhetoric_due(
    irritation: float, threshold: float, months_since_last: int | None, cooldown: int
) -> bool:
    """Return whether territorial rhetoric occurs (RL3).

    Args:
        irritation: Russia's irritation after this month's update.
        threshold: irritation it must exceed.
        months_since_last: months since the last episode; None if there was none.
        cooldown: least months between two episodes.

    Returns:
        True when irritation is above the threshold and the cooldown has passed.

    """
    rested = months_since_last is None or months_since_last >= cooldown
    return irritation > threshold and rested


class Rule(BaseRule[Config, State]):
    """Security leverage, CSTO gratitude, irritation, rhetoric and the threat Russia's levers add.

    Order in a month: security leverage moves toward its target and CSTO gratitude fades; decay
    the remaining threat from past rhetoric and disruptions; update irritation from this month's
    alignment change (multi_vector runs first), the exit signal and sanctions; if rhetoric is due,
    log it and raise threat perception; add the threat of a new CPC disruption (oil_routes runs
    first). The scenario's events also write this rule's state (security leverage, threat
    perception): changes to security leverage move its base ``S0``, and threat perception added
    by events is never decayed here (its rise is the exit signal).
    """

    def __init__(self, config: Config, model: KazakhstanModel) -> None:
        super().__init__(config, model)
        self.previous_west = self.read(mv.State).alignment_west
        self.previous_disruption = self.read(oil_routes.State).cpc_disruption
        self.last_rhetoric_month: int | None = None
        #: Part of threat perception still due to past rhetoric episodes and CPC disruptions.
        self.reaction_threat = 0.0
        self.threat_retention = retention_from_half_life(config.threat_half_life_months)
        self.initial_threat = self.state.threat_perception
        #: Threat perception as this rule last wrote it; any rise since is an event's.
        self._written_threat = self.initial_threat
        #: Security leverage of arms and training (S0), moved by events only.
        self.security_base = self.state.security_leverage_russia
        #: Security leverage as this rule last wrote it; any other change is an event's.
        self._written_security = self.security_base
        self.security_rate = rate_from_half_life(config.security_adjustment_half_life_months)
        self.gratitude_retention = retention_from_half_life(config.gratitude_half_life_months)

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""
        exit_signal = max(0.0, self.state.threat_perception - self._written_threat)
        self._security()
        self._irritation_and_rhetoric(model, exit_signal)
        self._disruption_threat()
        self._written_threat = self.state.threat_perception

    def _security(self) -> None:
        """RL1 and RL5: security leverage drifts to its target; CSTO gratitude fades."""
        state = self.state
        self.security_base += state.security_leverage_russia - self._written_security
        target = security_target(
            self.security_base,
            state.threat_perception,
            self.initial_threat,
            self.config.security_self_reliance_per_threat,
        )
        current = state.security_leverage_russia
        state.security_leverage_russia = partial_adjustment(current, target, self.security_rate)
        self._written_security = state.security_leverage_russia
        state.csto_gratitude *= self.gratitude_retention

    def _raise_threat(self, step: float) -> tuple[float, float]:
        """Add a reaction's threat (capped at 1), remembered so that it fades; (before, after)."""
        state = self.state
        before = state.threat_perception
        state.threat_perception = min(1.0, before + step)
        self.reaction_threat += state.threat_perception - before
        return before, state.threat_perception

    def _irritation_and_rhetoric(self, model: KazakhstanModel, exit_signal: float) -> None:
        """RL2 and RL3: irritation from drift, exit signals and sanctions; rhetoric above I*."""
        config, state = self.config, self.state
        faded = self.reaction_threat * (1.0 - self.threat_retention)
        self.reaction_threat -= faded
        state.threat_perception = max(0.0, state.threat_perception - faded)
        west = self.read(mv.State).alignment_west
        state.russian_irritation = irritation_update(
            config,
            state.russian_irritation,
            west - self.previous_west,
            exit_signal,
            model.drivers["sanctions_on_russia"],
        )
        self.previous_west = west
        since = None if self.last_rhetoric_month is None else model.month - self.last_rhetoric_month
        if rhetoric_due(
            state.russian_irritation,
            config.rhetoric_threshold,
            since,
            config.rhetoric_cooldown_months,
        ):
            before, after = self._raise_threat(config.rhetoric_threat_step)
            self.last_rhetoric_month = model.month
            model.log_event(
                "russian_rhetoric",
                "russia",
                f"territorial rhetoric at irritation {state.russian_irritation:.2f}; threat "
                f"perception {before:.2f} -> {after:.2f} (RL3; P L465-470)",
            )

    def _disruption_threat(self) -> None:
        """OR3: a new CPC disruption raises threat perception by tau_D per unit lost."""
        disruption = self.read(oil_routes.State).cpc_disruption
        onset = max(0.0, disruption - self.previous_disruption)
        self.previous_disruption = disruption
        if onset > 0.0:
            self._raise_threat(self.config.threat_per_cpc_disruption * onset)
