"""Calendar months as integers: ``year * 12 + (month - 1)``; one model step is one month."""

from __future__ import annotations

import re

_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """Return the month index of a ``YYYY-MM`` string (exactly that: no spaces, no day).

    Raises:
        ValueError: if the text is not ``YYYY-MM`` with a month from 01 to 12.

    """
    match = _PATTERN.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"'{text}' is not a month written YYYY-MM")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def format_month(index: int) -> str:
    """Return ``YYYY-MM`` for a month index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
