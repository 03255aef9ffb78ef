"""Printing on the terminal: text from the user is shown literally, never as markup or escapes.

Scenario names, event details, paths, dotted keys and values come from the user. Rich would
read ``[/x]`` in them as markup (and fail), and a terminal would act on the escape sequences and
control characters they may hold, so every console prints with markup off and every piece of
user text passes through :func:`plain`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console

#: ANSI escape sequences, as terminals read them.
ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b[@-Z\\-_]?"  # two characters (or a lone ESC)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # CSI as one C1 character
)
#: C0 and C1 control characters; the white-space ones become a space, the others go.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
WHITE_SPACE_CONTROLS = "\t\n\v\f\r"


def plain(text: object) -> str:
    """``text`` as a string on one line, without escape sequences or control characters."""
    without_escapes = ESCAPE_SEQUENCE.sub("", str(text))
    return CONTROL.sub(
        lambda found: " " if found.group() in WHITE_SPACE_CONTROLS else "", without_escapes
    )


def console(stderr: bool = False, width: int | None = None) -> Console:
    """A console that prints text as it is: no markup, no highlighting, long lines unwrapped."""
    return Console(stderr=stderr, width=width, soft_wrap=True, markup=False, highlight=False)


@contextmanager
def run_counter(err: Console, total: int | None = None) -> Iterator[Callable[[int, int], None]]:
    """A transient "runs done/total" bar on ``err``; yields its ``progress(done, total)``."""
    from rich.progress import BarColumn, Progress, TextColumn

    columns = (TextColumn("runs"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("runs", total=total)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance
