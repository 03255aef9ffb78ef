"""The ABC-SMC layer on a toy problem with a known answer: recovery, resuming, the Dask sampler."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from kzsim.calibration.figures import weighted_quantiles
from kzsim.calibration.schema import LogNormal, Normal, Uniform
from kzsim.calibration.smc import Problem, particle_seed, run_smc, sampler

pyabc = pytest.importorskip("pyabc")

#: The parameter values the synthetic observations are generated with.
TRUTH = {"toy.level": 0.3, "toy.scale": 2.0}
NOISE = 0.05
SEED = 11


def toy_simulate(parameters: Mapping[str, float]) -> dict[str, float]:
    """Five noisy readings of the level and five of the scale, seeded by the particle."""
    rng = np.random.default_rng(particle_seed(SEED, parameters))
    values = {f"level@{i}": parameters["toy.level"] + rng.normal(0, NOISE) for i in range(5)}
    for i in range(5):
        values[f"scale@{i}"] = parameters["toy.scale"] * (1 + rng.normal(0, NOISE))
    return values


OBSERVED = toy_simulate(TRUTH)


def toy_distance(values: Mapping[str, float]) -> float:
    """Root mean square of the errors over the noise (relative for the scale)."""
    errors = [
        (values[key] - observed) / (NOISE * (observed if key.startswith("scale") else 1.0))
        for key, observed in OBSERVED.items()
    ]
    return math.sqrt(sum(e * e for e in errors) / len(errors))


PROBLEM = Problem(
    priors={
        "toy.level": Uniform(low=0.0, high=1.0),
        "toy.scale": LogNormal(distribution="lognormal", median=1.0, sigma=1.0, low=0.2, high=8.0),
    },
    simulate=toy_simulate,
    distance=toy_distance,
    particles=60,
    generations=4,
    seed=SEED,
    epsilon_schedule=(6.0, 3.0, 2.0),  # at the truth, two noisy readings are about 1.4 apart
)


def _posterior(history: object, t: int | None = None) -> tuple[object, np.ndarray]:
    frame, weights = history.get_distribution(m=0, t=t)  # type: ignore[attr-defined]
    return frame, np.asarray(weights)


@pytest.mark.slow
def test_abc_recovers_the_parameters_of_synthetic_data(tmp_path: Path) -> None:
    history = run_smc(PROBLEM, tmp_path / "abc.db", sampler(1))
    assert history.max_t == PROBLEM.generations - 1
    frame, weights = _posterior(history)
    assert math.isclose(weights.sum(), 1.0)
    level = weighted_quantiles(frame["toy.level"].to_numpy(), weights, (0.05, 0.5, 0.95))
    scale = weighted_quantiles(frame["toy.scale"].to_numpy(), weights, (0.05, 0.5, 0.95))
    # medians near the truth; 90% intervals far narrower than the priors' (0.9 and about 4.7)
    assert abs(level[1] - TRUTH["toy.level"]) < 0.03 and level[2] - level[0] < 0.25
    assert abs(scale[1] - TRUTH["toy.scale"]) < 0.2 and scale[2] - scale[0] < 1.0


class _Interrupted(Exception):
    """Stands for a kill in the middle of a generation."""


@pytest.mark.slow
@pytest.mark.parametrize("schedule", [True, False], ids=["epsilon schedule", "median rule"])
def test_an_interrupted_calibration_resumes_from_its_history(
    tmp_path: Path, schedule: bool
) -> None:
    problem = dataclasses.replace(PROBLEM, particles=30, generations=4)
    if not schedule:
        problem = dataclasses.replace(problem, epsilon_schedule=None)
    stop = {"now": False}

    def simulate(parameters: Mapping[str, float]) -> dict[str, float]:
        if stop["now"]:
            raise KeyboardInterrupt
        return toy_simulate(parameters)

    def after(history: object) -> None:
        stop["now"] = history.max_t == 1  # type: ignore[attr-defined]

    db = tmp_path / "abc.db"
    with pytest.raises(KeyboardInterrupt):
        run_smc(dataclasses.replace(problem, simulate=simulate), db, sampler(1), after)
    stored = pyabc.History(f"sqlite:///{db}")
    assert stored.max_t == 1  # two generations kept, the third lost with the interruption
    first = _posterior(stored, 1)
    resumed: list[int] = []
    history = run_smc(problem, db, sampler(1), lambda h: resumed.append(h.max_t))
    assert resumed == [2, 3] and history.max_t == 3  # continued, not restarted
    again = _posterior(history, 1)
    assert first[0].equals(again[0]) and np.array_equal(first[1], again[1])
    # one worker: the resumed calibration is the uninterrupted one
    whole = run_smc(problem, tmp_path / "whole.db", sampler(1))
    epsilons = [h.get_all_populations()["epsilon"].tolist() for h in (whole, history)]
    assert epsilons[0] == epsilons[1] and all(math.isfinite(e) for e in epsilons[1][2:])
    for t in range(4):
        a, b = _posterior(whole, t), _posterior(history, t)
        assert np.allclose(a[0].to_numpy(), b[0].to_numpy()) and np.allclose(a[1], b[1])


def test_the_normal_prior_is_truncated_to_its_bounds() -> None:
    from kzsim.calibration.smc import bounded

    prior = Normal(distribution="normal", mean=0.0, sd=1.0, low=-0.5, high=2.0)
    variable = bounded(prior)
    np.random.seed(3)  # noqa: NPY002 (pyabc's random variables draw from the global state)
    draws = np.array([variable.rvs() for _ in range(2000)])
    assert draws.min() >= -0.5 and draws.max() <= 2.0
    assert variable.pdf(-0.6) == 0.0 and variable.pdf(2.1) == 0.0
    grid = np.linspace(-0.5, 2.0, 2001)
    assert math.isclose(np.trapezoid([variable.pdf(x) for x in grid], grid), 1.0, rel_tol=1e-3)
    assert abs(np.mean(draws) - 0.446) < 0.04  # the truncated normal's mean is 0.446


def test_the_dask_sampler_on_a_local_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    problem = dataclasses.replace(PROBLEM, particles=20, generations=2)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        history = run_smc(problem, tmp_path / "abc.db", sampler(1, client))
    assert history.max_t == 1
    populations = history.get_all_populations()
    assert list(populations[populations["t"] >= 0]["particles"]) == [20, 20]
