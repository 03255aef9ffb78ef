"""``kzsim report`` on run folders: one self-contained page, and one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from kzsim.api import run
from kzsim.cli import main
from kzsim.plots import PLOT_ORDER, headline_plots
from kzsim.scenario.load import load_scenario
from tests.conftest import small_scenario
from tests.viz.pages import assert_self_contained, section_ids

#: The scenario's words for the rule's own customs_union_joined line of 2010-01.
UNION = "Customs Union common tariff applied (events_outside_seeds.csv)"
EVENTS = [
    {"date": "2010-01", "kind": "policy", "actor": "eaeu", "detail": UNION},
    {"date": "2010-02", "kind": "policy", "detail": "first <policy> & more"},
    {"date": "2011-03", "kind": "shock", "actor": "russia", "detail": "a shock"},
]


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario = load_scenario(
        small_scenario(events=EVENTS).to_data(), ["rules.bri_loans.leakage_mean=0.4"]
    )
    folder = tmp_path_factory.mktemp("runs") / "small"
    run(scenario, seed=4).write(folder, extras=headline_plots)
    return folder


def test_run_report_is_one_self_contained_page(
    run_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(run_folder)]) == 0
    page = (run_folder / "report.html").read_text(encoding="utf-8")
    assert f"{run_folder / 'report.html'}" in capsys.readouterr().out
    assert_self_contained(page)
    assert section_ids(page) == ["summary", "plots", "map", "story", "events", "inputs"]
    assert page.count('src="data:image/png') == len(list((run_folder / "plots").glob("*.png")))
    assert page.count('<g class="tile"') == 4 * 17


def test_timeline_lists_every_event_escaped(run_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    assert main(["report", str(run_folder), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    events = pd.read_parquet(run_folder / "events.parquet")
    timeline = page[page.index('<section id="events">') :]
    # every line once: the rule's customs_union_joined line is merged into the scenario's
    assert (events["kind"] == "customs_union_joined").sum() == 1
    assert timeline.count('<span class="date">') == len(events) - 1
    assert timeline.count("Customs Union common tariff applied") == 1
    assert "Kazakhstan applies the common external tariff" not in timeline
    assert "first &lt;policy&gt; &amp; more" in timeline
    assert re.search(r'<li class="year">2010</li>.*<li class="year">2011</li>', timeline)


def test_changed_parameters_are_listed_with_their_defaults(run_folder: Path) -> None:
    main(["report", str(run_folder)])
    page = (run_folder / "report.html").read_text(encoding="utf-8")
    inputs = page[page.index('<section id="inputs">') :]
    assert re.search(r"<td>rules.bri_loans.leakage_mean</td><td>0.15</td><td>0.4</td>", inputs)
    assert "<td>population.citizens</td>" in inputs
    assert "rules.bri_loans.failure_hazard_max" not in inputs


def test_csv_run_folders_report_too(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    scenario = small_scenario(outputs={"regional": False})
    run(scenario, seed=1, steps=4).write(folder, fmt="csv")
    assert main(["report", str(folder)]) == 0
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    assert "kept no regional series" in page
    assert page.count('src="data:image/png') > 0  # drawn anew: the folder has no plots


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing", "folder: not found"), (".", "holds no manifest.json")],
)
def test_not_a_kzsim_folder_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    assert main(["report", str(tmp_path / name)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "allowed:" in lines[0]


def test_a_broken_series_file_is_one_line_and_nothing_written(
    run_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("manifest.json", "events.parquet"):
        (broken / name).write_bytes((run_folder / name).read_bytes())
    (broken / "series.parquet").write_text("not parquet", encoding="utf-8")
    assert main(["report", str(broken)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "series.parquet: file: cannot be read" in lines[0]
    assert sorted(p.name for p in broken.iterdir()) == [
        "events.parquet",
        "manifest.json",
        "series.parquet",
    ]


def test_output_that_is_a_folder_is_refused(
    run_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(run_folder), "-o", str(tmp_path)]) == 2
    assert "-o: is a folder" in capsys.readouterr().err


def test_the_key_events_tell_the_story_without_the_routine_lines(run_folder: Path) -> None:
    main(["report", str(run_folder)])
    page = (run_folder / "report.html").read_text(encoding="utf-8")
    story = page[page.index('<section id="story">') : page.index('<section id="events">')]
    assert "customs_union_joined (kazakhstan)</span> " + UNION in story
    assert "a shock" in story and "first &lt;policy&gt; &amp; more" in story
    assert "loan" not in story  # loan offers are routine: in the log, not the story


def test_the_report_shows_the_plots_in_story_order(run_folder: Path) -> None:
    main(["report", str(run_folder)])
    page = (run_folder / "report.html").read_text(encoding="utf-8")
    captions = re.findall(r"<figcaption class='note'>([^<]*)</figcaption>", page)
    names = [c.replace(" ", "_") for c in captions]
    assert names == [n for n in PLOT_ORDER if n in names]
    assert names.index("trade") < names.index("debt") < names.index("publics")
    assert names[-1] == "alignment"
