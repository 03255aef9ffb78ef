"""Whole-run benchmark of the historical scenario at 20,000 and 200,000 citizens.

Each size runs in its own process so that peak memory is that run's alone. Reported per size:
wall time after import (build + simulate, no file output), peak resident memory of the process,
and citizen-steps per second. Targets: 20,000 x 168 months under 3 s; 200,000 under 20 s;
peak memory under 1 GB.

Usage: python benchmarks/bench_run.py [--sizes 20000 200000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "historical_2010_2023.yaml"


def child(citizens: int) -> None:
    """Run once and print the measurements as JSON."""
    import kzsim

    scenario = kzsim.load_scenario(SCENARIO, [f"population.citizens={citizens}"])
    run = kzsim.run  # kzsim imports it on first use: before the clock starts
    start = time.perf_counter()
    run(scenario, seed=1)
    wall = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    steps = scenario.months
    print(json.dumps({"wall_s": wall, "peak_mib": peak_mib, "steps": steps}))


def main() -> None:
    """Run every size in a fresh process, several times, and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    print(
        f"{'citizens':>9} {'months':>6} {'wall s (median)':>16} {'peak MiB':>9} "
        f"{'citizen-steps/s':>16}"
    )
    for size in args.sizes:
        runs = []
        for _ in range(args.repeats):
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(size)],
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        wall = statistics.median(r["wall_s"] for r in runs)
        peak = max(r["peak_mib"] for r in runs)
        steps = runs[0]["steps"]
        print(f"{size:>9} {steps:>6} {wall:>16.2f} {peak:>9.0f} {size * steps / wall:>16.3g}")


if __name__ == "__main__":
    main()
