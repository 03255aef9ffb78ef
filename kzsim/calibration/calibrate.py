"""A calibration's output folder: sampling into it, resuming it, and its results.

```
DIR/calibration.lock   while a process calibrates into the folder: which (command, pid, host)
DIR/abc.db             pyabc's history (SQLite): every generation's particles, weights, distances
DIR/manifest.json      kind "calibration", the resolved calibration and its hash, the base
                       scenario and its hash, versions, data hashes, seed, generations (epsilon,
                       accepted, samples, acceptance), wall time, and "complete": true at the end
DIR/posterior.parquet  the last generation: one column per parameter (dotted key), and weight
DIR/plots/marginals.png, DIR/plots/pairs.png
DIR/predictive/        history.csv (kzsim.history's table over posterior draws), draws.csv (the
                       draws and their seeds), score.json (share inside tolerance, distance)
```

The folder is written in place, under a lock (:class:`kzsim.batch.store.FolderLock`), like a
sweep folder: the history grows generation by generation and the manifest says how far it got.
Only ``"complete": true`` (written last, atomically) makes it a posterior. The same command on an
interrupted folder resumes from the generations in the history if the calibration's hash is the
same; a different calibration is refused unless ``overwrite``, which clears what the calibration
wrote, and only that.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kzsim.batch.executors import connect
from kzsim.batch.seeds import derived_seed, generator
from kzsim.batch.store import FolderLock, write_atomic, write_frame
from kzsim.calibration import figures
from kzsim.calibration.load import Calibration
from kzsim.calibration.simulator import Simulator, TargetDistance, predictive_runs
from kzsim.calibration.smc import (
    PREDICTIVE,
    Problem,
    done_generations,
    generations_table,
    run_smc,
    sampler,
)
from kzsim.errors import InputError, os_failure
from kzsim.outputs import CALIBRATION_KIND as KIND
from kzsim.outputs import MANIFEST, PLOTS, check_writable, versions

#: ``notice(line)``: tells the user one line about what the calibration finds and does.
Notice = Callable[[str], None]

LOCK = "calibration.lock"
DB = "abc.db"
POSTERIOR = "posterior.parquet"
PREDICTIVE_DIR = "predictive"
#: Everything a calibration writes into its folder (and all that ``overwrite`` removes).
ENTRIES = (MANIFEST, DB, f"{DB}-journal", POSTERIOR, PLOTS, PREDICTIVE_DIR)
#: The folder of the shipped target files, whose hashes the manifest records.
TARGETS_FOLDER = Path(__file__).resolve().parent.parent / "data" / "targets"


@dataclass(frozen=True)
class Result:
    """A finished calibration: its manifest and posterior.

    Attributes:
        manifest: the folder's manifest.
        posterior: the last generation's particles, one column per parameter, and ``weight``.
        already_complete: whether the folder held this calibration complete already.

    """

    manifest: dict[str, Any]
    posterior: pd.DataFrame
    already_complete: bool = False


def data_hashes() -> dict[str, str]:
    """SHA-256 of every shipped target file, by name."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(TARGETS_FOLDER.iterdir())
        if path.is_file()
    }


def _stored_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest if it is a calibration's (None if there is none)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("kind") == KIND else None


def _foreign(folder: Path) -> list[str]:
    """Entries of ``folder`` a calibration does not write."""
    return sorted(p.name for p in folder.iterdir() if p.name not in (*ENTRIES, LOCK))


def _open_folder(folder: Path, notice: Notice) -> FolderLock:
    """Create the folder if it is new or empty (else it must hold a calibration); lock it."""
    if _stored_manifest(folder) is None:
        for note in check_writable(folder):
            notice(note)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise os_failure(folder, "--out", "cannot create folder", error) from None
    return FolderLock.acquire(folder, "kzsim calibrate", notice, LOCK)


def _prepare(folder: Path, calibration: Calibration, overwrite: bool) -> dict[str, Any] | None:
    """Under the lock: start, resume or clear the folder; the stored manifest if it resumes.

    Raises:
        InputError: if the folder holds a different calibration (without ``overwrite``), or
            files a calibration does not write (with ``overwrite``).

    """
    stored = _stored_manifest(folder)
    if stored is None:
        return None
    if stored.get("calibration_hash") == calibration.hash and not overwrite:
        return stored
    if not overwrite:
        raise InputError(
            [
                f"{folder}: --out: holds a calibration of a different file ({stored.get('name')}, "
                f"{stored.get('calibration_file')}) (allowed: --overwrite to start afresh, or "
                "another --out)"
            ]
        )
    foreign = _foreign(folder)
    if foreign:
        raise InputError(
            [
                f"{folder}: --out: holds files kzsim did not write: {', '.join(foreign[:5])} "
                "(allowed: move them out of the folder, or another --out)"
            ]
        )
    for name in ENTRIES:
        path = folder / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    return None


