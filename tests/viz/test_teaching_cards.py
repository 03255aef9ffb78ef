"""Teaching cards: complete front matter, real scenario pairs, and claims the model still makes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kzsim.scenario.load import load_scenario
from kzsim.viz.compare import OUTCOMES, run_comparison
from kzsim.viz.differences import scenario_differences

ROOT = Path(__file__).parents[2]
CARDS = sorted(p for p in (ROOT / "docs" / "teaching").glob("*.md") if p.name != "README.md")
FIELDS = {
    "title": str,
    "mechanisms": list,
    "duration_minutes": int,
    "learning_goals": list,
    "scenario_pair": dict,
    "questions": list,
    "look_for": list,
    "expect": list,
    "sources": list,
}
SOURCE = re.compile(
    r"^[POTEC] L\d+(-\d+)?(, L\d+(-\d+)?)*(; [POTEC] L\d+(-\d+)?(, L\d+(-\d+)?)*)*: "
)
MECHANISM = re.compile(r"^(TH|BR|LP|RL|MV|OR)\d+$")
TITLES = {
    "The Customs Union and the price of joining",
    "Chinese loans and the debt-trap debate",
    "Why did the 2016 land reform fail?",
    "Balancing between Moscow and Beijing after 2022",
}


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    assert match, f"{path.name}: no front matter"
    data: dict[str, Any] = yaml.safe_load(match.group(1))
    return data


def test_the_four_promised_cards_exist() -> None:
    assert {front_matter(p)["title"] for p in CARDS} >= TITLES


@pytest.mark.parametrize("card", CARDS, ids=[p.stem for p in CARDS])
def test_card_front_matter_is_complete(card: Path) -> None:
    data = front_matter(card)
    for field, kind in FIELDS.items():
        assert isinstance(data.get(field), kind), f"{card.name}: {field}"
        assert data[field], f"{card.name}: {field} is empty"
    assert all(MECHANISM.match(m) for m in data["mechanisms"])
    for line in data["sources"]:
        assert SOURCE.match(line), f"{card.name}: source '{line}' is not 'KEY Lnnn: ...'"
    outcomes = {o.name for o in OUTCOMES}
    for claim in data["expect"]:
        assert claim["outcome"] in outcomes and claim["sign"] in {"+", "-"}


@pytest.mark.parametrize("card", CARDS, ids=[p.stem for p in CARDS])
def test_the_pair_differs_exactly_where_the_card_says(card: Path) -> None:
    pair = front_matter(card)["scenario_pair"]
    a, b = (load_scenario(ROOT / pair[arm]) for arm in ("a", "b"))
    assert sorted(d.key for d in scenario_differences(a, b)) == sorted(pair["differs_in"])


@pytest.mark.parametrize("card", CARDS, ids=[p.stem for p in CARDS])
def test_the_model_shows_what_the_card_expects(card: Path) -> None:
    data = front_matter(card)
    pair = data["scenario_pair"]
    comparison = run_comparison(
        (ROOT / pair["a"], ROOT / pair["b"]),
        replications=2,
        base_seed=1,
        overrides=["population.citizens=2000"],
    )
    wide = comparison.outcomes.pivot_table(index=["outcome", "seed"], columns="arm", values="value")
    for claim in data["expect"]:
        paired = wide.loc[claim["outcome"]]
        differences = (paired["B"] - paired["A"]).to_numpy()
        sign = 1 if claim["sign"] == "+" else -1
        assert (sign * differences > 0).all(), f"{card.name}: {claim}, but B - A = {differences}"
