"""The rule registry, in canonical order (the order used for rules a scenario does not declare)."""

from __future__ import annotations

from types import ModuleType

from kzsim.rules import (
    bri_loans,
    land_protests,
    multi_vector,
    opinion,
    russian_reactions,
    tariff_harmonisation,
)
from kzsim.rules.base import Rule, RuleConfig

RULE_MODULES: tuple[ModuleType, ...] = (
    tariff_harmonisation,
    bri_loans,
    land_protests,
    opinion,
    multi_vector,
    russian_reactions,
)
RULE_NAMES: tuple[str, ...] = tuple(m.__name__.rsplit(".", 1)[1] for m in RULE_MODULES)
RULE_CONFIGS: dict[str, type[RuleConfig]] = {
    name: m.Config for name, m in zip(RULE_NAMES, RULE_MODULES, strict=True)
}
RULE_CLASSES: dict[str, type[Rule]] = {  # type: ignore[type-arg]
    name: m.Rule for name, m in zip(RULE_NAMES, RULE_MODULES, strict=True)
}
