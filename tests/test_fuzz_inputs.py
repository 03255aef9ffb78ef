"""Fuzzing the shipped scenario and experiment files: every answer is exit 0 or 2, never a crash.

Each example mutates one shipped file (values replaced by wrong types, non-finite and huge
numbers, text with markup and control characters, keys removed or added, a value shared through
a YAML alias, deep nesting, an alias bomb) and checks ``kzsim validate`` (and, for some scenarios,
``kzsim run`` for two months): the exit code is 0 or 2, standard error holds no traceback and no
internal error, and a run that succeeds writes only finite numbers. Hypothesis is derandomized,
so the examples are the same on every machine.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
EXPERIMENTS = sorted((ROOT / "experiments").glob("*.yaml"))

#: Values that have broken readers before: non-finite, huge, signed zero, wrong types, markup.
NASTY = [
    math.nan,
    math.inf,
    -math.inf,
    -0.0,
    1e308,
    -1e308,
    5e-324,
    10**400,
    2**63,
    -(2**63),
    -1,
    0,
    10**6,
    True,
    False,
    None,
    "",
    "20000",
    "0.5",
    ".nan",
    "[/oops] x",
    "[bold red]x",
    "\x1b[31mred\x1b[0m",
    "bell\x07 and tab\t",
    "two\nlines",
    "2015-06",
    " 2015-06",
    "0000-01",
    "national",
    "russia",
    [],
    {},
    [None],
    {"x": 1},
]
FUZZ = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RUNS = settings(FUZZ, max_examples=12)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path and list index path of plain data, outermost first."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def parent_of(data: Any, path: tuple[Any, ...]) -> Any:
    """The container that holds the value at ``path``."""
    for part in path[:-1]:
        data = data[part]
    return data


def nested(depth: int) -> Any:
    """A value nested ``depth`` lists deep."""
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


values = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.integers(min_value=40, max_value=120).map(nested),
)


#: Numbers that pass a reader that is not strict but break arithmetic.
BAD_NUMBERS = [math.nan, math.inf, -math.inf, -0.0, 1e308, -1e308, 5e-324, 0.0, 10**400]
ACTIONS = ("replace", "replace", "number", "delete", "add", "alias")


@st.composite
def mutated(draw: st.DrawFn, data: Any, actions: tuple[str, ...] = ACTIONS) -> Any:
    """``data`` with one to three mutations of the kinds in ``actions``.

    Kinds: replace a value, replace a number with a bad one, delete a key or item, add a key,
    share a value through a YAML alias.
    """
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        where = paths(data)
        if not where:
            return draw(values)
        action = draw(st.sampled_from(actions))
        if action == "number":
            numbers = [p for p in where if type(parent_of(data, p)[p[-1]]) in (int, float)]
            where = numbers or where
        path = draw(st.sampled_from(where))
        holder = parent_of(data, path)
        if action == "number":
            holder[path[-1]] = draw(st.sampled_from(BAD_NUMBERS))
        elif action == "replace":
            holder[path[-1]] = draw(values)
        elif action == "delete":
            del holder[path[-1]]
        elif action == "add" and isinstance(holder, dict):
            holder[draw(st.sampled_from(["extra", "seed", "0", "regions"]))] = draw(values)
        elif action == "alias":  # the same object twice: the dump writes an anchor and an alias
            other = draw(st.sampled_from(where))
            if other[: len(path)] != path and path[: len(other)] != other:
                holder[path[-1]] = parent_of(data, other)[other[-1]]
    return data


def bomb(levels: int) -> str:
    """A billion-laughs document of ``levels`` levels, 9 aliases each."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def as_text(data: Any, extra: str) -> str:
    """The mutated data as YAML, with the extra text (an alias bomb) in front."""
    return extra + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200)


def check_clean(code: int, err: str) -> None:
    """Exit code 0 or 2 and no traceback or internal error."""
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err


def written_numbers_are_finite(folder: Path) -> None:
    """Every value of a run's series is finite and its manifest holds no NaN or infinity."""
    series = pd.read_parquet(folder / "series.parquet")
    assert np.isfinite(series["value"].to_numpy(dtype=np.float64)).all()
    manifest = (folder / "manifest.json").read_text(encoding="utf-8")
    assert "NaN" not in manifest and "Infinity" not in manifest


def load(path: Path) -> Any:
    """A shipped file as plain data."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.slow
@FUZZ
@given(
    data=st.sampled_from(SCENARIOS).flatmap(lambda p: mutated(load(p))),
    extra=st.sampled_from(["", "", "", bomb(4), bomb(9)]),
)
def test_mutated_scenarios_validate_or_fail_cleanly(
    data: Any, extra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.yaml"
        path.write_text(as_text(data, extra), encoding="utf-8")
        capsys.readouterr()
        code = main(["validate", str(path)])
        check_clean(code, capsys.readouterr().err)


def with_absolute_scenario(path: Path) -> Any:
    """A shipped experiment whose base scenario path does not depend on the file's folder."""
    data = load(path)
    data["scenario"] = str((path.parent / data["scenario"]).resolve())
    return data


@pytest.mark.slow
@FUZZ
@given(data=st.sampled_from(EXPERIMENTS).flatmap(lambda p: mutated(with_absolute_scenario(p))))
def test_mutated_experiments_validate_or_fail_cleanly(
    data: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "experiment.yaml"
        path.write_text(as_text(data, ""), encoding="utf-8")
        capsys.readouterr()
        code = main(["validate", str(path)])
        check_clean(code, capsys.readouterr().err)


@RUNS
@given(data=st.sampled_from(SCENARIOS).flatmap(lambda p: mutated(load(p), ("number",))))
def test_mutated_scenarios_run_or_fail_cleanly(
    data: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.yaml"
        path.write_text(as_text(data, ""), encoding="utf-8")
        out = Path(folder) / "out"
        capsys.readouterr()
        code = main(["run", str(path), "--out", str(out), "--quiet", "--steps", "2"])
        check_clean(code, capsys.readouterr().err)
        if code == 0:
            written_numbers_are_finite(out)
        else:
            assert not out.exists()
