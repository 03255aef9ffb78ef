"""``kzsim compare``: common random numbers, input differences, paired deltas, the folder."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzsim import catalog
from kzsim.api import run
from kzsim.cli import main
from kzsim.plots import FIGURES
from kzsim.scenario.load import load_scenario
from kzsim.viz.compare import (
    KEPT_VARIABLES,
    OUTCOMES,
    paired_deltas,
    replication_seeds,
    run_comparison,
)
from tests.viz.pages import assert_self_contained, section_ids

SMALL = """\
metadata: {{name: {name}, start: 2015-01, end: 2016-12, seed: 11}}
population: {{citizens: 600, sinophobia_mean: {sinophobia}}}
rules:
  land_protests: {{engine: epstein}}
events:
  - {{date: 2015-11, kind: land_reform, detail: amendments, effective: 2016-07}}
  - date: 2016-04
    kind: announcement
    detail: auction announced
    effects: [{{target: kazakhstan.land_salience, shift: 0.4}}]
"""


def write(folder: Path, name: str, sinophobia: float = 0.55, text: str = SMALL) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text.format(name=name, sinophobia=sinophobia), encoding="utf-8")
    return path


def test_an_arm_compared_with_itself_differs_in_nothing(tmp_path: Path) -> None:
    a = write(tmp_path, "a")
    comparison = run_comparison((a, a), replications=3)
    assert comparison.inputs == []
    assert (comparison.deltas["delta"] == 0).all()
    assert (comparison.deltas["low"] == 0).all() and (comparison.deltas["high"] == 0).all()


def test_both_arms_share_each_replication_seed(tmp_path: Path) -> None:
    a, b = write(tmp_path, "a"), write(tmp_path, "b", sinophobia=0.2)
    comparison = run_comparison((a, b), replications=3, base_seed=9)
    seeds = comparison.outcomes.groupby("arm")["seed"].apply(lambda s: sorted(set(s)))
    assert seeds["A"] == seeds["B"] == sorted(replication_seeds(9, 3))
    assert len(set(replication_seeds(9, 3))) == 3
    assert [d.key for d in comparison.inputs] == ["population.sinophobia_mean"]
    assert run_comparison((a, b), replications=3, base_seed=9).deltas.equals(comparison.deltas)


def test_outcomes_are_those_of_a_plain_run_with_the_same_seed(tmp_path: Path) -> None:
    a = write(tmp_path, "a")
    comparison = run_comparison((a, a), replications=1, base_seed=4)
    full = run(load_scenario(a), seed=comparison.seeds[0])
    outcomes = comparison.outcomes.set_index(["arm", "outcome"])["value"]
    assert outcomes[("A", "max protest_share")] == full.national("protest_share").max()
    assert outcomes[("B", "end alignment_china")] == full.national("alignment_china").iloc[-1]


def test_the_outcomes_are_the_headline_series_each_by_its_declared_statistic() -> None:
    assert [(o.variable, o.statistic) for o in OUTCOMES] == [
        (s.name, s.statistic) for s in catalog.HEADLINE
    ]
    assert {o.name for o in OUTCOMES} >= {
        "mean applied_tariff",
        "max protest_share",
        "min legitimacy_mean",
        "end alignment_china",
    }
    drawn = [v for _, variables in FIGURES.values() for v in variables]
    assert set(KEPT_VARIABLES) == set(drawn) | {o.variable for o in OUTCOMES}


def test_paired_deltas_mean_and_t_interval() -> None:
    rows = []
    for seed, (left, right) in enumerate([(1.0, 2.0), (2.0, 2.5), (3.0, 4.5)]):
        rows += [("A", seed, "x", left), ("B", seed, "x", right)]
    table = paired_deltas(pd.DataFrame(rows, columns=["arm", "seed", "outcome", "value"]))
    row = table.iloc[0]
    differences = np.array([1.0, 0.5, 1.5])
    half = 2.919986 * differences.std(ddof=1) / math.sqrt(3)  # t(0.95, 2 df)
    assert row["delta"] == pytest.approx(1.0)
    assert (row["low"], row["high"]) == pytest.approx((1.0 - half, 1.0 + half), rel=1e-5)
    assert (row["A"], row["B"], row["replications"]) == (2.0, 3.0, 3)


def test_one_replication_has_no_interval(tmp_path: Path) -> None:
    a = write(tmp_path, "a")
    deltas = run_comparison((a, a), replications=1).deltas
    assert deltas["low"].isna().all() and (deltas["replications"] == 1).all()


@pytest.mark.slow
def test_cli_prints_both_tables_and_writes_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = write(tmp_path, "high"), write(tmp_path, "low", sinophobia=0.2)
    out = tmp_path / "cmp"
    code = main(["compare", str(a), str(b), "--seeds", "2", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "population.sinophobia_mean" in printed and "max protest_share" in printed
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "deltas.csv",
            "events.csv",
            "inputs.csv",
            "manifest.json",
            "outcomes.csv",
            "plots",
            "regions.csv",
            "report.html",
            "series.parquet",
        ]
    )
    deltas = pd.read_csv(out / "deltas.csv")
    assert list(deltas["outcome"]) == [o.name for o in OUTCOMES]
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["comparison"]["seeds"]) == 2
    page = (out / "report.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    assert section_ids(page) == ["arms", "inputs", "deltas", "plots", "story", "maps"]
    assert page.count('src="data:image/png') == len(list((out / "plots").glob("*.png"))) > 0
    assert main(["report", str(out), "-o", str(tmp_path / "again.html")]) == 0
    again = (tmp_path / "again.html").read_text(encoding="utf-8")
    assert section_ids(again) == section_ids(page)


def test_arms_with_different_periods_are_refused_with_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write(tmp_path, "a")
    b = write(tmp_path, "b", text=SMALL.replace("end: 2016-12", "end: 2016-06"))
    out = tmp_path / "cmp"
    assert main(["compare", str(a), str(b), "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{b}:1:") and "metadata.end" in lines[0]
    assert not out.exists()


def test_too_few_seeds_and_bad_overrides_are_input_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write(tmp_path, "a")
    assert main(["compare", str(a), str(a), "--seeds", "0", "--out", str(tmp_path / "x")]) == 2
    assert "--seeds: 0" in capsys.readouterr().err
    code = main(
        ["compare", str(a), str(a), "--set", "population.citizens=-1", "--out", str(tmp_path / "y")]
    )
    assert code == 2
    assert "population.citizens" in capsys.readouterr().err
