"""Input is bounded, finite and strict: each limit answers with one located line and exit code 2.

The invalid corpora (tests/invalid/, tests/batch/invalid/) hold one file per refused input; the
tests here cover what a corpus file cannot: the command line, file size, aliases that must keep
working, the number of validations a large grid takes, and bounds on every number of the schema.
"""

from __future__ import annotations

import time
import types
import typing
from pathlib import Path
from typing import Any

import annotated_types
import numpy as np
import pandas as pd
import pytest
import yaml

import kzsim.batch.experiment as experiment_module
import kzsim.scenario.load as load_module
from kzsim.batch.experiment import load_experiment
from kzsim.cli import main
from kzsim.errors import InputError
from kzsim.scenario.load import load_scenario
from kzsim.scenario.types import Frozen
from tests.batch.conftest import experiment_data, write_experiment

SMALL = "metadata: {name: t, start: 2010-01, end: 2010-12}\npopulation: {citizens: 500}\n"
#: The same scenario with the population as a block, so that tests can add population keys.
POPULATION = "metadata: {name: t, start: 2010-01, end: 2010-12}\npopulation:\n  citizens: 500\n"


def write(folder: Path, text: str, name: str = "s.yaml") -> Path:
    """Write a YAML file and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, overrides: tuple[str, ...] = ()) -> list[str]:
    """The problems of a scenario file (none if it is valid)."""
    try:
        load_scenario(path, overrides)
    except InputError as error:
        return error.problems
    return []


# --- case 6: region ids that are output scopes ---------------------------------------------


@pytest.mark.parametrize("scope", ["national", "kazakhstan", "russia", "china", "eaeu"])
def test_a_region_may_not_take_the_name_of_an_output_scope(tmp_path: Path, scope: str) -> None:
    region = (
        f"{{id: {scope}, name: X, population: 1000, share_kazakh: 0.6, share_russian: 0.3, "
        "urban_share: 0.5, borders_china: false, borders_russia: false, macro_zone: north, "
        "oil_region: false, trader_hub: false}"
    )
    path = write(tmp_path, f"{POPULATION}  regions:\n    - {region}\n")
    (line,) = problems(path)
    assert line.startswith(f"{path}:5:8: population.regions[0].id: '{scope}' names an output scope")


def test_the_reserved_names_are_the_scopes_the_outputs_use() -> None:
    from kzsim.catalog import SERIES
    from kzsim.series import RESERVED_SCOPES, Series

    assert {s.scope for s in SERIES} <= set(RESERVED_SCOPES)
    with pytest.raises(ValueError, match="scope"):
        Series("x", "almaty", "share 0-1", "a series of an unknown scope", lambda m: 0.0)


# --- case 7: non-finite numbers and silent repairs -------------------------------------------


def _numeric(annotation: Any) -> bool:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return all(_numeric(a) for a in args)
    if typing.get_origin(annotation) is typing.Annotated:
        return _numeric(args[0])
    return annotation in (int, float)


def _bounded(metadata: list[Any]) -> bool:
    low = any(isinstance(m, annotated_types.Ge | annotated_types.Gt) for m in metadata)
    high = any(isinstance(m, annotated_types.Le | annotated_types.Lt) for m in metadata)
    return low and high


def _item_unbounded(item: Any) -> bool:
    """Whether a tuple item type is a number without both bounds."""
    extras = typing.get_args(item)[1:]
    metadata = [m for extra in extras for m in getattr(extra, "metadata", [extra])]
    return _numeric(item) and not _bounded(metadata)


#: Numbers checked against something else than a fixed interval (the target's range; any level).
CHECKED_ELSEWHERE = {
    ("Effect", "set"),
    ("Effect", "shift"),
    ("Condition", "above"),
    ("Condition", "below"),
    ("Outcome", "threshold"),
}


def _models() -> list[type[Frozen]]:
    import kzsim.batch.schema  # noqa: F401 - registers the experiment models
    import kzsim.scenario.schema  # noqa: F401 - registers the scenario and rule models

    found: list[type[Frozen]] = []
    todo = [Frozen]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def unbounded_numbers(model: type[Frozen]) -> list[str]:
    """The numbers of ``model`` (fields, tuple items: ``Model.field[]``) without both bounds."""
    unbounded = []
    for name, info in model.model_fields.items():
        if (model.__name__, name) in CHECKED_ELSEWHERE:
            continue
        annotation = info.annotation
        items = [a for a in typing.get_args(annotation) if typing.get_origin(a) is tuple]
        if typing.get_origin(annotation) is tuple:
            items.append(annotation)
        for item in items:
            if any(_item_unbounded(arg) for arg in typing.get_args(item)):
                unbounded.append(f"{model.__name__}.{name}[]")
        inside = [
            a for a in typing.get_args(annotation) if typing.get_origin(a) is typing.Annotated
        ]
        if (
            _numeric(annotation)
            and not _bounded(info.metadata)
            and all(_item_unbounded(a) for a in inside or [float])
        ):
            unbounded.append(f"{model.__name__}.{name}")
    return unbounded


def test_every_number_of_the_schema_has_both_bounds() -> None:
    assert [name for model in _models() for name in unbounded_numbers(model)] == []


def test_a_share_given_as_negative_zero_runs(tmp_path: Path) -> None:
    path = write(
        tmp_path, POPULATION + "  protest_threshold_sd: -0.0\n  susceptibility_range: [-0.0, 0.5]\n"
    )
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet", "--steps", "2"]) == 0
    series = pd.read_parquet(tmp_path / "out" / "series.parquet")
    assert np.isfinite(series["value"]).all()


def test_a_number_from_a_set_override_is_strict_too(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    (line,) = problems(path, ('population.citizens="20000"',))
    assert line == (
        "--set population.citizens=\"20000\": population.citizens: '20000': Input should be a "
        "valid integer"
    )


# --- case 10: what used to end as an internal error ------------------------------------------


def test_validate_dev_zero_is_refused_at_the_size_cap(capsys: pytest.CaptureFixture[str]) -> None:
    clock = time.perf_counter()
    assert main(["validate", "/dev/zero"]) == 2
    assert time.perf_counter() - clock < 30
    assert capsys.readouterr().err.splitlines() == [
        "/dev/zero:1:1: file: larger than 4 MiB (allowed: at most 4,194,304 bytes)"
    ]


def test_a_file_one_byte_over_the_cap_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "#" * (4 * 2**20 - len(SMALL)) + "\n")
    (line,) = problems(path)
    assert line.startswith(f"{path}:1:1: file: larger than 4 MiB")


def test_more_than_a_million_values_are_refused_without_aliases(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "description: [" + "0," * 1_000_000 + "0]\n")
    (line,) = problems(path)
    assert "yaml: more than 1,000,000 values" in line


@pytest.mark.parametrize("seed", ["-1", str(2**63)])
def test_a_seed_out_of_range_is_a_usage_error(tmp_path: Path, seed: str) -> None:
    path = write(tmp_path, SMALL)
    out = tmp_path / "out"
    assert main(["run", str(path), "--seed", seed, "--out", str(out), "--quiet"]) == 2
    assert main(["compare", str(path), str(path), "--seed", seed, "--out", str(out)]) == 2
    assert not out.exists()


def test_the_largest_seed_runs(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    out = tmp_path / "out"
    assert (
        main(
            [
                "run",
                str(path),
                "--seed",
                str(2**63 - 1),
                "--out",
                str(out),
                "--quiet",
                "--steps",
                "1",
            ]
        )
        == 0
    )


def test_an_integer_factor_with_an_endless_range_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = experiment_data(
        design={"method": "lhs", "samples": 4},
        factors={
            "rules.tariff_harmonisation.months_to_converge": {
                "low": 1,
                "high": float("nan"),
                "integer": True,
            }
        },
    )
    data["factors"].pop("population.sinophobia_mean")
    assert main(["validate", str(write_experiment(tmp_path, data))]) == 2
    err = capsys.readouterr().err
    assert "finite number" in err and "internal error" not in err


# --- aliases, merges and nesting that stay allowed -------------------------------------------


def test_merge_keys_and_aliases_still_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        SMALL + "rules:\n  bri_loans: &off {enabled: false}\n  opinion: *off\n"
        "  land_protests: {<<: *off, engine: threshold}\n",
    )
    rules = load_scenario(path).rules
    assert not rules.bri_loans.enabled and not rules.opinion.enabled
    assert not rules.land_protests.enabled and rules.land_protests.engine == "threshold"


def test_an_alias_is_a_copy_so_an_override_changes_one_place(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "rules:\n  bri_loans: &off {enabled: false}\n  opinion: *off\n")
    rules = load_scenario(path, ["rules.opinion.enabled=true"]).rules
    assert rules.opinion.enabled and not rules.bri_loans.enabled


def test_a_nesting_just_inside_the_limit_loads(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "description: " + "[" * 49 + "]" * 49 + "\n")
    (line,) = problems(path)
    assert "description: unknown key" in line  # parsed, then refused by the schema


# --- --set messages ---------------------------------------------------------------------------


@pytest.mark.parametrize("item", ["a..b=1", ".a=1", "a.=1", "=1"])
def test_an_empty_key_segment_is_an_error_of_the_override(tmp_path: Path, item: str) -> None:
    (line,) = problems(write(tmp_path, SMALL), (item,))
    assert line.startswith(f"--set {item}: override: expected dotted.key=value")


def test_a_section_an_override_creates_is_reported_at_the_override(tmp_path: Path) -> None:
    (line,) = problems(write(tmp_path, SMALL), ("rules.x.enabled=true",))
    assert line.startswith("--set rules.x.enabled=true: rules.x: unknown rule 'x'")


# --- parse once, validate design points in bulk ---------------------------------------------


def test_validate_reads_a_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = load_module.read_document
    monkeypatch.setattr(load_module, "read_document", lambda text: calls.append(1) or real(text))
    path = write(tmp_path, SMALL)
    assert main(["validate", str(path)]) == 0
    assert len(calls) == 1


def test_a_grid_is_validated_per_level_not_per_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = experiment_module.validate_data
    monkeypatch.setattr(experiment_module, "validate_data", lambda *a: calls.append(1) or real(*a))
    data = experiment_data(
        factors={
            "population.sinophobia_mean": {"low": 0.1, "high": 0.9, "levels": 50},
            "rules.tariff_harmonisation.months_to_converge": list(range(1, 41)),
            "rules.bri_loans.enabled": [False, True],
        }
    )
    experiment = load_experiment(write_experiment(tmp_path, data))
    assert len(experiment.points) == 4000
    assert len(calls) == 2  # the base and its outcomes; each level is checked by its section


def test_a_problem_found_in_bulk_names_the_points_that_have_it(tmp_path: Path) -> None:
    data = experiment_data(
        factors={
            "population.sinophobia_mean": [0.3, 1.5],
            "rules.tariff_harmonisation.months_to_converge": [6, 12, 18, 24, 36],
        }
    )
    with pytest.raises(InputError) as caught:
        load_experiment(write_experiment(tmp_path, data))
    (line,) = caught.value.problems
    assert line.endswith(
        "population.sinophobia_mean: 1.5: Input should be less than or equal to 1 "
        "(design points 5, 6, 7 and 2 more of 10)"
    )


def test_factors_that_interact_are_validated_together(tmp_path: Path) -> None:
    data = experiment_data(
        factors={
            "initial.kazakhstan.alignment_russia": [0.5, 0.6],
            "initial.kazakhstan.alignment_china": [0.2, 0.1],
            "rules.tariff_harmonisation.months_to_converge": [6, 12, 18, 24, 36],
        }
    )
    data["factors"].pop("population.sinophobia_mean")
    with pytest.raises(InputError) as caught:
        load_experiment(write_experiment(tmp_path, data))
    lines = caught.value.problems
    assert [line.split(": ", 1)[1] for line in lines] == [
        "initial.kazakhstan: alignment_russia + alignment_china + alignment_west is 0.9 "
        "(design points 5, 6, 7 and 2 more of 20)",
        "initial.kazakhstan: alignment_russia + alignment_china + alignment_west is 1.1 "
        "(design points 10, 11, 12 and 2 more of 20)",
    ]


def test_data_round_trips_through_yaml_of_the_new_reader(tmp_path: Path) -> None:
    shipped = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))
    for path in shipped:
        data, _ = load_module.read_yaml_file(path)
        assert data == yaml.safe_load(path.read_text(encoding="utf-8")), path
