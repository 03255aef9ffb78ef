"""``kzsim play``: scripted games end to end, replay of a saved game, end of input, Ctrl-C,
bad answers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from kzsim.cli import main
from kzsim.game.decisions import DecisionPoint, Moment
from kzsim.game.play import play, saved_text, start
from kzsim.scenario.load import load_scenario
from kzsim.simulation import long_series, run

#: Answers for the calm scenario: loans, land reform, EAEU step, protests.
CALM_ANSWERS = "3,2,2,4"


def test_a_saved_game_replays_the_game_exactly(calm: Path, tmp_path: Path) -> None:
    answers = iter([2, 1, 1, 3])
    game = play(start(load_scenario(calm), 21), lambda point, moment: next(answers))
    assert [t.choice.key for t in game.taken] == [
        "renegotiate",
        "delay",
        "slow",
        "concede_economic",
    ]
    saved = tmp_path / "saved.yaml"
    saved.write_text(saved_text(game), encoding="utf-8")
    loaded = load_scenario(saved)
    assert loaded == game.played()
    assert game.final is not None
    replay = run(loaded)  # the seed is the saved game's
    pd.testing.assert_frame_equal(replay.series, long_series(game.final))
    assert replay.manifest["seed"] == 21


@pytest.mark.slow
def test_scripted_play_writes_the_game_folder(
    calm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "game"
    args = ["play", str(calm), "--choices", CALM_ANSWERS, "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "== Debrief: your government against the model's own (same seed) ==" in printed
    assert "protest_participants_nationwide 2016 (persons): observed" in printed
    assert "2015-11 The land reform: delay" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        "debrief.html",
        "events.parquet",
        "game.yaml",
        "manifest.json",
        "series.parquet",
    ]
    page = (out / "debrief.html").read_text(encoding="utf-8")
    assert "Against history" in page and "LP1 approval of the Land Code" in page
    assert main(["validate", str(out / "game.yaml")]) == 0
    replay = tmp_path / "replay"
    assert main(["run", str(out / "game.yaml"), "--out", str(replay), "--quiet"]) == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(replay / "series.parquet"), pd.read_parquet(out / "series.parquet")
    )
    assert main(["compare", str(calm), str(out / "game.yaml"), "--out", str(tmp_path / "c")]) == 0


def test_answers_from_standard_input_line_by_line(
    calm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("1\n?\n9\nthree\n2\n1\n1\n"))
    assert main(["play", str(calm), "--out", str(tmp_path / "game")]) == 0
    printed = capsys.readouterr().out
    assert "source: LP1 approval of the Land Code amendments" in printed
    assert printed.count("'9' is not a choice (allowed: 1 to 3, or ? for the sources)") == 1
    assert printed.count("'three' is not a choice (allowed: 1 to 3, or ? for the sources)") == 1
    assert "2015-11 The land reform: delay" in printed
    assert "Traceback" not in printed


def test_end_of_input_saves_the_game_so_far(
    calm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "game"
    assert main(["play", str(calm), "--choices", "2", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert f"game stopped at 2015-11 (input ended) after 1 decisions; saved to {out}" in (
        captured.out
    )
    assert sorted(p.name for p in out.iterdir()) == ["game.yaml", "manifest.json"]
    assert json.loads((out / "manifest.json").read_text())["game"]["decisions"] == 1
    saved = load_scenario(out / "game.yaml")
    assert [e.decision.loan_offers for e in saved.events if e.decision] == ["refuse"]
    assert main(["play", str(calm), "--choices", "2,1", "--out", str(out), "--overwrite"]) == 1


def test_ctrl_c_stops_the_game_with_what_was_played(calm: Path) -> None:
    asked: list[str] = []

    def ask(point: DecisionPoint, moment: Moment) -> int:
        asked.append(point.name)
        if len(asked) == 2:
            raise KeyboardInterrupt
        return 0

    game = play(start(load_scenario(calm), 2), ask)
    assert game.interrupted == "interrupted (Ctrl-C)"
    assert [t.point.name for t in game.taken] == ["loan_offer"]
    assert game.final is None
    assert "# Stopped at 2015-11 (interrupted (Ctrl-C))" in saved_text(game)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--choices", "1", "--choices-file", "x"], "--choices: give --choices or --choices-file"),
        (["--choices-file", "missing.txt"], "missing.txt: --choices-file: cannot read"),
        (["--citizens", "5"], "--citizens: 5 is out of range"),
    ],
)
def test_bad_options_are_one_line(
    calm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], line: str
) -> None:
    out = tmp_path / "game"
    assert main(["play", str(calm), "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert line in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


class CtrlCAfter(io.StringIO):
    """Standard input that gives its lines, then Ctrl-C."""

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        line = super().readline()
        if not line:
            raise KeyboardInterrupt
        return line


def test_ctrl_c_at_the_prompt_saves_and_exits_130(
    calm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", CtrlCAfter("3\n"))
    out = tmp_path / "game"
    assert main(["play", str(calm), "--out", str(out)]) == 130
    captured = capsys.readouterr()
    assert "(interrupted (Ctrl-C)) after 1 decisions; saved to" in captured.out
    assert "Traceback" not in captured.out + captured.err
    saved = load_scenario(out / "game.yaml")
    assert [e.decision.loan_offers for e in saved.events if e.decision] == ["renegotiate"]
