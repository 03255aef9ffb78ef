"""What every rule is: a ``Rule`` with ``step``, parameterised by its contract's ``Config``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from kzsim.contracts.base import RuleConfig

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel

ConfigT = TypeVar("ConfigT", bound=RuleConfig)


class Rule(ABC, Generic[ConfigT]):
    """A mechanism applied once a month, in the order of the scenario's ``schedule``.

    Rules never import each other; they read and write agent state. Each draws random numbers
    only from its own stream, ``model.stream(name)``, so switching one rule off does not shift the
    random numbers of the others.

    Attributes:
        name: the rule's name in the registry (``kzsim.contracts``), which is the name of the
            module that defines it, ``kzsim.rules.<name>``.

    """

    name: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = cls.__module__.rpartition(".")[2]

    def __init__(self, config: ConfigT, model: KazakhstanModel) -> None:
        self.config = config
        self.rng = model.stream(self.name)

    @abstractmethod
    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""
