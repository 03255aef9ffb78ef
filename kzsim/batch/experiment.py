"""Load experiment files: validate the file, the base scenario and every design point.

Problems are reported like scenario problems, all at once, one line each:
``file:line:col: field: what is wrong (allowed: ...)``. A value a factor or ``set`` puts into
the scenario is reported at that entry's line in the experiment file; a problem of a design
point names the point. Nothing runs until every design point is a valid scenario.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import ValidationError

from kzsim.batch.designs import Point, design_points
from kzsim.batch.schema import ExperimentSpec, Location, experiment_checks
from kzsim.catalog import REGIONAL_SERIES
from kzsim.errors import InputError
from kzsim.months import parse_month
from kzsim.scenario.load import (
    Source,
    apply_overrides,
    describe_error,
    dotted,
    read_yaml_file,
    validate_data,
)
from kzsim.scenario.schema import Scenario, unknown_name

#: Tags pydantic inserts into error locations of tagged unions (they are not keys of the file).
_FACTOR_TAGS = frozenset({"levels", "uniform", "normal", "triangular"})
_DESIGN_TAGS = frozenset({"grid", "lhs", "sobol", "morris"})
#: At most this many distinct design-point problems are listed.
MAX_POINT_PROBLEMS = 20
REGIONAL_NAMES = frozenset(s.name for s in REGIONAL_SERIES)


class _Located(Source):
    """Where a value of a scenario came from: an experiment entry, else the base scenario."""

    def __init__(
        self,
        experiment: Source,
        base: Source | None,
        assigned: Mapping[Location, Location],
    ) -> None:
        super().__init__(experiment.label)
        self.experiment = experiment
        self.base = base
        self.assigned = assigned

    def where(self, loc: Location) -> str:
        """The experiment entry that assigned ``loc`` (or created it), else its base position."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.assigned:
                return self.experiment.where(self.assigned[loc[:end]])
        in_base = (
            ("scenario", *loc) in self.experiment.marks
            if self.base is None
            else (loc in self.base.marks)
        )
        created = [entry for key, entry in self.assigned.items() if key[: len(loc)] == loc]
        if loc and created and not in_base:
            return self.experiment.where(created[0])
        if self.base is None:  # the scenario is inline in the experiment file
            return self.experiment.where(("scenario", *loc))
        return self.base.where(loc)


def key_parts(key: str) -> Location:
    """``events.0.date`` -> ``('events', 0, 'date')``, as ``--set`` splits keys."""
    return tuple(int(p) if p.isdigit() else p for p in key.split("."))


def yaml_text(value: Any) -> str:
    """A value as YAML text that ``--set`` parses back to the same value (numpy scalars too)."""
    plain = value.item() if isinstance(value, np.generic) else value
    text = yaml.safe_dump(plain, default_flow_style=True, width=1_000_000)
    return text.removesuffix("...\n").strip()


def scenario_with(base: Mapping[str, Any], values: Mapping[str, Any], source: Source) -> Scenario:
    """The base scenario data with dotted-key ``values`` set, validated like ``kzsim run --set``.

    Raises:
        InputError: listing every problem, located by ``source``.

    """
    data = copy.deepcopy(dict(base))
    items = {f"{key}={yaml_text(value)}": key for key, value in values.items()}
    try:
        apply_overrides(data, list(items), source)
    except InputError as error:
        raise InputError([_relocated(p, items, source) for p in error.problems]) from None
    return validate_data(data, source)


