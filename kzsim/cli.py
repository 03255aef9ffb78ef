"""The ``kzsim`` command line: run, validate, schema, list.

Exit codes: 0 ok, 1 runtime failure, 2 invalid input. Errors a user can cause are printed as one
line each on standard error, never as a traceback.

The top of the layers: nothing imports this module but the ``kzsim`` entry point. It and the
command modules it registers import only typer and light modules at the top; the simulation,
pandas and the plots load inside the commands, so that ``kzsim --help`` is quick.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from kzsim.batch import commands as batch_commands
from kzsim.calibration import commands as calibration_commands
from kzsim.data import resolve_scenario, shipped_scenarios
from kzsim.errors import EXIT_RUNTIME, KzsimError
from kzsim.game import commands as game_commands
from kzsim.history import commands as history_commands
from kzsim.scenario.renames import RenamedKeyWarning
from kzsim.terminal import console, plain
from kzsim.validation import commands as validation_commands
from kzsim.viz import commands as viz_commands

if TYPE_CHECKING:
    import pandas as pd

    from kzsim.ensemble import Ensemble, EnsemblePlan
    from kzsim.outputs import RunResult

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="kzsim: Kazakhstan between Russia and China, an agent-based simulation.",
)
out = console()
err = console(stderr=True)


def _print_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version

        out.print(f"kzsim {version('kzsim')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """kzsim: Kazakhstan between Russia and China, an agent-based simulation."""


@app.command()
def run(
    scenario: Annotated[
        Path, typer.Argument(help="scenario YAML file, or a shipped scenario's name")
    ],
    seed: Annotated[
        int | None, typer.Option(min=0, max=2**63 - 1, help="random seed (default: the scenario's)")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="output folder (default: runs/<scenario>[_ensemble])"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv")] = "parquet",
    overrides: Annotated[
        list[str] | None, typer.Option("--set", help="override a scenario value: dotted.key=value")
    ] = None,
    steps: Annotated[int | None, typer.Option(help="months to simulate (default: all)")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar or summary")] = False,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="replace an earlier run folder at --out")
    ] = False,
    plot_format: Annotated[
        str, typer.Option("--plot-format", help="plots as png, svg or both")
    ] = "png",
    plot_size: Annotated[
        str,
        typer.Option(
            "--plot-size", help="report, slides (1920x1080) or WxH in pixels, e.g. 1600x900"
        ),
    ] = "report",
    posterior: Annotated[
        Path | None,
        typer.Option("--posterior", help="a kzsim calibrate folder: run over its posterior"),
    ] = None,
    draws: Annotated[
        int | None, typer.Option("--draws", help="posterior draws (default: 50)")
    ] = None,
    seeds: Annotated[
        int | None, typer.Option("--seeds", help="seeds per posterior draw (default: 1)")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="worker processes for --posterior (default: the cores)"),
    ] = None,
) -> None:
    """Run a scenario: progress bar, summary table, and an output folder with series and plots.

    With --posterior, an ensemble of --draws posterior draws x --seeds seeds, summarised by
    medians and 90% bands. An existing --out folder is replaced only if it holds an earlier
    output of the same kind, nothing else, and --overwrite is given.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from kzsim.api import run as run_scenario
    from kzsim.ensemble import DEFAULT_DRAWS, plan_ensemble
    from kzsim.errors import InputError
    from kzsim.outputs import RUN, check_writable
    from kzsim.plots import headline_plots, parse_plot_size, plot_suffixes
    from kzsim.scenario.load import load_scenario

    if fmt not in ("parquet", "csv"):
        raise InputError([f"--format: '{fmt}' is not a format (allowed: parquet, csv)"])
    scenario = resolve_scenario(scenario)
    suffixes, size = plot_suffixes(plot_format), parse_plot_size(plot_size)
    if posterior is not None:
        plan = plan_ensemble(
            scenario,
            posterior,
            DEFAULT_DRAWS if draws is None else draws,
            1 if seeds is None else seeds,
            seed,
            overrides or (),
            steps,
        )
        target = out_dir or Path("runs") / f"{scenario.stem}_ensemble"
        run_ensemble(plan, target, fmt, workers, quiet, overwrite)
        return
    for option, value in (("--draws", draws), ("--seeds", seeds), ("--workers", workers)):
        if value is not None:
            raise InputError([f"{option}: needs --posterior (allowed: --posterior DIR {option} N)"])
    loaded = load_scenario(scenario, overrides or ())
    target = out_dir if out_dir is not None else Path("runs") / scenario.stem
    for note in check_writable(target, RUN, overwrite):
        err.print(plain(note))
    if quiet:
        result = run_scenario(loaded, seed=seed, steps=steps, source=str(scenario))
    else:
        columns = (
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} months"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task(plain(loaded.metadata.name), total=steps or loaded.months)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = run_scenario(
                loaded, seed=seed, steps=steps, progress=advance, source=str(scenario)
            )
    written = result.write(
        target,
        fmt=fmt,  # type: ignore[arg-type]
        overwrite=overwrite,
        extras=partial(headline_plots, suffixes=suffixes, size=size),
    )
    if not quiet:
        print_summary(result)
        out.print(
            f"seed {result.manifest['seed']}, {len(result.events)} events, "
            f"{result.manifest['wall_seconds']:.2f} s; written to {plain(written)}/"
        )


