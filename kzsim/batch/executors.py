"""Executors: run specs in, run outputs out, as they complete.

Both keep only a few runs in flight (twice the worker slots), so neither the specs nor the
results of a whole sweep are ever held at once.

The local executor is a process pool with the ``forkserver`` start method where the platform has
it (``spawn`` elsewhere). ``fork`` is avoided because the runner has threads (the progress bar,
the pool's own manager thread), and forking a threaded process can deadlock; ``spawn`` would
re-import kzsim, pandas and Mesa in every worker, about a second each. The fork server imports
kzsim once and forks warm workers from it. Workers ignore Ctrl-C (the runner stops them) and
exit when the runner dies.

A worker that dies (killed, out of memory) breaks the pool. The runner then starts a new pool and
re-submits the runs that were in flight; a run in flight at two such deaths is recorded as failed.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from multiprocessing.context import BaseContext
from typing import Any

from kzsim.batch.worker import RunOutput, RunSpec, execute, failed_output
from kzsim.errors import KzsimError

#: Runs kept in flight per worker slot: enough to keep workers busy while results are saved.
IN_FLIGHT_PER_SLOT = 2
#: A run in flight when the pool broke this many times is recorded as failed.
MAX_WORKER_DEATHS = 2
#: How long to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = "20s"


def available_cores() -> int:
    """Cores this process may use (its CPU affinity where the platform reports it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def pool_context() -> BaseContext:
    """``forkserver`` with kzsim preloaded where available, else ``spawn`` (see module doc)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["kzsim.batch.worker"])
        return context
    return multiprocessing.get_context("spawn")


def _start_worker(runner_pid: int) -> None:
    """Pool initializer: leave Ctrl-C to the runner, and exit soon after the runner dies.

    Without the watch, workers of a runner that was killed outright (``kill -9``, the
    out-of-memory killer) would wait for work forever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.name == "posix":  # os.kill(pid, 0) only probes on POSIX
        threading.Thread(target=_exit_after, args=(runner_pid,), daemon=True).start()


def _exit_after(runner_pid: int) -> None:
    """Poll the runner once a second; end this worker when it is gone."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(runner_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the pid exists (reused by another user's process)
            continue


def local_outputs(specs: Iterable[RunSpec], workers: int) -> Generator[RunOutput, None, None]:
    """Run specs in a local process pool of ``workers`` processes; yield outputs as they finish.

    Raises:
        KzsimError: if two pools in a row break before finishing any run (workers die at start).

    """
    queue = iter(specs)
    retry: deque[RunSpec] = deque()
    deaths: Counter[str] = Counter()
    futile_pools = 0
    while True:
        lost, finished = yield from _run_pool(queue, retry, workers)
        if not lost:
            return
        futile_pools = 0 if finished else futile_pools + 1
        if futile_pools >= 2:
            raise KzsimError(
                "worker processes die before finishing any run: out of memory (try fewer "
                "--workers), or a script calls kzsim.batch without the guard "
                "'if __name__ == \"__main__\":' that multiprocessing needs"
            )
        for spec in lost:
            deaths[spec.run] += 1
            if deaths[spec.run] >= MAX_WORKER_DEATHS:
                yield failed_output(
                    spec,
                    "WorkerDied: the worker process died running it, twice (killed, or out of "
                    "memory?)",
                )
            else:
                retry.append(spec)


def _run_pool(
    queue: Iterator[RunSpec], retry: deque[RunSpec], workers: int
) -> Generator[RunOutput, None, tuple[list[RunSpec], int]]:
    """Feed one pool until the specs run out or it breaks.

    Returns:
        The specs lost with a broken pool (none if it did not break), and how many runs it
        finished.

    """
    pool = ProcessPoolExecutor(
        workers, mp_context=pool_context(), initializer=_start_worker, initargs=(os.getpid(),)
    )
    in_flight: dict[Future[RunOutput], RunSpec] = {}
    broken = False
    finished = 0
    try:
        while not broken:
            while len(in_flight) < IN_FLIGHT_PER_SLOT * workers:
                spec = retry.popleft() if retry else next(queue, None)
                if spec is None:
                    break
                try:
                    in_flight[pool.submit(execute, spec)] = spec
                except BrokenProcessPool:
                    retry.appendleft(spec)
                    broken = True
                    break
            if broken or not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = True
                else:
                    yield future.result()
                    del in_flight[future]
                    finished += 1
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    lost = []
    for future, spec in in_flight.items():  # the pool is down: every future is settled
        if not future.cancelled() and future.exception() is None:
            yield future.result()
            finished += 1
        else:
            lost.append(spec)
    return lost, finished


def dask_outputs(specs: Iterable[RunSpec], address: str) -> Generator[RunOutput, None, None]:
    """Run specs on an existing dask.distributed cluster; yield outputs as they finish.

    A task that fails on the cluster (for example ``KilledWorker`` after Dask's own retries) is
    recorded as a failed run.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise KzsimError(
            "--scheduler: dask.distributed is not installed (pip install 'kzsim[distributed]')"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise KzsimError(f"--scheduler {address}: cannot connect ({error})") from None
    queue = iter(specs)
    in_flight: dict[Any, RunSpec] = {}
    completed = as_completed(loop=client.loop)  # type: ignore[no-untyped-call]
    sweep = uuid.uuid4().hex[:8]

    def submit(batch: Iterable[RunSpec]) -> None:
        for spec in batch:
            future = client.submit(execute, spec, key=f"kzsim-{sweep}-{spec.run}", pure=False)
            in_flight[future] = spec
            completed.add(future)  # type: ignore[no-untyped-call]

    try:
        slots = max(1, sum(client.nthreads().values()))  # type: ignore[no-untyped-call]
        submit(islice(queue, IN_FLIGHT_PER_SLOT * slots))
        for future in completed:
            spec = in_flight.pop(future)
            if future.status == "finished":
                yield future.result()
            else:
                yield failed_output(spec, f"{_task_error(future)} (on the Dask cluster)")
            future.release()
            submit(islice(queue, 1))
    finally:
        client.cancel(list(in_flight))  # type: ignore[no-untyped-call]
        client.close()  # type: ignore[no-untyped-call]


def _task_error(future: Any) -> str:
    """What went wrong with a Dask task that did not finish."""
    if future.status == "error":
        error = future.exception()
        return f"{type(error).__name__}: {error}"
    return f"TaskNotFinished: the task was {future.status}"
