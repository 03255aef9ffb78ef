"""``population.citizens: full``: one citizen per person, the persons at the scenario's start.

"full" is resolved when a scenario is loaded: the persons of every region on the census line
(2009-02 and 2021-10 counts, kzsim.scenario.regions.people) in the start month, each region's
rounded, summed. A loaded scenario, its run manifest, a sweep's runs and the history replay
then hold that number. Anything else that is not an integer in range is one line, exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kzsim.batch.experiment import load_experiment
from kzsim.cli import main
from kzsim.errors import InputError
from kzsim.history.replay import run_overrides
from kzsim.model import KazakhstanModel
from kzsim.months import parse_month
from kzsim.scenario.load import load_scenario
from kzsim.scenario.regions import builtin_regions
from kzsim.scenario.schema import PopulationConfig

HISTORICAL = Path(__file__).resolve().parents[2] / "scenarios" / "historical_2010_2023.yaml"
#: The census totals of the shipped region table (shared/data/regions.csv).
CENSUS_2009, CENSUS_2021 = 16_009_597, 19_186_015


def census_line(month: str, scale: int = 1) -> int:
    """Persons in ``month`` on the line through the two censuses, region by region, rounded."""
    along = (parse_month(month) - parse_month("2009-02")) / (
        parse_month("2021-10") - parse_month("2009-02")
    )
    total = 0
    for region in builtin_regions():
        first = region.population // scale
        last = (region.population_2021 or region.population) // scale
        total += round(max(first + along * (last - first), 0.0))
    return total


def scaled_regions(scale: int) -> list[dict[str, Any]]:
    """The shipped regions with ``scale`` times fewer persons (a country of a few thousand)."""
    regions = []
    for region in builtin_regions():
        data = region.model_dump(mode="json")
        data["population"] = region.population // scale
        data["population_2021"] = (region.population_2021 or region.population) // scale
        regions.append(data)
    return regions


def scenario_file(folder: Path, start: str, end: str, scale: int = 10_000) -> Path:
    """A scenario of the scaled regions with ``citizens: full``."""
    data = {
        "metadata": {"name": "tiny", "start": start, "end": end},
        "population": {"citizens": "full", "regions": scaled_regions(scale)},
    }
    path = folder / "tiny.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_census_months_give_the_census_totals() -> None:
    assert census_line("2009-02") == CENSUS_2009
    assert census_line("2021-10") == CENSUS_2021
    assert sum(r.population for r in builtin_regions()) == CENSUS_2009


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2010-01", "2023-12"),
        ("2022-01", "2030-12"),
        ("2009-02", "2009-12"),
        ("2021-10", "2022-03"),
    ],
)
def test_full_is_the_persons_of_the_regions_in_the_start_month(start: str, end: str) -> None:
    overrides = ["population.citizens=full", f"metadata.start={start}", f"metadata.end={end}"]
    scenario = load_scenario(HISTORICAL, [*overrides, "events=[]"])
    assert scenario.population.citizens == census_line(start)
    assert type(scenario.population.citizens) is int


def test_full_differs_between_start_months_as_the_population_grew() -> None:
    early = load_scenario(HISTORICAL, ["population.citizens=full"]).population.citizens
    late = load_scenario(
        HISTORICAL,
        ["population.citizens=full", "metadata.start=2022-01", "metadata.end=2023-12", "events=[]"],
    ).population.citizens
    assert early == census_line("2010-01")
    assert 16_100_000 < early < 16_400_000
    assert 19_200_000 < late < 19_400_000


def test_the_population_section_alone_takes_the_2009_census() -> None:
    assert PopulationConfig.model_validate({"citizens": "full"}).citizens == CENSUS_2009


def test_a_loaded_full_scenario_holds_the_number_and_loads_back_equal() -> None:
    scenario = load_scenario(HISTORICAL, ["population.citizens=full"])
    data = scenario.to_data()
    assert data["population"]["citizens"] == census_line("2010-01")
    assert load_scenario(data) == scenario
    replay = load_scenario(data, run_overrides(scenario.population.citizens))
    assert replay.population.citizens == scenario.population.citizens


def test_a_full_run_has_one_citizen_per_person_and_records_the_number(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "2010-01", "2010-03")
    persons = census_line("2010-01", scale=10_000)
    model = KazakhstanModel(load_scenario(path), seed=1)
    assert model.population.size == persons
    assert abs(model.people().sum() - persons) < 17 / 2
    out = tmp_path / "run"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["citizens"] == persons
    assert manifest["scenario"]["population"]["citizens"] == persons


def test_a_sweep_factor_may_be_full(tmp_path: Path) -> None:
    scenario_file(tmp_path, "2010-01", "2010-06")
    experiment = {
        "name": "sizes",
        "scenario": "tiny.yaml",
        "design": {"method": "grid"},
        "factors": {"population.citizens": ["full", 500]},
        "replications": 1,
        "seed": 1,
        "outcomes": {"legitimacy": {"series": "legitimacy_mean", "stat": "final"}},
    }
    path = tmp_path / "sizes.yaml"
    path.write_text(yaml.safe_dump(experiment), encoding="utf-8")
    loaded = load_experiment(path)
    sizes = [loaded.scenario(point).population.citizens for point in range(len(loaded.points))]
    assert sizes == [census_line("2010-01", scale=10_000), 500]
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("half", "population.citizens: 'half': Input should be a valid integer"),
        ("Full", "population.citizens: 'Full': Input should be a valid integer"),
        ("-1", "population.citizens: -1: Input should be greater than or equal to 100"),
        ("3e7", "population.citizens: '3e7': Input should be a valid integer"),
        ("3.0e+7", "population.citizens: 30000000.0: Input should be a valid integer"),
        (
            "30000000",
            "population.citizens: 30000000: Input should be less than or equal to 25000000",
        ),
    ],
)
def test_a_bad_number_of_citizens_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    item = f"population.citizens={value}"
    with pytest.raises(InputError) as error:
        load_scenario(HISTORICAL, [item])
    assert error.value.problems == [f"--set {item}: {message}"]
    code = main(["run", str(HISTORICAL), "--set", item, "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"--set {item}: {message}"]


def test_full_beyond_the_largest_population_is_one_line(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "2010-01", "2010-12", scale=1)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for region in data["population"]["regions"]:
        region["population"] *= 2
        region["population_2021"] *= 2
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_scenario(path)
    (line,) = error.value.problems
    assert load_persons(data) > 25_000_000
    assert line.endswith(
        f"population.citizens: full is {load_persons(data):,} persons in 2010-01 (allowed: "
        "100 to 25,000,000 citizens)"
    )
    assert line.startswith(f"{path}:")


def load_persons(data: dict[str, Any]) -> int:
    """The persons of the doubled regions in 2010-01, on the census line."""
    along = (parse_month("2010-01") - parse_month("2009-02")) / (
        parse_month("2021-10") - parse_month("2009-02")
    )
    return sum(
        round(r["population"] + along * (r["population_2021"] - r["population"]))
        for r in data["population"]["regions"]
    )
