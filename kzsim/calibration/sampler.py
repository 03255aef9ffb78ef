"""A pyabc sampler whose generations do not depend on where or on how many workers they run.

pyabc's own samplers draw every proposal from the global generator of the process that
evaluates it: the single-core sampler from one stream in order, the multicore and Dask samplers
from processes reseeded by the operating system, accepting whichever particles finish first.
Here the evaluations of a generation are numbered 0, 1, 2, ...; evaluation ``i`` seeds the
global generators (numpy's and Python's) from a key drawn once per generation and ``i``
(``SeedSequence(key, spawn_key=(i,))``), so its proposal, simulation and verdict depend only on
the generation and ``i``; and the generation is evaluations ``0..k``, ``k`` the index of the
``n``-th accepted one, whatever order they finish in. One worker (in process), local processes
and a Dask cluster of any size then give the same history. A generation's sample count is
``k + 1`` under every sampler; evaluations started beyond ``k`` are cancelled or discarded.

The key is drawn from numpy's global generator, which ``kzsim.calibration.smc.run_smc`` seeds
from the master seed before each generation.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_local
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import cloudpickle  # type: ignore[import-untyped]
import numpy as np
import pyabc
from pyabc.population import Particle, Sample

from kzsim.batch.executors import IN_FLIGHT_PER_SLOT, pool_context
from kzsim.errors import KzsimError

#: ``simulate_one()``: pyabc's whole evaluation (propose, simulate, distance, accept).
SimulateOne = Callable[[], Particle]

#: What a lost worker means for the calibration.
LOST_WORKER = (
    "a worker died during the generation (killed, or out of memory?); the finished generations "
    "are kept: run the same command to resume"
)


@lru_cache(maxsize=2)
def _loaded(simulate_one: bytes) -> SimulateOne:
    """The generation's evaluation function (unpickled once per worker and generation)."""
    function: SimulateOne = cloudpickle.loads(simulate_one)
    return function


def _seed(key: int, index: int) -> None:
    """Seed numpy's and Python's global generators for evaluation ``index``."""
    state = np.random.SeedSequence(key, spawn_key=(index,)).generate_state(4)
    np.random.seed(state)  # noqa: NPY002 (pyabc's proposals draw from the global state)
    random.seed(int(state[0]) << 32 | int(state[1]))


def evaluate(simulate_one: bytes, key: int, index: int) -> Particle:
    """Evaluation ``index`` of a generation, in a worker process or on a Dask worker."""
    function = _loaded(simulate_one)
    _seed(key, index)
    return function()


@contextmanager
def _kept_global_state() -> Iterator[None]:
    """Leave the caller's global generators as they were (in-process evaluations reseed them)."""
    numpy_state, python_state = np.random.get_state(), random.getstate()  # noqa: NPY002
    try:
        yield
    finally:
        np.random.set_state(numpy_state)  # noqa: NPY002
        random.setstate(python_state)


class OrderedSampler(pyabc.sampler.Sampler):  # type: ignore[misc]
    """Numbered evaluations, in process (1 worker), in local processes, or on a Dask client.

    Args:
        workers: local processes (1: in this process); not used with ``client``.
        client: a ``distributed.Client`` to evaluate on instead.

    """

    def __init__(self, workers: int = 1, client: Any = None) -> None:
        super().__init__()
        self.workers = workers
        self.client = client
        self._pool: ProcessPoolExecutor | None = None

    def sample_until_n_accepted(
        self,
        n: int,
        simulate_one: SimulateOne,
        t: int,
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,
        ana_vars: Any = None,
    ) -> Sample:
        """Evaluations ``0..k`` of generation ``t``, ``k`` the ``n``-th accepted one."""
        key = int(np.random.randint(2**63 - 1, dtype=np.int64))  # noqa: NPY002
        if self.client is None and self.workers == 1:
            particles = self._in_process(n, simulate_one, key)
        else:
            particles = self._in_parallel(n, cloudpickle.dumps(simulate_one), key)
        sample = self._create_empty_sample()
        for particle in particles:
            sample.append(particle)
        self.nr_evaluations_ = len(particles)
        return sample

    def _in_process(self, n: int, simulate_one: SimulateOne, key: int) -> list[Particle]:
        particles: list[Particle] = []
        accepted = 0
        with _kept_global_state():
            while accepted < n:
                _seed(key, len(particles))
                particles.append(simulate_one())
                accepted += particles[-1].accepted
        return particles

    def _in_parallel(self, n: int, simulate_one: bytes, key: int) -> list[Particle]:
        """Keep every worker busy; stop once evaluations 0..k hold n accepted ones."""
        submit, wait, slots = self._submitter(simulate_one, key)
        in_flight: dict[Any, int] = {}
        finished: dict[int, Particle] = {}
        accepted = prefix = accepted_in_prefix = 0
        try:
            while accepted_in_prefix < n:
                while accepted < n and len(in_flight) < IN_FLIGHT_PER_SLOT * slots:
                    index = len(finished) + len(in_flight)
                    in_flight[submit(index)] = index
                ready, _ = wait(list(in_flight), return_when="FIRST_COMPLETED")
                for future in ready:
                    particle = self._result(future)
                    finished[in_flight.pop(future)] = particle
                    accepted += particle.accepted
                while prefix in finished and accepted_in_prefix < n:
                    accepted_in_prefix += finished[prefix].accepted
                    prefix += 1
        finally:
            for future in in_flight:
                future.cancel()
        return [finished[index] for index in range(prefix)]

    def _submitter(
        self, simulate_one: bytes, key: int
    ) -> tuple[Callable[[int], Any], Callable[..., Any], int]:
        """``submit(index)``, the matching ``wait``, and the slots to keep busy."""
        if self.client is not None:
            from distributed import wait

            client = self.client
            shared = client.scatter(simulate_one)  # sent to each worker once, not per task
            slots = max(1, sum(client.nthreads().values()))

            def wait_on_client(futures: list[Any], return_when: str) -> Any:
                with client.as_current():  # wait() looks for a default client; this is not one
                    return wait(futures, return_when=return_when)  # type: ignore[no-untyped-call]

            return (
                lambda index: client.submit(evaluate, shared, key, index, pure=False),
                wait_on_client,
                slots,
            )
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=pool_context(__name__))
        pool = self._pool
        return (
            lambda index: pool.submit(evaluate, simulate_one, key, index),
            wait_local,
            self.workers,
        )

    @staticmethod
    def _result(future: Future[Particle] | Any) -> Particle:
        """The particle of a finished evaluation; a lost worker is one line."""
        try:
            particle: Particle = future.result()
        except BrokenProcessPool:
            raise KzsimError(f"--workers: {LOST_WORKER}") from None
        except Exception as error:
            if type(error).__name__ == "KilledWorker":  # distributed's, after its retries
                raise KzsimError(f"--scheduler: {LOST_WORKER} ({error})") from None
            raise
        return particle

    def close(self) -> None:
        """End the local worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
