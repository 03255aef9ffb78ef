"""Command-line commands of ``kzsim.viz``, registered on the main app by ``kzsim.cli``.

Heavy imports stay inside the command functions so that ``kzsim --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kzsim.terminal import console, plain

if TYPE_CHECKING:
    from kzsim.viz.compare import Comparison

out = console()
err = console(stderr=True)

#: The scenario the dashboard opens when none is given.
DASHBOARD_DEFAULT = "historical_2010_2023"


def report(
    folder: Annotated[Path, typer.Argument(help="a run, comparison or sweep output folder")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="HTML file (default: FOLDER/report.html)")
    ] = None,
) -> None:
    """Write one self-contained HTML report (plots, regional map, timeline, changed inputs)."""
    from kzsim.viz.report import write_report

    written = write_report(folder, output)
    out.print(f"report written to {plain(written)}")


def compare(
    scenario_a: Annotated[Path, typer.Argument(help="scenario A (YAML or a shipped name)")],
    scenario_b: Annotated[Path, typer.Argument(help="scenario B (YAML or a shipped name)")],
    seeds: Annotated[
        int | None,
        typer.Option(
            "--seeds", help="replications per arm (default: 10; per draw with --posterior: 1)"
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            min=0, max=2**63 - 1, help="base seed of the replication seeds (default: A's)"
        ),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="output folder (default: runs/compare_A_vs_B)")
    ] = None,
    overrides: Annotated[
        list[str] | None,
        typer.Option("--set", help="override a value in both arms: dotted.key=value"),
    ] = None,
    overrides_a: Annotated[
        list[str] | None, typer.Option("--set-a", help="override a value in arm A only")
    ] = None,
    overrides_b: Annotated[
        list[str] | None, typer.Option("--set-b", help="override a value in arm B only")
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="replace an earlier comparison folder at --out")
    ] = False,
    posterior: Annotated[
        Path | None,
        typer.Option("--posterior", help="a kzsim calibrate folder: draw parameters from it"),
    ] = None,
    draws: Annotated[
        int | None, typer.Option("--draws", help="posterior draws (default: 50)")
    ] = None,
) -> None:
    """Run two scenarios with common random numbers; print input and paired outcome differences.

    A and B may be the same file: --set-a and --set-b then make the difference. With
    --posterior, the replications are --draws posterior draws x --seeds seeds, each the same
    draw and seed in both arms. An existing --out folder is replaced only if it holds an
    earlier comparison, nothing else, and --overwrite is given.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from kzsim.data import resolve_scenario
    from kzsim.ensemble import DEFAULT_DRAWS
    from kzsim.errors import InputError
    from kzsim.outputs import check_writable
    from kzsim.viz.compare import run_comparison
    from kzsim.viz.compare_report import COMPARISON, write_comparison

    if posterior is None and draws is not None:
        raise InputError(["--draws: needs --posterior (allowed: --posterior DIR --draws N)"])
    replications = seeds if seeds is not None else (10 if posterior is None else 1)
    scenario_a, scenario_b = resolve_scenario(scenario_a), resolve_scenario(scenario_b)
    target = out_dir or Path("runs") / f"compare_{scenario_a.stem}_vs_{scenario_b.stem}"
    for note in check_writable(target, COMPARISON, overwrite):
        err.print(plain(note))
    columns = (
        TextColumn("comparing"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} runs"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("compare", total=2 * max(replications, 1))

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        comparison = run_comparison(
            (scenario_a, scenario_b),
            replications,
            seed,
            overrides or (),
            progress=advance,
            arm_overrides=(overrides_a or (), overrides_b or ()),
            posterior=posterior,
            draws=DEFAULT_DRAWS if draws is None else draws,
        )
    print_comparison(comparison)
    written = write_comparison(comparison, target, overwrite)
    out.print(f"plots, tables and report.html written to {plain(written)}/")


def print_comparison(comparison: Comparison) -> None:
    """The input differences and the paired outcome deltas as two tables."""
    from rich.table import Table

    from kzsim.viz.compare import INTERVAL_LEVEL, interval_text
    from kzsim.viz.differences import show

    inputs = Table(title="Input differences (dotted keys)", title_justify="left")
    for column in ("input", *comparison.labels):
        inputs.add_column(plain(column), overflow="fold")
    for difference in comparison.inputs:
        inputs.add_row(
            plain(difference.key), plain(show(difference.left)), plain(show(difference.right))
        )
    if comparison.inputs:
        out.print(inputs)
    else:
        out.print("The two arms have the same inputs.")
    drawn = comparison.manifest["comparison"].get("posterior")
    pairs = f"{len(comparison.seeds)} common seeds"
    if drawn:
        pairs += f" and posterior draws ({len(drawn['draws'])} draws from {plain(drawn['folder'])})"
    deltas = Table(title=f"Paired outcome deltas over {pairs}", title_justify="left")
    for column in ("outcome", "A mean", "B mean", "delta B - A", f"{INTERVAL_LEVEL:.0%} interval"):
        left = column == "outcome"
        deltas.add_column(column, justify="left" if left else "right", no_wrap=left)
    for row in comparison.deltas.to_dict("records"):
        deltas.add_row(
            plain(row["outcome"]),
            f"{row['A']:.3g}",
            f"{row['B']:.3g}",
            f"{row['delta']:+.3g}",
            interval_text(row["low"], row["high"]),
        )
    out.print(deltas)


def dashboard(
    scenario: Annotated[
        Path | None, typer.Argument(help=f"scenario YAML (default: {DASHBOARD_DEFAULT})")
    ] = None,
    port: Annotated[int, typer.Option(help="port to serve on")] = 8765,
    host: Annotated[
        str, typer.Option(help="address to bind; 0.0.0.0 opens it to others, without a login")
    ] = "127.0.0.1",
    seed: Annotated[int | None, typer.Option(help="seed (default: the scenario's)")] = None,
    overrides: Annotated[
        list[str] | None, typer.Option("--set", help="override a scenario value: dotted.key=value")
    ] = None,
) -> None:
    """Open the interactive dashboard: sliders, play/step/reset, live plots, map and event log."""
    from kzsim.data import resolve_scenario, shipped_scenario
    from kzsim.viz import server

    path = (
        resolve_scenario(scenario) if scenario is not None else shipped_scenario(DASHBOARD_DEFAULT)
    )
    settings = server.DashboardSettings(str(path), list(overrides or ()), seed)
    settings.load()  # every problem in the file or the overrides, before the server starts
    loopback = server.check_address(host, port)
    shown = f"[{host}]" if ":" in host else host
    if not loopback:
        err.print(
            f"warning: the dashboard listens on {plain(host)}, so other machines can reach it, "
            "and it has no login: anyone who reaches it can use it"
        )
    out.print(f"kzsim dashboard on http://{plain(shown)}:{port} (Ctrl-C stops it)")
    server.serve(settings, host, port)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the ``kzsim`` app."""
    app.command()(report)
    app.command()(compare)
    app.command()(dashboard)
