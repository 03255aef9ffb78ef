"""The dashboard in a real headless Chromium, offline: it loads with every request to another
host than 127.0.0.1 refused (and the server's own outgoing requests sent to a dead proxy), a
lever changes a plotted value, and the browser console stays free of errors. A screenshot is
kept under ``tests/viz/artifacts/`` (see ``tests/viz/browser.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kzsim.scenario.load import load_scenario
from kzsim.viz.levers import DashboardModel
from tests.viz.browser import dashboard_server, keep, launch, needs_chromium, watched_page

SCENARIO = Path(__file__).parents[2] / "scenarios" / "historical_2010_2023.yaml"
OVERRIDES = ["population.citizens=2000"]
SEED = 7
STEPS = 3

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def dashboard() -> Iterator[str]:
    """``kzsim dashboard`` serving the historical replay offline; yields its URL."""
    with dashboard_server(SCENARIO, SEED, OVERRIDES) as url:
        yield url


def expected_tariff(months_to_converge: int) -> str:
    """The applied tariff after ``STEPS`` months, from the model itself, as the page writes it."""
    scenario = load_scenario(SCENARIO, OVERRIDES)
    model = DashboardModel(scenario, seed=SEED, months_to_converge=months_to_converge)
    for _ in range(STEPS):
        model.step()
    return f"{model.datacollector.model_vars['kazakhstan|applied_tariff'][-1]:.4g}"


@pytest.mark.slow
def test_offline_a_lever_changes_the_plotted_tariff_and_the_views_work(
    dashboard: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    refused: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright, tmp_path / "profile")
        try:
            page = watched_page(browser, refused, problems)
            page.goto(dashboard)
            progress = page.get_by_test_id("progress")
            expect(progress).to_contain_text("Month 0 of 168", timeout=60_000)
            expect(page).to_have_title("kzsim: historical_2010_2023")
            for internal in ("Play Interval", "Render Interval", "Use Threads"):
                expect(page.get_by_text(internal)).to_have_count(0)
            expect(page.get_by_text("About this scenario")).to_be_visible()
            step = page.get_by_role("button", name="Step")
            tariff = page.locator("[data-series=applied_tariff]")

            def run_months(expected: str) -> str:
                for month in range(1, STEPS + 1):
                    step.click()
                    expect(progress).to_contain_text(f"Month {month} of 168", timeout=20_000)
                # The plot's value is rendered after the month counter: wait for it.
                expect(tariff).to_have_text(expected, timeout=20_000)
                return tariff.inner_text()

            lever = page.locator(".v-slider", has_text="Months to CET")
            slider = lever.get_by_role("slider")
            start = int(slider.get_attribute("aria-valuenow") or "0")
            expect(lever).to_contain_text(f"Months to CET: {start}")
            before = run_months(expected_tariff(start))
            assert before == expected_tariff(start)
            expect(page.get_by_test_id("overlay")).to_have_count(0)

            slider.focus()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            expect(slider).to_have_attribute("aria-valuenow", str(start + 2))
            expect(lever).to_contain_text(f"Months to CET: {start + 2}")
            page.get_by_role("button", name="Reset").click()
            expect(progress).to_contain_text("Month 0 of 168", timeout=20_000)
            after = run_months(expected_tariff(start + 2))
            assert after != before
            assert after == expected_tariff(start + 2)
            expect(page.get_by_test_id("overlay")).to_contain_text(
                f"the run before the last Reset ({STEPS} months, Months to CET = {start},"
            )
            page.get_by_role("button", name="Prepare downloads").click()
            with page.expect_download() as download:
                page.get_by_role("link", name="Series to 2010-03 (CSV)").click()
            csv = Path(download.value.path()).read_text()
            assert csv.startswith("step,date,scope,variable,value\n") and "2010-03" in csv
            keep(page, "dashboard.png")

            page.get_by_role("button", name="Regional map").click()
            tiles = page.locator("svg.tile-map")
            expect(tiles).to_have_attribute("aria-label", "Protest share by region, 2010-03")
            assert page.locator("svg.tile-map g.tile").count() == 17
            page.get_by_role("button", name="peak").click()
            expect(tiles).to_have_attribute(
                "aria-label", "Protest share by region, peak to 2010-03"
            )
            page.get_by_role("button", name="month").click()
            page.locator(".v-slider", has_text="Month:").get_by_role("slider").focus()
            page.keyboard.press("ArrowRight")
            expect(tiles).to_have_attribute("aria-label", "Protest share by region, 2010-02")
            keep(page, "dashboard_map.png")

            page.get_by_role("button", name="Event log").click()
            events = page.locator("table.events")
            expect(events).to_contain_text("customs_union_joined")
            total = events.locator("tr").count()
            page.locator(".v-select", has_text="Kinds shown").click()
            page.locator(".v-overlay .v-list-item", has_text="customs_union_joined").click()
            expect(page.get_by_test_id("event-count")).to_contain_text(f"1 of {total} events")
            page.keyboard.press("Escape")
            keep(page, "dashboard_events.png")
        finally:
            browser.close()
    assert not refused, f"the page asked other hosts: {refused[:5]}"
    assert not problems, "\n".join(problems)
