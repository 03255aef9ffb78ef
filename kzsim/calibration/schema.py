"""The calibration file as typed, frozen pydantic models (``extra="forbid"``).

A calibration names a base scenario, the free parameters (dotted scenario keys, as with
``kzsim run --set``) with bounded priors, the observed targets (``kzsim.history``) with weights,
the distance, the ABC-SMC settings (particles, generations, a minimum epsilon or an epsilon
schedule) and a master seed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from kzsim.batch.schema import FACTOR_LIMIT, KEY_PATTERN, FactorNumber, Location
from kzsim.scenario.types import Frozen, Seed

#: The distances a calibration can use (``kzsim.history.evaluate.distance``).
DISTANCES = ("normalised_rms",)
#: Most particles per generation and most generations.
MAX_PARTICLES = 100_000
MAX_GENERATIONS = 100
#: Most draws of the posterior-predictive check.
MAX_DRAWS = 10_000
#: Largest weight of a target.
MAX_WEIGHT = 1e6


class Uniform(Frozen):
    """Uniform on ``[low, high]``."""

    distribution: Literal["uniform"] = "uniform"
    low: FactorNumber
    high: FactorNumber


class Normal(Frozen):
    """Normal with ``mean`` and ``sd``, truncated to ``[low, high]``."""

    distribution: Literal["normal"]
    mean: FactorNumber
    sd: float = Field(gt=0.0, le=FACTOR_LIMIT)
    low: FactorNumber
    high: FactorNumber


class LogNormal(Frozen):
    """Log-normal with ``median`` and ``sigma`` (of the logarithm), truncated to ``[low, high]``."""

    distribution: Literal["lognormal"]
    median: float = Field(gt=0.0, le=FACTOR_LIMIT)
    sigma: float = Field(gt=0.0, le=100.0)
    low: float = Field(gt=0.0, le=FACTOR_LIMIT)
    high: float = Field(gt=0.0, le=FACTOR_LIMIT)


#: Tags pydantic inserts into error locations of the prior union (they are not keys of the file).
PRIOR_TAGS = frozenset({"uniform", "normal", "lognormal"})


def _prior_kind(value: Any) -> str | None:
    if isinstance(value, Uniform | Normal | LogNormal):
        return value.distribution
    if isinstance(value, dict):
        return str(value.get("distribution", "uniform"))
    return None


Prior = Annotated[
    Annotated[Uniform, Tag("uniform")]
    | Annotated[Normal, Tag("normal")]
    | Annotated[LogNormal, Tag("lognormal")],
    Discriminator(
        _prior_kind,
        custom_error_type="prior",
        custom_error_message="expected a mapping with distribution, low and high "
        "(allowed distributions: uniform, normal, lognormal)",
    ),
]


class CalibrationSpec(Frozen):
    """A whole calibration file."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=100)
    description: str = ""
    scenario: str = Field(description="base scenario: a path relative to the calibration file")
    citizens: int = Field(ge=100, le=10_000_000, description="simulated citizens per run")
    parameters: dict[str, Prior] = Field(
        min_length=1, description="dotted scenario keys with their priors"
    )
    targets: dict[str, float] = Field(
        min_length=1, description="observed targets (kzsim.history) with their weights"
    )
    distance: Literal["normalised_rms"] = Field(
        description="root mean square of the weighted normalised errors (kzsim.history)"
    )
    particles: int = Field(ge=2, le=MAX_PARTICLES, description="population size per generation")
    generations: int | None = Field(
        None, ge=1, le=MAX_GENERATIONS, description="most generations (after the prior sample)"
    )
    minimum_epsilon: float | None = Field(
        None, gt=0.0, le=FACTOR_LIMIT, description="stop once a generation's epsilon is this low"
    )
    epsilon_schedule: tuple[Annotated[float, Field(gt=0.0, le=FACTOR_LIMIT)], ...] | None = Field(
        None,
        min_length=1,
        max_length=MAX_GENERATIONS,
        description="the epsilon of each generation, decreasing (instead of the median rule)",
    )
    predictive_draws: int = Field(
        20, ge=1, le=MAX_DRAWS, description="posterior draws of the posterior-predictive check"
    )
    seed: Seed = Field(description="master seed of the calibration's SeedSequence tree")

    @property
    def planned_generations(self) -> int:
        """The most generations the calibration runs."""
        if self.epsilon_schedule is not None:
            return len(self.epsilon_schedule)
        assert self.generations is not None  # checked by calibration_checks
        return self.generations


def calibration_checks(spec: CalibrationSpec) -> list[tuple[Location, str]]:
    """Problems that span fields, as (location, message): keys, bounds, weights, the stopping."""
    problems: list[tuple[Location, str]] = []
    for key, prior in spec.parameters.items():
        loc: Location = ("parameters", key)
        if not KEY_PATTERN.match(key):
            problems.append((loc, "is not a dotted scenario key"))
        if key == "population.citizens":
            problems.append((loc, "is set by citizens (allowed: a model parameter)"))
        if prior.low >= prior.high:
            problems.append((loc + ("high",), f"{prior.high:g} is not above low {prior.low:g}"))
        centre = prior.mean if isinstance(prior, Normal) else getattr(prior, "median", None)
        if centre is not None and not prior.low <= centre <= prior.high:
            field = "mean" if isinstance(prior, Normal) else "median"
            problems.append((loc + (field,), f"{centre:g} is outside low to high"))
    for name, weight in spec.targets.items():
        if not 0.0 < weight <= MAX_WEIGHT:
            problems.append(
                (("targets", name), f"weight {weight:g} is out of range (allowed: > 0, <= 1e6)")
            )
    schedule = spec.epsilon_schedule
    if schedule is None and spec.generations is None:
        problems.append((("generations",), "required unless epsilon_schedule is given"))
    if schedule is not None:
        if spec.generations is not None and spec.generations != len(schedule):
            problems.append(
                (
                    ("generations",),
                    f"{spec.generations} differs from the {len(schedule)} epsilons of "
                    "epsilon_schedule (allowed: leave it out)",
                )
            )
        if spec.minimum_epsilon is not None:
            problems.append((("minimum_epsilon",), "does not apply with epsilon_schedule"))
        if any(not 0.0 < e <= FACTOR_LIMIT for e in schedule):
            problems.append((("epsilon_schedule",), "every epsilon must be > 0 and finite"))
        elif any(b >= a for a, b in zip(schedule, schedule[1:], strict=False)):
            problems.append((("epsilon_schedule",), "must decrease from generation to generation"))
    return problems
