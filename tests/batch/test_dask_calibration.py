"""A calibration gives the same history on one worker, local processes and a Dask cluster."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzsim.batch import executors
from kzsim.calibration.smc import run_smc, sampler
from kzsim.cli import main

pytest.importorskip("pyabc")
distributed = pytest.importorskip("distributed")

from tests.calibration.test_commands import tiny, write  # noqa: E402 (needs pyabc)
from tests.calibration.test_smc import PROBLEM  # noqa: E402 (needs pyabc)

#: The toy problem with the median rule (epsilon from the generation before), three generations.
TOY = dataclasses.replace(PROBLEM, particles=30, generations=3, epsilon_schedule=None)


def history_contents(history: object) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Each generation's epsilon, samples and accepted particles; its particles with weights."""
    populations = history.get_all_populations()  # type: ignore[attr-defined]
    generations = populations[["t", "epsilon", "samples", "particles"]].reset_index(drop=True)
    particles = []
    for t in range(history.max_t + 1):  # type: ignore[attr-defined]
        frame, weights = history.get_distribution(m=0, t=t)  # type: ignore[attr-defined]
        particles.append(frame.assign(weight=np.asarray(weights)).reset_index(drop=True))
    return generations, particles


def assert_same_history(a: object, b: object) -> None:
    generations_a, particles_a = history_contents(a)
    generations_b, particles_b = history_contents(b)
    pd.testing.assert_frame_equal(generations_a, generations_b)
    for t, (frame_a, frame_b) in enumerate(zip(particles_a, particles_b, strict=True)):
        pd.testing.assert_frame_equal(frame_a, frame_b, obj=f"generation {t}")


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The toy calibration in this process."""
    return run_smc(TOY, tmp_path_factory.mktemp("one") / "abc.db", sampler(1))


def test_local_processes_give_the_history_of_one_worker(one_worker: object, tmp_path: Path) -> None:
    chosen = sampler(2)
    try:
        history = run_smc(TOY, tmp_path / "abc.db", chosen)
    finally:
        chosen.close()
    assert history.max_t == 2
    assert_same_history(one_worker, history)


def test_a_dask_cluster_gives_the_history_of_one_worker(
    one_worker: object, scheduler: str, tmp_path: Path
) -> None:
    with distributed.Client(scheduler, set_as_default=False) as client:  # as the command does
        history = run_smc(TOY, tmp_path / "abc.db", sampler(1, client))
    assert_same_history(one_worker, history)
    # the particles are not all alike: the check above compares something
    _, particles = history_contents(history)
    assert particles[-1]["toy.level"].nunique() > 1


def test_an_unreachable_scheduler_is_one_line_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    file = write(tmp_path, tiny())
    out = tmp_path / "out"
    code = main(["calibrate", str(file), "--out", str(out), "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "--scheduler tcp://127.0.0.1:9: cannot connect" in lines[0]
    assert not out.exists()
