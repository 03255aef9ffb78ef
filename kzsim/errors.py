"""Errors a user can cause: each carries a one-line message and an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_INVALID = 2


class KzsimError(Exception):
    """An error caused by the user's input or environment, shown as one line, never a traceback."""

    exit_code = EXIT_RUNTIME


class InputError(KzsimError):
    """Invalid scenario, experiment or command-line argument (exit code 2).

    The message holds one line per problem, each ``file:line:col: field: what is wrong``.
    """

    exit_code = EXIT_INVALID

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
