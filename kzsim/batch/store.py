"""The sweep folder: what a sweep writes, how it resumes, and the lock that keeps it to one writer.

```
DIR/sweep.lock         while a process writes the folder: which (command, pid, host, start time)
DIR/manifest.json      kind, experiment hash, the experiment with its resolved base scenario,
                       versions, creation time
DIR/design.parquet     point, then one column per factor (dotted key)
DIR/series/<run>.parquet   one shard per successful run: point, replication, step, date, scope,
                       variable, value; its metadata names the experiment (hash) and the run
DIR/journal.jsonl      one line per finished run (ok or failed), appended as runs finish
DIR/runs.parquet       every run: run, point, replication, seed, factors, status (ok, failed,
                       pending), error, wall_seconds, outcomes
```

Every file is written atomically (a temporary name, then a rename), so an interruption leaves
either the old file or the new one. The journal is append-only; a torn last line (the process
was killed mid-write) is dropped when the sweep resumes. A run is done when the journal says
``ok`` and its shard exists and names this experiment and this run; everything else runs again
on resume.

One process at a time writes a sweep folder (:class:`FolderLock`): a sweep holds the folder's
lock from before it changes anything until it ends; ``summarize``, ``plot`` and ``report`` hold
it while they read and write. While another process holds it, the tables derived from the runs
(``runs.parquet``, ``summary.parquet``, ``sensitivity.parquet``) are computed but not written: they
would describe a sweep that is not finished.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kzsim.batch.experiment import Experiment, yaml_text
from kzsim.batch.schema import ExperimentSpec
from kzsim.batch.seeds import replication_seed
from kzsim.batch.worker import SHARD_EXPERIMENT, SHARD_RUN, RunOutput
from kzsim.errors import InputError, KzsimError, os_failure
from kzsim.outputs import check_writable, versions

#: ``notice(line)``: tells the user one line about what a sweep found and does about it.
Notice = Callable[[str], None]

KIND = "kzsim-sweep"
LOCK_NAME = "sweep.lock"
#: Shards that do not belong to the sweep, named in its notice (the rest are counted).
SHOWN_FOREIGN_SHARDS = 5
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


@dataclass(frozen=True)
class LockHolder:
    """The process that holds a sweep folder's lock, as the lock file names it."""

    command: str
    pid: int
    host: str
    since: str

    @classmethod
    def this_process(cls, command: str) -> LockHolder:
        """This process, holding the lock for ``command`` from now on."""
        since = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(command, os.getpid(), socket.gethostname(), since)

    @classmethod
    def parse(cls, text: bytes) -> LockHolder | None:
        """The holder a lock file names (None if it names none)."""
        try:
            data = json.loads(text)
            return cls(
                str(data["command"]), int(data["pid"]), str(data["host"]), str(data["since"])
            )
        except (ValueError, KeyError, TypeError):
            return None

    def __str__(self) -> str:
        return f"{self.command} (pid {self.pid} on {self.host} since {self.since})"


class FolderBusy(InputError):
    """Another process holds the sweep folder's lock (exit code 2)."""

    def __init__(self, folder: Path, holder: LockHolder | None) -> None:
        self.holder = str(holder) if holder is not None else "another kzsim process"
        super().__init__(
            [
                f"{folder}: --out: in use by {self.holder}; wait until it has finished, or "
                "choose another --out"
            ]
        )


#: The locks this process holds, by resolved folder path.
_HELD: dict[Path, FolderLock] = {}


