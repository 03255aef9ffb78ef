"""The four state actors as Mesa agents; their ``step`` is the "actors decide" stage of a month.

Rules write the actors' interaction state (tariffs, loans, leverage, protest responses); each
actor's own step keeps its slow bookkeeping: China's appetite relaxing toward its strategic
interest. The government's macro state follows the drivers in the "drivers" stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from pydantic import BaseModel

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel
    from kzsim.scenario.schema import ChinaState, EaeuState, KazakhstanState, RussiaState

#: Share of the state budget that comes from oil (P L219-220).
OIL_BUDGET_SHARE = 0.6
#: Pre-2014 reference oil price, US$/bbl: the 2010-2013 Brent average (drivers_annual.csv).
OIL_REFERENCE_USD = (79.61 + 111.26 + 111.63 + 108.56) / 4


class StateActor(mesa.Agent):  # type: ignore[misc]
    """A state actor whose initial attributes come from the scenario's ``initial`` section."""

    model: KazakhstanModel

    def __init__(self, model: KazakhstanModel, initial: BaseModel) -> None:
        super().__init__(model)
        for name, value in initial:
            setattr(self, name, float(value))


class Kazakhstan(StateActor):
    """The government: alignment, tariffs, debt, land policy and the response to protest.

    Budget stress ``B = clip(0.6 (1 - P_oil / P_ref))``: ~60% of the budget comes from oil
    (P L219-220) and ``P_ref`` is the 2010-2013 average Brent price.
    """

    applied_tariff: float
    repression: float
    threat_perception: float
    land_salience: float
    xinjiang_salience: float
    alignment_russia: float
    alignment_china: float
    alignment_west: float
    gdp_usd_bn: float
    fuel_price_index: float

    def __init__(self, model: KazakhstanModel, initial: KazakhstanState) -> None:
        super().__init__(model, initial)
        self.budget_stress = 0.0
        self.capital_need = 0.0
        self.exports_usd_bn = 0.0
        self.consumer_price_index = 100.0
        self.price_pressure = 0.0
        self.import_share_russia = 0.0
        self.import_share_china = 0.0
        self.import_share_other = 0.0
        self.reexport_income_usd_bn = 0.0
        self.grey_trade_index = 0.0
        self.ntb_active = False
        self.exports_to_russia_index = 1.0
        self.debt_to_china_usd_bn = 0.0
        self.debt_service_ratio = 0.0
        self.land_policy_state = 0
        self.regions_in_wave = 0
        self.autonomy_index = 1.0

    @property
    def debt_to_gdp(self) -> float:
        """Debt owed to Chinese lenders over GDP."""
        return self.debt_to_china_usd_bn / self.gdp_usd_bn

    def absorb_drivers(self, drivers: dict[str, float]) -> None:
        """Update the macro state from this month's drivers (the "drivers" stage)."""
        self.gdp_usd_bn *= (1.0 + drivers["kazakhstan_gdp_growth_pct"] / 100.0) ** (1.0 / 12.0)
        self.exports_usd_bn = drivers["exports_usd_bn"]
        relative_fall = 1.0 - drivers["brent_usd_per_bbl"] / OIL_REFERENCE_USD
        self.budget_stress = float(np.clip(OIL_BUDGET_SHARE * relative_fall, 0.0, 1.0))


class Russia(StateActor):
    """Russia: irritation at Kazakh drift, media reach, security ties and trade leverage."""

    irritation: float
    media_reach: float
    security_leverage: float
    transit_dependence: float

    def __init__(self, model: KazakhstanModel, initial: RussiaState) -> None:
        super().__init__(model, initial)
        self.trade_leverage = 0.0
        self.leverage = 0.0
        self.ntb_hazard = 0.0
        self.csto_gratitude = 0.0


class China(StateActor):
    """China: strategic interest, lending appetite and the leverage of a creditor and investor."""

    strategic_interest: float
    lending_appetite: float

    def __init__(self, model: KazakhstanModel, initial: ChinaState) -> None:
        super().__init__(model, initial)
        self.leverage = 0.0
        self.economic_weight = 0.0
        self.equity_usd_bn = 0.0
        self.agriculture_appetite = 1.0
        self.disbursed_usd_bn = 0.0
        self.investment_usd_bn = 0.0
        self.agriculture_signed_usd_bn = 0.0
        self.failed_projects = 0

    def step(self) -> None:
        """Relax lending appetite toward strategic interest (the BRI's pull; P L14-29)."""
        rate = self.model.scenario.rules.bri_loans.appetite_recovery_per_month
        self.lending_appetite += rate * (self.strategic_interest - self.lending_appetite)


class Eaeu(StateActor):
    """The Eurasian Economic Union / Eurasian Economic Commission."""

    integration_depth: float

    def __init__(self, model: KazakhstanModel, initial: EaeuState) -> None:
        super().__init__(model, initial)
        self.member = False
        self.cet_rate = 0.0
