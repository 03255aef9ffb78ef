"""Tariff harmonisation in the Customs Union / EAEU (TH1-TH9). STUB: to be implemented."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzsim.rules.base import Rule as BaseRule
from kzsim.rules.base import RuleConfig
from kzsim.series import RegionalSeries, Series

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


class Config(RuleConfig):
    """Parameters of tariff harmonisation."""


class Rule(BaseRule[Config]):
    """Applied tariff, import shares, prices, re-exports, grey trade, NTBs, trade leverage."""

    name = "tariff_harmonisation"

    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""


SERIES = (
    Series("applied_tariff", "kazakhstan", "share 0-1", "average applied import tariff",
           lambda m: m.kazakhstan.applied_tariff),
    Series("consumer_price_index", "kazakhstan", "index, start = 100", "consumer prices",
           lambda m: m.kazakhstan.consumer_price_index),
    Series("import_share_russia", "kazakhstan", "share 0-1", "imports from Russia/EAEU",
           lambda m: m.kazakhstan.import_share_russia),
    Series("import_share_china", "kazakhstan", "share 0-1", "imports from China",
           lambda m: m.kazakhstan.import_share_china),
    Series("import_share_other", "kazakhstan", "share 0-1", "imports from the EU and others",
           lambda m: m.kazakhstan.import_share_other),
    Series("reexport_income", "kazakhstan", "US$ bn per year", "traders' re-export income",
           lambda m: m.kazakhstan.reexport_income_usd_bn),
)
REGIONAL_SERIES: tuple[RegionalSeries, ...] = ()