def run_ensemble(
    plan: EnsemblePlan,
    target: Path,
    fmt: str,
    workers: int | None,
    quiet: bool,
    overwrite: bool,
) -> None:
    """Run a checked ensemble with a progress bar, write its folder and print its bands."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from kzsim.batch.executors import available_cores
    from kzsim.ensemble import ENSEMBLE
    from kzsim.errors import InputError
    from kzsim.outputs import check_writable

    if workers is not None and workers < 1:
        raise InputError([f"--workers: {workers} is out of range (allowed: 1 or more)"])
    for note in check_writable(target, ENSEMBLE, overwrite):
        err.print(plain(note))
    calibrated, citizens = plan.posterior.citizens, plan.scenario.population.citizens
    if calibrated is not None and calibrated != citizens:
        err.print(
            f"note: the posterior was calibrated with {calibrated} simulated citizens; this "
            f"scenario has {citizens}"
        )
    processes = min(workers or available_cores(), len(plan.members))
    if quiet:
        ensemble = plan.run(processes)
    else:
        columns = (
            TextColumn(plain(plan.scenario.metadata.name), markup=False),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} runs"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("ensemble", total=len(plan.members))

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            ensemble = plan.run(processes, advance)
    bands = ensemble.bands()
    written = ensemble.write(target, fmt=fmt, overwrite=overwrite, bands=bands)  # type: ignore[arg-type]
    if not quiet:
        print_ensemble_summary(ensemble, bands)
        info = ensemble.manifest
        out.print(
            f"{info['draws']} posterior draws x {info['seeds']} seed(s) (seed {info['seed']}), "
            f"{info['wall_seconds']:.2f} s; written to {plain(written)}/"
        )


def print_ensemble_summary(ensemble: Ensemble, bands: pd.DataFrame) -> None:
    """The headline series in the last month: median and 90% band over the members, with units."""
    from rich.table import Table

    name = plain(ensemble.scenario.metadata.name)
    last = bands["date"].max()
    table = Table(
        title=f"{name}: headline series in {last} over posterior draws", title_justify="left"
    )
    for column in ("series", "unit", "median", "90% band"):
        table.add_column(column, justify="left" if column in ("series", "unit") else "right")
    for variable, unit, median, low, high in ensemble.summary(bands):
        table.add_row(variable, unit, f"{median:.3g}", f"[{low:.3g}, {high:.3g}]")
    out.print(table)


#: Key events the end-of-run summary prints; the report and events.parquet have them all.
SUMMARY_EVENTS = 40


def print_summary(result: RunResult) -> None:
    """The end-of-run summary: the headline series and the story's key events.

    The table gives each headline series' first, last, min and max with its unit; the key
    events (``kzsim.story``) come each with its date and kind.
    """
    from rich import box
    from rich.table import Table

    from kzsim.catalog import series_named
    from kzsim.story import key_events

    name = plain(result.scenario.metadata.name)
    table = Table(
        title=f"{name}: headline series", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("series", no_wrap=True)
    for column in ("first", "last", "min", "max"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    for variable, *values in result.summary():
        table.add_row(variable, *(f"{v:.3g}" for v in values), series_named(variable).unit)
    out.print(table)
    story = key_events(result.events)
    if story.empty:
        return
    shown = story.head(SUMMARY_EVENTS)
    width = max(len(str(kind)) for kind in shown["kind"])
    out.print(f"Key events ({len(story)} of the {len(result.events)} logged):")
    for row in shown.itertuples():
        out.print(f"  {plain(row.date)}  {plain(row.kind):<{width}}  {plain(row.detail)}")
    if len(story) > len(shown):
        out.print(f"  ... {len(story) - len(shown)} more in the report and events.parquet")


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="scenario or experiment files to check")],
) -> None:
    """Check scenario and experiment files; print every problem as file:line:col: field: message.

    A file with a top-level ``factors`` or ``design`` key is an experiment: its base scenario and
    every design point are checked too.
    """
    from kzsim.batch.experiment import is_experiment_file, load_experiment
    from kzsim.errors import InputError
    from kzsim.scenario.load import load_scenario

    problems: list[str] = []
    for given in files:
        try:
            path = resolve_scenario(given)
            if is_experiment_file(path):
                out.print(f"ok: {plain(path)} ({plain(load_experiment(path).describe())})")
                continue
            loaded = load_scenario(path)
        except InputError as error:
            problems.extend(error.problems)
            continue
        out.print(
            f"ok: {plain(path)} ({plain(loaded.metadata.name)}, {loaded.metadata.start} to "
            f"{loaded.metadata.end}, {loaded.population.citizens} citizens)"
        )
    if problems:
        raise InputError(problems)


@app.command()
def schema() -> None:
    """Print the scenario JSON Schema (for editor completion and checking)."""
    from kzsim.scenario.schema import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(), indent=2))


@app.command(name="list")
def list_things(
    rules: Annotated[
        bool, typer.Option("--rules", help="each rule's contract: what it writes, reads, posts")
    ] = False,
) -> None:
    """List the shipped scenarios and the rules, one line each (--rules: their contracts)."""
    import yaml

    from kzsim.contracts import SCHEDULE, contract_lines
    from kzsim.rules import rule_module

    if rules:
        for line in contract_lines():
            out.print(line)
        return

    out.print("Scenarios:")
    for path in shipped_scenarios():
        meta = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("metadata", {})
        summary = str(meta.get("description", "")).strip().splitlines()
        out.print(f"  {path.stem:<30} {plain(summary[0]) if summary else ''}")
    out.print("Rules (in schedule order):")
    for name in SCHEDULE:
        first = (rule_module(name).__doc__ or "").strip().splitlines()[0]
        out.print(f"  {name:<30} {first}")


batch_commands.register(app)
validation_commands.register(app)
history_commands.register(app)
calibration_commands.register(app)
viz_commands.register(app)
game_commands.register(app)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return its exit code. Errors are one line each, never a traceback.

    A renamed key in a scenario or experiment is one warning line on standard error.
    """
    with warnings.catch_warnings():
        warnings.showwarning = _renamed_keys_as_lines(warnings.showwarning)
        return _main(argv)


def _renamed_keys_as_lines(default: Callable[..., None]) -> Callable[..., None]:
    """A ``warnings.showwarning`` that prints a renamed-key warning as its one line."""

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if issubclass(category, RenamedKeyWarning):
            err.print(plain(message))
        else:
            default(message, category, filename, lineno, file, line)

    return show


def _main(argv: Sequence[str] | None) -> int:
    try:
        app(args=list(argv) if argv is not None else None, prog_name="kzsim")
    except SystemExit as done:  # typer exits after every command, with 2 for usage errors
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KzsimError as error:
        for line in str(error).splitlines():
            err.print(plain(line))
        return error.exit_code
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except Exception as error:  # a bug: say so in one line unless debugging
        if os.environ.get("KZSIM_DEBUG"):
            raise
        err.print(
            f"kzsim: internal error: {type(error).__name__}: {plain(error)} "
            "(KZSIM_DEBUG=1 shows more)"
        )
        return EXIT_RUNTIME
    return 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
