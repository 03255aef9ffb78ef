"""Oil export routes: the CPC through Russia, the pipeline to China, the Caspian (OR1-OR4).

OR1 (T L943-950; oil_export_routes.csv): about 85% of Kazakh oil crosses Russia, mostly through
the Caspian Pipeline Consortium to Novorossiysk and the Uzen-Atyrau-Samara pipeline; the CPC
alone carries about 80% of the oil Kazakhstan exports (S&P, September 2022). Exports are a
constant ``X`` Mt a year (17.6 Mt in the first quarter of 2022; no volume driver). The route
shares are ``s_RU' = other_russia_share`` (Atyrau-Samara), ``s_CN = Q_CN / X``, the trans-Caspian
share ``s_C`` and the CPC the rest: ``s_CPC = 1 - s_RU' - s_CN - s_C``; the transit dependence
on Russia is ``s_CPC + s_RU'``, which Russia's trade leverage (tariff_harmonisation) reads.

OR2 (T L998-1007; oil_export_routes.csv): Kazakh oil to China by the Atasu-Alashankou pipeline
peaked at 11.8 Mt in 2013 and fell to 1.3 Mt in 2018 as the north-western and southern fields
feeding it (many Chinese-operated) declined; the pipeline now carries mostly Russian transit
oil. ``Q_CN = F + (P - F) 0.5^(max(0, t - t_0) / h_CN)``: the peak ``P`` until the decline
starts at ``t_0``, then a decline to the floor ``F`` (about 1 Mt a year, 2024). The decline is
field depletion, not policy: the dates and the half-life come from the observed volumes.

OR3: CPC disruptions. The scenario's events set ``cpc_disruption``, the share of CPC capacity
lost (in 2022: storm damage to the moorings at Novorossiysk in March, a court-ordered halt in
July, dates from press reports, sizes assumed); the damage is repaired with a half-life
``h_R``: ``D <- 0.5^(1/h_R) D``. Kazakh oil held up is ``D s_CPC X``. Russia's courts and port
authorities control the route (T L947-956: the oil is blended with Russian oil and shipped
from Russian ports), so a disruption is also a lever: russian_reactions reads ``cpc_disruption``
and raises Kazakhstan's threat perception.

OR4 (T L2195-2199; P L171): diversification. Under threat Kazakhstan shifts its transport
infrastructure to routes that avoid Russian territory: oil shipped from Aktau across the
Caspian (to Baku, Neka), the Middle Corridor. The trans-Caspian share moves toward a target
that rises with threat perception above its initial level and with the largest disruption so
far ``D_max``, slowly and no faster than port, pipeline and tanker capacity allow; capacity
built is not given up (the share does not fall back):
``s_C* = clip(s_C0 + g_T max(0, threat - threat_0) + g_D D_max, s_C0, 1 - s_RU' - s_CN)``,
``s_C <- s_C + min(r_max / 12, (1 - 0.5^(1/h_C)) max(0, s_C* - s_C))``.

The rule writes only its own state (``kzsim.contracts.oil_routes.State``) and reads Kazakhstan's
threat perception from russian_reactions (last month's: that rule runs last). The scenario's
events are the one other writer of ``cpc_disruption``. The rule is deterministic.

References:
    Sources: T L943-956, L998-1007, L2195-2199; P L171; data: oil_export_routes.csv
    (S&P 2022-09-02 via allinsurance.kz; Reuters via vinanet.vn; rtvi.com; mgorod.kz).

"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzsim.contracts import russian_reactions as rr
from kzsim.contracts.oil_routes import Config, State
from kzsim.dynamics import rate_from_half_life, retention_from_half_life
from kzsim.months import parse_month
from kzsim.rules.base import Rule as BaseRule

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


def china_volume_mt(config: Config, month: int) -> float:
    """Kazakh oil to China by pipeline in ``month``, Mt per year (OR2).

    ``F + (P - F) 0.5^(max(0, t - t_0) / h_CN)``.

    Args:
        config: the rule's parameters.
        month: the calendar month index (``kzsim.months``).

    Returns:
        The annual rate, between the floor and the peak.

    """
    elapsed = max(0, month - parse_month(config.china_decline_start))
    excess = config.china_peak_mt_per_year - config.china_floor_mt_per_year
    remaining: float = 0.5 ** (elapsed / config.china_decline_half_life_months)
    return config.china_floor_mt_per_year + excess * remaining


def caspian_target(
    config: Config, threat: float, initial_threat: float, worst_disruption: float, ceiling: float
) -> float:
    """Trans-Caspian share Kazakhstan works toward (OR4).

    ``clip(s_C0 + g_T max(0, threat - threat_0) + g_D D_max, s_C0, ceiling)``.

    Args:
        config: the rule's parameters.
        threat: Kazakhstan's threat perception.
        initial_threat: threat perception at the start.
        worst_disruption: the largest CPC disruption so far, ``D_max``.
        ceiling: the largest share the Caspian can take (what the CPC carries now plus the
            Caspian's own share).

    Returns:
        The target share.

    """
    value = (
        config.caspian_base_share
        + config.caspian_share_per_threat * max(0.0, threat - initial_threat)
        + config.caspian_share_per_disruption * worst_disruption
    )
    return min(max(value, config.caspian_base_share), max(ceiling, config.caspian_base_share))


def caspian_step(share: float, target: float, rate: float, most_per_month: float) -> float:
    """Next month's trans-Caspian share: toward the target, capacity-limited, no fall (OR4)."""
    return share + min(most_per_month, rate * max(0.0, target - share))


class Rule(BaseRule[Config, State]):
    """Route shares, Kazakh oil to China, CPC disruptions and diversification.

    Order in a month: an event's change to ``cpc_disruption`` is kept, else the last
    disruption is repaired by the half-life; the China volume follows the field decline; the
    trans-Caspian share moves toward its target; the CPC takes the rest.
    """

    def __init__(self, config: Config, model: KazakhstanModel) -> None:
        super().__init__(config, model)
        self.initial_threat = self.read(rr.State).threat_perception
        self.repair_retention = retention_from_half_life(config.cpc_repair_half_life_months)
        self.caspian_rate = rate_from_half_life(config.caspian_half_life_months)
        #: The largest CPC disruption so far (D_max).
        self.worst_disruption = self.state.cpc_disruption
        #: The disruption as this rule last wrote it; any other change is an event's.
        self._written_disruption = self.state.cpc_disruption
        self.state.oil_export_share_caspian = config.caspian_base_share
        self._shares(model.month)

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""
        config, state = self.config, self.state
        if state.cpc_disruption == self._written_disruption:
            state.cpc_disruption *= self.repair_retention
        self.worst_disruption = max(self.worst_disruption, state.cpc_disruption)
        self._written_disruption = state.cpc_disruption
        china = china_volume_mt(config, model.month) / config.oil_exports_mt_per_year
        ceiling = 1.0 - config.other_russia_share - china
        target = caspian_target(
            config,
            self.read(rr.State).threat_perception,
            self.initial_threat,
            self.worst_disruption,
            ceiling,
        )
        state.oil_export_share_caspian = min(
            ceiling,
            caspian_step(
                state.oil_export_share_caspian,
                target,
                self.caspian_rate,
                config.caspian_growth_max_per_year / 12.0,
            ),
        )
        self._shares(model.month)

    def _shares(self, month: int) -> None:
        """OR1-OR3: the route shares, transit dependence and the volumes, from the Caspian share."""
        config, state = self.config, self.state
        state.oil_exports_china_mt = china_volume_mt(config, month)
        state.oil_export_share_china = state.oil_exports_china_mt / config.oil_exports_mt_per_year
        state.oil_export_share_cpc = max(
            0.0,
            1.0
            - config.other_russia_share
            - state.oil_export_share_china
            - state.oil_export_share_caspian,
        )
        state.transit_dependence_russia = state.oil_export_share_cpc + config.other_russia_share
        state.oil_exports_held_up_mt = (
            state.cpc_disruption * state.oil_export_share_cpc * config.oil_exports_mt_per_year
        )
