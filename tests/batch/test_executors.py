"""The local process pool: a worker that dies, even halfway through sending its result."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import sys
import termios
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest

from kzsim import load_scenario
from kzsim.batch.executors import local_outputs
from kzsim.batch.worker import RunOutput, RunSpec, record
from kzsim.errors import KzsimError
from tests.batch.conftest import SMALL_SCENARIO

#: A result far larger than a socket's buffer, so that sending it takes many writes.
RESULT_BYTES = 20_000_000
#: Seconds a pool may take for the few runs of a test before it counts as hung.
HANG_SECONDS = 60.0

T = TypeVar("T")


def spec(run: str) -> RunSpec:
    scenario = load_scenario(SMALL_SCENARIO)
    return RunSpec(run=run, point=0, replication=0, seed=1, scenario=scenario, outcomes={},
                   experiment_hash="0" * 64)  # fmt: skip


def unsent_bytes(descriptor: int) -> int:
    """Bytes written to a socket that its peer has not read yet (Linux ``SIOCOUTQ``)."""
    answer = fcntl.ioctl(descriptor, termios.TIOCOUTQ, b"\0\0\0\0")
    return int(struct.unpack("i", answer)[0])


def sockets() -> list[int]:
    """This process's socket descriptors (the worker's connection to the runner among them)."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                found.append(int(name))
        except OSError:  # the descriptor that listed the folder, closed by now
            continue
    return found


def kill_while_sending() -> None:
    """SIGKILL this process as soon as one of its sockets has data on the way out."""
    watched = [descriptor for descriptor in sockets() if unsent_bytes(descriptor) == 0]

    def watch() -> None:
        while True:
            for descriptor in watched:
                if unsent_bytes(descriptor) > 0:
                    os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True).start()


def large_output(spec: RunSpec) -> RunOutput:
    """A run's output with a shard of 20 MB; the run ``victim`` kills its worker while sending."""
    if spec.run == "victim":
        kill_while_sending()
    return RunOutput(record(spec, "ok", "", 0.0), bytes(RESULT_BYTES))


def die(spec: RunSpec) -> RunOutput:
    """A worker that dies with every run."""
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def within(seconds: float, work: Callable[[], T]) -> T:
    """``work()``, run in a thread that must finish within ``seconds``."""
    answer: list[T] = []
    problem: list[BaseException] = []

    def target() -> None:
        try:
            answer.append(work())
        except BaseException as error:
            problem.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the pool hung for {seconds:g} s"
    if problem:
        raise problem[0]
    return answer[0]


@pytest.mark.skipif(sys.platform != "linux", reason="watches a socket's send queue (Linux ioctl)")
@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_killed_while_sending_fails_its_run_and_the_pool_goes_on(workers: int) -> None:
    runs = ["a", "victim", "b", "c"]
    outputs = within(
        HANG_SECONDS, lambda: list(local_outputs(map(spec, runs), workers, run=large_output))
    )
    records = {output.record["run"]: output for output in outputs}
    assert sorted(records) == sorted(runs)
    victim = records["victim"].record
    assert victim["status"] == "failed" and records["victim"].shard is None
    assert victim["error"].startswith("WorkerDied: the worker process died running it, twice")
    for run in ("a", "b", "c"):
        assert records[run].record["status"] == "ok"
        assert records[run].shard == bytes(RESULT_BYTES)


def test_workers_that_die_before_finishing_any_run_stop_the_sweep() -> None:
    specs = [spec(f"r{i}") for i in range(8)]
    with pytest.raises(KzsimError, match="worker processes die before finishing any run"):
        within(HANG_SECONDS, lambda: list(local_outputs(specs, 2, run=die)))
