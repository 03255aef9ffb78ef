"""The run's headline figures and summary, derived from the series catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure

from kzsim import catalog
from kzsim.api import run
from kzsim.contract import PLOT_GROUP_TITLES, PLOT_GROUPS
from kzsim.errors import InputError
from kzsim.outputs import RunResult
from kzsim.plots import (
    FIGURES,
    PLOT_ORDER,
    axis_limits,
    headline_plots,
    lines_figure,
    parse_plot_size,
    plot_suffixes,
    run_figures,
)
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


SHOCK = {"date": "2010-03", "kind": "shock", "actor": "russia", "detail": "Rouble collapses; test"}


@pytest.fixture(scope="module")
def shocked() -> RunResult:
    return run(small_scenario(population={"citizens": 500}, events=[SHOCK]), seed=3, steps=6)


def texts(figure: Figure) -> list[str]:
    return [t.get_text() for ax in figure.get_axes() for t in ax.texts]


def test_every_figure_marks_and_labels_the_runs_own_key_events(
    shocked: RunResult, result: RunResult
) -> None:
    figures = run_figures(shocked)
    assert [name for name, _ in figures] == [n for n in PLOT_ORDER if n in dict(figures)]
    for name, figure in figures:
        assert "Rouble collapses" in texts(figure)
        panels = [ax for ax in figure.get_axes() if ax.get_ylabel() and ax.get_label() == ""]
        march = 2.0 if name == "protest_by_region" else 2010 + 2 / 12  # month column or year
        for ax in panels:  # a dotted line at 2010-03 on every panel
            assert any(list(line.get_xdata()) == [march, march] for line in ax.lines), ax
    # a what-if shows its own events: the run without the shock has no such mark
    assert all("Rouble collapses" not in texts(f) for _, f in run_figures(result))


def test_every_panel_names_its_unit_and_coded_series_name_their_codes(result: RunResult) -> None:
    for name, figure in run_figures(result):
        for ax in figure.get_axes():
            label = ax.get_ylabel()
            if not label or name == "protest_by_region":
                continue
            words, _, unit = label.rpartition("\n(")
            variable = (words or label).replace("\n", "_").replace(" ", "_")
            if variable == "land_policy_state":
                ticks = [t.get_text() for t in ax.get_yticklabels()]
                assert ticks == ["closed", "reform pending", "in force", "moratorium", "ban"]
            else:
                assert f"({unit}" == f"({catalog.series_named(variable).unit})"


def test_the_figures_follow_the_story_trade_loans_publics_then_balancing() -> None:
    assert PLOT_ORDER == (
        "trade",
        "prices",
        "debt",
        "publics",
        "protest_by_region",
        "politics",
        "alignment",
    )


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[16:24]
    return int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")


@pytest.mark.slow
def test_plots_as_svg_and_png_at_a_size_for_slides(result: RunResult, tmp_path: Path) -> None:
    written = headline_plots(result, tmp_path, ("png", "svg"), parse_plot_size("slides"))
    assert {p.suffix for p in written} == {".png", ".svg"}
    svg = next(p for p in written if p.suffix == ".svg")
    assert b"<svg" in svg.read_bytes()[:500]
    assert png_size(next(p for p in written if p.suffix == ".png")) == (1920, 1080)
    custom = headline_plots(result, tmp_path / "custom", ("png",), parse_plot_size("1600x900"))
    assert png_size(custom[0]) == (1600, 900)


@pytest.mark.parametrize("text", ["big", "16x9", "1600x90000", "0x0"])
def test_a_plot_size_that_is_none_is_one_input_error(text: str) -> None:
    with pytest.raises(InputError, match=rf"--plot-size: '{text}' is not a size"):
        parse_plot_size(text)
    with pytest.raises(InputError, match="--plot-format: 'gif' is not a format"):
        plot_suffixes("gif")
