"""``kzsim history``: the historical replay over seeds against the observed targets.

Registered on the main app by ``kzsim.cli``; heavy imports stay inside the command so that
``kzsim --help`` stays fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from datetime import datetime

    import pandas as pd

    from kzsim.history.targets import Target
    from kzsim.scenario.schema import Scenario

#: The replay ``kzsim history`` runs when no scenario is given.
DEFAULT_SCENARIO = "historical_2010_2023"


def needed_period(targets: tuple[Target, ...]) -> tuple[str, str]:
    """The first and last month of every modelled observation's window."""
    windows = [(o.start, o.end) for t in targets if t.modelled for o in t.observations]
    return min(start for start, _ in windows), max(end for _, end in windows)


def check_horizon(path: Path, start: str, end: str, targets: tuple[Target, ...]) -> None:
    """The replay must cover every target's window (else one line, exit 2)."""
    from kzsim.errors import InputError

    first, last = needed_period(targets)
    if start > first or end < last:
        raise InputError(
            [
                f"{path}: SCENARIO: runs {start} to {end}; the history targets need {first} "
                f"to {last} (allowed: a replay covering that period)"
            ]
        )


def check_series(targets: tuple[Target, ...]) -> None:
    """Every modelled target's series is one the model writes (else one line each, exit 2)."""
    from kzsim.catalog import SERIES_NAMES
    from kzsim.errors import InputError

    problems = [
        f"{t.file}: {t.name}: series {t.series} is not a model output (allowed: a series the "
        "model writes, or the target declared not modelled in kzsim/history/targets.py)"
        for t in targets
        if t.modelled and t.series not in SERIES_NAMES
    ]
    if problems:
        raise InputError(problems)


def register(app: typer.Typer) -> None:
    """Add ``kzsim history`` to the ``kzsim`` app."""

    @app.command()
    def history(
        scenario: Annotated[
            Path | None,
            typer.Argument(help=f"historical replay (default: the shipped {DEFAULT_SCENARIO})"),
        ] = None,
        seeds: Annotated[int, typer.Option(help="replications (seeds 1..N)")] = 10,
        citizens: Annotated[
            int | None,
            typer.Option(help="simulated citizens per run (default: the scenario's)"),
        ] = None,
        workers: Annotated[int, typer.Option(help="worker processes")] = max(
            1, min(2, os.cpu_count() or 1)
        ),
        overrides: Annotated[
            list[str] | None,
            typer.Option("--set", help="override a replay value: dotted.key=value"),
        ] = None,
        out_dir: Annotated[
            Path | None,
            typer.Option("--out", help="output folder (default: runs/history_<scenario>)"),
        ] = None,
        overwrite: Annotated[
            bool, typer.Option("--overwrite", help="replace an earlier history folder at --out")
        ] = False,
    ) -> None:
        """Run the replay over seeds and compare it with the observed targets.

        Prints, per observation, the observed value, the simulated median and 90% band, the
        error in the target's unit and whether it is inside the tolerance; then the targets not
        modelled yet and the score. Writes the table, the manifest and one figure per target
        family to --out (replaced only if it holds an earlier history and --overwrite is given).
        """
        import time
        from datetime import UTC, datetime

        from kzsim.data import shipped_scenario
        from kzsim.history.evaluate import history_table, score
        from kzsim.history.folder import HISTORY, write_history
        from kzsim.history.replay import run_overrides, run_replays
        from kzsim.history.targets import load_targets
        from kzsim.outputs import check_writable
        from kzsim.scenario.load import load_scenario
        from kzsim.terminal import console, plain, run_counter
        from kzsim.validation.commands import check_run_options

        check_run_options(seeds, citizens, workers)
        path = scenario if scenario is not None else shipped_scenario(DEFAULT_SCENARIO)
        loaded = load_scenario(path, overrides or ())
        targets = load_targets()
        check_series(targets)
        check_horizon(path, loaded.metadata.start, loaded.metadata.end, targets)
        size = citizens if citizens is not None else loaded.population.citizens
        replay = load_scenario(loaded.to_data(), run_overrides(size))
        target = out_dir if out_dir is not None else Path("runs") / f"history_{path.stem}"
        err = console(stderr=True)
        for note in check_writable(target, HISTORY, overwrite):
            err.print(plain(note))
        started, clock = datetime.now(UTC), time.perf_counter()
        keep = sorted({t.series for t in targets if t.series is not None})
        with run_counter(err, seeds) as advance:
            runs = run_replays(replay.to_data(), range(1, seeds + 1), keep, workers, advance)
        table = history_table(targets, runs)
        share, distance = score(table)
        seconds = time.perf_counter() - clock
        print_history(table, targets, share, distance, seeds, size, seconds)
        manifest = history_manifest(path, overrides or (), replay, seeds, table, started, seconds)
        written = write_history(target, table, manifest, targets, overwrite)
        console().print(f"table, figures and report.html written to {plain(written)}/")


