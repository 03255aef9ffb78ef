"""``kzsim run --posterior``: a scenario run over posterior draws and seeds, and its bands.

An ensemble is ``draws x seeds`` members. Member ``(d, k)`` runs the scenario with the
parameters of particle ``d`` drawn from a calibration's posterior (:mod:`kzsim.posterior`) and
its own seed, branch ``(ensemble_members, d, k)`` of the ensemble's SeedSequence; the particles
come from its stream ``posterior_draws``. Members are independent, so the results are the same
whatever the number of worker processes.

The folder (:data:`ENSEMBLE`) holds ``series`` (long form with ``draw`` and ``seed`` columns),
``events`` (each member's story, with ``draw`` and ``seed``), ``bands`` (per date, scope and
variable the median and the 5% and 95% quantiles over members), ``draws.csv`` (draw -> particle
and its parameter values), ``manifest.json`` and ``plots/*.png`` (each plot group's median and
90% band).
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pandas as pd

from kzsim.batch.seeds import derived_seed
from kzsim.catalog import HEADLINE
from kzsim.errors import InputError
from kzsim.outputs import (
    ENSEMBLE_KIND,
    EVENT_COLUMNS,
    MANIFEST,
    PLOTS,
    REPORT,
    SERIES_COLUMNS,
    Format,
    OutputKind,
    scenario_hash,
    staged_folder,
    temporary_siblings,
    versions,
    write_table,
)
from kzsim.parallel import map_in_processes
from kzsim.posterior import Posterior, draw_particles, load_posterior, particle_scenarios
from kzsim.scenario.load import load_scenario
from kzsim.scenario.schema import Scenario

#: The branch of the SeedSequence the members' seeds come from.
MEMBERS_STREAM = "ensemble_members"
#: The quantiles of the bands: the 90% band and the median.
LOW, HIGH = 0.05, 0.95
BAND_COLUMNS = ["median", "q05", "q95"]
#: Bounds of the command's counts, and the draws when none are given.
MAX_DRAWS, MAX_SEEDS = 10_000, 1_000
DEFAULT_DRAWS = 50
#: Everything an ensemble folder may hold: what ``Ensemble.write`` and ``kzsim report`` write.
ENSEMBLE = OutputKind(
    "ensemble",
    files=(
        *(f"{t}.{fmt}" for t in ("series", "events", "bands") for fmt in get_args(Format)),
        "draws.csv",
        MANIFEST,
        f"{PLOTS}/*.png",
        REPORT,
        temporary_siblings(REPORT),
    ),
    folders=(PLOTS,),
)


@dataclass(frozen=True)
class Member:
    """One run of an ensemble: a posterior draw and a seed."""

    draw: int
    particle: int
    replicate: int
    seed: int


@dataclass(frozen=True)
class MemberTask:
    """What a worker process needs to run one member."""

    scenario: Scenario
    seed: int
    steps: int | None


def check_counts(draws: int, seeds: int) -> None:
    """``--draws`` and ``--seeds`` within their bounds."""
    for option, value, most in (("--draws", draws, MAX_DRAWS), ("--seeds", seeds, MAX_SEEDS)):
        if not 1 <= value <= most:
            raise InputError([f"{option}: {value} is out of range (allowed: 1 to {most})"])


def plan_members(posterior: Posterior, draws: int, seeds: int, master: int) -> list[Member]:
    """``draws x seeds`` members: particles drawn by weight, each with ``seeds`` own seeds."""
    particles = draw_particles(posterior.weights, draws, master)
    branch = zlib.crc32(MEMBERS_STREAM.encode())
    return [
        Member(draw, particle, k, derived_seed(master, branch, draw, k))
        for draw, particle in enumerate(particles)
        for k in range(seeds)
    ]


def draws_table(posterior: Posterior, members: Sequence[Member]) -> pd.DataFrame:
    """One row per draw: ``draw, particle, weight`` and the particle's parameter values."""
    rows = {m.draw: m.particle for m in members}
    return pd.DataFrame(
        [
            {"draw": d, "particle": p, "weight": float(posterior.weights[p])}
            | posterior.parameter_values(p)
            for d, p in rows.items()
        ]
    )


@dataclass(frozen=True)
class PairedDraws:
    """The posterior draws of a comparison: both arms' member i has the same particle and seed.

    Attributes:
        posterior: the particles.
        members: the draws and seeds, as in an ensemble.
        arms: per member, arm A's and arm B's scenario with the member's particle set.

    """

    posterior: Posterior
    members: list[Member]
    arms: list[tuple[Scenario, Scenario]]

    def record(self) -> dict[str, Any]:
        """What the comparison's manifest records: the posterior, its draws and the members."""
        return {
            "folder": str(self.posterior.folder),
            "posterior_hash": self.posterior.digest,
            "parameters": list(self.posterior.parameters),
            "draws": draws_table(self.posterior, self.members).to_dict("records"),
            "members": [[m.draw, m.particle, m.seed] for m in self.members],
        }