def _manifest(
    calibration: Calibration, workers: int, scheduler: str | None, created: str
) -> dict[str, Any]:
    """The manifest of an unfinished calibration (no generations yet)."""
    import pyabc

    spec = calibration.spec
    base_text = json.dumps(calibration.base, separators=(",", ":"))
    return {
        "kind": KIND,
        "complete": False,
        "name": spec.name,
        "parameters": calibration.parameters,
        "targets": calibration.weights,
        "scenario": str(calibration.scenario_path),
        "scenario_hash": hashlib.sha256(base_text.encode()).hexdigest(),
        "base_scenario": calibration.base,
        "calibration_file": calibration.label,
        "calibration": spec.model_dump(mode="json"),
        "calibration_hash": calibration.hash,
        "seed": spec.seed,
        "citizens": spec.citizens,
        "versions": {**versions(), "pyabc": pyabc.__version__},
        "data_hashes": data_hashes(),
        "sampler": {"workers": workers, "scheduler": scheduler},
        "created_utc": created,
        "wall_time_s": 0.0,
        "generations": [],
    }


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=2).encode())


def _throughput(generations: list[dict[str, Any]]) -> dict[str, float | None]:
    """Accepted particles and simulations per minute of sampling (pyabc's wall times)."""
    seconds = sum(row["wall_time_s"] for row in generations)
    if seconds <= 0:
        return {"particles_per_minute": None, "simulations_per_minute": None}
    minutes = seconds / 60.0
    return {
        "particles_per_minute": round(sum(r["accepted"] for r in generations) / minutes, 1),
        "simulations_per_minute": round(sum(r["samples"] for r in generations) / minutes, 1),
    }


def posterior_frame(calibration: Calibration, db: Path) -> pd.DataFrame:
    """The last generation of the history at ``db``: parameter columns in file order, weight."""
    import pyabc

    history = pyabc.History(f"sqlite:///{db}", _id=1)
    particles, weights = history.get_distribution(m=0, t=history.max_t)
    frame = pd.DataFrame(
        {key: particles[key].to_numpy(dtype=float) for key in calibration.parameters}
    )
    frame["weight"] = np.asarray(weights, dtype=float) / float(np.sum(weights))
    return frame


def predictive_check(
    calibration: Calibration, posterior: pd.DataFrame, folder: Path
) -> dict[str, Any]:
    """Run the model on draws from the posterior, each with its own seed; write predictive/.

    Returns:
        The check's summary for the manifest: draws, share inside tolerance, distance.

    """
    from kzsim.history.evaluate import history_table, score

    spec = calibration.spec
    rng = generator(spec.seed, PREDICTIVE)
    picked = rng.choice(len(posterior), size=spec.predictive_draws, p=posterior["weight"])
    draws = posterior.iloc[picked][calibration.parameters].reset_index(drop=True)
    draws.insert(0, "seed", [derived_seed(spec.seed, PREDICTIVE, i) for i in range(len(draws))])
    draws.insert(0, "draw", range(len(draws)))
    simulator = Simulator(calibration.base, calibration.targets, spec.seed)
    values = [
        {key: float(row[key]) for key in calibration.parameters} for _, row in draws.iterrows()
    ]
    runs = predictive_runs(simulator, values, [int(seed) for seed in draws["seed"]])
    table = history_table(calibration.targets, runs)
    share, distance = score(table)
    where = folder / PREDICTIVE_DIR
    where.mkdir(exist_ok=True)
    write_atomic(where / "history.csv", table.to_csv(index=False).encode())
    write_atomic(where / "draws.csv", draws.to_csv(index=False).encode())
    summary = {"draws": len(draws), "share_inside": share, "distance": distance}
    write_atomic(where / "score.json", json.dumps(summary, indent=2).encode())
    return summary


