"""The story of a run: its key events, as the summary, the reports and the plots show them.

The event log (``events.parquet``) keeps every line a run logged. Most lines are routine (each
loan offer, each finished project, each month's protest in each region); the story is the rest,
taken from the run's own log, so that a what-if shows its own events:

- every scenario event and every rule milestone whose kind is not routine (:data:`ROUTINE_KINDS`);
- one "protest wave" line for a month with protests in :data:`WAVE_REGIONS` regions or more;
- a rule's line that restates a scenario event of the same month (the Customs Union, the 2021
  land ban) once: in the scenario's words (they name the source), with the rule's kind and
  actor (they say which mechanism acted). Only a rule line that says the same fact is merged: a
  land decision the model answers otherwise ("land moratorium ends") stays a line of its own.

The log itself is left whole: the two lines are two records (the scenario's input and the rule's
outcome), so only their display is merged (:func:`displayed_log` for a report's whole log).
"""

from __future__ import annotations

import pandas as pd

from kzsim.terminal import plain

#: Kinds of the rules' routine lines, left out of the story (they stay in the event log).
ROUTINE_KINDS = frozenset(
    {
        "loan_offer",
        "loan_accepted",
        "loan_refused",
        "project_completed",
        "project_failed",
        "ntb_imposed",
        "ntb_lifted",
        "protest",
    }
)
#: Kind of the story line that stands for one month's regional protest lines.
WAVE = "protest_wave"
#: Regions protesting in one month that make a protest wave.
WAVE_REGIONS = 3
#: A rule milestone kind -> (the scenario event kind it restates, a word both details contain)
#: when both fall in one month.
RESTATES: dict[str, tuple[str, str]] = {
    "customs_union_joined": ("policy", "tariff"),
    "internal_customs_abolished": ("policy", "customs posts"),
    "land_policy": ("land_decision", "ban"),
}
#: Plot labels are the detail up to the first of these, cut to :data:`LABEL_CHARS`.
_LABEL_ENDS = (" (", "; ", ": ")
LABEL_CHARS = 26
#: Which of a month's key events names the month on a plot: lower first.
_LABEL_RANK = {WAVE: 0, "shock": 1, "customs_union_joined": 2, "land_policy": 3}
COLUMNS = ["step", "date", "kind", "actor", "detail"]


def key_events(events: pd.DataFrame) -> pd.DataFrame:
    """The run's story: its non-routine events, protest waves and restatements merged.

    Args:
        events: the run's event log (``step, date, kind, actor, detail``), in logged order.

    Returns:
        The key events in the same columns and order, with a fresh index.

    """
    rows: list[dict[str, object]] = []
    for _, month in events.groupby("step", sort=True):
        records = as_records(month)
        protests = sum(r["kind"] == "protest" for r in records)
        wave_due = protests >= WAVE_REGIONS
        for record in records:
            if record["kind"] == "protest" and wave_due:  # the wave, where its first line was
                rows.append(record | {"kind": WAVE, "detail": f"protests in {protests} regions"})
                wave_due = False
            elif record["kind"] not in ROUTINE_KINDS:
                rows.append(record)
    return pd.DataFrame(merge_restatements(rows), columns=COLUMNS)


def displayed_log(events: pd.DataFrame) -> pd.DataFrame:
    """The whole event log as the reports show it: each restatement merged into its event."""
    return pd.DataFrame(merge_restatements(as_records(events)), columns=COLUMNS)


def as_records(events: pd.DataFrame) -> list[dict[str, object]]:
    """The rows of an event table as dictionaries keyed by column name."""
    return [{str(k): v for k, v in row.items()} for row in events.to_dict("records")]


def merge_restatements(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Rows with each rule line that restates a scenario event of its month merged into it.

    The merged line keeps the scenario's words (they name the source) and takes the rule's kind
    and actor (they say which mechanism acted). A month's scenario events are logged before its
    rules' lines (events fire first), so the scenario event is always the earlier row.
    """
    kept: list[dict[str, object]] = []
    for row in rows:
        restated, word = RESTATES.get(str(row["kind"]), ("", ""))
        target = next(
            (
                k
                for k in kept
                if restated
                and k["step"] == row["step"]
                and k["kind"] == restated
                and all(word in str(r["detail"]).lower() for r in (k, row))
            ),
            None,
        )
        if target is None:
            kept.append(row)
        else:
            target.update(kind=row["kind"], actor=row["actor"])
    return kept


def short_label(detail: str, limit: int = LABEL_CHARS) -> str:
    """An event's detail cut to a plot label: up to its first clause, at most ``limit`` long.

    Escape sequences and control characters are dropped (a user's text, drawn literally).
    """
    detail = plain(detail)
    cut = min((detail.find(end) for end in _LABEL_ENDS if end in detail), default=len(detail))
    label = detail[:cut].strip()
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def monthly_labels(story: pd.DataFrame) -> list[tuple[str, str]]:
    """One ``(date, label)`` per month of the story, for marking plots.

    The label is the month's most telling event (a protest wave, then a shock, ...), with the
    number of the month's other key events: ``Crimea annexed (+1)``; at most LABEL_CHARS long.
    """
    labels = []
    for date, month in story.groupby("date", sort=True):
        ranks = [_LABEL_RANK.get(str(k), len(_LABEL_RANK)) for k in month["kind"]]
        best = month.iloc[ranks.index(min(ranks))]
        others = f" (+{len(month) - 1})" if len(month) > 1 else ""
        labels.append(
            (str(date), short_label(str(best["detail"]), LABEL_CHARS - len(others)) + others)
        )
    return labels
