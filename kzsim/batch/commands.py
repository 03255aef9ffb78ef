"""Command-line commands of ``kzsim.batch``, registered on the main app by ``kzsim.cli``.

Heavy imports stay inside the command functions so that ``kzsim --help`` stays fast.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to the ``kzsim`` app."""
