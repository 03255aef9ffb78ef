"""``kzsim calibrate`` on the real model with tiny settings, and every bad input it refuses."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from kzsim.cli import main
from kzsim.history.targets import Target, load_targets

pytest.importorskip("pyabc")

REPO = Path(__file__).resolve().parents[2]
HISTORICAL = REPO / "scenarios" / "historical_2010_2023.yaml"
RUSSIA = "rules.tariff_harmonisation.base_import_share_russia"
CHINA = "rules.tariff_harmonisation.china_supply_elasticity"


def tiny(**changes: Any) -> dict[str, Any]:
    """Two trade parameters, two trade targets, 10 particles, 2 generations, 1000 citizens."""
    data: dict[str, Any] = {
        "name": "tiny",
        "scenario": str(HISTORICAL),
        "citizens": 1000,
        "parameters": {
            RUSSIA: {"distribution": "uniform", "low": 0.25, "high": 0.55},
            CHINA: {
                "distribution": "lognormal",
                "median": 0.6,
                "sigma": 0.5,
                "low": 0.1,
                "high": 2.0,
            },
        },
        "targets": {"import_share_russia": 2.0, "import_share_china": 1.0},
        "distance": "normalised_rms",
        "particles": 10,
        "generations": 2,
        "predictive_draws": 2,
        "seed": 5,
    }
    data.update(changes)
    return data


def write(folder: Path, data: dict[str, Any], name: str = "tiny.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.slow
def test_calibrate_writes_a_complete_posterior_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    file = write(tmp_path, tiny())
    assert main(["calibrate", str(file), "--out", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr()
    assert (
        RUSSIA in printed.out and "particles" in printed.out and "inside tolerance" in printed.out
    )
    assert "generation 2/2" in printed.err
    assert {p.name for p in out.iterdir()} == {
        "abc.db", "manifest.json", "posterior.parquet", "plots", "predictive"
    }  # fmt: skip
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns) == [RUSSIA, CHINA, "weight"] and len(posterior) == 10
    assert math.isclose(posterior["weight"].sum(), 1.0) and (posterior["weight"] > 0).all()
    assert posterior[RUSSIA].between(0.25, 0.55).all() and posterior[CHINA].between(0.1, 2).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "calibration" and manifest["complete"] is True
    assert manifest["parameters"] == [RUSSIA, CHINA] and manifest["seed"] == 5
    assert {"kzsim", "pyabc", "numpy"} <= set(manifest["versions"])
    assert "trade_partners_2009_2017.csv" in manifest["data_hashes"]
    assert [g["t"] for g in manifest["generations"]] == [0, 1]
    assert manifest["generations"][0]["epsilon"] is None  # the prior sample: infinite
    assert all(g["accepted"] == 10 and g["samples"] >= 10 for g in manifest["generations"])
    assert manifest["throughput"]["particles_per_minute"] > 0 and manifest["wall_time_s"] > 0
    assert sorted(p.name for p in (out / "plots").iterdir()) == ["marginals.png", "pairs.png"]
    table = pd.read_csv(out / "predictive" / "history.csv")
    assert {"import_share_russia", "import_share_china"} == set(table["target"])
    draws = pd.read_csv(out / "predictive" / "draws.csv")
    assert len(draws) == 2 and draws["seed"].nunique() == 2
    score = json.loads((out / "predictive" / "score.json").read_text())
    assert score == manifest["predictive"] and 0 <= score["share_inside"] <= 1
    # the same file again: complete already, nothing changes
    before = (out / "manifest.json").read_bytes()
    assert main(["calibrate", str(file), "--out", str(out), "--workers", "1"]) == 0
    assert "complete already" in capsys.readouterr().err
    assert (out / "manifest.json").read_bytes() == before
    # another file into the same folder: refused, one line
    other = write(tmp_path, tiny(seed=6), "other.yaml")
    assert main(["calibrate", str(other), "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "different file" in lines[0] and "--overwrite" in lines[0]
    assert (out / "manifest.json").read_bytes() == before


def _prior(low: float, high: float) -> dict[str, Any]:
    return {"distribution": "uniform", "low": low, "high": high}


def _parameters(**priors: dict[str, Any]) -> dict[str, Any]:
    return {key.replace("__", "."): prior for key, prior in priors.items()}


BAD: dict[str, tuple[dict[str, Any], str]] = {
    "unknown key": (
        {"parameters": _parameters(rules__tariff_harmonisation__no_such=_prior(0, 1))},
        "rules.tariff_harmonisation.no_such: unknown key 'no_such'",
    ),
    "bounds reversed": (
        {"parameters": {RUSSIA: _prior(0.5, 0.3)}},
        f"parameters.{RUSSIA}.high: 0.3 is not above low 0.5",
    ),
    "outside the key's bounds": (
        {"parameters": {RUSSIA: _prior(0.3, 1.5)}},
        f"{RUSSIA}: 1.5: Input should be less than 1",
    ),
    "unknown target": (
        {"targets": {"import_share_mars": 1.0}},
        "targets.import_share_mars: unknown target 'import_share_mars'",
    ),
    "target not modelled": (
        {"targets": {"killed_january_2022": 1.0}},
        "targets.killed_january_2022: not modelled: the model has no deaths",
    ),
    "empty targets": ({"targets": {}}, "targets: Dictionary should have at least 1 item"),
    "unknown distance": ({"distance": "euclid"}, "distance: 'euclid': Input should be"),
    "missing scenario": ({"scenario": "nowhere.yaml"}, "nowhere.yaml: file not found"),
    "neither generations nor schedule": (
        {"generations": None},
        "generations: required unless epsilon_schedule is given",
    ),
    "rising schedule": (
        {"generations": None, "epsilon_schedule": [1.0, 2.0]},
        "epsilon_schedule: must decrease",
    ),
    "unknown prior": (
        {"parameters": {RUSSIA: {"distribution": "beta", "low": 0, "high": 1}}},
        "allowed distributions: uniform, normal, lognormal",
    ),
    "not finite": ({"particles": float("nan")}, "particles:"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changes, expected = BAD[case]
    data = tiny()
    for key, value in changes.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    file = write(tmp_path, data)
    out = tmp_path / "out"
    assert main(["calibrate", str(file), "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{file}:") and expected in lines[0], lines[0]
    assert not out.exists()


def test_a_target_without_its_model_series_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import dataclasses

    import kzsim.history.targets

    def targets() -> tuple[Target, ...]:
        return tuple(
            dataclasses.replace(t, series="no_such_series") if t.name == "import_share_china" else t
            for t in load_targets()
        )

    monkeypatch.setattr(kzsim.history.targets, "load_targets", targets)
    file = write(tmp_path, tiny())
    assert main(["calibrate", str(file), "--out", str(tmp_path / "out")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert (
        len(lines) == 1 and "targets.import_share_china: no model series no_such_series" in lines[0]
    )
    assert not (tmp_path / "out").exists()


def test_without_pyabc_one_line_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pyabc", None)
    file = write(tmp_path, tiny())
    assert main(["calibrate", str(file), "--out", str(tmp_path / "out")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "pip install 'kzsim[calibrate]'" in lines[0]
    assert not (tmp_path / "out").exists()


def test_a_folder_in_use_by_another_calibration_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kzsim.batch.store import FolderLock
    from kzsim.calibration.calibrate import LOCK

    out = tmp_path / "out"
    out.mkdir()
    manifest = {"kind": "calibration", "complete": False, "versions": {"kzsim": "0"}}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    lock = FolderLock.acquire(out, "kzsim calibrate", name=LOCK)
    try:
        file = write(tmp_path, tiny())
        assert main(["calibrate", str(file), "--out", str(out)]) == 2
    finally:
        lock.release()
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "in use by kzsim calibrate" in lines[0]
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


def test_the_shipped_calibration_is_valid_and_keeps_only_the_targets_series() -> None:
    from kzsim.calibration.load import load_calibration

    calibration = load_calibration(REPO / "calibration" / "historical.yaml")
    assert len(calibration.parameters) == 16 and all(t.modelled for t in calibration.targets)
    outputs = calibration.base["outputs"]
    assert set(outputs["series"]) == {str(t.series) for t in calibration.targets}
    assert outputs["regional"] is True  # the 2016 head counts are regional
    assert calibration.base["population"]["citizens"] == 5000


def test_workers_and_scheduler_together_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write(tmp_path, tiny())
    argv = ["calibrate", str(file), "--out", str(tmp_path / "out"), "--workers", "2"]
    assert main([*argv, "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--workers: does not apply with --scheduler" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_overwrite_never_removes_files_kzsim_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    manifest = {"kind": "calibration", "calibration_hash": "another", "versions": {"kzsim": "0"}}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    file = write(tmp_path, tiny())
    assert main(["calibrate", str(file), "--out", str(out), "--overwrite"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "holds files kzsim did not write: notes.txt" in lines[0]
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "notes.txt"]
