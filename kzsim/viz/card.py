"""The teaching card beside the dashboard's model, as NetLogo's Info tab is.

A card (``docs/teaching/*.md``, see ``docs/teaching/README.md``) is Markdown with YAML front
matter; the dashboard shows the front matter of the card whose scenario pair names the open
scenario file: its question, learning goals, questions for students and what to look for.
Cards come with the source checkout; where there are none (an installed wheel), or none names
the scenario, the dashboard shows the scenario's own description and the cards there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import yaml

#: The teaching cards of a source checkout.
CARDS = Path(__file__).resolve().parents[2] / "docs" / "teaching"


@dataclass(frozen=True)
class Card:
    """The front matter of one teaching card that the dashboard shows.

    Attributes:
        path: the card's file.
        title: the lesson's question.
        scenarios: the file names of its scenario pair (A, B).
        learning_goals: what students should be able to do afterwards.
        questions: questions for students, in the order of the session.
        look_for: what to point at in the plots, the map and the event log.

    """

    path: Path
    title: str
    scenarios: tuple[str, str]
    learning_goals: tuple[str, ...]
    questions: tuple[str, ...]
    look_for: tuple[str, ...]


def read_card(path: Path) -> Card | None:
    """The card in ``path``, or None if it has no readable front matter."""
    try:
        text = path.read_text(encoding="utf-8")
        _, front, _ = text.split("---\n", 2)
        data: dict[str, Any] = yaml.safe_load(front)
        pair = data["scenario_pair"]
        return Card(
            path,
            str(data["title"]),
            (Path(pair["a"]).name, Path(pair["b"]).name),
            tuple(map(str, data.get("learning_goals", ()))),
            tuple(map(str, data.get("questions", ()))),
            tuple(map(str, data.get("look_for", ()))),
        )
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError):
        return None


def teaching_cards(folder: Path = CARDS) -> list[Card]:
    """Every readable card in ``folder``, by file name (none if the folder is absent)."""
    paths = sorted(p for p in folder.glob("*.md") if p.name != "README.md")
    return [card for path in paths if (card := read_card(path)) is not None]


def card_for(scenario: Path, cards: list[Card]) -> Card | None:
    """The first card whose scenario pair names the scenario's file."""
    return next((c for c in cards if scenario.name in c.scenarios), None)


def card_html(scenario: Path, description: str, cards: list[Card]) -> str:
    """The card beside the model: the scenario's card, else its description and the cards."""
    card = card_for(scenario, cards)
    intro = f"<p>{escape(description)}</p>" if description else ""
    if card is None:
        others = "".join(
            f"<li>{escape(c.title)}: <code>kzsim dashboard scenarios/{escape(c.scenarios[0])}"
            "</code></li>"
            for c in cards
        )
        listing = f"<p>The teaching cards open these scenarios:</p><ul>{others}</ul>"
        return (
            f"<div class='scenario-card'>{intro}"
            "<p>No teaching card is written for this scenario.</p>"
            f"{listing if cards else ''}</div>"
        )
    arm = "A" if card.scenarios[0] == scenario.name else "B"
    partner = card.scenarios[1] if arm == "A" else card.scenarios[0]
    return (
        f"<div class='scenario-card'><h3 style='margin: 0 0 0.4em 0'>{escape(card.title)}</h3>"
        f"{intro}<p>Arm {arm} of the card <code>docs/teaching/{escape(card.path.name)}</code>; "
        f"the other arm: <code>{escape(partner)}</code>.</p>"
        f"{bullets('Learning goals', card.learning_goals, 'ul')}"
        f"{bullets('Questions', card.questions, 'ol')}"
        f"{bullets('Look for', card.look_for, 'ul')}</div>"
    )


def bullets(heading: str, items: tuple[str, ...], tag: str) -> str:
    """A headed list, or nothing when there are no items."""
    if not items:
        return ""
    rows = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f"<h4 style='margin: 0.6em 0 0.2em 0'>{heading}</h4><{tag}>{rows}</{tag}>"
