"""The interactive dashboard: Mesa's SolaraViz with kzsim's levers, live plots, map and event log.

SolaraViz supplies the sidebar: play, step and reset, the play speed, and one control per lever
(``kzsim.viz.levers``). A changed lever takes effect at the next Reset, which builds a new
``DashboardModel`` with the same seed, so the lever is the only difference from the run before
(common random numbers). The main area shows the plot groups' series, a tile map of the regions
coloured by a headline regional series, the latest events and what each lever sets.

Solara's package does not declare its exports or type its components for ``mypy --strict``;
the error codes below are switched off for this file only, which holds nothing but UI glue.
"""

# mypy: disable-error-code="attr-defined,no-untyped-call"

from __future__ import annotations

from typing import Any

import solara
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import update_counter

from kzsim.model import KazakhstanModel
from kzsim.scenario.schema import Scenario
from kzsim.viz.levers import LAND_REFORM_LABEL, LEVERS, DashboardModel, has_land_reform, value_at
from kzsim.viz.live import (
    MAP_CHOICES,
    events_html,
    headline_figure,
    latest_values_html,
    levers_html,
    progress_html,
    regional_map_svg,
)


def model_params(scenario: Scenario, seed: int | None) -> dict[str, Any]:
    """SolaraViz ``model_params``: the fixed scenario and seed, and one control per lever.

    Each control starts at the scenario's own value.
    """
    data = scenario.to_data()
    params: dict[str, Any] = {"scenario": scenario, "seed": seed}
    for lever in LEVERS:
        value = value_at(data, lever.key)
        if lever.control == "select":
            params[lever.name] = {
                "type": "Select",
                "value": value,
                "values": list(lever.choices),
                "label": lever.label,
            }
        else:
            dtype = int if lever.control == "int" else float
            params[lever.name] = Slider(
                lever.label, dtype(value), dtype(lever.low), dtype(lever.high), lever.step, dtype
            )
    if has_land_reform(scenario):
        params["land_reform"] = {"type": "Checkbox", "value": True, "label": LAND_REFORM_LABEL}
    return params


@solara.component
def Progress(model: KazakhstanModel) -> None:
    """The scenario and how far the run has come."""
    update_counter.get()
    solara.HTML(tag="div", unsafe_innerHTML=progress_html(model))


@solara.component
def HeadlinePlots(model: KazakhstanModel) -> None:
    """Live plots of the headline series and their latest values."""
    update_counter.get()
    with solara.Card("Headline series"):
        solara.FigureMatplotlib(headline_figure(model), format="png")
        solara.HTML(tag="div", unsafe_innerHTML=latest_values_html(model))


@solara.component
def RegionalMap(model: KazakhstanModel) -> None:
    """The tile map of the regions, coloured by the chosen series."""
    update_counter.get()
    choice, set_choice = solara.use_state(next(iter(MAP_CHOICES)))
    with solara.Card("Regional map"):
        solara.ToggleButtonsSingle(value=choice, values=list(MAP_CHOICES), on_value=set_choice)
        solara.HTML(tag="div", unsafe_innerHTML=regional_map_svg(model, choice))


@solara.component
def EventLog(model: KazakhstanModel) -> None:
    """The run's story so far."""
    update_counter.get()
    with solara.Card("Event log"):
        solara.HTML(tag="div", unsafe_innerHTML=events_html(model))


@solara.component
def LeverList(model: KazakhstanModel) -> None:
    """What the sidebar's levers set, and their values in the current run."""
    with solara.Card("Levers"):
        solara.HTML(tag="div", unsafe_innerHTML=levers_html(model))


@solara.component
def Dashboard(scenario: Scenario, seed: int | None) -> None:
    """The whole page: SolaraViz's sidebar and kzsim's main area, sharing one model."""
    params = solara.use_memo(lambda: model_params(scenario, seed), [])
    first = solara.use_memo(lambda: DashboardModel(scenario=scenario, seed=seed), [])
    model = solara.use_reactive(first)
    SolaraViz(
        model,
        components=[],
        model_params=params,
        name=f"kzsim: {scenario.metadata.name}",
        play_interval=150,
    )
    with solara.Column():
        Progress(model.value)
        with solara.Columns([3, 2]):
            HeadlinePlots(model.value)
            with solara.Column():
                RegionalMap(model.value)
                EventLog(model.value)
        LeverList(model.value)
