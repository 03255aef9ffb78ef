"""Short scenarios with few citizens in which every decision point arises."""

from __future__ import annotations

from pathlib import Path

import pytest

#: The land reform, an EAEU step and China's offers (Chinese appetite high so offers come).
CALM = """\
metadata: {name: calm_game, start: 2015-09, end: 2016-08, seed: 3}
population: {citizens: 1000}
initial:
  china: {strategic_interest: 0.9, lending_appetite: 0.9}
events:
  - {date: 2015-11, kind: land_reform, detail: Land Code amendments approved, effective: 2016-07}
  - date: 2016-01
    kind: policy
    actor: eaeu
    detail: EAEU step
    effects: [{target: eaeu.integration_depth, set: 0.8}]
  - date: 2016-04
    kind: announcement
    detail: auction announced
    effects: [{target: kazakhstan.land_salience, shift: 0.8}]
"""
#: A nationwide wave from the first month (low legitimacy, high hardship) and an irritated Russia.
CRISIS = """\
metadata: {name: crisis_game, start: 2016-01, end: 2016-12, seed: 5}
population: {citizens: 1000, legitimacy_mean: 0.4, hardship_mean: 0.6}
initial:
  russia: {irritation: 0.9}
"""

#: Fuel prices rise, then a wave in most regions: every measure of an answer to protests can be
#: taken (a moratorium needs a reform: none here, so a concession is the fuel caps' alone).
FUEL = """\
metadata: {name: fuel_game, start: 2015-10, end: 2016-09, seed: 5}
population: {citizens: 1000}
events:
  - date: 2015-12
    kind: policy
    detail: fuel prices freed
    effects: [{target: kazakhstan.fuel_price_index, shift: 0.5}]
  - date: 2016-01
    kind: policy
    detail: a crisis
    effects: [{target: citizens.legitimacy, shift: -0.4}, {target: citizens.hardship, shift: 0.3}]
"""


@pytest.fixture
def calm(tmp_path: Path) -> Path:
    """The calm scenario's file."""
    path = tmp_path / "calm.yaml"
    path.write_text(CALM, encoding="utf-8")
    return path


@pytest.fixture
def crisis(tmp_path: Path) -> Path:
    """The crisis scenario's file."""
    path = tmp_path / "crisis.yaml"
    path.write_text(CRISIS, encoding="utf-8")
    return path


@pytest.fixture
def fuel(tmp_path: Path) -> Path:
    """The fuel scenario's file."""
    path = tmp_path / "fuel.yaml"
    path.write_text(FUEL, encoding="utf-8")
    return path
