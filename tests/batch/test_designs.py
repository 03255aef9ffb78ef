"""Designs: sizes, stratification, value mapping, and reproducibility from the master seed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kzsim.batch.designs import design_points, unit_sample
from kzsim.batch.schema import ExperimentSpec, Levels, Normal, Triangular, Uniform
from kzsim.batch.seeds import replication_seed


def spec(design: dict[str, Any], factors: dict[str, Any], seed: int = 1) -> ExperimentSpec:
    return ExperimentSpec.model_validate(
        {
            "name": "d",
            "scenario": {},
            "design": design,
            "factors": factors,
            "seed": seed,
            "outcomes": {"x": {"series": "protest_share", "stat": "max"}},
        }
    )


TWO = {"a": {"low": 0.0, "high": 1.0}, "b": {"low": 10.0, "high": 20.0}}


def test_grid_is_every_combination_in_order() -> None:
    points = design_points(
        spec({"method": "grid"}, {"a": [1, 2], "b": {"low": 0, "high": 1, "levels": 3}})
    )
    assert points == [
        {"a": 1, "b": 0.0}, {"a": 1, "b": 0.5}, {"a": 1, "b": 1.0},
        {"a": 2, "b": 0.0}, {"a": 2, "b": 0.5}, {"a": 2, "b": 1.0},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("design", "expected"),
    [
        ({"method": "lhs", "samples": 10}, 10),
        ({"method": "sobol", "samples": 16}, 16 * (2 + 2)),
        ({"method": "morris", "samples": 5}, 5 * (2 + 1)),
    ],
)
def test_sampled_design_sizes(design: dict[str, Any], expected: int) -> None:
    experiment = spec(design, TWO)
    assert experiment.points == expected
    assert len(design_points(experiment)) == expected


def test_latin_hypercube_has_one_point_per_stratum() -> None:
    unit = unit_sample(spec({"method": "lhs", "samples": 20}, TWO))
    for column in unit.T:
        assert sorted(np.floor(column * 20).astype(int)) == list(range(20))


def test_sampled_values_follow_each_factor_range() -> None:
    points = design_points(spec({"method": "sobol", "samples": 32}, TWO))
    a = np.array([p["a"] for p in points])
    b = np.array([p["b"] for p in points])
    assert a.min() >= 0.0 and a.max() <= 1.0 and b.min() >= 10.0 and b.max() <= 20.0
    assert b.max() - b.min() > 8.0  # the range is covered, not squeezed


def test_morris_moves_one_factor_at_a_time() -> None:
    unit = unit_sample(spec({"method": "morris", "samples": 4, "levels": 4}, TWO))
    steps = np.abs(np.diff(unit.reshape(4, 3, 2), axis=1))
    assert ((steps > 0).sum(axis=2) == 1).all()


def test_design_is_reproduced_from_the_seed_and_changes_with_it() -> None:
    design = {"method": "lhs", "samples": 8}
    assert design_points(spec(design, TWO, seed=3)) == design_points(spec(design, TWO, seed=3))
    assert design_points(spec(design, TWO, seed=3)) != design_points(spec(design, TWO, seed=4))


def test_factor_mapping_from_the_unit_interval() -> None:
    unit = np.array([0.0, 0.249, 0.25, 0.999])
    assert Levels(("x", "y", "z", "w")).at(unit) == ["x", "x", "y", "w"]
    assert Uniform(low=2, high=4, integer=True).at(np.array([0.0, 0.3, 1.0])) == [2, 3, 4]
    normal = Normal(distribution="normal", mean=0.5, sd=0.1, low=0.4, high=0.8)
    assert normal.at(np.array([0.0, 1.0])) == pytest.approx([0.4, 0.8])
    assert normal.at(np.array([0.5]))[0] > 0.5  # truncated more below the mean than above
    triangle = Triangular(distribution="triangular", low=0.0, mode=0.2, high=1.0)
    assert triangle.at(np.array([0.2]))[0] == pytest.approx(0.2)  # F(mode) = (mode-low)/width


def test_replication_seeds_differ_and_are_fixed_by_the_master_seed() -> None:
    seeds = [replication_seed(2024, r) for r in range(50)]
    assert len(set(seeds)) == 50
    assert all(0 <= s < 2**63 for s in seeds)
    assert seeds == [replication_seed(2024, r) for r in range(50)]
    assert replication_seed(2025, 0) != seeds[0]
