"""The command line, in process: exit codes, one-line errors, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kzsim.cli import main
from kzsim.contracts import SCHEDULE

SMALL = (
    "metadata: {name: small, start: 2010-01, end: 2010-06, seed: 3}\npopulation: {citizens: 500}\n"
)


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_run_writes_the_output_folder(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["run", str(scenario_file), "--out", str(out)]) == 0
    series = pd.read_parquet(out / "series.parquet")
    assert list(series.columns) == ["step", "date", "scope", "variable", "value"]
    assert sorted(series["date"].unique()) == [f"2010-0{m}" for m in range(1, 7)]
    assert {"national", "kazakhstan", "russia", "china", "almaty_city"} <= set(series["scope"])
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns) == ["step", "date", "kind", "actor", "detail"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["steps"] == 6
    assert {"kzsim", "mesa", "numpy", "python"} <= set(manifest["versions"])
    assert sorted(p.name for p in (out / "plots").glob("*.png"))
    printed = capsys.readouterr().out
    assert "applied_tariff" in printed and "written to" in printed


def test_run_csv_with_seed_and_override(scenario_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    code = main(
        [
            "run",
            str(scenario_file),
            "--out",
            str(out),
            "--format",
            "csv",
            "--seed",
            "9",
            "--set",
            "population.citizens=300",
            "--quiet",
        ]
    )
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 9
    assert manifest["scenario"]["population"]["citizens"] == 300
    assert (out / "series.csv").exists() and (out / "events.csv").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "{missing}"], ":1:1: file: not found"),
        (["run", "{scenario}", "--set", "population.citizen=5"], "--set population.citizen=5:"),
        (["run", "{scenario}", "--format", "xlsx"], "--format: 'xlsx' is not a format"),
        (["run", "{scenario}", "--out", "{unwritable}"], "--out: cannot create folder"),
        (["validate", "{invalid}"], "unknown rule 'land_protest'"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(
    args: list[str],
    expected: str,
    scenario_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    values = {
        "missing": str(tmp_path / "missing.yaml"),
        "scenario": str(scenario_file),
        "unwritable": str(blocker / "out"),
        "invalid": str(Path(__file__).parent / "invalid" / "unknown_rule.yaml"),
    }
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main([a.format(**values) for a in args]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]
    assert "Traceback" not in captured.err + captured.out
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_validate_reports_ok(scenario_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(scenario_file)]) == 0
    assert "ok:" in capsys.readouterr().out


def test_schema_is_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Scenario"
    assert {"metadata", "population", "rules", "events"} <= set(schema["properties"])


def test_list_names_scenarios_and_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    printed = capsys.readouterr().out
    assert "historical_2010_2023" in printed
    rules = printed[printed.index("Rules") :].splitlines()[1:]
    assert [line.split()[0] for line in rules] == list(SCHEDULE)


def test_unknown_option_is_a_usage_error(scenario_file: Path) -> None:
    assert main(["run", str(scenario_file), "--bogus"]) == 2


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"kzsim {version('kzsim')}"


def test_run_finds_a_shipped_scenario_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no land_reform_2016 file here
    args = ["land_reform_2016", "--steps", "2", "--set", "population.citizens=300", "--quiet"]
    assert main(["run", *args]) == 0
    manifest = json.loads((tmp_path / "runs" / "land_reform_2016" / "manifest.json").read_text())
    assert manifest["scenario"]["metadata"]["name"] == "land_reform_2016"
    assert main(["validate", "land_reform_2016"]) == 0


@pytest.mark.parametrize("command", ["run", "validate", "compare", "dashboard"])
def test_a_name_that_is_neither_a_file_nor_shipped_lists_the_shipped_names(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    args = [command, "land_reform_2061"] + (["land_reform_2016"] if command == "compare" else [])
    assert main(args) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("land_reform_2061:1:1: file: not found")
    assert "shipped scenario: " in lines[0] and "land_reform_2016" in lines[0]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("given", ["{scenario}", "land_reform_2016"])
def test_sweep_on_a_scenario_says_to_use_run(
    given: str, scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = given.format(scenario=scenario_file)
    assert main(["sweep", name, "--out", str(tmp_path / "sweep")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert (
        len(lines) == 1 and f"a scenario, not an experiment (allowed: kzsim run {name}" in lines[0]
    )
    assert not (tmp_path / "sweep").exists()


def test_a_bad_set_names_the_set_argument_not_the_file(
    scenario_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(scenario_file), "--set", "population.citizens=-5"]) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("--set population.citizens=-5:") and str(scenario_file) not in line


EVENTFUL = SMALL.replace("end: 2010-06", "end: 2010-12") + (
    "events:\n"
    "  - {date: 2010-01, kind: policy, actor: eaeu, detail: Customs Union common tariff applied}\n"
    "  - {date: 2010-11, kind: shock, actor: russia, detail: Rouble collapses}\n"
)


def test_the_summary_shows_units_and_the_key_events_with_their_kinds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "eventful.yaml"
    path.write_text(EVENTFUL, encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    rows = {line.split()[0]: line for line in printed.splitlines() if line.strip()}
    assert rows["applied_tariff"].rstrip().endswith("share 0-1")
    assert rows["debt_to_china_usd_bn"].rstrip().endswith("US$ bn")
    story = printed[printed.index("Key events") :].splitlines()[1:]
    assert [line.split()[:2] for line in story[:2]] == [
        ["2010-01", "customs_union_joined"],
        ["2010-11", "shock"],
    ]
    assert "Customs Union common tariff applied" in story[0]
    assert "loan" not in printed[printed.index("Key events") :]
    events = pd.read_parquet(tmp_path / "out" / "events.parquet")
    assert (events["kind"] == "loan_accepted").any()  # the log keeps the routine lines


def test_run_writes_svg_plots_for_slides(scenario_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["run", str(scenario_file), "--out", str(out), "--quiet", "--plot-format", "svg"]
    assert main([*args, "--plot-size", "slides"]) == 0
    suffixes = {p.suffix for p in (out / "plots").iterdir()}
    assert suffixes == {".svg"}
    assert main([*args, "--plot-size", "huge", "--out", str(tmp_path / "other")]) == 2
    assert not (tmp_path / "other").exists()
