"""The interactive dashboard: kzsim's levers, live plots, map, event log and teaching card.

The left column holds Mesa's run controls (Reset, play and Step; ``ModelController``), one
control per lever (``kzsim.viz.levers``) showing its value, and the scenario's teaching card
(``kzsim.viz.card``). Mesa's internal controls (play and render interval, threads) are left out:
the play speed is fixed. A changed lever takes effect at the next Reset, which builds a new
``DashboardModel`` with the same seed, so the lever is the only difference from the run before
(common random numbers); that run stays on the plots, faint, until the next Reset. The main area
shows one view at a time (``VIEWS``), as wide as a projector allows: the plot groups' series with
the key events numbered and PNG and CSV downloads; a tile map of the regions now, at a chosen
month or at each region's peak; the whole event log filterable by kind; what each lever sets;
the decision game (Govern).

In the decision game (``kzsim.game.govern``) the student takes the government's decisions, as
in ``kzsim play``: the run stops at each decision point, the Govern view shows the question, what
happened, the state, the choices and the sources, and the answer rebuilds the run from the
game's scenario. Mesa's controller is mounted afresh with the rebuilt model (its own state
holds that the run had stopped; ``RunControls``), and Step or Play goes on. Reset starts a new
game while the game mode is on. At the end the game is saved as ``kzsim play`` saves it, with
its debrief.

Solara's package does not declare its exports or type its components for ``mypy --strict``;
the error codes below are switched off for this file only, which holds nothing but UI glue.
"""

# mypy: disable-error-code="attr-defined,no-untyped-call"

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from kzsim.contract import PLOT_GROUP_TITLES, PLOT_GROUPS, PlotGroup
from kzsim.game.ask import situation
from kzsim.game.govern import GovernedModel, Saved, continues, save_game
from kzsim.model import KazakhstanModel
from kzsim.scenario.schema import Scenario
from kzsim.viz.card import card_html, teaching_cards
from kzsim.viz.levers import (
    LAND_REFORM_LABEL,
    LEVERS,
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
#: The view of the live plots, and the decision game's.
SERIES, GOVERN = "Series", "Govern"
#: The figure fits its view (drawn at about a projector's width); the map fills its view.
PAGE_CSS = """
.kzsim-figure img { max-width: 100%; height: auto; }
.kzsim-map svg { width: 100%; max-width: 52em; height: auto; }
.kzsim-choice { text-transform: none !important; height: auto !important; white-space: normal;
  text-align: left; padding: 0.4em 0.8em !important; margin: 0.2em 0; }
.kzsim-game { font-size: 1.1em; }
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
    params["govern"] = False
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
    """The scenario and how far the run has come (or the decision it waits for)."""
    update_counter.get()
    pending = getattr(model, "pending", None)
    if pending is None:
        solara.HTML(tag="div", unsafe_innerHTML=progress_html(model))
        return
    point, moment = pending
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"<p><b>{escape(model.scenario.metadata.name)}</b><br><span data-testid='progress'>"
            f"Month {moment.step + 1} of {model.last_step + 1} simulated (stopped for your "
            f"decision: {escape(point.title)})</span>. Answer it in Govern.</p>"
        ),
    )


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
def RunControls(model: Any, params: Any, mounted: int) -> None:
    """Mesa's Reset, play and Step; a new ``mounted`` number mounts them afresh.

    Mesa's controller keeps to itself that a run has stopped (Play and Step disabled); a game
    that goes on after an answer needs a controller that has not seen it stop.
    """
    ModelController(
        model,
        model_parameters=params,
        play_interval=solara.use_reactive(PLAY_INTERVAL_MS),
        render_interval=solara.use_reactive(1),
        use_threads=solara.use_reactive(False),
    )


@solara.component
def Dashboard(scenario: Scenario, seed: int | None, path: Path) -> None:
    """The whole page: run controls and levers on the left, kzsim's views beside them."""
    params = solara.use_reactive(solara.use_memo(lambda: model_params(scenario, seed), []))
    first = solara.use_memo(lambda: GovernedModel(scenario=scenario, seed=seed), [])
    model = solara.use_reactive(first)
    mounted = solara.use_reactive(0)  # a new number mounts Mesa's controller afresh
    shown = solara.use_ref(first)
    before: KazakhstanModel | None = None  # the run before the last Reset
    previous = solara.use_ref(before)
    if model.value is not shown.current:
        if not continues(model.value, shown.current):  # a Reset: the run shown becomes the overlay
            previous.current = shown.current
        shown.current = model.value

    def go_on(new: KazakhstanModel) -> None:
        """Show ``new`` (a game going on, or a new game); a fresh controller if it runs.

        A model that is stopped already (another decision point in the same month, or the
        game's end) keeps the controller that saw the run stop, so Play and Step stay disabled.
        """
        model.set(new)
        if new.running:
            mounted.set(mounted.value + 1)

    def new_game(govern: bool) -> None:
        """Reset with the game mode on or off."""
        params.set({**params.value, "govern": govern})
        go_on(GovernedModel(**params.value))

    title = f"kzsim: {scenario.metadata.name}"
    solara.Title(title)
    solara.Style(PAGE_CSS)
    with solara.Columns([1, 3]):
        with solara.Column():
            with solara.Card("Run"):
                RunControls(model, params, mounted.value).key(f"controller-{mounted.value}")
            with solara.Card("Levers"):
                LeverInputs(params)
            ScenarioCard(scenario, path)
        with solara.Column():
            Progress(model.value)
            Views(model.value, previous.current, go_on, new_game)


@solara.component
def Govern(model: KazakhstanModel, go_on: Any, new_game: Any) -> None:
    """The decision game: start it, answer the decision points, save it with its debrief."""
    update_counter.get()
    session = getattr(model, "session", None)
    nothing: tuple[Any, Saved] | None = None
    saved, set_saved = solara.use_state(nothing)  # (the game's session, where it was saved)
    with solara.Card("Govern Kazakhstan"), solara.Div(classes=["kzsim-game"]):
        if session is None:
            paragraph(
                "Take the government's decisions yourself: the run stops at each decision the "
                "model raises (China's loan offers, the land reform, the answer to protests, a "
                "CSTO request, Russian pressure, EAEU steps); the model plays Russia, China, "
                "the EAEU and the publics. The game starts from the levers as they are set, "
                "with the same seed; at its end it is saved as <code>kzsim play</code> saves it."
            )
            solara.Button("Start a game", color="primary", on_click=lambda: new_game(True))
            return
        assert isinstance(model, GovernedModel)
        pending = model.pending
        if pending is not None:
            Question(model, pending, go_on)
        elif model.game_over:
            paragraph(f"<b>The game is over</b> ({len(session.game.taken)} decisions).")
            if saved is None or saved[0] is not session:
                solara.Button(
                    "Save the game and its debrief",
                    color="primary",
                    on_click=lambda: set_saved((session, save_game(session.game))),
                )
            else:
                solara.HTML(tag="div", unsafe_innerHTML=saved_html(saved[1]))
        else:
            paragraph(
                "No decision awaits: press Step or ▶; the run stops at the next decision point. "
                "The game can be saved at its end."
            )
        solara.HTML(tag="div", unsafe_innerHTML=taken_html(model))
        solara.Button(
            "Leave the game (a plain run from the start)",
            text=True,
            on_click=lambda: new_game(False),
        )


@solara.component
def Question(model: GovernedModel, pending: Any, go_on: Any) -> None:
    """The pending decision: the situation, a button per choice, the default and the sources."""
    point, moment = pending
    lines = situation(point, moment)

    def answer(index: int) -> None:
        if model.pending is not None:  # a second click on a run already answered does nothing
            go_on(model.decide(index))

    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"<h3 data-testid='decision'>{escape(lines[0].strip('= '))}</h3>"
            f"<p><b>{escape(lines[1])}</b></p><ul>"
            + "".join(f"<li>{escape(line.strip())}</li>" for line in lines[2:])
            + "</ul>"
        ),
    )
    for index, choice in enumerate(point.choices):
        solara.Button(
            f"{index + 1}. {choice.label}",
            classes=["kzsim-choice"],
            outlined=True,
            on_click=lambda index=index: answer(index),
        )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"<p><i>The model's own government {escape(point.default)}.</i></p>"
            "<details><summary>The mechanism and its sources</summary><ul>"
            + "".join(f"<li>{escape(source)}</li>" for source in point.sources)
            + "</ul></details>"
        ),
    )


