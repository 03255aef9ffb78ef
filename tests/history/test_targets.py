"""The observed targets: the shipped copy of the data, the declarations and their rows."""

from __future__ import annotations

import csv
import filecmp
from pathlib import Path

import pytest

from kzsim.history.targets import DECLARED, TARGETS_FOLDER, load_targets, read_rows, selected

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "targets"
REGIONS = Path(__file__).resolve().parents[2] / "kzsim" / "data" / "regions.csv"


def by_name() -> dict[str, object]:
    return {t.name: t for t in load_targets()}


def test_the_shipped_copy_equals_the_project_data() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not here")
    shared = sorted(p.name for p in SHARED.iterdir() if p.is_file())
    shipped = sorted(p.name for p in TARGETS_FOLDER.iterdir() if p.is_file())
    assert shipped == shared
    _, mismatch, errors = filecmp.cmpfiles(SHARED, TARGETS_FOLDER, shared, shallow=False)
    assert mismatch == errors == []


@pytest.mark.parametrize("declared", DECLARED, ids=lambda d: d.name)
def test_every_declaration_selects_rows_of_its_file(declared) -> None:
    rows = read_rows(TARGETS_FOLDER / declared.file)
    assert selected(rows, declared.where), declared.where
    assert all(declared.label in row for row in rows)


def test_modelled_targets_have_a_tolerance_with_a_reason_others_a_reason() -> None:
    for target in load_targets():
        if target.modelled:
            assert target.tolerance is not None and len(target.tolerance.why) > 40
            assert target.series and target.scope and target.observations
        else:
            assert "not" in target.reason or "no " in target.reason
            assert target.series is None and target.observations == ()


def test_import_shares_are_annual_means_in_percent() -> None:
    russia = load_targets()[0]
    assert russia.name == "import_share_russia"
    assert (russia.series, russia.scope, russia.statistic, russia.scale) == (
        "import_share_russia",
        "kazakhstan",
        "mean",
        100.0,
    )
    assert [o.label for o in russia.observations] == [str(y) for y in range(2010, 2018)]
    assert russia.observations[3].low == 36.62
    assert (russia.observations[3].start, russia.observations[3].end) == ("2013-01", "2013-12")


def test_the_2010_russian_share_is_excluded_as_a_statistical_break() -> None:
    targets = by_name()
    for name in ("import_share_russia", "import_share_other"):
        first = targets[name].observations[0]
        assert first.label == "2010"
        assert "statistical break" in first.excluded
        assert all(o.excluded is None for o in targets[name].observations[1:])
    assert all(o.excluded is None for o in targets["import_share_china"].observations)


def test_the_other_share_is_derived_from_russia_and_china() -> None:
    other = by_name()["import_share_other"]
    year_2013 = other.observations[3]
    assert year_2013.low == year_2013.high == pytest.approx(100 - 36.62 - 16.69)
    assert "derived" in year_2013.note


def test_edb_support_uses_the_fieldwork_window_where_known() -> None:
    edb = by_name()["eaeu_support"]
    assert (edb.series, edb.scope, edb.scale) == ("eaeu_supporters_share", "national", 100.0)
    windows = {o.label: (o.start, o.end, o.low) for o in edb.observations}
    assert windows["2014"] == ("2014-04", "2014-05", 84.0)
    assert windows["2013"] == ("2013-01", "2013-12", 73.0)
    assert windows["2012"][1] < "2012-09"  # published 13 September 2012


def test_the_2016_protests_are_head_counts_in_the_right_regions() -> None:
    targets = by_name()
    with REGIONS.open(encoding="utf-8") as stream:
        names = {row["region_id"]: row["name"] for row in csv.DictReader(stream)}
    atyrau = targets["protest_participants_atyrau"]
    assert names[atyrau.scope] == "Atyrau Region"
    assert (atyrau.observations[0].low, atyrau.observations[0].high) == (1000.0, 3000.0)
    oral = targets["protest_participants_oral"]
    assert names[oral.scope] == "West Kazakhstan Region"
    assert (oral.statistic, oral.observations[0].low) == ("max", 200.0)
    nationwide = targets["protest_participants_nationwide"]
    assert (nationwide.scope, nationwide.observations[0].high) == ("national", 4999.0)
    may = targets["protest_detentions_may_2016"]
    assert (may.series, may.scope, may.observations[0].window) == (
        "protest_detentions",
        "national",
        "2016-05",
    )
    for target in (atyrau, oral, nationwide, may):
        assert target.tolerance.kind == "factor"


def test_january_2022_detentions_are_summed_over_the_episode() -> None:
    january = by_name()["detained_january_2022"]
    (observation,) = january.observations
    assert (january.statistic, observation.low, observation.window) == (
        "sum",
        9900.0,
        "2022-01..2022-02",
    )
    assert january.key(observation) == "detained_january_2022@2022"


def test_not_modelled_targets_say_why() -> None:
    targets = by_name()
    for name in ("total_external_debt", "cumulative_fdi_from_china", "killed_january_2022"):
        assert not targets[name].modelled
    assert "loan" in targets["cumulative_fdi_from_china"].reason


def test_oil_route_targets_read_the_cpc_share_and_the_china_volumes() -> None:
    targets = by_name()
    cpc = targets["oil_export_share_cpc"]
    (share,) = cpc.observations
    assert (share.low, share.window, cpc.series, cpc.scale) == (
        80.0,
        "2022-01..2022-09",
        "oil_export_share_cpc",
        100.0,
    )
    china = targets["oil_exports_china"]
    assert [(o.label, o.low) for o in china.observations] == [("2013", 11.8), ("2018", 1.3)]
    (seven_months,) = targets["oil_exports_china_jan_jul"].observations
    assert (seven_months.low, seven_months.window) == (0.626, "2019-01..2019-07")
    assert targets["oil_exports_china_jan_jul"].scale == pytest.approx(7 / 12)
    # Values under one million tonnes are compared as they are, not floored to 1 (one person).
    tolerance = targets["oil_exports_china_jan_jul"].tolerance
    assert tolerance is not None
    assert tolerance.normalised(0.75, 0.626, 0.626) < 1.0
    assert tolerance.normalised(0.35, 0.626, 0.626) > 1.0


def test_docs_list_every_target() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "history.md").read_text("utf-8")
    for declared in DECLARED:
        assert f"`{declared.name}`" in page, declared.name


def test_every_window_lies_inside_the_shipped_replay() -> None:
    for target in load_targets():
        for observation in target.observations:
            assert "2010-01" <= observation.start <= observation.end <= "2023-12", target.name
