"""The ``kzsim calibrate`` command, registered on the main app by ``kzsim.cli``.

Heavy imports (pyabc, the model, pandas) stay inside the command so that ``kzsim --help`` stays
fast; without pyabc installed the command says what to install.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kzsim.terminal import console, plain

if TYPE_CHECKING:
    from kzsim.calibration.calibrate import Result
    from kzsim.calibration.load import Calibration

#: What to install when pyabc is missing.
INSTALL_HINT = "pip install 'kzsim[calibrate]'"


def calibrate(
    file: Annotated[Path, typer.Argument(help="calibration YAML file")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="calibration folder (default: runs/calibration_<name>)"),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="local worker processes (default: the available cores; any gives the same result)",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="sample on this dask.distributed scheduler, e.g. tcp://host:8786"),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option("--overwrite", help="start afresh over another or a complete calibration"),
    ] = False,
) -> None:
    """Calibrate free parameters against the observed targets by ABC-SMC (pyabc); resumes.

    An interrupted calibration resumes from its history (DIR/abc.db) when the same command runs
    again. The folder ends with the posterior, plots, a posterior-predictive check and a
    manifest.
    """
    from kzsim.errors import InputError

    if workers is not None and scheduler is not None:
        raise InputError(["--workers: does not apply with --scheduler (allowed: one of the two)"])
    try:
        import pyabc  # noqa: F401
    except ImportError:
        raise InputError(
            [f"kzsim calibrate: needs pyabc (allowed: install it: {INSTALL_HINT})"]
        ) from None
    from kzsim.batch.executors import available_cores
    from kzsim.calibration.calibrate import calibrate as run_calibration
    from kzsim.calibration.load import load_calibration

    out, err = console(), console(stderr=True)
    loaded = load_calibration(file)
    target = out_dir if out_dir is not None else Path("runs") / f"calibration_{loaded.spec.name}"
    count = workers or available_cores()
    where = f"on {scheduler}" if scheduler else f"{count} worker{'s' if count > 1 else ''}"
    out.print(plain(f"{describe(loaded)}; {where}; folder {target}"))
    try:
        result = run_calibration(
            loaded, target, count, scheduler, overwrite, lambda line: err.print(plain(line))
        )
    except KeyboardInterrupt:
        err.print(
            plain(f"the finished generations are kept in {target}; run the same command to resume")
        )
        raise
    print_summary(result)
    out.print(plain(f"written to {target}/"))


def describe(calibration: Calibration) -> str:
    """One line: name, parameters, targets, particles, generations, citizens."""
    spec = calibration.spec
    return (
        f"{spec.name}: {len(spec.parameters)} parameters, {len(spec.targets)} targets, "
        f"{spec.particles} particles x at most {spec.planned_generations} generations, "
        f"{spec.citizens} citizens"
    )


def print_summary(result: Result) -> None:
    """Posterior median and 90% interval per parameter, predictive score, wall time, speed."""
    from kzsim.calibration.figures import weighted_quantiles

    out = console()
    manifest, posterior = result.manifest, result.posterior
    weights = posterior["weight"].to_numpy()
    width = max(len(key) for key in manifest["parameters"])
    out.print(f"{'parameter':<{width}}  posterior median [5%, 95%]")
    for key in manifest["parameters"]:
        low, median, high = weighted_quantiles(
            posterior[key].to_numpy(), weights, (0.05, 0.5, 0.95)
        )
        out.print(plain(f"{key:<{width}}  {median:.4g} [{low:.4g}, {high:.4g}]"))
    check, speed = manifest["predictive"], manifest["throughput"]
    out.print(
        f"posterior-predictive check over {check['draws']} draws: "
        f"{check['share_inside']:.0%} of observations inside tolerance, distance "
        f"{check['distance']:.3g}"
    )
    generations = manifest["generations"]
    epsilon = generations[-1]["epsilon"]
    out.print(
        f"{len(generations)} generations, last epsilon "
        f"{'inf' if epsilon is None else format(epsilon, '.3g')}; wall "
        f"time {manifest['wall_time_s']:.1f} s; {speed['particles_per_minute']} particles and "
        f"{speed['simulations_per_minute']} simulations per minute"
    )


def register(app: typer.Typer) -> None:
    """Add this package's command to the ``kzsim`` app."""
    app.command()(calibrate)
