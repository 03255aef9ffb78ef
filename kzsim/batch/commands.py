"""Command-line commands of ``kzsim.batch``, registered on the main app by ``kzsim.cli``.

Heavy imports stay inside the command functions so that ``kzsim --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from kzsim.terminal import console, plain

if TYPE_CHECKING:
    import pandas as pd

#: Design points shown per outcome in the printed summary (the file has them all).
SHOWN_POINTS = 20


def _consoles() -> tuple[Console, Console]:
    return console(), console(stderr=True)


def sweep(
    experiment: Annotated[Path, typer.Argument(help="experiment YAML file")],
    workers: Annotated[
        int | None, typer.Option(help="local worker processes (default: the available cores)")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="run on this dask.distributed scheduler, e.g. tcp://host:8786"),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="sweep folder (default: the file's out, else runs/<name>)"),
    ] = None,
    no_resume: Annotated[
        bool, typer.Option("--no-resume", help="run every run again, discarding earlier ones")
    ] = False,
    force_new: Annotated[
        bool,
        typer.Option("--force-new", help="discard a sweep of a changed experiment in the folder"),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
) -> None:
    """Run an experiment's runs (resuming by default), each to its own Parquet shard."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from kzsim.batch.executors import available_cores
    from kzsim.batch.experiment import load_experiment
    from kzsim.batch.runner import run_experiment
    from kzsim.errors import KzsimError

    out, err = _consoles()
    refuse_scenario(experiment)
    loaded = load_experiment(experiment)
    target = out_dir if out_dir is not None else loaded.out
    count = workers or available_cores()
    where = f"on {scheduler}" if scheduler else f"{count} worker{'s' if count > 1 else ''}"
    if not quiet:
        out.print(f"{plain(loaded.describe())}; {where}; folder {plain(target)}")
    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} runs, {task.fields[failed]} failed"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True, disable=quiet) as bar:
        task = bar.add_task(plain(loaded.spec.name), total=loaded.spec.runs, failed=0)

        def advance(finished: int, failed: int, total: int) -> None:
            bar.update(task, completed=finished, total=total, failed=failed)

        try:
            runs = run_experiment(
                loaded,
                target,
                workers=workers,
                scheduler=scheduler,
                resume=not no_resume,
                force_new=force_new,
                progress=advance,
                notice=_notice(err),
            )
        except KeyboardInterrupt:
            err.print(f"finished runs are kept in {plain(target)}; run the same command to resume")
            raise
    failed = runs[runs["status"] == "failed"]
    if not quiet:
        out.print(
            f"{(runs['status'] == 'ok').sum()} ok, {len(failed)} failed of {len(runs)} runs; "
            f"written to {plain(target)}/ (next: kzsim summarize {plain(target)})"
        )
    if len(failed):
        first = failed.iloc[0]
        raise KzsimError(
            f"{len(failed)} of {len(runs)} runs failed (first: {first['run']}: {first['error']});"
            f" they are listed in {target}/runs.parquet and run again by the next sweep"
        )


def refuse_scenario(experiment: Path) -> None:
    """Refuse a scenario file, or a shipped scenario's name, given as an experiment: one line.

    Raises:
        InputError: if ``experiment`` is a scenario (it has ``metadata`` and no ``factors`` or
            ``design`` at the top).

    """
    import yaml

    from kzsim.batch.experiment import is_experiment_file
    from kzsim.data import resolve_scenario
    from kzsim.errors import InputError
    from kzsim.scenario.document import top_level_keys

    try:
        path = resolve_scenario(experiment)
        keys = top_level_keys(path.read_text(encoding="utf-8"))
    except (InputError, OSError, UnicodeDecodeError, yaml.YAMLError):
        return  # load_experiment names the problem
    if "metadata" in keys and not is_experiment_file(path):
        raise InputError(
            [
                f"{experiment}:1:1: experiment: a scenario, not an experiment (allowed: kzsim "
                f"run {experiment} runs it; an experiment has factors or design)"
            ]
        )