class FolderLock:
    """The exclusive lock of a sweep folder: the OS's lock on ``DIR/sweep.lock``.

    It is taken without waiting: a process that finds the folder in use is told who uses it. The
    lock itself is the operating system's (``flock``; ``msvcrt.locking`` on Windows), so it ends
    with its process,
    however that process ends. The file names its holder and is removed on release; a file that
    is there but not locked was left by a process that died, and is taken over with a notice.
    """

    def __init__(self, folder: Path, descriptor: int, name: str = LOCK_NAME) -> None:
        self.folder = folder
        self.path = folder / name
        self.descriptor = descriptor

    @classmethod
    def acquire(
        cls, folder: Path, command: str, notice: Notice | None = None, name: str = LOCK_NAME
    ) -> FolderLock:
        """Take the lock of ``folder`` (an existing folder) for ``command``, in file ``name``.

        Raises:
            FolderBusy: if another process holds it.
            KzsimError: if the lock file cannot be written (one line naming it).

        """
        path = folder / name
        try:
            descriptor = _open_locked(path)
            if descriptor is None:
                raise FolderBusy(folder, _holder_of(path))
            left = os.read(descriptor, 4096)
            os.ftruncate(descriptor, 0)
            os.lseek(descriptor, 0, os.SEEK_SET)
            os.write(descriptor, json.dumps(asdict(LockHolder.this_process(command))).encode())
        except OSError as error:
            raise os_failure(path, "lock file", "cannot be written", error) from None
        if left.strip() and notice is not None:
            stale = LockHolder.parse(left)
            notice(
                f"{folder}: taking over the lock of {stale or 'an unknown process'}, which "
                "ended without releasing it"
            )
        lock = cls(folder, descriptor, name)
        _HELD[folder.resolve()] = lock
        return lock

    @staticmethod
    def held_here(folder: Path) -> bool:
        """Whether this process holds the lock of ``folder``."""
        return folder.resolve() in _HELD

    def release(self) -> None:
        """Empty and remove the lock file, then let the lock go."""
        _HELD.pop(self.folder.resolve(), None)
        with suppress(OSError):  # Windows cannot remove an open file: it stays, empty
            os.ftruncate(self.descriptor, 0)
            self.path.unlink()
        os.close(self.descriptor)


def _open_locked(path: Path) -> int | None:
    """A descriptor of the lock file at ``path``, locked by this process; None if locked by another.

    A holder removes the file before it lets the lock go; a process that opened the file just
    before that would lock a removed file, so it checks and opens the new file instead.
    """
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(descriptor):
            os.close(descriptor)
            return None
        if _is_file_at(descriptor, path):
            return descriptor
        os.close(descriptor)


def _is_file_at(descriptor: int, path: Path) -> bool:
    """Whether an open file is (still) the file at ``path``."""
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(descriptor)
    return (current.st_dev, current.st_ino) == (opened.st_dev, opened.st_ino)


