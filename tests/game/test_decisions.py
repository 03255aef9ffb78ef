"""Every decision point arises, and every answer changes the run (an answer that changes
nothing is a bug); the rules obey a ``government_decision`` event."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from kzsim.errors import InputError
from kzsim.game.decisions import POINTS, DecisionPoint, Moment
from kzsim.game.play import Game, play, start
from kzsim.scenario.load import load_scenario
from kzsim.simulation import long_series, run

#: Where each point arises, and the answers elsewhere that let it (CSTO needs a crackdown).
WHERE = {
    "loan_offer": "calm",
    "land_reform": "calm",
    "eaeu_step": "calm",
    "protest": "fuel",
    "csto": "crisis",
    "russian_pressure": "crisis",
}
ELSEWHERE = {"protest": 2}


def played(path: Path, point: str, answer: int) -> tuple[Game, list[str]]:
    """The game of ``path`` answering ``answer`` at ``point`` and the usual answers elsewhere."""
    raised: list[str] = []

    def ask(at: DecisionPoint, moment: Moment) -> int:
        raised.append(at.name)
        return answer if at.name == point else ELSEWHERE.get(at.name, 0)

    scenario = load_scenario(path)
    return play(start(scenario, 11), ask), raised


def national(game: Game) -> pd.DataFrame:
    """The game's national and actor-level series (every region left out)."""
    assert game.final is not None
    series = long_series(game.final)
    regions = [p.region.id for p in game.final.publics]
    return series[~series["scope"].isin(regions)].reset_index(drop=True)


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.name)
def test_every_answer_at_every_point_changes_the_run(
    point: DecisionPoint, request: pytest.FixtureRequest
) -> None:
    path = request.getfixturevalue(WHERE[point.name])
    runs = []
    for answer in range(len(point.choices)):
        game, raised = played(path, point.name, answer)
        assert point.name in raised
        assert game.interrupted is None
        runs.append(national(game))
    for (a, first), (b, second) in itertools.combinations(enumerate(runs), 2):
        assert not first.equals(second), (
            f"{point.choices[a].key} and {point.choices[b].key} give the same run"
        )


def with_events(path: Path, *events: dict[str, Any]) -> dict[str, Any]:
    """The scenario of ``path`` as data, with ``events`` added."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["events"] = [*data.get("events", []), *events]
    return data


def decision(date: str, **choice: object) -> dict[str, Any]:
    """A ``government_decision`` event as scenario data."""
    return {"date": date, "kind": "government_decision", "detail": "test", "decision": choice}


def kinds(data: dict[str, Any]) -> pd.Series:
    """How often each kind of line is in the run's story."""
    return run(load_scenario(data)).events["kind"].value_counts()


def test_bri_loans_obeys_the_decision_and_keeps_its_random_numbers(calm: Path) -> None:
    offers = {}
    for policy in ("accept", "refuse", "renegotiate"):
        result = run(load_scenario(with_events(calm, decision("2015-09", loan_offers=policy))))
        first = result.events[result.events["kind"].str.startswith("loan_")]
        first = first[first["date"] == "2015-09"]
        offers[policy] = first["detail"].str.split(", Chinese").str[0].tolist()
        counts = result.events["kind"].value_counts()
        if policy == "accept":
            assert "loan_refused" not in counts and counts["loan_accepted"] > 0
        if policy == "refuse":
            assert "loan_accepted" not in counts and counts["loan_refused"] > 0
        if policy == "renegotiate":
            contents = first["detail"].str.extract(r"Chinese content ([0-9.]+)")[0].astype(float)
            assert (contents <= 0.5 + 1e-9).all()
    assert offers["accept"] == offers["refuse"] == offers["renegotiate"]


def test_land_protests_obeys_the_decision(crisis: Path) -> None:
    repress = kinds(with_events(crisis, decision("2016-01", protest_response="repress")))
    concede = kinds(with_events(crisis, decision("2016-01", protest_response="concede")))
    default = kinds(with_events(crisis))
    no_help = kinds(with_events(crisis, decision("2016-01", outside_help=False)))
    assert default["crackdown"] > 0 and default["outside_help"] > 0
    assert "crackdown" in repress and "elite_change" not in repress
    assert "crackdown" not in concede and "outside_help" not in concede
    assert "outside_help" not in no_help and no_help["crackdown"] > 0


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            {"date": "2016-01", "kind": "government_decision", "detail": "x"},
            "decision is required for government_decision and only for it",
        ),
        (
            {
                "date": "2016-01",
                "kind": "policy",
                "detail": "x",
                "decision": {"outside_help": True},
            },
            "decision is required for government_decision and only for it",
        ),
        (
            {"date": "2016-01", "kind": "government_decision", "detail": "x", "decision": {}},
            "give at least one of loan_offers, protest_response, outside_help",
        ),
        (
            decision("2016-01", loan_offers="haggle"),
            "'accept', 'refuse' or 'renegotiate'",
        ),
    ],
)
def test_a_bad_decision_event_is_one_line(
    crisis: Path, event: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(with_events(crisis, event))
    assert len(caught.value.problems) == 1
    assert message in caught.value.problems[0]
