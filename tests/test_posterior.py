"""``kzsim.posterior``: a calibration folder read back and checked, particles drawn by weight."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from kzsim.cli import main
from kzsim.errors import InputError
from kzsim.posterior import draw_particles, load_posterior, override_value, particle_scenarios
from kzsim.scenario.load import load_scenario

SMALL = (
    "metadata: {name: small, start: 2010-01, end: 2010-06, seed: 3}\npopulation: {citizens: 500}\n"
)
PARAMETERS = ["population.sinophobia_mean", "rules.opinion.eaeu_price_weight"]


def write_posterior(
    folder: Path,
    values: dict[str, list[float]] | None = None,
    manifest: dict[str, Any] | None = None,
) -> Path:
    """A calibration folder as ``kzsim calibrate`` writes it (posterior.parquet, manifest.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = values or {
        "population.sinophobia_mean": [0.3, 0.5, 0.7],
        "rules.opinion.eaeu_price_weight": [0.1, 0.2, 0.3],
        "weight": [0.2, 0.3, 0.5],
    }
    pd.DataFrame(columns).to_parquet(folder / "posterior.parquet", index=False)
    info = {
        "kind": "calibration",
        "parameters": [c for c in columns if c != "weight"],
        "scenario": "scenarios/historical_2010_2023.yaml",
        "versions": {"kzsim": "0.1.0"},
        "complete": True,
    } | (manifest or {})
    (folder / "manifest.json").write_text(json.dumps(info), encoding="utf-8")
    return folder


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_a_posterior_loads_with_its_parameters_weights_and_hash(tmp_path: Path) -> None:
    folder = write_posterior(tmp_path / "cal")
    posterior = load_posterior(folder)
    assert posterior.parameters == tuple(PARAMETERS)
    assert posterior.values.tolist() == [[0.3, 0.1], [0.5, 0.2], [0.7, 0.3]]
    assert posterior.weights.tolist() == pytest.approx([0.2, 0.3, 0.5])
    assert posterior.weights.sum() == pytest.approx(1, abs=1e-15)
    expected = hashlib.sha256((folder / "posterior.parquet").read_bytes()).hexdigest()
    assert posterior.digest == expected
    assert posterior.citizens is None
    assert posterior.overrides(2) == [
        "population.sinophobia_mean=0.7",
        "rules.opinion.eaeu_price_weight=0.3",
    ]


@pytest.mark.parametrize("value", [1e-05, 12.0, 0.1, -3.5e20, 2.5e-300, 7.0])
def test_override_values_read_back_as_the_same_number(value: float) -> None:
    parsed = yaml.safe_load(override_value(value))
    assert isinstance(parsed, int | float) and parsed == value


def test_every_particle_becomes_a_scenario_with_its_values(
    tmp_path: Path, scenario_file: Path
) -> None:
    posterior = load_posterior(write_posterior(tmp_path / "cal"))
    scenarios = particle_scenarios(posterior, load_scenario(scenario_file), str(scenario_file))
    assert [s.population.sinophobia_mean for s in scenarios] == [0.3, 0.5, 0.7]
    assert [s.rules.opinion.eaeu_price_weight for s in scenarios] == [0.1, 0.2, 0.3]


def test_the_same_seed_draws_the_same_particles() -> None:
    weights = np.array([0.2, 0.3, 0.5])
    first = draw_particles(weights, 50, seed=7)
    assert first == draw_particles(weights, 50, seed=7)
    assert first != draw_particles(weights, 50, seed=8)


@pytest.mark.parametrize("seed", range(5))
def test_a_particle_of_weight_one_is_always_drawn(seed: int) -> None:
    assert draw_particles(np.array([0.0, 1.0, 0.0, 0.0]), 40, seed) == [1] * 40


def test_draws_follow_the_weights() -> None:
    weights = np.array([0.1, 0.2, 0.0, 0.7])
    drawn = np.bincount(draw_particles(weights, 20_000, seed=12), minlength=4) / 20_000
    # binomial standard errors are at most 0.0033; 0.015 is more than four of them
    assert drawn == pytest.approx(weights, abs=0.015)
    assert drawn[2] == 0


def bad_weights(weights: list[float]) -> Callable[[Path], Path]:
    values = {"population.sinophobia_mean": [0.3, 0.5, 0.7], "weight": weights}
    return lambda folder: write_posterior(folder, values)


def with_columns(**columns: list[float]) -> Callable[[Path], Path]:
    return lambda folder: write_posterior(folder, dict(columns))


def without_manifest(folder: Path) -> Path:
    write_posterior(folder)
    (folder / "manifest.json").unlink()
    return folder


def without_parquet(folder: Path) -> Path:
    write_posterior(folder)
    (folder / "posterior.parquet").unlink()
    return folder


def a_file(folder: Path) -> Path:
    folder.write_text("not a folder", encoding="utf-8")
    return folder


def columns_unlike_manifest(folder: Path) -> Path:
    return write_posterior(folder, manifest={"parameters": ["population.sinophobia_mean"]})


BAD_POSTERIORS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("missing", lambda folder: folder, "--posterior: not found"),
    ("not a folder", a_file, "--posterior: is not a folder"),
    ("no manifest", without_manifest, "holds no manifest.json"),
    (
        "a run folder",
        lambda f: write_posterior(f, manifest={"kind": "run"}),
        "kind: 'run' is not a calibration",
    ),
    (
        "incomplete",
        lambda f: write_posterior(f, manifest={"complete": False}),
        "complete: the calibration has not finished",
    ),
    ("no posterior.parquet", without_parquet, "posterior.parquet: --posterior: not found"),
    (
        "no weight",
        with_columns(**{"population.sinophobia_mean": [0.3, 0.5]}),
        "columns: missing weight",
    ),
    ("columns unlike the manifest", columns_unlike_manifest, "unexpected"),
    ("negative weight", bad_weights([0.6, 0.6, -0.2]), "weight: particle 2: -0.2 is negative"),
    (
        "weight not finite",
        bad_weights([0.5, float("nan"), 0.5]),
        "weight: particle 1: nan is not a finite number",
    ),
    ("weights sum to 0.9", bad_weights([0.3, 0.3, 0.3]), "the weights sum to 0.9"),
    (
        "weights sum to 1 + 1e-8",
        bad_weights([0.3, 0.3, 0.4 + 1e-8]),
        "allowed: weights summing to 1 within 1e-09",
    ),
    (
        "no particles",
        with_columns(**{"population.sinophobia_mean": [], "weight": []}),
        "rows: holds no particles",
    ),
    (
        "unknown key",
        with_columns(**{"rules.opinion.no_such_weight": [0.1], "weight": [1.0]}),
        "particle 0: rules.opinion.no_such_weight: unknown key 'no_such_weight'",
    ),
    (
        "out of bounds",
        with_columns(**{"population.sinophobia_mean": [0.5, 1.5], "weight": [0.5, 0.5]}),
        "particle 1: population.sinophobia_mean: ",
    ),
]