def calibrate(
    calibration: Calibration,
    folder: Path,
    workers: int = 1,
    scheduler: str | None = None,
    overwrite: bool = False,
    notice: Notice | None = None,
) -> Result:
    """Calibrate into ``folder``: sample (resuming), then write the posterior and its checks.

    Args:
        calibration: the loaded calibration file.
        folder: the output folder: new, empty, or holding this calibration (resumed).
        workers: local processes (1: in this process); the result is the same with any.
        scheduler: a dask.distributed scheduler address (then ``workers`` is not used).
        overwrite: start afresh in a folder holding another or a complete calibration.
        notice: told one line per generation and per finding about the folder.

    Raises:
        InputError: if the folder cannot take this calibration; nothing is written.
        KzsimError: if the scheduler cannot be reached.

    """
    tell = notice or (lambda _line: None)
    with _sampler(workers, scheduler) as chosen:  # an unreachable scheduler: nothing written
        lock = _open_folder(folder, tell)
        try:
            stored = _prepare(folder, calibration, overwrite)
            if stored is not None and stored.get("complete"):
                tell(f"{folder}: this calibration is complete already (--overwrite runs it again)")
                return Result(stored, pd.read_parquet(folder / POSTERIOR), already_complete=True)
            return _sample_and_finish(
                calibration, folder, (workers, scheduler, chosen), stored, tell
            )
        finally:
            lock.release()


def _sample_and_finish(
    calibration: Calibration,
    folder: Path,
    sampling: tuple[int, str | None, Any],
    stored: dict[str, Any] | None,
    tell: Notice,
) -> Result:
    workers, scheduler, chosen = sampling
    clock = time.perf_counter()
    created = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = _manifest(calibration, workers, scheduler, created)
    earlier = 0.0
    if stored is not None:
        manifest["created_utc"] = stored.get("created_utc", created)
        earlier = float(stored.get("wall_time_s") or 0.0)
        done = done_generations(folder / DB)
        tell(
            f"{folder}: resuming after generation {done} of {calibration.spec.planned_generations}"
        )
    _write_manifest(folder, manifest)
    spec = calibration.spec
    problem = Problem(
        priors=spec.parameters,
        simulate=Simulator(calibration.base, calibration.targets, spec.seed),
        distance=TargetDistance(calibration.targets, calibration.weights),
        particles=spec.particles,
        generations=spec.planned_generations,
        seed=spec.seed,
        minimum_epsilon=spec.minimum_epsilon,
        epsilon_schedule=spec.epsilon_schedule,
    )

    def after_generation(history: Any) -> None:
        manifest["generations"] = generations_table(history)
        manifest["wall_time_s"] = round(earlier + time.perf_counter() - clock, 3)
        _write_manifest(folder, manifest)
        last = manifest["generations"][-1]
        epsilon = "inf" if last["epsilon"] is None else f"{last['epsilon']:.3g}"
        tell(
            f"generation {last['t'] + 1}/{spec.planned_generations}: epsilon {epsilon}, "
            f"{last['accepted']} accepted of {last['samples']} ({last['acceptance']:.0%}), "
            f"{last['wall_time_s']:.1f} s"
        )

    history = run_smc(problem, folder / DB, chosen, after_generation)
    manifest["generations"] = generations_table(history)
    posterior = posterior_frame(calibration, folder / DB)
    write_frame(posterior, folder / POSTERIOR)
    (folder / PLOTS).mkdir(exist_ok=True)
    figures.marginals(posterior, spec.parameters, folder / PLOTS / "marginals.png")
    figures.pairs(posterior, spec.parameters, folder / PLOTS / "pairs.png")
    manifest["predictive"] = predictive_check(calibration, posterior, folder)
    manifest["throughput"] = _throughput(manifest["generations"])
    manifest["wall_time_s"] = round(earlier + time.perf_counter() - clock, 3)
    manifest["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    manifest["complete"] = True
    _write_manifest(folder, manifest)
    return Result(manifest, posterior)


@contextmanager
def _sampler(workers: int, scheduler: str | None) -> Iterator[Any]:
    """The sampler for the run; its local processes or its Dask client are closed at the end.

    Raises:
        KzsimError: if the scheduler cannot be reached.

    """
    client = connect(scheduler) if scheduler is not None else None
    chosen = sampler(workers, client)
    try:
        yield chosen
    finally:
        chosen.close()
        if client is not None:
            client.close()  # type: ignore[no-untyped-call]
