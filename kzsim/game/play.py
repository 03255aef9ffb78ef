"""The game loop: the model runs month by month and stops where a decision point arises.

The player's answer is written into the game's scenario as events (``kzsim.game.decisions``)
and the run is rebuilt from that scenario up to the month the game had reached, so the game's
run is at every moment the run of its scenario: a saved game replays exactly
(``kzsim run game.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from kzsim.game.decisions import POINTS, Choice, DecisionPoint, Moment
from kzsim.model import KazakhstanModel
from kzsim.scenario.schema import Event, Scenario


class GameInterrupted(Exception):
    """The player's input ended (end of file, or the scripted choices ran out)."""


#: How the player is asked: returns the index of the chosen answer, or raises GameInterrupted.
Ask = Callable[[DecisionPoint, Moment], int]


@dataclass(frozen=True)
class Taken:
    """One decision the player took.

    Attributes:
        date: the month the decision point arose in.
        point: the decision point.
        choice: the player's answer.

    """

    date: str
    point: DecisionPoint
    choice: Choice


@dataclass
class Game:
    """A game under way or over: the scenario, the seed and what the player decided.

    Attributes:
        scenario: the scenario the game started from.
        seed: the run's seed (recorded in the saved game).
        events: the game's scenario events: the scenario's own, moved where the player moved
            them, and the player's decisions.
        taken: the decisions, in the order they were taken.
        reached: the last month played, ``YYYY-MM`` (None before the first).
        interrupted: why the game stopped early (None if it reached the end).
        final: the model at the end of a finished game (None until then).

    """

    scenario: Scenario
    seed: int
    events: list[Event] = field(default_factory=list)
    taken: list[Taken] = field(default_factory=list)
    reached: str | None = None
    interrupted: str | None = None
    final: KazakhstanModel | None = None

    def played(self) -> Scenario:
        """The game's scenario: the decisions as dated events, the seed in its metadata."""
        meta = self.scenario.metadata
        chosen = ", ".join(f"{t.date} {t.point.name}={t.choice.key}" for t in self.taken)
        metadata = meta.model_copy(
            update={
                "name": f"{meta.name}_game",
                "description": f"A game of kzsim play on {meta.name}; decisions: "
                f"{chosen or 'none'}",
                "seed": self.seed,
            }
        )
        return self.scenario.model_copy(update={"metadata": metadata, "events": tuple(self.events)})

    def take(self, point: DecisionPoint, choice: Choice, moment: Moment) -> None:
        """Write the player's answer into the game's events."""
        play = choice.play(moment)
        dropped = []
        for index, moved in play.moved:
            if moved is None:
                dropped.append(index)
            else:
                self.events[index] = moved
        for index in sorted(dropped, reverse=True):
            del self.events[index]
        self.events.extend(play.added)
        self.taken.append(Taken(moment.date, point, choice))


def start(scenario: Scenario, seed: int) -> Game:
    """A new game of ``scenario`` with ``seed``."""
    return Game(scenario, seed, list(scenario.events))


def due(point: DecisionPoint, raised: dict[str, int], step: int) -> bool:
    """Whether ``point`` may arise in month ``step``, given when each point last arose."""
    last = raised.get(point.name)
    if last is None:
        return True
    return point.repeat_after_months is not None and step - last >= point.repeat_after_months


#: How a game's model is built from its scenario and seed (the terminal's: KazakhstanModel).
Build = Callable[[Scenario, int], KazakhstanModel]


class Session:
    """A game under way, month by month: which decision point awaits an answer, if any.

    After each month (:meth:`after_month`) the points are checked in ``POINTS`` order; the first
    that arises waits in ``pending`` until :meth:`answer`, which writes the answer into the
    game's events, rebuilds the model from the game's scenario through that month, and checks
    the month's remaining points. The terminal (:func:`play`) and the dashboard's game both run
    a game this way.

    Args:
        game: the game.
        build: how the game's model is built (rebuilt after every answer).

    """

    def __init__(self, game: Game, build: Build = KazakhstanModel) -> None:
        self.game = game
        self.build = build
        self.raised: dict[str, int] = {}
        self.pending: tuple[DecisionPoint, Moment] | None = None
        #: The model the game has reached (None before the first month).
        self.model: KazakhstanModel | None = None
        self._step = 0
        self._depth = 0.0
        self._next = len(POINTS)

    def new_model(self) -> KazakhstanModel:
        """A new model of the game's scenario, at its start."""
        return self.build(self.game.played(), self.game.seed)

    def after_month(self, model: KazakhstanModel, depth_before: float) -> None:
        """Check the points after ``model`` simulated a month (the EAEU's depth was given)."""
        self.model, self._depth, self._next = model, depth_before, 0
        self._step = model.month - model.start_month
        self.game.reached = model.date
        self._raise()

    def answer(self, index: int) -> KazakhstanModel:
        """Take the pending point's answer ``index``; the model rebuilt through this month.

        Raises:
            ValueError: if no point is pending, or ``index`` is not one of its choices.

        """
        if self.pending is None:
            raise ValueError("no decision point awaits an answer")
        point, moment = self.pending
        if not 0 <= index < len(point.choices):
            raise ValueError(f"{index}: not a choice of {point.name}")
        self.game.take(point, point.choices[index], moment)
        model = self.new_model()
        for _ in range(self._step + 1):
            model.step()
        self.model = model
        self._raise()
        return model

    def _raise(self) -> None:
        """The next point of this month that arises, in ``pending`` (None if none does)."""
        model, step = self.model, self._step
        assert model is not None
        self.pending = None
        while self._next < len(POINTS):
            point = POINTS[self._next]
            self._next += 1
            if not due(point, self.raised, step):
                continue
            if point.timing == "after" and step >= model.last_step:
                continue  # an answer after the last month could change nothing
            moment = point.raise_at(model, step, tuple(self.game.events), self._depth)
            if moment is not None:
                self.raised[point.name] = step
                self.pending = (point, moment)
                return


def play(game: Game, ask: Ask) -> Game:
    """Play ``game`` to its end, asking the player at each decision point.

    End of input (:class:`GameInterrupted`) or Ctrl-C stops the game; ``game.interrupted``
    says why and ``game`` holds what was played so far.
    """
    session = Session(game)
    model = session.new_model()
    try:
        while model.running:
            depth = model.eaeu.integration_depth
            model.step()
            session.after_month(model, depth)
            while session.pending is not None:
                model = session.answer(ask(*session.pending))
        game.final = model
    except GameInterrupted as stop:
        game.interrupted = str(stop) or "input ended"
    except KeyboardInterrupt:
        game.interrupted = "interrupted (Ctrl-C)"
    return game


class _NoAliases(yaml.SafeDumper):
    """A YAML dumper that writes repeated values out (kzsim's loader refuses aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def saved_text(game: Game) -> str:
    """The game's scenario as a YAML scenario file, with a header saying how to replay it."""
    played = game.played()
    data = played.model_dump(mode="json", exclude_defaults=True)
    lines = [
        f"# A game of `kzsim play` on {game.scenario.metadata.name}, seed {game.seed}.",
        "# The player's decisions are the events marked 'Government ...' or 'Kazakhstan ...'",
        "# (kind government_decision or policy); replay with: kzsim run <this file>",
    ]
    if game.interrupted is not None:
        lines.append(
            f"# Stopped at {game.reached or game.scenario.metadata.start} ({game.interrupted}): "
            "later decisions are the model's own government's."
        )
    body = yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(lines) + "\n" + body
