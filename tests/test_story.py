"""The story of a run: key events from its own log, protest waves, restatements shown once."""

from __future__ import annotations

import pandas as pd

from kzsim.story import LABEL_CHARS, WAVE, displayed_log, key_events, monthly_labels

ROWS = [
    (0, "2010-01", "policy", "eaeu", "Customs Union common tariff applied (source)"),
    (0, "2010-01", "customs_union_joined", "kazakhstan", "Kazakhstan applies the common tariff"),
    (0, "2010-01", "loan_accepted", "china", "transport loan US$ 0.1 bn"),
    (1, "2010-02", "loan_offer", "china", "energy loan US$ 0.2 bn"),
    *((3, "2010-04", "protest", "citizens", f"protests in region {i}") for i in range(4)),
    (3, "2010-04", "crackdown", "kazakhstan", "crackdown: mass detentions"),
    (4, "2010-05", "protest", "citizens", "protests in region 0"),
    (5, "2010-06", "land_decision", "kazakhstan", "Law bans farmland sales (source)"),
    (5, "2010-06", "land_policy", "kazakhstan", "land moratorium ends"),
    (6, "2010-07", "shock", "russia", "Crimea annexed; publics fear being next (E L19)"),
]


def log() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=["step", "date", "kind", "actor", "detail"])


def test_the_story_leaves_routine_lines_out_and_merges_a_months_protests() -> None:
    story = key_events(log())
    assert list(story["kind"]) == [
        "customs_union_joined",
        WAVE,
        "crackdown",
        "land_decision",
        "land_policy",
        "shock",
    ]
    wave = story[story["kind"] == WAVE].iloc[0]
    assert wave["date"] == "2010-04" and wave["detail"] == "protests in 4 regions"
    # one region protesting is no wave
    assert "2010-05" not in set(story["date"])


def test_a_rule_line_restating_a_scenario_event_is_shown_once_in_the_scenarios_words() -> None:
    story = key_events(log())
    union = story[story["date"] == "2010-01"]
    assert len(union) == 1
    assert union.iloc[0].to_dict() | {"step": 0} == {
        "step": 0,
        "date": "2010-01",
        "kind": "customs_union_joined",
        "actor": "kazakhstan",
        "detail": "Customs Union common tariff applied (source)",
    }
    # a rule line that says something else is no restatement: both stay
    assert list(story[story["date"] == "2010-06"]["kind"]) == ["land_decision", "land_policy"]
    full = displayed_log(log())
    assert len(full) == len(log()) - 1
    assert (full["kind"] == "loan_offer").sum() == 1


def test_the_log_itself_keeps_both_lines() -> None:
    events = log()
    key_events(events)
    assert len(events) == len(ROWS) and (events["kind"] == "policy").sum() == 1


def test_one_plot_label_per_month_the_most_telling_event_first() -> None:
    labels = dict(monthly_labels(key_events(log())))
    assert labels["2010-04"] == "protests in 4 regions (+1)"
    assert labels["2010-07"] == "Crimea annexed"
    assert all(len(label) <= LABEL_CHARS for label in labels.values())
