"""The decision game in the dashboard: the model that stops for the player's decisions.

``GovernedModel`` is the dashboard's model (``kzsim.viz.dashboard``). With ``govern=True`` it
runs a game (:class:`kzsim.game.play.Session`, the same as ``kzsim play``): after each month the
decision points are checked, and when one arises the model stops (``running`` false, which ends
Mesa's play loop and disables Step) until the player answers. The answer is written into the
game's scenario as events and the run is rebuilt from that scenario through the month
(:meth:`GovernedModel.decide`), so the dashboard's game is, at every month, the run of its
scenario. At the end the game is saved as ``kzsim play`` saves it: ``game.yaml``, the debrief
page, the run's series and events (:func:`save_game`).

The game starts from the scenario with the dashboard's levers applied, so a saved game holds
the levers' values as well as the decisions.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from kzsim.game.decisions import DecisionPoint, Moment
from kzsim.game.play import Game, Session, start
from kzsim.scenario.schema import Scenario
from kzsim.viz.levers import DashboardModel

#: Where the dashboard's games are saved (below the server's current folder, as ``kzsim play``).
GAMES = Path("runs")


class GovernedModel(DashboardModel):
    """``DashboardModel`` that, with ``govern``, stops at each decision point for an answer.

    Args:
        scenario: the scenario.
        seed: the seed (None: the scenario's).
        govern: the player takes the government's decisions.
        **levers: the lever values of ``DashboardModel``.

    """

    def __init__(
        self, scenario: Scenario, seed: int | None = None, govern: bool = False, **levers: Any
    ) -> None:
        super().__init__(scenario, seed, **levers)
        self.session: Session | None = None
        if govern:
            self.session = Session(start(self.scenario, self.seed), build=resumed)

    def step(self) -> None:
        """Simulate one month; in a game, stop if a decision point arises."""
        if not self.running:
            return
        depth = self.eaeu.integration_depth
        super().step()
        if self.session is not None:
            self.session.after_month(self, depth)
            self._pause()

    @property
    def pending(self) -> tuple[DecisionPoint, Moment] | None:
        """The decision point awaiting the player's answer on this run, with its moment, if any.

        None also for a run the game has left (answered and rebuilt).
        """
        if self.session is None or self.session.model is not self:
            return None
        return self.session.pending

    @property
    def game_over(self) -> bool:
        """Whether a game has reached the scenario's end with every decision taken."""
        return self.session is not None and not self.running and self.pending is None

    def decide(self, index: int) -> GovernedModel:
        """Answer the pending point with its choice ``index``; the model that goes on.

        The returned model is the game's scenario run through this month; it is stopped again
        if another point arises in the same month.

        Raises:
            ValueError: if no point is pending, or ``index`` is not one of its choices.

        """
        if self.session is None or self.pending is None:
            raise ValueError("no decision point awaits an answer on this run")
        model = self.session.answer(index)
        assert isinstance(model, GovernedModel)
        model.session = self.session
        model._pause()
        return model

    def _pause(self) -> None:
        """Stop the run while a decision point awaits its answer."""
        if self.pending is not None:
            self.running = False


def resumed(scenario: Scenario, seed: int) -> GovernedModel:
    """A model of a game's scenario (the levers are in it already), not itself a game."""
    return GovernedModel(scenario, seed)


def continues(model: Any, before: Any) -> bool:
    """Whether ``model`` goes on with ``before``'s game (an answer, not a Reset)."""
    session = getattr(model, "session", None)
    return session is not None and session is getattr(before, "session", None)


@dataclass(frozen=True)
class Saved:
    """A finished game saved from the dashboard.

    Attributes:
        folder: the game's folder, as ``kzsim play`` writes it.
        lines: the debrief, as ``kzsim play`` prints it.
        links: HTML download links of ``game.yaml`` and ``debrief.html``.

    """

    folder: Path
    lines: list[str]
    links: str


def free_folder(base: Path) -> Path:
    """``base``, or ``base_2``, ``base_3`` ... the first that does not exist."""
    folder, number = base, 1
    while folder.exists():
        number += 1
        folder = base.with_name(f"{base.name}_{number}")
    return folder


def save_game(game: Game, games: Path = GAMES) -> Saved:
    """Save a finished game as ``kzsim play`` does, in a new folder below ``games``."""
    from kzsim.game.commands import DEBRIEF_PAGE, SAVED_GAME, conclude, save
    from kzsim.game.debrief import terminal_lines

    played, default, report = conclude(game)
    folder = free_folder(games / f"{game.scenario.metadata.name}_game")
    save(game, folder, False, played, default, report)
    links = " | ".join(
        f"<a download='{escape(name)}' href='data:{kind};base64,"
        f"{base64.b64encode((folder / name).read_bytes()).decode()}'>{escape(name)}</a>"
        for name, kind in ((SAVED_GAME, "text/yaml"), (DEBRIEF_PAGE, "text/html"))
    )
    return Saved(folder, terminal_lines(report), f"<p class='game-files'>Download: {links}</p>")
