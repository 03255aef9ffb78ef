"""Run results: tidy frames, the manifest, and writing output folders without losing anything.

A run folder holds ``series.parquet`` (or ``.csv``; long form ``step, date, scope, variable,
value``), ``events.parquet`` (``step, date, kind, actor, detail``), ``manifest.json`` and,
written by ``kzsim run`` (:func:`kzsim.plots.headline_plots`), ``plots/*.png``.

kzsim replaces a folder only if it wrote it: an earlier folder of the same kind (a run by a run,
a comparison by a comparison; ``OutputKind``) that holds nothing its writers do not write, and
only when asked to (``overwrite``). It never replaces the current folder or one above it.

An output folder is written whole into a work folder beside the target,
``.<name>.kzsim-write.<12 hex digits>/``, which holds a marker ``kzsim-write.json`` (the target,
the writing process and host) and the new output in ``new/``. Once complete, the new output
takes the target's place in one atomic step (Linux ``renameat2`` with ``RENAME_EXCHANGE``, which
leaves the old folder at ``new/``); where that is not available the old folder is first renamed
to ``old/`` in the work folder and the new one then renamed into place. The old folder is
deleted only after that, with the work folder, marker last. So a kill at any moment leaves the
complete old or the complete new output at the target (without the exchange, for an instant,
the old one at ``old/`` and no target). The next write to the same target finishes what a
killed one left: it puts ``old/`` back if the target is missing, deletes the work folder and
says so.
"""

from __future__ import annotations

import ctypes
import errno
import fnmatch
import functools
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal, cast, get_args

import pandas as pd

from kzsim.catalog import HEADLINE_NAMES
from kzsim.contract import PLOT_GROUPS
from kzsim.errors import InputError, os_failure
from kzsim.scenario.schema import Scenario

Format = Literal["parquet", "csv"]
SERIES_COLUMNS = ["step", "date", "scope", "variable", "value"]
EVENT_COLUMNS = ["step", "date", "kind", "actor", "detail"]
FolderKind = Literal["run", "comparison", "sweep", "ensemble", "history", "calibration"]
#: The ``kind`` of a sweep folder's manifest (``kzsim.batch.store``).
SWEEP_KIND = "kzsim-sweep"
#: The ``kind`` of an ensemble folder's manifest (``kzsim.ensemble``).
ENSEMBLE_KIND = "ensemble"
#: The ``kind`` of a history folder's manifest (``kzsim history``).
HISTORY_KIND = "history"
#: The ``kind`` of a calibration folder's manifest (``kzsim calibrate``).
CALIBRATION_KIND = "calibration"
MANIFEST = "manifest.json"
PLOTS = "plots"
#: The figures of a run by file name (no suffix): one per plot group, and the protest map.
PLOT_NAMES: tuple[str, ...] = (*PLOT_GROUPS, "protest_by_region")
#: The page ``kzsim report`` writes into a run or comparison folder.
REPORT = "report.html"
#: The work folder's name after ``.<target name>.``, its marker file and its two folders.
WORK_TAG = "kzsim-write"
MARKER = "kzsim-write.json"
NEW, OLD = "new", "old"
#: Names of files kzsim did not write shown in a refusal (the rest are counted).
SHOWN_FOREIGN = 5
#: The libraries whose versions a manifest records.
LIBRARIES = ("numpy", "scipy", "pandas", "pyarrow", "mesa")


def temporary_sibling(path: Path) -> Path:
    """The hidden temporary file a file is written to before it is renamed to ``path``."""
    return path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"


def temporary_siblings(name: str) -> str:
    """The pattern of :func:`temporary_sibling` names for ``name``."""
    return f".{name}.*.tmp"


@dataclass(frozen=True)
class OutputKind:
    """A kind of output folder that kzsim writes whole, and so may replace.

    Attributes:
        name: the kind, as :func:`manifest_kind` tells it from the manifest.
        files: patterns (``fnmatch``, relative to the folder) of every file its writers write.
        folders: the sub-folders they create.

    """

    name: FolderKind
    files: tuple[str, ...]
    folders: tuple[str, ...] = ()

    def foreign_entries(self, folder: Path, prefix: str = "") -> list[str]:
        """Entries of ``folder`` (relative paths, sorted) that this kind's writers do not write."""
        found = []
        for path in sorted(folder.iterdir()):
            relative = prefix + path.name
            if path.is_dir() and not path.is_symlink():
                if relative in self.folders:
                    found += self.foreign_entries(path, relative + "/")
                else:
                    found.append(relative + "/")
            elif path.is_symlink() or not any(
                fnmatch.fnmatchcase(relative, pattern) for pattern in self.files
            ):
                found.append(relative)
        return found


