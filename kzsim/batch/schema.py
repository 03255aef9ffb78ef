"""The experiment file as typed, frozen pydantic models (``extra="forbid"``).

An experiment names a base scenario, the factors to vary (dotted scenario keys, as with
``kzsim run --set``), a design that turns factors into design points, replications, a master seed
and outcomes: named scalar statistics of one output series.
"""

from __future__ import annotations

import math
import re
from abc import abstractmethod
from typing import Annotated, Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    RootModel,
    Tag,
    field_validator,
)

from kzsim.catalog import REGIONAL_SERIES, SERIES
from kzsim.scenario.schema import SeriesName
from kzsim.scenario.types import Frozen, Month, Seed

#: One value a factor can take: any YAML value the scenario key accepts.
Level = Any
#: A dotted scenario key such as ``rules.tariff_harmonisation.months_to_converge``.
KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")
#: Columns of the runs table that outcome names may not take.
RESERVED_NAMES = ("run", "point", "replication", "seed", "status", "error", "wall_seconds")
#: Upper bound on design points x replications (a typo in a grid should not plan a billion runs).
MAX_RUNS = 1_000_000
#: Bound on the numbers that describe a factor's range (so that every value drawn is finite).
FACTOR_LIMIT = 1e12
#: A number describing a factor's range.
FactorNumber = Annotated[float, Field(ge=-FACTOR_LIMIT, le=FACTOR_LIMIT)]
#: Units of the series that stay in [0, 1] (``kzsim.catalog``).
UNIT_INTERVAL_UNITS = frozenset({"share 0-1", "index 0-1", "0/1", "probability per month"})
#: The unit of every series, by name.
UNITS = {s.name: s.unit for s in SERIES} | {s.name: s.unit for s in REGIONAL_SERIES}


class Grid(Frozen):
    """Every combination of the factors' levels."""

    method: Literal["grid"]


class Lhs(Frozen):
    """Latin hypercube sample (``scipy.stats.qmc.LatinHypercube``)."""

    method: Literal["lhs"]
    samples: int = Field(ge=1, le=MAX_RUNS, description="design points")


class Sobol(Frozen):
    """Saltelli's scheme for Sobol indices (SALib); ``samples * (factors + 2)`` design points."""

    method: Literal["sobol"]
    samples: int = Field(ge=2, le=MAX_RUNS, description="base sample size N, a power of two")

    @field_validator("samples")
    @classmethod
    def _power_of_two(cls, samples: int) -> int:
        if samples & (samples - 1):
            below = 1 << (samples.bit_length() - 1)
            raise ValueError(
                f"{samples} is not a power of two (allowed: 2, 4, 8, ...; e.g. {below} or "
                f"{below * 2})"
            )
        return samples


class Morris(Frozen):
    """Morris elementary-effects trajectories (SALib); ``samples * (factors + 1)`` points."""

    method: Literal["morris"]
    samples: int = Field(ge=2, le=MAX_RUNS, description="trajectories")
    levels: int = Field(4, ge=2, le=100, description="grid levels per factor")


Design = Annotated[Grid | Lhs | Sobol | Morris, Field(discriminator="method")]


class Levels(RootModel[tuple[Level, ...]]):
    """A factor given as a list of values (grid levels; other designs pick them uniformly)."""

    model_config = ConfigDict(frozen=True)
    root: tuple[Level, ...] = Field(min_length=1)

    def at(self, unit: npt.NDArray[np.float64]) -> list[Any]:
        """The level in each of ``len(values)`` equal slices of [0, 1]."""
        count = len(self.root)
        index = np.minimum((np.asarray(unit) * count).astype(np.int64), count - 1)
        return [self.root[i] for i in index]

    def grid(self) -> list[Any]:
        """The grid levels: the values themselves."""
        return list(self.root)


