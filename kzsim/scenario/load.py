"""Load scenario files: safe YAML with line marks -> validated ``Scenario``.

Every problem in a file is reported at once, one line each:
``path:line:col: dotted.field: what is wrong (allowed: ...)``. ``--set key=value`` overrides are
validated exactly like the file; their problems name the override instead of a line. A renamed key
(:mod:`kzsim.scenario.renames`) in a file, a mapping or an override loads as its new key, its value
converted, with a :class:`~kzsim.scenario.renames.RenamedKeyWarning` naming the new key.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kzsim.errors import InputError
from kzsim.scenario.checks import cross_check
from kzsim.scenario.document import DocumentError, read_document
from kzsim.scenario.renames import REMOVED, RENAMES, Rename, warn_renamed
from kzsim.scenario.schema import Scenario

Location = tuple[str | int, ...]

#: Largest input file read (bytes); the first ``MAX_FILE_BYTES + 1`` bytes tell.
MAX_FILE_BYTES = 4 * 2**20
#: Longest value shown in an error message (characters of its repr).
SHOWN_CHARS = 40


class Source:
    """Where each value of a parsed document came from."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.marks: dict[Location, tuple[int, int]] = {}
        self.overrides: dict[Location, str] = {}

    def where(self, loc: Location) -> str:
        """The ``file:line:col`` (or ``--set ...``) prefix for the closest known location.

        A location that an override created (it is not in the file) names that override.
        """
        if loc not in self.marks:
            for path, item in self.overrides.items():
                if path[: len(loc)] == loc:
                    return f"--set {item}"
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            if prefix in self.overrides:
                return f"--set {self.overrides[prefix]}"
            if prefix in self.marks:
                line, col = self.marks[prefix]
                return f"{self.label}:{line}:{col}"
        return f"{self.label}:1:1"


