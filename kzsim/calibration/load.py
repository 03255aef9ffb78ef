"""Load calibration files: validate the file, the base scenario, every prior's bounds and targets.

Problems are reported like scenario and experiment problems, all at once, one line each:
``file:line:col: field: what is wrong (allowed: ...)``. Each prior's ``low`` and ``high`` are
set into the base scenario as ``kzsim run --set`` would set them, so a prior on an unknown key,
on a key that takes no number, or reaching outside the key's own range is reported at that
bound's line in the calibration file.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from pydantic import ValidationError

from kzsim.batch.experiment import scenario_with
from kzsim.batch.schema import Location
from kzsim.calibration.schema import PRIOR_TAGS, CalibrationSpec, calibration_checks
from kzsim.catalog import REGIONAL_SERIES, SERIES
from kzsim.contract import Scope
from kzsim.errors import InputError
from kzsim.scenario.load import (
    Source,
    describe_error,
    dotted,
    item_errors,
    read_yaml_file,
    upgrade_renamed_keys,
)
from kzsim.scenario.renames import warn_renamed
from kzsim.scenario.schema import unknown_name

if TYPE_CHECKING:
    from kzsim.history.targets import Target

#: The scopes that are not regions (a target in a region needs the regional series).
NON_REGION_SCOPES = frozenset(get_args(Scope))
#: Every series the model outputs, by name.
SERIES_NAMES = frozenset(s.name for s in SERIES) | frozenset(s.name for s in REGIONAL_SERIES)


class _At(Source):
    """Reports every location of a scenario at one entry of the calibration file."""

    def __init__(self, calibration: Source, entry: Location) -> None:
        super().__init__(calibration.label)
        self.calibration = calibration
        self.entry = entry

    def where(self, loc: Location) -> str:
        """The entry's ``file:line:col``, whatever scenario location ``loc`` is."""
        return self.calibration.where(self.entry)


@dataclass(frozen=True)
class Calibration:
    """A validated calibration: its specification, base scenario data and targets.

    Attributes:
        spec: the calibration file's content.
        label: where it came from (the file path).
        scenario_path: the base scenario's path as the file resolves it.
        base: the base scenario as plain data, with ``citizens`` and the kept outputs applied.
        targets: the targets the file names, in its order.
        hash: SHA-256 of everything that determines the calibration's results.

    """

    spec: CalibrationSpec
    label: str
    scenario_path: Path
    base: dict[str, Any]
    targets: tuple[Target, ...]
    hash: str

    @property
    def parameters(self) -> list[str]:
        """The calibrated parameters (dotted keys), in file order."""
        return list(self.spec.parameters)

    @property
    def weights(self) -> dict[str, float]:
        """The weight of each target, by name."""
        return dict(self.spec.targets)


def load_calibration(path: str | Path) -> Calibration:
    """Load a calibration file, its base scenario, its targets, and check every prior's bounds.

    Raises:
        InputError: listing every problem, one ``file:line:col: field: message`` line each.

    """
    data, where = read_yaml_file(Path(path))
    spec = _validate_spec(data, where)
    targets = _targets(spec, where)
    scenario_path = Path(path).parent / spec.scenario
    base = _base_scenario(spec, where, scenario_path)
    _check_bounds(spec, base, where)
    base = kept_outputs(base, targets)
    return Calibration(
        spec, where.label, scenario_path, base, targets, calibration_hash(spec, base)
    )


def _validate_spec(data: Any, where: Source) -> CalibrationSpec:
    if not isinstance(data, dict):
        raise InputError([f"{where.where(())}: calibration: expected a mapping of sections"])
    try:
        spec = CalibrationSpec.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in item_errors(error):
            loc, text = describe_error({**item, "loc": _untagged(item["loc"])}, CalibrationSpec)
            problems.append(f"{where.where(loc)}: {text}")
        raise InputError(problems) from None
    problems = [
        f"{where.where(loc)}: {dotted(loc)}: {text}" for loc, text in calibration_checks(spec)
    ]
    if problems:
        raise InputError(problems)
    return spec


def _untagged(loc: Location) -> Location:
    """An error location without the union tags pydantic adds (``parameters.x.uniform.low``)."""
    if loc[:1] == ("parameters",) and len(loc) > 2 and loc[2] in PRIOR_TAGS:
        return loc[:2] + loc[3:]
    return loc


def _targets(spec: CalibrationSpec, where: Source) -> tuple[Target, ...]:
    """The targets the file names; each must exist, be modelled and have its series."""
    from kzsim.history.targets import load_targets

    known = {target.name: target for target in load_targets()}
    modelled = tuple(sorted(name for name, target in known.items() if target.modelled))
    problems = []
    for name in spec.targets:
        loc: Location = ("targets", name)
        target = known.get(name)
        if target is None:
            problems.append(
                f"{where.where(loc)}: targets.{name}: {unknown_name('target', name, modelled)}"
            )
        elif not target.modelled:
            problems.append(
                f"{where.where(loc)}: targets.{name}: not modelled: {target.reason} (allowed: "
                f"{', '.join(modelled)})"
            )
        elif target.series not in SERIES_NAMES:
            problems.append(
                f"{where.where(loc)}: targets.{name}: no model series {target.series} (allowed: "
                f"{', '.join(modelled)})"
            )
    if problems:
        raise InputError(problems)
    return tuple(known[name] for name in spec.targets)


def _base_scenario(spec: CalibrationSpec, where: Source, path: Path) -> dict[str, Any]:
    """The base scenario as plain data, validated, with the file's ``citizens``."""
    if not path.is_file():
        raise InputError(
            [
                f"{where.where(('scenario',))}: scenario: {path}: file not found (allowed: a "
                "scenario file, relative to the calibration file)"
            ]
        )
    data, source = read_yaml_file(path)
    warn_renamed(upgrade_renamed_keys(data, source))
    if not isinstance(data, dict):
        raise InputError([f"{source.where(())}: scenario: expected a mapping of sections"])
    citizens = _At(where, ("citizens",))
    return scenario_with(data, {"population.citizens": spec.citizens}, citizens).to_data()


def _check_bounds(spec: CalibrationSpec, base: Mapping[str, Any], where: Source) -> None:
    """Set each prior's low and high into the base scenario; raise every problem at once."""
    problems: list[str] = []
    for key, prior in spec.parameters.items():
        for bound in ("low", "high"):
            located = _At(where, ("parameters", key, bound))
            try:
                scenario_with(base, {key: getattr(prior, bound)}, located)
            except InputError as error:
                problems += [p for p in error.problems if p not in problems]
                break
    if problems:
        raise InputError(problems)


def kept_outputs(base: Mapping[str, Any], targets: Sequence[Target]) -> dict[str, Any]:
    """The base scenario keeping only the series the targets read (runs are faster)."""
    kept = copy.deepcopy(dict(base))
    kept["outputs"]["series"] = sorted({str(target.series) for target in targets})
    kept["outputs"]["every_months"] = 1
    kept["outputs"]["regional"] = any(target.scope not in NON_REGION_SCOPES for target in targets)
    return kept


def calibration_hash(spec: CalibrationSpec, base: Mapping[str, Any]) -> str:
    """SHA-256 of what determines the results: the specification and the resolved base scenario.

    The description and the scenario's path are left out (moving the files changes nothing).
    """
    content = spec.model_dump(mode="json", exclude={"description", "scenario"})
    content["parameters"] = list(content["parameters"].items())
    content["targets"] = list(content["targets"].items())
    text = json.dumps({"calibration": content, "scenario": base}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
