"""The experiment's SeedSequence tree: one root per experiment, one branch per purpose.

``SeedSequence(seed)`` is the root; its child ``0`` seeds the design sample, child ``(1, r)``
gives the seed of replication ``r`` (the same at every design point: common random numbers), and
child ``2`` seeds the bootstrap of the sensitivity analysis.
"""

from __future__ import annotations

import numpy as np

DESIGN = 0
REPLICATIONS = 1
ANALYSIS = 2


def derived_seed(master: int, *key: int) -> int:
    """A non-negative 63-bit seed from branch ``key`` of the tree rooted at ``master``."""
    state = np.random.SeedSequence(master, spawn_key=key).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def replication_seed(master: int, replication: int) -> int:
    """The seed ``kzsim.run`` gets for replication ``replication`` of every design point."""
    return derived_seed(master, REPLICATIONS, replication)


def generator(master: int, branch: int) -> np.random.Generator:
    """A generator for one branch of the tree (design sampling or analysis)."""
    return np.random.default_rng(np.random.SeedSequence(master, spawn_key=(branch,)))