class _Continuous(Frozen):
    """A factor on an interval; ``integer`` rounds every value to the nearest integer."""

    integer: bool = False

    @abstractmethod
    def _quantiles(self, unit: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The inverse cumulative distribution at ``unit``."""

    def at(self, unit: npt.NDArray[np.float64]) -> list[Any]:
        """The value at each unit-cube coordinate (inverse of the cumulative distribution).

        A value that is not finite (a distribution scipy cannot invert there) stays a float, so
        that validating the design point reports it.
        """
        values = self._quantiles(np.asarray(unit, dtype=np.float64))
        if self.integer:
            return [int(v) if math.isfinite(v) else float(v) for v in np.rint(values)]
        return [float(v) for v in values]


class Uniform(_Continuous):
    """Uniform on ``[low, high]``; on a grid, ``levels`` evenly spaced values."""

    distribution: Literal["uniform"] = "uniform"
    low: FactorNumber
    high: FactorNumber
    levels: int | None = Field(None, ge=2, le=1000, description="grid designs only")

    def _quantiles(self, unit: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return self.low + unit * (self.high - self.low)

    def grid(self) -> list[Any]:
        """``levels`` evenly spaced values from ``low`` to ``high``."""
        assert self.levels is not None  # checked by experiment_checks
        return self.at(np.linspace(0.0, 1.0, self.levels))


class Normal(_Continuous):
    """Normal with ``mean`` and ``sd``, truncated to ``[low, high]``."""

    distribution: Literal["normal"]
    mean: FactorNumber
    sd: float = Field(gt=0.0, le=FACTOR_LIMIT)
    low: FactorNumber
    high: FactorNumber

    def _quantiles(self, unit: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        from scipy.stats import truncnorm

        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        values: npt.NDArray[np.float64] = truncnorm.ppf(unit, a, b, self.mean, self.sd)
        return values


class Triangular(_Continuous):
    """Triangular on ``[low, high]`` with its peak at ``mode``."""

    distribution: Literal["triangular"]
    low: FactorNumber
    mode: FactorNumber
    high: FactorNumber

    def _quantiles(self, unit: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        from scipy.stats import triang

        width = self.high - self.low
        values: npt.NDArray[np.float64] = triang.ppf(
            unit, (self.mode - self.low) / width, self.low, width
        )
        return values


def _factor_kind(value: Any) -> str | None:
    if isinstance(value, Levels | Uniform | Normal | Triangular):
        return "levels" if isinstance(value, Levels) else value.distribution
    if isinstance(value, list | tuple):
        return "levels"
    if isinstance(value, dict):
        return str(value.get("distribution", "uniform"))
    return None


Factor = Annotated[
    Annotated[Levels, Tag("levels")]
    | Annotated[Uniform, Tag("uniform")]
    | Annotated[Normal, Tag("normal")]
    | Annotated[Triangular, Tag("triangular")],
    Discriminator(
        _factor_kind,
        custom_error_type="factor",
        custom_error_message="expected a list of values or a mapping with low and high "
        "(allowed distributions: uniform, normal, triangular)",
    ),
]

Stat = Literal["final", "max", "min", "mean", "change", "at", "first_above", "first_below"]


class Outcome(Frozen):
    """A named scalar statistic of one output series over a window of months.

    ``final``, ``max``, ``min``, ``mean`` and ``change`` (last minus first) use the months from
    ``from`` to ``to`` (default: the whole run); ``at`` is the value at ``date`` (the last recorded
    month at or before it); ``first_above`` / ``first_below`` give the months from the window's
    start to the first month the series is above / below ``threshold`` (missing if never).
    """

    series: SeriesName
    stat: Stat
    region: str | None = Field(None, description="a region id, for citizen series only")
    from_: Month | None = Field(None, alias="from")
    to: Month | None = None
    date: Month | None = None
    threshold: float | None = None


class ExperimentSpec(Frozen):
    """A whole experiment file."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=100)
    description: str = ""
    scenario: str | dict[str, Any] = Field(
        description="base scenario: a path relative to the experiment file, or inline"
    )
    set: dict[str, Any] = Field(
        default_factory=dict, description="dotted scenario keys held fixed at these values"
    )
    design: Design
    factors: dict[str, Factor] = Field(min_length=1)
    replications: int = Field(1, ge=1, le=10_000)
    seed: Seed = Field(description="master seed of the experiment's SeedSequence tree")
    outcomes: dict[str, Outcome] = Field(min_length=1)
    series: tuple[SeriesName, ...] | None = Field(
        None, description="series kept in each run's shard (default: all); outcomes' are added"
    )
    regional: bool = Field(False, description="keep per-region series in the shards")
    run_timeout_seconds: float | None = Field(
        None, gt=0.0, le=1e6, description="a run taking longer is stopped and recorded as failed"
    )
    out: str | None = Field(None, description="output folder, relative to the experiment file")

    @property
    def points(self) -> int:
        """Number of design points."""
        design = self.design
        if isinstance(design, Grid):
            return math.prod(len(factor_levels(f)) for f in self.factors.values())
        if isinstance(design, Sobol):
            return design.samples * (len(self.factors) + 2)
        if isinstance(design, Morris):
            return design.samples * (len(self.factors) + 1)
        return design.samples

    @property
    def runs(self) -> int:
        """Number of runs: design points times replications."""
        return self.points * self.replications


def factor_levels(factor: Levels | Uniform | Normal | Triangular) -> list[Any]:
    """The grid levels of a factor (lists, and uniform ranges with ``levels``), else none."""
    if isinstance(factor, Levels) or (isinstance(factor, Uniform) and factor.levels):
        return factor.grid()
    return []


Location = tuple[str | int, ...]


def experiment_checks(spec: ExperimentSpec) -> list[tuple[Location, str]]:
    """Problems that span fields, as (location, message): keys, bounds, design fit, outcomes."""
    problems: list[tuple[Location, str]] = []
    keys = list(spec.factors) + list(spec.set)
    for section, names in (("factors", spec.factors), ("set", spec.set)):
        for key in names:
            if not KEY_PATTERN.match(key):
                problems.append(((section, key), "is not a dotted scenario key"))
            clashes = [k for k in keys if k != key and (k + ".").startswith(key + ".")]
            if clashes:
                problems.append(((section, key), f"overlaps {', '.join(clashes)}"))
    for key in spec.set:
        if key in spec.factors:
            problems.append((("set", key), "is also a factor (allowed: a key in one of the two)"))
    grid = isinstance(spec.design, Grid)
    for key, factor in spec.factors.items():
        loc: Location = ("factors", key)
        if isinstance(factor, Uniform | Normal | Triangular) and factor.low >= factor.high:
            problems.append((loc + ("high",), f"{factor.high:g} is not above low {factor.low:g}"))
        if isinstance(factor, Triangular) and not factor.low <= factor.mode <= factor.high:
            problems.append((loc + ("mode",), f"{factor.mode:g} is outside low to high"))
        if isinstance(factor, Uniform) and factor.levels is not None and not grid:
            problems.append((loc + ("levels",), "applies to grid designs only"))
        if grid and not factor_levels(factor):
            problems.append(
                (
                    loc,
                    "a grid needs levels (allowed: a list of values, or low and high with levels)",
                )
            )
    if spec.runs > MAX_RUNS and not problems:
        problems.append((("design",), f"plans {spec.runs:,} runs (allowed: at most {MAX_RUNS:,})"))
    for name, outcome in spec.outcomes.items():
        problems.extend(_outcome_checks(name, outcome))
    return problems


def _outcome_checks(name: str, outcome: Outcome) -> list[tuple[Location, str]]:
    loc: Location = ("outcomes", name)
    problems: list[tuple[Location, str]] = []
    if not re.match(r"^[a-z_][a-z0-9_]*$", name) or name in RESERVED_NAMES:
        problems.append(
            (
                loc,
                f"'{name}' cannot name an outcome (allowed: snake_case, not "
                f"{', '.join(RESERVED_NAMES)})",
            )
        )
    needs = {"at": "date", "first_above": "threshold", "first_below": "threshold"}
    wanted = needs.get(outcome.stat)
    for option in ("date", "threshold"):
        given = getattr(outcome, option) is not None
        if option == wanted and not given:
            problems.append((loc + (option,), f"required for stat {outcome.stat}"))
        elif option != wanted and given:
            problems.append((loc + (option,), f"does not apply to stat {outcome.stat}"))
    if outcome.stat == "at" and (outcome.from_ or outcome.to):
        problems.append((loc, "stat at takes a date, not from / to"))
    never = _never_crossed(outcome)
    if never:
        problems.append((loc + ("threshold",), never))
    return problems


def _never_crossed(outcome: Outcome) -> str | None:
    """Why ``first_above`` / ``first_below`` can never find a month, for a series in [0, 1]."""
    threshold = outcome.threshold
    if threshold is None or UNITS[outcome.series] not in UNIT_INTERVAL_UNITS:
        return None
    if outcome.stat == "first_above" and threshold >= 1.0:
        return f"{outcome.series} stays in 0 to 1, so is never above {threshold:g} (allowed: < 1)"
    if outcome.stat == "first_below" and threshold <= 0.0:
        return f"{outcome.series} stays in 0 to 1, so is never below {threshold:g} (allowed: > 0)"
    return None
