"""Common random numbers: each subsystem draws from its own named stream of the run's seed.

Switching one rule off must leave the random numbers of everything else unchanged, so that two
scenarios that differ in one rule are compared on the same draws. Same-seed determinism does not
show this (it holds as well when every subsystem shares one generator), so these tests look at
the streams themselves: the generator each rule holds, the population draw, and the Mesa
generators that no rule may draw from.
"""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest

from kzsim.contracts import RULE_NAMES
from kzsim.model import KazakhstanModel
from tests.conftest import others_off, small_model

SEED = 7
#: Every named stream a run spawns: Mesa's own generator, the population draw and one per rule.
STREAMS = ("mesa", "population", *RULE_NAMES)


def without(rule: str) -> KazakhstanModel:
    """A small model with every rule but ``rule``."""
    return small_model(seed=SEED, rules={rule: {"enabled": False}})


def rule_generators(model: KazakhstanModel) -> dict[str, np.random.Generator]:
    """The generator each enabled rule draws from, by rule name."""
    return {rule.name: rule.rng for rule in model.rules}


def next_draws(generator: np.random.Generator, n: int = 16) -> np.ndarray:
    """The next ``n`` uniform draws of a copy of ``generator`` (the generator itself is kept)."""
    draws: np.ndarray = copy.deepcopy(generator).random(n)
    return draws


@pytest.fixture(scope="module")
def full() -> KazakhstanModel:
    """Every rule enabled."""
    return small_model(seed=SEED)


@pytest.fixture(scope="module")
def one_off() -> dict[str, KazakhstanModel]:
    """For each rule, the model with that rule switched off."""
    return {rule: without(rule) for rule in RULE_NAMES}


def test_every_rule_holds_the_stream_named_after_it(full: KazakhstanModel) -> None:
    generators = rule_generators(full)
    assert set(generators) == set(RULE_NAMES)
    for name, generator in generators.items():
        np.testing.assert_array_equal(next_draws(generator), full.stream(name).random(16), name)


@pytest.mark.parametrize(("rule", "off"), list(itertools.permutations(RULE_NAMES, 2)))
def test_a_rules_draws_do_not_depend_on_another_rule_being_enabled(
    full: KazakhstanModel, one_off: dict[str, KazakhstanModel], rule: str, off: str
) -> None:
    reduced = rule_generators(one_off[off])
    assert off not in reduced
    np.testing.assert_array_equal(
        next_draws(reduced[rule]), next_draws(rule_generators(full)[rule])
    )


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_a_rules_draws_are_the_same_when_it_runs_alone(full: KazakhstanModel, rule: str) -> None:
    alone = small_model(seed=SEED, rules=others_off(rule))
    assert list(rule_generators(alone)) == [rule]
    np.testing.assert_array_equal(
        next_draws(rule_generators(alone)[rule]), next_draws(rule_generators(full)[rule])
    )


def test_named_streams_are_distinct_generators(full: KazakhstanModel) -> None:
    draws = {name: full.stream(name).random(16) for name in STREAMS}
    for a, b in itertools.combinations(STREAMS, 2):
        assert not np.array_equal(draws[a], draws[b]), (a, b)
    generators = list(rule_generators(full).values())
    assert len({id(g) for g in generators}) == len(generators)
    assert all(g is not full.rng for g in generators)


def test_a_stream_is_reproducible_and_follows_the_seed(full: KazakhstanModel) -> None:
    other_seed = small_model(seed=SEED + 1)
    for name in STREAMS:
        np.testing.assert_array_equal(full.stream(name).random(8), full.stream(name).random(8))
        np.testing.assert_array_equal(
            full.stream(name).random(8), small_model(seed=SEED).stream(name).random(8)
        )
        assert not np.array_equal(full.stream(name).random(8), other_seed.stream(name).random(8))


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_the_population_is_drawn_identically_when_a_rule_is_off(
    full: KazakhstanModel, one_off: dict[str, KazakhstanModel], rule: str
) -> None:
    a, b = full.population, one_off[rule].population
    for name in (
        "region",
        "ethnicity",
        "urban",
        "russian_media",
        "china_contact",
        "hardship",
        "sinophobia",
        "legitimacy",
        "eaeu_support",
        "russia_affinity",
        "risk_aversion",
        "protest_threshold",
        "susceptibility",
    ):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert (a.network != b.network).nnz == 0


@pytest.mark.parametrize("rule", [None, *RULE_NAMES])
def test_the_mesa_generators_are_untouched_by_rules_and_do_not_depend_on_them(
    full: KazakhstanModel, rule: str | None
) -> None:
    # A rule that drew from the model's shared generators would shift every other user's draws.
    model = small_model(seed=SEED) if rule is None else without(rule)
    numpy_state = copy.deepcopy(model.rng.bit_generator.state)
    python_state = model.random.getstate()
    assert numpy_state == full.rng.bit_generator.state
    assert python_state == full.random.getstate()
    for _ in range(24):
        model.step()
    assert model.rng.bit_generator.state == numpy_state
    assert model.random.getstate() == python_state
