"""The same run specs on a dask.distributed cluster give the same sweep as the local pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzsim.batch import executors, run_experiment
from kzsim.batch.experiment import load_experiment
from kzsim.cli import main
from tests.batch.conftest import experiment_data
from tests.batch.test_runner import assert_same_sweep

distributed = pytest.importorskip("distributed")


def test_dask_gives_the_same_sweep_as_local_workers(scheduler: str, tmp_path: Path) -> None:
    experiment = load_experiment(experiment_data())
    run_experiment(experiment, tmp_path / "local", workers=2)
    runs = run_experiment(experiment, tmp_path / "dask", scheduler=scheduler)
    assert (runs["status"] == "ok").all()
    assert_same_sweep(tmp_path / "local", tmp_path / "dask")


def test_dask_sweeps_resume_too(scheduler: str, tmp_path: Path) -> None:
    experiment = load_experiment(experiment_data())
    run_experiment(experiment, tmp_path / "dask", scheduler=scheduler)
    (tmp_path / "dask" / "series" / "p1-r0.parquet").unlink()
    calls: list[tuple[int, int, int]] = []
    run_experiment(experiment, tmp_path / "dask", scheduler=scheduler,
                   progress=lambda *c: calls.append(c))  # fmt: skip
    assert calls[0] == (3, 0, 4) and calls[-1] == (4, 0, 4)


def test_workers_and_scheduler_together_are_refused(
    experiment_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["sweep", str(experiment_file), "--workers", "2", "--scheduler", "tcp://x:1"])
    assert code == 2
    assert "--workers: give --workers or --scheduler, not both" in capsys.readouterr().err


def test_an_unreachable_scheduler_is_one_line(
    experiment_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    code = main(["sweep", str(experiment_file), "--out", str(tmp_path / "s"),
                 "--scheduler", "tcp://127.0.0.1:9", "--quiet"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "--scheduler tcp://127.0.0.1:9: cannot connect" in err
    assert "Traceback" not in err
