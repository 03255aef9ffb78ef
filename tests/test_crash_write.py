"""kill -9 at random points of an output write: the target always holds the old or the new output.

A forked child writes a run over an earlier one and SIGKILLs itself at the k-th file-system call
of the write (counted with an audit hook, so k falls inside the write by construction), for k
drawn at random from the calls a whole write makes. After each kill the target must hold the
complete old or the complete new output, and after the next write nothing hidden is left.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import kzsim
from kzsim.outputs import RUN, Format, RunResult, check_writable, exchange
from kzsim.viz.folders import load_run

TRIALS = 20
#: Audit events of the file-system calls a write makes (each a point where the child may die).
FILE_SYSTEM_CALLS = frozenset(
    {
        "open",
        "os.mkdir",
        "os.rename",
        "os.replace",
        "os.remove",
        "os.rmdir",
        "os.chmod",
        "os.scandir",
        "os.listdir",
        "shutil.rmtree",
        "ctypes.call_function",
    }
)
OLD_SEED, NEW_SEED = 1, 2


def result(seed: int) -> RunResult:
    data: dict[str, Any] = {
        "metadata": {"name": "crash", "start": "2010-01", "end": "2010-03"},
        "population": {"citizens": 300},
        "events": [{"date": "2010-02", "kind": "shock", "detail": "a story line"}],
    }
    return kzsim.run(kzsim.load_scenario(data), seed=seed)


@pytest.fixture(scope="module")
def results() -> dict[int, RunResult]:
    return {OLD_SEED: result(OLD_SEED), NEW_SEED: result(NEW_SEED)}


def write_in_child(new: RunResult, target: Path, fmt: Format, kill_at: int | None) -> int:
    """Write ``new`` over ``target`` in a forked child; return the calls made, or -signal."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: count file-system calls, die at the chosen one
        code = 0
        try:
            os.close(read_end)
            calls = 0
            counting = True

            def hook(event: str, args: tuple[Any, ...]) -> None:
                nonlocal calls
                if counting and event in FILE_SYSTEM_CALLS:
                    calls += 1
                    if calls == kill_at:
                        os.kill(os.getpid(), signal.SIGKILL)

            sys.addaudithook(hook)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                new.write(target, fmt=fmt, overwrite=True)
            counting = False
            os.write(write_end, str(calls).encode())
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        reported = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    assert os.WEXITSTATUS(status) == 0, "the child's write failed"
    return int(reported)


def seed_held(target: Path, results: dict[int, RunResult]) -> int:
    """The seed of the complete output ``target`` holds (old or new); fail if it holds neither."""
    assert target.is_dir(), "the target is missing"
    written = load_run(target)
    seed = int(written.manifest["seed"])
    assert seed in results
    fmt = "parquet" if seed == OLD_SEED else "csv"
    expected = {f"series.{fmt}", f"events.{fmt}", "manifest.json"}
    assert {p.name for p in target.iterdir()} == expected
    for name in ("series", "events"):
        pd.testing.assert_frame_equal(
            getattr(written, name).reset_index(drop=True),
            getattr(results[seed], name).reset_index(drop=True),
            check_dtype=False,
        )
    assert written.manifest == results[seed].manifest
    return seed


def crash_trials(tmp_path: Path, results: dict[int, RunResult], recover: bool) -> set[int]:
    """Kill the write at TRIALS random calls; return the seeds the target held after the kills."""
    old, new = results[OLD_SEED], results[NEW_SEED]
    probe = tmp_path / "probe" / "run"
    old.write(probe)
    calls = write_in_child(new, probe, "csv", kill_at=None)
    assert calls > 10, "a write makes more calls than that"
    rng = random.Random(8)
    points = rng.sample(range(1, calls + 1), min(TRIALS, calls))
    points += rng.choices(range(1, calls + 1), k=TRIALS - len(points))
    held = set()
    for trial, kill_at in enumerate(points):
        target = tmp_path / f"trial{trial}" / "run"
        old.write(target)
        assert write_in_child(new, target, "csv", kill_at) == -signal.SIGKILL
        if recover:
            check_writable(target, RUN, overwrite=True)
        held.add(seed_held(target, results))
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            old.write(target, overwrite=True)
        assert seed_held(target, results) == OLD_SEED
        assert sorted(p.name for p in target.parent.iterdir()) == ["run"], f"k={kill_at}"
    return held


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_killed_write_leaves_the_old_or_the_new_output(
    tmp_path: Path, results: dict[int, RunResult]
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    if not exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("no atomic exchange of folders here (the next test covers the fallback)")
    assert crash_trials(tmp_path, results, recover=False) == {OLD_SEED, NEW_SEED}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_without_an_atomic_exchange_the_old_output_is_set_aside_and_recovered(
    tmp_path: Path, results: dict[int, RunResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kzsim.outputs.exchange", lambda first, second: False)
    assert crash_trials(tmp_path, results, recover=True) == {OLD_SEED, NEW_SEED}