def dotted(loc: Location) -> str:
    """``('events', 2, 'date')`` -> ``events[2].date``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "scenario"


def parse_yaml(text: str, label: str) -> tuple[Any, Source]:
    """Parse YAML safely in one pass, keeping the position of every key and value.

    Raises:
        InputError: on a syntax error, a non-safe tag (``!!python/object``), a duplicate key, or a
            document beyond the limits of :mod:`kzsim.scenario.document` (nesting, values, aliases).

    """
    source = Source(label)
    try:
        document = read_document(text)
    except DocumentError as error:
        mark = error.mark
        raise InputError(
            [f"{label}:{mark.line + 1}:{mark.column + 1}: yaml: {error.problem}"]
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{label}:{mark.line + 1}:{mark.column + 1}" if mark else f"{label}:1:1"
        raise InputError([f"{where}: yaml: {error.problem or 'invalid YAML'}"]) from None
    except yaml.YAMLError as error:
        raise InputError([f"{label}:1:1: yaml: {error}"]) from None
    source.marks = document.marks
    problems = [
        f"{label}:{line}:{col}: {dotted(loc)}: duplicate key"
        for loc, (line, col) in document.duplicates
    ]
    if problems:
        raise InputError(problems)
    return document.data, source


def read_text(path: Path) -> str:
    """The text of a UTF-8 file of at most ``MAX_FILE_BYTES``; unreadable is an input error."""
    label = str(path)
    try:
        with path.open("rb") as stream:
            content = stream.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:
            raise InputError(
                [
                    f"{label}:1:1: file: larger than {MAX_FILE_BYTES // 2**20} MiB (allowed: at "
                    f"most {MAX_FILE_BYTES:,} bytes)"
                ]
            )
        return content.decode("utf-8")
    except FileNotFoundError:
        raise InputError(
            [f"{label}:1:1: file: not found (allowed: an existing YAML file)"]
        ) from None
    except IsADirectoryError:
        raise InputError([f"{label}:1:1: file: is a directory (allowed: a YAML file)"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError([f"{label}:1:1: file: cannot be read ({error})"]) from None


def read_yaml_file(path: Path) -> tuple[Any, Source]:
    """Read and parse a YAML file (see :func:`read_text` and :func:`parse_yaml`)."""
    return parse_yaml(read_text(path), str(path))


def apply_overrides(data: dict[str, Any], overrides: Sequence[str], source: Source) -> list[str]:
    """Apply ``dotted.key=value`` overrides in place; values are parsed as YAML (numbers, null).

    An override of a renamed key sets its new key, the value converted.

    Returns:
        One warning line per override of a renamed key.

    Raises:
        InputError: listing every problem; an old key and its new one together are one.

    """
    problems = []
    notes = []
    renamed: dict[Location, tuple[str, Rename]] = {}
    direct: set[Location] = set()
    for item in overrides:
        key, sep, raw = item.partition("=")
        segments = key.strip().split(".")
        if not sep or not all(segments):
            problems.append(
                f"--set {item}: override: expected dotted.key=value (allowed: keys without empty "
                "segments, e.g. population.citizens=5000)"
            )
            continue
        parts: Location = tuple(int(p) if p.isdigit() else p for p in segments)
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = raw
        key = ".".join(segments)
        if key in REMOVED:
            problems.append(f"--set {item}: {key}: removed: {REMOVED[key]}")
            continue
        if key in RENAMES:
            rename = RENAMES[key]
            try:
                new_value = rename.converted(value)
            except ValueError as error:
                problems.append(f"--set {item}: {key}: {error}")
                continue
            notes.append(f"--set {item}: {rename.note(value, new_value)}")
            parts, value = tuple(rename.new_key.split(".")), new_value
            renamed[parts] = (item, rename)
        else:
            direct.add(parts)
        try:
            _assign(data, parts, value)
        except LookupError as error:
            problems.append(f"--set {item}: {dotted(parts)}: {error.args[0]}")
            continue
        source.overrides[parts] = item
    problems += [
        f"--set {item}: {rename.old_key}: {rename.clash()}"
        for parts, (item, rename) in renamed.items()
        if parts in direct
    ]
    if problems:
        raise InputError(problems)
    return notes


def upgrade_renamed_keys(data: Any, source: Source, at: Location = ()) -> list[str]:
    """Give the renamed keys a scenario document names their new names, converting the values.

    The document is changed in place; the new key takes the old key's place in ``source``.

    Args:
        data: the scenario as plain data.
        source: where its values came from.
        at: where the scenario sits in that document (``("scenario",)`` inline in an experiment).

    Returns:
        One warning line per renamed key.

    Raises:
        InputError: for a removed key, an old key given with its new one, or an old value that
            cannot be converted; every problem at once.

    """
    notes: list[str] = []
    problems: list[str] = []
    for key in (*RENAMES, *REMOVED):
        section_key, _, name = key.rpartition(".")
        section = _mapping_at(data, section_key.split("."))
        if section is None or name not in section:
            continue
        old: Location = (*at, *key.split("."))
        where = source.where(old)
        if key in REMOVED:
            problems.append(f"{where}: {key}: removed: {REMOVED[key]}")
            continue
        rename = RENAMES[key]
        if rename.new_name in section:
            problems.append(f"{where}: {key}: {rename.clash()}")
            continue
        try:
            value = rename.converted(section[name])
        except ValueError as error:
            problems.append(f"{where}: {key}: {error}")
            continue
        notes.append(f"{where}: {rename.note(section.pop(name), value)}")
        section[rename.new_name] = value
        if old in source.marks:
            source.marks[(*at, *rename.new_key.split("."))] = source.marks[old]
    if problems:
        raise InputError(problems)
    return notes


def _mapping_at(data: Any, parts: Sequence[str]) -> dict[str, Any] | None:
    """The mapping at ``data[parts[0]][parts[1]]...``, or None if there is none."""
    for part in parts:
        data = data.get(part) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else None


def _assign(data: Any, parts: Location, value: Any) -> None:
    """Set ``data[parts[0]][parts[1]]... = value``, creating missing mappings on the way."""
    target = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(target, dict) and isinstance(part, str):
            if last:
                target[part] = value
            else:
                target = target.setdefault(part, {})
        elif isinstance(target, list) and isinstance(part, int) and 0 <= part < len(target):
            if last:
                target[part] = value
            else:
                target = target[part]
        else:
            raise LookupError("no such item (allowed: keys of a mapping, indexes of a list)")


def _model_at(model: type[BaseModel], loc: Location) -> type[BaseModel] | None:
    """The pydantic model class that holds the field at ``loc`` (for key suggestions)."""
    current: Any = model
    for part in loc:
        while True:
            origin = typing.get_origin(current)
            if origin is typing.Annotated:
                current = typing.get_args(current)[0]
            elif origin in (typing.Union, types.UnionType):
                args = [a for a in typing.get_args(current) if a is not type(None)]
                current = args[0]
            else:
                break
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str) or part not in current.model_fields:
                return None
            current = current.model_fields[part].annotation
        elif typing.get_origin(current) in (tuple, list):
            current = typing.get_args(current)[0]
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    while typing.get_origin(current) in (typing.Union, types.UnionType, typing.Annotated):
        args = [a for a in typing.get_args(current) if a is not type(None)]
        current = args[0]
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def describe_error(error: Mapping[str, Any], root: type[BaseModel]) -> tuple[Location, str]:
    """Turn one pydantic error into (location, 'field: what is wrong (allowed: ...)')."""
    loc: Location = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
    kind = error["type"]
    field = dotted(loc)
    if kind == "extra_forbidden":
        parent = _model_at(root, loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        what = "rule" if loc[:1] == ("rules",) and len(loc) == 2 else "key"
        guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        return loc, f"{field}: unknown {what} '{loc[-1]}' ({hint}allowed: {', '.join(allowed)})"
    if kind == "missing":
        return loc, f"{field}: required field is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    ctx = error.get("ctx") or {}
    expected = f" (allowed: {ctx['expected']})" if "expected" in ctx else ""
    given = error.get("input")
    plain = kind == "value_error" or isinstance(given, dict | list | tuple) or given is None
    shown = "" if plain else f"{_shortened(repr(given))}: "
    return loc, f"{field}: {shown}{message}{expected}"


def _shortened(text: str) -> str:
    """``text``, cut to ``SHOWN_CHARS`` characters with ``...`` if longer."""
    return text if len(text) <= SHOWN_CHARS else f"{text[: SHOWN_CHARS - 3]}..."


def item_errors(error: ValidationError) -> list[Any]:
    """The validation errors, less "too short" for a sequence whose items have errors."""
    items = error.errors()
    failed = [item["loc"] for item in items if item["type"] != "too_short"]
    return [
        item
        for item in items
        if item["type"] != "too_short"
        or not any(
            len(loc) > len(item["loc"]) and loc[: len(item["loc"])] == item["loc"] for loc in failed
        )
    ]


def validate_data(data: Any, source: Source) -> Scenario:
    """Validate plain data as a Scenario and run the cross-field checks; raise every problem."""
    if not isinstance(data, dict):
        raise InputError([f"{source.where(())}: scenario: expected a mapping of sections"])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in item_errors(error):
            loc, text = describe_error(item, Scenario)
            problems.append(f"{source.where(loc)}: {text}")
        raise InputError(problems) from None
    problems = [
        f"{source.where(loc)}: {dotted(loc)}: {text}" for loc, text in cross_check(scenario)
    ]
    if problems:
        raise InputError(problems)
    return scenario


def load_scenario(
    source: str | Path | Mapping[str, Any], overrides: Sequence[str] = ()
) -> Scenario:
    """Load and validate a scenario from a YAML file path or a mapping.

    Args:
        source: path of a YAML file, or the scenario as a mapping.
        overrides: ``dotted.key=value`` strings applied before validation.

    Returns:
        The validated, frozen :class:`kzsim.scenario.schema.Scenario`.

    Raises:
        InputError: listing every problem, one ``file:line:col: field: message`` line each.

    Warns:
        RenamedKeyWarning: one per renamed key the source or an override names.

    """
    if isinstance(source, Mapping):
        data: Any = _plain(source)
        where = Source("<scenario>")
    else:
        data, where = read_yaml_file(Path(source))
    notes = upgrade_renamed_keys(data, where)
    if overrides:
        if not isinstance(data, dict):
            raise InputError([f"{where.where(())}: scenario: expected a mapping of sections"])
        notes += apply_overrides(data, overrides, where)
    warn_renamed(notes)
    return validate_data(data, where)


def _plain(value: Any) -> Any:
    """Deep copy of mappings and sequences into dicts and lists (so overrides never alias)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
