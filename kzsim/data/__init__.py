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


def shipped_scenario(name: str) -> Path:
    """The shipped scenario of that name, the default of the commands that take one.

    Raises:
        InputError: if it is not installed, in one line.

    """
    from kzsim.errors import InputError

    for path in shipped_scenarios():
        if path.stem == name:
            return path
    raise InputError([f"SCENARIO: {name}.yaml is not installed (allowed: a path)"])


def resolve_scenario(given: Path) -> Path:
    """The scenario file a command line argument names: a path, or a shipped scenario's name.

    An existing file is itself; otherwise a bare name (``land_reform_2016``, with or without
    ``.yaml``) is the shipped scenario of that name.

    Raises:
        InputError: if it is neither, in one line listing the shipped scenarios.

    """
    from kzsim.errors import InputError

    if given.exists():
        return given
    if given.parent == Path("."):
        for path in shipped_scenarios():
            if given.name in (path.stem, path.name):
                return path
    names = ", ".join(path.stem for path in shipped_scenarios())
    raise InputError(
        [
            f"{given}:1:1: file: not found (allowed: an existing YAML file, or a shipped "
            f"scenario: {names})"
        ]
    )
