"""Outcome statistics on hand-made series."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from kzsim.batch.outcomes import compute_outcomes
from kzsim.batch.schema import Outcome

DATES = ["2010-01", "2010-02", "2010-03", "2010-04", "2010-05"]
VALUES = [0.1, 0.4, 0.2, 0.6, 0.3]


def frame() -> pd.DataFrame:
    national = pd.DataFrame(
        {"step": range(5), "date": DATES, "scope": "national", "variable": "protest_share",
         "value": VALUES}
    )  # fmt: skip
    region = national.assign(scope="almaty_city", value=[v * 10 for v in VALUES])
    tariff = national.assign(scope="kazakhstan", variable="applied_tariff", value=0.1)
    return pd.concat([national, region, tariff], ignore_index=True)


def value(**outcome: Any) -> float:
    spec = Outcome.model_validate({"series": "protest_share", **outcome})
    return compute_outcomes(frame(), {"x": spec})["x"]


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ({"stat": "final"}, 0.3),
        ({"stat": "max"}, 0.6),
        ({"stat": "min"}, 0.1),
        ({"stat": "mean"}, np.mean(VALUES)),
        ({"stat": "change"}, 0.2),
        ({"stat": "max", "from": "2010-01", "to": "2010-03"}, 0.4),
        ({"stat": "mean", "from": "2010-02", "to": "2010-03"}, 0.3),
        ({"stat": "change", "from": "2010-02"}, -0.1),
        ({"stat": "at", "date": "2010-03"}, 0.2),
        ({"stat": "first_above", "threshold": 0.3}, 1.0),
        ({"stat": "first_above", "threshold": 0.3, "from": "2010-03"}, 1.0),
        ({"stat": "first_below", "threshold": 0.25, "from": "2010-02"}, 1.0),
        ({"stat": "max", "region": "almaty_city"}, 6.0),
    ],
)
def test_statistics(outcome: dict[str, Any], expected: float) -> None:
    assert value(**outcome) == pytest.approx(expected)


def test_a_threshold_never_crossed_is_missing() -> None:
    assert np.isnan(value(stat="first_above", threshold=0.9))


def test_actor_series_are_read_from_their_actor_scope() -> None:
    spec = Outcome(series="applied_tariff", stat="final")
    assert compute_outcomes(frame(), {"t": spec}) == {"t": pytest.approx(0.1)}