def paragraph(html: str) -> None:
    """A paragraph of trusted HTML (Solara's Markdown would fetch KaTeX from its CDN)."""
    solara.HTML(tag="p", unsafe_innerHTML=html)


def taken_html(model: GovernedModel) -> str:
    """The decisions taken so far, as a list."""
    assert model.session is not None
    taken = model.session.game.taken
    if not taken:
        return "<p data-testid='taken'>No decision taken yet.</p>"
    rows = "".join(
        f"<li>{escape(t.date)} {escape(t.point.title)}: {escape(t.choice.label)}</li>"
        for t in taken
    )
    return f"<div data-testid='taken'><h4>Your decisions</h4><ol>{rows}</ol></div>"


def saved_html(saved: Saved) -> str:
    """Where the game was saved, its files to download and the debrief."""
    parts = []
    for line in saved.lines:
        if line.startswith("=="):  # a heading of the debrief
            parts.append(f"</ul><h4>{escape(line.strip('= '))}</h4><ul>")
        else:
            parts.append(f"<li>{escape(line.strip())}</li>")
    return (
        f"<p data-testid='saved'>Saved to <code>{escape(str(saved.folder))}</code> (replay: "
        f"<code>kzsim run {escape(str(saved.folder / 'game.yaml'))}</code>).</p>"
        f"{saved.links}<div class='debrief'><ul>{''.join(parts)}</ul></div>"
    )


@solara.component
def Views(
    model: KazakhstanModel, previous: KazakhstanModel | None, go_on: Any, new_game: Any
) -> None:
    """One view of the run at a time, each as wide as the page allows (a projector is narrow)."""
    view, set_view = solara.use_state(SERIES)
    solara.ToggleButtonsSingle(value=view, values=list(VIEWS), on_value=set_view)
    if getattr(model, "pending", None) is not None and view != GOVERN:
        solara.Button(
            "The run waits for your decision: answer it in Govern",
            color="warning",
            on_click=lambda: set_view(GOVERN),
        )
    if view == SERIES:
        HeadlinePlots(model, previous)
    elif view == GOVERN:
        Govern(model, go_on, new_game)
    else:
        VIEWS[view](model)


#: The main area's views, by the label of their button (the series' own takes the previous run,
#: the game's the controls of the run).
VIEWS: dict[str, Any] = {
    SERIES: None,
    "Regional map": RegionalMap,
    "Event log": EventLog,
    "Levers": LeverList,
    GOVERN: Govern,
}
