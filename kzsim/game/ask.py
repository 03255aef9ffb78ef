"""Asking the player in the terminal: the context, numbered choices, ``?`` for the sources.

Answers come one line at a time from the keyboard, from standard input when it is not a
terminal, or from a script (``--choices 1,2,3`` or a file, one answer a line). A line that is not
a choice is answered in one line and the question is asked again; the end of the lines ends the
game (:class:`kzsim.game.play.GameInterrupted`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from kzsim.events import metric_value
from kzsim.game.play import GameInterrupted
from kzsim.terminal import plain

if TYPE_CHECKING:
    from rich.console import Console

    from kzsim.game.decisions import DecisionPoint, Moment
    from kzsim.model import KazakhstanModel

#: Lines of what happened shown at most, the rest counted.
SHOWN_LINES = 4


def context(model: KazakhstanModel) -> list[str]:
    """The state that matters for a decision, with units, one line each."""

    def value(name: str) -> float:
        return metric_value(model, name)

    return [
        f"debt to China US$ {value('debt_to_china_usd_bn'):.2f} bn, debt service "
        f"{value('debt_service_to_exports'):.1%} of exports",
        f"alignment (shares 0-1): Russia {value('alignment_russia'):.2f}, China "
        f"{value('alignment_china'):.2f}, West {value('alignment_west'):.2f}; Russian irritation "
        f"{value('russian_irritation'):.2f} (0-1)",
        f"protest: {value('protest_participants'):,.0f} persons ({value('protest_share'):.2%} of "
        f"citizens), {value('regions_in_wave'):.0f} regions in a wave",
        f"legitimacy of the government: mean {value('legitimacy_mean'):.2f} (0-1)",
    ]


def situation(point: DecisionPoint, moment: Moment) -> list[str]:
    """The question without its choices: heading, question, what happened, the state."""
    lines = [f"== {moment.date}: {point.title} ==", point.question]
    shown = moment.lines[:SHOWN_LINES]
    lines += [f"  {plain(line)}" for line in shown]
    if len(moment.lines) > len(shown):
        lines.append(f"  ... and {len(moment.lines) - len(shown)} more")
    lines += [f"  {line}" for line in context(moment.model)]
    return lines


def question(point: DecisionPoint, moment: Moment) -> list[str]:
    """The whole question as the player reads it: heading, what happened, state, choices."""
    lines = situation(point, moment)
    lines += [f"  {number}. {c.label}" for number, c in enumerate(point.choices, start=1)]
    lines.append(f"  (the model's own government {point.default})")
    return lines


def choice_index(text: str, choices: int) -> int | None:
    """The index of the answer ``text`` names (``"1"`` is the first), or None."""
    text = text.strip()
    if text.isdigit() and 1 <= int(text) <= choices:
        return int(text) - 1
    return None


class Prompter:
    """Asks the player at each decision point, reading answers from ``lines``.

    Args:
        lines: the answers, one a line.
        out: where questions and answers go.
        echo: show each answer read (for answers that do not come from the keyboard).

    """

    def __init__(self, lines: Iterator[str], out: Console, echo: bool) -> None:
        self.lines = lines
        self.out = out
        self.echo = echo

    def __call__(self, point: DecisionPoint, moment: Moment) -> int:
        """The index of the player's answer.

        Raises:
            GameInterrupted: when the answers run out.

        """
        for line in question(point, moment):
            self.out.print(line)
        allowed = f"1 to {len(point.choices)}, or ? for the sources"
        while True:
            self.out.print(f"your choice ({allowed}): ", end="")
            try:
                text = next(self.lines)
            except (StopIteration, EOFError):
                self.out.print()
                raise GameInterrupted("input ended") from None
            if self.echo:
                self.out.print(plain(text.strip()))
            if text.strip() == "?":
                for source in point.sources:
                    self.out.print(f"  source: {source}")
                continue
            index = choice_index(text, len(point.choices))
            if index is not None:
                self.out.print(f"  -> {point.choices[index].label}")
                return index
            self.out.print(f"'{plain(text.strip())}' is not a choice (allowed: {allowed})")


def keyboard(read: Callable[[], str] = input) -> Iterator[str]:
    """Lines typed at the keyboard (``input``), until end of file."""
    while True:
        try:
            yield read()
        except EOFError:
            return
