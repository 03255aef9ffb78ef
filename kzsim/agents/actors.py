"""The four state actors as Mesa agents, holding only what belongs to the actor.

An actor keeps its exogenous state, set by the scenario (``initial``, events, drivers): the
government's GDP, budget stress, exports, fuel price and Xinjiang salience; Russia's media reach
and oil transit; China's strategic interest and lending appetite; the EAEU's integration depth.
Everything the rules compute is in the rules' own states (kzsim.contract). The government's macro
state follows the drivers in the "drivers" stage; the actors' ``step`` is the "actors decide" stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    """The government's exogenous state: GDP, budget stress, exports, fuel price, Xinjiang.

    Budget stress ``B = clip(0.6 (1 - P_oil / P_ref))``: ~60% of the budget comes from oil
    (P L219-220) and ``P_ref`` is the 2010-2013 average Brent price.
    """

    key = "kazakhstan"

    xinjiang_salience: float
    gdp_usd_bn: float
    fuel_price_index: float
    budget_stress: float
    exports_usd_bn: float

    def __init__(self, model: KazakhstanModel, initial: KazakhstanState) -> None:
        super().__init__(model, initial)
        self.budget_stress = 0.0
        self.exports_usd_bn = 0.0

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


class China(StateActor):
    """China: its strategic interest (its lending appetite is the Belt and Road rule's state)."""

    key = "china"

    strategic_interest: float


class Eaeu(StateActor):
    """The Eurasian Economic Union / Eurasian Economic Commission."""

    key = "eaeu"

    integration_depth: float