def _try_lock(descriptor: int) -> bool:
    """Lock an open file without waiting; False if another process holds its lock."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder_of(path: Path) -> LockHolder | None:
    """The holder the lock file at ``path`` names, if it can be read."""
    try:
        return LockHolder.parse(path.read_bytes())
    except OSError:
        return None


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
        self._lock: FolderLock | None = None

    @classmethod
    def prepare(
        cls,
        path: Path,
        experiment: Experiment,
        resume: bool = True,
        force_new: bool = False,
        notice: Notice | None = None,
    ) -> SweepFolder:
        """Lock ``path`` for a sweep of ``experiment``, then resume it, start it afresh, or refuse.

        The lock is taken before anything in the folder changes and held until :meth:`close`.

        Raises:
            InputError: if the folder holds something else, is in use by another process
                (:class:`FolderBusy`), or holds a sweep of a changed experiment (unless
                ``force_new``).

        """
        folder = cls(path)
        if folder._stored_manifest("--out") is None:
            for note in check_writable(path):
                if notice is not None:
                    notice(note)
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise os_failure(path, "--out", "cannot create folder", error) from None
        folder._lock = FolderLock.acquire(path, "kzsim sweep", notice)
        try:
            folder._open(experiment, resume, force_new)
        except BaseException:
            folder.close()
            raise
        return folder

    def _open(self, experiment: Experiment, resume: bool, force_new: bool) -> None:
        """Resume, clear or start the locked folder (its manifest is read again, under the lock)."""
        stored = self._stored_manifest("--out")
        if stored is not None:
            same = (
                stored.get("experiment_hash") == experiment.hash
                and stored.get("versions", {}).get("kzsim") == versions()["kzsim"]
            )
            if not same and not force_new:
                raise InputError([self._changed_message(stored, experiment)])
            if not same or not resume:
                self._clear()
        self.series_dir.mkdir(parents=True, exist_ok=True)
        self._repair_journal()
        if not self.manifest_path.exists():
            write_frame(design_frame(experiment), self.design_path)
            write_atomic(self.manifest_path, json.dumps(manifest(experiment), indent=2).encode())

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
        self._close_journal()
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

    def completed(self, notice: Notice | None = None) -> set[str]:
        """Runs that finished ``ok`` and whose shard is in place and names this experiment and run.

        A shard of another experiment or run (copied in, or left by another sweep) does not
        count: its run runs again and replaces it, and one notice lists such shards.
        """
        experiment_hash = self.manifest()["experiment_hash"]
        done: set[str] = set()
        foreign: list[str] = []
        for run, entry in sorted(self.records().items()):
            if entry["status"] != "ok" or not self.shard_path(run).exists():
                continue
            owner = _shard_owner(self.shard_path(run), experiment_hash, run)
            if owner:
                foreign.append(f"{run} ({owner})")
            else:
                done.add(run)
        if foreign and notice is not None:
            notice(f"{self.path}: {_foreign_shards(foreign)}")
        return done

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
        """Close the journal and release the folder's lock."""
        self._close_journal()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    @contextmanager
    def lock(self, command: str, notice: Notice | None = None) -> Iterator[str | None]:
        """Hold the folder's lock for a block that writes into it (if this process does not yet).

        Yields:
            None while this process holds the lock; else who holds it (then write nothing).
            A folder this process cannot write into is not locked (it writes nothing there).

        """
        if FolderLock.held_here(self.path) or not os.access(self.path, os.W_OK):
            yield None
            return
        lock: FolderLock | None = None
        in_use_by: str | None = None
        try:
            lock = FolderLock.acquire(self.path, command, notice)
        except FolderBusy as busy:
            in_use_by = busy.holder
        try:
            yield in_use_by
        finally:
            if lock is not None:
                lock.release()

    def write_derived(self, frame: pd.DataFrame, path: Path) -> bool:
        """Write a table derived from the runs, unless another process holds the folder's lock.

        Returns:
            Whether it was written (not while a sweep runs: the table would describe a sweep
            that is not finished).

        """
        with self.lock(f"kzsim (writing {path.name})") as in_use_by:
            if in_use_by is None:
                write_frame(frame, path)
            return in_use_by is None

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
        self.write_derived(runs, self.runs_path)
        return runs


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _shard_owner(path: Path, experiment_hash: str, run: str) -> str:
    """What the shard at ``path`` belongs to, if not to this experiment and run ('' if it does)."""
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, ValueError, pa.ArrowException):
        return "unreadable"
    theirs = metadata.get(SHARD_EXPERIMENT, b"").decode(errors="replace")
    if theirs != experiment_hash:
        return f"of experiment {theirs[:12]}" if theirs else "of no experiment"
    their_run = metadata.get(SHARD_RUN, b"").decode(errors="replace")
    return "" if their_run == run else f"of run {their_run or '?'}"


def _foreign_shards(foreign: list[str]) -> str:
    """``2 shards do not belong to this sweep and are run again: p0-r1 (of run p0-r0), ...``."""
    shown = ", ".join(foreign[:SHOWN_FOREIGN_SHARDS])
    if len(foreign) > SHOWN_FOREIGN_SHARDS:
        shown += f" and {len(foreign) - SHOWN_FOREIGN_SHARDS} more"
    if len(foreign) == 1:
        return f"1 shard does not belong to this sweep and is run again: {shown}"
    return f"{len(foreign)} shards do not belong to this sweep and are run again: {shown}"


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
