"""Every parameter has both bounds, a unit, a range and a source (or "assumption") in the docs.

The parameters are the fields of every rule's ``Config`` (but ``enabled``), of the population and
its network and of the actors' initial states. docs/model.md gives each one row of a parameter
table, ``| parameter | default | range | unit | description and source |``: population and initial
rows name the dotted key (``population.network.neighbours``), a rule's rows (section 7, under the
rule's heading) the field alone. Ranges are written ``low-high``, ``>low`` or ``<high`` for an open
end, ``each low-high`` for every number of a tuple and ``, or null`` when null is allowed.
"""

from __future__ import annotations

import math
import re
import types
import typing
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import annotated_types
import pytest
from pydantic.fields import FieldInfo

from kzsim.contracts import RULE_CONFIGS
from kzsim.scenario.schema import (
    ChinaState,
    EaeuState,
    KazakhstanState,
    NetworkConfig,
    PopulationConfig,
    RussiaState,
)
from kzsim.scenario.types import Frozen, Month
from tests.test_input_limits import unbounded_numbers

MODEL_MD = Path(__file__).resolve().parents[1] / "docs" / "model.md"

#: The models holding parameters, by the dotted prefix of their keys.
MODELS: dict[str, type[Frozen]] = {
    "population": PopulationConfig,
    "population.network": NetworkConfig,
    "initial.kazakhstan": KazakhstanState,
    "initial.russia": RussiaState,
    "initial.china": ChinaState,
    "initial.eaeu": EaeuState,
    **{f"rules.{name}": config for name, config in RULE_CONFIGS.items()},
}

#: Where a description cites its source: a seed key and line (``P L123``), a data file, a named
#: reference (``Epstein (2002)``), or it says the value is an assumption.
SOURCE = re.compile(
    r"\b[PTECO] L\d|\w\.csv\b|\b[A-Z][a-z]+(?: et al\.)? \(?\d{4}\b|(?i:assumption)"
)
RANGE = re.compile(r"(each )?(>)?(-?[\d.,/]+)-(<)?(-?[\d.,/]+)")


def _is_section(info: FieldInfo) -> bool:
    """A field holding models (the network, the regions): a section, not a parameter."""
    annotation = info.annotation
    inner = typing.get_args(annotation) if typing.get_origin(annotation) is tuple else ()
    return any(isinstance(a, type) and issubclass(a, Frozen) for a in (annotation, *inner))


def parameters() -> dict[str, tuple[type[Frozen], str]]:
    """Every parameter's dotted key, with its model and field name."""
    return {
        f"{prefix}.{name}": (model, name)
        for prefix, model in MODELS.items()
        for name, info in model.model_fields.items()
        if name != "enabled" and not _is_section(info)
    }


@dataclass(frozen=True)
class Row:
    """One row of a parameter table."""

    line: int
    default: str
    range: str
    unit: str
    description: str


