"""The decision game in the dashboard, in a real headless Chromium, offline: a whole game of a
short scenario is played in the Govern view (each decision point appears with its question and
choices, a choice is clicked, Step goes on), the choices are recorded as the game's events
(``government_decision`` in the event log) and the saved ``game.yaml`` is the scenario of the
same game played without a browser. Screenshots are kept under ``tests/viz/artifacts/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kzsim.game.govern import GovernedModel
from kzsim.game.play import Game
from kzsim.scenario.load import load_scenario
from tests.game.conftest import CALM
from tests.viz.browser import dashboard_server, keep, launch, needs_chromium, watched_page

SEED = 4
#: The answer clicked at every point: the second choice (refuse, delay, slow, repress).
ANSWER = 1

pytestmark = [needs_chromium, pytest.mark.slow]


def reference(path: Path) -> tuple[Game, list[tuple[int, str, str]]]:
    """The same game without a browser: the game, and (month, heading, choice) per decision."""
    model = GovernedModel(load_scenario(path), seed=SEED, govern=True)
    stops = []
    while True:
        while model.pending is not None:
            point, moment = model.pending
            heading = f"{moment.date}: {point.title}"
            stops.append((moment.step + 1, heading, point.choices[ANSWER].label))
            model = model.decide(ANSWER)
        if not model.running:
            break
        model.step()
    assert model.session is not None
    return model.session.game, stops


def test_a_whole_game_is_played_in_the_govern_view_and_saved(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    path = tmp_path / "calm_game.yaml"
    path.write_text(CALM, encoding="utf-8")
    months = load_scenario(path).months
    game, stops = reference(path)
    assert [s[1].split(": ", 1)[1] for s in stops][:2] == [
        "A Chinese loan offer",
        "The land reform",
    ]
    problems: list[str] = []
    refused: list[str] = []
    with (
        dashboard_server(path, SEED, [], cwd=tmp_path) as url,
        sync_playwright() as playwright,
    ):
        browser = launch(playwright, tmp_path / "profile")
        try:
            page = watched_page(browser, refused, problems)
            page.goto(url)
            progress = page.get_by_test_id("progress")
            expect(progress).to_contain_text(f"Month 0 of {months}", timeout=60_000)
            page.get_by_role("button", name="Govern", exact=True).click()
            page.get_by_role("button", name="Start a game").click()
            expect(page.get_by_test_id("taken")).to_have_text("No decision taken yet.")
            step = page.get_by_role("button", name="Step", exact=True)
            decision = page.get_by_test_id("decision")
            month = 0
            for number, (at, heading, label) in enumerate(stops):
                while month < at:
                    step.click()
                    month += 1
                    expect(progress).to_contain_text(f"Month {month} of {months}", timeout=20_000)
                expect(decision).to_have_text(heading, timeout=20_000)
                expect(progress).to_contain_text("stopped for your decision")
                expect(step).to_be_disabled()
                if number == 0:
                    keep(page, "dashboard_game_question.png")
                page.get_by_role("button", name=f"{ANSWER + 1}. {label}").click()
                expect(page.get_by_test_id("taken")).to_contain_text(
                    f"{heading.split(': ')[0]} {heading.split(': ', 1)[1]}: {label}"
                )
            while month < months:
                expect(step).to_be_enabled(timeout=20_000)
                step.click()
                month += 1
                expect(progress).to_contain_text(f"Month {month} of {months}", timeout=20_000)
            expect(page.get_by_text("The game is over")).to_be_visible(timeout=20_000)
            page.get_by_role("button", name="Save the game and its debrief").click()
            saved = page.get_by_test_id("saved")
            expect(saved).to_contain_text("calm_game_game", timeout=60_000)
            expect(page.locator("div.debrief")).to_contain_text("Your decisions")
            keep(page, "dashboard_game_saved.png")

            page.get_by_role("button", name="Event log").click()
            page.locator(".v-select", has_text="Kinds shown").click()
            page.locator(".v-overlay .v-list-item", has_text="government_decision").click()
            page.keyboard.press("Escape")
            expect(page.locator("table.events")).to_contain_text("Government refuses every offer")
        finally:
            browser.close()
    folder = tmp_path / "runs" / "calm_game_game"
    assert sorted(p.name for p in folder.iterdir()) == [
        "debrief.html",
        "events.parquet",
        "game.yaml",
        "manifest.json",
        "series.parquet",
    ]
    saved_game = load_scenario(folder / "game.yaml")
    assert saved_game == game.played()
    decisions = [e.decision.model_dump(exclude_none=True) for e in saved_game.events if e.decision]
    assert {"loan_offers": "refuse"} in decisions
    assert yaml.safe_load((folder / "game.yaml").read_text())["metadata"]["seed"] == SEED
    assert not refused, f"the page asked other hosts: {refused[:5]}"
    assert not problems, "\n".join(problems)
