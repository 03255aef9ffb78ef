"""The run's headline figures and summary, derived from the series catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzsim import catalog
from kzsim.api import run
from kzsim.contract import PLOT_GROUP_TITLES, PLOT_GROUPS
from kzsim.outputs import RunResult
from kzsim.plots import FIGURES, axis_limits, headline_plots, lines_figure
from tests.conftest import small_scenario


@pytest.fixture(scope="module")
def result() -> RunResult:
    return run(small_scenario(population={"citizens": 500}), seed=3, steps=6)


def test_one_figure_per_plot_group_titled_by_the_group_drawing_its_series() -> None:
    assert tuple(FIGURES) == PLOT_GROUPS
    for group, (title, variables) in FIGURES.items():
        assert title == PLOT_GROUP_TITLES[group]
        assert variables == tuple(s.name for s in catalog.group_series(group))


def test_the_run_writes_one_png_per_group_and_the_protest_map(
    result: RunResult, tmp_path: Path
) -> None:
    written = headline_plots(result, tmp_path)
    assert sorted(p.stem for p in written) == sorted([*PLOT_GROUPS, "protest_by_region"])


def test_series_with_a_finite_declared_range_are_drawn_on_it(result: RunResult) -> None:
    national = result.series[result.series["scope"].isin(["national", "kazakhstan", "china"])]
    figure = lines_figure(national, "test", ("applied_tariff", "debt_to_china_usd_bn"))
    share, money = figure.get_axes()
    assert share.get_ylim() == axis_limits("applied_tariff")
    low, high = axis_limits("applied_tariff") or (0.0, 0.0)
    assert low < 0.0 and high > 1.0  # the whole 0-1 range, not the tariff's own spread
    assert axis_limits("debt_to_china_usd_bn") is None
    assert money.get_ylim() != share.get_ylim()


def test_the_run_summary_lists_the_headline_series_in_catalog_order(result: RunResult) -> None:
    assert [row[0] for row in result.summary()] == list(catalog.HEADLINE_NAMES)
