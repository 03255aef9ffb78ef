"""The rules' mechanisms, one module ``kzsim.rules.<name>`` per rule of the registry.

The registry (``kzsim.contracts``) lists the rules; a rule's module, with its equations and its
``Rule`` class, is imported only when a model needs it (:func:`rule_class`), never by the
scenario schema.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from kzsim.contracts import RULE_NAMES
from kzsim.rules.base import Rule


def rule_module(name: str) -> ModuleType:
    """The module of the rule ``name``, ``kzsim.rules.<name>``, imported on first use.

    Raises:
        KeyError: if ``name`` is not a rule of the registry.

    """
    if name not in RULE_NAMES:
        raise KeyError(f"no rule {name!r} (allowed: {', '.join(RULE_NAMES)})")
    return importlib.import_module(f"{__name__}.{name}")


def rule_class(name: str) -> type[Rule[Any, Any]]:
    """The ``Rule`` class of the rule ``name`` (see :func:`rule_module`)."""
    found: type[Rule[Any, Any]] = rule_module(name).Rule
    return found
