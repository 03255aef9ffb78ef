"""Experiment files: the invalid corpus, design points as validated scenarios, hashing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kzsim.batch.experiment import is_experiment_file, load_experiment, yaml_text
from kzsim.cli import main
from kzsim.errors import InputError
from tests.batch.conftest import experiment_data, write_experiment

INVALID = sorted((Path(__file__).parent / "invalid").glob("*.yaml"))


def expected_error(path: Path) -> str:
    """The first line of each invalid file says the error it must produce: '# error: ...'."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# error: ")
    return first.removeprefix("# error: ")


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_experiment_is_reported_at_its_line(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith(f"{path}:{expected_error(path)}") for line in lines), lines
    assert not any("Traceback" in line for line in lines)


def test_shipped_style_experiment_validates(experiment_file: Path) -> None:
    experiment = load_experiment(experiment_file)
    assert experiment.spec.runs == 4
    assert [p["population.sinophobia_mean"] for p in experiment.points] == [0.3, 0.7]
    assert experiment.scenario(1).population.sinophobia_mean == 0.7


def test_every_design_point_problem_is_listed_once_with_its_points(tmp_path: Path) -> None:
    data = experiment_data(factors={"rules.tariff_harmonisation.months_to_converge": [0, 6, 0]})
    data["factors"].pop("population.sinophobia_mean")
    with pytest.raises(InputError) as caught:
        load_experiment(write_experiment(tmp_path, data))
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].endswith("(design points 0, 2 of 3)")


def test_set_and_factors_behave_like_overrides(tmp_path: Path) -> None:
    data = experiment_data(
        set={"population.citizens": 700, "rules.bri_loans.enabled": False},
        factors={"events": [[{"date": "2010-03", "kind": "shock", "detail": "x"}]]},
    )
    experiment = load_experiment(write_experiment(tmp_path, data))
    scenario = experiment.scenario(0)
    assert scenario.population.citizens == 700
    assert not scenario.rules.bri_loans.enabled
    assert scenario.events[0].date == "2010-03"


def test_base_scenario_path_is_relative_to_the_experiment_file(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    base = tmp_path / "scenarios" / "base.yaml"
    base.write_text(yaml.safe_dump(experiment_data()["scenario"]), encoding="utf-8")
    (tmp_path / "experiments").mkdir()
    data = experiment_data(scenario="../scenarios/base.yaml", out="../runs/x")
    experiment = load_experiment(write_experiment(tmp_path / "experiments", data))
    assert experiment.scenario(0).population.citizens == 500
    assert experiment.out.resolve() == (tmp_path / "runs" / "x").resolve()


def test_a_problem_in_the_base_scenario_file_names_that_file(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(
        "metadata: {name: b, start: 2010-01, end: 2010-12}\npopulation: {citizenz: 5}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_experiment(write_experiment(tmp_path, experiment_data(scenario="base.yaml")))
    assert caught.value.problems[0].startswith(f"{base}:2:14: population.citizenz: unknown key")


def test_hash_follows_what_determines_results(tmp_path: Path) -> None:
    a = load_experiment(experiment_data())
    assert load_experiment(experiment_data(description="reworded", out="elsewhere")).hash == a.hash
    assert load_experiment(experiment_data(seed=8)).hash != a.hash
    changed_base = experiment_data(scenario={"population": {"citizens": 600}})
    assert load_experiment(changed_base).hash != a.hash


def test_kept_series_include_the_outcomes_series() -> None:
    experiment = load_experiment(experiment_data(series=["applied_tariff"]))
    kept = experiment.scenario(0).outputs.series
    assert kept == ("applied_tariff", "protest_share", "sinophobia_mean")
    assert not experiment.scenario(0).outputs.regional
    regional = load_experiment(
        experiment_data(
            outcomes={"almaty": {"series": "protest_share", "stat": "max", "region": "almaty_city"}}
        )
    )
    assert regional.scenario(0).outputs.regional


def test_experiment_files_are_told_apart_from_scenarios(
    experiment_file: Path, tmp_path: Path
) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(experiment_data()["scenario"]), encoding="utf-8")
    assert is_experiment_file(experiment_file)
    assert not is_experiment_file(scenario)
    assert not is_experiment_file(tmp_path / "missing.yaml")


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
)


@given(st.one_of(scalars, st.lists(scalars, max_size=3)))
def test_values_survive_the_trip_through_override_text(value: object) -> None:
    assert yaml.safe_load(yaml_text(value)) == value