def summarize(
    folder: Annotated[Path, typer.Argument(help="sweep folder")],
) -> None:
    """Summarise outcomes across replications (and sensitivity indices for sobol and morris).

    While a sweep runs in the folder, the summary of the runs finished so far is printed but not
    written.
    """
    from kzsim.batch import analysis
    from kzsim.batch.schema import Morris, Sobol
    from kzsim.batch.store import SweepFolder

    out, err = _consoles()
    sweep_folder = SweepFolder.existing(folder)
    spec = sweep_folder.spec()
    with sweep_folder.lock("kzsim summarize", _notice(err)) as in_use_by:
        summary = analysis.summarize(folder)
        for name, rows in summary.groupby("outcome", sort=False):
            outcome = spec.outcomes[str(name)]
            title = f"{name}: {outcome.stat} of {outcome.series}, across replications"
            _print_frame(out, title, rows.drop(columns="outcome"))
        written = [f"{folder}/summary.parquet"]
        if isinstance(spec.design, Sobol | Morris):
            _print_sensitivity(out, analysis.sensitivity(folder), spec.design.method)
            written.append(f"{folder}/sensitivity.parquet")
    if in_use_by is None:
        out.print(f"written to {plain(', '.join(written))}")
    else:
        err.print(
            f"{plain(folder)}: in use by {plain(in_use_by)}: the summary covers the runs finished "
            "so far; nothing written"
        )


def _notice(err: Console) -> Callable[[str], None]:
    """Print a notice line on standard error, as it is."""
    return lambda line: err.print(plain(line))


def _print_frame(out: Console, title: str, frame: pd.DataFrame, limit: int = SHOWN_POINTS) -> None:
    from rich import box
    from rich.table import Table

    cells = [[_cell(value) for value in row] for row in frame.head(limit).itertuples(index=False)]
    out.print(plain(title))
    table = Table(box=box.SIMPLE_HEAD)
    for j, column in enumerate(frame.columns):
        header = plain(str(column).rsplit(".", 1)[-1])
        width = max(len(header), *(len(row[j]) for row in cells))
        table.add_column(header, justify="right", min_width=width)
    for row in cells:
        table.add_row(*row)
    out.print(table)
    if len(frame) > limit:
        out.print(f"... {len(frame) - limit} more design points in the file")


def _print_sensitivity(out: Console, table: pd.DataFrame, method: str) -> None:
    """One table per outcome: each index with its 95% interval; * where it includes zero."""
    import pandas as pd
    from rich import box
    from rich.table import Table

    for outcome, rows in table.groupby("outcome", sort=False):
        note = rows["note"].iloc[0]
        if note:
            out.print(plain(f"{outcome}: sensitivity not computed ({note})"))
            continue
        indices = list(dict.fromkeys(rows["index"]))
        cells = []
        for factor, part in rows.groupby("factor", sort=False):
            line = [plain(factor)]
            for index in indices:
                row = part[part["index"] == index].iloc[0]
                flag = "*" if row["includes_zero"] is not pd.NA and row["includes_zero"] else ""
                finite = row["conf"] == row["conf"]
                line += [
                    f"{row['value']:.3g}{flag}",
                    f"{row['low']:.3g} to {row['high']:.3g}" if finite else "",
                ]
            cells.append(line)
        headers = ["factor"] + [h for index in indices for h in (index, "interval")]
        out.print(f"{plain(outcome)}: {method} indices, 95% intervals (* includes 0)")
        shown = Table(box=box.SIMPLE_HEAD)
        for j, header in enumerate(headers):
            width = max(len(header), *(len(line[j]) for line in cells))
            shown.add_column(header, justify="left" if j == 0 else "right", min_width=width)
        for line in cells:
            shown.add_row(*line)
        out.print(shown)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return "" if value is None else plain(value)


def plot(
    folder: Annotated[Path, typer.Argument(help="sweep folder")],
    series: Annotated[
        list[str] | None, typer.Option("--series", help="series to draw (default: outcomes')")
    ] = None,
    by: Annotated[
        str | None, typer.Option(help="group runs by 'point' or a factor (dotted key)")
    ] = None,
) -> None:
    """Fan charts (median, 5-95% band) and sensitivity bars of a sweep, as PNG and SVG."""
    from kzsim.batch.figures import plot_sweep
    from kzsim.batch.store import SweepFolder
    from kzsim.errors import InputError

    out, err = _consoles()
    with SweepFolder.existing(folder).lock("kzsim plot", _notice(err)) as in_use_by:
        if in_use_by is not None:
            raise InputError(
                [f"{folder}: DIR: in use by {in_use_by}; plot it when it has finished"]
            )
        files = plot_sweep(folder, series, by)
    out.print(f"{len(files)} files written to {plain(folder)}/plots/")


def register(app: typer.Typer) -> None:
    """Add this package's commands to the ``kzsim`` app."""
    app.command()(sweep)
    app.command()(summarize)
    app.command()(plot)
