"""The base of every rule's ``Config``: parameters the scenario schema validates."""

from __future__ import annotations

from kzsim.scenario.types import Frozen


class RuleConfig(Frozen):
    """Parameters common to every rule."""

    enabled: bool = True
