"""Errors a user can cause: each carries a one-line message and an exit code."""

from __future__ import annotations

import errno

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


class StorageError(KzsimError):
    """A file or folder could not be written: a full disk, a read-only file system, ... (exit 1).

    The message is one line naming the path.
    """


#: ``errno`` values that say a path itself is wrong (input), not that the storage failed.
PATH_ERRORS = frozenset(
    {errno.ENOTDIR, errno.EEXIST, errno.EISDIR, errno.ENAMETOOLONG, errno.ELOOP, errno.EINVAL}
)


def os_failure(path: object, argument: str, action: str, error: OSError) -> KzsimError:
    """The one-line error for an ``OSError`` met while ``action`` at ``path`` (from ``argument``).

    A path that cannot be a folder or file is an ``InputError`` (exit 2); everything else the
    file system refuses (space, permissions, read-only) is a ``StorageError`` (exit 1).
    """
    reason = error.strerror or " ".join(str(error).split()) or type(error).__name__
    line = f"{path}: {argument}: {action} ({reason})"
    if error.errno in PATH_ERRORS:
        return InputError([line])
    return StorageError(line)
