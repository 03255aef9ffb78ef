"""Kazakhstan's multi-vector balancing between Russia, China and the West (MV1-MV5).

Russia's leverage (RL1) is a weighted mean of its trade leverage (written by the tariff rule),
transit dependence (85% of oil exports cross Russia, T L943-947), security leverage (arms, training;
T L1218-1271, L1383-1385), media reach (C L19) and EAEU membership (agenda control, P L399-416).
China's leverage is a weighted mean of saturating transforms of debt to China over GDP, equity
stakes (co-decision, P L177-180), China's import share and its BRI investment over GDP (China
"has invested far more money in Kazakhstan than it has loaned", T L888-894).

MV1 (P L604-609): each power's leverage is damped by the other's presence,
``L_RU_eff = L_RU (1 - mu L_CN)`` and ``L_CN_eff = L_CN (1 - mu L_RU)``. The government's
alignment ``a = (a_RU, a_CN, a_W)`` on the simplex relaxes toward
``b_j ~ base_j m_j exp(-eta L_j_eff)``: it leans away from the power with the strongest hold.
MV4 (T L2083-2089): China's weight is multiplied by ``1 + g_money capital_need lending_appetite``
(elites follow money; E L41). The West, with no modelled leverage, gains with threat perception,
``1 + g_threat threat_perception`` (hedge West; RL3-RL4, T L1554-1622, L1987-1989; E L102).
Russia's weight is multiplied by ``1 + g_grat csto_gratitude``, the deference owed for the CSTO
rescue, which fades (RL5, T L299-305). After the move, alignment is projected onto the simplex
with floors: Russia never below ``floor_russia`` (MV3 geography, T L2045-2059; E L93) and no
partner below ``floor_any`` (MV5 no rupture, C L3, L67). MV2 (T L1987-1989: a pull away from one
power "must be followed by a push closer to other powers") needs no equation: the weights sum to
1, so any fall of one is a rise of the others. The autonomy index is
``1 - max(L_RU_eff, L_CN_eff)``.

This rule owns the alignment. Other mechanisms move it only through the ``multi_vector.alignment``
channel (the BRI debt trap's shift toward China, BR10), which applies
``kzsim.contracts.multi_vector.shift_toward_china`` at once; the relaxation toward the target
goes on from the shifted alignment.

References:
    Sources: P L177-180, L399-416, L604-609; T L299-305, L888-894, L943-947, L1218-1271,
    L1383-1385, L1554-1622, L1987-1989, L2045-2059, L2083-2089, L2123-2129; C L3, L19, L67;
    E L41, L93, L102.

"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kzsim.contracts import bri_loans, russian_reactions, tariff_harmonisation
from kzsim.contracts.multi_vector import Config, State
from kzsim.dynamics import partial_adjustment, rate_from_half_life, saturation
from kzsim.rules.base import Rule as BaseRule

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel

FloatArray = npt.NDArray[np.float64]

#: Order of the alignment vector.
PARTNERS = ("russia", "china", "west")


def weighted_mean(values: tuple[float, ...], weights: tuple[float, ...]) -> float:
    """Return ``sum(w x) / sum(w)``; the weights must not all be zero."""
    return float(np.dot(values, weights) / np.sum(weights))


def russia_leverage(
    config: Config,
    trade_leverage: float,
    transit_dependence: float,
    security_leverage: float,
    media_reach: float,
    eaeu_member: bool,
) -> float:
    """Return Russia's raw leverage: the weighted mean of its five channels in [0, 1] (RL1)."""
    channels = (
        trade_leverage,
        transit_dependence,
        security_leverage,
        media_reach,
        1.0 if eaeu_member else 0.0,
    )
    return float(np.clip(weighted_mean(channels, config.russia_weights), 0.0, 1.0))


def china_leverage(
    config: Config,
    debt_to_gdp: float,
    equity_usd_bn: float,
    import_share_china: float,
    investment_to_gdp: float,
) -> float:
    """Return China's raw leverage: the weighted mean of debt, equity, imports and investment.

    Money quantities enter through :func:`saturation` with their half-saturation parameters; the
    import share is already a share.
    """
    channels = (
        saturation(debt_to_gdp, config.debt_to_gdp_half),
        saturation(equity_usd_bn, config.equity_half_usd_bn),
        float(np.clip(import_share_china, 0.0, 1.0)),
        saturation(investment_to_gdp, config.investment_to_gdp_half),
    )
    return float(np.clip(weighted_mean(channels, config.china_weights), 0.0, 1.0))


def damp_leverages(leverage_russia: float, leverage_china: float, mu: float) -> tuple[float, float]:
    """MV1: ``(L_RU (1 - mu L_CN), L_CN (1 - mu L_RU))``, both from the raw leverages."""
    return leverage_russia * (1.0 - mu * leverage_china), leverage_china * (
        1.0 - mu * leverage_russia
    )


def pulls(
    config: Config,
    capital_need: float,
    lending_appetite: float,
    threat_perception: float,
    gratitude: float = 0.0,
) -> FloatArray:
    """Return the base weights' multipliers ``(1 + g_grat G, 1 + g_money N A, 1 + g_threat T)``.

    G is Russia's CSTO gratitude (RL5), N the capital need, A China's lending appetite (MV4), T
    the threat perception (RL4).
    """
    return np.array(
        [
            1.0 + config.gratitude_pull * gratitude,
            1.0 + config.money_pull * capital_need * lending_appetite,
            1.0 + config.threat_pull * threat_perception,
        ],
        dtype=np.float64,
    )


