"""The dashboard's views for a projector: sizes, overlay, event marks, map views, full event log,
exports, the teaching card and the levers' starting values (no browser)."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from kzsim.game.govern import GovernedModel
from kzsim.scenario.load import load_scenario
from kzsim.viz.card import card_html, teaching_cards
from kzsim.viz.dashboard import VIEWS, model_params
from kzsim.viz.levers import LEVERS, DashboardModel, value_at
from kzsim.viz.live import (
    PANELS,
    PEAK,
    PREVIOUS_ALPHA,
    TEXT_PT,
    chosen_panels,
    event_kinds,
    event_marks,
    event_marks_html,
    events_html,
    export_links_html,
    figure_png,
    headline_figure,
    map_months,
    overlay_html,
    regional_map_svg,
    series_csv,
)
from tests.conftest import small_scenario

ROOT = Path(__file__).parents[2]


def stepped(months: int, **levers: object) -> DashboardModel:
    model = DashboardModel(small_scenario(), seed=2, **levers)  # type: ignore[arg-type]
    for _ in range(months):
        model.step()
    return model


def test_every_text_of_the_figure_is_12_pt_or_more() -> None:
    figure = headline_figure(stepped(3))
    texts = [t for ax in figure.get_axes() for t in (ax.title, *ax.get_xticklabels())]
    texts += [t for ax in figure.get_axes() for t in ax.get_yticklabels()]
    texts += [t for ax in figure.get_axes() if ax.get_legend() for t in ax.get_legend().get_texts()]
    texts += [t for ax in figure.get_axes() for t in ax.texts]
    assert texts and min(t.get_fontsize() for t in texts) >= TEXT_PT
    assert all(ax.get_legend() is not None for ax in figure.get_axes())


def test_the_previous_run_is_drawn_faint_in_the_same_colours() -> None:
    before, now = stepped(6, months_to_converge=40), stepped(3)
    figure = headline_figure(now, before)
    ax = figure.get_axes()[0]
    current = [line for line in ax.get_lines() if line.get_alpha() is None]
    faint = [line for line in ax.get_lines() if line.get_alpha() == PREVIOUS_ALPHA]
    assert len(current) == len(faint) == len(PANELS[0].variables)
    assert [line.get_color() for line in current] == [line.get_color() for line in faint]
    assert all(len(line.get_xdata()) == 6 for line in faint)
    assert "the run before the last Reset (6 months, Months to CET = 40" in overlay_html(before)
    assert overlay_html(None) == ""


def test_key_events_are_numbered_on_every_panel_and_listed() -> None:
    model = stepped(24)
    marks = event_marks(model)
    assert [round(x, 2) for x, _ in marks] == [2010.0, 2011.5]
    for ax in headline_figure(model).get_axes():
        assert [t.get_text() for t in ax.texts] == ["1", "2"]
        assert len(ax.collections) == 1  # the dotted lines, one collection
    listed = re.findall(r"<li><b>(\d{4}-\d\d)</b>", event_marks_html(model))
    assert listed == ["2010-01", "2011-07"]
    assert event_marks_html(stepped(0)) == ""


def test_a_plot_group_can_be_shown_alone() -> None:
    debt = chosen_panels(["debt"])
    assert debt and all(p.group == "debt" for p in debt)
    assert len(headline_figure(stepped(2), groups=["debt"]).get_axes()) == len(debt)
    assert chosen_panels(None) == PANELS


def test_the_map_shows_a_chosen_month_and_each_regions_peak() -> None:
    model = stepped(12)
    months = map_months(model)
    assert months[0] == "2010-01" and months[-1] == "2010-12" and len(months) == 12
    region = model.scenario.population.regions[0]
    history = model.datacollector.model_vars[f"{region.id}|protest_share"]
    march = regional_map_svg(model, "Protest share", "2010-03")
    peak = regional_map_svg(model, "Protest share", PEAK)
    assert "Protest share by region, 2010-03" in march
    assert "Protest share by region, peak to 2010-12" in peak
    assert tile_value(march, region.id) == pytest.approx(history[2], rel=1e-5)
    assert tile_value(peak, region.id) == pytest.approx(max(history), rel=1e-5)
    assert max(history) > history[2]


def tile_value(svg: str, region: str) -> float:
    """The value one region's tile shows."""
    found = re.search(rf'data-region="{region}" data-value="([^"]+)"', svg)
    assert found is not None
    return float(found.group(1))


