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

A region runs in blocks of :data:`BLOCK` citizens: the ties' values first (a gather, with
prefetching for arrays larger than the cache), then the per-citizen arithmetic in loops
without branches or library calls, which the compiler vectorises (hence this module's own
:func:`exp` and :func:`expm1`), indexing with unsigned integers (:func:`_index`); sums run in
citizen order (docs/decisions.md, "Fused kernels and the network at scale").

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
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

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


def inline(function: F) -> F:
    """:func:`jit`, and inlined where it is called (so that the caller's loop can vectorise)."""
    compiled = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
    return cast(F, compiled(function))


#: Past this size of the array gathered (bytes: a core's L2 cache), the gathers ask for the
#: value of the tie PREFETCH_TIES ahead while they add this one: a tie to a distant citizen
#: (about 1 in 10 go to another region or far along the lattice) is otherwise a wait for the
#: last-level cache or main memory. It takes about a third off the opinion pass at 10^6 and
#: at 1:1; below the threshold it costs a few per cent.
PREFETCH_BYTES = 1 << 21
PREFETCH_TIES = 64

#: Citizens per block of the kernels that gather the ties' values first (fits in L1 cache).
BLOCK = 512

#: The exponentials below: log2(e); ln 2 in two parts (Cody and Waite: ``k LN2_HI`` is exact
#: for ``|k| < 2^11``); 1.5 2^52, which rounds to an integer when added; the Taylor
#: coefficients 1/k! of expm1 on ``|r| <= ln(2) / 2`` (the 14th term bounds the error at
#: 1.2e-17 relative).
LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
ROUNDING_SHIFT = 6755399441055744.0
EXPM1_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(14, 1, -1))
#: Above it, exp and expm1 are inf (the true values overflow past 709.78: a share
#: ``1 / (1 + exp(x))`` is 0 there rather than below 1e-307); below -EXP_LIMIT, exp(x) is taken
#: as exp(-EXP_LIMIT), about 3e-308.
EXP_LIMIT = 708.0


def _float_bits_typing(typingctx: Any, x: Any) -> Any:
    """The typing and code of :data:`_float_bits`."""
    if not isinstance(x, types.Float):
        return None

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], context.get_value_type(types.int64))

    return types.int64(types.float64), codegen


def _bits_float_typing(typingctx: Any, x: Any) -> Any:
    """The typing and code of :data:`_bits_float`."""
    if not isinstance(x, types.Integer):
        return None

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], context.get_value_type(types.float64))

    return types.float64(types.int64), codegen


#: The 64 bits of a float64 as an int64, and back (bit casts; in compiled code only).
_float_bits = cast(Callable[[float], int], intrinsic(_float_bits_typing))
_bits_float = cast(Callable[[int], float], intrinsic(_bits_float_typing))


@inline
def _expm1_parts(x: float) -> tuple[float, float]:
    """``(2^k, expm1(r))`` with ``x = k ln 2 + r``, ``|r| <= ln(2) / 2`` (x in +-EXP_LIMIT)."""
    x = min(max(x, -EXP_LIMIT), EXP_LIMIT)
    shifted = x * LOG2E + ROUNDING_SHIFT
    k = shifted - ROUNDING_SHIFT
    r = (x - k * LN2_HI) - k * LN2_LO
    (c14, c13, c12, c11, c10, c9, c8, c7, c6, c5, c4, c3, c2) = EXPM1_TAYLOR
    p = c14 * r + c13
    p = p * r + c12
    p = p * r + c11
    p = p * r + c10
    p = p * r + c9
    p = p * r + c8
    p = p * r + c7
    p = p * r + c6
    p = p * r + c5
    p = p * r + c4
    p = p * r + c3
    p = p * r + c2
    # the low bits of ``shifted`` are k: 2^k is (k + 1023) in the exponent field
    scale = _bits_float((_float_bits(shifted) + 1023) << 52)
    return scale, r + r * r * p


@inline
def expm1(x: float) -> float:
    """``exp(x) - 1`` within 2 ulp of the C library's, in code the compiler can vectorise.

    ``math.expm1`` is a call per value, which keeps a loop scalar (numba vectorises it only
    with Intel's SVML, whose results depend on the machine). This is plain arithmetic on IEEE
    doubles (no fused multiply-adds: numba does not contract without fastmath), so it gives
    the same bits on every machine. Below -EXP_LIMIT it is -1 (to rounding); above EXP_LIMIT
    it is inf.
    """
    scale, part = _expm1_parts(x)
    value = scale * part + (scale - 1.0)
    return value if x <= EXP_LIMIT else math.inf


@inline
def exp(x: float) -> float:
    """``exp(x)`` within 2 ulp of the C library's, vectorisable like :func:`expm1`."""
    scale, part = _expm1_parts(x)
    value = scale * (1.0 + part)
    return value if x <= EXP_LIMIT else math.inf


#: numba's address of an array element (untyped for mypy).
ITEM_POINTER: Any = cgutils.get_item_pointer


