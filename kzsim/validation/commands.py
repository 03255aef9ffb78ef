"""Command-line commands of ``kzsim.validation``, registered on the main app by ``kzsim.cli``.

Heavy imports stay inside the command functions so that ``kzsim --help`` stays fast.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kzsim.errors import EXIT_OK, EXIT_RUNTIME

if TYPE_CHECKING:
    from kzsim.validation.suite import Outcome

#: Most seeds a pattern check may use.
MAX_SEEDS = 1000


def citizens_range() -> tuple[int, int]:
    """The scenario schema's bounds on ``population.citizens``."""
    from kzsim.scenario.schema import PopulationConfig

    metadata = PopulationConfig.model_fields["citizens"].metadata
    low = next(int(m.ge) for m in metadata if hasattr(m, "ge"))
    high = next(int(m.le) for m in metadata if hasattr(m, "le"))
    return low, high


def check_run_options(seeds: int, citizens: int | None, workers: int) -> None:
    """Every out-of-range option of a command that runs the replay, one line each (exit 2).

    ``citizens`` None is the scenario's own number.
    """
    from kzsim.errors import InputError

    problems = []
    low, high = citizens_range()
    if citizens is not None and not low <= citizens <= high:
        problems.append(f"--citizens: {citizens} is out of range (allowed: {low} to {high})")
    if not 1 <= seeds <= MAX_SEEDS:
        problems.append(f"--seeds: {seeds} is out of range (allowed: 1 to {MAX_SEEDS})")
    if workers < 1:
        problems.append(f"--workers: {workers} is out of range (allowed: 1 or more)")
    if problems:
        raise InputError(problems)


def check_horizon(path: Path, data: dict[str, Any]) -> None:
    """The checks read 2010-01 to 2023-12: a replay must cover them (else one line, exit 2)."""
    from kzsim.errors import InputError
    from kzsim.months import parse_month
    from kzsim.validation.patterns import END, START

    start, end = data["metadata"]["start"], data["metadata"]["end"]
    if parse_month(start) > parse_month(START) or parse_month(end) < parse_month(END):
        raise InputError(
            [
                f"{path}: --scenario: runs {start} to {end}; the pattern checks need "
                f"{START} to {END} (allowed: a replay covering that period)"
            ]
        )


def figures_folder(folder: Path) -> Path:
    """Create the figures folder if needed; fail with one line if it cannot be written."""
    from kzsim.errors import InputError

    if folder.exists() and not folder.is_dir():
        raise InputError([f"{folder}: --figures: exists and is not a folder (allowed: a folder)"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            [f"{folder}: --figures: cannot create folder ({error.strerror})"]
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(
            [f"{folder}: --figures: folder is not writable (allowed: a writable path)"]
        )
    return folder


def register(app: typer.Typer) -> None:
    """Add this package's commands to the ``kzsim`` app."""

    @app.command(name="check-patterns")
    def check_patterns(
        seeds: Annotated[int, typer.Option(help="seeds per variant (seeds 1..N)")] = 20,
        citizens: Annotated[int, typer.Option(help="simulated citizens per run")] = 5000,
        workers: Annotated[int, typer.Option(help="worker processes")] = max(
            1, min(2, os.cpu_count() or 1)
        ),
        scenario: Annotated[
            Path | None,
            typer.Option(help="historical replay to check (default: the shipped one)"),
        ] = None,
        overrides: Annotated[
            list[str] | None,
            typer.Option("--set", help="override a replay value: dotted.key=value"),
        ] = None,
        figures: Annotated[
            Path | None, typer.Option(help="also write one PNG per fact to this folder")
        ] = None,
    ) -> None:
        """Score the stylised facts SF1-SF12: share of seeds showing each, with and without cause.

        Each fact is labelled emergent or scripted (cause and effect both inputs).

        Exit code 0 when every fact passes, 1 when any fails, 2 for bad input.
        """
        from kzsim.data import shipped_scenario
        from kzsim.scenario.load import load_scenario
        from kzsim.terminal import console, plain, run_counter
        from kzsim.validation.suite import run_suite

        check_run_options(seeds, citizens, workers)
        if scenario is None:
            scenario = shipped_scenario("historical_2010_2023")
        base = load_scenario(scenario, overrides or ()).to_data()
        check_horizon(scenario, base)
        folder = figures_folder(figures) if figures is not None else None
        err = console(stderr=True)
        clock = time.perf_counter()
        with run_counter(err) as advance:
            outcomes, runs = run_suite(
                base, range(1, seeds + 1), citizens, workers, progress=advance
            )
        print_table(outcomes, seeds, citizens, time.perf_counter() - clock)
        if folder is not None:
            from kzsim.validation.figures import write_figures

            paths = write_figures(outcomes, runs, range(1, seeds + 1), folder)
            console().print(f"{len(paths)} figures written to {plain(folder)}/")
        code = exit_code(outcomes)
        if code != EXIT_OK:
            raise typer.Exit(code)


def exit_code(outcomes: Sequence[Outcome]) -> int:
    """0 when every fact passes, 1 when any fails (bad input is exit 2, raised before)."""
    return EXIT_OK if all(outcome.passed for outcome in outcomes) else EXIT_RUNTIME


def print_table(outcomes: Sequence[Outcome], seeds: int, citizens: int, seconds: float) -> None:
    """Print the facts table: fact, origin, source, share reproducing, counterfactual, result."""
    from rich.console import Console
    from rich.table import Table

    from kzsim import terminal
    from kzsim.validation.suite import CONTRAST_SHARE, REQUIRED_SHARE

    table = Table(
        title=f"Stylised facts: seeds 1-{seeds}, {citizens} citizens per run",
        title_justify="left",
    )
    for column in ("fact", "origin", "source", "reproduced", "counterfactual", "result", "claim"):
        table.add_column(column, justify="right" if column == "reproduced" else "left")
    passed = 0
    for outcome in outcomes:
        fact = outcome.pattern
        contrast = (
            "-"
            if outcome.contrast_share is None
            else f"{outcome.contrast_share:.0%} {fact.contrast}"
        )
        passed += outcome.passed
        result = "pass" if outcome.passed else "FAIL"
        table.add_row(
            fact.code,
            fact.origin,
            fact.source,
            f"{outcome.share:.0%}",
            contrast,
            result,
            fact.claim,
        )
    console = terminal.console(width=max(Console().width, 160))
    console.print(table)
    for outcome in outcomes:
        if outcome.pattern.note:
            console.print(f"{outcome.pattern.code}: {outcome.pattern.note}")
    scripted = sum(outcome.pattern.origin == "scripted" for outcome in outcomes)
    console.print(
        f"{passed} of {len(outcomes)} facts pass (reproduced in >= {REQUIRED_SHARE:.0%} of seeds, "
        f"counterfactual <= {CONTRAST_SHARE:.0%}); {seconds:.0f} s"
    )
    console.print(
        f"{scripted} of {len(outcomes)} facts are scripted: their cause is an input that a rule "
        "maps onto the effect (reasons: docs/validation.md)"
    )
