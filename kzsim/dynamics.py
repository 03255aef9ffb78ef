"""The model's common dynamics: adjustment speeds, partial adjustment, adaptive references.

One convention for how fast things move: a **half-life in months**, the time in which a gap (to a
target, a reference, or zero) halves. A half-life ``h`` keeps the share ``0.5^(1/h)`` of the gap
each month (:func:`retention_from_half_life`) and closes the rest, ``1 - 0.5^(1/h)``
(:func:`rate_from_half_life`); the inverses give the half-life of a monthly retention or rate.
The rules apply those shares with :func:`partial_adjustment` (toward a target) and
:func:`adapt_geometric` (a positive reference catching up in logs), map non-negative
quantities to [0, 1) with :func:`saturation` and amplify a level by media exposure with
:func:`media_amplified`.

Pure functions on floats or numpy arrays; no state, no randomness, no model.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # the module imports no numpy, so the scenario loader and the CLI stay light
    import numpy as np
    import numpy.typing as npt

#: A float or an array of floats.
Value = TypeVar("Value", float, "npt.NDArray[np.float64]")


def retention_from_half_life(half_life_months: float) -> float:
    """The share of a gap kept each month when it halves every ``half_life_months``.

    Args:
        half_life_months: the half-life ``h`` in months, > 0.

    Returns:
        ``0.5^(1/h)``, in (0, 1).

    """
    return float(0.5 ** (1.0 / half_life_months))


def rate_from_half_life(half_life_months: float | None) -> float:
    """The share of a gap closed each month when it halves every ``half_life_months``.

    Args:
        half_life_months: the half-life ``h`` in months, > 0; None means no adjustment.

    Returns:
        ``1 - 0.5^(1/h)``, in (0, 1); 0 for None.

    """
    if half_life_months is None:
        return 0.0
    return 1.0 - retention_from_half_life(half_life_months)


def half_life_from_retention(retention: float) -> float:
    """The half-life in months of a gap of which the share ``retention`` is kept each month.

    Args:
        retention: the monthly retention ``r``, strictly between 0 and 1.

    Returns:
        ``ln 0.5 / ln r``, in months.

    Raises:
        ValueError: if ``retention`` is not strictly between 0 and 1 (no finite half-life).

    """
    if not 0.0 < retention < 1.0:
        raise ValueError(f"a monthly retention of {retention!r} has no finite half-life")
    return math.log(0.5) / math.log(retention)


def half_life_from_rate(rate: float) -> float:
    """The half-life in months of a gap of which the share ``rate`` is closed each month.

    Args:
        rate: the monthly rate ``k``, strictly between 0 and 1.

    Returns:
        ``ln 0.5 / ln(1 - k)``, in months.

    Raises:
        ValueError: if ``rate`` is not strictly between 0 and 1 (no finite half-life).

    """
    if not 0.0 < rate < 1.0:
        raise ValueError(f"a monthly rate of {rate!r} has no finite half-life")
    return math.log(0.5) / math.log(1.0 - rate)


def partial_adjustment(previous: Value, target: Value, rate: float) -> Value:
    """Move ``previous`` the share ``rate`` of the way toward ``target``.

    Shares stay shares: values that sum to 1 before and in the target still do.

    Args:
        previous: last month's value (or values).
        target: what it tends to.
        rate: share of the gap closed this month, 0-1 (see :func:`rate_from_half_life`).

    Returns:
        ``previous + rate (target - previous)``.

    """
    return previous + rate * (target - previous)


def adapt_geometric(reference: float, current: float, rate: float) -> float:
    """Move a positive reference the share ``rate`` of the way toward ``current``, in logs.

    A reference level people or markets have adjusted to (a price, an exchange rate) catches up
    with the current level; with ``rate = 1 - 0.5^(1/h)`` the log gap halves in ``h`` months.

    Args:
        reference: last month's reference (> 0).
        current: this month's value (> 0).
        rate: share of the log gap closed, 0-1; 0 keeps the reference.

    Returns:
        ``reference (current / reference)^rate`` (= ``reference^(1 - rate) current^rate``).

    """
    return float(reference * (current / reference) ** rate)


def saturation(value: float, half: float) -> float:
    """Map a quantity to [0, 1): ``x / (x + half)`` for ``x = max(value, 0)``, 0.5 at ``half``.

    Args:
        value: the quantity; negative values count as 0.
        half: the value at which the response is 0.5 (> 0).

    Returns:
        The response, in [0, 1).

    """
    value = max(value, 0.0)
    return value / (value + half)


def media_amplified(level: float, exposure: Value, reach: float, amplification: float) -> Value:
    """A level as each citizen feels it, amplified by the media they follow.

    Args:
        level: the national level, e.g. the salience of land sales to foreigners, 0-1.
        exposure: each citizen's exposure to the media, 0-1.
        reach: the media's reach, 0-1.
        amplification: extra level felt per unit of exposure x reach.

    Returns:
        ``level (1 + amplification exposure reach)``, per citizen.

    """
    return level * (1.0 + amplification * reach * exposure)
