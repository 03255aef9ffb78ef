"""Independent simulations in worker processes, results in task order.

The replay over seeds (``kzsim history``), the pattern suite (``kzsim check-patterns``) and the
posterior ensembles (``kzsim run --posterior``) run tasks that depend on nothing but themselves,
so their results are the same whatever the number of workers. Sweeps have their own executor
(``kzsim.batch.executors``), which also resumes and records failures.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from kzsim.errors import KzsimError

Task = TypeVar("Task")
Result = TypeVar("Result")


def map_in_processes(
    function: Callable[[Task], Result],
    tasks: Sequence[Task],
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """Apply a module-level ``function`` to every task; return the results in task order.

    Args:
        function: picklable (defined at module level), as are the tasks and results.
        tasks: the tasks.
        workers: worker processes; 1 runs everything in this process.
        progress: called as ``progress(done, total)`` after each task.

    Raises:
        KzsimError: if a worker process dies (killed, out of memory).

    """
    from kzsim.batch.executors import pool_context

    results: list[Result] = []

    def record(result: Result) -> None:
        results.append(result)
        if progress is not None:
            progress(len(results), len(tasks))

    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            record(function(task))
        return results
    pool = ProcessPoolExecutor(
        min(workers, len(tasks)), mp_context=pool_context(), initializer=ignore_interrupts
    )
    try:
        for result in pool.map(function, tasks):
            record(result)
    except BrokenProcessPool:
        raise KzsimError(
            "a worker process died: killed, out of memory (try fewer --workers), or a script "
            "runs kzsim without the guard 'if __name__ == \"__main__\":' that multiprocessing "
            "needs"
        ) from None
    finally:
        pool.shutdown(cancel_futures=True)  # on Ctrl-C, only the tasks under way finish
    return results


def ignore_interrupts() -> None:
    """Leave Ctrl-C to the parent process, which stops the pool (a worker initializer)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