def test_the_whole_event_log_scrolls_and_filters_by_kind() -> None:
    model = stepped(24)
    html = events_html(model)
    total = len(model.log)
    assert total >= 3 and html.count("<tr>") == total
    assert "overflow-y: auto" in html and f"{total} of {total} events" in html
    kinds = event_kinds(model)
    logged = [e.kind for e in model.log]
    assert kinds == {kind: logged.count(kind) for kind in kinds} and sum(kinds.values()) == total
    assert list(kinds.values()) == sorted(kinds.values(), reverse=True)  # most frequent first
    assert "customs_union_joined" in kinds
    chosen = [kind for kind in kinds if kind != "customs_union_joined"][:2]
    shown = kinds[chosen[0]] + kinds[chosen[1]]
    only = events_html(model, chosen)
    assert only.count("<tr>") == shown
    assert f"{shown} of {total} events ({', '.join(chosen)})" in only
    assert "customs_union_joined" not in only


def test_the_exports_are_the_plots_png_and_the_series_csv() -> None:
    model = stepped(4)
    assert figure_png(headline_figure(model)).startswith(b"\x89PNG")
    frame = pd.read_csv(io.StringIO(series_csv(model)))
    assert list(frame.columns) == ["step", "date", "scope", "variable", "value"]
    tariff = frame[frame["variable"] == "applied_tariff"]
    assert list(tariff["date"]) == ["2010-01", "2010-02", "2010-03", "2010-04"]
    assert tariff["value"].iloc[-1] == pytest.approx(
        model.datacollector.model_vars["kazakhstan|applied_tariff"][-1]
    )
    links = dict(re.findall(r"download='([^']+)' href='data:[^;]+;base64,([^']+)'", html_of(model)))
    assert set(links) == {"test_plots_2010-04.png", "test_series_2010-04.csv"}
    assert base64.b64decode(links["test_plots_2010-04.png"]).startswith(b"\x89PNG")
    assert base64.b64decode(links["test_series_2010-04.csv"]).decode() == series_csv(model)


def html_of(model: DashboardModel) -> str:
    return export_links_html(model, headline_figure(model))


def test_the_scenarios_teaching_card_is_shown_beside_the_model() -> None:
    cards = teaching_cards(ROOT / "docs" / "teaching")
    assert len(cards) == 4
    html = card_html(ROOT / "scenarios" / "land_reform_2016.yaml", "The 2016 reform.", cards)
    assert "Why did the 2016 land reform fail?" in html and "The 2016 reform." in html
    assert "Learning goals" in html and "Questions" in html and "Look for" in html
    assert "threshold models of collective action" in html
    assert "Arm A" in html and "land_reform_low_sinophobia.yaml" in html
    other = card_html(ROOT / "scenarios" / "no_bri.yaml", "", cards)
    assert "Chinese loans and the debt-trap debate" in other and "Arm B" in other


def test_a_scenario_without_a_card_lists_the_cards() -> None:
    cards = teaching_cards(ROOT / "docs" / "teaching")
    html = card_html(ROOT / "scenarios" / "historical_2010_2023.yaml", "Replay.", cards)
    assert "No teaching card is written for this scenario" in html
    assert "kzsim dashboard scenarios/land_reform_2016.yaml" in html
    assert teaching_cards(ROOT / "nowhere") == []


def test_levers_start_at_the_scenarios_values_and_mesas_controls_are_gone() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "land_reform_2016.yaml")
    params = model_params(scenario, 7)
    data = scenario.to_data()
    assert params["scenario"] is scenario and params["seed"] == 7
    assert {lever.name: params[lever.name] for lever in LEVERS} == {
        lever.name: value_at(data, lever.key) for lever in LEVERS
    }
    assert params["land_reform"] is True and params["govern"] is False
    assert list(VIEWS) == ["Series", "Regional map", "Event log", "Levers", "Govern"]
    # Mesa's Reset builds the model from these keywords: a plain run, or a new game
    assert GovernedModel(**params).session is None
    assert GovernedModel(**(params | {"govern": True})).session is not None
    source = (ROOT / "kzsim" / "viz" / "dashboard.py").read_text()
    assert "SolaraViz(" not in source  # its play interval, render interval and threads controls