def paired_draws(
    posterior_folder: Path,
    arms: tuple[Scenario, Scenario],
    files: tuple[Path, Path],
    given: tuple[Sequence[str], Sequence[str]],
    draws: int,
    seeds: int,
    master: int,
) -> PairedDraws:
    """Draw particles and seeds once, for both arms of a comparison (common random numbers).

    Args:
        posterior_folder: a ``kzsim calibrate`` output folder.
        arms: the A and B scenarios (overrides applied).
        files: their files, named in the problems.
        given: each arm's ``--set`` overrides, which must not name a calibrated parameter.
        draws: posterior draws.
        seeds: seeds per draw.
        master: the comparison's base seed.

    Raises:
        InputError: one line for the counts, the posterior, or a particle an arm does not take.

    """
    check_counts(draws, seeds)
    posterior = load_posterior(posterior_folder)
    a, b = (
        particle_scenarios(posterior, scenario, str(file), overrides)
        for scenario, file, overrides in zip(arms, files, given, strict=True)
    )
    members = plan_members(posterior, draws, seeds, master)
    return PairedDraws(posterior, members, [(a[m.particle], b[m.particle]) for m in members])


def simulate(task: MemberTask) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run one member; return its series and events (in a worker process, or here)."""
    from kzsim.simulation import run

    result = run(task.scenario, seed=task.seed, steps=task.steps)
    return result.series, result.events


@dataclass
class EnsemblePlan:
    """A checked ensemble, ready to run: its scenario, posterior, members and their scenarios."""

    file: Path
    overrides: tuple[str, ...]
    scenario: Scenario
    posterior: Posterior
    master_seed: int
    seeds: int
    steps: int | None
    members: list[Member]
    particle_scenarios: list[Scenario]

    def run(self, workers: int = 1, progress: Callable[[int, int], None] | None = None) -> Ensemble:
        """Run every member and gather the ensemble."""
        started, clock = datetime.now(UTC), time.perf_counter()
        tasks = [
            MemberTask(self.particle_scenarios[m.particle], m.seed, self.steps)
            for m in self.members
        ]
        outputs = map_in_processes(simulate, tasks, workers, progress)
        series = pd.concat(
            [
                s.assign(draw=m.draw, seed=m.seed)
                for m, (s, _) in zip(self.members, outputs, strict=True)
            ],
            ignore_index=True,
        )[["draw", "seed", *SERIES_COLUMNS]]
        events = pd.concat(
            [
                e.assign(draw=m.draw, seed=m.seed)
                for m, (_, e) in zip(self.members, outputs, strict=True)
            ],
            ignore_index=True,
        )[["draw", "seed", *EVENT_COLUMNS]]
        return Ensemble(
            scenario=self.scenario,
            series=series,
            events=events,
            draws=draws_table(self.posterior, self.members),
            manifest=self.manifest(started, time.perf_counter() - clock),
        )

    def manifest(self, started: datetime, wall_seconds: float) -> dict[str, Any]:
        """The ensemble's manifest: posterior, draws, seeds, scenario, versions, times."""
        return {
            "kind": ENSEMBLE_KIND,
            "versions": versions(),
            "scenario_file": str(self.file),
            "overrides": list(self.overrides),
            "scenario_hash": scenario_hash(self.scenario),
            "scenario": self.scenario.to_data(),
            "posterior": {
                "folder": str(self.posterior.folder),
                "posterior_hash": self.posterior.digest,
                "parameters": list(self.posterior.parameters),
            },
            "seed": self.master_seed,
            "draws": len({m.draw for m in self.members}),
            "seeds": self.seeds,
            "steps": self.steps,
            "members": [[m.draw, m.particle, m.seed] for m in self.members],
            "started_utc": started.isoformat(timespec="seconds"),
            "wall_seconds": round(wall_seconds, 3),
        }


def plan_ensemble(
    file: Path,
    posterior_folder: Path,
    draws: int,
    seeds: int = 1,
    seed: int | None = None,
    overrides: Sequence[str] = (),
    steps: int | None = None,
) -> EnsemblePlan:
    """Load and check everything an ensemble needs; nothing runs and nothing is written.

    Args:
        file: the scenario file.
        posterior_folder: a ``kzsim calibrate`` output folder.
        draws: posterior draws.
        seeds: seeds per draw.
        seed: the ensemble's seed; default the scenario's ``metadata.seed``, else a fresh one.
        overrides: ``dotted.key=value`` applied to the scenario (not to a calibrated parameter).
        steps: months each member simulates (default: all).

    Raises:
        InputError: one line per problem, for the scenario, the posterior or the counts.

    """
    from kzsim.model import fresh_seed

    check_counts(draws, seeds)
    scenario = load_scenario(file, overrides)
    if steps is not None and not 1 <= steps <= scenario.months:
        raise InputError([f"--steps: {steps} is out of range (allowed: 1 to {scenario.months})"])
    posterior = load_posterior(posterior_folder)
    scenarios = particle_scenarios(posterior, scenario, str(file), overrides)
    chosen = seed if seed is not None else scenario.metadata.seed
    master = chosen if chosen is not None else fresh_seed()
    return EnsemblePlan(
        file=file,
        overrides=tuple(overrides),
        scenario=scenario,
        posterior=posterior,
        master_seed=master,
        seeds=seeds,
        steps=steps,
        members=plan_members(posterior, draws, seeds, master),
        particle_scenarios=scenarios,
    )