#: Everything a run folder may hold: what ``RunResult.write`` and ``kzsim report`` write.
RUN = OutputKind(
    "run",
    files=(
        *(f"{table}.{fmt}" for table in ("series", "events") for fmt in get_args(Format)),
        MANIFEST,
        f"{PLOTS}/*.png",
        *(f"{PLOTS}/{name}.svg" for name in PLOT_NAMES),  # a user's own SVGs are kept
        REPORT,
        temporary_siblings(REPORT),
    ),
    folders=(PLOTS,),
)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the fully resolved scenario (JSON in declared order, so rule order counts)."""
    text = json.dumps(scenario.to_data(), separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def versions() -> dict[str, str]:
    """Versions of kzsim and the libraries that shape its results."""
    from kzsim import __version__

    return {"kzsim": __version__, "python": platform.python_version(), **library_versions()}


@functools.cache
def library_versions() -> dict[str, str]:
    """The installed versions of :data:`LIBRARIES`, from their package metadata (read once)."""
    return {name: version(name) for name in LIBRARIES}


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

    def summary(self) -> list[tuple[str, float, float, float, float]]:
        """``(series, first, last, min, max)`` of each headline series the run kept.

        The headline series are those the catalog flags (``kzsim.catalog.HEADLINE``), in catalog
        order; regional ones by their national value (mean or sum, as each declares).
        """
        rows = []
        for variable in HEADLINE_NAMES:
            values = self.national(variable)
            if not values.empty:
                first, last = float(values.iloc[0]), float(values.iloc[-1])
                rows.append((variable, first, last, float(values.min()), float(values.max())))
        return rows

    def write(
        self,
        out_dir: str | Path,
        fmt: Format = "parquet",
        overwrite: bool = False,
        extras: Callable[[RunResult, Path], object] | None = None,
    ) -> Path:
        """Write the run's output folder (see the module docstring) and return its path.

        Args:
            out_dir: the folder to write; new, empty, or (with ``overwrite``) an earlier run.
            fmt: ``parquet`` or ``csv`` for the series and events.
            overwrite: replace an earlier run folder at ``out_dir``.
            extras: called as ``extras(result, folder)`` to add files to the new folder before
                it takes ``out_dir``'s place, e.g. :func:`kzsim.plots.headline_plots` (the
                plots of ``kzsim run``).

        Raises:
            InputError: if ``out_dir`` cannot take this run; nothing is written.
            StorageError: if writing fails; ``out_dir`` keeps what it held.

        """
        target = Path(out_dir)
        with staged_folder(target, RUN, overwrite) as staging:
            for table, frame in (("series", self.series), ("events", self.events)):
                write_table(frame, staging / f"{table}.{fmt}", fmt)
            text = json.dumps(self.manifest, indent=2)
            (staging / MANIFEST).write_text(text, encoding="utf-8")
            if extras is not None:
                extras(self, staging)
        return target


def write_table(frame: pd.DataFrame, path: Path, fmt: Format) -> None:
    """Write one frame as Parquet or CSV."""
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def manifest_kind(manifest: Mapping[str, Any]) -> FolderKind:
    """Which kind of folder a manifest describes: a sweep, an ensemble, a comparison, else a run."""
    if manifest.get("kind") == SWEEP_KIND:
        return "sweep"
    if manifest.get("kind") == ENSEMBLE_KIND:
        return "ensemble"
    if manifest.get("kind") == HISTORY_KIND:
        return "history"
    if manifest.get("kind") == CALIBRATION_KIND:
        return "calibration"
    return "comparison" if "comparison" in manifest else "run"


def with_article(noun: str) -> str:
    """The noun with its indefinite article: "a run", "an ensemble"."""
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def written_kind(folder: Path) -> FolderKind | None:
    """The kind of kzsim output ``folder`` holds; None if it holds no manifest kzsim wrote."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or "kzsim" not in (data.get("versions") or {}):
        return None
    return manifest_kind(data)


