"""Executors: run specs in, run outputs out, as they complete.

Both keep only a few runs in flight (one per local worker, two per Dask worker thread), so
neither the specs nor the results of a whole sweep are ever held at once.

The local executor is a small process pool of its own, with the ``forkserver`` start method where
the platform has it (``spawn`` elsewhere). ``fork`` is avoided because the runner has threads
(the progress bar), and forking a threaded process can deadlock; ``spawn`` would re-import kzsim,
pandas and Mesa in every worker, about a second each. The fork server imports kzsim once and
forks warm workers from it. Workers ignore Ctrl-C (the runner stops them) and exit when the
runner dies (``kzsim.batch.worker.serve``).

Each worker has a connection of its own, so a worker that dies (killed, out of memory), even
halfway through sending a result, only ends its own connection: the runner reads the end of it,
starts a new worker and gives the run to another worker; a run whose worker died twice is
recorded as failed. (``concurrent.futures.ProcessPoolExecutor`` shares one result pipe among all
workers: a worker killed while it writes a large result leaves a torn message there, and the
pool then waits for the rest of it forever.)
"""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import suppress
from itertools import islice
from multiprocessing.connection import wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from kzsim.batch.worker import RunOutput, RunSpec, execute, failed_output, serve
from kzsim.errors import KzsimError

if TYPE_CHECKING:
    from distributed import Client

#: Runs kept in flight per Dask worker thread: enough to keep workers busy while results are saved.
IN_FLIGHT_PER_SLOT = 2
#: A run whose worker died this many times is recorded as failed.
MAX_WORKER_DEATHS = 2
#: Seconds a stopped worker may take to exit before it is killed.
STOP_SECONDS = 5.0
#: How long to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = "20s"


def available_cores() -> int:
    """Cores this process may use (its CPU affinity where the platform reports it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def pool_context(preload: str = "kzsim.batch.worker") -> BaseContext:
    """``forkserver`` with ``preload`` imported where available, else ``spawn`` (see module doc)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([preload])
        return context
    return multiprocessing.get_context("spawn")


def local_outputs(
    specs: Iterable[RunSpec], workers: int, run: Callable[[RunSpec], RunOutput] = execute
) -> Generator[RunOutput, None, None]:
    """Run specs in ``workers`` local processes; yield outputs as they finish.

    Args:
        specs: the runs, in the order they are started.
        workers: worker processes.
        run: what a worker does with a spec (an importable function).

    Raises:
        KzsimError: if workers keep dying before finishing any run (they die at start).

    """
    pool = _Pool(workers, run)
    try:
        yield from pool.outputs(iter(specs))
    finally:
        pool.stop()


class _Worker:
    """A worker process, the runner's end of its connection, and the run it is on."""

    def __init__(self, context: BaseContext, run: Callable[[RunSpec], RunOutput]) -> None:
        self.connection, theirs = context.Pipe()
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=serve, args=(theirs, os.getpid(), run), daemon=True
        )
        self.process.start()
        theirs.close()  # the worker holds the only other end: its death ends the connection
        self.spec: RunSpec | None = None

    def start(self, spec: RunSpec) -> None:
        """Hand the worker a run (if it has died, ``result`` says so)."""
        self.spec = spec
        with suppress(OSError):
            self.connection.send(spec)

    def result(self) -> RunOutput | None:
        """The output of the worker's run; None if the worker died first."""
        try:
            output: RunOutput = self.connection.recv()
        except (EOFError, OSError):  # ended, or ended halfway through a message
            return None
        self.spec = None
        return output

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.process.is_alive()

    def stop(self) -> None:
        """End the worker: an idle one exits when its connection closes; a busy one is ended."""
        self.connection.close()
        if self.spec is not None:
            self.process.terminate()
        self.process.join(STOP_SECONDS)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join()


class _Pool:
    """Local worker processes, each on one run at a time."""

    def __init__(self, size: int, run: Callable[[RunSpec], RunOutput]) -> None:
        self.size = size
        self.run = run
        self.context = pool_context()
        self.idle: list[_Worker] = []
        self.busy: list[_Worker] = []
        self.retry: deque[RunSpec] = deque()
        self.deaths: Counter[str] = Counter()
        self.deaths_in_a_row = 0  # since a run last finished

    def outputs(self, queue: Iterator[RunSpec]) -> Generator[RunOutput, None, None]:
        """Keep every worker on a run until the specs run out; yield outputs as they finish."""
        self._dispatch(queue)
        while self.busy:
            ready = set(
                wait([end for w in self.busy for end in (w.connection, w.process.sentinel)])
            )
            for worker in [w for w in self.busy if {w.connection, w.process.sentinel} & ready]:
                self.busy.remove(worker)
                spec = worker.spec
                output = worker.result()
                if output is None:
                    assert spec is not None  # busy workers have a run
                    yield from self._lost(worker, spec)
                else:
                    self.deaths_in_a_row = 0
                    self.idle.append(worker)
                self._dispatch(queue)  # before the output is saved, so the worker goes on
                if output is not None:
                    yield output

    def _dispatch(self, queue: Iterator[RunSpec]) -> None:
        """Give idle workers (new ones if needed) the runs to retry, then the next runs."""
        while len(self.busy) < self.size:
            spec = self.retry.popleft() if self.retry else next(queue, None)
            if spec is None:
                return
            worker = self._idle_worker()
            worker.start(spec)
            self.busy.append(worker)

    def _idle_worker(self) -> _Worker:
        while self.idle:
            worker = self.idle.pop()
            if worker.alive():
                return worker
            worker.stop()  # it died between runs
        return _Worker(self.context, self.run)

    def _lost(self, worker: _Worker, spec: RunSpec) -> Generator[RunOutput, None, None]:
        """A worker died on ``spec``: run it again, or record it as failed the second time."""
        worker.stop()
        self.deaths_in_a_row += 1
        if self.deaths_in_a_row > MAX_WORKER_DEATHS * self.size:
            raise KzsimError(
                "worker processes die before finishing any run: out of memory (try fewer "
                "--workers), or a script calls kzsim.batch without the guard "
                "'if __name__ == \"__main__\":' that multiprocessing needs"
            )
        self.deaths[spec.run] += 1
        if self.deaths[spec.run] >= MAX_WORKER_DEATHS:
            yield failed_output(
                spec,
                "WorkerDied: the worker process died running it, twice (killed, or out of memory?)",
            )
        else:
            self.retry.append(spec)

    def stop(self) -> None:
        """End every worker."""
        for worker in self.idle + self.busy:
            worker.stop()
        self.idle.clear()
        self.busy.clear()


def connect(address: str) -> Client:
    """A ``distributed.Client`` on the scheduler at ``address`` (close it when done).

    Raises:
        KzsimError: if dask.distributed is not installed or the scheduler does not answer
            within ``CONNECT_TIMEOUT``.

    """
    try:
        from distributed import Client
    except ImportError:
        raise KzsimError(
            "--scheduler: dask.distributed is not installed (pip install 'kzsim[distributed]')"
        ) from None
    try:
        client: Client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
        return client
    except (OSError, TimeoutError, ValueError) as error:
        raise KzsimError(f"--scheduler {address}: cannot connect ({error})") from None


def dask_outputs(specs: Iterable[RunSpec], address: str) -> Generator[RunOutput, None, None]:
    """Run specs on an existing dask.distributed cluster; yield outputs as they finish.

    A task that fails on the cluster (for example ``KilledWorker`` after Dask's own retries) is
    recorded as a failed run.
    """
    from distributed import as_completed

    client = connect(address)
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
