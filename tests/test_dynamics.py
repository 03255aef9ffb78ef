"""Tests of the common dynamics: half-lives, partial adjustment, adaptive references, saturation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzsim.dynamics import (
    adapt_geometric,
    half_life_from_rate,
    half_life_from_retention,
    media_amplified,
    partial_adjustment,
    rate_from_half_life,
    retention_from_half_life,
    saturation,
)


def test_retention_and_rate_of_known_half_lives() -> None:
    assert retention_from_half_life(1.0) == 0.5
    assert retention_from_half_life(2.0) == pytest.approx(math.sqrt(0.5), rel=1e-15)
    assert retention_from_half_life(12.0) ** 12 == pytest.approx(0.5, rel=1e-14)
    assert rate_from_half_life(1.0) == 0.5
    assert rate_from_half_life(12.0) == pytest.approx(0.056125687318306, rel=1e-12)
    assert rate_from_half_life(None) == 0.0


def test_half_lives_of_the_former_monthly_speeds() -> None:
    assert half_life_from_retention(0.9) == pytest.approx(6.578813478960585, rel=1e-15)
    assert half_life_from_retention(0.5) == 1.0
    assert half_life_from_rate(0.5) == 1.0
    assert half_life_from_rate(0.2) == pytest.approx(3.1062837195053903, rel=1e-15)
    assert half_life_from_rate(0.05) == pytest.approx(13.513407333964873, rel=1e-15)
    assert half_life_from_rate(0.01) == pytest.approx(68.96756393652842, rel=1e-15)


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 1.5, math.nan])
def test_a_speed_without_a_finite_half_life_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="no finite half-life"):
        half_life_from_retention(bad)
    with pytest.raises(ValueError, match="no finite half-life"):
        half_life_from_rate(bad)


@given(st.floats(min_value=0.1, max_value=1e3))
def test_half_life_round_trips(half_life: float) -> None:
    retention = retention_from_half_life(half_life)
    assert half_life_from_retention(retention) == pytest.approx(half_life, rel=1e-9)
    assert half_life_from_rate(rate_from_half_life(half_life)) == pytest.approx(half_life, rel=1e-9)


def test_the_former_retention_comes_back_exactly() -> None:
    assert retention_from_half_life(half_life_from_retention(0.9)) == 0.9


def test_partial_adjustment_hand_values() -> None:
    assert partial_adjustment(0.0, 1.0, 0.25) == 0.25
    assert partial_adjustment(2.0, 1.0, 0.5) == 1.5
    assert partial_adjustment(0.3, 0.8, 0.0) == 0.3
    assert partial_adjustment(0.3, 0.8, 1.0) == 0.8


def test_partial_adjustment_of_shares_keeps_shares() -> None:
    previous = np.array([0.5, 0.3, 0.2])
    moved = partial_adjustment(previous, np.array([0.6, 0.1, 0.3]), 0.5)
    np.testing.assert_allclose(moved, [0.55, 0.2, 0.25])
    assert moved.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(previous, [0.5, 0.3, 0.2])


def test_a_gap_halves_over_its_half_life() -> None:
    value, rate = 0.0, rate_from_half_life(6.0)
    for _ in range(6):
        value = partial_adjustment(value, 1.0, rate)
    assert value == pytest.approx(0.5, rel=1e-12)


def test_adapt_geometric_halves_the_log_gap_over_the_half_life() -> None:
    reference, rate = 100.0, rate_from_half_life(12.0)
    for _ in range(12):
        reference = adapt_geometric(reference, 400.0, rate)
    assert reference == pytest.approx(200.0, rel=1e-12)
    assert adapt_geometric(100.0, 400.0, 0.0) == 100.0
    assert adapt_geometric(100.0, 400.0, 1.0) == 400.0
    assert adapt_geometric(100.0, 400.0, 0.5) == pytest.approx(200.0, rel=1e-15)


def test_saturation_hand_values() -> None:
    assert saturation(0.1, 0.1) == 0.5
    assert saturation(0.3, 0.1) == pytest.approx(0.75, rel=1e-15)
    assert saturation(0.0, 0.1) == 0.0
    assert saturation(-1.0, 0.1) == 0.0
    assert saturation(1e9, 0.1) < 1.0


def test_media_amplified_hand_values() -> None:
    exposure = np.array([0.0, 1.0, 0.5])
    felt = media_amplified(0.5, exposure, reach=0.5, amplification=0.4)
    np.testing.assert_allclose(felt, [0.5, 0.6, 0.55], rtol=1e-15)
    np.testing.assert_array_equal(media_amplified(0.0, exposure, 0.5, 0.4), 0.0)
    np.testing.assert_array_equal(media_amplified(0.5, exposure, 0.5, 0.0), 0.5)
    assert np.all(media_amplified(0.5, exposure, 0.5, 0.8) >= felt)
    assert media_amplified(0.5, 1.0, 1.0, 1.0) == 1.0
