"""Friedkin-Johnsen opinion dynamics on the citizens' network. STUB: to be implemented."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzsim.rules.base import Rule as BaseRule
from kzsim.rules.base import RuleConfig
from kzsim.series import RegionalSeries

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


class Config(RuleConfig):
    """Parameters of opinion dynamics."""


class Rule(BaseRule[Config]):
    """Updates hardship and the four attitudes of every citizen."""

    name = "opinion"

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""


SERIES = ()
REGIONAL_SERIES = (
    RegionalSeries("legitimacy_mean", "share 0-1", "perceived legitimacy of the government",
                   lambda m: m.population.regional_mean(m.population.legitimacy)),
    RegionalSeries("sinophobia_mean", "share 0-1", "Sinophobia",
                   lambda m: m.population.regional_mean(m.population.sinophobia)),
    RegionalSeries("eaeu_support_mean", "share 0-1", "support for the EAEU",
                   lambda m: m.population.regional_mean(m.population.eaeu_support)),
    RegionalSeries("hardship_mean", "share 0-1", "economic hardship",
                   lambda m: m.population.regional_mean(m.population.hardship)),
)
