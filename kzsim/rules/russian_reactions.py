"""Russia's reactions to Kazakh drift (RL2-RL3). STUB: to be implemented."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzsim.rules.base import Rule as BaseRule
from kzsim.rules.base import RuleConfig
from kzsim.series import RegionalSeries, Series

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


class Config(RuleConfig):
    """Parameters of Russia's reactions."""


class Rule(BaseRule[Config]):
    """Irritation, rhetoric and the non-tariff-barrier hazard."""

    name = "russian_reactions"

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""


SERIES = (
    Series("russian_irritation", "russia", "share 0-1", "Russia's irritation at Kazakh drift",
           lambda m: m.russia.irritation),
)
REGIONAL_SERIES: tuple[RegionalSeries, ...] = ()
