"""The CSR network builder gives the matrix of the COO reference construction, to the bit.

``reference_network`` below is the builder as it was before the network was built straight into
CSR (edge lists in int64, ``coo_matrix(...).tocsr()``, row sums, ``diag(1/d) @ A``). The new
builder must make the same random draws in the same order and give the same matrix: same rows,
same columns, same values bit for bit, with sorted indices; only the order of entries within a row
differs (the reference's product leaves them in descending order).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
import scipy.sparse as sp

import kzsim.agents.network as network_module
from kzsim.agents.network import small_world_network
from kzsim.scenario.schema import NetworkConfig

IntArray = npt.NDArray[np.int64]


def reference_network(
    counts: IntArray, config: NetworkConfig, rng: np.random.Generator
) -> sp.csr_matrix:
    """The COO construction the CSR builder replaces (kept verbatim as the reference)."""
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    half = max(1, config.neighbours // 2)
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    weights: list[npt.NDArray[np.float64]] = []
    for start, n in zip(starts, counts, strict=True):
        if n < 2:
            continue
        local = np.arange(n)
        src = np.repeat(local, half)
        dst = (src + np.tile(np.arange(1, half + 1), n)) % n
        rewire = rng.random(src.size) < config.rewire_probability
        dst[rewire] = rng.integers(0, n, int(rewire.sum()))
        keep = src != dst
        rows.append(src[keep] + start)
        cols.append(dst[keep] + start)
        weights.append(np.ones(int(keep.sum())))
    total = int(counts.sum())
    region_of = np.repeat(np.arange(counts.size), counts)
    bridging = np.flatnonzero(rng.random(total) < config.cross_region_share)
    partners = rng.integers(0, total, bridging.size)
    across = region_of[bridging] != region_of[partners]
    rows.append(bridging[across])
    cols.append(partners[across])
    weights.append(np.full(int(across.sum()), config.cross_region_weight))
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    w = np.concatenate(weights)
    adjacency = sp.coo_matrix(
        (np.concatenate((w, w)), (np.concatenate((r, c)), np.concatenate((c, r)))),
        shape=(total, total),
    ).tocsr()
    adjacency.sum_duplicates()
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    inverse = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
    return sp.csr_matrix(sp.diags(inverse) @ adjacency)


#: Region sizes: empty regions, regions of one and two citizens, and ordinary ones.
COUNTS = {
    "ordinary": [400, 1_000, 250, 3_000],
    "tiny": [0, 1, 2, 500, 0, 2, 1, 300, 3],
    "one region": [2_000],
}


def assert_same_matrix(new: sp.csr_matrix, old: sp.csr_matrix) -> None:
    """Same shape, rows, columns and bits; ``new`` has sorted rows and int32 indices."""
    old = old.copy()
    old.sort_indices()
    assert new.shape == old.shape
    assert new.data.dtype == np.float64
    assert new.indices.dtype == np.int32
    assert new.indptr.dtype == np.int32
    np.testing.assert_array_equal(new.indptr, old.indptr)
    np.testing.assert_array_equal(new.indices, old.indices)
    assert new.data.tobytes() == old.data.tobytes()
    fresh = sp.csr_matrix((new.data.copy(), new.indices.copy(), new.indptr.copy()), new.shape)
    assert fresh.has_sorted_indices
    fresh.sum_duplicates()
    assert fresh.nnz == new.nnz, "no repeated entries"


@pytest.mark.parametrize("layout", sorted(COUNTS))
@pytest.mark.parametrize("neighbours", [2, 6, 10])
@pytest.mark.parametrize("rewire", [0.0, 0.1, 1.0])
@pytest.mark.parametrize("cross", [0.0, 0.05])
def test_builder_gives_the_reference_matrix_bit_for_bit(
    layout: str, neighbours: int, rewire: float, cross: float
) -> None:
    counts = np.array(COUNTS[layout], dtype=np.int64)
    config = NetworkConfig(
        neighbours=neighbours, rewire_probability=rewire, cross_region_share=cross
    )
    new_rng, old_rng = np.random.default_rng(11), np.random.default_rng(11)
    new = small_world_network(counts, config, new_rng)
    assert_same_matrix(new, reference_network(counts, config, old_rng))
    assert new_rng.random() == old_rng.random(), "the same draws were made"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_builder_matches_the_reference_with_many_cross_ties_and_odd_weights(seed: int) -> None:
    # Many citizens with two cross ties (both ends bridging), a weight whose sums round.
    counts = np.array([700, 1, 900, 2, 1_500], dtype=np.int64)
    config = NetworkConfig(
        neighbours=7, rewire_probability=0.3, cross_region_share=0.9, cross_region_weight=0.1
    )
    new = small_world_network(counts, config, np.random.default_rng(seed))
    assert_same_matrix(new, reference_network(counts, config, np.random.default_rng(seed)))
    assert new.data.min() < new.data.max()


def test_rows_sum_to_one_and_citizens_without_ties_have_empty_rows() -> None:
    counts = np.array([1, 1, 5], dtype=np.int64)
    config = NetworkConfig(neighbours=2, rewire_probability=0.0, cross_region_share=0.0)
    network = small_world_network(counts, config, np.random.default_rng(0))
    sums = np.asarray(network.sum(axis=1)).ravel()
    np.testing.assert_array_equal(np.diff(network.indptr)[:2], [0, 0])
    np.testing.assert_allclose(sums, [0, 0, 1, 1, 1, 1, 1])


def test_more_entries_than_int32_indices_hold_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network_module, "MAX_ENTRIES", 1_000)
    counts = np.array([300, 2, 500], dtype=np.int64)
    with pytest.raises(
        ValueError, match=r"the network has 4,8\d\d entries \(allowed: at most 1,000\)"
    ):
        small_world_network(counts, NetworkConfig(), np.random.default_rng(5))