def _relocated(problem: str, items: Mapping[str, str], source: Source) -> str:
    """Report an override's problem at the place ``source`` gives its key."""
    for item, key in items.items():
        prefix = f"--set {item}: "
        if problem.startswith(prefix):
            return f"{source.where(key_parts(key))}: {problem.removeprefix(prefix)}"
    return problem


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: its specification, base scenario data and design points.

    Attributes:
        spec: the experiment file's content.
        label: where it came from (the file path, or ``<experiment>``).
        folder: the folder relative paths are resolved from.
        base: the base scenario as plain data, with ``set`` and the kept series applied.
        points: the design points, a value per factor each, in design order.
        hash: SHA-256 of everything that determines the runs' results.

    """

    spec: ExperimentSpec
    label: str
    folder: Path
    base: dict[str, Any]
    points: list[Point]
    hash: str

    @property
    def out(self) -> Path:
        """The output folder the file asks for (default ``runs/<name>``)."""
        if self.spec.out is not None:
            return self.folder / self.spec.out
        return Path("runs") / self.spec.name

    def scenario(self, point: int) -> Scenario:
        """The validated scenario of design point ``point``."""
        return scenario_with(self.base, self.points[point], Source(f"{self.label} point {point}"))

    def describe(self) -> str:
        """One line: name, design, runs."""
        spec = self.spec
        return (
            f"{spec.name}, {spec.design.method} design, {spec.points} points x "
            f"{spec.replications} replications = {spec.runs} runs, "
            f"{self.base['population']['citizens']} citizens"
        )


def is_experiment_file(path: Path) -> bool:
    """Whether a YAML file is an experiment (it has ``factors`` or ``design`` at the top)."""
    try:
        data, _ = read_yaml_file(path)
    except InputError:
        return False
    return isinstance(data, dict) and bool({"factors", "design"} & set(data))


def load_experiment(source: str | Path | Mapping[str, Any]) -> Experiment:
    """Load an experiment file (or mapping), its base scenario and all its design points.

    Args:
        source: path of an experiment YAML file, or the experiment as a mapping (relative paths
            are then resolved from the working folder).

    Raises:
        InputError: listing every problem, one ``file:line:col: field: message`` line each.

    """
    if isinstance(source, Mapping):
        data: Any = copy.deepcopy(dict(source))
        where = Source("<experiment>")
        folder = Path(".")
    else:
        data, where = read_yaml_file(Path(source))
        folder = Path(source).parent
    spec = _validate_spec(data, where)
    base_scenario, base_source = _base_scenario(spec, where, folder)
    base = _kept_outputs(spec, base_scenario.to_data())
    points = design_points(spec)
    _check_points(spec, base, points, where, base_source)
    return Experiment(spec, where.label, folder, base, points, experiment_hash(spec, base))


def _validate_spec(data: Any, where: Source) -> ExperimentSpec:
    if not isinstance(data, dict):
        raise InputError([f"{where.where(())}: experiment: expected a mapping of sections"])
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc, text = describe_error({**item, "loc": _untagged(item["loc"])}, ExperimentSpec)
            problems.append(f"{where.where(loc)}: {text}")
        raise InputError(problems) from None
    problems = [
        f"{where.where(loc)}: {dotted(loc)}: {text}" for loc, text in experiment_checks(spec)
    ]
    if problems:
        raise InputError(problems)
    return spec


def _untagged(loc: Location) -> Location:
    """An error location without the union tags pydantic adds (``factors.x.uniform.low``)."""
    if loc[:1] == ("factors",) and len(loc) > 2 and loc[2] in _FACTOR_TAGS:
        return loc[:2] + loc[3:]
    if loc[:1] == ("design",) and len(loc) > 1 and loc[1] in _DESIGN_TAGS:
        return loc[:1] + loc[2:]
    return loc


def _base_scenario(
    spec: ExperimentSpec, where: Source, folder: Path
) -> tuple[Scenario, Source | None]:
    """The base scenario with ``set`` applied, and the source of its file (None if inline)."""
    if isinstance(spec.scenario, str):
        path = folder / spec.scenario
        if not path.is_file():
            raise InputError(
                [
                    f"{where.where(('scenario',))}: scenario: {path}: file not found (allowed: a "
                    "scenario file, relative to the experiment file)"
                ]
            )
        data, base_source = read_yaml_file(path)
    else:
        data, base_source = copy.deepcopy(spec.scenario), None
    located = _Located(where, base_source, {key_parts(k): ("set", k) for k in spec.set})
    if not isinstance(data, dict):
        raise InputError([f"{located.where(())}: scenario: expected a mapping of sections"])
    return scenario_with(data, spec.set, located), base_source


def _kept_outputs(spec: ExperimentSpec, base: dict[str, Any]) -> dict[str, Any]:
    """Keep the experiment's series (and the outcomes' series) in every run's output."""
    kept = spec.series if spec.series is not None else base["outputs"]["series"]
    if kept is not None:
        wanted = sorted({o.series for o in spec.outcomes.values()})
        base["outputs"]["series"] = list(dict.fromkeys([*kept, *wanted]))
    base["outputs"]["regional"] = spec.regional or any(
        o.region is not None for o in spec.outcomes.values()
    )
    return base


