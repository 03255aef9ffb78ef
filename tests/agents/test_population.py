"""Tests of population building: allocation to regions, order, drawn shares and reproducibility.

Statistical checks allow 4 standard errors of the sampled share or mean, at a fixed seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kzsim.agents.population import ATTITUDES, ETHNICITIES, Population, allocate
from kzsim.scenario.schema import PopulationConfig
from tests.conftest import small_scenario

SIGMAS = 4.0
#: Every float attribute of a citizen, each a share in [0, 1].
FLOAT_ATTRIBUTES = (
    "russian_media",
    "china_contact",
    "hardship",
    *ATTITUDES,
    "risk_aversion",
    "protest_threshold",
    "susceptibility",
)


def population_config(citizens: int, **parameters: Any) -> PopulationConfig:
    """The population section of a small scenario with these citizens and parameters."""
    return small_scenario(population={"citizens": citizens, **parameters}).population


def build(citizens: int = 20_000, seed: int = 1, **parameters: Any) -> Population:
    """A population drawn from the built-in region table."""
    config = population_config(citizens, **parameters)
    return Population.build(config, config.regions, np.random.default_rng(seed))


def region_weights() -> np.ndarray:
    """Each region's share of the census population."""
    regions = population_config(100).regions
    weights = np.array([r.population for r in regions], dtype=float)
    return weights / weights.sum()


@pytest.fixture(scope="module")
def large() -> Population:
    """20,000 citizens, seed 1 (shared: tests only read it)."""
    return build()


def within_sampling_error(observed: float, expected: float, n: int) -> bool:
    """Whether a sampled share is within ``SIGMAS`` binomial standard errors of its expectation."""
    sd = np.sqrt(expected * (1.0 - expected) / n)
    return abs(observed - expected) <= SIGMAS * sd + 1e-12


# Allocation --------------------------------------------------------------------------------


def test_allocate_gives_the_largest_remainders_the_missing_citizens() -> None:
    # Exact shares 3.5, 2.1, 1.4: floors 3, 2, 1 leave one citizen for the largest remainder.
    assert allocate(7, np.array([0.5, 0.3, 0.2])).tolist() == [4, 2, 1]
    # Exact shares 0.7, 1.4, 2.1, 2.8: two citizens go to the remainders 0.8 and 0.7.
    assert allocate(7, np.array([1.0, 2.0, 3.0, 4.0])).tolist() == [1, 1, 2, 3]
    assert allocate(9, np.array([1.0, 1.0, 1.0])).tolist() == [3, 3, 3]


@pytest.mark.parametrize("citizens", [100, 2_000, 12_345, 20_000, 99_999])
def test_citizens_are_allocated_in_proportion_to_census_population(citizens: int) -> None:
    population = build(citizens)
    exact = citizens * region_weights()
    assert population.counts.sum() == citizens == population.size
    assert (np.abs(population.counts - exact) < 1.0).all()
    # Largest remainder: the counts rounded up are the regions with the largest remainders.
    up = population.counts > np.floor(exact)
    remainders = exact - np.floor(exact)
    if up.any() and (~up).any():
        assert remainders[up].min() >= remainders[~up].max()


def test_citizens_are_ordered_by_region_in_contiguous_slices(large: Population) -> None:
    counts, starts = large.counts, large.starts
    assert starts[0] == 0
    np.testing.assert_array_equal(starts[1:], np.cumsum(counts)[:-1])
    assert (np.diff(large.region) >= 0).all()
    for index, (start, count) in enumerate(zip(starts, counts, strict=True)):
        assert (large.region[start : start + count] == index).all()
    np.testing.assert_array_equal(np.bincount(large.region, minlength=counts.size), counts)


# Drawn shares ------------------------------------------------------------------------------


@pytest.mark.parametrize("ethnicity", ETHNICITIES)
def test_ethnic_shares_per_region_follow_the_region_table(
    large: Population, ethnicity: str
) -> None:
    code = ETHNICITIES.index(ethnicity)
    regions = population_config(100).regions
    for index, region in enumerate(regions):
        expected = {
            "kazakh": region.share_kazakh,
            "russian": region.share_russian,
            "other": 1.0 - region.share_kazakh - region.share_russian,
        }[ethnicity]
        members = large.ethnicity[large.region == index]
        observed = float(np.mean(members == code))
        assert within_sampling_error(observed, expected, members.size), (region.id, observed)


