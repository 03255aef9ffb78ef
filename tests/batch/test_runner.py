"""The sweep runner: outputs, common random numbers, determinism, resume, failures, memory."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import psutil  # type: ignore[import-untyped]
import pytest

from kzsim.batch import run_experiment
from kzsim.batch.experiment import load_experiment
from kzsim.batch.outcomes import compute_outcomes
from kzsim.cli import main
from kzsim.errors import InputError
from tests.batch.conftest import experiment_data, write_experiment


def contents(folder: Path) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """A sweep's runs table (without wall times) and every shard, for comparisons."""
    runs = pd.read_parquet(folder / "runs.parquet").drop(columns="wall_seconds")
    shards = {p.stem: pd.read_parquet(p) for p in sorted((folder / "series").glob("*.parquet"))}
    return runs, shards


def assert_same_sweep(a: Path, b: Path) -> None:
    runs_a, shards_a = contents(a)
    runs_b, shards_b = contents(b)
    pd.testing.assert_frame_equal(runs_a, runs_b)
    assert shards_a.keys() == shards_b.keys()
    for run, frame in shards_a.items():
        pd.testing.assert_frame_equal(frame, shards_b[run], obj=run)


def journal_lines(folder: Path) -> int:
    return len((folder / "journal.jsonl").read_text(encoding="utf-8").splitlines())


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default small experiment swept once with one worker."""
    folder = tmp_path_factory.mktemp("reference")
    run_experiment(load_experiment(experiment_data()), folder / "sweep", workers=1)
    return folder / "sweep"


def test_sweep_writes_a_shard_per_run_and_the_runs_table(reference: Path) -> None:
    runs = pd.read_parquet(reference / "runs.parquet")
    assert list(runs.columns) == [
        "run", "point", "replication", "seed", "population.sinophobia_mean", "status", "error",
        "wall_seconds", "peak_protest", "final_sinophobia",
    ]  # fmt: skip
    assert list(runs["run"]) == ["p0-r0", "p0-r1", "p1-r0", "p1-r1"]
    assert (runs["status"] == "ok").all() and (runs["wall_seconds"] > 0).all()
    assert list(runs["population.sinophobia_mean"]) == [0.3, 0.3, 0.7, 0.7]
    shard = pd.read_parquet(reference / "series" / "p1-r0.parquet")
    assert list(shard.columns) == [
        "point", "replication", "step", "date", "scope", "variable", "value",
    ]  # fmt: skip
    assert set(shard["point"]) == {1} and set(shard["replication"]) == {0}
    experiment = load_experiment(experiment_data())
    outcomes = compute_outcomes(shard, experiment.spec.outcomes)
    row = runs.set_index("run").loc["p1-r0"]
    assert outcomes == {name: pytest.approx(row[name]) for name in outcomes}


def test_replication_r_has_the_same_seed_at_every_point(reference: Path) -> None:
    runs = pd.read_parquet(reference / "runs.parquet")
    by_replication = runs.groupby("replication")["seed"].nunique()
    assert (by_replication == 1).all()
    assert runs.loc[runs["point"] == 0, "seed"].nunique() == 2
    # common random numbers: the same draws, so the sinophobia gap is the factor's doing
    final = runs.pivot(index="replication", columns="point", values="final_sinophobia")
    assert (final[1] > final[0]).all()


def test_results_do_not_depend_on_the_worker_count(reference: Path, tmp_path: Path) -> None:
    run_experiment(load_experiment(experiment_data()), tmp_path / "two", workers=2)
    assert_same_sweep(reference, tmp_path / "two")


def test_resume_runs_only_what_is_missing(reference: Path, tmp_path: Path) -> None:
    experiment = load_experiment(experiment_data())
    folder = tmp_path / "sweep"
    run_experiment(experiment, folder, workers=1)
    (folder / "series" / "p0-r1.parquet").unlink()
    (folder / "runs.parquet").unlink()
    calls: list[tuple[int, int, int]] = []
    run_experiment(experiment, folder, workers=1, progress=lambda *c: calls.append(c))
    assert calls[0] == (3, 0, 4) and calls[-1] == (4, 0, 4)
    assert journal_lines(folder) == 5
    assert_same_sweep(reference, folder)


def test_a_torn_journal_line_is_dropped_on_resume(reference: Path, tmp_path: Path) -> None:
    experiment = load_experiment(experiment_data())
    folder = tmp_path / "sweep"
    run_experiment(experiment, folder, workers=1)
    with (folder / "journal.jsonl").open("a", encoding="utf-8") as journal:
        journal.write('{"run": "p1-r1", "sta')  # the process died mid-write
    run_experiment(experiment, folder, workers=1)
    for line in (folder / "journal.jsonl").read_text(encoding="utf-8").splitlines():
        json.loads(line)
    assert_same_sweep(reference, folder)


def test_a_changed_experiment_is_refused_unless_forced(tmp_path: Path) -> None:
    folder = tmp_path / "sweep"
    run_experiment(load_experiment(experiment_data()), folder, workers=1)
    changed = load_experiment(experiment_data(replications=3))
    with pytest.raises(InputError, match="different experiment.*--force-new"):
        run_experiment(changed, folder, workers=1)
    assert len(pd.read_parquet(folder / "runs.parquet")) == 4  # untouched
    runs = run_experiment(changed, folder, workers=1, force_new=True)
    assert len(runs) == 6 and (runs["status"] == "ok").all()
    assert journal_lines(folder) == 6


def test_no_resume_runs_everything_again(tmp_path: Path) -> None:
    experiment = load_experiment(experiment_data())
    run_experiment(experiment, tmp_path / "sweep", workers=1)
    calls: list[tuple[int, int, int]] = []
    run_experiment(
        experiment, tmp_path / "sweep", workers=1, resume=False, progress=lambda *c: calls.append(c)
    )
    assert calls[0] == (0, 0, 4)
    assert journal_lines(tmp_path / "sweep") == 4


def test_other_folders_are_refused(tmp_path: Path, experiment_file: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not kzsim output"):
        run_experiment(experiment_file, tmp_path / "notes", workers=1)
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "manifest.json").write_text('{"seed": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="holds a kzsim run, not a sweep"):
        run_experiment(experiment_file, tmp_path / "run", workers=1)


def test_a_failed_run_is_recorded_and_the_sweep_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1,000,000 citizens need several seconds of work; 500 citizens take a few hundredths, plus
    # loading the compiled kernels in a fresh worker (a margin for a loaded machine)
    data = experiment_data(
        factors={"population.citizens": [500, 1_000_000]},
        scenario={"metadata": {"end": "2011-12"}},
        replications=1,
        run_timeout_seconds=1.5,
    )
    data["factors"].pop("population.sinophobia_mean")
    path = write_experiment(tmp_path, data)
    assert main(["sweep", str(path), "--out", str(tmp_path / "sweep"), "--workers", "1"]) == 1
    assert "1 of 2 runs failed (first: p1-r0: RunTimeout: stopped after" in capsys.readouterr().err
    runs = pd.read_parquet(tmp_path / "sweep" / "runs.parquet").set_index("run")
    assert runs.loc["p0-r0", "status"] == "ok" and runs.loc["p1-r0", "status"] == "failed"
    assert "run_timeout_seconds (1.5 s)" in str(runs.loc["p1-r0", "error"])
    assert runs["peak_protest"].isna().loc["p1-r0"]
    assert [p.stem for p in (tmp_path / "sweep" / "series").glob("*.parquet")] == ["p0-r0"]
    # resume retries the failed run only
    assert main(["sweep", str(path), "--out", str(tmp_path / "sweep"), "--workers", "1"]) == 1
    assert journal_lines(tmp_path / "sweep") == 3


@pytest.mark.slow
def test_memory_stays_bounded_while_output_grows(reference: Path, tmp_path: Path) -> None:
    # ``reference`` warms the imports and caches, so the trace holds only the runner's own use
    data = experiment_data(
        scenario={"metadata": {"end": "2013-12"}},
        factors={"population.sinophobia_mean": [0.3, 0.4, 0.5, 0.6]},
        replications=6,
        regional=True,
    )
    experiment = load_experiment(data)
    tracemalloc.start()
    try:
        run_experiment(experiment, tmp_path / "sweep", workers=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    shards = list((tmp_path / "sweep" / "series").glob("*.parquet"))
    written = sum(p.stat().st_size for p in shards)
    assert len(shards) == 24
    assert peak < written / 3, (peak, written)  # never all the runs' output at once


def worker_processes() -> list[psutil.Process]:
    """The pool's workers: children of the fork server, itself a child of this process."""
    return [grandchild for child in psutil.Process().children() for grandchild in child.children()]