def _check_points(
    spec: ExperimentSpec,
    base: dict[str, Any],
    points: Sequence[Point],
    where: Source,
    base_source: Source | None,
) -> None:
    """Validate every design point; raise every distinct problem with the points that have it."""
    located = _Located(where, base_source, {key_parts(k): ("factors", k) for k in spec.factors})
    seen: dict[str, list[int]] = {}
    for index, values in enumerate(points):
        try:
            scenario = scenario_with(base, values, located)
        except InputError as error:
            problems = error.problems
        else:
            problems = [
                f"{where.where(loc)}: {dotted(loc)}: {text}"
                for loc, text in _outcome_fit(spec, scenario)
            ]
        for problem in problems:
            seen.setdefault(problem, []).append(index)
    if not seen:
        return
    lines = []
    for problem, indexes in list(seen.items())[:MAX_POINT_PROBLEMS]:
        if len(indexes) == len(points):  # not a matter of design points
            lines.append(problem)
            continue
        shown = ", ".join(str(i) for i in indexes[:3])
        more = f" and {len(indexes) - 3} more" if len(indexes) > 3 else ""
        plural = "s" if len(indexes) > 1 else ""
        lines.append(f"{problem} (design point{plural} {shown}{more} of {len(points)})")
    if len(seen) > MAX_POINT_PROBLEMS:
        lines.append(f"... and {len(seen) - MAX_POINT_PROBLEMS} more problems")
    raise InputError(lines)


def _outcome_fit(spec: ExperimentSpec, scenario: Scenario) -> list[tuple[Location, str]]:
    """Outcome problems that depend on the scenario: months in the horizon, region ids."""
    start, end = scenario.metadata.start, scenario.metadata.end
    regions = tuple(r.id for r in scenario.population.regions)
    problems: list[tuple[Location, str]] = []
    for name, outcome in spec.outcomes.items():
        loc: Location = ("outcomes", name)
        months = {"from": outcome.from_, "to": outcome.to, "date": outcome.date}
        for option, month in months.items():
            if month and not parse_month(start) <= parse_month(month) <= parse_month(end):
                horizon = f"{month} is outside the horizon (allowed: {start} to {end})"
                problems.append(((*loc, option), horizon))
        if outcome.from_ and outcome.to and parse_month(outcome.to) < parse_month(outcome.from_):
            problems.append(((*loc, "to"), "is before from"))
        if outcome.region is not None and outcome.series not in REGIONAL_NAMES:
            citizen = ", ".join(sorted(REGIONAL_NAMES))
            problems.append(
                ((*loc, "region"), f"{outcome.series} is not a citizen series (allowed: {citizen})")
            )
        elif outcome.region is not None and outcome.region not in regions:
            problems.append(((*loc, "region"), unknown_name("region", outcome.region, regions)))
    return problems


def experiment_hash(spec: ExperimentSpec, base: Mapping[str, Any]) -> str:
    """SHA-256 of what determines the runs: the specification and the resolved base scenario.

    The output folder and the description are left out, so moving a sweep or rewording its
    description does not count as a change.
    """
    content = spec.model_dump(
        mode="json", by_alias=True, exclude={"out", "description", "scenario"}
    )
    text = json.dumps(
        {"experiment": content, "scenario": base}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()
