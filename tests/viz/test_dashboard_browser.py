"""The dashboard in a real headless Chromium, offline: it loads with every request to another
host than 127.0.0.1 refused (and the server's own outgoing requests sent to a dead proxy), a
lever changes a plotted value, and the browser console stays free of errors. A screenshot is
kept under ``tests/viz/artifacts/``.

Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright; no browser is downloaded.
The test skips only when that executable is absent (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

from kzsim.scenario.load import load_scenario
from kzsim.viz.levers import DashboardModel

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
SCENARIO = Path(__file__).parents[2] / "scenarios" / "historical_2010_2023.yaml"
OVERRIDES = ["population.citizens=2000"]
SEED = 7
STEPS = 3
#: Where the server's own outgoing requests go: a port nothing listens on.
DEAD_PROXY = "http://127.0.0.1:9"
OFFLINE = {
    name: DEAD_PROXY for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
} | {"NO_PROXY": "", "no_proxy": ""}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"Debian chromium is not installed ({CHROMIUM} is missing)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_page(url: str, server: subprocess.Popen[str], seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"kzsim dashboard exited early:\n{server.stdout.read() if server.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                text: str = response.read().decode()
                return text
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"kzsim dashboard did not answer at {url} within {seconds} s")


@pytest.fixture(scope="module")
def dashboard() -> Iterator[str]:
    """``kzsim dashboard`` serving the historical replay offline; yields its URL.

    On the way out, the server's output must hold no complaint about a missing bundle or an
    unreachable URL.
    """
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOLARA_")} | OFFLINE
    command = [sys.executable, "-c", "from kzsim.cli import entry; entry()", "dashboard"]
    command += [str(SCENARIO), "--port", str(port), "--seed", str(SEED)]
    command += [f"--set={o}" for o in OVERRIDES]
    server = subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_page(url, server)
        yield url
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    output = server.stdout.read() if server.stdout else ""
    assert server.returncode == 0, f"Ctrl-C should stop the dashboard cleanly:\n{output}"
    for complaint in ("Could not load URL", "front-end files", "Traceback"):
        assert complaint not in output, output


def refuse_other_hosts(page: Page, refused: list[str]) -> None:
    """Abort every request to a host other than 127.0.0.1, and note it."""

    def route(request_route: Route) -> None:
        url = request_route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith("data:"):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page.route("**/*", route)


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
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 800},  # a projector's
            accept_downloads=True,
        )
        try:
            page = browser.new_page()
            refuse_other_hosts(page, refused)
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
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


def keep(page: Page, name: str) -> None:
    """A screenshot of the page, kept as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
    print(f"dashboard screenshot: {ARTIFACTS / name}")