def test_urban_shares_per_region_follow_the_region_table(large: Population) -> None:
    regions = population_config(100).regions
    for index, region in enumerate(regions):
        members = large.urban[large.region == index]
        observed = float(members.mean())
        assert within_sampling_error(observed, region.urban_share, members.size), region.id
        if region.urban_share == 1.0:
            assert members.all(), region.id


def test_float_attributes_are_shares(large: Population) -> None:
    for name in FLOAT_ATTRIBUTES:
        values = getattr(large, name)
        assert values.shape == (large.size,), name
        assert np.isfinite(values).all(), name
        assert ((values >= 0.0) & (values <= 1.0)).all(), name


def test_other_attributes_start_as_documented(large: Population) -> None:
    config = population_config(100)
    low, high = config.susceptibility_range
    assert ((large.susceptibility >= low) & (large.susceptibility <= high)).all()
    assert not large.active.any()
    assert not large.jailed.any()
    assert large.active.dtype == large.jailed.dtype == np.float64  # shares of persons
    np.testing.assert_array_equal(large.baseline_hardship, large.hardship)
    assert not np.shares_memory(large.baseline_hardship, large.hardship)
    for attitude in ATTITUDES:
        np.testing.assert_array_equal(large.anchors[attitude], getattr(large, attitude))
        assert not np.shares_memory(large.anchors[attitude], getattr(large, attitude))


def test_only_trader_hub_citizens_have_contact_with_china(large: Population) -> None:
    regions = population_config(100).regions
    hub = np.array([r.trader_hub for r in regions])[large.region]
    assert hub.any() and (~hub).any()
    assert (large.china_contact[~hub] == 0.0).all()
    assert (large.china_contact[hub] > 0.0).all()


@pytest.mark.parametrize("mean", [0.2, 0.5, 0.8])
def test_legitimacy_mean_follows_its_parameter(mean: float) -> None:
    population = build(legitimacy_mean=mean)
    concentration = population_config(100).concentration
    # A Beta with mean m and concentration k has variance m (1 - m) / (k + 1).
    se = np.sqrt(mean * (1.0 - mean) / (concentration + 1.0) / population.size)
    assert abs(population.legitimacy.mean() - mean) <= SIGMAS * se


def test_contact_with_china_lowers_sinophobia_as_parameterised(large: Population) -> None:
    config = population_config(100)
    wanted = np.clip(
        config.sinophobia_mean - config.contact_sinophobia_relief * large.china_contact, 0.01, 0.99
    )
    variance = wanted * (1.0 - wanted) / (config.concentration + 1.0)
    se = np.sqrt(variance.sum()) / large.size
    assert abs(large.sinophobia.mean() - wanted.mean()) <= SIGMAS * se
    hub = large.china_contact > 0.0
    assert large.sinophobia[hub].mean() < large.sinophobia[~hub].mean()


# Reproducibility ---------------------------------------------------------------------------

ARRAYS = (
    "region",
    "ethnicity",
    "urban",
    *FLOAT_ATTRIBUTES,
    "active",
    "jailed",
    "baseline_hardship",
    "fuel_hardship",
    "starts",
    "counts",
)


def test_same_seed_gives_an_identical_population() -> None:
    a, b = build(5_000, seed=42), build(5_000, seed=42)
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for attitude in ATTITUDES:
        np.testing.assert_array_equal(a.anchors[attitude], b.anchors[attitude])
    assert (a.network != b.network).nnz == 0


def test_different_seed_gives_a_different_population() -> None:
    a, b = build(5_000, seed=42), build(5_000, seed=43)
    np.testing.assert_array_equal(a.counts, b.counts)
    for name in ("ethnicity", "urban", *FLOAT_ATTRIBUTES):
        assert not np.array_equal(getattr(a, name), getattr(b, name)), name
    assert (a.network != b.network).nnz > 0
