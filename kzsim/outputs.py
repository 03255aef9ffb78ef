"""Run results: tidy frames, the manifest, and writing an output folder atomically.

A folder holds ``series.parquet`` (or ``.csv``; long form ``step, date, scope, variable, value``),
``events.parquet`` (``step, date, kind, actor, detail``), ``manifest.json`` and ``plots/*.png``.
It is written into a temporary sibling folder and renamed into place, so a failed write leaves
nothing half-written.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kzsim.errors import InputError
from kzsim.scenario.schema import Scenario

Format = Literal["parquet", "csv"]
SERIES_COLUMNS = ["step", "date", "scope", "variable", "value"]
EVENT_COLUMNS = ["step", "date", "kind", "actor", "detail"]


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the fully resolved scenario (JSON in declared order, so rule order counts)."""
    text = json.dumps(scenario.to_data(), separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def versions() -> dict[str, str]:
    """Versions of kzsim and the libraries that shape its results."""
    import mesa
    import numpy
    import pyarrow
    import scipy

    from kzsim import __version__

    return {
        "kzsim": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "pyarrow": pyarrow.__version__,
        "mesa": mesa.__version__,
    }


@dataclass
class RunResult:
    """The outcome of one run.

    Attributes:
        series: long frame ``step, date, scope, variable, value``.
        events: the run's story, ``step, date, kind, actor, detail``.
        manifest: versions, scenario hash and resolved scenario, seed, platform, time stamps.
        scenario: the scenario that was run.

    """

    series: pd.DataFrame
    events: pd.DataFrame
    manifest: dict[str, Any]
    scenario: Scenario = field(repr=False)

    def national(self, variable: str) -> pd.Series:
        """One national or actor-level series indexed by date."""
        rows = self.series[
            (self.series["variable"] == variable)
            & ~self.series["scope"].isin([r.id for r in self.scenario.population.regions])
        ]
        return pd.Series(rows["value"].to_numpy(), index=rows["date"].to_numpy(), name=variable)

    def write(self, out_dir: str | Path, fmt: Format = "parquet", plots: bool = True) -> Path:
        """Write the output folder atomically and return its path.

        Raises:
            InputError: if the folder cannot be written (nothing is left behind).

        """
        target = Path(out_dir)
        with staged_folder(target) as staging:
            write_table(self.series, staging / f"series.{fmt}", fmt)
            write_table(self.events, staging / f"events.{fmt}", fmt)
            (staging / "manifest.json").write_text(
                json.dumps(self.manifest, indent=2), encoding="utf-8"
            )
            if plots:
                from kzsim.plots import headline_plots

                headline_plots(self, staging / "plots")
        return target


def write_table(frame: pd.DataFrame, path: Path, fmt: Format) -> None:
    """Write one frame as Parquet or CSV."""
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def current_umask() -> int:
    """The process's file-creation mask."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary sibling folder that replaces ``target`` only if the block succeeds.

    ``target`` must be new, empty or an earlier kzsim output folder (``check_writable``).
    """
    check_writable(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        staging.chmod(0o777 & ~current_umask())  # mkdtemp makes it private
        yield staging
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def check_writable(target: Path) -> None:
    """Fail early, with one line, if ``target`` cannot become an output folder."""
    parent = target.parent if str(target.parent) else Path(".")
    if target.exists() and not target.is_dir():
        raise InputError([f"{target}: --out: exists and is not a folder (allowed: a folder path)"])
    if target.exists() and any(target.iterdir()) and not (target / "manifest.json").exists():
        raise InputError(
            [
                f"{target}: --out: folder holds files that are not kzsim output (allowed: an empty,"
                " new or earlier kzsim output folder)"
            ]
        )
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError([f"{target}: --out: cannot create folder ({error.strerror})"]) from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError([f"{target}: --out: folder is not writable (allowed: a writable path)"])


def manifest(
    scenario: Scenario,
    seed: int,
    source: str | None,
    started: datetime,
    wall_seconds: float,
    steps: int,
) -> dict[str, Any]:
    """The manifest of a run (design.md, "Time, randomness, reproducibility")."""
    return {
        "versions": versions(),
        "scenario_file": source,
        "scenario_hash": scenario_hash(scenario),
        "scenario": scenario.to_data(),
        "seed": seed,
        "steps": steps,
        "citizens": scenario.population.citizens,
        "platform": platform.platform(),
        "started_utc": started.astimezone(UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(wall_seconds, 3),
    }
