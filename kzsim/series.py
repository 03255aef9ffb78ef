"""Output series descriptors: each rule module declares the series it owns next to its state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import numpy.typing as npt

from kzsim.contract import PlotGroup, Scope, Statistic

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel

#: Every scope that is not a region (``kzsim.contract.Scope``): region ids may not take these names.
RESERVED_SCOPES: tuple[str, ...] = get_args(Scope)
#: The scope of national series and of citizen series averaged over the whole country.
NATIONAL = RESERVED_SCOPES[0]
#: The state actors; each is the scope of the series of its own state.
ACTOR_SCOPES = RESERVED_SCOPES[1:]


@dataclass(frozen=True)
class Series:
    """One national or actor-level time series.

    Attributes:
        name: output ``variable`` (snake_case, carries its unit where it has one).
        scope: ``national`` or the actor that owns the state (kazakhstan, russia, china, eaeu).
        unit: unit of the value, e.g. ``share 0-1`` or ``US$ bn``.
        description: one line for ``kzsim list`` and docs.
        read: returns the current value from the model.
        low: least possible value (None: unbounded), checked by the invariant tests.
        high: greatest possible value (None: unbounded).
        headline: shown in the run summary, the comparison and the sweep report.
        group: the headline figure it is drawn in (None: in none).
        statistic: how a comparison summarises a headline series over a run (its outcome), and
            how the run report maps it per region.

    """

    name: str
    scope: str
    unit: str
    description: str
    read: Callable[[KazakhstanModel], float]
    low: float | None = None
    high: float | None = None
    headline: bool = False
    group: PlotGroup | None = None
    statistic: Statistic = "end"

    def __post_init__(self) -> None:
        if self.scope not in RESERVED_SCOPES:
            raise ValueError(f"series {self.name}: scope {self.scope} (allowed: {RESERVED_SCOPES})")


#: How a regional series' national value is made from its regional values: the mean weighted
#: by the persons each region has that month, or the sum (for counts of persons).
Aggregation = Literal["mean", "sum"]


@dataclass(frozen=True)
class RegionalSeries:
    """A quantity reported per region and nationally, by its declared ``aggregation``.

    Attributes as :class:`Series`; ``read`` returns one value per region. ``aggregation``
    ``"mean"`` (shares, means) weights each region by its persons that month
    (``kzsim.scenario.regions.people``); ``"sum"`` (counts of persons) adds the regions up.
    """

    name: str
    unit: str
    description: str
    read: Callable[[KazakhstanModel], npt.NDArray[np.float64]]
    low: float | None = None
    high: float | None = None
    headline: bool = False
    group: PlotGroup | None = None
    statistic: Statistic = "end"
    aggregation: Aggregation = "mean"

    def national(
        self,
        values: npt.NDArray[np.float64],
        persons: npt.NDArray[np.float64],
        weights: npt.NDArray[np.float64] | None = None,
    ) -> float:
        """The national value of this month's regional ``values``.

        Args:
            values: one value per region.
            persons: the persons each region has this month (the weights of a mean).
            weights: ``person_weights(persons)``, when the caller has them already.

        """
        if self.aggregation == "sum":
            return float(values.sum())
        if weights is None:
            weights = person_weights(persons)
        return float(values @ weights)


def person_weights(persons: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each region's share of the persons (equal shares when there are none): a mean's weights."""
    total = float(persons.sum())
    if total > 0.0:
        weights: npt.NDArray[np.float64] = persons / total
        return weights
    return np.full(persons.size, 1.0 / persons.size)


def state_value(owner: str, name: str) -> Callable[[KazakhstanModel], float]:
    """Return a reader of one field of a rule's state as a float."""

    def read(model: KazakhstanModel) -> float:
        return float(getattr(model.states[owner], name))

    return read


def state_values(owner: str, name: str) -> Callable[[KazakhstanModel], npt.NDArray[np.float64]]:
    """Return a reader of one regional field of a rule's state, one value per region."""

    def read(model: KazakhstanModel) -> npt.NDArray[np.float64]:
        return np.asarray(getattr(model.states[owner], name), dtype=np.float64)

    return read


def in_persons(
    share: Callable[[KazakhstanModel], npt.NDArray[np.float64]],
) -> Callable[[KazakhstanModel], npt.NDArray[np.float64]]:
    """Return a reader of persons per region from a reader of a share of each region's citizens.

    Each simulated citizen stands for the persons of its region that month: persons = share x
    the region's persons (``kzsim.scenario.regions.people``).
    """

    def read(model: KazakhstanModel) -> npt.NDArray[np.float64]:
        persons: npt.NDArray[np.float64] = share(model) * model.people()
        return persons

    return read
