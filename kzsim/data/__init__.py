"""Data shipped with kzsim: the regions table (``regions.csv``) and the shipped scenarios."""

from __future__ import annotations

from pathlib import Path


def shipped_scenarios() -> list[Path]:
    """Scenario files shipped with kzsim (in the installed package, or the source checkout)."""
    package = Path(__file__).resolve().parent.parent
    for folder in (package / "_scenarios", package.parent / "scenarios"):
        if folder.is_dir():
            return sorted(folder.glob("*.yaml"))
    return []
