"""Renamed scenario keys: an old key loads, converted, with one warning line naming the new key."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import pytest

import kzsim
from kzsim.batch.experiment import load_experiment
from kzsim.cli import main
from kzsim.contracts import RULE_CONFIGS
from kzsim.errors import InputError
from kzsim.scenario.load import load_scenario
from kzsim.scenario.renames import REMOVED, RENAMES, RenamedKeyWarning
from tests.batch.conftest import experiment_data, write_experiment

OLD = "rules.russian_reactions.irritation_retention_per_month"
NEW = "rules.russian_reactions.irritation_half_life_months"
NOTE = (
    f"{OLD}: renamed to {NEW} (value converted: 0.9 per month -> 6.58 months); the old name will go"
)
HEAD = "metadata: {name: t, start: 2010-01, end: 2010-06, seed: 3}\npopulation: {citizens: 500}\n"


def scenario_file(folder: Path, rules: str) -> Path:
    """A small scenario file whose ``rules:`` section is ``rules`` (starting on line 4)."""
    path = folder / "s.yaml"
    path.write_text(f"{HEAD}rules:\n{rules}", encoding="utf-8")
    return path


def loaded_with_warnings(
    source: str | Path | dict[str, Any], overrides: tuple[str, ...] = ()
) -> tuple[kzsim.Scenario, list[str]]:
    """The scenario and the renamed-key warnings its loading issued."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scenario = load_scenario(source, overrides)
    return scenario, [str(w.message) for w in caught if w.category is RenamedKeyWarning]


def test_every_rename_names_a_gone_key_and_a_parameter() -> None:
    for old, rename in RENAMES.items():
        section, rule, name = old.split(".")
        assert (section, rule) == ("rules", rule) and rename.old_key == old
        assert name not in RULE_CONFIGS[rule].model_fields, old
        assert rename.new_key.rpartition(".")[2] in RULE_CONFIGS[rule].model_fields, rename.new_key
    for old in REMOVED:
        rule, name = old.split(".")[1:]
        assert name not in RULE_CONFIGS[rule].model_fields, old


@pytest.mark.parametrize("old", sorted(RENAMES))
def test_every_old_default_converts_to_the_new_default(old: str) -> None:
    rename = RENAMES[old]
    rule, name = rename.new_key.split(".")[1:]
    assert rename.convert(rename.old_default) == RULE_CONFIGS[rule].model_fields[name].default


def test_an_old_key_in_a_file_loads_converted_with_one_warning(tmp_path: Path) -> None:
    path = scenario_file(
        tmp_path, "  russian_reactions:\n    irritation_retention_per_month: 0.9\n"
    )
    scenario, notes = loaded_with_warnings(path)
    assert notes == [f"{path}:5:5: {NOTE}"]
    new = load_scenario(scenario_file(tmp_path, "  russian_reactions: {}\n"))
    assert scenario == new
    assert math.isclose(
        scenario.rules.russian_reactions.irritation_half_life_months, 6.5788, rel_tol=1e-4
    )


def test_an_old_key_gives_the_same_results_as_the_new_key(tmp_path: Path) -> None:
    old, notes = loaded_with_warnings(
        scenario_file(tmp_path, "  opinion: {hardship_relaxation_per_month: 0.5}\n")
    )
    assert len(notes) == 1 and "(value converted: 0.5 per month -> 1 months)" in notes[0]
    new = load_scenario(
        scenario_file(tmp_path, "  opinion: {hardship_relaxation_half_life_months: 1}\n")
    )
    first, second = kzsim.run(old, steps=3), kzsim.run(new, steps=3)
    assert first.series.equals(second.series)
    assert first.national("hardship_mean").iloc[-1] > 0


def test_an_old_key_in_set_loads_converted_with_one_warning(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "  opinion: {}\n")
    item = f"{OLD}=0.9"
    scenario, notes = loaded_with_warnings(path, (item,))
    assert notes == [f"--set {item}: {NOTE}"]
    assert scenario == load_scenario(
        path, (f"{NEW}={scenario.rules.russian_reactions.irritation_half_life_months!r}",)
    )


def test_an_old_key_in_a_mapping_warns_from_the_api() -> None:
    data = {
        "metadata": {"name": "t", "start": "2010-01", "end": "2010-06"},
        "rules": {"russian_reactions": {"irritation_retention_per_month": 0.9}},
    }
    with pytest.warns(RenamedKeyWarning, match=f"^<scenario>:1:1: {OLD}: renamed to {NEW}"):
        scenario = kzsim.load_scenario(data)
    assert scenario.rules.russian_reactions.irritation_half_life_months == pytest.approx(
        6.5788, rel=1e-4
    )
    assert "irritation_retention_per_month" in data["rules"]["russian_reactions"]  # not changed


