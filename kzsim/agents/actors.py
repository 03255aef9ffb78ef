"""The four state actors as Mesa agents; their ``step`` is the "actors decide" stage of a month.

Rules write the actors' interaction state (tariffs, loans, leverage, protest responses); each
actor's own step keeps its slow bookkeeping: China's appetite relaxing toward its strategic
interest. The government's macro state follows the drivers in the "drivers" stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
from pydantic import BaseModel

from kzsim.contracts import INITIAL_OWNERS

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel
    from kzsim.scenario.schema import KazakhstanState

#: Share of the state budget that comes from oil (P L219-220).
OIL_BUDGET_SHARE = 0.6
#: Pre-2014 reference oil price, US$/bbl: the 2010-2013 Brent average (drivers_annual.csv).
OIL_REFERENCE_USD = (79.61 + 111.26 + 111.63 + 108.56) / 4


def forwarded(owner: str, name: str) -> Any:
    """A transitional attribute that lives in the state of the rule ``owner`` (its one writer).

    Kept while rules move from actor attributes to their own state (kzsim.contract); reading or
    writing it reads or writes ``model.states[owner].<name>``.
    """

    def get(actor: Any) -> Any:
        return getattr(actor.model.states[owner], name)

    def put(actor: Any, value: Any) -> None:
        setattr(actor.model.states[owner], name, value)

    return property(get, put)


class StateActor(mesa.Agent):  # type: ignore[misc]
    """A state actor whose initial attributes come from the scenario's ``initial`` section."""

    model: KazakhstanModel

    #: The actor's name: its attribute of the model and its section of ``initial``.
    key: str = ""

    def __init__(self, model: KazakhstanModel, initial: BaseModel) -> None:
        super().__init__(model)
        for name, value in initial:
            if f"{self.key}.{name}" not in INITIAL_OWNERS:  # else a rule's state starts from it
                setattr(self, name, float(value))


class Kazakhstan(StateActor):
    """The government: alignment, tariffs, debt, land policy and the response to protest.

    Budget stress ``B = clip(0.6 (1 - P_oil / P_ref))``: ~60% of the budget comes from oil
    (P L219-220) and ``P_ref`` is the 2010-2013 average Brent price.
    """

    key = "kazakhstan"

    xinjiang_salience: float
    gdp_usd_bn: float
    fuel_price_index: float
    budget_stress: float
    exports_usd_bn: float

    applied_tariff = forwarded("tariff_harmonisation", "applied_tariff")
    consumer_price_index = forwarded("tariff_harmonisation", "consumer_price_index")
    price_pressure = forwarded("tariff_harmonisation", "price_pressure")
    import_share_russia = forwarded("tariff_harmonisation", "import_share_russia")
    import_share_china = forwarded("tariff_harmonisation", "import_share_china")
    import_share_other = forwarded("tariff_harmonisation", "import_share_other")
    reexport_income_usd_bn = forwarded("tariff_harmonisation", "reexport_income")
    grey_trade_index = forwarded("tariff_harmonisation", "grey_trade_index")
    ntb_active = forwarded("tariff_harmonisation", "ntb_active")
    exports_to_russia_index = forwarded("tariff_harmonisation", "exports_to_russia_index")
    capital_need = forwarded("bri_loans", "capital_need")
    debt_to_china_usd_bn = forwarded("bri_loans", "debt_to_china_usd_bn")
    debt_service_ratio = forwarded("bri_loans", "debt_service_ratio")
    repression = forwarded("land_protests", "repression")
    land_salience = forwarded("land_protests", "land_salience")
    land_policy_state = forwarded("land_protests", "land_policy_state")
    regions_in_wave = forwarded("land_protests", "regions_in_wave")
    alignment_russia = forwarded("multi_vector", "alignment_russia")
    alignment_china = forwarded("multi_vector", "alignment_china")
    alignment_west = forwarded("multi_vector", "alignment_west")
    autonomy_index = forwarded("multi_vector", "autonomy_index")
    threat_perception = forwarded("russian_reactions", "threat_perception")

    def __init__(self, model: KazakhstanModel, initial: KazakhstanState) -> None:
        super().__init__(model, initial)
        self.budget_stress = 0.0
        self.exports_usd_bn = 0.0

    @property
    def debt_to_gdp(self) -> float:
        """Debt owed to Chinese lenders over GDP."""
        return float(self.debt_to_china_usd_bn / self.gdp_usd_bn)

    def absorb_drivers(self, drivers: dict[str, float]) -> None:
        """Update the macro state from this month's drivers (the "drivers" stage)."""
        self.gdp_usd_bn *= (1.0 + drivers["kazakhstan_gdp_growth_pct"] / 100.0) ** (1.0 / 12.0)
        self.exports_usd_bn = drivers["exports_usd_bn"]
        relative_fall = 1.0 - drivers["brent_usd_per_bbl"] / OIL_REFERENCE_USD
        self.budget_stress = float(np.clip(OIL_BUDGET_SHARE * relative_fall, 0.0, 1.0))


class Russia(StateActor):
    """Russia: irritation at Kazakh drift, media reach, security ties and trade leverage."""

    key = "russia"

    media_reach: float
    transit_dependence: float

    irritation = forwarded("russian_reactions", "russian_irritation")
    security_leverage = forwarded("russian_reactions", "security_leverage_russia")
    csto_gratitude = forwarded("russian_reactions", "csto_gratitude")
    trade_leverage = forwarded("tariff_harmonisation", "trade_leverage_russia")
    ntb_hazard = forwarded("tariff_harmonisation", "ntb_hazard")
    leverage = forwarded("multi_vector", "leverage_russia")


class China(StateActor):
    """China: strategic interest, lending appetite and the leverage of a creditor and investor."""

    key = "china"

    strategic_interest: float
    lending_appetite: float

    leverage = forwarded("multi_vector", "leverage_china")
    economic_weight = forwarded("multi_vector", "china_economic_weight")
    equity_usd_bn = forwarded("bri_loans", "china_equity_usd_bn")
    agriculture_appetite = forwarded("bri_loans", "china_agriculture_appetite")
    disbursed_usd_bn = forwarded("bri_loans", "china_disbursed_usd_bn")
    investment_usd_bn = forwarded("bri_loans", "china_investment_usd_bn")
    agriculture_signed_usd_bn = forwarded("bri_loans", "china_agriculture_signed_usd_bn")
    failed_projects = forwarded("bri_loans", "failed_projects")

    def scale_appetite(self, factor: float) -> None:
        """The lending-appetite channel: contributions multiply China's appetite."""
        self.lending_appetite *= factor

    def step(self) -> None:
        """Relax lending appetite toward strategic interest (the BRI's pull; P L14-29)."""
        rate = self.model.scenario.rules.bri_loans.appetite_recovery_per_month
        self.lending_appetite += rate * (self.strategic_interest - self.lending_appetite)


class Eaeu(StateActor):
    """The Eurasian Economic Union / Eurasian Economic Commission."""

    key = "eaeu"

    integration_depth: float

    member = forwarded("tariff_harmonisation", "eaeu_member")
    cet_rate = forwarded("tariff_harmonisation", "cet_rate")
