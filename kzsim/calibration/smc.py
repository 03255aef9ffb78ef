"""ABC-SMC with pyabc: bounded priors, a history in SQLite that resumes, and its samplers.

The loop is pyabc's (Toni et al. 2009; Klinger, Rickert and Hasenauer 2018). Generation 0 is a
sample of the prior (epsilon infinite); each later generation's epsilon is the median distance of
the one before (or the file's schedule). Generations are run one at a time, and before each the
proposal stream (numpy's global generator, which pyabc draws from) is seeded from the master seed
and the generation's index. The sampler (:mod:`kzsim.calibration.sampler`) gives each evaluation
of a generation a stream of its own and keeps evaluations in their order, not the order they
finish in, so a calibration is reproducible with one worker, several local workers or a Dask
cluster, resumed or not, and the same under all of them: generation ``t`` depends only on the
seed and the generations before it, as stored in the history. Each simulation's seed is derived
from the master seed and the particle's parameter values (:func:`particle_seed`).

References:
    Klinger E, Rickert D, Hasenauer J (2018). pyABC: distributed, likelihood-free inference.
    Bioinformatics 34(20): 3591-3593.

"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kzsim.batch.seeds import derived_seed
from kzsim.calibration.schema import LogNormal, Normal, Prior, Uniform

if TYPE_CHECKING:
    import pyabc
    from scipy.stats._distn_infrastructure import rv_frozen

    from kzsim.calibration.sampler import OrderedSampler

#: Branches of the calibration's SeedSequence tree.
PROPOSALS, SIMULATIONS, PREDICTIVE = 0, 1, 2
#: The prefix of pyabc's loggers (``ABC``, ``ABC.Sampler``, ...), quietened to warnings.
PYABC_LOGGER = "ABC"
#: pyabc's id of the one ABC-SMC run a history database holds.
RUN_ID = 1
#: Each generation's epsilon is this weighted quantile of the distances of the one before.
EPSILON_QUANTILE = 0.5

#: ``simulate(parameters) -> summary statistics`` (a mapping of floats).
Simulate = Callable[[Mapping[str, float]], dict[str, float]]
#: ``distance(summary statistics) -> float`` (to the observed data).
Distance = Callable[[Mapping[str, float]], float]


def particle_seed(master: int, parameters: Mapping[str, float]) -> int:
    """The simulation seed of a particle: branch ``(SIMULATIONS, bits of its values)`` of the tree.

    The same parameter values give the same seed under every sampler and on every machine.
    """
    values = np.array([parameters[key] for key in sorted(parameters)], dtype=np.float64)
    return derived_seed(master, SIMULATIONS, *(int(word) for word in values.view(np.uint32)))


def _frozen(prior: Prior) -> rv_frozen:
    """The scipy distribution a prior truncates."""
    from scipy import stats

    if isinstance(prior, Uniform):
        return stats.uniform(prior.low, prior.high - prior.low)
    if isinstance(prior, Normal):
        return stats.norm(prior.mean, prior.sd)
    assert isinstance(prior, LogNormal)
    return stats.lognorm(prior.sigma, scale=prior.median)


def bounded(prior: Prior) -> pyabc.random_variables.RVBase:
    """A pyabc random variable: the prior's distribution truncated to ``[low, high]``."""
    from pyabc.random_variables import RVBase

    class Bounded(RVBase):  # type: ignore[misc]
        """A scipy distribution truncated to an interval, drawn by inversion."""

        def __init__(self, prior: Prior) -> None:
            self.prior = prior
            self.dist = _frozen(prior)
            self.cdf_low = float(self.dist.cdf(prior.low))
            self.mass = float(self.dist.cdf(prior.high)) - self.cdf_low

        def copy(self) -> Bounded:
            return Bounded(self.prior)

        def rvs(self, *args: Any, **kwargs: Any) -> float:
            unit = np.random.random_sample()  # noqa: NPY002 (pyabc seeds numpy's global state)
            value = float(self.dist.ppf(self.cdf_low + unit * self.mass))
            return min(max(value, self.prior.low), self.prior.high)

        def pdf(self, x: float, *args: Any, **kwargs: Any) -> float:
            if not self.prior.low <= x <= self.prior.high:
                return 0.0
            return float(self.dist.pdf(x)) / self.mass

        def pmf(self, x: float, *args: Any, **kwargs: Any) -> float:
            return 0.0

        def cdf(self, x: float, *args: Any, **kwargs: Any) -> float:
            clipped = min(max(x, self.prior.low), self.prior.high)
            return (float(self.dist.cdf(clipped)) - self.cdf_low) / self.mass

    return Bounded(prior)


@dataclass(frozen=True)
class Problem:
    """What ABC-SMC calibrates: priors, a simulator, a distance, and how long to go on.

    Attributes:
        priors: the prior of each parameter, by name.
        simulate: summary statistics of one simulation (picklable for the Dask sampler).
        distance: distance of summary statistics to the observations (picklable too).
        particles: accepted particles per generation.
        generations: most generations, the prior sample included.
        minimum_epsilon: stop once a generation's epsilon is at most this.
        epsilon_schedule: the epsilon of each generation after the first (default: the median).
        seed: master seed.

    """

    priors: Mapping[str, Prior]
    simulate: Simulate
    distance: Distance
    particles: int
    generations: int
    seed: int
    minimum_epsilon: float | None = None
    epsilon_schedule: tuple[float, ...] | None = None