@contextmanager
def staged_folder(target: Path, kind: OutputKind, overwrite: bool = False) -> Iterator[Path]:
    """Yield an empty folder for ``kind``'s output; it takes ``target``'s place if the block ends.

    Notes on leftovers of interrupted writes are issued as warnings.

    Raises:
        InputError: as :func:`check_writable`.
        StorageError: if writing fails; ``target`` keeps what it held.

    """
    for note in check_writable(target, kind, overwrite):
        warnings.warn(note, stacklevel=3)
    where = absolute(target)
    try:
        work = open_work_folder(where)
    except OSError as error:
        raise os_failure(target, "--out", "cannot write", error) from None
    try:
        staging = work / NEW
        staging.mkdir()
        yield staging
        put_in_place(staging, where, work / OLD)
    except OSError as error:
        raise os_failure(target, "--out", "cannot write", error) from None
    finally:
        try:
            settle(work, where)
        except OSError as error:
            warnings.warn(
                f"{work}: cannot remove ({error.strerror}); the next write to {target} does",
                stacklevel=3,
            )


def check_writable(
    target: Path, kind: OutputKind | None = None, overwrite: bool = False
) -> list[str]:
    """Fail early, with one line, if ``target`` cannot become an output folder; return notes.

    With ``kind``, the folder is written whole and may replace an earlier folder of that kind
    (only with ``overwrite``, and only if it holds nothing kzsim did not write). Without, it is
    written in place and must be new or empty (a sweep folder). Leftovers of interrupted writes
    to ``target`` are dealt with first (the notes say how); last, a probe shows that the file
    system takes new entries there, so that nothing is computed for a destination that fails.

    Raises:
        InputError: if ``target`` cannot be this output (exit 2).
        StorageError: if the file system refuses (full, read-only, no permission: exit 1).

    """
    if target.is_symlink():
        raise InputError(
            [f"{target}: --out: is a symbolic link (allowed: a folder path, such as its target)"]
        )
    if kind is not None and holds_current_folder(target):
        raise InputError(
            [
                f"{target}: --out: is the current folder or one above it, which kzsim never "
                "replaces (allowed: a folder below the current one, e.g. --out runs/NAME)"
            ]
        )
    where = absolute(target)
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise os_failure(target, "--out", "cannot create folder", error) from None
    notes = clear_leftovers(where)
    if target.exists() and not target.is_dir():
        raise InputError([f"{target}: --out: exists and is not a folder (allowed: a folder path)"])
    try:
        if kind is None:
            if target.exists() and any(target.iterdir()):
                raise InputError(
                    [
                        f"{target}: --out: folder holds files that are not kzsim output "
                        "(allowed: a new or empty folder, or an earlier kzsim output folder)"
                    ]
                )
        elif target.exists():
            if os.path.ismount(target):
                probe(target / "run", target)  # a read-only mount fails here, with its reason
                raise InputError(
                    [
                        f"{target}: --out: is a mount point, which kzsim cannot replace "
                        f"(allowed: a folder inside it, e.g. --out {target / 'run'})"
                    ]
                )
            check_replaceable(target, kind, overwrite)
    except OSError as error:
        raise os_failure(target, "--out", "cannot read folder", error) from None
    probe(where, target)
    return notes


def absolute(target: Path) -> Path:
    """``target`` as an absolute path without ``.`` or ``..`` (its name is then the folder's)."""
    return Path(os.path.abspath(target))


def holds_current_folder(target: Path) -> bool:
    """Whether ``target`` is the current folder or one of its parents."""
    here, there = Path.cwd().resolve(), target.resolve()
    return there == here or there in here.parents


def check_replaceable(target: Path, kind: OutputKind, overwrite: bool) -> None:
    """Fail with one line unless the existing ``target`` is empty or may be replaced by ``kind``."""
    if not any(target.iterdir()):
        return
    found = written_kind(target)
    if found is None:
        raise InputError(
            [
                f"{target}: --out: holds files that are not kzsim output (allowed: a new or empty "
                f"folder, or an earlier kzsim {kind.name} folder with --overwrite)"
            ]
        )
    if found != kind.name:
        raise InputError(
            [
                f"{target}: --out: holds a kzsim {found}, which {with_article(kind.name)} "
                "never replaces (allowed: another --out)"
            ]
        )
    if not overwrite:
        raise InputError(
            [
                f"{target}: --out: holds an earlier kzsim {kind.name} (allowed: --overwrite to "
                "replace it, or another --out)"
            ]
        )
    foreign = kind.foreign_entries(target)
    if foreign:
        shown = ", ".join(foreign[:SHOWN_FOREIGN])
        if len(foreign) > SHOWN_FOREIGN:
            shown += f" and {len(foreign) - SHOWN_FOREIGN} more"
        raise InputError(
            [
                f"{target}: --out: holds files kzsim did not write: {shown} (allowed: move them "
                "out of the folder, or another --out)"
            ]
        )


