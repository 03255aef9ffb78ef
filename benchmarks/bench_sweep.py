"""Sweep benchmark: 64 runs of the historical scenario at 10,000 citizens, with 1 and 2 workers.

Each measurement runs in a fresh process, so each pays for starting its pool. Reported:

- runs per minute for each worker count: 64 runs over the wall time of ``run_experiment``,
  from the pool start to the runs table;
- the parallel efficiency ``T1 / (2 T2)`` (target at least 80%), next to the machine's own:
  the same ratio for a pure-Python loop in 1 and 2 processes, measured just before. On a shared
  machine other processes take cores, and the control shows how much parallelism was there;
- the runner's overhead with one worker: the wall time beyond the runs' own simulation time
  (``wall - sum of run times``). It counts everything the runner adds: the pool's start (the
  fork server imports kzsim once), building and validating each design point's scenario (once
  per point), outcomes, Parquet serialisation, transfer, shard writes and the journal. Shown
  per run, amortised over the 64 runs and as the marginal cost of one more run (from a second,
  8-run sweep), each as a share of the mean run time (target under 5%).

With ``--dask``, the same sweep runs on a Dask cluster started as on real machines: a
``dask scheduler`` process, then one and then two ``dask worker`` processes (one process and
one thread each), each sweep through ``run_experiment(..., scheduler=ADDRESS)`` in a fresh
process. Workers are warm before each measured sweep (kzsim imported, then an 8-run sweep of
1,000 citizens). Reported: runs per minute at 1 and 2 workers, the parallel efficiency
``(runs/min at 2) / (2 x runs/min at 1)`` and the overhead per run with one worker
(``wall - sum of run times``, over the runs).

Usage: python benchmarks/bench_sweep.py [--citizens 10000] [--runs 64|8] [--dask]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SCENARIO = REPO / "scenarios" / "historical_2010_2023.yaml"
#: Seconds the scheduler and the workers may take to start.
START_SECONDS = 60
#: Citizens of the 8-run sweep that warms the Dask workers up before each measurement.
WARM_UP_CITIZENS = 1000
#: Design points (tariff speed x Sinophobia) x 4 replications: 64 runs, or 8 for the small sweep.
SIZES = {64: ([6, 12, 18, 36], [0.4, 0.5, 0.6, 0.7], 4), 8: ([6, 12], [0.4, 0.5], 2)}


def experiment(citizens: int, runs: int) -> dict[str, Any]:
    """A grid over tariff speed and Sinophobia on the 2010-2023 replay."""
    speeds, sinophobia, replications = SIZES[runs]
    return {
        "name": "bench-sweep",
        "scenario": str(SCENARIO),
        "set": {"population.citizens": citizens},
        "design": {"method": "grid"},
        "factors": {
            "rules.tariff_harmonisation.months_to_converge": speeds,
            "population.sinophobia_mean": sinophobia,
        },
        "replications": replications,
        "seed": 1,
        "outcomes": {
            "peak_protest": {"series": "protest_share", "stat": "max"},
            "debt_2023": {"series": "debt_to_china_usd_bn", "stat": "final"},
        },
    }


def sweep(citizens: int, workers: int, runs: int, scheduler: str | None) -> dict[str, float]:
    """Run one sweep into a fresh folder; return its wall time and the runs' own times."""
    from kzsim.batch import load_experiment, run_experiment

    loaded = load_experiment(experiment(citizens, runs))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        table = run_experiment(
            loaded,
            Path(folder) / "sweep",
            workers=None if scheduler else workers,
            scheduler=scheduler,
        )
        wall = time.perf_counter() - start
    assert (table["status"] == "ok").all(), table["error"].unique()
    return {"wall": wall, "run_sum": float(table["wall_seconds"].sum()), "runs": len(table)}


def measure(
    citizens: int, workers: int, runs: int, scheduler: str | None = None
) -> dict[str, float]:
    """:func:`sweep` in a fresh process."""
    command = [sys.executable, __file__, "--citizens", str(citizens), "--child",
               f"{workers},{runs},{scheduler or ''}"]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(output.splitlines()[-1])
    return result