@pytest.mark.parametrize(
    ("make", "expected"), [case[1:] for case in BAD_POSTERIORS], ids=[c[0] for c in BAD_POSTERIORS]
)
def test_a_bad_posterior_is_one_line_exit_2_nothing_written(
    make: Callable[[Path], Path],
    expected: str,
    scenario_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = make(tmp_path / "cal")
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "new" / "ensemble"
    args = ["run", str(scenario_file), "--posterior", str(folder), "--draws", "2", "--steps", "2"]
    assert main([*args, "--out", str(out)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert expected in lines[0]
    assert "Traceback" not in captured.err + captured.out
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--draws", "0"], "--draws: 0 is out of range (allowed: 1 to 10000)"),
        (["--seeds", "0"], "--seeds: 0 is out of range (allowed: 1 to 1000)"),
        (["--workers", "0"], "--workers: 0 is out of range"),
        (
            ["--set", "population.sinophobia_mean=0.4"],
            "--set population.sinophobia_mean: is a calibrated parameter",
        ),
        (["--steps", "99"], "--steps: 99 is out of range (allowed: 1 to 6)"),
    ],
)
def test_bad_ensemble_options_are_one_line_exit_2_nothing_written(
    extra: list[str],
    expected: str,
    scenario_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = write_posterior(tmp_path / "cal")
    out = tmp_path / "new" / "ensemble"
    args = ["run", str(scenario_file), "--posterior", str(folder), "--out", str(out), *extra]
    assert main(args) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("option", ["--draws", "--seeds", "--workers"])
def test_ensemble_options_need_a_posterior(
    option: str, scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["run", str(scenario_file), option, "3", "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"{option}: needs --posterior (allowed: --posterior DIR {option} N)"]
    assert not out.exists()


def test_compare_refuses_a_bad_posterior_in_one_line(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_posterior(tmp_path / "cal", manifest={"complete": False})
    out = tmp_path / "cmp"
    args = ["compare", str(scenario_file), str(scenario_file), "--posterior", str(folder)]
    assert main([*args, "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "complete: the calibration has not finished" in lines[0]
    assert not out.exists()


def test_compare_draws_need_a_posterior(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["compare", str(scenario_file), str(scenario_file), "--draws", "3"]
    assert main([*args, "--out", str(tmp_path / "cmp")]) == 2
    assert "--draws: needs --posterior" in capsys.readouterr().err
    assert not (tmp_path / "cmp").exists()


def test_particle_problems_name_the_posterior_file(tmp_path: Path, scenario_file: Path) -> None:
    values = {"population.sinophobia_mean": [0.5, 1.5], "weight": [0.5, 0.5]}
    posterior = load_posterior(write_posterior(tmp_path / "cal", values))
    with pytest.raises(InputError) as raised:
        particle_scenarios(posterior, load_scenario(scenario_file), str(scenario_file))
    (line,) = raised.value.problems
    assert line.startswith(f"{tmp_path / 'cal' / 'posterior.parquet'}: particle 1: ")
    assert "--set" not in line
