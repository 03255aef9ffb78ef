"""Designs: from an experiment's factors to design points (one value per factor each).

Grid designs take every combination of levels. The sampled designs draw points in the unit
cube, with ``scipy.stats.qmc`` (Latin hypercube) or SALib (Saltelli's Sobol scheme, Morris
trajectories), and map each coordinate to a factor value through the factor's inverse
distribution (a list of values is cut into equal slices). Sampling is seeded from branch ``0`` of
the experiment's SeedSequence tree, so a design is reproduced exactly from its file.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt

from kzsim.batch import seeds
from kzsim.batch.schema import ExperimentSpec, Grid, Lhs, Morris, Sobol, factor_levels

#: One design point: a value for each factor, keyed by its dotted scenario key.
Point = dict[str, Any]


def salib_problem(spec: ExperimentSpec) -> dict[str, Any]:
    """The SALib problem: every factor on the unit interval (values are mapped afterwards)."""
    names = list(spec.factors)
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def unit_sample(spec: ExperimentSpec) -> npt.NDArray[np.float64]:
    """The sampled design in the unit cube, one row per design point (not for grids).

    References:
        Saltelli, A. et al. (2010), Computer Physics Communications 181, 259-270 (Sobol);
        Morris, M. D. (1991), Technometrics 33, 161-174; McKay, M. D. et al. (1979),
        Technometrics 21, 239-245 (Latin hypercube).

    """
    design = spec.design
    rng = seeds.generator(spec.seed, seeds.DESIGN)
    if isinstance(design, Lhs):
        from scipy.stats import qmc

        sample: npt.NDArray[np.float64] = qmc.LatinHypercube(d=len(spec.factors), rng=rng).random(
            design.samples
        )
        return sample
    if isinstance(design, Sobol):
        from SALib.sample import sobol  # type: ignore[import-untyped]

        return np.asarray(
            sobol.sample(salib_problem(spec), design.samples, calc_second_order=False, seed=rng),
            dtype=np.float64,
        )
    if isinstance(design, Morris):
        from SALib.sample import morris

        return np.asarray(
            morris.sample(salib_problem(spec), design.samples, num_levels=design.levels, seed=rng),
            dtype=np.float64,
        )
    raise TypeError(f"{design.method} designs are not sampled")


def design_points(spec: ExperimentSpec) -> list[Point]:
    """Every design point of the experiment, in design order (point ``i`` is row ``i``)."""
    keys = list(spec.factors)
    if isinstance(spec.design, Grid):
        levels = [factor_levels(spec.factors[key]) for key in keys]
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*levels)]
    unit = unit_sample(spec)
    columns = [spec.factors[key].at(unit[:, j]) for j, key in enumerate(keys)]
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]
