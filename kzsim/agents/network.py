"""The citizens' social network, built straight into compressed sparse rows (CSR).

Within each region a Watts-Strogatz ring lattice (Watts and Strogatz 1998), across regions one
weaker tie for a share of the citizens; ties are symmetric and each row of ``W`` is divided by
the row's total tie weight. At one citizen per person (19.2 million citizens, about 117 million
entries) the matrix is built without edge lists: the random draws are made first, region by
region, and compiled loops (numba, cached on disk) count each citizen's ties, place them in its
row, sort the row and merge repeated ties. The draws, their order and the arithmetic of the
values are those of a COO construction (``coo_matrix(...).tocsr()``, row sums, ``diag(1/d) A``),
so the matrix is the same to the bit; the builder keeps only the result and arrays of one entry
per citizen.

References:
    Watts, D. J., Strogatz, S. H. (1998). Collective dynamics of 'small-world' networks. Nature 393.

"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from kzsim.kernels import jit

if TYPE_CHECKING:
    from kzsim.scenario.schema import NetworkConfig

IntArray = npt.NDArray[np.int64]

#: Rows whose row sums are taken in one ``np.add.reduceat`` call (bounds its temporaries).
SUM_BLOCK = 1 << 20
#: Most entries W may have: its indices and row pointer are int32. The schema's bounds keep W
#: below it (25 million citizens with 40 neighbours give about 1.05 * 10^9 entries).
MAX_ENTRIES = 2**31 - 1


@jit
def _count_or_place(
    counts: Any,
    half: int,
    rewired: Any,
    targets: Any,
    bridging: Any,
    partners: Any,
    ends: Any,
    indices: Any,
    place: bool,
) -> None:
    """Count each citizen's tie ends in ``ends[i + 1]``, or (``place``) put them in ``indices``.

    Lattice tie ``e = i * half + (o - 1)`` of a region of ``n >= 2`` citizens joins ``i`` to
    ``(i + o) % n``, or to the next of ``targets`` if ``rewired[e]``; a tie to oneself is
    dropped. Cross-region ties join ``bridging[k]`` and ``partners[k]``. Placing, ``ends[i + 1]``
    starts at the first slot of row ``i`` and ends one past its last.
    """
    edge = 0
    target = 0
    start = 0
    for n in counts:
        if n >= 2:
            for i in range(n):
                for o in range(1, half + 1):
                    if rewired[edge]:
                        d = targets[target]
                        target += 1
                    else:
                        d = (i + o) % n
                    edge += 1
                    if d != i:
                        a = start + i
                        b = start + d
                        if place:
                            indices[ends[a + 1]] = b
                            indices[ends[b + 1]] = a
                        ends[a + 1] += 1
                        ends[b + 1] += 1
        start += n
    for k in range(bridging.size):
        a = bridging[k]
        b = partners[k]
        if place:
            indices[ends[a + 1]] = b
            indices[ends[b + 1]] = a
        ends[a + 1] += 1
        ends[b + 1] += 1


@jit
def _sort_and_merge(counts: Any, cross_weight: float, indptr: Any, indices: Any, data: Any) -> int:
    """Sort each row's ties, merge repeated ties into one weight, compact rows; return the nnz.

    On entry ``indptr[i + 1]`` is one past row ``i``'s last placed tie (rows are contiguous); on
    return ``indptr`` is the CSR row pointer of the merged rows. A tie within the row's region
    weighs 1, one to another region ``cross_weight``; a repeated tie is the sum of its copies,
    added in order (as ``sum_duplicates`` does).
    """
    out = 0
    begin = 0
    row = 0
    low = 0
    for n in counts:
        high = low + n
        for _ in range(n):
            end = indptr[row + 1]
            for k in range(begin + 1, end):
                value = indices[k]
                j = k - 1
                while j >= begin and indices[j] > value:
                    indices[j + 1] = indices[j]
                    j -= 1
                indices[j + 1] = value
            k = begin
            while k < end:
                column = indices[k]
                weight = 1.0 if low <= column < high else cross_weight
                total = weight
                k += 1
                while k < end and indices[k] == column:
                    total += weight
                    k += 1
                indices[out] = column
                data[out] = total
                out += 1
            begin = end
            indptr[row + 1] = out
            row += 1
        low = high
    return out


@jit
def _scale_rows(indptr: Any, data: Any, inverse: Any) -> None:
    """Multiply each row's entries by the row's ``inverse`` (``diag(inverse) @ A``)."""
    for i in range(indptr.size - 1):
        scale = inverse[i]
        for k in range(indptr[i], indptr[i + 1]):
            data[k] = scale * data[k]


def _row_sums(indptr: IntArray, data: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each row's sum of ``data``, added as scipy's ``csr_matrix.sum(axis=1)`` adds it.

    scipy reduces each non-empty row with ``np.add.reduceat``; the same call on blocks of rows
    gives the same bits (each row is reduced on its own) with smaller temporaries.
    """
    rows = indptr.size - 1
    sums = np.zeros(rows)
    for first in range(0, rows, SUM_BLOCK):
        last = min(first + SUM_BLOCK, rows)
        offsets = indptr[first : last + 1] - indptr[first]
        filled = np.flatnonzero(np.diff(offsets))
        if filled.size:
            block = data[indptr[first] : indptr[last]]
            sums[first + filled] = np.add.reduceat(block, offsets[filled])
    return sums


