"""The fused kernels (kzsim.kernels) against the pure-numpy reference (tests/reference/rules.py).

A kernel only reorders floating-point operations, so a whole run with the kernels must follow
the reference run to rounding; each kernel is also checked on inputs the replay does not reach
(Epstein's step at tau 0, empty regions, hardship clipped at its bounds, regions of several
blocks). The kernels' own exponentials are checked against the C library's.
"""

from __future__ import annotations

import math
from pathlib import Path

import mesa
import numba
import numpy as np
import pandas as pd
import pytest

import kzsim.model
from kzsim import kernels
from kzsim.contracts.opinion import DERIVED_REGIONAL, SUPPORTER_LEVEL, supporter_probability
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
    n = 3 * kernels.BLOCK + 7  # regions of more than one block
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


@numba.njit
def _exponentials(x: np.ndarray, out: np.ndarray) -> None:
    for i in range(x.size):
        out[0, i] = kernels.exp(x[i])
        out[1, i] = kernels.expm1(x[i])


def test_the_kernels_exponentials_are_the_c_library_s_within_two_ulp() -> None:
    rng = np.random.default_rng(4)
    x = np.concatenate(
        [
            [0.0, -0.0, 1e-300, -1e-300, 1e-9, -1e-9, 0.5, -0.5, 1.0, -1.0, 30.0, -30.0],
            [kernels.EXP_LIMIT, -kernels.EXP_LIMIT, 700.0, -700.0],
            rng.uniform(-1e-6, 1e-6, 10_000),
            rng.uniform(-1.0, 1.0, 10_000),
            rng.uniform(-50.0, 50.0, 10_000),
            rng.uniform(-kernels.EXP_LIMIT, kernels.EXP_LIMIT, 10_000),
        ]
    )
    out = np.empty((2, x.size))
    _exponentials(x, out)
    exact = np.array([[math.exp(v) for v in x], [math.expm1(v) for v in x]])
    np.testing.assert_allclose(out, exact, rtol=2 * np.finfo(float).eps, atol=0.0)
    assert out[1, 0] == 0.0 and out[0, 0] == 1.0
    # beyond the limits: exp is inf above, and about exp(-EXP_LIMIT) ~ 3e-308 (expm1 -1) below
    beyond = np.array([kernels.EXP_LIMIT + 1.0, 1e4, -kernels.EXP_LIMIT - 1.0, -1e4])
    out = np.empty((2, 4))
    _exponentials(beyond, out)
    assert np.isinf(out[:, :2]).all() and (out[0, 2:] < 1e-307).all() and (out[1, 2:] == -1.0).all()


