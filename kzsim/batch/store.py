"""The sweep folder: what a sweep writes, and how it resumes.

```
DIR/manifest.json      kind, experiment hash, the experiment with its resolved base scenario,
                       versions, creation time
DIR/design.parquet     point, then one column per factor (dotted key)
DIR/series/<run>.parquet   one shard per successful run: point, replication, step, date, scope,
                       variable, value
DIR/journal.jsonl      one line per finished run (ok or failed), appended as runs finish
DIR/runs.parquet       every run: run, point, replication, seed, factors, status (ok, failed,
                       pending), error, wall_seconds, outcomes
```

Every file is written atomically (a temporary name, then a rename), so an interruption leaves
either the old file or the new one. The journal is append-only; a torn last line (the process
was killed mid-write) is dropped when the sweep resumes. A run is done when the journal says
``ok`` and its shard exists; everything else runs again on resume.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
import pyarrow as pa

from kzsim.batch.experiment import Experiment, yaml_text
from kzsim.batch.schema import ExperimentSpec
from kzsim.batch.seeds import replication_seed
from kzsim.batch.worker import RunOutput
from kzsim.errors import InputError, KzsimError
from kzsim.outputs import check_writable, versions

KIND = "kzsim-sweep"
#: Everything a sweep writes into its folder (and all that --force-new removes).
ENTRIES = (
    "manifest.json",
    "design.parquet",
    "series",
    "journal.jsonl",
    "runs.parquet",
    "summary.parquet",
    "sensitivity.parquet",
    "plots",
)


def run_id(point: int, replication: int, points: int, replications: int) -> str:
    """``p07-r3``: the run's id, zero-padded so that ids sort in design order."""
    return f"p{point:0{len(str(points - 1))}d}-r{replication:0{len(str(replications - 1))}d}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a hidden temporary file beside ``path``, then rename it into place."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write a frame as Parquet, atomically."""
    write_atomic(path, frame.to_parquet(index=False))


class SweepFolder:
    """A sweep's output folder (see the module docstring for its layout)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.manifest_path = path / "manifest.json"
        self.design_path = path / "design.parquet"
        self.series_dir = path / "series"
        self.journal_path = path / "journal.jsonl"
        self.runs_path = path / "runs.parquet"
        self.summary_path = path / "summary.parquet"
        self.sensitivity_path = path / "sensitivity.parquet"
        self.plots_dir = path / "plots"
        self._journal: TextIO | None = None

    @classmethod
    def prepare(
        cls, path: Path, experiment: Experiment, resume: bool = True, force_new: bool = False
    ) -> SweepFolder:
        """Open ``path`` for ``experiment``: resume it, start it afresh, or refuse.

        Raises:
            InputError: if the folder holds something else, or a sweep of a changed experiment
                (unless ``force_new``).

        """
        folder = cls(path)
        stored = folder._stored_manifest("--out")
        if stored is None:
            check_writable(path)
        else:
            same = (
                stored.get("experiment_hash") == experiment.hash
                and stored.get("versions", {}).get("kzsim") == versions()["kzsim"]
            )
            if not same and not force_new:
                raise InputError([folder._changed_message(stored, experiment)])
            if not same or not resume:
                folder._clear()
        folder.series_dir.mkdir(parents=True, exist_ok=True)
        folder._repair_journal()
        if not folder.manifest_path.exists():
            write_frame(design_frame(experiment), folder.design_path)
            write_atomic(folder.manifest_path, json.dumps(manifest(experiment), indent=2).encode())
        return folder

    @classmethod
    def existing(cls, path: Path) -> SweepFolder:
        """A finished or interrupted sweep folder, for analysis.

        Raises:
            InputError: if ``path`` is not a sweep folder.

        """
        folder = cls(path)
        if folder._stored_manifest("DIR") is None or not folder.design_path.exists():
            raise InputError(
                [f"{path}: DIR: not a sweep folder (allowed: a folder written by kzsim sweep)"]
            )
        return folder

    def _stored_manifest(self, argument: str) -> dict[str, Any] | None:
        """The manifest of an earlier sweep here, None if there is none; refuse anything else."""
        if not self.manifest_path.is_file():
            return None
        try:
            stored = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError([f"{self.manifest_path}: cannot be read ({error})"]) from None
        if not isinstance(stored, dict) or stored.get("kind") != KIND:
            raise InputError(
                [
                    f"{self.path}: {argument}: holds a kzsim run, not a sweep (allowed: a new "
                    "folder or an earlier sweep folder)"
                ]
            )
        return stored

    def _changed_message(self, stored: dict[str, Any], experiment: Experiment) -> str:
        done = len(self.records())
        old, new = stored.get("versions", {}).get("kzsim"), versions()["kzsim"]
        if old != new:
            why = f"was started with kzsim {old} (this is kzsim {new})"
        else:
            why = (
                f"holds a sweep of a different experiment (hash {stored['experiment_hash'][:12]}"
                f", now {experiment.hash[:12]}: the experiment file or its scenario changed)"
            )
        return (
            f"{self.path}: --out: {why}; use --force-new to discard its {done} finished runs, "
            "or choose another --out"
        )

    def _clear(self) -> None:
        self.close()
        for name in ENTRIES:
            entry = self.path / name
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink(missing_ok=True)

    def _repair_journal(self) -> None:
        """Drop a torn last line, so that the next record starts on a line of its own."""
        if not self.journal_path.exists():
            return
        text = self.journal_path.read_bytes()
        if text and not text.endswith(b"\n"):
            write_atomic(self.journal_path, text[: text.rfind(b"\n") + 1])

    def manifest(self) -> dict[str, Any]:
        """The stored manifest."""
        stored = self._stored_manifest("DIR")
        assert stored is not None  # the folder was prepared or checked
        return stored

    def spec(self) -> ExperimentSpec:
        """The experiment as stored in the manifest."""
        try:
            return ExperimentSpec.model_validate(self.manifest()["experiment"])
        except (ValueError, KeyError) as error:
            raise KzsimError(f"{self.manifest_path}: unreadable experiment ({error})") from None

    def records(self) -> dict[str, dict[str, Any]]:
        """The last journal record of every finished run, by run id."""
        if not self.journal_path.exists():
            return {}
        records: dict[str, dict[str, Any]] = {}
        for line in self.journal_path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:  # a line torn by a kill; the run is simply not done
                continue
            records[entry["run"]] = entry
        return records

    def shard_path(self, run: str) -> Path:
        """Where a run's series shard lives."""
        return self.series_dir / f"{run}.parquet"

    def completed(self) -> set[str]:
        """Runs that finished ``ok`` and whose shard is in place."""
        return {
            run
            for run, entry in self.records().items()
            if entry["status"] == "ok" and self.shard_path(run).exists()
        }

    def save(self, output: RunOutput) -> None:
        """Store one finished run: its shard (atomically), then its journal line."""
        run = output.record["run"]
        if output.shard is not None:
            write_atomic(self.shard_path(run), output.shard)
        if self._journal is None:
            self._journal = self.journal_path.open("a", encoding="utf-8")
        self._journal.write(json.dumps(output.record) + "\n")
        self._journal.flush()

    def close(self) -> None:
        """Close the journal."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def write_runs(self) -> pd.DataFrame:
        """Rebuild ``runs.parquet`` from the design and the journal; return it."""
        spec = self.spec()
        design = pd.read_parquet(self.design_path)
        records = self.records()
        points = len(design)
        rows = []
        for point in range(points):
            for replication in range(spec.replications):
                run = run_id(point, replication, points, spec.replications)
                entry = records.get(run, {})
                rows.append(
                    {
                        "run": run,
                        "point": point,
                        "replication": replication,
                        "seed": replication_seed(spec.seed, replication),
                        "status": entry.get("status", "pending"),
                        "error": entry.get("error", ""),
                        "wall_seconds": entry.get("wall_seconds", float("nan")),
                        **{
                            name: _number(entry.get("outcomes", {}).get(name))
                            for name in spec.outcomes
                        },
                    }
                )
        runs = pd.DataFrame(rows)
        factors = design.drop(columns="point").iloc[runs["point"].to_numpy()].reset_index(drop=True)
        columns = ["run", "point", "replication", "seed"]
        runs = pd.concat([runs[columns], factors, runs.drop(columns=columns)], axis=1)
        write_frame(runs, self.runs_path)
        return runs


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)


def manifest(experiment: Experiment) -> dict[str, Any]:
    """The sweep's manifest: enough to analyse the folder without the experiment file."""
    from importlib.metadata import version

    content = experiment.spec.model_dump(mode="json", by_alias=True)
    content["scenario"] = experiment.base
    return {
        "kind": KIND,
        "experiment_hash": experiment.hash,
        "experiment_file": experiment.label,
        "experiment": content,
        "points": experiment.spec.points,
        "replications": experiment.spec.replications,
        "runs": experiment.spec.runs,
        "versions": versions() | {"SALib": version("SALib")},
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def design_frame(experiment: Experiment) -> pd.DataFrame:
    """``point`` and one column per factor; a column mixing kinds of value is kept as YAML text."""
    frame = pd.DataFrame({"point": range(len(experiment.points))})
    for key in experiment.spec.factors:
        values = [point[key] for point in experiment.points]
        try:
            pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            values = [yaml_text(v) for v in values]
        frame[key] = values
    return frame
