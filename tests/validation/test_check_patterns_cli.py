"""``kzsim check-patterns``: the table, the figures, exit 1 when a fact fails, 2 for bad input."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from kzsim.cli import main
from kzsim.validation import suite
from kzsim.validation.patterns import PATTERNS
from kzsim.validation.suite import Outcome, Runs

QUICK = ["check-patterns", "--seeds", "1", "--citizens", "500", "--workers", "1"]


def expected_exit(printed: str) -> int:
    """The exit code a printed table calls for: 1 if any fact failed, else 0."""
    return 1 if "FAIL" in printed else 0


def scored(shares: dict[str, float]) -> Callable[..., tuple[list[Outcome], Runs]]:
    """A stand-in for ``run_suite`` scoring every fact at once, without simulating.

    Each fact shows in ``shares.get(code, 1.0)`` of the seeds and in none of its counterfactual.
    """

    def run_suite(base: dict[str, Any], seeds: Sequence[int], *args: Any, **kwargs: Any) -> Any:
        outcomes = [
            Outcome(p, len(seeds), shares.get(p.code, 1.0), None if p.contrast is None else 0.0)
            for p in PATTERNS
        ]
        return outcomes, {}

    return run_suite


@pytest.mark.slow
def test_prints_the_table_and_writes_one_figure_per_fact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = tmp_path / "figures"
    code = main([*QUICK, "--figures", str(figures)])
    printed = capsys.readouterr().out
    assert code == expected_exit(printed)
    for code in range(1, 13):
        assert f"SF{code} " in printed
    for column in ("fact", "origin", "source", "reproduced", "counterfactual", "result"):
        assert column in printed
    assert "facts pass" in printed and "by construction" in printed
    assert sorted(p.name for p in figures.glob("*.png")) == sorted(
        f"sf{i}.png" for i in range(1, 13)
    )
    assert not list(figures.glob(".*"))  # no staging files left behind


@pytest.mark.slow
def test_a_failing_fact_is_reported_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    # without corruption no project fails: SF9 fails, the table is still printed, the exit is 1
    code = main([*QUICK, "--set", "rules.bri_loans.leakage_mean=0.001"])
    printed = capsys.readouterr().out
    assert code == 1
    assert "FAIL" in printed and "facts pass" in printed


@pytest.mark.parametrize(
    ("shares", "code"),
    [({}, 0), ({"SF11": 0.65}, 1), ({"SF3": 0.79}, 1)],
    ids=["all pass", "SF11 fails", "SF3 just short"],
)
def test_exit_code_is_0_only_when_every_fact_passes(
    shares: dict[str, float],
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(suite, "run_suite", scored(shares))
    assert main(QUICK) == code
    printed = capsys.readouterr().out
    assert printed.count("FAIL") == len(shares)
    assert f"{12 - len(shares)} of 12 facts pass" in printed


def test_the_help_gives_the_labels_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-patterns", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "emergent or scripted" in text
    assert "Exit code 0 when every fact passes, 1 when any fails, 2 for bad input." in text


def test_the_table_shows_each_facts_origin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(suite, "run_suite", scored({}))
    main(QUICK)
    lines = capsys.readouterr().out.splitlines()
    (header,) = [line for line in lines if " origin " in line]
    assert header.index(" fact ") < header.index(" origin ") < header.index(" source ")
    for fact in PATTERNS:
        (row,) = [line for line in lines if f" {fact.code} " in line]
        source = f" {fact.source[:4]}"  # the first source line, e.g. " P L3"
        assert row.index(f" {fact.code} ") < row.index(f" {fact.origin} ") < row.index(source)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--seeds", "0"], "--seeds: 0 is out of range (allowed: 1 to 1000)"),
        (["--citizens", "5"], "--citizens: 5 is out of range (allowed: 100 to 25000000)"),
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


@pytest.mark.slow
def test_output_settings_of_the_replay_do_not_matter(capsys: pytest.CaptureFixture[str]) -> None:
    thinned = ["--set", "outputs.every_months=12", "--set", "outputs.series=[applied_tariff]"]
    code = main([*QUICK, *thinned])
    printed = capsys.readouterr().out
    assert "facts pass" in printed
    assert code == expected_exit(printed)


def test_missing_scenario_file_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*QUICK, "--scenario", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err
