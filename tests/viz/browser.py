"""What the dashboard's browser tests share: ``kzsim dashboard`` served offline, Debian's
Chromium driven by Playwright with every request to another host than 127.0.0.1 refused, and
screenshots kept under ``tests/viz/artifacts/``.

Chromium is Debian's (``/usr/bin/chromium``); no browser is downloaded. The tests skip only when
that executable is absent (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.processes import stop_with_ctrl_c

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright, Route

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
#: Where the server's own outgoing requests go: a port nothing listens on.
DEAD_PROXY = "http://127.0.0.1:9"
OFFLINE = {
    name: DEAD_PROXY for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
} | {"NO_PROXY": "", "no_proxy": ""}

needs_chromium = pytest.mark.skipif(
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


@contextmanager
def dashboard_server(
    scenario: Path, seed: int, overrides: list[str], cwd: Path | None = None
) -> Iterator[str]:
    """``kzsim dashboard`` serving ``scenario`` offline (in ``cwd``); yields its URL.

    On the way out, Ctrl-C must stop it cleanly and its output must hold no complaint about a
    missing bundle, an unreachable URL or a traceback.
    """
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOLARA_")} | OFFLINE
    command = [sys.executable, "-c", "from kzsim.cli import entry; entry()", "dashboard"]
    command += [str(scenario), "--port", str(port), "--seed", str(seed)]
    command += [f"--set={o}" for o in overrides]
    server = subprocess.Popen(
        command,
        env=environment,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_page(url, server)
        yield url
    finally:
        stop_with_ctrl_c(server)
    output = server.stdout.read() if server.stdout else ""
    assert server.returncode == 0, f"Ctrl-C should stop the dashboard cleanly:\n{output}"
    for complaint in ("Could not load URL", "front-end files", "Traceback"):
        assert complaint not in output, output


def launch(playwright: Playwright, profile: Path) -> BrowserContext:
    """Debian's Chromium, headless, at a projector's size, taking downloads."""
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_FLAGS,
        viewport={"width": 1280, "height": 800},  # a projector's
        accept_downloads=True,
    )


def watched_page(browser: BrowserContext, refused: list[str], problems: list[str]) -> Page:
    """A new page whose requests to other hosts are refused (noted in ``refused``) and whose
    console errors, page errors and failed requests are noted in ``problems``."""

    def route(request_route: Route) -> None:
        url = request_route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith("data:"):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page = browser.new_page()
    page.route("**/*", route)
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    return page


def keep(page: Page, name: str) -> None:
    """A screenshot of the page, kept as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
    print(f"dashboard screenshot: {ARTIFACTS / name}")