def quantile_table(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Median, 5% and 95% quantiles of ``value`` per ``keys`` (linear interpolation)."""
    grouped = frame.groupby(list(keys), sort=False)["value"]
    table = grouped.quantile(np.array([0.5, LOW, HIGH])).unstack()
    table.columns = BAND_COLUMNS
    return table.reset_index()


@dataclass
class Ensemble:
    """The members' outputs of an ensemble.

    Attributes:
        scenario: the scenario as given (before the particles' parameters).
        series: ``draw, seed, step, date, scope, variable, value``.
        events: ``draw, seed, step, date, kind, actor, detail``.
        draws: ``draw, particle, weight`` and one column per calibrated parameter.
        manifest: see :meth:`EnsemblePlan.manifest`.

    """

    scenario: Scenario
    series: pd.DataFrame
    events: pd.DataFrame
    draws: pd.DataFrame
    manifest: dict[str, Any]

    def bands(self) -> pd.DataFrame:
        """``step, date, scope, variable, median, q05, q95`` over the members."""
        return quantile_table(self.series, ["step", "date", "scope", "variable"])

    def summary(
        self, bands: pd.DataFrame | None = None
    ) -> list[tuple[str, str, float, float, float]]:
        """``(series, unit, median, q05, q95)`` of each headline series in the last month."""
        return end_summary(self.scenario, self.bands() if bands is None else bands)

    def write(
        self,
        out_dir: Path,
        fmt: Format = "parquet",
        overwrite: bool = False,
        bands: pd.DataFrame | None = None,
    ) -> Path:
        """Write the ensemble folder whole (see the module docstring); return its path.

        Args:
            out_dir: the folder; new, empty, or (with ``overwrite``) an earlier ensemble.
            fmt: ``parquet`` or ``csv`` for the series, events and bands.
            overwrite: replace an earlier ensemble folder at ``out_dir``.
            bands: :meth:`bands`, if already computed.

        """
        bands = self.bands() if bands is None else bands
        with staged_folder(out_dir, ENSEMBLE, overwrite) as folder:
            for name, frame in (("series", self.series), ("events", self.events), ("bands", bands)):
                write_table(frame, folder / f"{name}.{fmt}", fmt)
            self.draws.to_csv(folder / "draws.csv", index=False)
            (folder / MANIFEST).write_text(json.dumps(self.manifest, indent=2), encoding="utf-8")
            (folder / PLOTS).mkdir()
            for name, data in band_pngs(national_bands(self.scenario, bands)):
                (folder / PLOTS / f"{name}.png").write_bytes(data)
        return out_dir


def national_bands(scenario: Scenario, bands: pd.DataFrame) -> pd.DataFrame:
    """The bands of the national and actor scopes (not the regions)."""
    regions = [r.id for r in scenario.population.regions]
    return bands[~bands["scope"].isin(regions)]


def end_summary(
    scenario: Scenario, bands: pd.DataFrame
) -> list[tuple[str, str, float, float, float]]:
    """``(series, unit, median, q05, q95)`` of each headline series kept, in the last month."""
    table = national_bands(scenario, bands)
    last = table[table["step"] == table["step"].max()].set_index("variable")
    return [
        (s.name, s.unit, *(float(last.at[s.name, c]) for c in BAND_COLUMNS))  # type: ignore[misc]
        for s in HEADLINE
        if s.name in last.index
    ]


def band_pngs(bands: pd.DataFrame) -> list[tuple[str, bytes]]:
    """One figure per plot group: the median and the 90% band of each of its series."""
    from kzsim.plots import FIGURES
    from kzsim.viz.figures import band_figure, png

    drawn = bands.rename(columns={"median": "q50"})
    figures = []
    for figure_name, (title, variables) in FIGURES.items():
        present = [v for v in variables if (drawn["variable"] == v).any()]
        if present:
            figure = band_figure(
                f"{title}: median and 90% band over posterior draws",
                present,
                {"median and 90% band": drawn},
            )
            figures.append((figure_name, png(figure)))
    return figures
