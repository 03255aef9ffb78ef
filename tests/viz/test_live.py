"""What the dashboard shows of a running model, as plain figures and HTML."""

from __future__ import annotations

import re

from kzsim.viz.levers import DashboardModel
from kzsim.viz.live import (
    MAP_CHOICES,
    PANELS,
    events_html,
    headline_figure,
    latest_values_html,
    levers_html,
    progress_html,
    regional_map_svg,
)
from tests.conftest import small_scenario


def stepped(months: int) -> DashboardModel:
    model = DashboardModel(small_scenario(), seed=2)
    for _ in range(months):
        model.step()
    return model


def test_before_the_first_step_the_page_says_what_to_do() -> None:
    model = stepped(0)
    assert "Press Step" in latest_values_html(model)
    assert "Month 0 of 24" in progress_html(model) and "next: 2010-01" in progress_html(model)
    assert "No events yet" in events_html(model)
    headline_figure(model)  # draws empty panels without failing


def test_latest_values_are_the_last_collected_ones() -> None:
    model = stepped(5)
    html = latest_values_html(model)
    assert html.startswith("<p><b>2010-05</b>")
    tariff = model.datacollector.model_vars["kazakhstan|applied_tariff"][-1]
    assert f"data-series='applied_tariff'>{tariff:.4g}<" in html
    plotted = {v for _, _, variables in PANELS for v in variables}
    assert set(re.findall(r"data-series='(\w+)'", html)) == plotted


def test_figure_has_one_panel_per_group_over_the_whole_horizon() -> None:
    figure = headline_figure(stepped(3))
    axes = figure.get_axes()
    assert len(axes) == len(PANELS)
    assert axes[0].get_xlim() == (2010.0, 2011 + 11 / 12)
    assert len(axes[0].get_lines()) == len(PANELS[0][2])


def test_map_has_a_tile_per_region_for_each_choice() -> None:
    model = stepped(2)
    for choice in MAP_CHOICES:
        svg = regional_map_svg(model, choice)
        assert svg.count('class="tile"') == 17
        assert f"{choice} by region, 2010-02" in svg


def test_events_newest_first_and_levers_show_the_run_values() -> None:
    model = stepped(24)
    html = events_html(model)
    dates = re.findall(r"<tr><td[^>]*>(\d{4}-\d{2})</td>", html)
    assert dates == sorted(dates, reverse=True) and dates
    levers = levers_html(model)
    assert "rules.tariff_harmonisation.months_to_converge" in levers
    months = model.scenario.rules.tariff_harmonisation.months_to_converge
    assert re.search(rf"months_to_converge</code></td><td[^>]*>{months}</td>", levers)


def test_progress_follows_mesas_steps_and_stops_at_the_horizon() -> None:
    scenario = small_scenario(metadata={"name": "t", "start": "2010-01", "end": "2010-03"})
    model = DashboardModel(scenario, seed=2)
    model.step()
    assert "Month 1 of 3 simulated (next: 2010-02)" in progress_html(model)
    for _ in range(4):  # SolaraViz may step a finished model: its render loop ignores running
        model.step()
    assert "Month 3 of 3 simulated (finished)" in progress_html(model)
