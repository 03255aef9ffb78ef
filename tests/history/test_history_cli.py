"""``kzsim history``: the table, the folder, the report, and one line for bad input."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from kzsim.cli import main
from kzsim.history.evaluate import score
from kzsim.history.replay import run_overrides, run_replays
from kzsim.scenario.load import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
REPLAY = SCENARIOS / "historical_2010_2023.yaml"
QUICK = ["history", "--seeds", "2", "--citizens", "1000", "--workers", "1"]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    out = tmp_path_factory.mktemp("history") / "h"
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream):
        code = main([*QUICK, "--out", str(out)])
    return out, code, stream.getvalue()


def test_prints_every_observation_the_not_modelled_targets_and_the_score(written) -> None:
    out, code, printed = written
    assert code == 0
    for key in ("import_share_russia", "eaeu_support", "detained_january_2022", "OUTSIDE"):
        assert key in printed
    assert "excluded import_share_russia@2010: statistical break" in printed
    assert "not modelled: total_external_debt" in printed
    table = pd.read_csv(out / "history.csv", keep_default_na=False)
    share, distance = score(table)
    fitted = table[table["excluded"] == ""]
    assert f"{int(fitted['inside'].sum())} of {len(fitted)} observations inside" in printed
    assert f"normalised distance {distance:.3g}" in printed


def test_writes_the_table_manifest_and_one_figure_per_family(written) -> None:
    out, _, _ = written
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "history"
    assert manifest["seeds"] == [1, 2] and manifest["citizens"] == 1000
    assert set(manifest["data_hashes"]) >= {"trade_partners_2009_2017.csv", "README.md"}
    table = pd.read_parquet(out / "history.parquet")
    assert manifest["score"]["share_inside"] == pytest.approx(score(table)[0])
    assert not table.isna().any().any()
    assert sorted(p.stem for p in (out / "figures").glob("*.png")) == sorted(
        ["trade", "eaeu_support", "debt", "oil", "protest_2016", "unrest_2022"]
    )
    assert "import_share_russia" in (out / "report.html").read_text(encoding="utf-8")


def test_report_rebuilds_the_page_of_a_history_folder(written, tmp_path: Path) -> None:
    out, _, _ = written
    page = tmp_path / "page.html"
    assert main(["report", str(out), "-o", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64") == 6
    assert "detained_january_2022" in text and "Not modelled yet" in text


def test_an_earlier_history_is_replaced_only_with_overwrite(
    written, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _, _ = written
    assert main([*QUICK, "--seeds", "1", "--out", str(out)]) == 2
    assert "holds an earlier kzsim history (allowed: --overwrite" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--seeds", "0"], "--seeds: 0 is out of range (allowed: 1 to 1000)"),
        (["--seeds", "1001"], "--seeds: 1001 is out of range (allowed: 1 to 1000)"),
        (["--workers", "0"], "--workers: 0 is out of range (allowed: 1 or more)"),
        (["--citizens", "1"], "--citizens: 1 is out of range"),
        (["nowhere.yaml"], "nowhere.yaml"),
        (
            [str(SCENARIOS / "land_reform_2016.yaml")],
            "runs 2015-01 to 2019-12; the history targets need 2010-01 to 2022-09",
        ),
        (
            [str(SCENARIOS / "after_2022_war.yaml")],
            "runs 2021-01 to 2027-12; the history targets need 2010-01",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    arguments: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "h"
    assert main(["history", *arguments, "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and len(error.splitlines()) == 1
    assert not out.exists()


@pytest.mark.history  # two spawned workers: 15 s, so with the history tests
def test_the_runs_are_the_same_whatever_the_number_of_workers() -> None:
    data = load_scenario(REPLAY, run_overrides(500)).to_data()
    keep = ["import_share_russia", "protest_participants"]
    serial = run_replays(data, [1, 2], keep, workers=1)
    parallel = run_replays(data, [1, 2], keep, workers=2)
    for one, other in zip(serial, parallel, strict=True):
        pd.testing.assert_frame_equal(one, other)
    assert not serial[0].equals(serial[1])


def test_a_history_folder_is_never_replaced_by_a_run(
    written, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _, _ = written
    assert main(["run", str(REPLAY), "--out", str(out), "--overwrite", "--quiet"]) == 2
    assert "holds a kzsim history, which a run never replaces" in capsys.readouterr().err
    assert (out / "history.csv").exists()


def test_a_target_naming_no_model_series_is_one_line_before_anything_runs() -> None:
    from dataclasses import replace

    from kzsim.errors import InputError
    from kzsim.history.commands import check_series
    from kzsim.history.targets import load_targets

    targets = load_targets()
    check_series(targets)  # the shipped targets name series the model writes
    broken = (replace(targets[0], series="import_share_mars"), *targets[1:])
    with pytest.raises(InputError) as error:
        check_series(broken)
    (line,) = error.value.problems
    assert "import_share_russia: series import_share_mars is not a model output" in line