def test_the_new_key_alone_gives_no_warning(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "  russian_reactions: {irritation_half_life_months: 6}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_scenario(path, ("rules.opinion.hardship_relaxation_half_life_months=2",))


def test_old_and_new_key_together_are_an_error(tmp_path: Path) -> None:
    path = scenario_file(
        tmp_path,
        "  russian_reactions:\n    irritation_half_life_months: 6\n"
        "    irritation_retention_per_month: 0.9\n",
    )
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.problems == [
        f"{path}:6:5: {OLD}: renamed to {NEW}, which is given too (allowed: one of the two)"
    ]
    with pytest.raises(InputError) as caught:
        load_scenario(scenario_file(tmp_path, "  opinion: {}\n"), (f"{OLD}=0.9", f"{NEW}=6"))
    assert caught.value.problems == [
        f"--set {OLD}=0.9: {OLD}: renamed to {NEW}, which is given too (allowed: one of the two)"
    ]


def test_a_new_key_in_set_overrides_an_old_key_in_the_file(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "  russian_reactions: {irritation_retention_per_month: 0.9}\n")
    scenario, notes = loaded_with_warnings(path, (f"{NEW}=3",))
    assert scenario.rules.russian_reactions.irritation_half_life_months == 3
    assert len(notes) == 1


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1.0", "1.0"),
        ("0", "0"),
        ("-0.5", "-0.5"),
        ("fast", "'fast'"),
        ("true", "True"),
        ("[0.9]", "[0.9]"),
    ],
)
def test_an_old_value_without_a_half_life_is_one_located_line(
    tmp_path: Path, value: str, shown: str
) -> None:
    path = scenario_file(
        tmp_path, f"  russian_reactions: {{irritation_retention_per_month: {value}}}\n"
    )
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.problems == [
        f"{path}:4:23: {OLD}: renamed to {NEW}; {shown} per month cannot be converted (allowed: "
        f"a number strictly between 0 and 1, or {NEW} in months)"
    ]


def test_a_converted_value_out_of_range_names_the_new_key_at_the_old_line(tmp_path: Path) -> None:
    path = scenario_file(
        tmp_path, "  russian_reactions: {irritation_retention_per_month: 0.9999}\n"
    )
    with pytest.raises(InputError) as caught, pytest.warns(RenamedKeyWarning, match="6931.13 mon"):
        load_scenario(path)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(f"{path}:4:23: {NEW}: 6931.1")


def test_a_removed_key_is_one_line_naming_its_replacement(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "  opinion: {land_media_amplification: 1.0}\n")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.problems == [
        f"{path}:4:13: rules.opinion.land_media_amplification: removed: "
        f"{REMOVED['rules.opinion.land_media_amplification']}"
    ]


def test_the_cli_prints_the_warning_on_stderr_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = scenario_file(
        tmp_path, "  russian_reactions:\n    irritation_retention_per_month: 0.9\n"
    )
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"{path}:5:5: {NOTE}"]
    assert captured.out.startswith("ok: ")
    item = "rules.opinion.hardship_relaxation_per_month=0.2"
    assert (
        main(
            [
                "run",
                str(path),
                "--set",
                item,
                "--quiet",
                "--steps",
                "1",
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{path}:5:5: {NOTE}",
        f"--set {item}: rules.opinion.hardship_relaxation_per_month: renamed to "
        "rules.opinion.hardship_relaxation_half_life_months (value converted: 0.2 per month -> "
        "3.11 months); the old name will go",
    ]


def test_an_experiment_naming_old_keys_warns_once_each_and_converts(tmp_path: Path) -> None:
    data = experiment_data(
        set={"rules.opinion.hardship_relaxation_per_month": 0.5},
        factors={OLD: [0.5, 0.9]},
    )
    data["factors"].pop("population.sinophobia_mean")
    path = write_experiment(tmp_path, data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        experiment = load_experiment(path)
        points = [experiment.scenario(i) for i in range(2)]
    notes = [str(w.message) for w in caught if w.category is RenamedKeyWarning]
    assert len(notes) == 2
    assert notes[0].startswith(
        f"{path}:25:3: rules.opinion.hardship_relaxation_per_month: renamed to "
        "rules.opinion.hardship_relaxation_half_life_months (value converted: 0.5 per month -> "
        "1 months)"
    )
    assert notes[1].endswith(
        f".yaml:12:3: {OLD}: renamed to {NEW} (values converted from per month to months); "
        "the old name will go"
    )
    assert [p.rules.russian_reactions.irritation_half_life_months for p in points] == [
        1.0,
        pytest.approx(6.5788, rel=1e-4),
    ]
    assert all(p.rules.opinion.hardship_relaxation_half_life_months == 1.0 for p in points)
    assert [p[OLD] for p in experiment.points] == [0.5, 0.9]


def test_an_experiment_factor_value_without_a_half_life_is_located(tmp_path: Path) -> None:
    data = experiment_data(factors={OLD: [0.5, 1.0]})
    data["factors"].pop("population.sinophobia_mean")
    with pytest.raises(InputError) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_experiment(write_experiment(tmp_path, data))
    assert len(caught.value.problems) == 1
    assert "1.0 per month cannot be converted" in caught.value.problems[0]
    assert caught.value.problems[0].endswith("(design point 1 of 2)")


def test_an_experiment_with_old_and_new_key_is_an_error(tmp_path: Path) -> None:
    data = experiment_data(set={NEW: 4}, factors={OLD: [0.5, 0.9]})
    data["factors"].pop("population.sinophobia_mean")
    with pytest.raises(InputError) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_experiment(write_experiment(tmp_path, data))
    assert [p.split(": ", 1)[1] for p in caught.value.problems] == [
        f"factors.{OLD}: renamed to {NEW}, which is given too (allowed: one of the two)"
    ]
