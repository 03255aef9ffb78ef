"""The comparison report: both arms' key events and regional maps, kept in the folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kzsim.api import run
from kzsim.cli import main
from kzsim.viz.compare import MAP_SERIES, collect_only_kept, run_comparison
from kzsim.viz.compare_report import comparison_pngs, load_comparison, write_comparison

pytestmark = pytest.mark.slow  # whole comparisons end to end

ARM = """\
metadata: {{name: {name}, start: 2015-01, end: 2016-06, seed: 11}}
population: {{citizens: 600}}
events:
  - {{date: 2015-03, kind: shock, actor: russia, detail: {shock}}}
"""


def arm(folder: Path, name: str, shock: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(ARM.format(name=name, shock=shock), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("cmp")
    a, b = arm(base, "a", "Rouble collapses"), arm(base, "b", "Tenge floats")
    out = base / "out"
    write_comparison(run_comparison((a, b), replications=2), out)
    return out


def test_the_report_shows_each_arms_own_key_events(folder: Path) -> None:
    page = (folder / "report.html").read_text(encoding="utf-8")
    story = page[page.index('<section id="story">') : page.index('<section id="maps">')]
    assert story.index("A: a") < story.index("Rouble collapses") < story.index("B: b")
    assert story.index("B: b") < story.index("Tenge floats")
    assert "loan" not in story
    events = pd.read_csv(folder / "events.csv")
    assert set(events["arm"]) == {"A", "B"} and (events["kind"] == "loan_accepted").any()


def test_the_report_maps_both_arms_and_rebuilds_them_from_the_folder(folder: Path) -> None:
    page = (folder / "report.html").read_text(encoding="utf-8")
    maps = page[page.index('<section id="maps">') :]
    assert maps.count('<g class="tile"') == 2 * len(MAP_SERIES) * 17
    again = load_comparison(folder)
    assert len(again.regions) == 2 * 2 * len(MAP_SERIES) * 17  # arms x seeds x maps x regions
    assert not again.regions["value"].isna().any()
    assert main(["report", str(folder), "-o", str(folder.parent / "again.html")]) == 0
    rebuilt = (folder.parent / "again.html").read_text(encoding="utf-8")
    assert rebuilt.count('<g class="tile"') == maps.count('<g class="tile"')


def test_the_band_plots_mark_both_arms_events(folder: Path) -> None:
    comparison = load_comparison(folder)
    from kzsim.viz.compare_report import both_arms_marks

    marks = both_arms_marks(comparison)
    assert ("2015-03", "A: Rouble collapses") in marks and ("2015-03", "B: Tenge floats") in marks
    assert len({label for _, label in marks}) == len(marks)
    assert comparison_pngs(comparison)  # drawn with the marks


def test_keeping_the_maps_changes_no_national_value(tmp_path: Path) -> None:
    from kzsim.scenario.load import load_scenario

    scenario = load_scenario(arm(tmp_path, "a", "x"))
    alone, kept = run(scenario, seed=3, steps=4), run(collect_only_kept(scenario), seed=3, steps=4)
    national = alone.series[alone.series["scope"] == "national"].set_index(["date", "variable"])
    both = kept.series[kept.series["scope"] == "national"].set_index(["date", "variable"])
    shared = national.index.intersection(both.index)
    assert len(shared) > 0
    pd.testing.assert_series_equal(national.loc[shared, "value"], both.loc[shared, "value"])
