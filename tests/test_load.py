"""Scenario loading: the invalid corpus, overrides and round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kzsim.errors import InputError
from kzsim.scenario.load import load_scenario

INVALID = sorted((Path(__file__).parent / "invalid").glob("*.yaml"))


def expected_error(path: Path) -> str:
    """The first line of each invalid file says the error it must produce: '# error: ...'."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# error: "), path
    return first.removeprefix("# error: ")


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_file_gives_one_located_line(path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.problems == [caught.value.problems[0]], "exactly one problem"
    line = caught.value.problems[0]
    assert line.startswith(f"{path}:{expected_error(path)}")


def test_all_problems_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        "metadata: {name: t, start: 2010-01, end: 2009-01}\n"
        "population: {citizns: 10}\n"
        "initial: {china: {lending_appetite: 2}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    fields = [p.split(": ")[1] for p in caught.value.problems]
    assert sorted(fields) == [
        "initial.china.lending_appetite",
        "metadata.end",
        "population.citizns",
    ]


def test_missing_file() -> None:
    with pytest.raises(InputError) as caught:
        load_scenario("no/such/file.yaml")
    assert caught.value.problems == [
        "no/such/file.yaml:1:1: file: not found (allowed: an existing YAML file)"
    ]


def test_override_sets_a_value_the_file_leaves_at_default(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("metadata: {name: t, start: 2010-01, end: 2010-12}\n", encoding="utf-8")
    scenario = load_scenario(path, ["population.citizens=1234", "metadata.seed=7"])
    assert scenario.population.citizens == 1234
    assert scenario.metadata.seed == 7


def test_override_of_a_missing_key_names_the_override(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("metadata: {name: t, start: 2010-01, end: 2010-12}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path, ["population.citizen=10"])
    (line,) = caught.value.problems
    assert line.startswith("--set population.citizen=10: population.citizen: unknown key")
    assert "did you mean 'citizens'?" in line


def test_override_is_validated_like_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("metadata: {name: t, start: 2010-01, end: 2010-12}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path, ["initial.kazakhstan.repression=3"])
    (line,) = caught.value.problems
    assert line.startswith("--set initial.kazakhstan.repression=3: initial.kazakhstan.repression")


def test_round_trip_keeps_the_scenario(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "metadata: {name: t, start: 2010-01, end: 2010-12}\n"
        "rules:\n  multi_vector: {}\n  opinion: {}\n",
        encoding="utf-8",
    )
    first = load_scenario(path)
    again = tmp_path / "again.yaml"
    again.write_text(yaml.safe_dump(first.to_data(), sort_keys=False), encoding="utf-8")
    second = load_scenario(again)
    assert second == first


def test_override_of_an_undeclared_rule_leaves_the_schedule_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "metadata: {name: t, start: 2010-01, end: 2010-12}\nrules:\n  opinion: {}\n",
        encoding="utf-8",
    )
    plain = load_scenario(path).schedule
    overridden = load_scenario(path, ["rules.land_protests.engine=threshold"])
    assert overridden.schedule == plain
    assert overridden.rules.land_protests.engine == "threshold"
