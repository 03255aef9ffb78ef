"""The dashboard's levers: the scenario values a lecturer moves in class, and how they apply.

Each lever is one dotted scenario key, so a lever behaves exactly like ``--set key=value`` and is
validated by the same loader. Land reform is the one switch that is not a key: turning it off
removes the scenario's ``land_reform`` events and the events that raise land salience (the
auction announcement), so the reform never comes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from kzsim.model import KazakhstanModel
from kzsim.scenario.load import load_scenario
from kzsim.scenario.schema import Scenario

Control = Literal["int", "float", "select"]
LAND_SALIENCE = "kazakhstan.land_salience"


@dataclass(frozen=True)
class Lever:
    """One scenario value exposed as a dashboard control.

    Attributes:
        name: the keyword of ``DashboardModel`` that carries it.
        key: the dotted scenario key it sets (as ``--set key=value``).
        label: the control's label (short: the sidebar is narrow).
        description: what the lever means, shown in the dashboard's lever list.
        control: slider of integers or floats, or a select box.
        low: slider minimum.
        high: slider maximum.
        step: slider step.
        choices: the options of a select box.

    """

    name: str
    key: str
    label: str
    description: str
    control: Control
    low: float = 0.0
    high: float = 1.0
    step: float = 0.05
    choices: tuple[str, ...] = ()


LEVERS: tuple[Lever, ...] = (
    Lever(
        "months_to_converge",
        "rules.tariff_harmonisation.months_to_converge",
        "Months to CET",
        "how fast the tariff converges to the Customs Union's common external tariff (TH1)",
        "int",
        1,
        60,
        1,
    ),
    Lever(
        "lending_appetite",
        "initial.china.lending_appetite",
        "China: lending",
        "China's appetite to lend at the start; it then relaxes toward its strategic interest",
        "float",
    ),
    Lever(
        "strategic_interest",
        "initial.china.strategic_interest",
        "China: interest",
        "China's strategic interest at the start (dated events such as the 2013 Belt and Road "
        "announcement may raise it later)",
        "float",
    ),
    Lever(
        "leakage_mean",
        "rules.bri_loans.leakage_mean",
        "Corruption leakage",
        "mean share of project money that leaks; more leakage, more failed projects (BR4)",
        "float",
        0.01,
        0.6,
        0.01,
    ),
    Lever(
        "protest_response",
        "rules.land_protests.response",
        "Answer to protest",
        "the government's answer to a protest wave (LP4): concede (moratorium), repress, both, "
        "concede_economic (moratorium and fuel price caps), dismiss (ministers) or all",
        "select",
        choices=("all", "concede", "both", "repress", "concede_economic", "dismiss"),
    ),
    Lever(
        "media_reach",
        "initial.russia.media_reach",
        "Russian media reach",
        "share of the public in Russia's information space; amplifies land fears (LP3, C L19)",
        "float",
    ),
)
LAND_REFORM_LABEL = "Land reform"
LAND_REFORM_DESCRIPTION = (
    "the scenario's Land Code amendments and the announcements that raise land salience; off "
    "removes them (LP1)"
)


def value_at(data: Mapping[str, Any], key: str) -> Any:
    """The value at a dotted key of nested mappings."""
    value: Any = data
    for part in key.split("."):
        value = value[part]
    return value


def is_land_reform_event(event: Mapping[str, Any]) -> bool:
    """A ``land_reform`` event, or one that raises the salience of land sales."""
    return event["kind"] == "land_reform" or any(
        effect["target"] == LAND_SALIENCE for effect in event.get("effects") or ()
    )


def has_land_reform(scenario: Scenario) -> bool:
    """Whether the scenario contains a land reform that the switch can turn off."""
    return any(is_land_reform_event(e) for e in scenario.to_data()["events"])


def with_levers(
    scenario: Scenario, values: Mapping[str, Any], land_reform: bool = True
) -> Scenario:
    """The scenario with lever values applied (None keeps the scenario's value).

    Raises:
        InputError: if a value is out of the parameter's range (as for ``--set``).

    """
    data = scenario.to_data()
    if not land_reform:
        data["events"] = [e for e in data["events"] if not is_land_reform_event(e)]
    by_name = {lever.name: lever for lever in LEVERS}
    overrides = [
        f"{by_name[name].key}={value}" for name, value in values.items() if value is not None
    ]
    return load_scenario(data, overrides)


class DashboardModel(KazakhstanModel):
    """``KazakhstanModel`` built from a scenario and the dashboard's lever values.

    Every lever defaults to None, which keeps the scenario's own value. Like every
    ``KazakhstanModel`` it stops (``running`` false) after the scenario's last month, which ends
    SolaraViz's play loop.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int | None = None,
        months_to_converge: int | None = None,
        lending_appetite: float | None = None,
        strategic_interest: float | None = None,
        leakage_mean: float | None = None,
        protest_response: str | None = None,
        media_reach: float | None = None,
        land_reform: bool = True,
    ) -> None:
        values = {
            "months_to_converge": months_to_converge,
            "lending_appetite": lending_appetite,
            "strategic_interest": strategic_interest,
            "leakage_mean": leakage_mean,
            "protest_response": protest_response,
            "media_reach": media_reach,
        }
        super().__init__(with_levers(scenario, values, land_reform), seed=seed)
