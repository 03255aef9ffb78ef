"""The registry of the rules: the one place that lists them, and their canonical schedule.

Each rule ``name`` has a contract module ``kzsim.contracts.<name>`` (its ``Config`` and the series
it declares; no simulation code, so the scenario schema can import it) and a mechanism module
``kzsim.rules.<name>`` (its ``Rule``, imported only when a model is built). The scenario's
``rules:`` section and ``schedule:``, the series catalog (``kzsim.catalog``), the rule classes
(``kzsim.rules.rule_class``) and ``kzsim list`` are derived from here.
"""

from __future__ import annotations

from types import ModuleType

from kzsim.contracts import (
    bri_loans,
    land_protests,
    multi_vector,
    oil_routes,
    opinion,
    russian_reactions,
    tariff_harmonisation,
)
from kzsim.contracts.base import RuleConfig

#: The contract module of each rule, by name, in catalog order: the order of the scenario's
#: ``rules:`` section, of the series catalog and of the outputs (not the order rules run in).
CONTRACTS: dict[str, ModuleType] = {
    module.__name__.rpartition(".")[2]: module
    for module in (
        tariff_harmonisation,
        oil_routes,
        bri_loans,
        land_protests,
        opinion,
        multi_vector,
        russian_reactions,
    )
}
#: Every rule's name, in catalog order.
RULE_NAMES: tuple[str, ...] = tuple(CONTRACTS)
#: Every rule's parameters, by name.
RULE_CONFIGS: dict[str, type[RuleConfig]] = {
    name: module.Config for name, module in CONTRACTS.items()
}

#: The canonical run order, the default of a scenario's ``schedule:``: each rule with the reason
#: for its place (docs/model.md, section 3). A rule reads what the rules before it wrote this
#: month, and what the rules after it wrote last month.
SCHEDULE_REASONS: dict[str, str] = {
    "tariff_harmonisation": "first: this month's tariffs, prices, import shares and regional "
    "trade losses follow from this month's drivers (exchange rates, inflation)",
    "oil_routes": "oil export routes, CPC disruptions and Kazakh oil held up follow from this "
    "month's events; the threat that drives diversification is last month's",
    "bri_loans": "capital need, debt, regional project jobs and Chinese presence follow from "
    "this month's budget stress",
    "opinion": "hardship and attitudes follow from this month's prices, trade losses, jobs and "
    "presence",
    "land_protests": "protest follows from this month's grievances: citizens feel a shock "
    "before they decide whether to protest",
    "multi_vector": "leverage and alignment follow from this month's trade, debt and capital need",
    "russian_reactions": "last: Russia reacts to this month's change of alignment",
}
#: The canonical run order.
SCHEDULE: tuple[str, ...] = tuple(SCHEDULE_REASONS)


def contract_lines() -> list[str]:
    """Who writes, reads and posts what, rule by rule in schedule order (``kzsim list --rules``)."""
    readers: dict[str, list[str]] = {}
    for name, module in CONTRACTS.items():
        for read in module.READS:
            readers.setdefault(read.partition(".")[0], []).append(name)
    lines = []
    for position, name in enumerate(SCHEDULE, start=1):
        module = CONTRACTS[name]
        citizens = tuple(f"citizens.{name}" for name in module.CITIZENS)
        owned = ", ".join((*module.State.field_names(), *citizens))
        lines += [
            f"{position}. {name}: {SCHEDULE_REASONS[name]}",
            f"   writes: {owned}",
            f"   reads: {', '.join(module.READS) or '-'}",
            f"   posts to: {', '.join(getattr(module, 'POSTS', ())) or '-'}",
            f"   read by: {', '.join(sorted(set(readers.get(name, ())))) or '-'}",
        ]
    return lines


#: The rule state field each key of the scenario's ``initial`` section starts (and events move):
#: ``"kazakhstan.applied_tariff" -> ("tariff_harmonisation", "applied_tariff")``. Keys not here
#: belong to the actor itself.
INITIAL_OWNERS: dict[str, tuple[str, str]] = {
    key: (name, field)
    for name, module in CONTRACTS.items()
    for key, field in module.State.initial_from.items()
}