def _prefetch_typing(typingctx: Any, array: Any, index: Any) -> Any:
    """The typing and code of :data:`_prefetch`."""
    if not isinstance(array, types.Array) or not isinstance(index, types.Integer):
        return None

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        array_type, index_type = signature.args
        view = context.make_array(array_type)(context, builder, args[0])
        where = [context.cast(builder, args[1], index_type, types.intp)]
        where += [context.get_constant(types.intp, 0)] * (array_type.ndim - 1)
        pointer = ITEM_POINTER(
            context, builder, array_type, view, where, wraparound=False, boundscheck=False
        )
        byte = ir.IntType(8).as_pointer()
        flag = ir.IntType(32)
        hint = builder.module.declare_intrinsic(
            "llvm.prefetch", [byte], ir.FunctionType(ir.VoidType(), [byte, flag, flag, flag])
        )
        # a read, to be kept in every cache level, of data
        builder.call(hint, [builder.bitcast(pointer, byte), flag(0), flag(3), flag(1)])
        return context.get_dummy_value()

    return types.void(array, index), codegen


#: Ask the processor to bring ``array[index]`` (its first axis) into the cache: a hint, which
#: changes no result (in compiled code only).
_prefetch = cast(Callable[[Any, int], None], intrinsic(_prefetch_typing))


@inline
def _index(value: int) -> int:
    """``value`` (at least 0) as an unsigned index.

    numba indexes with a signed integer as Python does (from the end if negative), a compare
    and a select at each access; an unsigned index skips them. The citizens' and ties' indices
    are never negative, so the kernels index with them unsigned (the ties' gather loop runs in
    half the time).
    """
    return np.uint64(value)  # type: ignore[return-value]


@jit
def _neighbour_sums(
    first: int,
    last: int,
    indptr: Any,
    indices: Any,
    weights: Any,
    values: Any,
    sums: Any,
    far: bool,
) -> None:
    """``sums[i - first] = (W values)_i`` for the citizens ``first <= i < last``.

    ``far``: prefetch the values of the ties ahead (for an array larger than the cache).
    """
    final = _index(indices.size - 1)
    for i in range(first, last):
        total = 0.0
        for e in range(_index(indptr[i]), _index(indptr[i + 1])):
            if far:
                _prefetch(values, _index(indices[min(e + _index(PREFETCH_TIES), final)]))
            total += weights[e] * values[_index(indices[e])]
        sums[i - first] = total


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
    nearby = np.empty((BLOCK, 4))
    far = scratch.size * scratch.itemsize > PREFETCH_BYTES
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
        end = _index(starts[r] + counts[r])
        for first in range(_index(starts[r]), end, _index(BLOCK)):
            last = min(first + _index(BLOCK), end)
            _packed_neighbour_sums(first, last, indptr, indices, weights, scratch, nearby, far)
            for k in range(last - first):
                i = first + k
                h = hardship[i] - fuel_part[i]
                h0 = baseline_hardship[i]
                target = min(max(h0 + felt_r, 0.0), 1.0)
                h = h + rate * (target - h)
                with_fuel = min(max(h + fuel_r, 0.0), 1.0)
                fuel_part[i] = with_fuel - h
                h = with_fuel
                hardship[i] = h
                media = russian_media[i]
                # felt land salience now less then: S (1 + m reach media) lease, S0 (...) lease
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
                lam = susceptibility[i]
                sinophobia[i] = _fj(nearby[k, 0], scale * u_sino, lam, anchor_sinophobia[i])
                legitimacy[i] = _fj(nearby[k, 1], scale * u_legit, lam, anchor_legitimacy[i])
                eaeu_support[i] = _fj(nearby[k, 2], scale * u_eaeu, lam, anchor_eaeu_support[i])
                russia_affinity[i] = _fj(
                    nearby[k, 3], scale * u_aff, lam, anchor_russia_affinity[i]
                )


@jit
def _packed_neighbour_sums(
    first: int,
    last: int,
    indptr: Any,
    indices: Any,
    weights: Any,
    values: Any,
    sums: Any,
    far: bool,
) -> None:
    """``sums[i - first, c] = (W values[:, c])_i`` for ``first <= i < last``, four columns c.

    ``far``: prefetch the values of the ties ahead (for an array larger than the cache).
    """
    final = _index(indices.size - 1)
    for i in range(first, last):
        w0 = 0.0
        w1 = 0.0
        w2 = 0.0
        w3 = 0.0
        for e in range(_index(indptr[i]), _index(indptr[i + _index(1)])):
            if far:
                _prefetch(values, _index(indices[min(e + _index(PREFETCH_TIES), final)]))
            j = _index(indices[e])
            w = weights[e]
            w0 += w * values[j, 0]
            w1 += w * values[j, 1]
            w2 += w * values[j, 2]
            w3 += w * values[j, 3]
        k = i - first
        sums[k, 0] = w0
        sums[k, 1] = w1
        sums[k, 2] = w2
        sums[k, 3] = w3


