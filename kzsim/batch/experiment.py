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
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from kzsim.batch.designs import Point, design_points
from kzsim.batch.schema import ExperimentSpec, Location, Outcome, experiment_checks
from kzsim.catalog import REGIONAL_SERIES
from kzsim.contracts import RULE_CONFIGS
from kzsim.errors import InputError
from kzsim.months import format_month, parse_month
from kzsim.scenario.document import top_level_keys
from kzsim.scenario.load import (
    Source,
    apply_overrides,
    describe_error,
    dotted,
    item_errors,
    read_text,
    read_yaml_file,
    upgrade_renamed_keys,
    validate_data,
)
from kzsim.scenario.renames import RENAMES, renamed_values, warn_renamed
from kzsim.scenario.schema import Actors, PopulationConfig, Scenario, unknown_name

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


def entries(section: str, keys: Sequence[str]) -> dict[Location, Location]:
    """The scenario location each key of ``section`` assigns (a renamed key's new one too)."""
    assigned: dict[Location, Location] = {key_parts(key): (section, key) for key in keys}
    for key in keys:
        if key in RENAMES:
            assigned[key_parts(RENAMES[key].new_key)] = (section, key)
    return assigned


def plain(value: Any) -> Any:
    """A value as plain Python data (a numpy scalar as its Python number)."""
    return value.item() if isinstance(value, np.generic) else value


def yaml_text(value: Any) -> str:
    """A value as YAML text that ``--set`` parses back to the same value (numpy scalars too)."""
    text = yaml.safe_dump(plain(value), default_flow_style=True, width=1_000_000)
    return text.removesuffix("...\n").strip()


