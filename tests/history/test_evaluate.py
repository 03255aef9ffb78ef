"""Evaluating runs against the targets: mappings, tolerances, distance and score, by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kzsim.errors import InputError
from kzsim.history.evaluate import (
    distance,
    history_table,
    normalised_errors,
    observed,
    score,
    simulated,
)
from kzsim.history.targets import Tolerance, load_targets
from tests.history.helpers import long_frame, months


def named(*names: str) -> tuple:
    found = tuple(t for t in load_targets() if t.name in names)
    assert len(found) == len(names)
    return found


def russia_frame(first_half: float, second_half: float) -> pd.DataFrame:
    values = {}
    for year in range(2010, 2018):
        values |= months(f"{year}-01", f"{year}-06", first_half)
        values |= months(f"{year}-07", f"{year}-12", second_half)
    return long_frame(("import_share_russia", "kazakhstan", values))


def test_import_share_is_the_annual_mean_times_100() -> None:
    sim = simulated(named("import_share_russia"), russia_frame(0.3, 0.5))
    assert sim["import_share_russia@2013"] == pytest.approx(40.0)
    assert "import_share_russia@2010" not in sim  # excluded from fitting
    every = simulated(named("import_share_russia"), russia_frame(0.3, 0.5), include_excluded=True)
    assert every["import_share_russia@2010"] == pytest.approx(40.0)


def test_protest_participants_are_the_regions_maximum_over_the_window() -> None:
    frame = long_frame(
        (
            "protest_participants",
            "atyrau",
            {"2016-03": 5000, "2016-04": 800, "2016-05": 1200, "2016-06": 9000},
        ),
        ("protest_participants", "west_kazakhstan", {"2016-04": 50, "2016-05": 150}),
        ("protest_participants", "national", {"2016-04": 1500, "2016-05": 2500}),
    )
    targets = named(
        "protest_participants_atyrau",
        "protest_participants_oral",
        "protest_participants_nationwide",
    )
    assert simulated(targets, frame) == {
        "protest_participants_atyrau@2016": 1200.0,
        "protest_participants_oral@2016": 150.0,
        "protest_participants_nationwide@2016": 2500.0,
    }


def test_detentions_are_summed_over_the_window() -> None:
    frame = long_frame(
        (
            "protest_detentions",
            "national",
            {"2016-04": 70, "2016-05": 250, "2021-12": 10**5, "2022-01": 3000, "2022-02": 4000},
        ),
    )
    sim = simulated(named("protest_detentions_may_2016", "detained_january_2022"), frame)
    assert sim == {"protest_detentions_may_2016@2016": 250.0, "detained_january_2022@2022": 7000.0}


def test_edb_support_is_the_fieldwork_mean_of_the_supporters_share_in_percent() -> None:
    values = months("2012-01", "2015-12", 0.5) | {"2014-04": 0.7, "2014-05": 0.8}
    frame = long_frame(("eaeu_supporters_share", "national", values))
    sim = simulated(named("eaeu_support"), frame)
    assert sim["eaeu_support@2014"] == pytest.approx(75.0)
    assert sim["eaeu_support@2013"] == pytest.approx(50.0)


def test_a_missing_series_or_month_is_one_clear_line() -> None:
    frame = long_frame(("import_share_china", "kazakhstan", months("2010-01", "2017-12", 0.1)))
    with pytest.raises(InputError) as missing:
        simulated(named("protest_participants_atyrau"), frame)
    assert missing.value.problems == [
        "protest_participants_atyrau: series protest_participants (atyrau): not in the run's "
        "output (allowed: a run recording it; outputs.series must list it and, for a region, "
        "outputs.regional must be true)"
    ]
    short = long_frame(("import_share_china", "kazakhstan", months("2010-01", "2017-06", 0.1)))
    with pytest.raises(InputError, match=r"import_share_china@2017: .* months 2017-07..2017-12"):
        simulated(named("import_share_china"), short)


def test_absolute_tolerance() -> None:
    five = Tolerance("absolute", 5.0, "test")
    assert five.error(44.0, 38.42, 38.42) == pytest.approx(5.58)
    assert five.normalised(44.0, 38.42, 38.42) == pytest.approx(1.116)
    assert five.normalised(33.42, 38.42, 38.42) == pytest.approx(1.0)  # on the edge: inside
    assert five.error(75.0, 70.0, 80.0) == 0.0
    assert five.error(62.0, 70.0, 80.0) == pytest.approx(-8.0)  # to the nearest end


def test_factor_tolerance_is_a_log_ratio_to_the_nearest_end() -> None:
    two = Tolerance("factor", 2.0, "test")
    assert two.error(400.0, 1000.0, 3000.0) == pytest.approx(-600.0)
    assert two.normalised(400.0, 1000.0, 3000.0) == pytest.approx(math.log(2.5) / math.log(2))
    assert two.normalised(600.0, 1000.0, 3000.0) == pytest.approx(0.7369655941662062)
    assert two.normalised(5000.0, 1000.0, 3000.0) == pytest.approx(0.7369655941662062)
    assert two.normalised(500.0, 1000.0, 3000.0) == pytest.approx(1.0)  # low / 2: inside
    assert two.normalised(2000.0, 1000.0, 3000.0) == 0.0
    assert two.normalised(0.0, 1000.0, 3000.0) == pytest.approx(math.log(1000) / math.log(2))
    with pytest.raises(ValueError):
        Tolerance("factor", 1.0, "a factor must exceed 1")


def test_observed_gives_the_middle_of_a_range() -> None:
    values = observed(named("protest_participants_atyrau", "import_share_other"))
    assert values["protest_participants_atyrau@2016"] == pytest.approx(math.sqrt(3e6))
    assert values["import_share_other@2013"] == pytest.approx(46.69)
    assert "import_share_other@2010" not in values


def test_distance_is_the_weighted_root_mean_square_of_normalised_errors() -> None:
    targets = named("protest_participants_oral", "protest_detentions_may_2016")
    sim = {"protest_participants_oral@2016": 800.0, "protest_detentions_may_2016@2016": 300.0}
    assert normalised_errors(targets, sim) == {
        "protest_participants_oral@2016": pytest.approx(2.0),  # 800 = 200 x 2^2
        "protest_detentions_may_2016@2016": 0.0,
    }
    assert distance(targets, sim) == pytest.approx(math.sqrt(2.0))
    weighted = distance(targets, sim, {"protest_participants_oral": 3.0})
    assert weighted == pytest.approx(math.sqrt(3 * 4 / 4))
    assert distance(targets, sim, {"protest_participants_oral": 0.0}) == 0.0
    with pytest.raises(ValueError, match="unknown targets nope"):
        distance(targets, sim, {"nope": 1.0})
    with pytest.raises(KeyError):
        distance(targets, {"protest_participants_oral@2016": 800.0})


def test_history_table_over_seeds_and_its_score() -> None:
    targets = named("protest_participants_oral", "import_share_russia")
    runs = [
        long_frame(("protest_participants", "west_kazakhstan", {"2016-04": v, "2016-05": 0}))
        for v in (100.0, 200.0, 900.0)
    ]
    runs = [pd.concat([run, russia_frame(0.4, 0.4)]) for run in runs]
    table = history_table(targets, runs)
    oral = table[table["target"] == "protest_participants_oral"].iloc[0]
    assert (oral["median"], oral["q05"], oral["q95"]) == pytest.approx((200.0, 110.0, 830.0))
    assert (oral["error"], oral["normalised_error"], oral["inside"]) == (0.0, 0.0, True)
    russia = table[table["target"] == "import_share_russia"].set_index("when")
    assert russia.loc["2014", "error"] == pytest.approx(40.0 - 33.3)
    assert not russia.loc["2014", "inside"]  # 6.7 pp > 5
    assert russia.loc["2012", "inside"]  # 1.58 pp
    assert "statistical break" in russia.loc["2010", "excluded"]
    share, rms = score(table)
    fitted = table[table["excluded"] == ""]
    assert len(fitted) == 8  # 2011-2017 and Oral; 2010 is shown, not scored
    assert share == pytest.approx(fitted["inside"].sum() / 8)
    assert rms == pytest.approx(math.sqrt((fitted["normalised_error"] ** 2).sum() / 8))


def test_score_by_hand() -> None:
    table = pd.DataFrame(
        {
            "normalised_error": [0.5, 2.0, 9.0, 1.0],
            "inside": [True, False, False, True],
            "excluded": ["", "", "a break", ""],
        }
    )
    share, rms = score(table)
    assert share == pytest.approx(2 / 3)
    assert rms == pytest.approx(math.sqrt((0.25 + 4 + 1) / 3))
