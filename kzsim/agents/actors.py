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
from kzsim.contracts import bri_loans as bri
from kzsim.months import parse_month

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel
    from kzsim.scenario.schema import KazakhstanState

#: Share of the state budget that comes from oil (P L219-220).
OIL_BUDGET_SHARE = 0.6
#: Pre-2014 reference oil price, US$/bbl: the 2010-2013 Brent average (drivers_annual.csv).
OIL_REFERENCE_USD = (79.61 + 111.26 + 111.63 + 108.56) / 4
#: US consumer-price inflation, % a year, for months the scenario gives no tenge path (relative
#: purchasing-power parity; an assumption: about the US average of 2010-2023).
US_INFLATION_PCT = 2.0


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


def nominal_gdp_step(
    gdp_usd_bn: float,
    growth_pct: float,
    inflation_pct: float,
    kzt_per_usd_before: float | None,
    kzt_per_usd: float | None,
) -> float:
    """Nominal GDP in US$ one month on: a month of real growth and inflation, in this month's tenge.

    ``Y_t = Y_{t-1} (1 + g)^(1/12) (1 + pi)^(1/12) K_{t-1} / K_t``, with ``g`` real growth and
    ``pi`` CPI inflation (percent a year), ``K`` tenge per US$. CPI stands in for the GDP
    deflator (an assumption: it understates the deflator of an oil economy when oil prices rise).
    Where either month's tenge rate is not given by the scenario (``None``), relative
    purchasing-power parity stands in for it: ``K_{t-1} / K_t = ((1 + pi_US) / (1 + pi))^(1/12)``,
    so dollar GDP grows with real growth and US inflation (:data:`US_INFLATION_PCT`).

    Args:
        gdp_usd_bn: last month's nominal GDP, US$ bn a year.
        growth_pct: real GDP growth, % a year.
        inflation_pct: CPI inflation, % a year.
        kzt_per_usd_before: last month's tenge per US$, or None where not given.
        kzt_per_usd: this month's tenge per US$, or None where not given.

    Returns:
        This month's nominal GDP, US$ bn a year.

    """
    prices = 1.0 + inflation_pct / 100.0
    exchange: float
    if kzt_per_usd_before is None or kzt_per_usd is None:
        exchange = ((1.0 + US_INFLATION_PCT / 100.0) / prices) ** (1.0 / 12.0)
    else:
        exchange = kzt_per_usd_before / kzt_per_usd
    month: float = ((1.0 + growth_pct / 100.0) * prices) ** (1.0 / 12.0)
    return gdp_usd_bn * month * exchange


class Kazakhstan(StateActor):
    """The government's exogenous state: GDP, budget stress, exports, fuel price, Xinjiang.

    GDP is nominal, US$ bn at current prices: in the months the observed GDP driver
    (``kazakhstan_gdp_usd_bn``) is given, it is that value; in the others :func:`nominal_gdp_step`
    moves it on from the value it has, with the tenge rate where the scenario's tenge path gives
    it (first to last dated point) and relative purchasing-power parity elsewhere. Outside the
    observed span the real growth is the growth driver plus the growth Chinese project spending
    adds (``bri_loans.bri_growth_pct``, last month's; O L44); inside it the observed GDP already
    holds whatever the projects added. After 2023 (the projection of
    ``scenarios/baseline_2024_2035.yaml``) GDP in US$ therefore grows at real growth plus US
    inflation, the tenge following relative purchasing-power parity. Budget stress
    ``B = clip(0.6 (1 - P_oil / P_ref))``: ~60% of the budget comes from oil (P L219-220) and
    ``P_ref`` is the 2010-2013 average Brent price.
    """

    key = "kazakhstan"

    xinjiang_salience: float
    gdp_usd_bn: float
    kzt_per_usd_before: float | None
    fuel_price_index: float
    budget_stress: float
    exports_usd_bn: float

    def __init__(self, model: KazakhstanModel, initial: KazakhstanState) -> None:
        super().__init__(model, initial)
        self.budget_stress = 0.0
        self.exports_usd_bn = 0.0
        points = model.scenario.drivers.get("kzt_per_usd") or {}
        months = [parse_month(month) for month in points]
        #: The months the scenario's tenge path gives (first to last point), if any.
        self.tenge_given = range(min(months), max(months) + 1) if months else range(0)
        #: Last month's tenge per US$ (the first month's: no exchange-rate move in that month).
        self.kzt_per_usd_before = self.tenge(model.month, model.drivers["kzt_per_usd"])

    def tenge(self, month: int, kzt_per_usd: float) -> float | None:
        """This month's tenge per US$ where the scenario's tenge path gives it, else None."""
        return kzt_per_usd if month in self.tenge_given else None

    def absorb_drivers(self, drivers: dict[str, float]) -> None:
        """Update the macro state from this month's drivers (the "drivers" stage)."""
        observed = drivers.get("kazakhstan_gdp_usd_bn")
        kzt_per_usd = self.tenge(self.model.month, drivers["kzt_per_usd"])
        if observed is not None:
            self.gdp_usd_bn = observed
        else:
            self.gdp_usd_bn = nominal_gdp_step(
                self.gdp_usd_bn,
                drivers["kazakhstan_gdp_growth_pct"] + self.model.state(bri.State).bri_growth_pct,
                drivers["kazakhstan_cpi_inflation_pct"],
                self.kzt_per_usd_before,
                kzt_per_usd,
            )
        self.kzt_per_usd_before = kzt_per_usd
        self.exports_usd_bn = drivers["exports_usd_bn"]
        relative_fall = 1.0 - drivers["brent_usd_per_bbl"] / OIL_REFERENCE_USD
        self.budget_stress = float(np.clip(OIL_BUDGET_SHARE * relative_fall, 0.0, 1.0))


class Russia(StateActor):
    """Russia: irritation at Kazakh drift, media reach, security ties and trade leverage."""

    key = "russia"

    media_reach: float


class China(StateActor):
    """China: its strategic interest (its lending appetite is the Belt and Road rule's state)."""

    key = "china"

    strategic_interest: float


class Eaeu(StateActor):
    """The Eurasian Economic Union / Eurasian Economic Commission.

    ``integration_depth`` (0-1) is set by events (the union's stages) and read by
    tariff_harmonisation: it weights Russia's membership leverage (TH8; P L396-400, L590-594).
    """

    key = "eaeu"

    integration_depth: float
