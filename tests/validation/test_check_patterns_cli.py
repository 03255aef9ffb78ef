"""``kzsim check-patterns``: the table, the figures, exit 0 as a report, exit 2 for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzsim.cli import main

QUICK = ["check-patterns", "--seeds", "1", "--citizens", "500", "--workers", "1"]


def test_prints_the_table_and_writes_one_figure_per_fact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = tmp_path / "figures"
    assert main([*QUICK, "--figures", str(figures)]) == 0
    printed = capsys.readouterr().out
    for code in range(1, 13):
        assert f"SF{code} " in printed
    for column in ("fact", "source", "reproduced", "counterfactual", "result"):
        assert column in printed
    assert "facts pass" in printed and "by construction" in printed
    assert sorted(p.name for p in figures.glob("*.png")) == sorted(
        f"sf{i}.png" for i in range(1, 13)
    )
    assert not list(figures.glob(".*"))  # no staging files left behind


def test_a_failing_fact_is_reported_not_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    # without corruption no project fails: SF9 fails, and the command still succeeds
    code = main([*QUICK, "--set", "rules.bri_loans.leakage_mean=0.001"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "FAIL" in printed


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--seeds", "0"], "--seeds: 0 is out of range (allowed: 1 to 1000)"),
        (["--citizens", "5"], "--citizens: 5 is out of range (allowed: 100 to 5000000)"),
        (["--workers", "0"], "--workers: 0 is out of range (allowed: 1 or more)"),
        (["--set", "rules.tarif.x=1"], "unknown rule 'tarif'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-patterns", *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_figures_path_that_is_a_file_is_refused_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "taken"
    target.write_text("not a folder", encoding="utf-8")
    assert main([*QUICK, "--figures", str(target)]) == 2
    assert "--figures: exists and is not a folder" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_a_replay_not_covering_2010_2023_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    short = tmp_path / "short.yaml"
    short.write_text("metadata: {name: short, start: 2015-01, end: 2019-12}\n", encoding="utf-8")
    assert main([*QUICK, "--scenario", str(short)]) == 2
    err = capsys.readouterr().err
    assert "--scenario: runs 2015-01 to 2019-12; the pattern checks need 2010-01 to 2023-12" in err


def test_output_settings_of_the_replay_do_not_matter(capsys: pytest.CaptureFixture[str]) -> None:
    thinned = ["--set", "outputs.every_months=12", "--set", "outputs.series=[applied_tariff]"]
    assert main([*QUICK, *thinned]) == 0
    assert "facts pass" in capsys.readouterr().out


def test_missing_scenario_file_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*QUICK, "--scenario", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err