def alignment_target(
    base: FloatArray, multipliers: FloatArray, leverage: FloatArray, eta: float
) -> FloatArray:
    """Return the target alignment ``b_j ~ base_j m_j exp(-eta L_j)``, normalised to sum 1.

    Args:
        base: base weights (russia, china, west), >= 0, not all 0.
        multipliers: from :func:`pulls`.
        leverage: effective leverage of each partner (the West's is 0).
        eta: aversion to leverage.

    Returns:
        A point of the simplex.

    """
    weights = base * multipliers * np.exp(-eta * leverage)
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def calibrate_base(
    alignment: FloatArray, multipliers: FloatArray, leverage: FloatArray, eta: float
) -> FloatArray:
    """Return base weights that make ``alignment`` the target (inverts :func:`alignment_target`).

    Returns:
        ``a_j exp(eta L_j) / m_j``, normalised to sum 1.

    """
    base = np.clip(alignment, 0.0, None) * np.exp(eta * leverage) / multipliers
    return np.asarray(base / base.sum(), dtype=np.float64)


def project_to_simplex_with_floors(point: FloatArray, floors: FloatArray) -> FloatArray:
    """Euclidean projection onto ``{x : x_j >= floors_j, sum x = 1}``.

    With ``y = point - floors`` and ``r = 1 - sum(floors)``, the answer is
    ``floors + max(y - theta, 0)`` with theta chosen so the total is 1 (projection onto the simplex
    of size r; Held, Wolfe and Crowder 1974). A point already inside is returned unchanged.

    Args:
        point: any vector (e.g. an alignment nudged off the simplex or below a floor).
        floors: lowest value of each entry; ``sum(floors) <= 1``.

    Returns:
        The nearest point that keeps the floors and sums to 1.

    """
    room = 1.0 - float(floors.sum())
    if room < 0.0:
        raise ValueError(f"floors sum to {1.0 - room:g} > 1")
    shifted = np.asarray(point, dtype=np.float64) - floors
    ordered = np.sort(shifted)[::-1]
    cumulative = np.cumsum(ordered) - room
    ranks = np.arange(1, ordered.size + 1)
    positive = np.nonzero(ordered - cumulative / ranks > 0.0)[0]
    active = int(positive[-1]) if positive.size else 0
    theta = cumulative[active] / (active + 1)
    return np.asarray(floors + np.maximum(shifted - theta, 0.0), dtype=np.float64)


class Rule(BaseRule[Config, State]):
    """Leverage of each power, alignment moving away from the strongest, autonomy.

    Order in a month: raw leverages; mutual damping (``leverage_russia``, ``leverage_china``);
    target alignment; relaxation toward it; projection onto the simplex with floors
    (``alignment_*``); autonomy index. All are this rule's state; it reads trade, loans and
    Russia's security ties through the views its contract declares.
    """

    def __init__(self, config: Config, model: KazakhstanModel) -> None:
        super().__init__(config, model)
        self.relaxation = rate_from_half_life(config.alignment_relaxation_half_life_months)
        self.base: FloatArray | None = (
            None if config.base_weights is None else np.array(config.base_weights, np.float64)
        )
        self.leverage_russia_raw = 0.0

    def step(self, model: KazakhstanModel) -> None:
        """Update leverages, alignment and autonomy."""
        config, state = self.config, self.state
        trade = self.read(tariff_harmonisation.State)
        loans = self.read(bri_loans.State)
        reactions = self.read(russian_reactions.State)
        russia = model.russia
        gdp_usd_bn = model.kazakhstan.gdp_usd_bn
        self.leverage_russia_raw = russia_leverage(
            config,
            trade.trade_leverage_russia,
            russia.transit_dependence,
            reactions.security_leverage_russia,
            russia.media_reach,
            trade.eaeu_member,
        )
        state.china_economic_weight = china_leverage(
            config,
            float(loans.debt_to_china_usd_bn / gdp_usd_bn),
            loans.china_equity_usd_bn,
            trade.import_share_china,
            loans.china_investment_usd_bn / gdp_usd_bn,
        )
        state.leverage_russia, state.leverage_china = damp_leverages(
            self.leverage_russia_raw, state.china_economic_weight, config.mutual_damping
        )
        leverage = np.array([state.leverage_russia, state.leverage_china, 0.0], dtype=np.float64)
        multipliers = pulls(
            config,
            loans.capital_need,
            loans.china_lending_appetite,
            reactions.threat_perception,
            reactions.csto_gratitude,
        )
        alignment = np.array(
            [state.alignment_russia, state.alignment_china, state.alignment_west],
            dtype=np.float64,
        )
        if self.base is None:
            self.base = calibrate_base(alignment, multipliers, leverage, config.leverage_aversion)
        target = alignment_target(self.base, multipliers, leverage, config.leverage_aversion)
        moved = partial_adjustment(alignment, target, self.relaxation)
        new = project_to_simplex_with_floors(moved, config.floors)
        state.alignment_russia = float(new[0])
        state.alignment_china = float(new[1])
        state.alignment_west = float(new[2])
        state.autonomy_index = 1.0 - max(state.leverage_russia, state.leverage_china)
