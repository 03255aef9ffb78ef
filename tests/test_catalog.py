"""The series catalog: its declarations are sound, and every headline list derives from it."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

from kzsim import catalog
from kzsim.contract import PLOT_GROUP_TITLES, PLOT_GROUPS, Statistic

ROOT = Path(__file__).parents[1]
#: The package modules that may name series: the contracts declare them.
DECLARING = ROOT / "kzsim" / "contracts"
#: A literal collection holding this many catalog names is a hand-kept list of series.
LIST_SIZE = 3


def series_names_in(node: ast.expr) -> set[str]:
    """The catalog names written as string literals in a literal collection (nested ones too)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value} & set(catalog.SERIES_NAMES)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return set().union(*(series_names_in(e) for e in node.elts))
    if isinstance(node, ast.Dict):
        parts = [e for e in (*node.keys, *node.values) if e is not None]
        return set().union(*(series_names_in(e) for e in parts))
    return set()


def hand_kept_lists(path: Path) -> list[str]:
    """``file:line: names`` of each outermost literal collection of series names in a module."""
    found = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
            names = series_names_in(node)
            if len(names) >= LIST_SIZE:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {sorted(names)}")
                return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_the_hand_kept_list_check_finds_a_list() -> None:
    names = ", ".join(repr(n) for n in catalog.SERIES_NAMES[:LIST_SIZE])
    tree = ast.parse(f"SHOWN = {{'a': ({names},)}}")
    node = tree.body[0]
    assert isinstance(node, ast.Assign)
    assert series_names_in(node.value) == set(catalog.SERIES_NAMES[:LIST_SIZE])


def test_no_module_keeps_its_own_list_of_series_names() -> None:
    modules = [p for p in sorted((ROOT / "kzsim").rglob("*.py")) if DECLARING not in p.parents]
    found = [line for path in modules for line in hand_kept_lists(path)]
    assert found == [], "derive these from kzsim.catalog:\n" + "\n".join(found)


def test_series_names_are_unique_and_every_series_is_in_the_catalog_order() -> None:
    names = [s.name for s in catalog.ALL_SERIES]
    assert len(set(names)) == len(names)
    assert tuple(names) == catalog.SERIES_NAMES
    assert (*catalog.SERIES, *catalog.REGIONAL_SERIES) == catalog.ALL_SERIES


@pytest.mark.parametrize("series", catalog.ALL_SERIES, ids=lambda s: s.name)
def test_each_series_declares_a_unit_a_sound_range_a_group_and_a_statistic(
    series: catalog.AnySeries,
) -> None:
    assert series.unit.strip() and series.description.strip()
    if series.low is not None and series.high is not None:
        assert series.low < series.high
    assert series.group is None or series.group in PLOT_GROUPS
    assert series.statistic in get_args(Statistic)
    if series.headline:
        assert series.group is not None, "a headline series is drawn in a plot group"


def test_the_headline_series_are_the_flagged_ones_in_catalog_order() -> None:
    assert tuple(s for s in catalog.ALL_SERIES if s.headline) == catalog.HEADLINE
    assert tuple(s.name for s in catalog.HEADLINE) == catalog.HEADLINE_NAMES


def test_every_plot_group_has_a_title_and_draws_its_series_in_catalog_order() -> None:
    assert tuple(PLOT_GROUP_TITLES) == PLOT_GROUPS
    assert all(title.strip() for title in PLOT_GROUP_TITLES.values())
    for group in PLOT_GROUPS:
        drawn = catalog.group_series(group)
        assert drawn, f"group {group} draws no series"
        assert drawn == tuple(s for s in catalog.ALL_SERIES if s.group == group)


def test_a_series_is_found_by_name_with_its_declared_range() -> None:
    assert catalog.series_named("protest_share").group == "publics"
    assert catalog.declared_range("alignment_china") == (0.0, 1.0)
    assert catalog.declared_range("debt_to_china_usd_bn") is None
    with pytest.raises(KeyError, match="no_such_series"):
        catalog.series_named("no_such_series")


def test_series_labels_read_as_words() -> None:
    assert catalog.series_label("protest_share") == "Protest share"
    assert catalog.series_label("eaeu_support_mean") == "EAEU support mean"
