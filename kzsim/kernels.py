"""Fused per-citizen kernels: one pass over the citizens per rule and month (numba).

The opinion and protest rules update every citizen each month. Written as numpy expressions, a
month costs about a hundred passes over the citizen arrays and five sparse mat-vecs, each its
own pass through memory (about 200 ns per citizen-step at 10^6 citizens). Each kernel here does
one rule's month in one pass: it reads a citizen's attributes and its ties once and writes its
new state (docs/decisions.md, "Fused kernels").

The equations are the rules' own (kzsim.rules.opinion, kzsim.rules.land_protests, whose numpy
functions are the reference the kernels are tested against, tests/rules/test_kernels.py); the
kernels only change the order of floating-point operations, so a run differs from the numpy
reference by rounding (bounded and tested there). Citizens are ordered by region, so a region's
sums run over its contiguous slice ``starts[r] : starts[r] + counts[r]``. The network is the
row-normalised tie matrix W in CSR form (``indptr``, ``indices``, ``weights``).

Compiled code is cached on disk (numba's ``cache=True``), so only the first run on a machine
compiles. Every kernel is sequential and deterministic: same inputs, same bits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
F = TypeVar("F", bound=Callable[..., Any])

#: Index of each coefficient in the opinion kernel's ``coefficients`` array.
(
    HARDSHIP_RATE,
    PRESENCE_WEIGHT,
    CONTACT_WEIGHT,
    LAND_WEIGHT,
    LAND_NOW,
    LAND_BASE,
    AMPLIFICATION,
    REACH_NOW,
    REACH_BASE,
    XINJIANG_WEIGHT,
    XINJIANG_CHANGE,
    KAZAKH_BOOST,
    LEGITIMACY_HARDSHIP_WEIGHT,
    REPRESSION_TERM,
    AFFINITY_WEIGHT,
    EAEU_NATIONAL_CHANGE,
    MEDIA_WEIGHT,
    THREAT_WEIGHT,
    THREAT_CHANGE,
    THREAT_MEDIA_DAMPING,
    INPUT_SCALE,
) = range(21)
OPINION_COEFFICIENTS = 21

#: Index of each coefficient in the protest kernel's ``coefficients`` array.
(
    RELEASE_KEEP,
    SALIENCE,
    P_AMPLIFICATION,
    P_REACH,
    P_LAND_WEIGHT,
    P_XINJIANG_TERM,
    REPRESSION,
    ARREST_CONSTANT,
    MIN_ACTIVE,
    CROWD,
    THRESHOLD,
    SPREAD,
) = range(12)
PROTEST_COEFFICIENTS = 12


def jit(function: F) -> F:
    """Compile ``function`` with numba, cached on disk, keeping its signature for type checks."""
    return cast(F, numba.njit(cache=True, nogil=True, error_model="numpy")(function))


@jit
def opinion_month(
    starts: Any,
    counts: Any,
    kazakh: Any,
    russian_media: Any,
    china_contact: Any,
    initial_contact: Any,
    susceptibility: Any,
    hardship: Any,
    baseline_hardship: Any,
    fuel_part: Any,
    sinophobia: Any,
    legitimacy: Any,
    eaeu_support: Any,
    russia_affinity: Any,
    anchor_sinophobia: Any,
    anchor_legitimacy: Any,
    anchor_eaeu_support: Any,
    anchor_russia_affinity: Any,
    initial_affinity: Any,
    scratch: Any,
    indptr: Any,
    indices: Any,
    weights: Any,
    felt_pressure: Any,
    fuel_shift: Any,
    presence: Any,
    initial_presence: Any,
    lease_factor: Any,
    coefficients: Any,
) -> None:
    """One month of hardship and Friedkin-Johnsen opinion updating (kzsim.rules.opinion).

    Per citizen i of region r: hardship loses last month's fuel part, relaxes toward
    ``clip(H0 + felt_pressure[r], 0, 1)`` and gains this month's fuel part (clipped; kept in
    ``fuel_part``). The four attitude inputs are their levels now less their levels in the state
    the anchors were drawn for, times the input scale; then
    ``x_k <- clip(lambda (W x_k + u_k) + (1 - lambda) x0_k, 0, 1)`` for the four attitudes
    (Sinophobia, legitimacy, EAEU support, Russia affinity), all from last
    month's attitudes (packed into ``scratch`` first, so that the values of a tie are read
    from one cache line).

    The citizens' arrays: ``kazakh`` (1 for an ethnic Kazakh), ``russian_media``,
    ``china_contact`` (and ``initial_contact``, when the run began), ``susceptibility`` and
    ``baseline_hardship`` are read; ``hardship``,
    ``fuel_part`` and the four attitudes are updated in place; ``anchor_*`` are the attitudes'
    anchors x(0) (events may move them) and ``initial_affinity`` Russia affinity when the run
    began (the EAEU input follows its change); ``scratch`` is a work array (n, 4). Per region:
    ``starts`` and ``counts`` (its slice), ``felt_pressure``, ``fuel_shift``,
    ``presence`` and ``initial_presence`` (Chinese presence now and when the run began) and
    ``lease_factor``.
    ``indptr``, ``indices``, ``weights``: W in CSR form. ``coefficients``: the month's scalars,
    indexed by this module's opinion constants.

    """
    rate = coefficients[HARDSHIP_RATE]
    scale = coefficients[INPUT_SCALE]
    presence_weight = coefficients[PRESENCE_WEIGHT]
    contact_weight = coefficients[CONTACT_WEIGHT]
    land_weight = coefficients[LAND_WEIGHT]
    land_now = coefficients[LAND_NOW] * coefficients[AMPLIFICATION] * coefficients[REACH_NOW]
    land_base = coefficients[LAND_BASE] * coefficients[AMPLIFICATION] * coefficients[REACH_BASE]
    land_change = coefficients[LAND_NOW] - coefficients[LAND_BASE]
    xinjiang = coefficients[XINJIANG_WEIGHT] * coefficients[XINJIANG_CHANGE]
    kazakh_boost = coefficients[KAZAKH_BOOST]
    hardship_weight = coefficients[LEGITIMACY_HARDSHIP_WEIGHT]
    repression_term = coefficients[REPRESSION_TERM]
    affinity_weight = coefficients[AFFINITY_WEIGHT]
    eaeu_change = coefficients[EAEU_NATIONAL_CHANGE]
    media_change = coefficients[MEDIA_WEIGHT] * (coefficients[REACH_NOW] - coefficients[REACH_BASE])
    threat_change = coefficients[THREAT_WEIGHT] * coefficients[THREAT_CHANGE]
    damping = coefficients[THREAT_MEDIA_DAMPING]
    # Last month's attitudes, packed by citizen: a tie's four values share one cache line.
    for i in range(sinophobia.size):
        scratch[i, 0] = sinophobia[i]
        scratch[i, 1] = legitimacy[i]
        scratch[i, 2] = eaeu_support[i]
        scratch[i, 3] = russia_affinity[i]
    for r in range(counts.size):
        felt_r = felt_pressure[r]
        fuel_r = fuel_shift[r]
        presence_r = presence[r]
        initial_presence_r = initial_presence[r]
        lease_r = lease_factor[r]
        for i in range(starts[r], starts[r] + counts[r]):
            h = hardship[i] - fuel_part[i]
            h0 = baseline_hardship[i]
            target = min(max(h0 + felt_r, 0.0), 1.0)
            h = h + rate * (target - h)
            with_fuel = min(max(h + fuel_r, 0.0), 1.0)
            fuel_part[i] = with_fuel - h
            h = with_fuel
            hardship[i] = h
            media = russian_media[i]
            # felt land salience now less then: S (1 + m reach media) lease, S0 (1 + ...) lease
            felt_change = (land_change + (land_now - land_base) * media) * lease_r
            contact = china_contact[i]
            contact0 = initial_contact[i]
            u_sino = (
                presence_weight
                * (presence_r * (1.0 - contact) - initial_presence_r * (1.0 - contact0))
                - contact_weight * (contact - contact0)
                + land_weight * felt_change
                + xinjiang * (1.0 + kazakh_boost * kazakh[i])
            )
            u_legit = -hardship_weight * (h - h0) - repression_term
            u_eaeu = affinity_weight * (scratch[i, 3] - initial_affinity[i]) - eaeu_change
            u_aff = media_change * media - threat_change * (1.0 - damping * media)
            w0 = 0.0
            w1 = 0.0
            w2 = 0.0
            w3 = 0.0
            for e in range(indptr[i], indptr[i + 1]):
                j = indices[e]
                w = weights[e]
                w0 += w * scratch[j, 0]
                w1 += w * scratch[j, 1]
                w2 += w * scratch[j, 2]
                w3 += w * scratch[j, 3]
            lam = susceptibility[i]
            sinophobia[i] = _fj(w0, scale * u_sino, lam, anchor_sinophobia[i])
            legitimacy[i] = _fj(w1, scale * u_legit, lam, anchor_legitimacy[i])
            eaeu_support[i] = _fj(w2, scale * u_eaeu, lam, anchor_eaeu_support[i])
            russia_affinity[i] = _fj(w3, scale * u_aff, lam, anchor_russia_affinity[i])


@jit
def _fj(neighbour_mean: float, inputs: float, susceptibility: float, anchor: float) -> float:
    """``clip(lambda (W x + u) + (1 - lambda) x0, 0, 1)`` for one citizen and attitude."""
    value = (neighbour_mean + inputs - anchor) * susceptibility + anchor
    return min(max(value, 0.0), 1.0)


@jit
def protest_month(
    starts: Any,
    counts: Any,
    russian_media: Any,
    hardship: Any,
    legitimacy: Any,
    sinophobia: Any,
    risk_aversion: Any,
    active: Any,
    jailed: Any,
    indptr: Any,
    indices: Any,
    weights: Any,
    lease_factor: Any,
    coefficients: Any,
    new_active: Any,
    participants: Any,
) -> None:
    """Epstein's activation over the persons each citizen stands for (kzsim.rules.land_protests).

    Per citizen: release a share of the jailed (``jailed *= RELEASE_KEEP``); grievance
    ``G = H (1 - L) + (w_land felt + w_xj X) s`` with the felt land salience
    ``S (1 + m reach media) lease[r]``; arrest probability
    ``P = 1 - exp(-k R / max((W a)_i / crowd, a_min))`` from last month's active shares ``a``;
    active share ``max(0, sigma((G - risk P - T) / tau) - jailed)`` (a step at tau 0), written
    to ``new_active``; ``participants[r]`` is the sum over region r.
    """
    keep = coefficients[RELEASE_KEEP]
    salience = coefficients[SALIENCE]
    amplified = coefficients[P_AMPLIFICATION] * coefficients[P_REACH]
    land_weight = coefficients[P_LAND_WEIGHT]
    xinjiang = coefficients[P_XINJIANG_TERM]
    repression = coefficients[REPRESSION]
    arrest_constant = coefficients[ARREST_CONSTANT]
    min_active = coefficients[MIN_ACTIVE]
    crowd = coefficients[CROWD]
    threshold = coefficients[THRESHOLD]
    spread = coefficients[SPREAD]
    for r in range(counts.size):
        lease_r = lease_factor[r]
        total = 0.0
        for i in range(starts[r], starts[r] + counts[r]):
            jailed_i = jailed[i] * keep
            jailed[i] = jailed_i
            felt = salience * (1.0 + amplified * russian_media[i])
            anti_china = land_weight * felt * lease_r + xinjiang
            g = hardship[i] * (1.0 - legitimacy[i]) + anti_china * sinophobia[i]
            nearby = 0.0
            for e in range(indptr[i], indptr[i + 1]):
                nearby += weights[e] * active[indices[e]]
            ratio = repression / max(nearby / crowd, min_active)
            arrest = -math.expm1(-arrest_constant * ratio)
            net = g - risk_aversion[i] * arrest - threshold
            if spread == 0.0:
                share = 1.0 if net > 0.0 else 0.0
            else:
                share = 1.0 / (1.0 + math.exp(-net / spread))
            a = max(0.0, share - jailed_i)
            new_active[i] = a
            total += a
        participants[r] = total


@jit
def detain(
    starts: Any,
    counts: Any,
    new_active: Any,
    rate: float,
    active: Any,
    jailed: Any,
    arrests: Any,
) -> None:
    """Detain the share ``rate`` of each citizen's active persons; ``arrests[r]`` per region.

    ``d = rate a``; the free actives ``a - d`` go to ``active``; ``jailed += d``.
    """
    for r in range(counts.size):
        total = 0.0
        for i in range(starts[r], starts[r] + counts[r]):
            a = new_active[i]
            d = rate * a
            active[i] = a - d
            jailed[i] += d
            total += d
        arrests[r] = total


@jit
def region_group_sums(starts: Any, counts: Any, group: Any, values: Any, sums: Any) -> None:
    """``sums[r, g]``: the sum of ``values`` over region r's citizens of group g."""
    for r in range(counts.size):
        totals = np.zeros(sums.shape[1])
        for i in range(starts[r], starts[r] + counts[r]):
            totals[group[i]] += values[i]
        sums[r, :] = totals


@jit
def region_group_supporters(
    starts: Any, counts: Any, group: Any, support: Any, level: float, scale: float, sums: Any
) -> None:
    """``sums[r, g]``: the expected "support" answers of region r's group g.

    Each citizen answers "support" with probability ``1 / (1 + exp(-(x - level) / scale))``
    (kzsim.contracts.opinion.supporter_probability); ``scale`` 0 gives the step ``x > level``.
    """
    for r in range(counts.size):
        totals = np.zeros(sums.shape[1])
        for i in range(starts[r], starts[r] + counts[r]):
            x = support[i] - level
            if scale == 0.0:
                totals[group[i]] += 1.0 if x > 0.0 else 0.0
            else:
                totals[group[i]] += 1.0 / (1.0 + math.exp(-x / scale))
        sums[r, :] = totals


@jit
def region_sums(starts: Any, counts: Any, values: Any, sums: Any) -> None:
    """``sums[r]``: the sum of ``values`` over region r's citizens."""
    for r in range(counts.size):
        total = 0.0
        for i in range(starts[r], starts[r] + counts[r]):
            total += values[i]
        sums[r] = total
