"""Golden records: a compact fingerprint of one scenario's run, and the differences of two.

A record holds, for every ``scope|variable`` series, a hash of its ``step, date, value`` rows with
the values rounded to :data:`SIGNIFICANT_DIGITS` significant digits (values below
:data:`ZERO_BELOW` in magnitude count as 0), its number of rows and its first, last, minimum and
maximum value (rounded the same way), so that a failing comparison can say by how much a series
moved; and the number of events, their count per kind and a hash of the whole events table.

Ten significant digits ignore the last-bit noise of reordered floating-point arithmetic
(relative 1e-16) yet catch any change of 1e-9 relative or more; the zero floor absorbs
cancellation noise around 0 (the smallest genuine non-zero value in the shipped scenarios is
1.5e-11, a decaying CSTO gratitude).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import kzsim

ROOT = Path(__file__).parents[2]
SCENARIOS = ROOT / "scenarios"
GOLDEN = Path(__file__).parent
SIGNIFICANT_DIGITS = 10
ZERO_BELOW = 1e-12
HASH_CHARS = 16
STATISTICS = ("first", "last", "min", "max")

Record = dict[str, Any]


def shipped() -> list[str]:
    """The names (file stems) of the shipped scenarios."""
    return sorted(path.stem for path in SCENARIOS.glob("*.yaml"))


def pinned() -> list[str]:
    """The names of the scenarios that have a golden record."""
    return sorted(path.stem for path in GOLDEN.glob("*.json"))


def as_text(value: float) -> str:
    """``value`` to :data:`SIGNIFICANT_DIGITS` significant digits; tiny values and -0 as 0."""
    if math.isfinite(value) and abs(value) < ZERO_BELOW:
        value = 0.0
    return f"{value:.{SIGNIFICANT_DIGITS - 1}e}"


def rounded(value: float) -> float:
    """``value`` rounded as it is hashed."""
    return float(as_text(value))


def short_hash(text: str) -> str:
    """The first :data:`HASH_CHARS` hex digits of the SHA-256 of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def series_entries(series: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per ``scope|variable``: rows, hash of its ``step date value`` lines, first/last/min/max."""
    ordered = series.sort_values(["scope", "variable", "step"], kind="stable")
    keys = (ordered["scope"] + "|" + ordered["variable"]).to_numpy()
    values = ordered["value"].to_numpy(dtype=float)
    lines = [
        f"{step} {date} {as_text(value)}\n"
        for step, date, value in zip(
            ordered["step"].tolist(), ordered["date"].tolist(), values.tolist(), strict=True
        )
    ]
    starts = [0, *(np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist(), len(keys)]
    return {
        str(keys[start]): {
            "rows": end - start,
            "hash": short_hash("".join(lines[start:end])),
            "first": rounded(values[start]),
            "last": rounded(values[end - 1]),
            "min": rounded(values[start:end].min()),
            "max": rounded(values[start:end].max()),
        }
        for start, end in itertools.pairwise(starts)
    }


def events_entry(events: pd.DataFrame) -> dict[str, Any]:
    """Rows, count per kind and hash of the events table (all columns, in order)."""
    lines = ["\t".join(map(str, events.columns))]
    lines += ["\t".join(map(str, row)) for row in events.itertuples(index=False)]
    kinds = events["kind"].value_counts()
    return {
        "rows": len(events),
        "kinds": {str(kind): int(kinds[kind]) for kind in sorted(kinds.index)},
        "hash": short_hash("\n".join(lines)),
    }


def record(
    name: str, seed: int, citizens: int, series: pd.DataFrame, events: pd.DataFrame
) -> Record:
    """The golden record of one run's ``series`` (long form) and ``events``."""
    return {
        "scenario": name,
        "seed": seed,
        "citizens": citizens,
        "significant_digits": SIGNIFICANT_DIGITS,
        "zero_below": ZERO_BELOW,
        "events": events_entry(events),
        "series": series_entries(series),
    }


def run_record(name: str) -> Record:
    """Run the shipped scenario ``name`` over its whole horizon and return its record.

    The population is the file's (20,000 citizens in every shipped scenario); the seed is the
    file's ``metadata.seed``, else 1.
    """
    scenario = kzsim.load_scenario(SCENARIOS / f"{name}.yaml")
    seed = scenario.metadata.seed if scenario.metadata.seed is not None else 1
    result = kzsim.run(scenario, seed=seed)
    return record(name, seed, scenario.population.citizens, result.series, result.events)


def dumps(pin: Record) -> str:
    """A record as JSON text, one series per line (small diffs when re-pinned)."""
    head = {key: value for key, value in pin.items() if key != "series"}
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    series = [f"    {json.dumps(key)}: {json.dumps(value)}" for key, value in pin["series"].items()]
    return "{\n" + "\n".join(lines) + '\n  "series": {\n' + ",\n".join(series) + "\n  }\n}\n"


def load(name: str) -> Record:
    """The golden record of scenario ``name``."""
    pin: Record = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    return pin


def save(pin: Record) -> Path:
    """Write a record to ``tests/golden/<scenario>.json``."""
    path = GOLDEN / f"{pin['scenario']}.json"
    path.write_text(dumps(pin), encoding="utf-8")
    return path


def movement(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Rows and first/last/min/max of a series, old -> new."""
    parts = [f"rows {old['rows']} -> {new['rows']}"] if old["rows"] != new["rows"] else []
    for name in STATISTICS:
        if old[name] == new[name]:
            parts.append(f"{name} {old[name]:.10g}")
        else:
            delta = new[name] - old[name]
            parts.append(f"{name} {old[name]:.10g} -> {new[name]:.10g} ({delta:+.3g})")
    if all(old[name] == new[name] for name in STATISTICS) and old["rows"] == new["rows"]:
        parts.append("values between differ")
    return ", ".join(parts)


def event_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """How the events table changed: rows, counts per kind, else its contents."""
    if old["hash"] == new["hash"]:
        return []
    counts = [
        f"{kind} {old['kinds'].get(kind, 0)} -> {new['kinds'].get(kind, 0)}"
        for kind in sorted(old["kinds"].keys() | new["kinds"].keys())
        if old["kinds"].get(kind, 0) != new["kinds"].get(kind, 0)
    ]
    rows = f"{old['rows']} -> {new['rows']} rows"
    how = f"; per kind: {', '.join(counts)}" if counts else "; same count per kind, contents differ"
    return [f"events changed: {rows}{how}"]


def differences(old: Record, new: Record) -> list[str]:
    """Everything that differs between two records of one scenario, one line each."""
    lines = [
        f"{key}: {old.get(key)} -> {new.get(key)}"
        for key in ("seed", "citizens", "significant_digits", "zero_below")
        if old.get(key) != new.get(key)
    ]
    before, after = old["series"], new["series"]
    lines += [f"removed series: {key}" for key in sorted(before.keys() - after.keys())]
    lines += [f"added series: {key}" for key in sorted(after.keys() - before.keys())]
    changed = [
        key
        for key in sorted(before.keys() & after.keys())
        if (before[key]["hash"], before[key]["rows"]) != (after[key]["hash"], after[key]["rows"])
    ]
    if changed:
        lines.append(f"{len(changed)} of {len(before)} series changed:")
    lines += [f"  {key}: {movement(before[key], after[key])}" for key in changed]
    return lines + event_changes(old["events"], new["events"])