def _split(counts: np.ndarray, pieces: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The regions cut into ``pieces`` regions each: starts, counts and each piece's region."""
    parts = [np.diff(np.linspace(0, c, pieces + 1).astype(np.int64)) for c in counts]
    cut = np.concatenate(parts)
    return (
        np.concatenate(([0], np.cumsum(cut)[:-1])),
        cut,
        np.repeat(np.arange(counts.size), pieces),
    )


def test_the_opinion_kernel_gives_the_same_bits_whatever_the_blocks() -> None:
    rng = np.random.default_rng(6)
    n = 4 * kernels.BLOCK + 3
    x = protest_inputs(rng, n, empty_region=True)
    starts, counts = x["starts"], x["counts"]
    per_region = {name: rng.random(3) for name in ("felt", "fuel", "presence", "presence0")}
    per_region["fuel"][1] = 0.0
    coefficients = rng.uniform(0.05, 0.5, kernels.OPINION_COEFFICIENTS)

    shifts = [per_region["fuel"], per_region["fuel"], np.zeros(3)]

    def run(starts: np.ndarray, counts: np.ndarray, region: np.ndarray) -> list[np.ndarray]:
        """Three months: a fuel shift in two, then none."""
        draw = np.random.default_rng(7)
        kazakh = draw.random(n) < 0.6
        read = [draw.random(n) for _ in range(4)]  # media, contact, contact0, susceptibility
        hardship, baseline = draw.random(n), draw.random(n)
        fuel_part = np.zeros(n)
        attitudes = [draw.random(n) for _ in range(4)]
        anchors = [draw.random(n) for _ in range(5)]  # four anchors, initial affinity
        parts = []
        for shift in shifts:
            kernels.opinion_month(
                starts, counts, kazakh, read[0], read[1], read[2], read[3], hardship,
                baseline, fuel_part, *attitudes, *anchors, np.empty((n, 4)), x["indptr"],
                x["indices"], x["weights"], per_region["felt"][region], shift[region],
                per_region["presence"][region], per_region["presence0"][region],
                x["lease"][region], coefficients,
            )  # fmt: skip
            parts.append(fuel_part.copy())
        return [hardship, *parts, *attitudes]

    whole = run(starts, counts, np.arange(3))
    assert (whole[1] != 0.0).any() and (whole[3] == 0.0).all()
    pieces = run(*_split(counts, 7))
    for ours, theirs in zip(whole, pieces, strict=True):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("spread", [0.0, 0.03])
def test_the_protest_kernel_gives_the_same_bits_whatever_the_blocks(spread: float) -> None:
    rng = np.random.default_rng(9)
    n = 4 * kernels.BLOCK + 3
    x = protest_inputs(rng, n, empty_region=True)
    coefficients = rng.uniform(0.05, 0.5, kernels.PROTEST_COEFFICIENTS)
    coefficients[kernels.CROWD] = 1e-3
    coefficients[kernels.SPREAD] = spread

    def run(starts: np.ndarray, counts: np.ndarray, lease: np.ndarray) -> list[np.ndarray]:
        jailed = x["jailed"].copy()
        new_active = np.empty(n)
        participants = np.empty(counts.size)
        kernels.protest_month(
            starts, counts, x["media"], x["hardship"], x["legitimacy"], x["sinophobia"],
            x["risk"], x["active"], jailed, x["indptr"], x["indices"], x["weights"], lease,
            coefficients, new_active, participants,
        )  # fmt: skip
        return [jailed, new_active, participants]

    whole = run(x["starts"], x["counts"], x["lease"])
    cut_starts, cut_counts, region = _split(x["counts"], 7)
    pieces = run(cut_starts, cut_counts, x["lease"][region])
    np.testing.assert_array_equal(whole[0], pieces[0])
    np.testing.assert_array_equal(whole[1], pieces[1])
    np.testing.assert_allclose(whole[2], np.bincount(region, pieces[2], 3), rtol=1e-12)
    assert (whole[1] > 0).any()


def test_the_fused_group_totals_are_the_single_sums_bit_for_bit() -> None:
    rng = np.random.default_rng(3)
    counts = np.array([3 * kernels.BLOCK + 5, 0, 11, kernels.BLOCK])
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    n = int(counts.sum())
    group = rng.integers(0, 3, n)
    values = tuple(rng.random(n) for _ in range(3))
    support = rng.random(n)
    for scale in (0.0, 0.05):
        totals = np.full((4, 4, 3), np.nan)
        kernels.region_group_totals(
            starts, counts, group, values, support, SUPPORTER_LEVEL, scale, totals
        )
        single = np.full((4, 4, 3), np.nan)
        for q, v in enumerate(values):
            kernels.region_group_sums(starts, counts, group, v, single[q])
        kernels.region_group_supporters(
            starts, counts, group, support, SUPPORTER_LEVEL, scale, single[3]
        )
        np.testing.assert_array_equal(totals, single)


def test_a_collection_reads_the_regional_means_from_one_pass_as_from_single_passes() -> None:
    model = historical(2_000)
    for _ in range(3):
        model.step()
    assert model.collection_memo is None
    single = {s.name: s.read(model) for s in DERIVED_REGIONAL}
    model.collection_memo = {}
    shared = {s.name: s.read(model) for s in DERIVED_REGIONAL}
    assert "opinion.group_totals" in model.collection_memo
    for name, values in single.items():
        np.testing.assert_array_equal(shared[name], values, err_msg=name)


def test_the_collector_keeps_what_mesa_s_data_collector_keeps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ours = historical(1_000)
    with monkeypatch.context() as patch:
        patch.setattr(kzsim.model, "Collector", mesa.DataCollector)
        theirs = historical(1_000)
    assert type(ours.datacollector) is kzsim.model.Collector
    assert type(theirs.datacollector) is mesa.DataCollector
    for _ in range(13):
        ours.step()
        theirs.step()
    assert ours.datacollector.model_vars == theirs.datacollector.model_vars


def test_the_gathers_give_the_same_bits_with_prefetching() -> None:
    rng = np.random.default_rng(12)
    n = 2 * kernels.BLOCK
    x = protest_inputs(rng, n, empty_region=False)
    ties = (x["indptr"], x["indices"], x["weights"])
    values = rng.random((n, 4))
    sums = {far: np.empty(n) for far in (False, True)}
    packed = {far: np.empty((n, 4)) for far in (False, True)}
    for far in (False, True):
        kernels._neighbour_sums(0, n, *ties, values[:, 0].copy(), sums[far], far)
        kernels._packed_neighbour_sums(0, n, *ties, values, packed[far], far)
    np.testing.assert_array_equal(sums[True], sums[False])
    np.testing.assert_array_equal(packed[True], packed[False])
    np.testing.assert_allclose(packed[False][:, 0], sums[False], rtol=1e-15)
