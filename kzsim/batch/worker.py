"""One run of a sweep, as executed by a worker process (local pool or Dask worker).

A worker gets a :class:`RunSpec` (with the design point's validated scenario), runs it, computes
the outcomes and serialises the series to Parquet bytes, which name the experiment and the run
they belong to. It returns a small record and the bytes; it writes nothing, so workers need no
shared file system and the runner alone owns the output folder. Any exception becomes a failed
record: one failing run never stops a sweep.

A local worker process runs :func:`serve`: run specs in, outputs out, over its own connection.
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kzsim.batch.outcomes import compute_outcomes
from kzsim.batch.schema import Outcome
from kzsim.errors import KzsimError
from kzsim.scenario.schema import Scenario
from kzsim.simulation import run as run_scenario


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs for one run.

    Attributes:
        run: the run's id, ``p<point>-r<replication>``.
        point: the design point.
        replication: the replication (its seed is shared by every design point).
        seed: the seed handed to ``kzsim.run``.
        scenario: the design point's validated scenario.
        outcomes: the experiment's outcomes.
        experiment_hash: the experiment's hash, recorded in the run's shard.
        timeout_seconds: stop and fail the run beyond this wall time (None: no limit).

    """

    run: str
    point: int
    replication: int
    seed: int
    scenario: Scenario
    outcomes: Mapping[str, Outcome]
    experiment_hash: str
    timeout_seconds: float | None = None


@dataclass(frozen=True)
class RunOutput:
    """What a worker returns: the run's record and, if it succeeded, its series as Parquet."""

    record: dict[str, Any]
    shard: bytes | None


class RunTimeout(KzsimError):
    """A run went beyond the experiment's ``run_timeout_seconds``."""


#: Parquet key-value metadata of a shard: the experiment and the run it belongs to.
SHARD_EXPERIMENT = b"kzsim.experiment_hash"
SHARD_RUN = b"kzsim.run"


def execute(spec: RunSpec) -> RunOutput:
    """Run one design point and replication; never raises."""
    clock = time.perf_counter()
    try:
        result = run_scenario(spec.scenario, seed=spec.seed, progress=_deadline(spec, clock))
        wall_seconds = time.perf_counter() - clock
        outcomes = compute_outcomes(result.series, spec.outcomes)
        shard = shard_bytes(result.series, spec)
    except Exception as error:  # a failed run is recorded and the sweep goes on
        message = "; ".join(str(error).splitlines()) or repr(error)
        return failed_output(
            spec, f"{type(error).__name__}: {message}", time.perf_counter() - clock
        )
    return RunOutput(record(spec, "ok", "", wall_seconds, outcomes), shard)


def _deadline(spec: RunSpec, clock: float) -> Callable[[int, int], None] | None:
    """A progress callback that stops the run beyond its time limit (or None)."""
    limit = spec.timeout_seconds
    if limit is None:
        return None

    def check(done: int, total: int) -> None:
        if time.perf_counter() - clock > limit:
            raise RunTimeout(
                f"stopped after {done} of {total} months: longer than run_timeout_seconds "
                f"({limit:g} s)"
            )

    return check


def record(
    spec: RunSpec,
    status: str,
    error: str,
    wall_seconds: float,
    outcomes: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The run's row of the runs table (outcomes missing on failure)."""
    values = dict(outcomes) if outcomes is not None else dict.fromkeys(spec.outcomes, None)
    return {
        "run": spec.run,
        "point": spec.point,
        "replication": spec.replication,
        "seed": spec.seed,
        "status": status,
        "error": error,
        "wall_seconds": round(wall_seconds, 6),
        "outcomes": values,
    }


def failed_output(spec: RunSpec, error: str, wall_seconds: float = float("nan")) -> RunOutput:
    """The output of a run that failed with ``error``."""
    return RunOutput(record(spec, "failed", error, wall_seconds), None)


def shard_bytes(series: pd.DataFrame, spec: RunSpec) -> bytes:
    """A run's long series with its ``point`` and ``replication``, as Parquet bytes.

    The file's metadata names the experiment (its hash) and the run, so that a resumed sweep
    can tell its own shards from those of another experiment or run.
    """
    table = pa.Table.from_pandas(series, preserve_index=False, nthreads=1)  # threads cost more
    rows = table.num_rows
    table = table.add_column(0, "replication", pa.array(np.full(rows, spec.replication, np.int32)))
    table = table.add_column(0, "point", pa.array(np.full(rows, spec.point, np.int32)))
    provenance = {SHARD_EXPERIMENT: spec.experiment_hash.encode(), SHARD_RUN: spec.run.encode()}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **provenance})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def serve(connection: Connection, runner_pid: int, run: Callable[[RunSpec], RunOutput]) -> None:
    """A local worker process: receive run specs, send back ``run(spec)``, until the runner stops.

    Ctrl-C is left to the runner, which stops its workers. The worker ends when the runner
    closes the connection, and within a second of the runner's death, even in the middle of a
    run (without the watch, workers of a runner killed outright would run on).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.name == "posix":  # os.kill(pid, 0) only probes on POSIX
        threading.Thread(target=_exit_after, args=(runner_pid,), daemon=True).start()
    while True:
        try:
            spec = connection.recv()
        except (EOFError, OSError):  # the runner is done, or gone
            return
        output = run(spec)
        try:
            connection.send(output)
        except OSError:  # the runner is gone
            return


def _exit_after(runner_pid: int) -> None:
    """Poll the runner once a second; end this worker when it is gone."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(runner_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the pid exists (reused by another user's process)
            continue
