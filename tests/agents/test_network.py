"""Tests of the citizens' social network: symmetry, degree, cross-region ties, neighbour means.

The population holds the row-normalised matrix ``W = D^-1 A`` of a symmetric weighted adjacency
``A`` (lattice ties weigh 1, cross-region ties ``cross_region_weight``). Each row's smallest
within-region entry is ``1 / d_i`` (a single lattice tie), which recovers ``A = D W``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from kzsim.agents.population import Population
from tests.conftest import small_scenario

SIGMAS = 4.0


def build(citizens: int = 5_000, seed: int = 3, **network: Any) -> Population:
    """A population of the built-in regions with these network parameters."""
    config = small_scenario(population={"citizens": citizens, "network": network}).population
    return Population.build(config, config.regions, np.random.default_rng(seed))


def ties(population: Population) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows, columns and weights of W's entries, and whether each tie stays within a region."""
    entries = population.network.tocoo()
    local = population.region[entries.row] == population.region[entries.col]
    return entries.row, entries.col, entries.data, local


def adjacency(population: Population) -> sp.csr_matrix:
    """The weighted adjacency A = D W, with d_i from the row's smallest within-region entry."""
    rows, _, weights, local = ties(population)
    smallest = np.full(population.size, np.inf)
    np.minimum.at(smallest, rows[local], weights[local])
    assert np.isfinite(smallest).all(), "every citizen has a tie in their region"
    return sp.csr_matrix(population.network.multiply((1.0 / smallest)[:, None]))


def local_degree(population: Population) -> np.ndarray:
    """Number of distinct ties each citizen has within their region."""
    rows, _, _, local = ties(population)
    return np.bincount(rows[local], minlength=population.size)


def census_weights(population: Population) -> np.ndarray:
    """Each citizen's region's share of all citizens."""
    return (population.counts / population.size)[population.region]


# Structure ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rewire", [0.0, 0.1, 0.5])
def test_network_is_symmetric_without_self_loops_and_rows_sum_to_one(rewire: float) -> None:
    population = build(rewire_probability=rewire, cross_region_share=0.2)
    network = population.network
    assert network.shape == (population.size, population.size)
    assert (network.diagonal() == 0.0).all()
    assert ((network != 0) != (network.T != 0)).nnz == 0
    a = adjacency(population)
    np.testing.assert_allclose(abs(a - a.T).max(), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.asarray(network.sum(axis=1)).ravel(), 1.0)
    assert (network.data > 0.0).all()


@pytest.mark.parametrize("neighbours", [2, 4, 6, 10])
def test_ring_lattice_gives_every_citizen_exactly_neighbours_ties(neighbours: int) -> None:
    population = build(neighbours=neighbours, rewire_probability=0.0, cross_region_share=0.0)
    assert (local_degree(population) == neighbours).all()


@pytest.mark.parametrize("neighbours", [4, 6, 10])
@pytest.mark.parametrize("rewire", [0.1, 0.5])
def test_rewiring_keeps_the_mean_degree(neighbours: int, rewire: float) -> None:
    population = build(neighbours=neighbours, rewire_probability=rewire)
    degree = local_degree(population)
    # Rewired ties that land on the citizen itself or on an existing tie are lost: a few per cent.
    assert degree.mean() == pytest.approx(neighbours, rel=0.03)
    assert degree.mean() <= neighbours
    assert degree.std() > 0.3  # rewiring happened


@pytest.mark.xfail(
    strict=True,
    reason="an odd `neighbours` gives neighbours - 1 ties (half = neighbours // 2 on each side); "
    "the schema accepts odd values as 'lattice neighbours per citizen'",
)
def test_odd_neighbours_gives_that_many_ties() -> None:
    population = build(neighbours=5, rewire_probability=0.0, cross_region_share=0.0)
    assert (local_degree(population) == 5).all()


# Cross-region ties -------------------------------------------------------------------------


@pytest.mark.parametrize("share", [0.02, 0.05, 0.2])
def test_each_citizen_starts_a_tie_elsewhere_with_cross_region_share(share: float) -> None:
    population = build(cross_region_share=share)
    rows, columns, _, local = ties(population)
    observed = int(np.sum(~local & (rows < columns)))
    # Citizen i draws a partner with probability `share`, uniformly among all citizens; the tie
    # is kept when the partner lives in another region.
    p = share * (1.0 - census_weights(population))
    expected, sd = p.sum(), np.sqrt((p * (1.0 - p)).sum())
    assert abs(observed - expected) <= SIGMAS * sd, (observed, expected)


