"""The fused kernels (kzsim.kernels) against the pure-numpy reference (tests/reference/rules.py).

A kernel only reorders floating-point operations, so a whole run with the kernels must follow
the reference run to rounding; each kernel is also checked on inputs the replay does not reach
(Epstein's step at tau 0, empty regions, hardship clipped at its bounds).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzsim import kernels
from kzsim.contracts.opinion import SUPPORTER_LEVEL, supporter_probability
from kzsim.model import KazakhstanModel
from kzsim.rules.land_protests import arrest_probability, epstein_active, grievance
from kzsim.scenario.load import load_scenario
from tests.reference.rules import use_reference_rules

#: Citizen arrays compared month by month.
CITIZEN_ARRAYS = (
    "hardship",
    "sinophobia",
    "legitimacy",
    "eaeu_support",
    "russia_affinity",
    "active",
    "jailed",
)


def historical(citizens: int) -> KazakhstanModel:
    scenario = load_scenario(
        Path(__file__).parents[2] / "scenarios" / "historical_2010_2023.yaml",
        [f"population.citizens={citizens}"],
    )
    return KazakhstanModel(scenario, seed=3)


def test_a_replay_with_the_kernels_follows_the_numpy_reference_to_rounding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fused = historical(3_000)
    with monkeypatch.context() as patch:
        use_reference_rules(patch)
        reference = historical(3_000)
    names = {type(rule).__name__ for rule in reference.rules}
    assert {"ReferenceOpinion", "ReferenceProtests"} <= names
    worst = 0.0
    while fused.running:
        fused.step()
        reference.step()
        for name in CITIZEN_ARRAYS:
            gap = np.abs(getattr(fused.population, name) - getattr(reference.population, name))
            worst = max(worst, float(gap.max()))
    assert worst < 1e-12
    ours = fused.datacollector.get_model_vars_dataframe()
    theirs = reference.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(ours, theirs, rtol=1e-9, atol=1e-12)
    # the replay reaches the branches that matter: protest, detentions, fuel, land salience
    assert ours["national|protest_detentions"].max() > 100.0
    assert [e for e in fused.log if e.kind == "economic_concession"]


def protest_inputs(rng: np.random.Generator, n: int, empty_region: bool) -> dict[str, np.ndarray]:
    counts = np.array(
        [n // 2, 0, n - n // 2] if empty_region else [n // 3, n // 3, n - 2 * (n // 3)]
    )
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    ties = 4
    rows = np.repeat(np.arange(n), ties)
    cols = rng.integers(0, n, rows.size)
    weights = np.full(rows.size, 1.0 / ties)
    order = np.lexsort((cols, rows))
    indptr = np.arange(0, rows.size + 1, ties)
    return {
        "starts": starts,
        "counts": counts,
        "media": rng.random(n),
        "hardship": rng.random(n),
        "legitimacy": rng.random(n),
        "sinophobia": rng.random(n),
        "risk": rng.random(n),
        "active": rng.random(n) * 0.01,
        "jailed": rng.random(n) * 0.05,
        "indptr": indptr,
        "indices": cols[order].astype(np.int32),
        "weights": weights,
        "lease": np.array([1.0, 1.5, 1.2]),
    }


@pytest.mark.parametrize("spread", [0.0, 0.03])
@pytest.mark.parametrize("empty_region", [False, True])
def test_the_protest_kernel_is_grievance_arrest_probability_and_epstein_s_rule(
    spread: float, empty_region: bool
) -> None:
    rng = np.random.default_rng(5)
    n = 600
    x = protest_inputs(rng, n, empty_region)
    region = np.repeat(np.arange(3), x["counts"])
    salience, reach, amplification, land_weight = 0.4, 0.6, 0.8, 0.5
    xinjiang_term, repression, k, a_min, crowd, threshold = 0.02, 0.3, 2.3, 0.1, 1e-3, 0.1
    keep = 0.75
    coefficients = np.zeros(kernels.PROTEST_COEFFICIENTS)
    for index, value in (
        (kernels.RELEASE_KEEP, keep),
        (kernels.SALIENCE, salience),
        (kernels.P_AMPLIFICATION, amplification),
        (kernels.P_REACH, reach),
        (kernels.P_LAND_WEIGHT, land_weight),
        (kernels.P_XINJIANG_TERM, xinjiang_term),
        (kernels.REPRESSION, repression),
        (kernels.ARREST_CONSTANT, k),
        (kernels.MIN_ACTIVE, a_min),
        (kernels.CROWD, crowd),
        (kernels.THRESHOLD, threshold),
        (kernels.SPREAD, spread),
    ):
        coefficients[index] = value
    jailed = x["jailed"].copy()
    new_active = np.empty(n)
    participants = np.full(3, np.nan)
    kernels.protest_month(
        x["starts"], x["counts"], x["media"], x["hardship"], x["legitimacy"], x["sinophobia"],
        x["risk"], x["active"], jailed, x["indptr"], x["indices"], x["weights"], x["lease"],
        coefficients, new_active, participants,
    )  # fmt: skip
    expected_jailed = x["jailed"] * keep
    felt = salience * (1.0 + amplification * reach * x["media"]) * x["lease"][region]
    g = grievance(x["hardship"], x["legitimacy"], x["sinophobia"], felt, land_weight)
    g += xinjiang_term * x["sinophobia"]
    network = np.zeros((n, n))
    np.add.at(network, (np.repeat(np.arange(n), 4), x["indices"]), x["weights"])
    p = arrest_probability(repression, network @ x["active"], k, a_min, crowd)
    expected = epstein_active(g, x["risk"], p, threshold, expected_jailed, spread)
    np.testing.assert_allclose(jailed, expected_jailed, rtol=1e-15)
    np.testing.assert_allclose(new_active, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(participants, np.bincount(region, expected, 3), rtol=1e-12)
    assert (expected > 0).any() and (expected == 0).any()


def test_detentions_take_the_rate_from_the_active_to_the_jailed() -> None:
    rng = np.random.default_rng(2)
    counts = np.array([3, 0, 4])
    starts = np.array([0, 3, 3])
    new_active = rng.random(7)
    active = np.full(7, np.nan)
    jailed = rng.random(7)
    before = jailed.copy()
    arrests = np.full(3, np.nan)
    kernels.detain(starts, counts, new_active, 0.25, active, jailed, arrests)
    np.testing.assert_allclose(active, 0.75 * new_active)
    np.testing.assert_allclose(jailed, before + 0.25 * new_active)
    np.testing.assert_allclose(
        arrests, [0.25 * new_active[:3].sum(), 0.0, 0.25 * new_active[3:].sum()]
    )


@pytest.mark.parametrize("response_sd", [0.0, 0.1])
def test_group_sums_and_survey_answers_match_numpy(response_sd: float) -> None:
    rng = np.random.default_rng(8)
    counts = np.array([5, 0, 7, 1])
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    region = np.repeat(np.arange(4), counts)
    group = rng.integers(0, 3, counts.sum())
    values = rng.random(counts.sum())
    sums = np.full((4, 3), np.nan)
    kernels.region_group_sums(starts, counts, group, values, sums)
    expected = np.zeros((4, 3))
    np.add.at(expected, (region, group), values)
    np.testing.assert_allclose(sums, expected, rtol=1e-14)
    scale = response_sd * np.sqrt(3.0) / np.pi
    kernels.region_group_supporters(starts, counts, group, values, SUPPORTER_LEVEL, scale, sums)
    expected[:] = 0.0
    np.add.at(expected, (region, group), supporter_probability(values, response_sd))
    np.testing.assert_allclose(sums, expected, rtol=1e-12, atol=1e-15)
    totals = np.full(4, np.nan)
    kernels.region_sums(starts, counts, values, totals)
    np.testing.assert_allclose(totals, np.bincount(region, values, 4), rtol=1e-14)