def rows() -> dict[str, list[Row]]:
    """Every parameter table row of docs/model.md, by dotted key."""
    found: dict[str, list[Row]] = {}
    rule = ""
    in_table = False
    for number, line in enumerate(MODEL_MD.read_text(encoding="utf-8").splitlines(), start=1):
        heading = re.match(r"### 7\.\d+ `(\w+)`", line)
        if heading:
            rule = heading.group(1)
        if line.startswith("| parameter | default | range | unit |"):
            in_table = True
            continue
        if not line.startswith("|"):
            in_table = False
        if not in_table or line.startswith("|---"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name = re.match(r"`([\w.]+)`", cells[0])
        assert name and len(cells) == 5, f"docs/model.md:{number}: not a parameter row: {line}"
        key = name.group(1) if "." in name.group(1) else f"rules.{rule}.{name.group(1)}"
        found.setdefault(key, []).append(Row(number, *cells[1:]))
    return found


ROWS = rows()
PARAMETERS = parameters()


def _decimals(text: str) -> int:
    return len(text.partition(".")[2])


def _same_number(value: float, text: str) -> bool:
    """Whether ``text`` writes ``value`` (rounded to the decimals ``text`` shows)."""
    text = text.replace(",", "")
    if "/" in text:
        return math.isclose(value, float(Fraction(text)))
    return round(value, _decimals(text)) == float(text)


def _same_default(default: Any, text: str) -> bool:
    if default is None:
        return text in ("null", "none")
    if isinstance(default, bool):
        return text == str(default).lower()
    if isinstance(default, tuple):
        items = text.removeprefix("(").removesuffix(")").split(", ")
        return len(items) == len(default) and all(map(_same_default, default, items))
    if isinstance(default, int | float):
        return re.fullmatch(r"-?[\d.,]+", text) is not None and _same_number(default, text)
    return str(default) == text


def _bounds(metadata: list[Any]) -> tuple[str, float, str, float]:
    """``(">" or "", low, "<" or "", high)`` of a number's metadata."""
    low = next(m for m in metadata if isinstance(m, annotated_types.Ge | annotated_types.Gt))
    high = next(m for m in metadata if isinstance(m, annotated_types.Le | annotated_types.Lt))
    return (
        ">" if isinstance(low, annotated_types.Gt) else "",
        float(getattr(low, "ge", getattr(low, "gt", math.nan))),
        "<" if isinstance(high, annotated_types.Lt) else "",
        float(getattr(high, "le", getattr(high, "lt", math.nan))),
    )


def _item_metadata(item: Any) -> list[Any]:
    extras = typing.get_args(item)[1:]
    return [m for extra in extras for m in getattr(extra, "metadata", [extra])]


def _range_problem(info: FieldInfo, text: str) -> str | None:
    """What is wrong with ``text`` as the range of the field ``info`` (None if nothing)."""
    args = typing.get_args(info.annotation)
    nullable = typing.get_origin(info.annotation) in (typing.Union, types.UnionType) and (
        type(None) in args
    )
    if nullable != text.endswith(", or null"):
        return "', or null' ends the range exactly when null is allowed"
    text = text.removesuffix(", or null")
    annotation = next(a for a in args if a is not type(None)) if nullable else info.annotation
    if annotation is bool:
        return None if text == "true/false" else "a flag's range is 'true/false'"
    if typing.get_origin(annotation) is typing.Literal:
        choices = ", ".join(typing.get_args(annotation))
        return None if text == choices else f"the range lists the choices: {choices}"
    if annotation is Month or annotation is str:
        return None if text == "any month" else "a month's range is 'any month'"
    if typing.get_origin(annotation) is tuple:
        each = {_bounds(_item_metadata(item)) for item in typing.get_args(annotation)}
        assert len(each) == 1, "the items of a tuple share their bounds"
        bounds, prefix = each.pop(), "each "
    else:
        bounds, prefix = _bounds(info.metadata), ""
    written = RANGE.fullmatch(text)
    if (
        written is None
        or (written.group(1) or "") != prefix
        or (written.group(2) or "", written.group(4) or "") != (bounds[0], bounds[2])
        or not _same_number(bounds[1], written.group(3))
        or not _same_number(bounds[3], written.group(5))
    ):
        low, high = f"{bounds[0]}{bounds[1]:g}", f"{bounds[2]}{bounds[3]:g}"
        return f"the bounds are {prefix}{low}-{high}"
    return None


def test_the_parameters_are_the_fields_of_the_rules_population_network_and_actors() -> None:
    assert "rules.bri_loans.offers_per_year" in PARAMETERS
    assert "population.network.neighbours" in PARAMETERS
    assert "initial.eaeu.integration_depth" in PARAMETERS
    assert not any(key.endswith((".enabled", ".network", ".regions")) for key in PARAMETERS)


@pytest.mark.parametrize("prefix", MODELS)
def test_every_number_of_a_parameter_model_has_both_bounds(prefix: str) -> None:
    assert unbounded_numbers(MODELS[prefix]) == []


def test_every_docs_row_names_a_parameter() -> None:
    unknown = [f"{rs[0].line}: {key}" for key, rs in ROWS.items() if key not in PARAMETERS]
    assert [u for u in unknown if not u.endswith(".enabled")] == []


@pytest.mark.parametrize("key", PARAMETERS)
def test_every_parameter_has_one_docs_row_with_default_range_unit_and_source(key: str) -> None:
    model, name = PARAMETERS[key]
    info = model.model_fields[name]
    found = ROWS.get(key, [])
    assert len(found) == 1, f"{key}: {len(found)} rows in docs/model.md's parameter tables"
    (row,) = found
    where = f"docs/model.md:{row.line}: {key}"
    assert _same_default(info.get_default(call_default_factory=True), row.default), (
        f"{where}: default {row.default}, the schema's is {info.get_default()!r}"
    )
    assert _range_problem(info, row.range) is None, (
        f"{where}: range {row.range}: {_range_problem(info, row.range)}"
    )
    assert row.unit not in ("", "-", "—"), f"{where}: no unit"
    assert SOURCE.search(row.description), f"{where}: no source and no 'assumption'"


@pytest.mark.parametrize("key", PARAMETERS)
def test_every_parameter_describes_itself_in_the_schema(key: str) -> None:
    model, name = PARAMETERS[key]
    assert (model.model_fields[name].description or "").strip(), f"{key}: no description"