@dataclass(frozen=True)
class _Model:
    """pyabc's model: the problem's simulator on a plain dict of floats."""

    simulate: Simulate

    def __call__(self, parameters: Mapping[str, Any]) -> dict[str, float]:
        return self.simulate({key: float(value) for key, value in parameters.items()})


@dataclass(frozen=True)
class _Distance:
    """pyabc's distance function: the problem's distance; not finite is infinitely far."""

    distance: Distance

    def __call__(self, simulated: Mapping[str, Any], _observed: Mapping[str, Any]) -> float:
        value = self.distance({key: float(v) for key, v in simulated.items()})
        return value if math.isfinite(value) else math.inf


def _quiet() -> None:
    """Quieten pyabc's loggers (``ABC``, ``ABC.Sampler``, ...) to warnings, once imported."""
    for name in [PYABC_LOGGER, *logging.root.manager.loggerDict]:
        if name.split(".")[0] == PYABC_LOGGER:
            logging.getLogger(name).setLevel(logging.WARNING)


def sampler(workers: int, scheduler: Any = None) -> OrderedSampler:
    """The sampler: in process (1 worker), ``workers`` local processes, or a distributed client.

    Call its ``close`` at the end to stop the local processes.
    """
    from kzsim.calibration.sampler import OrderedSampler

    _quiet()
    return OrderedSampler(workers, scheduler)


def _abc(problem: Problem, chosen: pyabc.sampler.Sampler) -> pyabc.ABCSMC:
    import pyabc

    _quiet()
    if problem.epsilon_schedule is not None:
        eps: pyabc.epsilon.Epsilon = pyabc.epsilon.ListEpsilon(
            [math.inf, *problem.epsilon_schedule]
        )
    else:
        eps = pyabc.epsilon.QuantileEpsilon(initial_epsilon=math.inf, alpha=EPSILON_QUANTILE)
    priors = {key: bounded(prior) for key, prior in problem.priors.items()}
    return pyabc.ABCSMC(
        _Model(problem.simulate),
        pyabc.Distribution(**priors),
        _Distance(problem.distance),
        population_size=problem.particles,
        eps=eps,
        sampler=chosen,
    )


def done_generations(db: Path) -> int:
    """How many complete generations the history at ``db`` holds (0 if none)."""
    import pyabc

    if not db.is_file():
        return 0
    history = pyabc.History(f"sqlite:///{db}", _id=RUN_ID)
    return int(history.max_t) + 1 if history.n_populations else 0


def run_smc(
    problem: Problem,
    db: Path,
    chosen: pyabc.sampler.Sampler,
    after_generation: Callable[[pyabc.History], None] | None = None,
) -> pyabc.History:
    """Run ABC-SMC into the SQLite history ``db``, continuing the generations it already holds.

    Args:
        problem: what to calibrate.
        db: the history database (created if missing).
        chosen: the sampler (:func:`sampler`).
        after_generation: called with the history after each generation is stored.

    Returns:
        The history, with at most ``problem.generations`` generations.

    """
    abc = _abc(problem, chosen)
    url = f"sqlite:///{db}"
    done = done_generations(db)
    history = abc.load(url, RUN_ID) if db.is_file() else abc.new(url, {})
    if done and _stopped(problem, history):
        return history
    if done and problem.epsilon_schedule is None:
        abc.eps = _resumed_epsilon(history)
    for t in range(done, problem.generations):
        np.random.seed(derived_seed(problem.seed, PROPOSALS, t) % 2**32)  # noqa: NPY002
        history = abc.run(max_nr_populations=1)
        if after_generation is not None:
            after_generation(history)
        if _stopped(problem, history):
            break
    return history


def _resumed_epsilon(history: pyabc.History) -> pyabc.epsilon.Epsilon:
    """The median rule, resumed: the next epsilon is the quantile of the last stored generation.

    pyabc computes each epsilon at the end of the generation before, in memory; a new process
    that loads the history would otherwise start the next generation at its initial (infinite)
    epsilon and accept every proposal.
    """
    import pyabc
    from pyabc.weighted_statistics import weighted_quantile

    last = history.get_weighted_distances(t=history.max_t)
    weights = last["w"].to_numpy(dtype=float)
    quantile = weighted_quantile(
        points=last["distance"].to_numpy(), weights=weights / weights.sum(), alpha=EPSILON_QUANTILE
    )
    return pyabc.epsilon.QuantileEpsilon(initial_epsilon=float(quantile), alpha=EPSILON_QUANTILE)


def _stopped(problem: Problem, history: pyabc.History) -> bool:
    """Whether the last generation reached the problem's minimum epsilon."""
    if problem.minimum_epsilon is None:
        return False
    populations = history.get_all_populations()
    last = populations[populations["t"] == history.max_t]["epsilon"]
    return bool(len(last)) and float(last.iloc[0]) <= problem.minimum_epsilon


def generations_table(history: pyabc.History) -> list[dict[str, Any]]:
    """One row per generation: t, epsilon, accepted particles, samples, acceptance, wall time."""
    rows = []
    for row in history.get_all_populations().itertuples():
        if int(row.t) < 0:
            continue  # pyabc's row for the calibration sample
        samples, accepted = int(row.samples), int(row.particles)
        epsilon = float(row.epsilon)
        rows.append(
            {
                "t": int(row.t),
                "epsilon": epsilon if math.isfinite(epsilon) else None,
                "accepted": accepted,
                "samples": samples,
                "acceptance": round(accepted / samples, 6) if samples else None,
                "wall_time_s": round(float(row.wall_time or 0.0), 3),
            }
        )
    return rows
