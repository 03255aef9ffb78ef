"""``kzsim report`` on sweep folders: fan charts, the summary and sensitivity charts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzsim import catalog
from kzsim.batch.analysis import sensitivity, summarize
from kzsim.batch.runner import run_experiment
from kzsim.cli import main
from kzsim.contract import PLOT_GROUP_TITLES, PLOT_GROUPS
from kzsim.viz.sweep_report import OUTCOME_FANS_TITLE, fan_figures
from tests.viz.pages import assert_self_contained, section_ids

SCENARIO = "metadata: {name: base, start: 2010-01, end: 2010-12, seed: 1}\n"
GRID = """\
name: tiny_grid
scenario: base.yaml
set: {population.citizens: 300}
design: {method: grid}
factors:
  rules.tariff_harmonisation.months_to_converge: [3, 9]
replications: 2
seed: 5
outcomes:
  peak_tariff: {series: applied_tariff, stat: max}
"""
SOBOL = """\
name: tiny_sobol
scenario: base.yaml
set: {population.citizens: 300}
design: {method: sobol, samples: 4}
factors:
  population.sinophobia_mean: {low: 0.2, high: 0.8}
  population.legitimacy_mean: {low: 0.5, high: 0.9}
replications: 1
seed: 5
outcomes:
  mean_sinophobia: {series: sinophobia_mean, stat: mean}
"""


def sweep(folder: Path, text: str) -> Path:
    (folder / "base.yaml").write_text(SCENARIO, encoding="utf-8")
    experiment = folder / "experiment.yaml"
    experiment.write_text(text, encoding="utf-8")
    out = folder / "sweep"
    run_experiment(experiment, out, workers=1)
    return out


@pytest.mark.slow
def test_grid_sweep_report_has_a_fan_per_design_point(tmp_path: Path) -> None:
    out = sweep(tmp_path, GRID)
    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    assert section_ids(page) == ["design", "fans", "summary", "sensitivity", "failures"]
    assert "one fan per design point" in page
    fans = page[page.index('<section id="fans">') : page.index('<section id="summary">')]
    assert fans.count('src="data:image/png') == 1 + len(PLOT_GROUPS)
    assert "rules.tariff_harmonisation.months_to_converge" in page
    assert "No summary yet: run kzsim summarize" in page
    assert "No run failed." in page
    summarize(out)
    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<th>p95</th>" in page and "peak_tariff" in page


def test_fans_show_the_outcomes_series_then_each_groups_headline_series() -> None:
    experiment = {"outcomes": {"peak": {"series": "hardship_mean", "stat": "max"}}}
    figures = fan_figures(experiment, set(catalog.SERIES_NAMES))
    assert figures[0] == (OUTCOME_FANS_TITLE, ["hardship_mean"])
    assert [title for title, _ in figures[1:]] == [PLOT_GROUP_TITLES[g] for g in PLOT_GROUPS]
    drawn = [v for _, variables in figures[1:] for v in variables]
    assert sorted(drawn) == sorted(catalog.HEADLINE_NAMES)
    for (_, variables), group in zip(figures[1:], PLOT_GROUPS, strict=True):
        assert variables == [s.name for s in catalog.HEADLINE if s.group == group]


def test_fans_leave_out_what_the_shards_do_not_hold() -> None:
    figures = fan_figures({}, {"applied_tariff", "protest_share", "hardship_mean"})
    assert figures == [
        (PLOT_GROUP_TITLES["trade"], ["applied_tariff"]),
        (PLOT_GROUP_TITLES["publics"], ["protest_share"]),
    ]


def test_sobol_sweep_report_has_sensitivity_charts(tmp_path: Path) -> None:
    out = sweep(tmp_path, SOBOL)
    sensitivity(out)
    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    assert "one fan over all" in page
    assert 'alt="sensitivity of mean_sinophobia"' in page
    assert "<th>includes_zero</th>" in page


def test_a_sweep_folder_with_a_broken_design_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = sweep(tmp_path, GRID)
    (out / "design.parquet").write_text("broken", encoding="utf-8")
    assert main(["report", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "design.parquet: file: cannot be read" in lines[0]
