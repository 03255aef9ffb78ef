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

Usage: python benchmarks/bench_sweep.py [--citizens 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "historical_2010_2023.yaml"
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


def sweep(citizens: int, workers: int, runs: int) -> dict[str, float]:
    """Run one sweep into a fresh folder; return its wall time and the runs' own times."""
    from kzsim.batch import load_experiment, run_experiment

    loaded = load_experiment(experiment(citizens, runs))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        table = run_experiment(loaded, Path(folder) / "sweep", workers=workers)
        wall = time.perf_counter() - start
    assert (table["status"] == "ok").all(), table["error"].unique()
    return {"wall": wall, "run_sum": float(table["wall_seconds"].sum()), "runs": len(table)}


def measure(citizens: int, workers: int, runs: int) -> dict[str, float]:
    """:func:`sweep` in a fresh process."""
    command = [sys.executable, __file__, "--citizens", str(citizens), "--child",
               f"{workers},{runs}"]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(output.splitlines()[-1])
    return result


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
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        workers, runs = (int(part) for part in args.child.split(","))
        print(json.dumps(sweep(args.citizens, workers, runs)))
        return
    print(f"cores available: {len(os.sched_getaffinity(0))}; load average {os.getloadavg()}")
    control = machine_efficiency()
    one = measure(args.citizens, 1, 64)
    two = measure(args.citizens, 2, 64)
    small = measure(args.citizens, 1, 8)
    print(f"{'workers':>7} {'runs':>5} {'wall s':>7} {'runs/min':>9} {'mean run s':>10}")
    for workers, result in ((1, one), (2, two)):
        print(
            f"{workers:>7} {result['runs']:>5.0f} {result['wall']:>7.1f} "
            f"{60 * result['runs'] / result['wall']:>9.1f} "
            f"{result['run_sum'] / result['runs']:>10.3f}"
        )
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
