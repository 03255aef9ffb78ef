"""Scale benchmark: the historical scenario from 10^4 citizens to one citizen per person.

Each size runs in its own fresh process (so that peak memory is that run's alone), after one
small warm-up process that loads the compiled kernels into numba's on-disk cache. A run builds
``KazakhstanModel(scenario, seed=1)`` and steps it until it stops; nothing is written. Reported
per size (medians over ``--repeats``, peak memory the largest):

- ns per citizen-step of the simulation alone (the steps), and including the build (the
  model's construction: population, network, rule states);
- peak resident memory (``ru_maxrss``) after the build and at the end of the run;
- a breakdown by stage from ``model.stage_seconds``: the build of the citizens and their
  network (``population``, in ns per citizen), then ``events``, ``drivers``, each rule and
  ``collect`` (in ns per citizen-step).

Sizes are numbers of citizens or ``full`` (one citizen per person at the start month: 16.2
million for 2010-01). Goals (issue 13): at most 50 ns per citizen-step at 10^6, flat within
+-25% from 10^4 to 2*10^7; at 1:1 the whole run under 5 minutes and 6 GB, the build under 60 s.

Usage: python benchmarks/bench_scale.py [--sizes 10000 100000 1000000 10000000 full]
       [--months 168] [--repeats 1]
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
from typing import Any

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "historical_2010_2023.yaml"
SIZES = ("10000", "100000", "1000000", "10000000", "full")
#: The warm-up run: small and short, only to compile or load the kernels.
WARM_UP = ("1000", 2)


def peak_mib() -> float:
    """Peak resident memory of this process so far, MiB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(size: str, months: int | None) -> dict[str, Any]:
    """Build and run the model once; return the measurements."""
    from kzsim.model import KazakhstanModel
    from kzsim.scenario.load import load_scenario

    scenario = load_scenario(SCENARIO, [f"population.citizens={size}"])
    steps = scenario.months if months is None else months
    clock = time.perf_counter()
    model = KazakhstanModel(scenario, seed=1, last_step=steps - 1)
    built = time.perf_counter()
    build_peak = peak_mib()
    while model.running:
        model.step()
    done = time.perf_counter()
    return {
        "citizens": scenario.population.citizens,
        "months": steps,
        "build_s": built - clock,
        "simulate_s": done - built,
        "build_peak_mib": build_peak,
        "peak_mib": peak_mib(),
        "stages": dict(model.stage_seconds),
    }


def measure(size: str, months: int | None) -> dict[str, Any]:
    """One run of ``size`` in a fresh process."""
    command = [sys.executable, __file__, "--child", size]
    if months is not None:
        command += ["--months", str(months)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the times (stages too) and the largest peaks of several runs of one size."""
    first = runs[0]
    stages = {
        name: statistics.median(r["stages"].get(name, 0.0) for r in runs)
        for name in first["stages"]
    }
    return {
        "citizens": first["citizens"],
        "months": first["months"],
        "build_s": statistics.median(r["build_s"] for r in runs),
        "simulate_s": statistics.median(r["simulate_s"] for r in runs),
        "build_peak_mib": max(r["build_peak_mib"] for r in runs),
        "peak_mib": max(r["peak_mib"] for r in runs),
        "stages": stages,
    }


def report(results: list[dict[str, Any]]) -> None:
    """Print the per-size table and the per-stage breakdown."""
    print(
        f"{'citizens':>10} {'months':>6} {'build s':>8} {'sim s':>8} {'ns/c-step':>9} "
        f"{'ns/c-step+build':>15} {'build MiB':>9} {'peak MiB':>8}"
    )
    for r in results:
        citizen_steps = r["citizens"] * r["months"]
        simulate = r["simulate_s"] / citizen_steps * 1e9
        whole = (r["simulate_s"] + r["build_s"]) / citizen_steps * 1e9
        print(
            f"{r['citizens']:>10} {r['months']:>6} {r['build_s']:>8.2f} {r['simulate_s']:>8.2f} "
            f"{simulate:>9.1f} {whole:>15.1f} {r['build_peak_mib']:>9.0f} {r['peak_mib']:>8.0f}"
        )
    print("\nstages: population in ns per citizen, the others in ns per citizen-step")
    names = list(dict.fromkeys(name for r in results for name in r["stages"]))
    print(f"{'stage':>22} " + " ".join(f"{r['citizens']:>10}" for r in results))
    for name in names:
        cells = []
        for r in results:
            per = r["citizens"] if name == "population" else r["citizens"] * r["months"]
            cells.append(f"{r['stages'].get(name, 0.0) / per * 1e9:>10.1f}")
        print(f"{name:>22} " + " ".join(cells))


def size_text(text: str) -> str:
    """A size argument: a positive number of citizens or ``full``."""
    if text == "full" or (text.isdigit() and int(text) > 0):
        return text
    raise argparse.ArgumentTypeError(f"{text!r} is not a number of citizens or 'full'")


def main() -> None:
    """Run every size in fresh processes and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=size_text, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--months", type=int, default=None, help="months to run (default: the whole scenario)"
    )
    parser.add_argument("--repeats", type=int, default=1, help="runs per size (median)")
    parser.add_argument("--child", type=size_text, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.months)))
        return
    if args.months is not None:
        from kzsim.scenario.load import load_scenario

        longest = load_scenario(SCENARIO).months
        if not 1 <= args.months <= longest:
            parser.error(f"--months must be 1 to {longest} (the scenario's months)")
    measure(*WARM_UP)
    results = []
    for size in args.sizes:
        results.append(summary([measure(size, args.months) for _ in range(args.repeats)]))
        print(f"done: {size}", file=sys.stderr, flush=True)
    report(results)


if __name__ == "__main__":
    main()
