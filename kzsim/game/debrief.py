"""The debrief: the player's path against the model's own government and against history.

Three tables: the consequences (debt, alignment, protest, legitimacy) of the player's run and of
the run of the scenario as it stands (the model's own government, same seed); the observed
history (``kzsim.history`` targets) beside both where the played period covers it; and the
decisions with the sources of the mechanism behind each. Printed at the end of ``kzsim play``
and written as ``debrief.html`` in the game's folder.

The grade is against history, not against a goal: of the observed targets the played period
covers (those ``kzsim history`` scores, its excluded observations left out), how many the
player's run meets within the target's tolerance, the test of ``kzsim history``, beside the
count of the model's own government. It says how close the path stayed to what happened, not
whether it was wise; with one seed it carries the run's noise.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kzsim.catalog import HEADLINE, REGIONAL_SERIES, SERIES
from kzsim.errors import InputError
from kzsim.history.evaluate import fitted, point, series_by_month, window_value
from kzsim.history.targets import load_targets
from kzsim.months import parse_month
from kzsim.viz.html import figure, page, paragraph, table

if TYPE_CHECKING:
    from kzsim.game.play import Game
    from kzsim.outputs import RunResult

#: The plot groups whose headline series (kzsim.catalog) are the consequences compared.
CONSEQUENCE_GROUPS = ("debt", "alignment", "politics", "publics")
#: The consequences compared: (series, statistic over the run: "peak" for a series whose
#: statistic is its maximum, else "end"); codes (the land policy) are left to the event log.
OUTCOMES = tuple(
    (s.name, "peak" if s.statistic == "max" else "end")
    for s in HEADLINE
    if s.group in CONSEQUENCE_GROUPS and s.unit != "code"
)
#: History targets left out of the debrief (no decision of the game moves them much).
LEFT_OUT_TARGETS = ("import_share_other",)
UNITS = {s.name: s.unit for s in SERIES} | {s.name: s.unit for s in REGIONAL_SERIES}


@dataclass(frozen=True)
class Grade:
    """The grade against history: observed targets met within their tolerance.

    Attributes:
        you: targets the player's run meets.
        model: targets the model's own government's run meets.
        of: the targets the played period covers (excluded observations left out).

    """

    you: int
    model: int
    of: int

    def line(self) -> str:
        """The grade in one line, saying what is graded against what."""
        if not self.of:
            return "grade against history: the played period covers no scored observed target"
        return (
            f"grade against history: you meet {self.you} of {self.of} observed targets within "
            f"their tolerance (as kzsim history scores them), the model's government "
            f"{self.model} of {self.of}"
        )


@dataclass(frozen=True)
class Debrief:
    """The debrief's tables, as rows, and the grade.

    Attributes:
        consequences: ``(series, unit, statistic, you, model's government, difference)``.
        history: ``(target, when, unit, observed, you, model's government, source)``.
        decisions: ``(date, decision point, your choice, the model's government, sources)``.
        grade: the observed targets each run meets.

    """

    consequences: list[tuple[str, str, str, float, float, float]]
    history: list[tuple[str, str, str, float, float, float, str]]
    decisions: list[tuple[str, str, str, str, str]]
    grade: Grade


def outcome(result: RunResult, name: str, statistic: str) -> float:
    """A national series' last value (``end``) or its maximum (``peak``)."""
    values = result.national(name)
    return float(values.iloc[-1] if statistic == "end" else values.max())


def history_rows(
    played: RunResult, default: RunResult
) -> tuple[list[tuple[str, str, str, float, float, float, str]], Grade]:
    """Every observed target the played period covers, beside the two runs' values; the grade."""
    rows = []
    met = [0, 0]
    scored = 0
    for target, observation in fitted(load_targets(), include_excluded=True):
        if target.name in LEFT_OUT_TARGETS:
            continue
        try:
            you, model = (
                window_value(target, observation, series_by_month(target, run.series))
                for run in (played, default)
            )
        except InputError:  # outside the played period, or a series the run does not keep
            continue
        if observation.excluded is None and target.tolerance is not None:
            scored += 1
            for index, value in enumerate((you, model)):
                normalised = target.tolerance.normalised(value, observation.low, observation.high)
                met[index] += normalised <= 1.0
        rows.append(
            (
                target.name,
                observation.label,
                target.unit,
                point(target, observation),
                you,
                model,
                observation.source,
            )
        )
    return rows, Grade(met[0], met[1], scored)


def debrief(game: Game, played: RunResult, default: RunResult) -> Debrief:
    """The debrief of a finished game, from its run and the model's own government's."""
    consequences = []
    for name, statistic in OUTCOMES:
        you, model = outcome(played, name, statistic), outcome(default, name, statistic)
        consequences.append((name, UNITS[name], statistic, you, model, you - model))
    decisions = [
        (t.date, t.point.title, t.choice.label, t.point.default, "; ".join(t.point.sources))
        for t in game.taken
    ]
    rows, grade = history_rows(played, default)
    return Debrief(consequences, rows, decisions, grade)


def terminal_lines(report: Debrief) -> list[str]:
    """The debrief as lines for the terminal (sources are in the HTML page and behind ``?``)."""
    lines = ["== Debrief: your government against the model's own (same seed) =="]
    for name, unit, statistic, you, model, change in report.consequences:
        lines.append(
            f"  {name} ({statistic}, {unit}): you {you:.4g}, model's government {model:.4g} "
            f"({change:+.3g})"
        )
    if report.history:
        lines.append("== Against history ==")
        lines.append(f"  {report.grade.line()}")
        for name, when, unit, observed, you, model, _ in report.history:
            lines.append(
                f"  {name} {when} ({unit}): observed {observed:.4g}, you {you:.4g}, "
                f"model's government {model:.4g}"
            )
    lines.append("== Your decisions ==")
    lines += [f"  {date} {title}: {choice}" for date, title, choice, _, _ in report.decisions]
    if not report.decisions:
        lines.append("  none: no decision point arose")
    return lines


def paths_png(played: RunResult, default: RunResult) -> bytes:
    """The player's paths against the model's own government's, one panel a series, as PNG."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rows = -(-len(OUTCOMES) // 3)
    fig = Figure(figsize=(12, 2.6 * rows), layout="constrained")
    axes = fig.subplots(rows, 3).ravel()
    for ax in axes[len(OUTCOMES) :]:
        ax.set_visible(False)
    for ax, (name, _) in zip(axes, OUTCOMES, strict=False):
        for result, label, style in ((default, "model's government", "--"), (played, "you", "-")):
            values = result.national(name)
            years = [parse_month(str(d)) / 12 for d in values.index]
            ax.plot(years, values.to_numpy(), style, label=label, linewidth=2)
        ax.set_title(name, fontsize=12)
        ax.set_ylabel(UNITS[name], fontsize=12)
        ax.set_xlabel("year", fontsize=12)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.tick_params(labelsize=11)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=12)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def html_page(game: Game, report: Debrief, paths: bytes | None = None) -> str:
    """The debrief as a self-contained HTML page (with the paths' figure, if given)."""
    name = game.scenario.metadata.name
    consequences = table(
        ("series", "unit", "over the run", "you", "model's government", "difference"),
        report.consequences,
    )
    history = (
        table(
            ("target", "when", "unit", "observed", "you", "model's government", "source"),
            report.history,
        )
        if report.history
        else paragraph("The played period covers no observed target.", "note")
    )
    decisions = (
        table(
            ("month", "decision point", "your choice", "the model's own government", "sources"),
            report.decisions,
        )
        if report.decisions
        else paragraph("No decision point arose.", "note")
    )
    intro = paragraph(
        "The model's own government is the run of the same scenario with the same seed, the "
        "rules taking every decision themselves; replay the game with kzsim run game.yaml and "
        "compare the two with kzsim compare.",
        "note",
    )
    return page(
        f"Debrief: {name}",
        f"seed {game.seed}, {len(game.taken)} decisions, {game.scenario.metadata.start} to "
        f"{game.scenario.metadata.end}",
        (
            (
                "consequences",
                "Consequences",
                intro
                + consequences
                + (
                    figure(paths, "your paths (solid) and the model's government's (dashed)")
                    if paths is not None
                    else ""
                ),
            ),
            ("history", "Against history", paragraph(report.grade.line(), "grade") + history),
            ("decisions", "Your decisions and the mechanisms behind them", decisions),
        ),
    )