def with_value(data: Any, parts: Location, value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``parts``, as ``--set`` would assign it.

    Only the containers on the way are copied; missing mappings on the way are created.

    Raises:
        LookupError: if a part is not a key of a mapping or an index of a list.

    """
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(data, dict) and isinstance(head, str):
        return {**data, head: with_value(data.get(head, {}), rest, value)}
    if isinstance(data, list) and isinstance(head, int) and 0 <= head < len(data):
        return [*data[:head], with_value(data[head], rest, value), *data[head + 1 :]]
    raise LookupError(head)


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
        return bool({"factors", "design"} & top_level_keys(read_text(path)))
    except (InputError, yaml.YAMLError):
        return False


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
    warn_renamed(_renamed_entries(spec, where))
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
        for item in item_errors(error):
            loc, text = describe_error({**item, "loc": _untagged(item["loc"])}, ExperimentSpec)
            problems.append(f"{where.where(loc)}: {text}")
        raise InputError(problems) from None
    problems = [
        f"{where.where(loc)}: {dotted(loc)}: {text}" for loc, text in experiment_checks(spec)
    ]
    if problems:
        raise InputError(problems)
    return spec


def _renamed_entries(spec: ExperimentSpec, where: Source) -> list[str]:
    """One warning line per renamed key that ``set`` or a factor names.

    Raises:
        InputError: for a renamed key named together with its new key.

    """
    keys = [*spec.set, *spec.factors]
    notes, problems = [], []
    for section, names in (("set", spec.set), ("factors", spec.factors)):
        for key in names:
            rename = RENAMES.get(key)
            if rename is None:
                continue
            at = where.where((section, key))
            if rename.new_key in keys:
                problems.append(f"{at}: {dotted((section, key))}: {rename.clash()}")
            elif section == "factors":
                notes.append(f"{at}: {rename.values_note()}")
            else:
                try:  # a value that cannot be converted is reported with the base scenario
                    value = rename.converted(spec.set[key])
                except ValueError:
                    continue
                notes.append(f"{at}: {rename.note(spec.set[key], value)}")
    if problems:
        raise InputError(problems)
    return notes


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
        notes = upgrade_renamed_keys(data, base_source)
    else:
        data, base_source = copy.deepcopy(spec.scenario), None
        notes = upgrade_renamed_keys(data, where, ("scenario",))
    warn_renamed(notes)
    located = _Located(where, base_source, entries("set", list(spec.set)))
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


#: Sections whose checks involve each other (event dates and regions against the horizon and the
#: region table; outcome windows against the horizon, the regions and the recorded months).
LINKED_SECTIONS = frozenset({"metadata", "population", "events", "outputs"})
_LINKED: Location = ("metadata",)


def interaction_group(key: str) -> Location:
    """The part of the scenario whose checks a factor's value can take part in.

    The population parameters (but the region table), one rule's configuration, one actor's
    initial state and one driver are each checked on their own; the linked sections
    (:data:`LINKED_SECTIONS`) are checked together, and with the outcomes.
    """
    parts = key_parts(key)
    if parts[0] == "population" and len(parts) > 1 and parts[1] != "regions":
        return ("population",)
    return _LINKED if parts[0] in LINKED_SECTIONS else parts[:2]


def section_model(group: Location) -> type[BaseModel] | None:
    """The model that alone checks the values of a group (None: check the whole scenario)."""
    if group == ("population",):
        return PopulationConfig
    if len(group) == 2 and group[0] == "rules" and group[1] in RULE_CONFIGS:
        return RULE_CONFIGS[str(group[1])]
    state = Actors.model_fields.get(str(group[1])) if group[:1] == ("initial",) else None
    if len(group) == 2 and state is not None:
        return typing.cast(type[BaseModel], state.annotation)
    return None


def _combination(point: Point, keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(repr(point[key]) for key in keys)


def _distinct(points: Sequence[Point], keys: Sequence[str]) -> dict[tuple[str, ...], int]:
    """Each distinct combination of the values of ``keys``, with the first point that has it."""
    first: dict[tuple[str, ...], int] = {}
    for index, point in enumerate(points):
        first.setdefault(_combination(point, keys), index)
    return first


def _check_points(
    spec: ExperimentSpec,
    base: dict[str, Any],
    points: Sequence[Point],
    where: Source,
    base_source: Source | None,
) -> None:
    """Validate every design point; raise every distinct problem with the points that have it.

    Factors whose checks cannot involve each other (:func:`interaction_group`) are validated
    apart, once per distinct combination of the values of each group's factors, not once per
    design point (a grid of 100 x 100 x 100 points takes 300 validations); a group with a
    :func:`section_model` is validated by that model alone. Where the groups would need as many
    validations of the whole scenario as there are points, every point is validated instead.
    """
    located = _Located(where, base_source, entries("factors", list(spec.factors)))
    groups: dict[Location, list[str]] = {_LINKED: []}
    for key in spec.factors:
        groups.setdefault(interaction_group(key), []).append(key)
    combinations = {group: _distinct(points, keys) for group, keys in groups.items()}
    whole = sum(len(found) for group, found in combinations.items() if not section_model(group))
    if whole >= len(points):
        groups = {_LINKED: list(spec.factors)}
        combinations = {_LINKED: _distinct(points, groups[_LINKED])}
    failing: dict[Location, dict[tuple[str, ...], list[str]]] = {}
    for group, keys in groups.items():
        for combination, index in combinations[group].items():
            values = {key: points[index][key] for key in keys}
            problems = _problems_of(spec, base, group, values, located)
            if problems:
                failing.setdefault(group, {})[combination] = problems
    if failing:
        raise InputError(_listed(_points_with(failing, groups, points), len(points)))


def _problems_of(
    spec: ExperimentSpec,
    base: Mapping[str, Any],
    group: Location,
    values: Mapping[str, Any],
    located: _Located,
) -> list[str]:
    """The problems of the base scenario with one group's ``values`` set."""
    model = section_model(group)
    found = None if model is None else _section_problems(model, group, base, values, located)
    if found is not None:
        return found
    try:
        scenario = scenario_with(base, values, located)
    except InputError as error:
        return error.problems
    if group != _LINKED:
        return []
    return [
        f"{located.experiment.where(loc)}: {dotted(loc)}: {text}"
        for loc, text in _outcome_fit(spec, scenario)
    ]


def _section_problems(
    model: type[BaseModel],
    group: Location,
    base: Mapping[str, Any],
    values: Mapping[str, Any],
    located: _Located,
) -> list[str] | None:
    """The problems of the group's section of the base with ``values`` set, or None.

    Problems read as :func:`scenario_with` reports them; None means that a value does not fit
    the section's shape, so that the whole scenario must tell what is wrong.
    """
    section: Any = base
    for part in group:
        section = section[part]
    try:
        for key, value in renamed_values({k: plain(v) for k, v in values.items()}).items():
            section = with_value(section, key_parts(key)[len(group) :], value)
    except (LookupError, ValueError):
        return None
    try:
        model.model_validate(section)
    except ValidationError as error:
        described = (
            describe_error({**item, "loc": (*group, *item["loc"])}, Scenario)
            for item in item_errors(error)
        )
        return [f"{located.where(loc)}: {text}" for loc, text in described]
    return []


def _points_with(
    failing: Mapping[Location, Mapping[tuple[str, ...], list[str]]],
    groups: Mapping[Location, Sequence[str]],
    points: Sequence[Point],
) -> dict[str, list[int]]:
    """Each problem with the design points that have it, in the order of their first point."""
    seen: dict[str, list[int]] = {}
    for index, point in enumerate(points):
        for group, problems in failing.items():
            for problem in problems.get(_combination(point, groups[group]), ()):
                indexes = seen.setdefault(problem, [])
                if not indexes or indexes[-1] != index:
                    indexes.append(index)
    return seen


def _listed(seen: Mapping[str, list[int]], points: int) -> list[str]:
    """One line per problem, naming its design points unless every point has it."""
    lines = []
    for problem, indexes in list(seen.items())[:MAX_POINT_PROBLEMS]:
        if len(indexes) == points:  # not a matter of design points
            lines.append(problem)
            continue
        shown = ", ".join(str(i) for i in indexes[:3])
        more = f" and {len(indexes) - 3} more" if len(indexes) > 3 else ""
        plural = "s" if len(indexes) > 1 else ""
        lines.append(f"{problem} (design point{plural} {shown}{more} of {points})")
    if len(seen) > MAX_POINT_PROBLEMS:
        lines.append(f"... and {len(seen) - MAX_POINT_PROBLEMS} more problems")
    return lines


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
        elif outcome.stat != "at" and not _has_problem(problems, loc):
            problems.extend(_recorded_window(outcome, loc, scenario))
        if outcome.region is not None and outcome.series not in REGIONAL_NAMES:
            citizen = ", ".join(sorted(REGIONAL_NAMES))
            problems.append(
                ((*loc, "region"), f"{outcome.series} is not a citizen series (allowed: {citizen})")
            )
        elif outcome.region is not None and outcome.region not in regions:
            problems.append(((*loc, "region"), unknown_name("region", outcome.region, regions)))
    return problems


def _has_problem(problems: Sequence[tuple[Location, str]], loc: Location) -> bool:
    """Whether ``problems`` already hold one of the entry at ``loc``."""
    return any(where[: len(loc)] == loc for where, _ in problems)


def _recorded_window(
    outcome: Outcome, loc: Location, scenario: Scenario
) -> list[tuple[Location, str]]:
    """A problem if the outcome's window holds no recorded month (so it is missing in every run).

    Months are recorded every ``outputs.every_months`` from the start, and the last month.
    """
    start, end = parse_month(scenario.metadata.start), parse_month(scenario.metadata.end)
    low = parse_month(outcome.from_) if outcome.from_ else start
    high = parse_month(outcome.to) if outcome.to else end
    every = scenario.outputs.every_months
    first_recorded = start + -(-(low - start) // every) * every
    if first_recorded <= high or high == end:
        return []
    window = f"{format_month(low)} to {format_month(high)}"
    return [
        (
            loc,
            f"no month from {window} is recorded (outputs.every_months is {every}; allowed: a "
            "window that holds a recorded month)",
        )
    ]


def experiment_hash(spec: ExperimentSpec, base: Mapping[str, Any]) -> str:
    """SHA-256 of what determines the runs: the specification and the resolved base scenario.

    The output folder and the description are left out, so moving a sweep or rewording its
    description does not count as a change. Keys are sorted, so that the order of a mapping's
    keys counts only where it changes results: the factors (the design's dimensions, in order) are
    hashed as a list of pairs, and lists keep their order (the scenario's ``schedule``, the order
    the rules run in, among them).
    """
    content = spec.model_dump(
        mode="json", by_alias=True, exclude={"out", "description", "scenario"}
    )
    content["factors"] = list(content["factors"].items())
    text = json.dumps(
        {"experiment": content, "scenario": base}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()
