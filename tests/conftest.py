"""Shared test helpers: small scenarios and models built in memory."""

from __future__ import annotations

from typing import Any

import pytest

from kzsim.contracts import RULE_NAMES
from kzsim.model import KazakhstanModel
from kzsim.scenario.schema import Scenario


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``extra`` merged in, recursively for nested mappings."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def others_off(rule: str) -> dict[str, dict[str, bool]]:
    """Rule settings that disable every rule except ``rule``."""
    return {name: {"enabled": False} for name in RULE_NAMES if name != rule}


def small_scenario(**sections: Any) -> Scenario:
    """A 2010-01..2011-12 scenario with 2,000 citizens; keyword sections are merged in."""
    data: dict[str, Any] = {
        "metadata": {"name": "test", "start": "2010-01", "end": "2011-12"},
        "population": {"citizens": 2000},
    }
    return Scenario.model_validate(deep_merge(data, sections))


def small_model(seed: int = 1, **sections: Any) -> KazakhstanModel:
    """A model of :func:`small_scenario`."""
    return KazakhstanModel(small_scenario(**sections), seed=seed)


@pytest.fixture
def model() -> KazakhstanModel:
    """A small default model, seed 1."""
    return small_model()
