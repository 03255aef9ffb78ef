"""What every rule is: a ``Rule`` with ``step``, parameterised by its contract's ``Config``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from kzsim.contract import Channel, RuleState
from kzsim.contracts import CONTRACTS
from kzsim.contracts.base import RuleConfig

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel

ConfigT = TypeVar("ConfigT", bound=RuleConfig)
StateT = TypeVar("StateT", bound=RuleState)
OtherT = TypeVar("OtherT", bound=RuleState)


class Rule(ABC, Generic[ConfigT, StateT]):
    """A mechanism applied once a month, in the order of the scenario's ``schedule``.

    Rules never import each other. A rule writes only its own state (``self.state``), reads
    another rule's state through the view its contract declares (``self.read(State)``) and
    pushes a variable another rule owns through that owner's channel (``self.channel(target)``).
    Each draws random numbers only from its own stream, ``model.stream(name)``, so switching one
    rule off does not shift the random numbers of the others.

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
        #: The state this rule owns and alone writes (its contract's ``State``).
        self.state = cast(StateT, model.states[self.name])
        self._views = model.views_for(self.name)
        self._channels = {
            target: model.channels[target] for target in getattr(CONTRACTS[self.name], "POSTS", ())
        }

    def read(self, kind: type[OtherT]) -> OtherT:
        """A read-only view of another rule's state, limited to the fields declared in READS.

        Raises:
            AttributeError: if the rule declares no read of that state.

        """
        try:
            return cast(OtherT, self._views[kind.owner])
        except KeyError:
            raise AttributeError(
                f"{self.name} reads {kind.owner}'s state, which it does not declare in READS"
            ) from None

    def channel(self, target: str) -> Channel[Any]:
        """The channel to ``target`` this rule declares in POSTS, to post contributions to.

        Raises:
            AttributeError: if the rule does not declare it.

        """
        try:
            return self._channels[target]
        except KeyError:
            raise AttributeError(
                f"{self.name} posts to {target}, which it does not declare in POSTS"
            ) from None

    @abstractmethod
    def step(self, model: KazakhstanModel) -> None:
        """Apply the mechanism for the current month."""
