"""The decision game in the dashboard's model: it stops at each decision point, an answer goes on
from the game's scenario, the game is the terminal's game, and it saves as ``kzsim play`` does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from kzsim.game.commands import SAVED_GAME
from kzsim.game.decisions import DecisionPoint, Moment
from kzsim.game.govern import GovernedModel, continues, free_folder, save_game
from kzsim.game.play import play, start
from kzsim.scenario.load import load_scenario
from kzsim.simulation import long_series, run
from kzsim.viz.levers import DashboardModel

ANSWERS = {"loan_offer": 1, "land_reform": 2, "eaeu_step": 2, "protest": 3}


def by_point(point: DecisionPoint, moment: Moment) -> int:
    return ANSWERS.get(point.name, 0)


def played_in_dashboard(
    path: Path, seed: int, answer: Callable[[DecisionPoint, Moment], int], **levers: object
) -> GovernedModel:
    """The whole game as the dashboard plays it: Step until a point stops it, then answer."""
    model = GovernedModel(load_scenario(path), seed, govern=True, **levers)
    while True:
        while model.pending is not None:
            model = model.decide(answer(*model.pending))
        if not model.running:
            return model
        model.step()


def test_the_dashboards_game_is_the_terminals_game(calm: Path) -> None:
    model = played_in_dashboard(calm, 21, by_point)
    game = play(start(load_scenario(calm), 21), by_point)
    assert model.session is not None and model.game_over
    taken = [(t.date, t.point.name, t.choice.key) for t in model.session.game.taken]
    assert taken == [(t.date, t.point.name, t.choice.key) for t in game.taken]
    assert model.session.game.played() == game.played()
    assert game.final is not None
    pd.testing.assert_frame_equal(long_series(model), long_series(game.final))


def test_a_point_stops_the_run_until_it_is_answered(calm: Path) -> None:
    model = GovernedModel(load_scenario(calm), 21, govern=True)
    while model.pending is None:
        model.step()
    point, moment = model.pending
    assert point.name == "loan_offer" and not model.running
    steps = model.steps
    model.step()  # Mesa's play loop has stopped; a step more changes nothing
    assert model.month - model.start_month == moment.step and model.pending is not None
    with pytest.raises(ValueError, match="not a choice"):
        model.decide(len(point.choices))
    after = model.decide(1)
    assert after is not model and continues(after, model)
    assert after.month == model.month and after.running and after.pending is None
    assert [e.decision.loan_offers for e in after.scenario.events if e.decision] == ["refuse"]
    with pytest.raises(ValueError, match="no decision point awaits"):
        model.decide(0)  # the run the game has left: a second click does nothing
    assert steps == model.steps - 1


def test_a_game_starts_from_the_levers(calm: Path) -> None:
    model = played_in_dashboard(calm, 4, by_point, leakage_mean=0.4, land_reform=False)
    assert model.session is not None
    names = [t.point.name for t in model.session.game.taken]
    assert "land_reform" not in names  # the switch removed the reform before the game began
    assert model.scenario.rules.bri_loans.leakage_mean == 0.4


def test_without_govern_it_is_the_dashboards_model(calm: Path) -> None:
    governed, plain = GovernedModel(load_scenario(calm), 3), DashboardModel(load_scenario(calm), 3)
    while plain.running:
        plain.step()
        governed.step()
    assert governed.session is None and governed.pending is None and not governed.game_over
    pd.testing.assert_frame_equal(long_series(governed), long_series(plain))
    assert not continues(GovernedModel(load_scenario(calm), 3), governed)


@pytest.mark.slow
def test_a_finished_game_saves_as_kzsim_play_does_and_replays(calm: Path, tmp_path: Path) -> None:
    model = played_in_dashboard(calm, 21, by_point)
    assert model.session is not None
    first = save_game(model.session.game, tmp_path)
    second = save_game(model.session.game, tmp_path)
    assert (first.folder.name, second.folder.name) == ("calm_game_game", "calm_game_game_2")
    assert sorted(p.name for p in first.folder.iterdir()) == [
        "debrief.html",
        "events.parquet",
        "game.yaml",
        "manifest.json",
        "series.parquet",
    ]
    assert "== Your decisions ==" in first.lines and "download='game.yaml'" in first.links
    replay = run(load_scenario(first.folder / SAVED_GAME))
    pd.testing.assert_frame_equal(replay.series, long_series(model))


def test_free_folder_numbers_the_next_free_name(tmp_path: Path) -> None:
    base = tmp_path / "g"
    assert free_folder(base) == base
    base.mkdir()
    (tmp_path / "g_2").mkdir()
    assert free_folder(base) == tmp_path / "g_3"
