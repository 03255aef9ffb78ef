"""The dashboard in a real headless Chromium: it loads, a lever changes a plotted value, and the
browser console stays free of errors. A screenshot is kept under ``tests/viz/artifacts/``.

Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright; no browser is downloaded.
The test skips only when that executable is absent (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kzsim.scenario.load import load_scenario
from kzsim.viz.levers import DashboardModel
from tests.viz.solara_assets import ensure_packages, packages_in

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
    """``kzsim dashboard`` serving the historical replay; yields its URL."""
    port = free_port()
    cache = ARTIFACTS / "solara-cdn"
    cache.mkdir(parents=True, exist_ok=True)
    environment = os.environ | {"SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache)}
    command = [sys.executable, "-c", "from kzsim.cli import entry; entry()", "dashboard"]
    command += [str(SCENARIO), "--port", str(port), "--seed", str(SEED)]
    command += [f"--set={o}" for o in OVERRIDES]
    server = subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        problems = ensure_packages(cache, packages_in(wait_for_page(url, server)))
        assert not problems, f"Solara's front-end assets are missing: {problems}"
        yield url
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0, "Ctrl-C should stop the dashboard cleanly"


def expected_tariff(months_to_converge: int) -> str:
    """The applied tariff after ``STEPS`` months, from the model itself, as the page writes it."""
    scenario = load_scenario(SCENARIO, OVERRIDES)
    model = DashboardModel(scenario, seed=SEED, months_to_converge=months_to_converge)
    for _ in range(STEPS):
        model.step()
    return f"{model.datacollector.model_vars['kazakhstan|applied_tariff'][-1]:.4g}"


def test_a_lever_changes_the_plotted_tariff_without_console_errors(
    dashboard: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = browser.new_page()
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
            step = page.get_by_role("button", name="Step")
            tariff = page.locator("[data-series=applied_tariff]")

            def run_months() -> str:
                for month in range(1, STEPS + 1):
                    step.click()
                    expect(progress).to_contain_text(f"Month {month} of 168", timeout=20_000)
                return tariff.inner_text()

            slider = page.locator(".v-slider", has_text="Months to CET").get_by_role("slider")
            start = int(slider.get_attribute("aria-valuenow") or "0")
            before = run_months()
            assert before == expected_tariff(start)

            slider.focus()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            expect(slider).to_have_attribute("aria-valuenow", str(start + 2))
            page.get_by_role("button", name="Reset").click()
            expect(progress).to_contain_text("Month 0 of 168", timeout=20_000)
            after = run_months()
            assert after != before
            assert after == expected_tariff(start + 2)

            page.get_by_role("button", name="Protest share").click()
            expect(page.locator("svg.tile-map")).to_have_attribute(
                "aria-label", re.compile("^Protest share by region")
            )
            assert page.locator("svg.tile-map g.tile").count() == 17
            expect(page.locator("table.events")).to_contain_text("customs_union_joined")

            ARTIFACTS.mkdir(exist_ok=True)
            screenshot = ARTIFACTS / "dashboard.png"
            page.screenshot(path=str(screenshot), full_page=True)
            print(f"dashboard screenshot: {screenshot}")
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