def small_world_network(
    counts: IntArray, config: NetworkConfig, rng: np.random.Generator
) -> sp.csr_matrix:
    """Build the row-normalised social network W (CSR, float64, sorted rows, int32 indices).

    Within each region: a Watts-Strogatz ring lattice with ``config.neighbours`` neighbours and
    rewiring probability ``config.rewire_probability``. Across regions: each citizen gets one
    tie to a random citizen elsewhere with probability ``config.cross_region_share``, weighted by
    ``config.cross_region_weight`` (weaker ties). Ties are symmetric; a tie drawn twice weighs
    twice; rows sum to 1 (a citizen without ties has an empty row). Indices and the row pointer
    are int32.

    Raises:
        ValueError: if W would have more than :data:`MAX_ENTRIES` entries.

    """
    counts = np.asarray(counts, dtype=np.int64)
    half = max(1, config.neighbours // 2)
    total = int(counts.sum())
    lattice = counts[counts >= 2]
    rewired = np.empty(int(lattice.sum()) * half, dtype=np.bool_)
    targets: list[IntArray] = []
    at = 0
    for n in lattice:
        size = int(n) * half
        np.less(rng.random(size), config.rewire_probability, out=rewired[at : at + size])
        targets.append(rng.integers(0, n, int(rewired[at : at + size].sum())))
        at += size
    drawn = np.concatenate(targets) if targets else np.zeros(0, dtype=np.int64)
    bridging = np.flatnonzero(rng.random(total) < config.cross_region_share)
    partners = rng.integers(0, total, bridging.size)
    region_ends = np.cumsum(counts)
    across = np.searchsorted(region_ends, bridging, side="right") != np.searchsorted(
        region_ends, partners, side="right"
    )
    bridging, partners = bridging[across], partners[across]

    indptr = np.zeros(total + 1, dtype=np.int64)
    unused = np.zeros(0, dtype=np.int32)
    _count_or_place(counts, half, rewired, drawn, bridging, partners, indptr, unused, False)
    slots = int(indptr.sum())
    if slots > MAX_ENTRIES:
        raise ValueError(f"the network has {slots:,} entries (allowed: at most {MAX_ENTRIES:,})")
    indptr[1:] = np.cumsum(indptr[:-1])
    indices = np.empty(slots, dtype=np.int32)
    _count_or_place(counts, half, rewired, drawn, bridging, partners, indptr, indices, True)
    del rewired, drawn, bridging, partners
    data = np.empty(slots)
    nnz = _sort_and_merge(counts, config.cross_region_weight, indptr, indices, data)
    data = data[:nnz]
    indices = indices[:nnz]
    inverse = _row_sums(indptr, data)
    np.divide(1.0, inverse, out=inverse, where=inverse > 0)  # an empty row keeps its 0
    _scale_rows(indptr, data, inverse)
    network = sp.csr_matrix((data, indices, indptr.astype(np.int32)), shape=(total, total))
    network.has_canonical_format = True
    return network