def _environment() -> dict[str, str]:
    """This checkout importable in the cluster's processes."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


@contextmanager
def dask_scheduler(folder: Path) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """``dask scheduler`` on a free port; yields its address and a list to add workers to.

    Every process (scheduler, each worker's nanny and worker) is ended at the end.
    """
    dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"
    file = folder / "scheduler.json"
    processes = [_start([dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                         "--no-dashboard", "--scheduler-file", str(file)], folder)]  # fmt: skip
    try:
        deadline = time.monotonic() + START_SECONDS
        while not file.exists():
            if processes[0].poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the Dask scheduler did not start")
            time.sleep(0.1)
        time.sleep(0.2)  # the file is complete once written
        yield json.loads(file.read_text(encoding="utf-8"))["address"], processes
    finally:
        for process in reversed(processes):
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _start(command: list[str], folder: Path) -> subprocess.Popen[bytes]:
    """A process of its own session (so that its children end with it), logging into folder."""
    with (folder / f"{command[1]}-{len(list(folder.glob('*.log')))}.log").open("wb") as log:
        return subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=_environment(),
            start_new_session=True,
        )  # fmt: skip


def add_workers(
    address: str, processes: list[subprocess.Popen[bytes]], total: int, folder: Path
) -> None:
    """Start ``dask worker`` processes until the scheduler has ``total``; import kzsim on each."""
    import distributed

    dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"
    while len(processes) - 1 < total:
        command = [dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
                   "--no-dashboard", "--local-directory", str(folder)]  # fmt: skip
        processes.append(_start(command, folder))
    with distributed.Client(address, timeout=START_SECONDS) as client:  # type: ignore[no-untyped-call]
        client.wait_for_workers(total, timeout=START_SECONDS)
        client.run(__import__, "kzsim.batch.worker")


def print_rows(rows: list[tuple[int, dict[str, float]]]) -> None:
    """One line per worker count: runs, wall, runs per minute, mean run time."""
    print(f"{'workers':>7} {'runs':>5} {'wall s':>7} {'runs/min':>9} {'mean run s':>10}")
    for workers, result in rows:
        print(
            f"{workers:>7} {result['runs']:>5.0f} {result['wall']:>7.1f} "
            f"{60 * result['runs'] / result['wall']:>9.1f} "
            f"{result['run_sum'] / result['runs']:>10.3f}"
        )


def run_dask(citizens: int, runs: int, control: float) -> None:
    """The ``--dask`` measurement: 1, then 2 worker processes on one scheduler."""
    with tempfile.TemporaryDirectory() as name, dask_scheduler(Path(name)) as (address, procs):
        add_workers(address, procs, 1, Path(name))
        measure(WARM_UP_CITIZENS, 1, 8, address)
        one = measure(citizens, 1, runs, address)
        add_workers(address, procs, 2, Path(name))
        measure(WARM_UP_CITIZENS, 2, 8, address)
        two = measure(citizens, 2, runs, address)
    print(
        f"Dask: a scheduler and separate worker processes (1 process, 1 thread each) on {address}"
    )
    print_rows([(1, one), (2, two)])
    per_minute = {w: 60 * r["runs"] / r["wall"] for w, r in ((1, one), (2, two))}
    efficiency = per_minute[2] / (2 * per_minute[1])
    print(
        f"parallel efficiency with 2 workers: {100 * efficiency:.0f}% (runs/min at 2 over twice "
        f"runs/min at 1); the machine's own for a pure-Python loop just before: "
        f"{100 * control:.0f}%"
    )
    overhead = (one["wall"] - one["run_sum"]) / one["runs"]
    mean_run = one["run_sum"] / one["runs"]
    print(
        f"overhead per run, 1 worker: {overhead * 1000:.1f} ms ({100 * overhead / mean_run:.1f}% "
        "of a run; the client's start and connection included)"
    )


def spin(_: int) -> float:
    """A pure-Python CPU loop; returns its wall time."""
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - start


def machine_efficiency() -> float:
    """``T1 / (2 T2)`` for four loops run in one process, then in two processes."""
    from concurrent.futures import ProcessPoolExecutor

    walls = {}
    for workers in (1, 2):
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(spin, range(workers)))  # start the processes
            start = time.perf_counter()
            list(pool.map(spin, range(4)))
            walls[workers] = time.perf_counter() - start
    return walls[1] / (2 * walls[2])


def main() -> None:
    """Measure, then print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=10_000)
    parser.add_argument("--runs", type=int, choices=sorted(SIZES), default=64)
    parser.add_argument("--dask", action="store_true", help="on a local Dask cluster instead")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        workers, runs, scheduler = args.child.split(",")
        print(json.dumps(sweep(args.citizens, int(workers), int(runs), scheduler or None)))
        return
    print(f"cores available: {len(os.sched_getaffinity(0))}; load average {os.getloadavg()}")
    control = machine_efficiency()
    if args.dask:
        run_dask(args.citizens, args.runs, control)
        print(f"load average after: {os.getloadavg()}")
        return
    one = measure(args.citizens, 1, args.runs)
    two = measure(args.citizens, 2, args.runs)
    small = measure(args.citizens, 1, 8)
    print_rows([(1, one), (2, two)])
    efficiency = one["wall"] / (2 * two["wall"])
    print(
        f"parallel efficiency with 2 workers: {100 * efficiency:.0f}% (target >= 80%); the "
        f"machine's own for a pure-Python loop just before: {100 * control:.0f}%"
    )
    mean_run = one["run_sum"] / one["runs"]
    overhead = one["wall"] - one["run_sum"]
    marginal = (overhead - (small["wall"] - small["run_sum"])) / (one["runs"] - small["runs"])
    start = overhead - one["runs"] * marginal
    print(
        f"runner overhead, 1 worker: {overhead / one['runs'] * 1000:.1f} ms per run amortised "
        f"({100 * overhead / one['runs'] / mean_run:.1f}% of a run), {marginal * 1000:.1f} ms "
        f"marginal ({100 * marginal / mean_run:.1f}%), pool start {start:.2f} s (target < 5%)"
    )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":  # the guard multiprocessing needs
    main()
