"""The sweep runner: lock the folder, skip the runs already done, execute the rest, store each one.

The runner holds at most a few runs' outputs at a time: each is written to its shard and the
journal as soon as it arrives, then dropped. It holds the folder's lock from before it changes
anything in it until it has written ``runs.parquet``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from pathlib import Path

import pandas as pd

from kzsim.batch.executors import available_cores, dask_outputs, local_outputs
from kzsim.batch.experiment import Experiment, load_experiment
from kzsim.batch.seeds import replication_seed
from kzsim.batch.store import Notice, SweepFolder, run_id
from kzsim.batch.worker import RunOutput, RunSpec
from kzsim.errors import InputError
from kzsim.scenario.schema import Scenario

#: ``progress(finished, failed, total)``: finished counts earlier sessions' runs too.
Progress = Callable[[int, int, int], None]


def run_experiment(
    experiment: Experiment | str | Path,
    out_dir: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = True,
    force_new: bool = False,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> pd.DataFrame:
    """Run every missing run of an experiment and return the runs table.

    Args:
        experiment: a loaded experiment, or the path of an experiment file.
        out_dir: the sweep folder (default: the file's ``out``, else ``runs/<name>``).
        workers: local worker processes (default: the available cores); not with ``scheduler``.
        scheduler: address of a dask.distributed scheduler to run on instead.
        resume: keep the runs already done in ``out_dir`` (else run everything again).
        force_new: discard a sweep of a different experiment found in ``out_dir``.
        progress: called after each run as ``progress(finished, failed, total)``.
        notice: called with one line about something the sweep found and handles: a lock left
            by a sweep that died, shards that belong to another experiment or run.

    Returns:
        The runs table, as written to ``out_dir/runs.parquet``.

    Raises:
        InputError: for an invalid experiment, arguments or output folder, or a folder in use
            by another sweep (nothing is run).

    """
    if workers is not None and scheduler is not None:
        raise InputError(["--workers: give --workers or --scheduler, not both"])
    if workers is not None and workers < 1:
        raise InputError([f"--workers: {workers} is out of range (allowed: 1 or more)"])
    loaded = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    folder = SweepFolder.prepare(
        Path(out_dir) if out_dir is not None else loaded.out, loaded, resume, force_new, notice
    )
    try:
        return _run(loaded, folder, workers, scheduler, progress, notice)
    finally:
        folder.close()


def _run(
    loaded: Experiment,
    folder: SweepFolder,
    workers: int | None,
    scheduler: str | None,
    progress: Progress | None,
    notice: Notice | None,
) -> pd.DataFrame:
    """Run what the locked ``folder`` is missing; return the runs table."""
    spec = loaded.spec
    done = folder.completed(notice)
    todo = [
        (point, replication)
        for point in range(spec.points)
        for replication in range(spec.replications)
        if run_id(point, replication, spec.points, spec.replications) not in done
    ]
    finished, failed = len(done), 0
    if progress is not None:
        progress(finished, failed, spec.runs)
    specs = _specs(loaded, todo)
    if scheduler is not None:
        outputs: Generator[RunOutput, None, None] = dask_outputs(specs, scheduler)
    else:
        outputs = local_outputs(specs, min(workers or available_cores(), max(1, len(todo))))
    try:
        with closing(outputs):
            for output in outputs:
                folder.save(output)
                finished += 1
                failed += output.record["status"] != "ok"
                if progress is not None:
                    progress(finished, failed, spec.runs)
    finally:
        runs = folder.write_runs()
    return runs


def _specs(experiment: Experiment, todo: list[tuple[int, int]]) -> Iterator[RunSpec]:
    """Run specs in design order, each design point's scenario validated once for all its runs."""
    spec = experiment.spec
    point_scenario: tuple[int, Scenario] | None = None
    for point, replication in todo:
        if point_scenario is None or point_scenario[0] != point:
            point_scenario = (point, experiment.scenario(point))
        yield RunSpec(
            run=run_id(point, replication, spec.points, spec.replications),
            point=point,
            replication=replication,
            seed=replication_seed(spec.seed, replication),
            scenario=point_scenario[1],
            outcomes=spec.outcomes,
            experiment_hash=experiment.hash,
            timeout_seconds=spec.run_timeout_seconds,
        )
