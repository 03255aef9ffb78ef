"""The protest engine's two variants against results their original papers report.

Granovetter, M. (1978). Threshold models of collective behavior. American Journal of Sociology
83(6), 1420-1443: the riot of 100 people with thresholds 0, 1, ..., 99 runs to the last person,
and raising one threshold from 1 to 2 stops it at one rioter; with normally distributed
thresholds (mean 25 of 100) the outcome jumps from a handful of rioters to nearly everyone as
the spread crosses a critical value (about 12 of 100).

Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach. PNAS
99(suppl. 3), 7243-7250: with high legitimacy nobody rebels; an abrupt fall of legitimacy brings
a large outburst, while the same fall spread out over time does not, because early rebels face a
high arrest probability alone and are jailed one by one.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.stats import norm

from kzsim.model import KazakhstanModel
from kzsim.rules.land_protests import threshold_cascade
from tests.conftest import deep_merge, others_off, small_model

pytestmark = pytest.mark.validation


def complete_graph(n: int) -> sp.csr_matrix:
    """Everyone sees everyone else: rows of ``1 / (n - 1)``, no self-ties."""
    weights = (np.ones((n, n)) - np.eye(n)) / (n - 1)
    return sp.csr_matrix(weights)


def riot(thresholds: np.ndarray, rounds: int) -> np.ndarray:
    """Granovetter's crowd: no self-starters, everyone a potential follower."""
    n = thresholds.size
    nobody = np.zeros(n, dtype=np.bool_)
    return threshold_cascade(
        complete_graph(n), nobody, nobody, np.ones(n, dtype=np.bool_), thresholds, rounds
    )


def uniform_thresholds(n: int = 100) -> np.ndarray:
    """Person k joins once k others riot: a share just below ``k / (n - 1)``."""
    k = np.arange(n, dtype=np.float64)
    return np.where(k > 0, (k - 0.5) / (n - 1), 0.0)


def test_granovetter_uniform_thresholds_riot_to_the_last_person() -> None:
    assert riot(uniform_thresholds(), rounds=100).all()


def test_granovetter_one_changed_threshold_stops_the_riot_at_one_person() -> None:
    thresholds = uniform_thresholds()
    thresholds[1] = thresholds[2]
    active = riot(thresholds, rounds=100)
    assert active.sum() == 1 and active[0]


@pytest.mark.parametrize(("spread", "few"), [(0.10, True), (0.11, True), (0.14, False)])
def test_granovetter_normal_thresholds_jump_at_a_critical_spread(spread: float, few: bool) -> None:
    n = 1000
    thresholds = norm.ppf((np.arange(n) + 0.5) / n, loc=0.25, scale=spread)
    share = riot(thresholds, rounds=400).mean()
    if few:
        assert share < 0.05
    else:
        assert share > 0.95


def epstein_model(seed: int, repression: float) -> KazakhstanModel:
    """Only the protest engine, no land reform and no response: Epstein's setting."""
    rules = deep_merge(
        others_off("land_protests"),
        {"land_protests": {"engine": "epstein", "wave_regions": 100, "max_jail_months": 30}},
    )
    return small_model(
        seed,
        metadata={"end": "2013-12"},
        initial={"kazakhstan": {"repression": repression}},
        rules=rules,
    )


def peak_active_share(seed: int, months_to_fall: int, low: float = 0.6) -> float:
    """Hardship 0.8 for all; legitimacy falls from 0.9 to ``low`` over ``months_to_fall``."""
    model = epstein_model(seed, repression=0.3)
    population = model.population
    population.hardship[:] = 0.8
    peak = 0.0
    for month in range(36):
        done = 1.0 if months_to_fall == 0 else min(1.0, (month + 1) / months_to_fall)
        population.legitimacy[:] = 0.9 + (low - 0.9) * done
        model.step()
        peak = max(peak, float(population.active.mean()))
    return peak


def test_epstein_high_legitimacy_no_rebellion() -> None:
    # grievance 0.8 x (1 - 0.9) = 0.08 is below the threshold 0.1 for everyone
    assert peak_active_share(1, months_to_fall=0, low=0.9) == 0.0


@pytest.mark.parametrize("seed", [1, 2])
def test_epstein_abrupt_fall_of_legitimacy_brings_a_larger_outburst(seed: int) -> None:
    abrupt = peak_active_share(seed, months_to_fall=0)
    gradual = peak_active_share(seed, months_to_fall=24)
    assert abrupt > 0.1
    assert abrupt > 2 * gradual
