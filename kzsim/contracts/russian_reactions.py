"""Contract of Russia's reactions: the rule's parameters and the series it declares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import Field

from kzsim.contract import Channel, RuleState, var
from kzsim.contracts.base import RuleConfig
from kzsim.dynamics import half_life_from_retention
from kzsim.series import RegionalSeries, Series


class Config(RuleConfig):
    """Parameters of Russia's reactions."""

    irritation_half_life_months: float = Field(
        half_life_from_retention(0.9),
        gt=0.0,
        le=600.0,
        description="months; irritation halves without new drift (6.58: 0.9 kept per month); (A)",
    )
    irritation_per_west_shift: float = Field(
        5.0,
        ge=0.0,
        le=100.0,
        description="irritation per unit rise of alignment_west in a month; RL2 C L25-27, L62, "
        "T L1593-1595; size (A)",
    )
    irritation_per_exit_signal: float = Field(
        3.0,
        ge=0.0,
        le=100.0,
        description="irritation per unit rise of threat perception made by events: a threatened "
        "Kazakhstan says it may leave Russian-led organisations, and Russia answers (RL3 "
        "P L465-470, T L1579-1583); size (A), set so a Crimea-size rise (0.2) crosses the "
        "rhetoric threshold",
    )
    irritation_per_sanctions: float = Field(
        0.02,
        ge=0.0,
        le=1.0,
        description="irritation per month at full sanctions on Russia; T L218-226; size (A)",
    )
    rhetoric_threshold: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="irritation above which territorial rhetoric occurs; RL3 P L465-470; (A)",
    )
    rhetoric_cooldown_months: int = Field(
        24, ge=1, le=600, description="months; least time between two rhetoric episodes; (A)"
    )
    rhetoric_threat_step: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="rise of threat perception per episode; RL3 T L1569-1583; size (A)",
    )
    threat_per_cpc_disruption: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="rise of threat perception per unit of new CPC disruption (share of capacity "
        "lost): Russia's hold on the route Kazakh oil takes (T L943-956); size (A): a full halt "
        "weighs half a rhetoric episode",
    )
    threat_half_life_months: float = Field(
        24.0,
        gt=0.0,
        le=600.0,
        description="months; half-life of the threat a rhetoric episode or a CPC disruption adds; "
        "(A)",
    )
    security_self_reliance_per_threat: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="fall of the target security leverage per unit threat perception above its "
        "initial level; RL1 T L1612-1622, L2129-2131; size (A)",
    )
    security_adjustment_half_life_months: float = Field(
        60.0,
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap between security leverage and its target "
        "(Russia's ~60% share of Central Asian arms imports held for ten years, T L1383-1389); "
        "(A)",
    )
    gratitude_half_life_months: float = Field(
        2.0,
        gt=0.0,
        le=600.0,
        description="months; Russia's CSTO gratitude halves: no lasting deference (RL5; "
        "T L299-307); (A)",
    )


READS = (
    "drivers.sanctions_on_russia",
    "multi_vector.alignment_west",
    "oil_routes.cpc_disruption",
)
#: Channels this rule posts to (their owners apply the contributions).
POSTS: tuple[str, ...] = ()
#: The citizens' arrays (kzsim.agents.population) this rule owns and alone writes.
CITIZENS: tuple[str, ...] = ()


@dataclass
class State(RuleState):
    """Russia's security hold, irritation and CSTO gratitude; Kazakhstan's threat perception.

    Besides the rule, the scenario's events write ``security_leverage_russia`` and
    ``threat_perception`` (the rule keeps their changes, and reads a rise of threat perception made
    by events as a Kazakh exit signal), and other rules step up
    ``csto_gratitude`` only through the channel ``russian_reactions.csto_gratitude``.
    """

    owner = "russian_reactions"
    initial_from: ClassVar[dict[str, str]] = {
        "russia.security_leverage": "security_leverage_russia",
        "russia.irritation": "russian_irritation",
        "kazakhstan.threat_perception": "threat_perception",
    }

    security_leverage_russia: float = var(
        0.6,
        unit="share 0-1",
        description="Russia's security leverage: arms and training (RL1)",
        scope="russia",
    )
    csto_gratitude: float = var(
        0.0,
        unit="share 0-1",
        description="Kazakhstan's debt of gratitude for allied troops, fading (RL5)",
        scope="russia",
    )
    russian_irritation: float = var(
        0.0,
        unit="share 0-1",
        description="Russia's irritation at Kazakh drift",
        scope="russia",
        headline=True,
        group="politics",
    )
    threat_perception: float = var(
        0.1,
        unit="share 0-1",
        description="Kazakhstan's perceived threat from Russia",
    )


#: Series derived from more than this rule's state (none).
DERIVED: tuple[Series, ...] = ()
DERIVED_REGIONAL: tuple[RegionalSeries, ...] = ()


def channels(state: State, population: Any) -> dict[str, Channel[Any]]:
    """The CSTO-gratitude channel: steps added when allied troops come (land_protests, RL5)."""

    def add(step: float) -> None:
        state.csto_gratitude = min(1.0, state.csto_gratitude + step)

    return {
        "russian_reactions.csto_gratitude": Channel("russian_reactions.csto_gratitude", add, abs)
    }