def probe(where: Path, target: Path) -> None:
    """Create and remove a work folder for ``where``: the file system takes new entries there."""
    try:
        settle(open_work_folder(where), where)
    except OSError as error:
        raise os_failure(target, "--out", "cannot write", error) from None


def open_work_folder(where: Path) -> Path:
    """A new work folder beside ``where``, with its marker (see the module docstring)."""
    work = where.parent / f".{where.name}.{WORK_TAG}.{secrets.token_hex(6)}"
    work.mkdir()
    marker = {
        "target": where.name,
        "pid": os.getpid(),
        "host": platform.node(),
        "started_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    try:
        (work / MARKER).write_text(json.dumps(marker), encoding="utf-8")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return work


def put_in_place(staging: Path, where: Path, aside: Path) -> None:
    """Move the complete ``staging`` to ``where``; what was there ends in the work folder."""
    if not os.path.lexists(where):
        os.rename(staging, where)
    elif not exchange(staging, where):
        os.rename(where, aside)
        os.rename(staging, where)


def settle(work: Path, where: Path) -> bool:
    """Finish with a work folder; return whether it put the old folder back.

    An old folder set aside in ``old/`` goes back to ``where`` if that is missing; then the work
    folder is deleted, its marker last (so that an interrupted deletion is still recognised).
    """
    restored = False
    if (work / OLD).is_dir() and not os.path.lexists(where):
        os.rename(work / OLD, where)
        restored = True
    for name in (NEW, OLD):
        if (work / name).is_dir():
            shutil.rmtree(work / name)
    (work / MARKER).unlink(missing_ok=True)
    work.rmdir()
    return restored


def clear_leftovers(where: Path) -> list[str]:
    """Deal with the work folders interrupted writes to ``where`` left; return one note each.

    Raises:
        InputError: if a work folder belongs to a kzsim process that may still be writing.

    """
    name = re.compile(re.escape(f".{where.name}.{WORK_TAG}.") + "[0-9a-f]{12}")
    notes: list[str] = []
    try:
        found = sorted(p for p in where.parent.iterdir() if name.fullmatch(p.name))
    except OSError:
        return notes  # the probe reports what is wrong with the folder
    for work in found:
        writer = live_writer(work)
        if writer is not None:
            raise InputError(
                [
                    f"{where}: --out: is being written by kzsim ({writer}, work folder "
                    f"{work.name}) (allowed: wait until it ends, or another --out; if it has "
                    f"ended, remove {work})"
                ]
            )
        if not (work / MARKER).is_file() and any(work.iterdir()):
            notes.append(f"{work}: holds no kzsim marker; left as it is (remove it by hand)")
            continue
        try:
            restored = settle(work, where)
        except OSError as error:
            notes.append(
                f"{work}: left by an interrupted write, cannot be removed ({error.strerror}); "
                "remove it by hand"
            )
            continue
        done = f"restored from {work.name}" if restored else f"removed {work.name}"
        notes.append(f"{where}: {done}, left by an interrupted write")
    return notes


def live_writer(work: Path) -> str | None:
    """``pid N`` (and host) of the process writing through ``work`` if it may still run."""
    try:
        marker = json.loads((work / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pid = marker.get("pid") if isinstance(marker, dict) else None
    if not isinstance(pid, int) or pid <= 0:
        return None
    if marker.get("host") != platform.node():
        return f"pid {pid} on {marker.get('host')}"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # alive, under another user
    return f"pid {pid}"


AT_FDCWD = -100
RENAME_EXCHANGE = 2
Renameat2 = Callable[[int, bytes, int, bytes, int], int]


@functools.cache
def renameat2() -> Renameat2 | None:
    """Linux's ``renameat2`` from the C library; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p) * 2 + (ctypes.c_uint,)
    function.restype = ctypes.c_int
    return cast(Renameat2, function)


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step; False where the system cannot.

    Raises:
        OSError: if the system can but this swap fails.

    """
    function = renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False  # an old kernel, or a file system without the flag
    raise OSError(code, os.strerror(code), str(second))


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
