"""``kzsim play``: the decision game in the terminal.

Registered on the main app by ``kzsim.cli``; the simulation loads inside the command so that
``kzsim --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.console import Console

    from kzsim.game.debrief import Debrief
    from kzsim.game.play import Game
    from kzsim.outputs import OutputKind, RunResult

#: The saved game and the debrief page in a game's folder.
SAVED_GAME = "game.yaml"
DEBRIEF_PAGE = "debrief.html"
#: Exit codes of a game stopped early: input ended (1), Ctrl-C (130, as shells report SIGINT).
EXIT_INPUT_ENDED = 1
EXIT_CTRL_C = 130


def game_kind() -> OutputKind:
    """A game's folder: a run folder with the saved game and its debrief page."""
    from kzsim.outputs import RUN, OutputKind

    return OutputKind("run", files=(*RUN.files, SAVED_GAME, DEBRIEF_PAGE), folders=RUN.folders)


def scripted_answers(choices: str | None, choices_file: Path | None) -> Iterator[str] | None:
    """The answers ``--choices`` or ``--choices-file`` give, or None when neither is given.

    Raises:
        InputError: if both are given, or the file cannot be read.

    """
    from kzsim.errors import InputError

    if choices is not None and choices_file is not None:
        raise InputError(["--choices: give --choices or --choices-file, not both"])
    if choices is not None:
        return iter(choices.split(","))
    if choices_file is None:
        return None
    try:
        text = choices_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise InputError([f"{choices_file}: --choices-file: cannot read ({reason})"]) from None
    return iter(text.splitlines())


def play(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="scenario YAML file or shipped name (default: the historical replay)"),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, max=2**63 - 1, help="random seed (default: the scenario's)")
    ] = None,
    choices: Annotated[
        str | None, typer.Option("--choices", help="scripted answers, e.g. 1,3,2 (? for sources)")
    ] = None,
    choices_file: Annotated[
        Path | None, typer.Option("--choices-file", help="scripted answers, one a line")
    ] = None,
    citizens: Annotated[
        int | None, typer.Option("--citizens", help="simulated citizens (default: the scenario's)")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="the game's folder (default: runs/<scenario>_game)")
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="replace an earlier game folder at --out")
    ] = False,
) -> None:
    """Govern Kazakhstan: the model stops at decision points and you decide; a debrief follows.

    Answers come from the keyboard, from standard input when it is not a terminal (one a line),
    or from --choices / --choices-file. The game is saved as a scenario file (game.yaml) whose
    decisions are dated events: kzsim run game.yaml replays it. The folder also holds the run's
    series and events and the debrief page (debrief.html). When the answers run out or on
    Ctrl-C, what was played so far is saved and the command says where.
    """
    from kzsim.data import resolve_scenario, shipped_scenario
    from kzsim.game.ask import Prompter, keyboard
    from kzsim.game.play import play as play_game
    from kzsim.game.play import start
    from kzsim.history.commands import DEFAULT_SCENARIO
    from kzsim.model import fresh_seed
    from kzsim.outputs import check_writable
    from kzsim.scenario.load import load_scenario
    from kzsim.terminal import console, plain
    from kzsim.validation.commands import check_run_options

    out, err = console(), console(stderr=True)
    check_run_options(1, citizens, 1)
    path = shipped_scenario(DEFAULT_SCENARIO) if scenario is None else resolve_scenario(scenario)
    overrides = [] if citizens is None else [f"population.citizens={citizens}"]
    loaded = load_scenario(path, overrides)
    target = out_dir if out_dir is not None else Path("runs") / f"{path.stem}_game"
    for note in check_writable(target, game_kind(), overwrite):
        err.print(plain(note))
    answers = scripted_answers(choices, choices_file)
    interactive = answers is None and sys.stdin.isatty()
    if answers is None:
        answers = keyboard() if interactive else iter(sys.stdin.readline, "")
    chosen = seed if seed is not None else loaded.metadata.seed
    game = start(loaded, chosen if chosen is not None else fresh_seed())
    out.print(
        f"kzsim play: {plain(loaded.metadata.name)}, {loaded.metadata.start} to "
        f"{loaded.metadata.end}, seed {game.seed}. The model plays Russia, China, the EAEU and "
        "the publics; you take the government's decisions."
    )
    play_game(game, Prompter(answers, out, echo=not interactive))
    if game.interrupted is None:
        try:
            finish(game, target, overwrite, out)
            return
        except KeyboardInterrupt:
            game.interrupted = "interrupted (Ctrl-C) before the debrief"
    written = save(game, target, overwrite)
    rest = "" if game.final is not None else "; the model's government takes the rest"
    out.print(
        f"game stopped at {game.reached or loaded.metadata.start} ({game.interrupted}) after "
        f"{len(game.taken)} decisions; saved to {plain(written / SAVED_GAME)} (replay: kzsim "
        f"run {plain(written / SAVED_GAME)}{rest})"
    )
    assert game.interrupted is not None
    raise typer.Exit(EXIT_CTRL_C if "Ctrl-C" in game.interrupted else EXIT_INPUT_ENDED)


def conclude(game: Game) -> tuple[RunResult, RunResult, Debrief]:
    """A finished game's run, the run of the model's own government (same seed), the debrief."""
    from kzsim.game.debrief import debrief
    from kzsim.simulation import run

    played = run(game.played(), seed=game.seed)
    default = run(game.scenario, seed=game.seed)
    return played, default, debrief(game, played, default)


def finish(game: Game, target: Path, overwrite: bool, out: Console) -> None:
    """Run the played game and the model's own government, save the game, print the debrief."""
    from kzsim.game.debrief import terminal_lines
    from kzsim.terminal import plain

    played, default, report = conclude(game)
    written = save(game, target, overwrite, played, default, report)
    for line in terminal_lines(report):
        out.print(plain(line))
    out.print(
        f"saved to {plain(written)}/: {SAVED_GAME} (replay: kzsim run "
        f"{plain(written / SAVED_GAME)}), {DEBRIEF_PAGE}, series and events"
    )


def save(
    game: Game,
    target: Path,
    overwrite: bool,
    played: RunResult | None = None,
    default: RunResult | None = None,
    report: Debrief | None = None,
) -> Path:
    """Write the game's folder: the saved game and a manifest; the run and debrief if finished.

    Args:
        game: the game.
        target: the folder.
        overwrite: replace an earlier game folder there.
        played: the played game's run (None for a game stopped early).
        default: the run of the model's own government.
        report: the debrief.

    """
    import json
    from datetime import UTC, datetime

    from kzsim.game.debrief import html_page, paths_png
    from kzsim.game.play import saved_text
    from kzsim.outputs import MANIFEST, manifest, staged_folder, write_table

    if played is None:
        info = manifest(game.played(), game.seed, None, datetime.now(UTC), 0.0, 0)
    else:
        info = played.manifest
    info = {**info, "game": {"decisions": len(game.taken), "stopped": game.interrupted}}
    with staged_folder(target, game_kind(), overwrite) as staging:
        (staging / SAVED_GAME).write_text(saved_text(game), encoding="utf-8")
        (staging / MANIFEST).write_text(json.dumps(info, indent=2), encoding="utf-8")
        if played is not None and default is not None and report is not None:
            for table, frame in (("series", played.series), ("events", played.events)):
                write_table(frame, staging / f"{table}.parquet", "parquet")
            page = html_page(game, report, paths_png(played, default))
            (staging / DEBRIEF_PAGE).write_text(page, encoding="utf-8")
    return target


def register(app: typer.Typer) -> None:
    """Add ``kzsim play`` to the main app."""
    app.command()(play)
