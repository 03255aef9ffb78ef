"""The sweep, summarize, plot and validate commands, in process."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzsim.cli import main
from tests.batch.conftest import experiment_data, write_experiment


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small sobol sweep run from the command line (16 points, one replication each)."""
    folder = tmp_path_factory.mktemp("swept")
    data = experiment_data(
        design={"method": "sobol", "samples": 4},
        factors={"population.sinophobia_mean": {"low": 0.2, "high": 0.8},
                 "rules.land_protests.media_amplification": {"low": 0.0, "high": 1.5}},
        replications=1,
        scenario={"metadata": {"end": "2010-06"}},
    )  # fmt: skip
    path = write_experiment(folder, data)
    assert main(["sweep", str(path), "--out", str(folder / "sweep"), "--quiet"]) == 0
    return folder / "sweep"


def test_sweep_reports_what_it_did(experiment_file: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    out = tmp_path / "sweep"
    assert main(["sweep", str(experiment_file), "--out", str(out), "--workers", "2"]) == 0
    printed = capsys.readouterr().out
    assert "small-grid, grid design, 2 points x 2 replications = 4 runs, 500 citizens" in printed
    assert f"4 ok, 0 failed of 4 runs; written to {out}/" in printed


def test_default_output_folder_is_named_after_the_experiment(
    experiment_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", str(experiment_file), "--workers", "1", "--quiet"]) == 0
    assert (tmp_path / "runs" / "small-grid" / "runs.parquet").exists()


def test_bad_input_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_experiment(tmp_path, experiment_data(replications=0))
    out = tmp_path / "sweep"
    assert main(["sweep", str(bad), "--out", str(out)]) == 2
    assert "replications: 0: Input should be greater than or equal to 1" in capsys.readouterr().err
    assert not out.exists()
    good = write_experiment(tmp_path, experiment_data(), name="good.yaml")
    assert main(["sweep", str(good), "--out", str(out), "--workers", "0"]) == 2
    assert "--workers: 0 is out of range (allowed: 1 or more)" in capsys.readouterr().err
    assert not out.exists()


def test_summarize_prints_and_writes_summary_and_sensitivity(
    swept: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summarize", str(swept)]) == 0
    printed = capsys.readouterr().out
    assert "peak_protest: max of protest_share, across replications" in printed
    assert "peak_protest: sobol indices, 95% intervals (* includes 0)" in printed
    assert (swept / "summary.parquet").exists() and (swept / "sensitivity.parquet").exists()


def test_plot_writes_fan_charts_and_sensitivity_bars(
    swept: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plot", str(swept)]) == 0
    names = sorted(p.name for p in (swept / "plots").iterdir())
    for stem in ("fan_protest_share", "fan_sinophobia_mean", "sensitivity_peak_protest",
                 "sensitivity_final_sinophobia"):  # fmt: skip
        assert f"{stem}.png" in names and f"{stem}.svg" in names
    assert all((swept / "plots" / name).stat().st_size > 1000 for name in names)
    assert "8 files written" in capsys.readouterr().out


def test_plot_by_a_chosen_factor_and_series(swept: Path) -> None:
    code = main(["plot", str(swept), "--series", "legitimacy_mean",
                 "--by", "rules.land_protests.media_amplification"])  # fmt: skip
    assert code == 0
    svg = (swept / "plots" / "fan_legitimacy_mean.svg").read_text(encoding="utf-8")
    assert "by rules.land_protests.media_amplification" in svg


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--series", "protest_shar"], "--series: unknown series 'protest_shar'"),
        (["--by", "population.citizens"], "--by: 'population.citizens' is not a factor"),
    ],
)
def test_plot_rejects_unknown_names(
    swept: Path, arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plot", str(swept), *arguments]) == 2
    assert message in capsys.readouterr().err


def test_summarize_of_a_folder_that_is_not_a_sweep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summarize", str(tmp_path)]) == 2
    assert "DIR: not a sweep folder" in capsys.readouterr().err


def test_validate_accepts_experiments_and_scenarios(
    experiment_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = Path(__file__).parents[2] / "scenarios" / "bri_loans.yaml"
    assert main(["validate", str(experiment_file), str(scenario)]) == 0
    printed = capsys.readouterr().out
    assert f"ok: {experiment_file} (small-grid, grid design" in printed
    assert f"ok: {scenario} (bri_loans" in printed