@inline
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

    A region runs in blocks of :data:`BLOCK` citizens: the ties' active shares ``(W a)_i`` are
    gathered into a work array first, then the rest is one loop without branches or calls,
    which the compiler turns into SIMD code (the exponentials are :func:`expm1` and
    :func:`exp`), then the block's active shares are added to the region's sum in citizen order.
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
    nearby = np.empty(BLOCK)
    far = active.size * active.itemsize > PREFETCH_BYTES
    for r in range(counts.size):
        lease_r = lease_factor[r]
        total = 0.0
        end = _index(starts[r] + counts[r])
        for first in range(_index(starts[r]), end, _index(BLOCK)):
            last = min(first + _index(BLOCK), end)
            _neighbour_sums(first, last, indptr, indices, weights, active, nearby, far)
            # net grievance into new_active (a loop writing one array: the compiler checks
            # that it overlaps none of the arrays read, and vectorises)
            for k in range(last - first):
                i = first + k
                felt = salience * (1.0 + amplified * russian_media[i])
                anti_china = land_weight * felt * lease_r + xinjiang
                g = hardship[i] * (1.0 - legitimacy[i]) + anti_china * sinophobia[i]
                ratio = repression / max(nearby[k] / crowd, min_active)
                arrest = -expm1(-arrest_constant * ratio)
                new_active[i] = g - risk_aversion[i] * arrest - threshold
            if spread == 0.0:
                for i in range(first, last):
                    jailed_i = jailed[i] * keep
                    jailed[i] = jailed_i
                    share = 1.0 if new_active[i] > 0.0 else 0.0
                    new_active[i] = max(0.0, share - jailed_i)
            else:
                for i in range(first, last):
                    jailed_i = jailed[i] * keep
                    jailed[i] = jailed_i
                    share = 1.0 / (1.0 + exp(-new_active[i] / spread))
                    new_active[i] = max(0.0, share - jailed_i)
            for i in range(first, last):
                total += new_active[i]
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
        for i in range(_index(starts[r]), _index(starts[r] + counts[r])):
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
        for i in range(_index(starts[r]), _index(starts[r] + counts[r])):
            totals[_index(group[i])] += values[i]
        sums[r, :] = totals


@inline
def _supporter_probabilities(
    first: int, last: int, support: Any, level: float, scale: float, out: Any
) -> None:
    """``out[i - first]``: ``1 / (1 + exp(-(x_i - level) / scale))``, or ``x_i > level`` at 0."""
    if scale == 0.0:
        for k in range(last - first):
            out[k] = 1.0 if support[first + k] - level > 0.0 else 0.0
    else:
        for k in range(last - first):
            out[k] = 1.0 / (1.0 + exp(-(support[first + k] - level) / scale))


@jit
def region_group_supporters(
    starts: Any, counts: Any, group: Any, support: Any, level: float, scale: float, sums: Any
) -> None:
    """``sums[r, g]``: the expected "support" answers of region r's group g.

    Each citizen answers "support" with probability ``1 / (1 + exp(-(x - level) / scale))``
    (kzsim.contracts.opinion.supporter_probability); ``scale`` 0 gives the step ``x > level``.
    The probabilities of a block of citizens are computed first (a loop the compiler
    vectorises), then added by group in citizen order.
    """
    probability = np.empty(BLOCK)
    for r in range(counts.size):
        totals = np.zeros(sums.shape[1])
        end = _index(starts[r] + counts[r])
        for first in range(_index(starts[r]), end, _index(BLOCK)):
            last = min(first + _index(BLOCK), end)
            _supporter_probabilities(first, last, support, level, scale, probability)
            for k in range(last - first):
                totals[_index(group[first + k])] += probability[k]
        sums[r, :] = totals


@jit
def region_group_totals(
    starts: Any,
    counts: Any,
    group: Any,
    values: Any,
    support: Any,
    level: float,
    scale: float,
    sums: Any,
) -> None:
    """:func:`region_group_sums` of several arrays and :func:`region_group_supporters`, one pass.

    ``sums[q, r, g]`` is the sum of ``values[q]`` (a tuple of citizen arrays) over region r's
    citizens of group g for ``q < len(values)``; ``sums[len(values), r, g]`` the expected
    "support" answers of ``support`` (read against ``level`` with ``scale``). Each sum is
    added in citizen order, as the single kernels add it: the same bits.
    """
    count = len(values)
    groups = sums.shape[2]
    probability = np.empty(BLOCK)
    totals = np.empty((groups, count + 1))
    for r in range(counts.size):
        totals[:] = 0.0
        end = _index(starts[r] + counts[r])
        for first in range(_index(starts[r]), end, _index(BLOCK)):
            last = min(first + _index(BLOCK), end)
            _supporter_probabilities(first, last, support, level, scale, probability)
            for k in range(last - first):
                i = first + k
                g = _index(group[i])
                for q in range(count):
                    totals[g, q] += values[q][i]
                totals[g, count] += probability[k]
        for q in range(count + 1):
            for g in range(groups):
                sums[q, r, g] = totals[g, q]


@jit
def region_sums(starts: Any, counts: Any, values: Any, sums: Any) -> None:
    """``sums[r]``: the sum of ``values`` over region r's citizens."""
    for r in range(counts.size):
        total = 0.0
        for i in range(_index(starts[r]), _index(starts[r] + counts[r])):
            total += values[i]
        sums[r] = total
