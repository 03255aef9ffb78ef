"""The debrief: consequences against the model's own government, history, decisions."""

from __future__ import annotations

from pathlib import Path

from kzsim.errors import InputError
from kzsim.game.debrief import debrief, html_page, terminal_lines
from kzsim.game.play import play, start
from kzsim.scenario.load import load_scenario
from kzsim.simulation import run


def test_refusing_every_loan_shows_less_debt_than_the_models_government(calm: Path) -> None:
    game = play(start(load_scenario(calm), 8), lambda point, moment: 1)  # refuse, delay, ...
    assert game.taken[0].choice.key == "refuse"
    played, default = run(game.played(), seed=8), run(game.scenario, seed=8)
    report = debrief(game, played, default)
    rows = {row[0]: row for row in report.consequences}
    _, unit, statistic, you, model, change = rows["debt_to_china_usd_bn"]
    assert (unit, statistic) == ("US$ bn", "end")
    assert you < model and change == you - model
    assert you == played.national("debt_to_china_usd_bn").iloc[-1]
    history = {(row[0], row[1]): row for row in report.history}
    nationwide = history["protest_participants_nationwide", "2016"]
    assert nationwide[3] > 0 and nationwide[4] != nationwide[5]
    assert not any(name.startswith("detained_january_2022") for name, _ in history)
    assert [row[1] for row in report.decisions][:2] == ["A Chinese loan offer", "The land reform"]
    first = f"  {game.taken[0].date} A Chinese loan offer: refuse every offer"
    assert first in terminal_lines(report)
    page = html_page(game, report)
    assert "BR7 acceptance" in page and "protest_participants_nationwide" in page


def test_the_grade_counts_the_targets_each_run_meets_within_tolerance(calm: Path) -> None:
    from kzsim.history.evaluate import fitted, series_by_month, window_value
    from kzsim.history.targets import load_targets

    game = play(start(load_scenario(calm), 8), lambda point, moment: 0)
    played, default = run(game.played(), seed=8), run(game.scenario, seed=8)
    grade = debrief(game, played, default).grade
    met, of = 0, 0
    for target, observation in fitted(load_targets()):
        try:
            value = window_value(target, observation, series_by_month(target, played.series))
        except InputError:
            continue
        assert target.tolerance is not None
        of += 1
        met += target.tolerance.normalised(value, observation.low, observation.high) <= 1
    assert of > 0 and (grade.you, grade.of) == (met, of)
    assert 0 <= grade.model <= grade.of
    line = grade.line()
    assert f"you meet {met} of {of} observed targets within their tolerance" in line
    report = debrief(game, played, default)
    assert f"  {line}" in terminal_lines(report)
    assert f"grade against history: you meet {met} of {of}" in html_page(game, report)