def history_manifest(
    path: Path,
    overrides: list[str] | tuple[str, ...],
    replay: Scenario,
    seeds: int,
    table: pd.DataFrame,
    started: datetime,
    seconds: float,
) -> dict[str, Any]:
    """The history folder's manifest: versions, scenario, seeds, data hashes, score."""
    from kzsim.history.evaluate import score
    from kzsim.history.targets import data_hashes
    from kzsim.outputs import HISTORY_KIND, scenario_hash, versions

    share, distance = score(table)
    fitted = table[table["excluded"] == ""]
    return {
        "kind": HISTORY_KIND,
        "versions": versions(),
        "scenario_file": str(path),
        "overrides": list(overrides),
        "scenario_hash": scenario_hash(replay),
        "scenario": replay.to_data(),
        "seeds": list(range(1, seeds + 1)),
        "citizens": replay.population.citizens,
        "data_hashes": data_hashes(),
        "score": {
            "share_inside": share,
            "distance": distance,
            "inside": int(fitted["inside"].sum()),
            "observations": len(fitted),
        },
        "started_utc": started.isoformat(timespec="seconds"),
        "wall_seconds": round(seconds, 3),
    }


def print_history(
    table: pd.DataFrame,
    targets: tuple[Target, ...],
    share: float,
    distance: float,
    seeds: int,
    citizens: int,
    seconds: float,
) -> None:
    """The per-observation table, the targets not modelled, and the score."""
    from rich.console import Console
    from rich.table import Table

    from kzsim import terminal
    from kzsim.history.folder import number, verdict

    shown = Table(
        title=f"History: seeds 1-{seeds}, {citizens} citizens per run", title_justify="left"
    )
    for column in ("target", "when", "observed", "simulated median [90% band]", "error", "result"):
        left = column in ("target", "when")
        shown.add_column(column, justify="left" if left else "right", no_wrap=True)
    for row in table.to_dict("records"):
        observed = number(row["low"]) + (
            f"-{number(row['high'])}" if row["low"] != row["high"] else ""
        )
        shown.add_row(
            str(row["target"]),
            str(row["when"]),
            f"{observed} {row['unit']}",
            f"{number(row['median'])} [{number(row['q05'])}, {number(row['q95'])}]",
            f"{'+' if row['error'] > 0 else ''}{number(row['error'])} ({row['tolerance']})",
            verdict(bool(row["inside"]), str(row["excluded"])),
        )
    console = terminal.console(width=max(Console().width, 140))
    console.print(shown)
    for row in table[table["excluded"] != ""].to_dict("records"):
        console.print(f"excluded {row['target']}@{row['when']}: {row['excluded']}")
    for target in targets:
        if not target.modelled:
            console.print(f"not modelled: {target.name} ({target.family}): {target.reason}")
    fitted = table[table["excluded"] == ""]
    console.print(
        f"{int(fitted['inside'].sum())} of {len(fitted)} observations inside tolerance "
        f"({share:.0%}); normalised distance {distance:.3g} (RMS of error / tolerance); "
        f"{seconds:.0f} s"
    )
