"""Kazakhstan's multi-vector balancing (MV1-MV5). STUB: to be implemented."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzsim.rules.base import Rule as BaseRule
from kzsim.rules.base import RuleConfig
from kzsim.series import RegionalSeries, Series

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


class Config(RuleConfig):
    """Parameters of multi-vector balancing."""


class Rule(BaseRule[Config]):
    """Leverage of each power, alignment moving away from the strongest, autonomy."""

    name = "multi_vector"

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""


SERIES = (
    Series("alignment_russia", "kazakhstan", "share 0-1", "alignment weight on Russia",
           lambda m: m.kazakhstan.alignment_russia),
    Series("alignment_china", "kazakhstan", "share 0-1", "alignment weight on China",
           lambda m: m.kazakhstan.alignment_china),
    Series("alignment_west", "kazakhstan", "share 0-1", "alignment weight on the West",
           lambda m: m.kazakhstan.alignment_west),
    Series("leverage_russia", "russia", "share 0-1", "Russia's leverage over Kazakhstan",
           lambda m: m.russia.leverage),
    Series("leverage_china", "china", "share 0-1", "China's leverage over Kazakhstan",
           lambda m: m.china.leverage),
    Series("autonomy_index", "kazakhstan", "share 0-1", "1 - the highest leverage",
           lambda m: m.kazakhstan.autonomy_index),
)
REGIONAL_SERIES: tuple[RegionalSeries, ...] = ()
