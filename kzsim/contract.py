"""The rule contract: every state variable has one owner, every rule declares what it reads.

A rule owns a :class:`RuleState`, a dataclass whose fields are declared with :func:`var` (one
value) or :func:`regional_var` (one value per region). Only the rule writes its state, and every
field is an output series with a unit, a range and a description, so the series catalog is
generated from the states. The state exists whether or not the rule is enabled: a disabled rule's
state stays at its initial values.

Other rules read that state through the inputs they declare (``READS`` of their contract module,
``"owner.field"`` strings). The model checks at build time that every declared read has a
producer, and hands each rule read-only views of the states it declared, so an undeclared read or a
write to another rule's state fails at once.

Where several mechanisms push one variable (citizens' legitimacy, alignment), its owner declares
a :class:`Channel`: the others ``post`` their contribution, which the owner's function applies at
once, and the channel keeps this month's total by source so that each contribution stays visible.

This module holds no simulation code: the scenario schema imports the contract modules that use
it, and they import nothing of the model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar, cast

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
#: Output scopes of non-regional series.
Scope = Literal["national", "kazakhstan", "russia", "china", "eaeu"]
#: Figure groups of the headline plots.
PlotGroup = Literal["trade", "prices", "debt", "alignment", "publics", "politics"]
#: The title of each group's figure, in the order a report tells the story: trade, loans,
#: publics and protest, then the balancing between the powers.
PLOT_GROUP_TITLES: dict[PlotGroup, str] = {
    "trade": "Tariff and import shares",
    "prices": "Consumer prices and re-export income",
    "debt": "Chinese loans",
    "publics": "Public opinion and protest",
    "politics": "Land policy and Russia's irritation",
    "alignment": "Alignment, leverage and autonomy",
}
PLOT_GROUPS: tuple[PlotGroup, ...] = tuple(PLOT_GROUP_TITLES)
#: How one number summarises a series over a run: its last value, mean, maximum or minimum.
Statistic = Literal["end", "mean", "max", "min"]


@dataclass(frozen=True)
class Variable:
    """One output series: a state field or a derived quantity.

    Attributes:
        name: the output ``variable``, also the state field's name.
        unit: e.g. ``share 0-1``, ``US$ bn``, ``count``.
        description: one line for ``kzsim list`` and the docs.
        scope: the output scope of a non-regional series (the actor whose state it describes).
        low: least possible value (None: unbounded), checked by the invariant tests.
        high: greatest possible value (None: unbounded).
        regional: one value per region, reported per region and as the national mean.
        headline: shown in the run summary, the comparison and the sweep report.
        group: the headline figure it is drawn in (None: in none).
        series: written as an output series (False: bookkeeping other rules may read).
        statistic: how a comparison summarises a headline series over a run (its outcome), and
            how the run report maps it per region.

    """

    name: str
    unit: str
    description: str
    scope: Scope = "kazakhstan"
    low: float | None = 0.0
    high: float | None = 1.0
    regional: bool = False
    headline: bool = False
    group: PlotGroup | None = None
    series: bool = True
    statistic: Statistic = "end"

    @property
    def is_share(self) -> bool:
        """Whether the series is a share, probability or index in [0, 1]."""
        return self.low == 0.0 and self.high == 1.0


_VARIABLE = "kzsim.variable"


def var(
    default: float,
    *,
    unit: str,
    description: str,
    scope: Scope = "kazakhstan",
    low: float | None = 0.0,
    high: float | None = 1.0,
    headline: bool = False,
    group: PlotGroup | None = None,
    series: bool = True,
    statistic: Statistic = "end",
) -> Any:
    """Declare a field of a rule's state holding one value (see :class:`Variable`)."""
    info = Variable(
        "", unit, description, scope, low, high, False, headline, group, series, statistic
    )
    return dataclasses.field(default=default, metadata={_VARIABLE: info})


def regional_var(
    *,
    unit: str,
    description: str,
    low: float | None = 0.0,
    high: float | None = 1.0,
    headline: bool = False,
    group: PlotGroup | None = None,
    series: bool = True,
    statistic: Statistic = "end",
) -> Any:
    """Declare a field of a rule's state holding one value per region (zeros at the start)."""
    info = Variable(
        "", unit, description, "national", low, high, True, headline, group, series, statistic
    )
    return dataclasses.field(default_factory=_no_regions, metadata={_VARIABLE: info})


