"""Reading kzsim output folders back, and writing a file atomically.

The kinds of folder are recognised by their ``manifest.json``: a sweep (``kzsim sweep``: kind
``kzsim-sweep``), an ensemble (``kzsim run --posterior``: kind ``ensemble``), a history
(``kzsim history``: kind ``history``), a comparison (``kzsim compare``: a ``comparison`` entry)
and otherwise a run (``kzsim run``). Every problem a user can cause is an ``InputError`` line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from kzsim.errors import InputError, os_failure
from kzsim.outputs import (
    EVENT_COLUMNS,
    SERIES_COLUMNS,
    FolderKind,
    RunResult,
    manifest_kind,
    temporary_sibling,
)
from kzsim.scenario.load import load_scenario

ALLOWED_FOLDERS = "a folder written by kzsim run, kzsim compare, kzsim sweep or kzsim history"


def folder_kind(folder: Path) -> FolderKind:
    """Which kind of kzsim output ``folder`` is.

    Raises:
        InputError: if it is missing, not a folder, or not a kzsim output folder.

    """
    if not folder.exists():
        raise InputError([f"{folder}: folder: not found (allowed: {ALLOWED_FOLDERS})"])
    if not folder.is_dir():
        raise InputError([f"{folder}: folder: is not a folder (allowed: {ALLOWED_FOLDERS})"])
    if (folder / "manifest.json").exists():
        return manifest_kind(read_manifest(folder))
    raise InputError([f"{folder}: folder: holds no manifest.json (allowed: {ALLOWED_FOLDERS})"])


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's ``manifest.json`` as a mapping."""
    path = folder / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([f"{path}: file: not found (allowed: {ALLOWED_FOLDERS})"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError([f"{path}: file: cannot be read ({error})"]) from None
    except json.JSONDecodeError as error:
        raise InputError([f"{path}:{error.lineno}:{error.colno}: json: {error.msg}"]) from None
    if not isinstance(data, dict):
        raise InputError([f"{path}:1:1: manifest: expected a JSON object"])
    return data


def read_table(stem: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Read ``stem.parquet`` or else ``stem.csv``; check that the expected columns are there.

    Raises:
        InputError: if neither file exists, a file cannot be read or columns are missing.

    """
    for path in (stem.with_suffix(".parquet"), stem.with_suffix(".csv")):
        if not path.exists():
            continue
        try:
            if path.suffix == ".parquet":
                frame = pd.read_parquet(path)
            else:
                frame = pd.read_csv(path, dtype={"date": str}, keep_default_na=False)
        except Exception as error:  # pyarrow and the CSV parser raise many kinds
            raise InputError([f"{path}: file: cannot be read ({error})"]) from None
        missing = [c for c in columns or () if c not in frame.columns]
        if missing:
            raise InputError(
                [
                    f"{path}: columns: missing {', '.join(missing)} "
                    f"(allowed: a table with {', '.join(columns or ())})"
                ]
            )
        return frame
    raise InputError(
        [f"{stem}.parquet: file: not found (allowed: {stem.name}.parquet or {stem.name}.csv)"]
    )


def load_run(folder: Path) -> RunResult:
    """A run folder read back as a ``RunResult`` (series, events, manifest and scenario)."""
    info = read_manifest(folder)
    if not isinstance(info.get("scenario"), dict):
        raise InputError(
            [f"{folder / 'manifest.json'}:1:1: scenario: missing (allowed: a kzsim run manifest)"]
        )
    try:
        scenario = load_scenario(info["scenario"])
    except InputError as error:
        raise InputError(
            [f"{folder / 'manifest.json'}: scenario does not load: {p}" for p in error.problems]
        ) from None
    series = read_table(folder / "series", SERIES_COLUMNS)
    events = read_table(folder / "events", EVENT_COLUMNS)
    series["date"] = series["date"].astype(str)
    series["value"] = pd.to_numeric(series["value"], errors="coerce")
    return RunResult(series=series, events=events, manifest=info, scenario=scenario)


def check_output_file(path: Path) -> None:
    """Fail early, with one line, if ``path`` is a folder rather than a file to write."""
    if path.is_dir():
        raise InputError([f"{path}: -o: is a folder (allowed: a file path such as report.html)"])


def write_text(path: Path, text: str) -> Path:
    """Write a text file atomically (temporary sibling, then rename); return its path.

    Raises:
        InputError: if ``path`` cannot be a file (nothing is left behind).
        StorageError: if the file system refuses to write it (nothing is left behind).

    """
    temporary = temporary_sibling(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("x", encoding="utf-8") as stream:  # usual permissions, unlike mkstemp
            stream.write(text)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise os_failure(path, "-o", "cannot write", error) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
