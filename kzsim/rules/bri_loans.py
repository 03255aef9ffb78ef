"""Chinese finance under the Belt and Road Initiative (BR1-BR10). STUB: to be implemented."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from kzsim.rules.base import Rule as BaseRule
from kzsim.rules.base import RuleConfig
from kzsim.series import RegionalSeries, Series

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


class Config(RuleConfig):
    """Parameters of Chinese lending."""

    appetite_recovery_per_month: float = Field(
        0.05, ge=0.0, le=1.0, description="appetite relaxes toward strategic interest (A)"
    )


class Rule(BaseRule[Config]):
    """Offers, acceptance, disbursement, jobs, leakage, failure, debt service, distress."""

    name = "bri_loans"

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""


SERIES = (
    Series("debt_to_china_usd_bn", "kazakhstan", "US$ bn", "outstanding debt to Chinese lenders",
           lambda m: m.kazakhstan.debt_to_china_usd_bn),
    Series("debt_service_ratio", "kazakhstan", "share of exports", "annual service / exports",
           lambda m: m.kazakhstan.debt_service_ratio),
    Series("debt_to_gdp", "kazakhstan", "share of GDP", "debt to China over GDP",
           lambda m: m.kazakhstan.debt_to_gdp),
    Series("china_lending_appetite", "china", "share 0-1", "China's appetite to lend",
           lambda m: m.china.lending_appetite),
)
REGIONAL_SERIES: tuple[RegionalSeries, ...] = ()
