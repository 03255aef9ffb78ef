"""Land policy, protest and the government's response (LP1-LP5). STUB: to be implemented."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kzsim.rules.base import Rule as BaseRule
from kzsim.rules.base import RuleConfig
from kzsim.series import RegionalSeries, Series

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


class Config(RuleConfig):
    """Parameters of the land-policy state machine and the protest engine."""


class Rule(BaseRule[Config]):
    """Land policy state machine, protest engine (Epstein or threshold), government response."""

    name = "land_protests"

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""


SERIES = (
    Series("land_policy_state", "kazakhstan", "code",
           "0 closed, 1 reform pending, 2 in force, 3 moratorium, 4 ban",
           lambda m: float(m.kazakhstan.land_policy_state)),
)
REGIONAL_SERIES = (
    RegionalSeries("protest_share", "share 0-1", "citizens active in protest",
                   lambda m: m.population.regional_mean(m.population.active)),
)
_ = np
