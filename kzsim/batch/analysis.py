"""Analysis of a sweep folder: runs, series, summaries across replications, sensitivity indices.

Every function reads only the folder (manifest, design, journal, shards), so a sweep can be
analysed anywhere, while it runs, or after it was interrupted. The tables they write are not
written while another process holds the folder's lock (a sweep in progress; see
``kzsim.batch.store``): they are only returned.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from kzsim.batch import seeds
from kzsim.batch.designs import salib_problem, unit_sample
from kzsim.batch.schema import ExperimentSpec, Morris, Sobol
from kzsim.batch.store import SweepFolder
from kzsim.errors import InputError

QUANTILES = {"p05": 0.05, "p50": 0.5, "p95": 0.95}
SENSITIVITY_COLUMNS = [
    "outcome",
    "factor",
    "index",
    "value",
    "conf",
    "low",
    "high",
    "includes_zero",
    "note",
]
#: Confidence level of the sensitivity indices' intervals (SALib's bootstrap).
CONFIDENCE = 0.95


def read_runs(path: str | Path) -> pd.DataFrame:
    """The runs table of a sweep folder, brought up to date with its journal."""
    return SweepFolder.existing(Path(path)).write_runs()


def read_series(
    path: str | Path,
    variables: Sequence[str] | None = None,
    scopes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The series of every finished run, optionally only some variables and scopes.

    Returns:
        Long frame ``point, replication, step, date, scope, variable, value``.

    """
    folder = SweepFolder.existing(Path(path))
    filters = []
    if variables is not None:
        filters.append(("variable", "in", list(variables)))
    if scopes is not None:
        filters.append(("scope", "in", list(scopes)))
    if not any(folder.series_dir.glob("*.parquet")):
        return pd.DataFrame(
            columns=["point", "replication", "step", "date", "scope", "variable", "value"]
        )
    return pd.read_parquet(folder.series_dir, filters=filters or None)


def summarize(path: str | Path) -> pd.DataFrame:
    """Mean and 5/50/95% quantiles of each outcome across replications, per design point.

    Writes ``summary.parquet``: ``point``, the factors, ``outcome``, ``runs`` (runs with a
    value), ``mean``, ``p05``, ``p50``, ``p95``.
    """
    folder = SweepFolder.existing(Path(path))
    spec = folder.spec()
    runs = folder.write_runs()
    design = pd.read_parquet(folder.design_path)
    ok = runs[runs["status"] == "ok"]
    frames = []
    for name in spec.outcomes:
        grouped = ok.groupby("point")[name]
        stats = pd.DataFrame({"runs": grouped.count(), "mean": grouped.mean()})
        for column, q in QUANTILES.items():
            stats[column] = grouped.quantile(q)
        stats = stats.reindex(design["point"]).fillna({"runs": 0}).astype({"runs": "int64"})
        stats.insert(0, "outcome", name)
        frames.append(design.merge(stats, left_on="point", right_index=True))
    summary = pd.concat(frames, ignore_index=True)
    folder.write_derived(summary, folder.summary_path)
    return summary


def sensitivity(path: str | Path) -> pd.DataFrame:
    """Sensitivity indices of each outcome (mean over replications) to each factor.

    Sobol designs give first-order (``S1``) and total (``ST``) indices, Morris designs ``mu_star``
    and ``sigma``, each with SALib's bootstrap confidence interval at 95% where SALib gives one;
    ``includes_zero`` flags an interval that contains 0. An outcome that cannot be analysed (a
    design point without a value, or no variation) has NaN values and a ``note``. Writes
    ``sensitivity.parquet``.

    Raises:
        InputError: for designs other than sobol and morris.

    References:
        Saltelli, A. et al. (2010), Computer Physics Communications 181, 259-270;
        Campolongo, F., Cariboni, J. and Saltelli, A. (2007), Environmental Modelling & Software
        22, 1509-1518; Herman, J. and Usher, W. (2017), SALib, JOSS 2(9), 97.

    """
    folder = SweepFolder.existing(Path(path))
    spec = folder.spec()
    if not isinstance(spec.design, Sobol | Morris):
        raise InputError(
            [
                f"{path}: DIR: a {spec.design.method} design has no sensitivity indices "
                "(allowed: sobol or morris designs)"
            ]
        )
    runs = folder.write_runs()
    ok = runs[runs["status"] == "ok"]
    rows: list[dict[str, object]] = []
    for name in spec.outcomes:
        means = ok.groupby("point")[name].mean().reindex(range(spec.points))
        note = _unusable(means.to_numpy(dtype=np.float64))
        indices = {} if note else _indices(spec, means.to_numpy(dtype=np.float64))
        for j, factor in enumerate(spec.factors):
            for index in ("S1", "ST") if isinstance(spec.design, Sobol) else ("mu_star", "sigma"):
                value, conf = indices.get(index, (np.full(len(spec.factors), np.nan), None))
                rows.append(_row(name, factor, index, value[j], conf, j, note))
    table = pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)
    table["includes_zero"] = table["includes_zero"].astype("boolean")
    folder.write_derived(table, folder.sensitivity_path)
    return table


def _unusable(means: npt.NDArray[np.float64]) -> str:
    """Why an outcome's point means cannot be analysed ('' if they can)."""
    missing = int(np.isnan(means).sum())
    if missing:
        return f"{missing} of {means.size} design points have no value"
    if np.ptp(means) == 0.0:
        return "the outcome does not vary across design points"
    return ""


def _indices(
    spec: ExperimentSpec, means: npt.NDArray[np.float64]
) -> dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64] | None]]:
    """SALib's indices and confidence half-widths, by index name."""
    problem = salib_problem(spec)
    seed = seeds.derived_seed(spec.seed, seeds.ANALYSIS)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        if isinstance(spec.design, Sobol):
            from SALib.analyze import sobol  # type: ignore[import-untyped]

            found = sobol.analyze(
                problem, means, calc_second_order=False, conf_level=CONFIDENCE, seed=seed
            )
            return {
                "S1": (np.asarray(found["S1"]), np.asarray(found["S1_conf"])),
                "ST": (np.asarray(found["ST"]), np.asarray(found["ST_conf"])),
            }
        from SALib.analyze import morris

        assert isinstance(spec.design, Morris)
        found = morris.analyze(
            problem,
            unit_sample(spec),
            means,
            num_levels=spec.design.levels,
            conf_level=CONFIDENCE,
            seed=seed,
        )
        return {
            "mu_star": (np.asarray(found["mu_star"]), np.asarray(found["mu_star_conf"])),
            "sigma": (np.asarray(found["sigma"]), None),
        }


def _row(
    outcome: str,
    factor: str,
    index: str,
    value: float,
    conf: npt.NDArray[np.float64] | None,
    j: int,
    note: str,
) -> dict[str, object]:
    half = float(conf[j]) if conf is not None else float("nan")
    low, high = value - half, value + half
    return {
        "outcome": outcome,
        "factor": factor,
        "index": index,
        "value": float(value),
        "conf": half,
        "low": low,
        "high": high,
        "includes_zero": bool(low <= 0.0 <= high) if np.isfinite(half) else None,
        "note": note,
    }