def _no_regions() -> FloatArray:
    return np.zeros(0, dtype=np.float64)


S = TypeVar("S", bound="RuleState")


@dataclass
class RuleState:
    """The state one rule owns; subclasses are dataclasses declared with :func:`var`.

    Attributes:
        owner: the owning rule's name.
        initial_from: fields that start at a value of the scenario's ``initial`` section, by the
            section's key (``"kazakhstan.applied_tariff"``); events that set or shift that key
            change the field.

    """

    owner: ClassVar[str] = ""
    initial_from: ClassVar[dict[str, str]] = {}

    @classmethod
    def variables(cls) -> tuple[Variable, ...]:
        """The state's output series, in field order."""
        return tuple(
            dataclasses.replace(f.metadata[_VARIABLE], name=f.name)
            for f in dataclasses.fields(cls)
            if _VARIABLE in f.metadata
        )

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """Every field of the state, series and bookkeeping."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def create(cls: type[S], regions: int, initial: Any = None) -> S:
        """The state at the start of a run.

        Defaults, with regional fields sized to ``regions`` and the fields of ``initial_from``
        taken from the scenario's ``initial`` section (``initial``: its ``Actors``).
        """
        state = cls()
        for variable in cls.variables():
            if variable.regional:
                setattr(state, variable.name, np.zeros(regions, dtype=np.float64))
        for key, name in cls.initial_from.items():
            if initial is not None:
                actor, _, attribute = key.partition(".")
                setattr(state, name, float(getattr(getattr(initial, actor), attribute)))
        return state


T = TypeVar("T")


class Channel(Generic[T]):
    """Contributions several rules post to one variable, applied by its owner's function.

    Args:
        target: what the contributions move, e.g. ``citizens.legitimacy``.
        apply: the owner's function that applies one contribution.
        size: the contribution's size for the monthly totals (e.g. its sum).

    """

    def __init__(self, target: str, apply: Callable[[T], None], size: Callable[[T], float]):
        self.target = target
        self._apply = apply
        self._size = size
        #: This month's total size of the contributions, by source.
        self.totals: dict[str, float] = {}

    def post(self, source: str, amount: T) -> None:
        """Apply one contribution now and add it to this month's total of ``source``."""
        self._apply(amount)
        self.totals[source] = self.totals.get(source, 0.0) + self._size(amount)

    def new_month(self) -> None:
        """Start this month's totals afresh."""
        self.totals.clear()


class ReadOnly:
    """A read-only view of another rule's state, limited to the fields the reader declared."""

    __slots__ = ("_fields", "_reader", "_state")

    def __init__(self, state: RuleState, fields: frozenset[str], reader: str) -> None:
        object.__setattr__(self, "_state", state)
        object.__setattr__(self, "_fields", fields)
        object.__setattr__(self, "_reader", reader)

    def __getattr__(self, name: str) -> Any:
        if name not in self._fields:
            owner = type(self._state).owner
            raise AttributeError(
                f"{self._reader} reads {owner}.{name}, which it does not declare in READS"
            )
        return getattr(self._state, name)

    def __setattr__(self, name: str, value: Any) -> None:
        owner = type(self._state).owner
        raise AttributeError(f"{self._reader} may not write {owner}.{name}: {owner} owns it")


def view(state: S, fields: frozenset[str], reader: str) -> S:
    """``state`` seen by ``reader``: only the declared ``fields``, never written."""
    return cast(S, ReadOnly(state, fields, reader))


def split_read(read: str) -> tuple[str, str]:
    """``"tariff_harmonisation.import_share_china"`` -> ``("tariff_harmonisation", ...)``."""
    owner, _, name = read.partition(".")
    if not owner or not name:
        raise ValueError(f"read {read!r}: expected owner.field")
    return owner, name


def reads_by_owner(reads: tuple[str, ...]) -> Iterator[tuple[str, frozenset[str]]]:
    """Declared reads grouped by owner, in first-declared order."""
    grouped: dict[str, set[str]] = {}
    for read in reads:
        owner, name = split_read(read)
        grouped.setdefault(owner, set()).add(name)
    for owner, names in grouped.items():
        yield owner, frozenset(names)
