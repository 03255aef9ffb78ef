"""``kzsim run --posterior`` and ``kzsim compare --posterior``: ensembles over posterior draws."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from kzsim.api import run
from kzsim.cli import main
from kzsim.ensemble import plan_members
from kzsim.posterior import load_posterior
from kzsim.scenario.load import load_scenario
from tests.test_posterior import SMALL, write_posterior
from tests.viz.pages import assert_self_contained, section_ids

STEPS = "3"


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
def posterior(tmp_path: Path) -> Path:
    return write_posterior(tmp_path / "cal")


def ensemble(scenario: Path, posterior: Path, out: Path, *extra: str) -> list[str]:
    args = ["run", str(scenario), "--posterior", str(posterior), "--draws", "3", "--seeds", "2"]
    return [*args, "--steps", STEPS, "--seed", "5", "--out", str(out), *extra]


def test_the_ensemble_folder_holds_members_bands_draws_and_manifest(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posterior = write_posterior(tmp_path / "cal", manifest={"citizens": 1000})
    out = tmp_path / "ens"
    assert main(ensemble(scenario_file, posterior, out, "--workers", "1")) == 0
    series = pd.read_parquet(out / "series.parquet")
    assert list(series.columns) == ["draw", "seed", "step", "date", "scope", "variable", "value"]
    assert sorted(series["draw"].unique()) == [0, 1, 2]
    assert series["seed"].nunique() == 6 and series.groupby("draw")["seed"].nunique().eq(2).all()
    assert sorted(series["date"].unique()) == ["2010-01", "2010-02", "2010-03"]
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns) == ["draw", "seed", "step", "date", "kind", "actor", "detail"]

    bands = pd.read_parquet(out / "bands.parquet")
    assert list(bands.columns) == ["step", "date", "scope", "variable", "median", "q05", "q95"]
    assert ((bands["q05"] <= bands["median"]) & (bands["median"] <= bands["q95"])).all()
    assert len(bands) == len(series) // 6
    spread = bands[(bands["variable"] == "sinophobia_mean") & (bands["scope"] == "national")]
    assert (spread["q95"] > spread["q05"]).all()  # the draws' Sinophobia differs
    one = series[(series["variable"] == "sinophobia_mean") & (series["scope"] == "national")]
    last = one[one["date"] == "2010-03"]["value"]
    row = spread[spread["date"] == "2010-03"].iloc[0]
    assert row["median"] == pytest.approx(last.median())
    assert row["q05"] == pytest.approx(last.quantile(0.05))

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    members = plan_members(load_posterior(posterior), 3, 2, master=5)
    draws = pd.read_csv(out / "draws.csv")
    assert list(draws.columns) == [
        "draw",
        "particle",
        "weight",
        "population.sinophobia_mean",
        "rules.opinion.eaeu_price_weight",
    ]
    assert draws["particle"].tolist() == [m.particle for m in members[::2]]
    assert manifest["kind"] == "ensemble" and manifest["seed"] == 5
    assert manifest["draws"] == 3 and manifest["seeds"] == 2 and manifest["steps"] == 3
    assert manifest["members"] == [[m.draw, m.particle, m.seed] for m in members]
    digest = hashlib.sha256((posterior / "posterior.parquet").read_bytes()).hexdigest()
    assert manifest["posterior"]["posterior_hash"] == digest
    assert manifest["posterior"]["folder"] == str(posterior)
    assert {"kzsim", "numpy", "mesa"} <= set(manifest["versions"])
    assert len(manifest["scenario_hash"]) == 64
    assert sorted(p.name for p in (out / "plots").glob("*.png"))

    captured = capsys.readouterr()
    assert "posterior was calibrated with 1000 simulated citizens; this scenario has 500" in (
        captured.err
    )
    printed = captured.out
    assert "median" in printed and "90% band" in printed and "share 0-1" in printed
    assert "3 posterior draws x 2 seed(s)" in printed


@pytest.mark.slow
def test_a_member_is_the_scenario_with_its_particle_and_seed(
    scenario_file: Path, posterior: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ens"
    assert main(ensemble(scenario_file, posterior, out, "--workers", "1", "--quiet")) == 0
    series = pd.read_parquet(out / "series.parquet")
    loaded = load_posterior(posterior)
    member = plan_members(loaded, 3, 2, master=5)[3]
    alone = run(
        load_scenario(scenario_file, loaded.overrides(member.particle)),
        seed=member.seed,
        steps=int(STEPS),
    ).series
    mine = series[(series["draw"] == member.draw) & (series["seed"] == member.seed)]
    pd.testing.assert_frame_equal(
        mine.drop(columns=["draw", "seed"]).reset_index(drop=True), alone, check_dtype=False
    )


@pytest.mark.slow
def test_one_and_two_workers_give_the_same_ensemble(
    scenario_file: Path, posterior: Path, tmp_path: Path
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(ensemble(scenario_file, posterior, one, "--workers", "1", "--quiet")) == 0
    assert main(ensemble(scenario_file, posterior, two, "--workers", "2", "--quiet")) == 0
    for name in ("series.parquet", "events.parquet", "bands.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(one / name), pd.read_parquet(two / name))
    assert (one / "draws.csv").read_bytes() == (two / "draws.csv").read_bytes()
    members = [json.loads((f / "manifest.json").read_text())["members"] for f in (one, two)]
    assert members[0] == members[1]


@pytest.mark.slow
def test_an_ensemble_folder_is_replaced_only_by_an_ensemble_with_overwrite(
    scenario_file: Path, posterior: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ens"
    args = ensemble(scenario_file, posterior, out, "--workers", "1", "--quiet")
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 2
    assert "holds an earlier kzsim ensemble (allowed: --overwrite" in capsys.readouterr().err
    assert main([*args, "--overwrite"]) == 0
    plain_run = ["run", str(scenario_file), "--steps", "2", "--quiet", "--overwrite"]
    assert main([*plain_run, "--out", str(out)]) == 2
    assert "holds a kzsim ensemble, which a run never replaces" in capsys.readouterr().err
    assert main([*plain_run[:-1], "--out", str(tmp_path / "run")]) == 0
    assert main([*args, "--out", str(tmp_path / "run"), "--overwrite"]) == 2
    assert "holds a kzsim run, which an ensemble never replaces" in capsys.readouterr().err


def test_the_report_of_an_ensemble_folder(
    scenario_file: Path, posterior: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ens"
    assert main(ensemble(scenario_file, posterior, out, "--workers", "1", "--quiet")) == 0
    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    assert section_ids(page) == ["summary", "plots", "draws"]
    assert "posterior.parquet hash" in page and "rules.opinion.eaeu_price_weight" in page
    assert page.count("<img") == len(list((out / "plots").glob("*.png")))


@pytest.mark.slow
def test_compare_with_a_posterior_pairs_draws_and_seeds_across_arms(
    scenario_file: Path, posterior: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cmp"
    args = ["compare", str(scenario_file), str(scenario_file), "--posterior", str(posterior)]
    assert main([*args, "--draws", "3", "--seeds", "2", "--seed", "5", "--out", str(out)]) == 0
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["comparison"]
    members = plan_members(load_posterior(posterior), 3, 2, master=5)
    assert entry["posterior"]["members"] == [[m.draw, m.particle, m.seed] for m in members]
    assert [d["particle"] for d in entry["posterior"]["draws"]] == [
        m.particle for m in members[::2]
    ]
    assert entry["seeds"] == [m.seed for m in members]
    # the same file in both arms: paired by draw and seed, every difference is zero
    deltas = pd.read_csv(out / "deltas.csv")
    assert (deltas["delta"] == 0).all() and (deltas["replications"] == 6).all()
    outcomes = pd.read_csv(out / "outcomes.csv")
    spread = outcomes[(outcomes["outcome"] == "end sinophobia_mean") & (outcomes["arm"] == "A")]
    assert spread["value"].nunique() > 1  # the draws' parameters differ between replications
    printed = capsys.readouterr().out
    assert f"over 6 common seeds and posterior draws (3 draws from {posterior})" in printed
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "the same posterior draw in both arms (3 draws of population.sinophobia_mean" in page


@pytest.mark.slow
def test_compare_applies_each_draw_to_both_arms(
    scenario_file: Path, posterior: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    args = ["compare", str(scenario_file), str(scenario_file), "--posterior", str(posterior)]
    extra = ["--set-b", "rules.bri_loans.enabled=false", "--seed", "5", "--out", str(out)]
    assert main([*args, "--draws", "2", *extra]) == 0
    series = pd.read_parquet(out / "series.parquet")
    loaded = load_posterior(posterior)
    member = plan_members(loaded, 2, 1, master=5)[1]
    for arm, arm_overrides in (("A", []), ("B", ["rules.bri_loans.enabled=false"])):
        scenario = load_scenario(
            scenario_file, [*arm_overrides, *loaded.overrides(member.particle)]
        )
        alone = run(scenario, seed=member.seed).series
        national = alone[(alone["variable"] == "sinophobia_mean") & (alone["scope"] == "national")]
        expected = national["value"].to_numpy()
        mine = series[
            (series["arm"] == arm)
            & (series["seed"] == member.seed)
            & (series["variable"] == "sinophobia_mean")
        ]
        assert mine["value"].tolist() == pytest.approx(expected.tolist())
