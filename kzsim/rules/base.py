"""The contract every rule follows: a ``Config`` (typed parameters) and a ``Rule`` with ``step``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from kzsim.scenario.types import Frozen

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel


class RuleConfig(Frozen):
    """Parameters common to every rule."""

    enabled: bool = True


ConfigT = TypeVar("ConfigT", bound=RuleConfig)


class Rule(ABC, Generic[ConfigT]):
    """A mechanism applied once a month, in the scenario's declared rule order.

    Rules never import each other; they read and write agent state. Each draws random numbers
    only from its own stream, ``model.stream(name)``, so switching one rule off does not shift the
    random numbers of the others.
    """

    name: ClassVar[str]

    def __init__(self, config: ConfigT, model: KazakhstanModel) -> None:
        self.config = config
        self.rng = model.stream(self.name)

    @abstractmethod
    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""
