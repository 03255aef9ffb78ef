"""What the dashboard shows of a running model, as plain figures and HTML."""

from __future__ import annotations

import re

from kzsim import catalog
from kzsim.contract import PLOT_GROUPS
from kzsim.viz.levers import DashboardModel
from kzsim.viz.live import (
    MAP_CHOICES,
    PANELS,
    events_html,
    headline_figure,
    latest_values_html,
    levers_html,
    panels,
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
    plotted = {v for panel in PANELS for v in panel.variables}
    assert set(re.findall(r"data-series='(\w+)'", html)) == plotted


def test_panels_draw_each_plot_group_one_unit_at_a_time() -> None:
    drawn = [v for panel in PANELS for v in panel.variables]
    assert drawn == [s.name for g in PLOT_GROUPS for s in catalog.group_series(g)]
    for panel in PANELS:
        assert {catalog.series_named(v).unit for v in panel.variables} == {panel.unit}
        assert panel.group in PLOT_GROUPS and panel.title
    assert [p.group for p in PANELS] == sorted((p.group for p in PANELS), key=PLOT_GROUPS.index)
    debt = [p.unit for p in PANELS if p.group == "debt"]
    assert len(debt) == len(set(debt)) == len({s.unit for s in catalog.group_series("debt")})


def test_panels_follow_the_catalog() -> None:
    series = (
        catalog.series_named("applied_tariff"),
        catalog.series_named("debt_to_china_usd_bn"),
        catalog.series_named("import_share_russia"),
    )
    made = panels({"trade": series})
    assert [(p.unit, p.variables) for p in made] == [
        ("share 0-1", ("applied_tariff", "import_share_russia")),
        ("US$ bn", ("debt_to_china_usd_bn",)),
    ]
    assert made[0].limits is not None and made[1].limits is None


def test_figure_has_one_axis_per_panel_over_the_whole_horizon() -> None:
    figure = headline_figure(stepped(3))
    axes = figure.get_axes()
    assert len(axes) == len(PANELS)
    assert axes[0].get_xlim() == (2010.0, 2011 + 11 / 12)
    assert len(axes[0].get_lines()) == len(PANELS[0].variables)
    for ax, panel in zip(axes, PANELS, strict=True):
        if panel.limits is not None:
            assert ax.get_ylim() == panel.limits


def test_map_choices_are_the_headline_regional_series() -> None:
    # Those with a finite range, the map's colour scale (not counts of persons).
    headline = [
        s.name
        for s in catalog.REGIONAL_SERIES
        if s.headline and catalog.declared_range(s.name) is not None
    ]
    assert [variable for variable, _, _ in MAP_CHOICES.values()] == headline
    assert "Protest share" in MAP_CHOICES
    assert "protest_participants" not in headline


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
