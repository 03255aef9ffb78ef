"""Kazakhstan's multi-vector balancing between Russia, China and the West (MV1-MV5).

Multi-vector policy is positive-sum: Kazakhstan seeks "to benefit from engagement and cooperation
with multiple partners" (O L23) and uses the BRI to diversify "rather than replacing one
dependency with another" (O L29). The rule keeps an engagement intensity ``E[p, d]`` in [0, 1] for
each partner p (Russia, China, the West) and domain d (economic, security, political). Each relaxes
toward a target with a half-life per domain (costs of moving; security, resting on arms, training
and treaties, is the slowest: T L1218-1230, L2129-2131):

``E <- E + kappa_d (T - E)``, ``T[p, d] = sat(A[p, d] + B[p, d]) F[p, d]``,
``sat(x) = x / (1 + x)``, ``kappa_d = 1 - 0.5^(1 / h_d)``.

**Benefits** ``B`` rise with what a partner offers. Economic: market access, ``g_trade`` times the
partner's import share (the EU is "almost a third" of trade, E L102); for Russia also the union's
market, ``g_union eaeu_member`` (E L93); for China its BRI investment over GDP,
``g_inv (1 + g_need capital_need) I / Y`` (China "has invested far more money in Kazakhstan than
it has loaned", T L888-894; scarce capital makes the money weigh more, E L41) and the corridor's
transit fees, ``g_transit R / Y`` (P L610-613: "other than transit fees" the gateway's benefits are
limited).
Security: Russia's security leverage (Russia ~60% of Central Asia's arms imports; T L1218-1224,
L1383-1385). Political: elites follow money, not public opinion (MV4, T L2083-2089, L2127-2129),
``g_spill B[p, economic]``; the CSTO rescue may call for "political and diplomatic concessions"
to Moscow, ``g_grat csto_gratitude`` for Russia (RL5, T L297-305; the gratitude fades in
russian_reactions, so no lasting deference, T L305-307); and the hedge against a
threatening Russia goes to China and the West, ``g_hedge threat (sigma, 1 - sigma)`` (MV2,
T L1987-1989: a pull away from Russia "must be followed by a push closer to other powers"; E L44:
joining OBOR balances Russia's influence).

**Held back** ``F`` by concentrated dependence (hedging, Kuik 2008): a partner's share of a
domain's engagement above a comfort share ``c`` lowers its target,
``F = exp(-k_dep max(0, H[p, d] - c))``; and by threat (balance of threat, Walt 1987): Russia's
political target is multiplied by ``exp(-k_threat threat_perception)``.

**MV1** (P L604-609: Russia's dominance in the EAEU helps resist Chinese pressure; importance to
the BRI lets Kazakhstan stand up to Moscow): Russia's effective share ``H`` is its share times
``1 - mu presence_CN`` and China's its share times ``1 - mu presence_RU``, presence being a
partner's mean engagement. The damped shares enter each partner's own holdback, not a ratio of
targets, so the damping does not cancel: more Chinese presence eases the holdback on engagement
with Russia and vice versa.

**MV3** (T L2045-2059: cooperation with Russia "almost obligatory"; E L93) and **MV5** (C L3, L67:
alliance and partnership persist with low trust) have no floors: in the first month the affinity
``A`` (history, geography, ties the inputs do not carry) is set so that the initial engagement is
the target, and Russia's, large in every domain, keeps its targets high; every factor of a target
is positive and the holdback vanishes as a share falls below ``c``, so no engagement goes to zero.

Derived outputs: alignment ``a_p`` is the partner's share of all engagement (domains weighted
equally); ``leverage_p`` the mean of its effective shares ``H``; ``china_economic_weight`` China's
share of economic engagement; ``autonomy_index = 1 - max(leverage_RU, leverage_CN)``. The BRI debt
trap's posts to ``multi_vector.alignment`` raise China's economic and political engagement
(``kzsim.contracts.multi_vector.shift_toward_china``).

References:
    Sources: O L23, L26, L29; P L66-68, L604-613; T L297-307, L888-894, L1218-1230,
    L1381-1388, L1981-1995, L2045-2059, L2083-2089, L2127-2131; E L41, L44, L93, L102;
    C L3, L64, L67.
    Literature: Walt (1987) The Origins of Alliances; Kuik (2008) The essence of hedging,
    Contemporary Southeast Asia 30(2).

"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kzsim.contracts import bri_loans, russian_reactions, tariff_harmonisation
from kzsim.contracts.multi_vector import (
    DOMAINS,
    PARTNERS,
    Config,
    State,
    engagement_matrix,
    match_alignment,
    write_engagement,
)
from kzsim.dynamics import rate_from_half_life
from kzsim.rules.base import Rule as BaseRule

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel

FloatArray = npt.NDArray[np.float64]

RU, CN, W = (PARTNERS.index(p) for p in ("russia", "china", "west"))
ECO, SEC, POL = (DOMAINS.index(d) for d in ("economic", "security", "political"))
#: Largest target the affinity is calibrated to (keeps ``x = tau / (1 - tau)`` finite).
MAX_CALIBRATED_TARGET = 0.99


def benefits(
    config: Config,
    import_shares: FloatArray,
    eaeu_member: bool,
    investment_to_gdp: float,
    transit_to_gdp: float,
    capital_need: float,
    security_leverage: float,
    gratitude: float,
    threat: float,
) -> FloatArray:
    """Return the benefits ``B[partner, domain]`` of this month's inputs (>= 0).

    Args:
        config: the rule's parameters.
        import_shares: import shares of Russia, China and the rest of the world (the West).
        eaeu_member: whether Kazakhstan is in the union.
        investment_to_gdp: China's BRI investment stock over GDP.
        transit_to_gdp: corridor transit revenue (a year) over GDP.
        capital_need: Kazakhstan's capital need, 0-1.
        security_leverage: Russia's security leverage, 0-1.
        gratitude: CSTO gratitude, 0-1.
        threat: threat perception, 0-1.

    """
    out = np.zeros((len(PARTNERS), len(DOMAINS)), dtype=np.float64)
    out[:, ECO] = config.trade_gain * np.clip(import_shares, 0.0, 1.0)
    out[RU, ECO] += config.union_gain * (1.0 if eaeu_member else 0.0)
    out[CN, ECO] += (
        config.investment_gain
        * (1.0 + config.need_gain * capital_need)
        * max(investment_to_gdp, 0.0)
    ) + config.transit_gain * max(transit_to_gdp, 0.0)
    out[RU, SEC] = config.security_gain * security_leverage
    out[:, POL] = config.money_spillover * out[:, ECO]
    out[RU, POL] += config.gratitude_gain * gratitude
    hedge = config.hedge_gain * max(threat, 0.0)
    out[CN, POL] += hedge * config.hedge_share_china
    out[W, POL] += hedge * (1.0 - config.hedge_share_china)
    return out


def domain_shares(engagement: FloatArray) -> FloatArray:
    """Each partner's share of each domain's engagement (columns sum to 1; equal if all 0)."""
    totals = engagement.sum(axis=0)
    safe = np.where(totals > 0.0, totals, 1.0)
    return np.where(totals > 0.0, engagement / safe, 1.0 / len(PARTNERS))


def effective_holds(engagement: FloatArray, mu: float) -> FloatArray:
    """MV1: shares of each domain, Russia's damped by China's presence and China's by Russia's.

    ``H_RU,d = share_RU,d (1 - mu mean_d E_CN)``, ``H_CN,d = share_CN,d (1 - mu mean_d E_RU)``;
    the West's share is not damped.
    """
    holds = domain_shares(engagement)
    presence = engagement.mean(axis=1)
    holds[RU] *= 1.0 - mu * presence[CN]
    holds[CN] *= 1.0 - mu * presence[RU]
    return holds


def holdbacks(config: Config, holds: FloatArray, threat: float) -> FloatArray:
    """Return ``F``: ``exp(-k_dep max(0, H - c))``, Russia's political also ``exp(-k_threat T)``."""
    excess = np.maximum(holds - config.comfort_share, 0.0)
    factors = np.exp(-config.dependence_aversion * excess)
    factors[RU, POL] *= np.exp(-config.threat_aversion * max(threat, 0.0))
    return np.asarray(factors, dtype=np.float64)


