"""The interactive dashboard: kzsim's levers, live plots, map, event log and teaching card.

The left column holds Mesa's run controls (Reset, play and Step; ``ModelController``), one
control per lever (``kzsim.viz.levers``) showing its value, and the scenario's teaching card
(``kzsim.viz.card``). Mesa's internal controls (play and render interval, threads) are left out:
the play speed is fixed. A changed lever takes effect at the next Reset, which builds a new
``DashboardModel`` with the same seed, so the lever is the only difference from the run before
(common random numbers); that run stays on the plots, faint, until the next Reset. The main area
shows one view at a time (``VIEWS``), as wide as a projector allows: the plot groups' series with
the key events numbered and PNG and CSV downloads; a tile map of the regions now, at a chosen
month or at each region's peak; the whole event log filterable by kind; what each lever sets.

Solara's package does not declare its exports or type its components for ``mypy --strict``;
the error codes below are switched off for this file only, which holds nothing but UI glue.
"""

# mypy: disable-error-code="attr-defined,no-untyped-call"

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from kzsim.contract import PLOT_GROUP_TITLES, PLOT_GROUPS, PlotGroup
from kzsim.model import KazakhstanModel
from kzsim.scenario.schema import Scenario
from kzsim.viz.card import card_html, teaching_cards
from kzsim.viz.levers import (
    LAND_REFORM_LABEL,
    LEVERS,
    DashboardModel,
    Lever,
    has_land_reform,
    value_at,
)
from kzsim.viz.live import (
    MAP_CHOICES,
    PEAK,
    event_kinds,
    event_marks_html,
    events_html,
    export_links_html,
    headline_figure,
    latest_values_html,
    levers_html,
    map_months,
    overlay_html,
    progress_html,
    regional_map_svg,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Milliseconds between two months while playing.
PLAY_INTERVAL_MS = 150
#: The plot choice that shows every group.
ALL_GROUPS = "All"
#: The map's views besides a chosen month.
NOW, MONTH = "now", "month"
#: The view of the live plots.
SERIES = "Series"
#: The figure fits its view (drawn at about a projector's width); the map fills its view.
PAGE_CSS = """
.kzsim-figure img { max-width: 100%; height: auto; }
.kzsim-map svg { width: 100%; max-width: 52em; height: auto; }
"""


def model_params(scenario: Scenario, seed: int | None) -> dict[str, Any]:
    """The keywords of ``DashboardModel``: the fixed scenario and seed, and each lever's start.

    Each lever starts at the scenario's own value.
    """
    data = scenario.to_data()
    params: dict[str, Any] = {"scenario": scenario, "seed": seed}
    params |= {lever.name: value_at(data, lever.key) for lever in LEVERS}
    if has_land_reform(scenario):
        params["land_reform"] = True
    return params


@solara.component
def LeverInput(lever: Lever, value: Any, on_value: Any) -> None:
    """One lever's control, its value written in its label."""
    if lever.control == "select":
        solara.Select(lever.label, values=list(lever.choices), value=value, on_value=on_value)
    elif lever.control == "int":
        solara.SliderInt(
            f"{lever.label}: {int(value)}",
            value=int(value),
            min=int(lever.low),
            max=int(lever.high),
            step=int(lever.step),
            on_value=on_value,
        )
    else:
        solara.SliderFloat(
            f"{lever.label}: {float(value):.2f}",
            value=float(value),
            min=lever.low,
            max=lever.high,
            step=lever.step,
            on_value=on_value,
        )


@solara.component
def LeverInputs(params: solara.Reactive[dict[str, Any]]) -> None:
    """Every lever's control; a change is stored for the next Reset."""

    def setter(name: str) -> Any:
        return lambda value: params.set({**params.value, name: value})

    for lever in LEVERS:
        LeverInput(lever, params.value[lever.name], setter(lever.name))
    if "land_reform" in params.value:
        solara.Switch(
            label=LAND_REFORM_LABEL,
            value=params.value["land_reform"],
            on_value=setter("land_reform"),
        )
    solara.Text("A changed lever takes effect at Reset (same seed).")


@solara.component
def Progress(model: KazakhstanModel) -> None:
    """The scenario and how far the run has come."""
    update_counter.get()
    solara.HTML(tag="div", unsafe_innerHTML=progress_html(model))


@solara.component
def HeadlinePlots(model: KazakhstanModel, previous: KazakhstanModel | None) -> None:
    """Live plots of the chosen plot groups, the latest values and the exports."""
    update_counter.get()
    choice, set_choice = solara.use_state(ALL_GROUPS)
    titles: dict[str, PlotGroup] = {PLOT_GROUP_TITLES[g]: g for g in PLOT_GROUPS}
    groups = None if choice == ALL_GROUPS else [titles[choice]]
    figure = headline_figure(model, previous, groups)
    with solara.Card("Series"):
        solara.Select("Plot group", values=[ALL_GROUPS, *titles], value=choice, on_value=set_choice)
        with solara.Div(classes=["kzsim-figure"]):
            solara.FigureMatplotlib(figure, format="png")
        solara.HTML(tag="div", unsafe_innerHTML=overlay_html(previous))
        solara.HTML(tag="div", unsafe_innerHTML=event_marks_html(model))
        solara.HTML(tag="div", unsafe_innerHTML=latest_values_html(model))
        Exports(model, figure)


@solara.component
def Exports(model: KazakhstanModel, figure: Figure) -> None:
    """A button that makes download links of the plots and series as they are now."""
    links, set_links = solara.use_state("")
    solara.Button(
        "Prepare downloads (PNG, CSV)", on_click=lambda: set_links(export_links_html(model, figure))
    )
    if links:
        solara.HTML(tag="div", unsafe_innerHTML=links)


@solara.component
def ScenarioCard(scenario: Scenario, path: Path) -> None:
    """The teaching card of the scenario, as NetLogo's Info tab."""
    html = solara.use_memo(
        lambda: card_html(path, scenario.metadata.description, teaching_cards()), []
    )
    with solara.Card("About this scenario"):
        solara.HTML(tag="div", unsafe_innerHTML=html)


@solara.component
def RegionalMap(model: KazakhstanModel) -> None:
    """The tile map of the regions: now, at a chosen month, or each region's peak."""
    update_counter.get()
    choice, set_choice = solara.use_state(next(iter(MAP_CHOICES)))
    view, set_view = solara.use_state(NOW)
    months = map_months(model)
    index, set_index = solara.use_state(0)
    at = min(index, len(months) - 1)
    month = {NOW: None, PEAK: PEAK, MONTH: months[at] if months else None}[view]
    with solara.Card("Regional map"):
        solara.Select("Series", values=list(MAP_CHOICES), value=choice, on_value=set_choice)
        solara.ToggleButtonsSingle(value=view, values=[NOW, MONTH, PEAK], on_value=set_view)
        if view == MONTH and months:
            solara.SliderInt(
                f"Month: {months[at]}",
                value=at,
                min=0,
                max=len(months) - 1,
                on_value=set_index,
                thumb_label=False,
            )
        with solara.Div(classes=["kzsim-map"]):
            solara.HTML(tag="div", unsafe_innerHTML=regional_map_svg(model, choice, month))


@solara.component
def EventLog(model: KazakhstanModel) -> None:
    """The whole event log, newest first, filterable by kind."""
    update_counter.get()
    chosen, set_chosen = solara.use_state(list[str]())
    counts = event_kinds(model)
    kinds = [kind for kind in chosen if kind in counts]
    with solara.Card("Event log"):
        solara.SelectMultiple(
            "Kinds shown (none chosen: all)",
            values=kinds,
            all_values=list(counts),
            on_value=set_chosen,
            dense=True,
        )
        solara.HTML(tag="div", unsafe_innerHTML=events_html(model, kinds or None))


@solara.component
def LeverList(model: KazakhstanModel) -> None:
    """What the sidebar's levers set, and their values in the current run."""
    with solara.Card("Levers"):
        solara.HTML(tag="div", unsafe_innerHTML=levers_html(model))


@solara.component
def Dashboard(scenario: Scenario, seed: int | None, path: Path) -> None:
    """The whole page: run controls and levers on the left, kzsim's views beside them."""
    params = solara.use_reactive(solara.use_memo(lambda: model_params(scenario, seed), []))
    first = solara.use_memo(lambda: DashboardModel(scenario=scenario, seed=seed), [])
    model = solara.use_reactive(first)
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    shown = solara.use_ref(first)
    before: KazakhstanModel | None = None  # the run before the last Reset
    previous = solara.use_ref(before)
    if model.value is not shown.current:  # a Reset: the run shown until now becomes the overlay
        previous.current = shown.current
        shown.current = model.value
    title = f"kzsim: {scenario.metadata.name}"
    solara.Title(title)
    solara.Style(PAGE_CSS)
    with solara.Columns([1, 3]):
        with solara.Column():
            with solara.Card("Run"):
                ModelController(
                    model,
                    model_parameters=params,
                    play_interval=play_interval,
                    render_interval=render_interval,
                    use_threads=use_threads,
                )
            with solara.Card("Levers"):
                LeverInputs(params)
            ScenarioCard(scenario, path)
        with solara.Column():
            Progress(model.value)
            Views(model.value, previous.current)


@solara.component
def Views(model: KazakhstanModel, previous: KazakhstanModel | None) -> None:
    """One view of the run at a time, each as wide as the page allows (a projector is narrow)."""
    view, set_view = solara.use_state(SERIES)
    solara.ToggleButtonsSingle(value=view, values=list(VIEWS), on_value=set_view)
    if view == SERIES:
        HeadlinePlots(model, previous)
    else:
        VIEWS[view](model)


#: The main area's views, by the label of their button (the series' own takes the previous run).
VIEWS: dict[str, Any] = {
    SERIES: None,
    "Regional map": RegionalMap,
    "Event log": EventLog,
    "Levers": LeverList,
}