def test_killing_a_worker_mid_sweep_loses_nothing(reference: Path, tmp_path: Path) -> None:
    experiment = load_experiment(experiment_data(replications=6))
    killed: list[int] = []

    def kill_one_worker(finished: int, failed: int, total: int) -> None:
        if finished == 2 and not killed:
            victim = worker_processes()[0]
            killed.append(victim.pid)
            victim.kill()

    runs = run_experiment(experiment, tmp_path / "sweep", workers=2, progress=kill_one_worker)
    assert killed
    assert (runs["status"] == "ok").all()
    run_experiment(load_experiment(experiment_data(replications=6)), tmp_path / "clean", workers=1)
    assert_same_sweep(tmp_path / "clean", tmp_path / "sweep")


#: The sweep's process takes Ctrl-C as a terminal gives it, even where the test runner was
#: started in the background (which leaves SIGINT ignored in its children).
ENTRY = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); " + (
    "from kzsim.cli import entry; entry()"
)


def sweep_command(path: Path, folder: Path, workers: int) -> list[str]:
    return [sys.executable, "-c", ENTRY, "sweep", str(path),
            "--out", str(folder), "--workers", str(workers), "--quiet"]  # fmt: skip


def wait_for_shards(folder: Path, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(list((folder / "series").glob("*.parquet"))) < count:
        assert time.monotonic() < deadline, "the sweep did not start"
        time.sleep(0.05)


@pytest.mark.slow
def test_an_interrupted_sweep_resumes_to_the_same_results(tmp_path: Path) -> None:
    data = experiment_data(replications=8, scenario={"metadata": {"end": "2013-12"}})
    path = write_experiment(tmp_path, data)
    folder = tmp_path / "sweep"
    process = subprocess.Popen(sweep_command(path, folder, 1), stderr=subprocess.PIPE, text=True)
    wait_for_shards(folder, 1)  # early, so that the sweep cannot end first on a busy machine
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "run the same command to resume" in err and "Traceback" not in err
    runs = pd.read_parquet(folder / "runs.parquet")
    assert 1 <= (runs["status"] == "ok").sum() < 16
    assert set(runs["status"]) <= {"ok", "pending"}
    assert main(["sweep", str(path), "--out", str(folder), "--workers", "2", "--quiet"]) == 0
    run_experiment(load_experiment(data), tmp_path / "clean", workers=2)
    assert_same_sweep(tmp_path / "clean", folder)


@pytest.mark.slow
def test_workers_exit_when_the_runner_is_killed(tmp_path: Path) -> None:
    data = experiment_data(replications=20, scenario={"metadata": {"end": "2012-12"}})
    path = write_experiment(tmp_path, data)
    runner = psutil.Popen(sweep_command(path, tmp_path / "sweep", 2), stderr=subprocess.DEVNULL)
    wait_for_shards(tmp_path / "sweep", 1)
    family = runner.children(recursive=True)
    assert len(family) >= 3  # fork server, workers (and the resource tracker)
    runner.kill()
    runner.wait(timeout=10)
    _, alive = psutil.wait_procs(family, timeout=10)
    for orphan in alive:  # leave nothing behind, even when the test fails
        orphan.kill()
    assert not alive, alive
