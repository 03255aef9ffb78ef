"""The sweep folder: one sweep at a time, and shards that say which sweep and run they belong to."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from kzsim.batch import run_experiment
from kzsim.batch.experiment import load_experiment
from kzsim.cli import main
from tests.batch.conftest import experiment_data, write_experiment
from tests.batch.test_runner import assert_same_sweep, sweep_command, wait_for_shards

LONGER = {"replications": 8, "scenario": {"metadata": {"end": "2013-12"}}}


@pytest.mark.slow
def test_a_second_sweep_on_a_folder_in_use_exits_2_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the case: the same folder, another seed and --force-new, while the first runs
    first = write_experiment(tmp_path, experiment_data(**LONGER))
    second = write_experiment(tmp_path, experiment_data(**LONGER, seed=8), name="other.yaml")
    folder = tmp_path / "sweep"
    runner = subprocess.Popen(sweep_command(first, folder, 1), stderr=subprocess.PIPE, text=True)
    try:
        wait_for_shards(folder, 1)
        runner.send_signal(signal.SIGSTOP)  # hold the first sweep halfway, with its lock
        command = ["sweep", str(second), "--out", str(folder), "--force-new", "--workers", "1"]
        assert main([*command, "--quiet"]) == 2
        err = capsys.readouterr().err.splitlines()
        holder = f"kzsim sweep (pid {runner.pid} on {socket.gethostname()} since "
        assert len(err) == 1 and err[0].startswith(f"{folder}: --out: in use by {holder}"), err
        # reading a sweep in progress is fine; writing into it is not
        assert main(["summarize", str(folder)]) == 0
        captured = capsys.readouterr()
        assert "peak_protest: max of protest_share" in captured.out
        assert f"{folder}: in use by {holder}" in captured.err
        assert "nothing written" in captured.err and "written to" not in captured.out
        assert not (folder / "summary.parquet").exists() and not (folder / "runs.parquet").exists()
        assert main(["plot", str(folder)]) == 2
        assert f"{folder}: DIR: in use by {holder}" in capsys.readouterr().err
        assert not (folder / "plots").exists()
        assert main(["report", str(folder), "-o", str(tmp_path / "report.html")]) == 0
        page = (tmp_path / "report.html").read_text(encoding="utf-8")
        assert f"in progress ({holder}" in page
    finally:
        runner.send_signal(signal.SIGCONT)
    _, runner_err = runner.communicate(timeout=120)
    assert runner.returncode == 0, runner_err
    assert not (folder / "sweep.lock").exists()
    run_experiment(load_experiment(experiment_data(**LONGER)), tmp_path / "clean", workers=1)
    assert_same_sweep(tmp_path / "clean", folder)  # only the first sweep's results


@pytest.mark.slow
def test_the_lock_of_a_killed_sweep_is_reported_and_taken_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_experiment(tmp_path, experiment_data(**LONGER))
    folder = tmp_path / "sweep"
    runner = subprocess.Popen(sweep_command(path, folder, 1), stderr=subprocess.DEVNULL)
    wait_for_shards(folder, 1)
    runner.kill()
    runner.wait(timeout=10)
    assert (folder / "sweep.lock").exists()
    assert main(["sweep", str(path), "--out", str(folder), "--workers", "1", "--quiet"]) == 0
    holder = f"kzsim sweep (pid {runner.pid} on {socket.gethostname()} since "
    taken = f"{folder}: taking over the lock of {holder}"
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith(taken)]
    assert len(lines) == 1 and lines[0].endswith("which ended without releasing it"), lines
    assert not (folder / "sweep.lock").exists()
    run_experiment(load_experiment(experiment_data(**LONGER)), tmp_path / "clean", workers=1)
    assert_same_sweep(tmp_path / "clean", folder)


def test_a_shard_of_another_run_or_experiment_is_run_again(tmp_path: Path) -> None:
    experiment = load_experiment(experiment_data())
    other = load_experiment(experiment_data(seed=8))
    folder = tmp_path / "sweep"
    run_experiment(experiment, folder, workers=1)
    run_experiment(other, tmp_path / "other", workers=1)
    shutil.copytree(folder, tmp_path / "clean")
    shards = folder / "series"
    shutil.copy(shards / "p0-r0.parquet", shards / "p0-r1.parquet")
    shutil.copy(tmp_path / "other" / "series" / "p1-r0.parquet", shards / "p1-r0.parquet")
    calls: list[tuple[int, int, int]] = []
    notices: list[str] = []
    run_experiment(
        experiment, folder, workers=1, progress=lambda *c: calls.append(c), notice=notices.append
    )
    assert calls[0] == (2, 0, 4) and calls[-1] == (4, 0, 4)
    assert notices == [
        f"{folder}: 2 shards do not belong to this sweep and are run again: p0-r1 (of run "
        f"p0-r0), p1-r0 (of experiment {other.hash[:12]})"
    ]
    assert_same_sweep(tmp_path / "clean", folder)