def targets(affinity: FloatArray, benefit: FloatArray, factors: FloatArray) -> FloatArray:
    """Return ``T = sat(A + B) F`` with ``sat(x) = x / (1 + x)``."""
    pull = np.maximum(affinity + benefit, 0.0)
    return np.asarray(pull / (1.0 + pull) * factors, dtype=np.float64)


def calibrate_affinity(
    engagement: FloatArray, benefit: FloatArray, factors: FloatArray
) -> FloatArray:
    """Return the affinity ``A >= 0`` that makes ``engagement`` its own target (inverts targets).

    ``tau = min(E / F, 0.99)``, ``A = max(tau / (1 - tau) - B, 0)``; where B alone exceeds what E
    needs, A is 0 and the target lies above E.
    """
    tau = np.clip(engagement / factors, 0.0, MAX_CALIBRATED_TARGET)
    return np.asarray(np.maximum(tau / (1.0 - tau) - benefit, 0.0), dtype=np.float64)


class Rule(BaseRule[Config, State]):
    """Engagement per partner and domain, the alignment derived from it, holds and autonomy.

    Order in a month: rescale engagement to an alignment an event set; benefits; effective holds
    (MV1) and holdbacks; in the first month, the affinity; targets; relaxation with each domain's
    half-life; derived outputs. It reads trade, loans and Russia's reactions through the views its
    contract declares.
    """

    def __init__(self, config: Config, model: KazakhstanModel) -> None:
        super().__init__(config, model)
        self.rates = np.array([rate_from_half_life(h) for h in config.half_lives], np.float64)
        self.affinity: FloatArray | None = None

    def step(self, model: KazakhstanModel) -> None:
        """Update engagement, alignment, holds and autonomy."""
        config, state = self.config, self.state
        trade = self.read(tariff_harmonisation.State)
        loans = self.read(bri_loans.State)
        reactions = self.read(russian_reactions.State)
        threat = reactions.threat_perception
        gdp_usd_bn = model.kazakhstan.gdp_usd_bn
        match_alignment(state)  # an event may have set the alignment
        engagement = engagement_matrix(state)
        shares = np.array(
            [trade.import_share_russia, trade.import_share_china, trade.import_share_other],
            dtype=np.float64,
        )
        benefit = benefits(
            config,
            shares,
            trade.eaeu_member,
            loans.china_investment_usd_bn / gdp_usd_bn,
            loans.transit_revenue_usd_bn / gdp_usd_bn,
            loans.capital_need,
            reactions.security_leverage_russia,
            reactions.csto_gratitude,
            threat,
        )
        holds = effective_holds(engagement, config.mutual_damping)
        factors = holdbacks(config, holds, threat)
        if self.affinity is None:
            self.affinity = calibrate_affinity(engagement, benefit, factors)
        target = targets(self.affinity, benefit, factors)
        write_engagement(state, engagement + self.rates * (target - engagement))
        new = engagement_matrix(state)
        holds = effective_holds(new, config.mutual_damping)
        state.leverage_russia = float(holds[RU].mean())
        state.leverage_china = float(holds[CN].mean())
        state.china_economic_weight = float(domain_shares(new)[CN, ECO])
        state.autonomy_index = 1.0 - max(state.leverage_russia, state.leverage_china)
