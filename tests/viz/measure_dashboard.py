"""Measures the dashboard offline: the page's load time and the time per month at the
scenario's citizens (the historical replay: 20,000), in Debian's Chromium with every request to
another host than 127.0.0.1 refused, as the browser tests run it.

    python -m tests.viz.measure_dashboard [--months 12] [--citizens N] [--view Govern]

Prints the load time (page requested until the model's first view is shown), the time per month
clicked with Step (the model's month and the redraw of the view shown: the series by default)
and, for comparison, the model's own time per month without the page.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kzsim.scenario.load import load_scenario
from kzsim.viz.levers import DashboardModel
from tests.viz.browser import dashboard_server, launch, watched_page

SCENARIO = Path(__file__).parents[2] / "scenarios" / "historical_2010_2023.yaml"
SEED = 7


def main() -> None:
    from playwright.sync_api import expect, sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--citizens", type=int, default=None)
    parser.add_argument("--view", default="Series", help="the view shown while stepping")
    args = parser.parse_args()
    overrides = [] if args.citizens is None else [f"population.citizens={args.citizens}"]
    scenario = load_scenario(SCENARIO, overrides)
    total = scenario.months
    refused: list[str] = []
    problems: list[str] = []
    with (
        tempfile.TemporaryDirectory() as folder,
        dashboard_server(SCENARIO, SEED, overrides) as url,
        sync_playwright() as playwright,
    ):
        browser = launch(playwright, Path(folder) / "profile")
        try:
            page = watched_page(browser, refused, problems)
            progress = page.get_by_test_id("progress")
            started = time.perf_counter()
            page.goto(url)
            expect(progress).to_contain_text(f"Month 0 of {total}", timeout=120_000)
            expect(page.locator(".kzsim-figure img")).to_be_visible(timeout=120_000)
            loaded = time.perf_counter() - started
            page.get_by_role("button", name=args.view, exact=True).click()
            step = page.get_by_role("button", name="Step", exact=True)
            started = time.perf_counter()
            for month in range(1, args.months + 1):
                step.click()
                expect(progress).to_contain_text(f"Month {month} of {total}", timeout=60_000)
                expect(step).to_be_enabled(timeout=60_000)
            stepped = (time.perf_counter() - started) / args.months
        finally:
            browser.close()
    model = DashboardModel(scenario, seed=SEED)
    started = time.perf_counter()
    for _ in range(args.months):
        model.step()
    alone = (time.perf_counter() - started) / args.months
    citizens = scenario.population.citizens
    print(f"citizens {citizens:,}, months {args.months}")
    print(f"dashboard load offline: {loaded:.1f} s (page requested until the series view)")
    print(f"dashboard time per month (Step, model and redraw of {args.view}): {stepped:.2f} s")
    print(f"model alone, time per month: {alone:.3f} s")
    if refused or problems:
        print(f"requests refused: {len(refused)}; problems: {problems[:3]}")


if __name__ == "__main__":
    main()
