"""Contract of the multi-vector rule: its parameters and the alignment series it declares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from pydantic import Field, model_validator

from kzsim.contract import Channel, FloatArray, RuleState, var
from kzsim.contracts.base import RuleConfig
from kzsim.dynamics import half_life_from_rate
from kzsim.scenario.types import Positive
from kzsim.series import RegionalSeries, Series


class Config(RuleConfig):
    """Parameters of multi-vector balancing."""

    russia_trade_weight: float = Field(
        0.25, ge=0.0, le=1.0, description="weight of trade leverage; RL1 T L943-947; size (A)"
    )
    russia_transit_weight: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="weight of transit dependence; T L943-947; 0 by default because the "
        "tariff rule's trade leverage already carries it (TH8)",
    )
    russia_security_weight: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="weight of security leverage; T L1218-1271, L1383-1385; size (A)",
    )
    russia_media_weight: float = Field(
        0.15, ge=0.0, le=1.0, description="weight of media reach; C L19; size (A)"
    )
    russia_eaeu_weight: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="weight of EAEU membership; P L399-416; 0 by default because the tariff "
        "rule's trade leverage already carries it (TH8)",
    )
    china_debt_weight: float = Field(
        0.3, ge=0.0, le=1.0, description="weight of debt to China / GDP; P L62-70, T L882-886; (A)"
    )
    china_equity_weight: float = Field(
        0.2, ge=0.0, le=1.0, description="weight of Chinese equity stakes; P L177-180; (A)"
    )
    china_imports_weight: float = Field(
        0.3, ge=0.0, le=1.0, description="weight of China's import share; E L33; size (A)"
    )
    china_investment_weight: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="weight of China's BRI investment / GDP; T L888-894, L2123-2129; size (A)",
    )
    debt_to_gdp_half: float = Field(
        0.1,
        gt=0.0,
        le=2.0,
        description="share of GDP; debt to China at which that channel is half saturated; (A)",
    )
    equity_half_usd_bn: float = Field(
        2.0,
        gt=0.0,
        le=100.0,
        description="US$ bn; Chinese equity at which that channel is half saturated; (A)",
    )
    investment_to_gdp_half: float = Field(
        0.1,
        gt=0.0,
        le=2.0,
        description="share of GDP; BRI investment at which that channel is half saturated; (A)",
    )
    mutual_damping: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="share of a power's leverage offset by the other's full leverage; "
        "MV1 P L604-609; size (A)",
    )
    leverage_aversion: float = Field(
        3.0,
        ge=0.0,
        le=20.0,
        description="eta, 1/leverage unit; alignment falls as exp(-eta L_eff); (A)",
    )
    alignment_relaxation_half_life_months: float = Field(
        half_life_from_rate(0.05),
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap to the target alignment (13.5: 0.05 closed per "
        "month); (A)",
    )
    money_pull: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="China's base weight x (1 + this x capital_need x lending_appetite); "
        "MV4 T L2083-2089, E L41; size (A)",
    )
    gratitude_pull: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="Russia's base weight x (1 + this x csto_gratitude); deference owed for the "
        "CSTO rescue, RL5 T L299-305; size (A)",
    )
    threat_pull: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="the West's base weight x (1 + this x threat_perception); "
        "RL4 T L1554-1622, E L102; size (A)",
    )
    floor_russia: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="share; lowest alignment with Russia; MV3 T L2045-2059, E L93; level (A)",
    )
    floor_any: float = Field(
        0.05,
        ge=0.0,
        le=1.0 / 3.0,
        description="share; lowest alignment with any partner; MV5 C L3, L67; level (A)",
    )
    base_weights: tuple[Positive, Positive, Positive] | None = Field(
        None,
        description="base_j for russia, china, west; none = calibrated so that the initial "
        "alignment is the target in the first month; (A)",
    )

    @model_validator(mode="after")
    def _check(self) -> Config:
        floors = max(self.floor_russia, self.floor_any) + 2 * self.floor_any
        if floors > 1.0:
            raise ValueError(
                f"floor_russia + 2 floor_any is {floors:g}; the floors must leave room (<= 1)"
            )
        if sum(self.russia_weights) <= 0.0:
            raise ValueError("russia_*_weight: at least one weight must be positive")
        if sum(self.china_weights) <= 0.0:
            raise ValueError("china_*_weight: at least one weight must be positive")
        return self

    @property
    def russia_weights(self) -> tuple[float, float, float, float, float]:
        """Weights of trade, transit, security, media and EAEU membership."""
        return (
            self.russia_trade_weight,
            self.russia_transit_weight,
            self.russia_security_weight,
            self.russia_media_weight,
            self.russia_eaeu_weight,
        )

    @property
    def china_weights(self) -> tuple[float, float, float, float]:
        """Weights of debt, equity, imports and investment."""
        return (
            self.china_debt_weight,
            self.china_equity_weight,
            self.china_imports_weight,
            self.china_investment_weight,
        )

    @property
    def floors(self) -> FloatArray:
        """Lowest alignment with russia, china, west."""
        return np.array(
            [max(self.floor_russia, self.floor_any), self.floor_any, self.floor_any],
            dtype=np.float64,
        )


READS = (
    "kazakhstan.gdp_usd_bn",
    "russia.transit_dependence",
    "russia.media_reach",
    "tariff_harmonisation.trade_leverage_russia",
    "tariff_harmonisation.eaeu_member",
    "tariff_harmonisation.import_share_china",
    "bri_loans.capital_need",
    "bri_loans.china_lending_appetite",
    "bri_loans.debt_to_china_usd_bn",
    "bri_loans.china_equity_usd_bn",
    "bri_loans.china_investment_usd_bn",
    "russian_reactions.security_leverage_russia",
    "russian_reactions.csto_gratitude",
    "russian_reactions.threat_perception",
)
#: Channels this rule posts to: none, it moves only its own state.
POSTS: tuple[str, ...] = ()
#: The citizens' arrays (kzsim.agents.population) this rule owns and alone writes.
CITIZENS: tuple[str, ...] = ()


@dataclass
class State(RuleState):
    """Alignment with each partner, the powers' effective leverage and Kazakhstan's autonomy.

    The multi-vector rule alone writes these fields; other rules move the alignment only through
    the ``multi_vector.alignment`` channel (:func:`shift_toward_china`), and the scenario's events
    may set it (the rule projects it back onto the simplex).
    """

    owner = "multi_vector"
    initial_from: ClassVar[dict[str, str]] = {
        "kazakhstan.alignment_russia": "alignment_russia",
        "kazakhstan.alignment_china": "alignment_china",
        "kazakhstan.alignment_west": "alignment_west",
    }

    alignment_russia: float = var(
        0.5,
        unit="share 0-1",
        description="alignment weight on Russia",
        headline=True,
        group="alignment",
    )
    alignment_china: float = var(
        0.2,
        unit="share 0-1",
        description="alignment weight on China",
        headline=True,
        group="alignment",
    )
    alignment_west: float = var(
        0.3,
        unit="share 0-1",
        description="alignment weight on the West",
        headline=True,
        group="alignment",
    )
    leverage_russia: float = var(
        0.0,
        unit="share 0-1",
        description="Russia's leverage over Kazakhstan, damped by China's (MV1)",
        scope="russia",
        group="alignment",
    )
    leverage_china: float = var(
        0.0,
        unit="share 0-1",
        description="China's leverage over Kazakhstan, damped by Russia's (MV1)",
        scope="china",
        group="alignment",
    )
    china_economic_weight: float = var(
        0.0,
        unit="share 0-1",
        description="China's leverage before MV1 damping: debt, equity, imports, investment",
        scope="china",
    )
    autonomy_index: float = var(
        1.0,
        unit="share 0-1",
        description="1 - the highest effective leverage",
        headline=True,
        group="alignment",
    )


#: Series derived from more than this rule's state (none).
DERIVED: tuple[Series, ...] = ()
DERIVED_REGIONAL: tuple[RegionalSeries, ...] = ()


def shift_toward_china(state: State, delta: float) -> None:
    """Move alignment toward China, ``a_CN += delta (1 - a_CN)``, scaling the others down.

    Russia and the West lose in proportion to their shares, so the three still sum to one
    (P L66-68: dependency turns into political alignment).
    """
    total = state.alignment_russia + state.alignment_china + state.alignment_west
    russia, china, west = (
        state.alignment_russia / total,
        state.alignment_china / total,
        state.alignment_west / total,
    )
    new_china = china + delta * (1.0 - china)
    factor = (1.0 - new_china) / (1.0 - china) if china < 1.0 else 0.0
    state.alignment_russia, state.alignment_china, state.alignment_west = (
        russia * factor,
        new_china,
        west * factor,
    )


def channels(state: State, population: Any) -> dict[str, Channel[Any]]:
    """The alignment channel: other rules' shifts toward China (the BRI debt trap, BR10)."""
    return {
        "multi_vector.alignment": Channel(
            "multi_vector.alignment", lambda delta: shift_toward_china(state, delta), abs
        )
    }