@pytest.mark.xfail(
    strict=True,
    reason="the share of citizens with a tie elsewhere is about 1.8 x cross_region_share (0.088 "
    "at 0.05): draws that land in the citizen's own region are dropped, and each kept tie gives "
    "its partner a cross-region tie too; the schema says 'citizens with one tie elsewhere'",
)
@pytest.mark.parametrize("share", [0.05, 0.2])
def test_share_of_citizens_with_a_tie_elsewhere_is_cross_region_share(share: float) -> None:
    population = build(cross_region_share=share)
    rows, _, _, local = ties(population)
    has_tie = np.zeros(population.size, dtype=bool)
    has_tie[rows[~local]] = True
    sd = np.sqrt(share * (1.0 - share) / population.size)
    assert abs(has_tie.mean() - share) <= SIGMAS * sd, has_tie.mean()


def test_no_cross_region_ties_when_the_share_is_zero() -> None:
    population = build(cross_region_share=0.0)
    _, _, _, local = ties(population)
    assert local.all()


@pytest.mark.parametrize("weight", [0.3, 0.8, 1.0])
@pytest.mark.parametrize("rewire", [0.0, 0.1])
def test_cross_region_ties_carry_cross_region_weight(weight: float, rewire: float) -> None:
    population = build(
        cross_region_share=0.2, cross_region_weight=weight, rewire_probability=rewire
    )
    a = adjacency(population).tocoo()
    across = population.region[a.row] != population.region[a.col]
    assert across.sum() > 1_000
    np.testing.assert_allclose(a.data[across], weight)
    if rewire == 0.0:
        np.testing.assert_allclose(a.data[~across], 1.0)


# Neighbour means ---------------------------------------------------------------------------


def ring_neighbours(population: Population, citizen: int, neighbours: int) -> list[int]:
    """The ``neighbours`` nearest citizens on the citizen's region's ring."""
    region = population.region[citizen]
    start, n = int(population.starts[region]), int(population.counts[region])
    position = citizen - start
    offsets = range(1, neighbours // 2 + 1)
    return [start + (position + sign * k) % n for k in offsets for sign in (1, -1)]


def test_neighbour_mean_on_a_ring_lattice_is_the_mean_over_ring_neighbours() -> None:
    population = build(400, neighbours=6, rewire_probability=0.0, cross_region_share=0.0)
    assert population.counts.min() > 6
    values = np.random.default_rng(9).random(population.size)
    expected = [values[ring_neighbours(population, i, 6)].mean() for i in range(population.size)]
    np.testing.assert_allclose(population.neighbour_mean(values), expected)


@pytest.mark.parametrize("weight", [0.3, 0.8])
def test_neighbour_mean_weighs_ties_elsewhere_by_cross_region_weight(weight: float) -> None:
    population = build(
        600,
        neighbours=4,
        rewire_probability=0.0,
        cross_region_share=0.3,
        cross_region_weight=weight,
    )
    assert population.counts.min() > 4
    values = np.random.default_rng(9).random(population.size)
    network = population.network.tocsr()
    expected = np.empty(population.size)
    with_ties_elsewhere = 0
    for i in range(population.size):
        ring = ring_neighbours(population, i, 4)
        tied = network.indices[network.indptr[i] : network.indptr[i + 1]]
        elsewhere = tied[population.region[tied] != population.region[i]]
        with_ties_elsewhere += elsewhere.size > 0
        total = values[ring].sum() + weight * values[elsewhere].sum()
        expected[i] = total / (len(ring) + weight * elsewhere.size)
    assert with_ties_elsewhere > 100
    np.testing.assert_allclose(population.neighbour_mean(values), expected)


def test_neighbour_mean_of_a_boolean_is_the_weighted_share_of_true_neighbours() -> None:
    population = build(2_000)
    flags = np.random.default_rng(4).random(population.size) < 0.3
    shares = population.neighbour_mean(flags)
    np.testing.assert_allclose(shares, population.neighbour_mean(flags.astype(float)))
    assert ((shares >= 0.0) & (shares <= 1.0)).all()
    np.testing.assert_allclose(population.neighbour_mean(np.ones(population.size)), 1.0)
