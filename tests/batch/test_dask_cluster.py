"""``kzsim sweep`` and ``kzsim calibrate`` on a Dask cluster started as a user starts one.

The scheduler and each worker are separate OS processes (``dask scheduler``, ``dask worker``),
as on the machines of a cluster, and the commands run as a user runs them, in a process of
their own. Results must be those of a local run with one worker; a worker killed in the middle
of a sweep must not change them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from kzsim.cli import main
from tests.batch.conftest import experiment_data, write_experiment
from tests.batch.test_runner import assert_same_sweep, wait_for_shards

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
#: The ``dask`` command of the environment running the tests.
DASK = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"
#: How long the cluster may take to start, and a command to finish.
START_SECONDS = 60
COMMAND_SECONDS = 120


def environment() -> dict[str, str]:
    """The environment of the cluster's processes: this checkout importable, as installed."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


@dataclass
class Cluster:
    """A running scheduler's address and its workers' processes (each its own session)."""

    address: str
    workers: list[subprocess.Popen[bytes]]
    logs: Path

    def log_tails(self) -> str:
        """The end of every process's log, for a failing assertion's message."""
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}"
            for log in sorted(self.logs.glob("*.log"))
        )


def _start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env=environment(),
            start_new_session=True,  # the process and its children: one group to end
        )  # fmt: skip


def _end(process: subprocess.Popen[bytes]) -> None:
    """End a process and its children (a worker's nanny and worker): TERM, then KILL."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sent)
        try:
            process.wait(timeout=10)
            with suppress(ProcessLookupError):  # children left by a dead parent
                os.killpg(process.pid, signal.SIGKILL)
            return
        except subprocess.TimeoutExpired:
            continue


def _address(file: Path, scheduler: subprocess.Popen[bytes]) -> str:
    """The scheduler's address, once it has written its scheduler file."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        with suppress(OSError, ValueError, KeyError):
            address: str = json.loads(file.read_text(encoding="utf-8"))["address"]
            return address
        assert scheduler.poll() is None, "the scheduler exited"
        assert time.monotonic() < deadline, "the scheduler did not start"
        time.sleep(0.1)


@contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[Cluster]:
    """A scheduler on a free port and ``workers`` workers of one process and one thread each."""
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "scheduler.json"
    processes = [
        _start(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(file)],
            folder / "scheduler.log",
        )
    ]  # fmt: skip
    try:
        address = _address(file, processes[0])
        for i in range(workers):
            processes.append(
                _start(
                    [DASK, "worker", address, "--nworkers", "1", "--nthreads", "1",
                     "--no-dashboard", "--name", f"worker-{i}",
                     "--local-directory", str(folder / f"worker-{i}")],
                    folder / f"worker-{i}.log",
                )
            )  # fmt: skip
        with distributed.Client(address, timeout=START_SECONDS) as client:
            client.wait_for_workers(workers, timeout=START_SECONDS)
        yield Cluster(address, processes[1:], folder)
    finally:
        for process in reversed(processes):
            _end(process)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with dask_cluster(tmp_path_factory.mktemp("cluster")) as running:
        yield running


def kzsim(*args: str) -> subprocess.CompletedProcess[str]:
    """The ``kzsim`` command in a process of its own, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-c", "from kzsim.cli import entry; entry()", *args],
        capture_output=True, text=True, env=environment(), timeout=COMMAND_SECONDS, check=False,
    )  # fmt: skip


def test_a_sweep_on_the_cluster_is_the_sweep_of_one_local_worker(
    cluster: Cluster, tmp_path: Path
) -> None:
    path = write_experiment(tmp_path, experiment_data())
    done = kzsim("sweep", str(path), "--out", str(tmp_path / "dask"),
                 "--scheduler", cluster.address, "--quiet")  # fmt: skip
    assert done.returncode == 0, done.stderr + cluster.log_tails()
    assert main(["sweep", str(path), "--out", str(tmp_path / "local"), "--workers", "1",
                 "--quiet"]) == 0  # fmt: skip
    assert_same_sweep(tmp_path / "local", tmp_path / "dask")
    runs = pd.read_parquet(tmp_path / "dask" / "runs.parquet")
    assert len(runs) == 4 and (runs["status"] == "ok").all()


def test_a_calibration_on_the_cluster_is_the_calibration_of_one_local_worker(
    cluster: Cluster, tmp_path: Path
) -> None:
    pytest.importorskip("pyabc")
    from tests.calibration.test_commands import tiny, write

    file = write(tmp_path, tiny())
    done = kzsim("calibrate", str(file), "--out", str(tmp_path / "dask"),
                 "--scheduler", cluster.address)  # fmt: skip
    assert done.returncode == 0, done.stderr + cluster.log_tails()
    assert "generation 2/2" in done.stderr
    assert main(["calibrate", str(file), "--out", str(tmp_path / "local"), "--workers", "1"]) == 0
    local, dask = tmp_path / "local", tmp_path / "dask"
    posterior = pd.read_parquet(local / "posterior.parquet")
    pd.testing.assert_frame_equal(posterior, pd.read_parquet(dask / "posterior.parquet"))
    assert posterior.iloc[:, 0].nunique() > 1  # particles differ: the comparison means something
    for name in ("draws.csv", "history.csv", "score.json"):
        assert (local / "predictive" / name).read_bytes() == (
            dask / "predictive" / name
        ).read_bytes()
    manifests = [json.loads((f / "manifest.json").read_text()) for f in (local, dask)]
    generations = [
        [{k: v for k, v in g.items() if k != "wall_time_s"} for g in m["generations"]]
        for m in manifests
    ]
    assert generations[0] == generations[1]
    assert manifests[1]["sampler"]["scheduler"] == cluster.address


def test_a_worker_killed_in_the_middle_of_a_sweep_changes_nothing(tmp_path: Path) -> None:
    data = experiment_data(replications=8, scenario={"metadata": {"end": "2013-12"}})
    path = write_experiment(tmp_path, data)
    folder = tmp_path / "dask"
    with dask_cluster(tmp_path / "cluster") as running:
        sweep = subprocess.Popen(
            [sys.executable, "-c", "from kzsim.cli import entry; entry()", "sweep", str(path),
             "--out", str(folder), "--scheduler", running.address, "--quiet"],
            stderr=subprocess.PIPE, text=True, env=environment(),
        )  # fmt: skip
        try:
            wait_for_shards(folder, 1)
            os.killpg(running.workers[0].pid, signal.SIGKILL)  # the machine is gone
            at_the_kill = len(list((folder / "series").glob("*.parquet")))
            _, err = sweep.communicate(timeout=COMMAND_SECONDS)
        finally:
            if sweep.poll() is None:
                sweep.kill()
                sweep.wait()
        assert sweep.returncode == 0, err + running.log_tails()
    assert at_the_kill < 16  # killed while runs were left
    runs = pd.read_parquet(folder / "runs.parquet")
    assert len(runs) == 16 and (runs["status"] == "ok").all()
    assert main(["sweep", str(path), "--out", str(tmp_path / "local"), "--workers", "1",
                 "--quiet"]) == 0  # fmt: skip
    assert_same_sweep(tmp_path / "local", folder)
