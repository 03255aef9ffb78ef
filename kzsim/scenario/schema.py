"""The scenario file as typed, frozen pydantic models (``extra="forbid"``).

One snake_case name is the YAML key, the pydantic field, the agent attribute and the output
variable. Initial actor states list exactly the attributes that events may ``set`` or ``shift``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

import annotated_types
from pydantic import (
    AfterValidator,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from kzsim.catalog import SERIES_NAMES
from kzsim.contracts import RULE_CONFIGS, RULE_NAMES, SCHEDULE
from kzsim.contracts.land_protests import Response
from kzsim.months import format_month, parse_month
from kzsim.scenario.regions import CENSUS_MONTHS, Region, builtin_regions, people
from kzsim.scenario.types import Frozen, Month, NonNegative, Seed, Share

ETHNICITY = Literal["kazakh", "russian", "other"]
#: The longest horizon a scenario may simulate (100 years).
MAX_MONTHS = 1200
#: Bounds of ``population.citizens``; the largest allows one citizen per person (19.2 million at
#: the 2021 census) with room for growth.
MIN_CITIZENS, MAX_CITIZENS = 100, 25_000_000
#: The value of ``population.citizens`` that asks for one citizen per person.
FULL = "full"


def unknown_name(kind: str, name: str, allowed: tuple[str, ...]) -> str:
    """Message for a name that is not one of ``allowed``, with the closest match."""
    guess = difflib.get_close_matches(name, allowed, n=1)
    hint = f"did you mean '{guess[0]}'? " if guess else ""
    return f"unknown {kind} '{name}' ({hint}allowed: {', '.join(allowed)})"


def _known_series(name: str) -> str:
    if name not in SERIES_NAMES:
        raise ValueError(unknown_name("series", name, SERIES_NAMES))
    return name


#: The name of an output series (``kzsim.catalog``), checked with a closest-name hint.
SeriesName = Annotated[str, AfterValidator(_known_series)]


def _known_rule(name: str) -> str:
    if name not in RULE_NAMES:
        raise ValueError(unknown_name("rule", name, SCHEDULE))
    return name


#: The name of a rule of the registry (``kzsim.contracts``), checked with a closest-name hint.
RuleName = Annotated[
    str, AfterValidator(_known_rule), WithJsonSchema({"type": "string", "enum": list(SCHEDULE)})
]


class Metadata(Frozen):
    """What the scenario is and the simulated period (one step = one month)."""

    name: str = Field(min_length=1)
    description: str = ""
    start: Month
    end: Month
    seed: Seed | None = Field(None, description="default seed when `kzsim run` gives none")

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: str, info: ValidationInfo) -> str:
        start = info.data.get("start")
        if start is None:
            return end
        months = parse_month(end) - parse_month(start) + 1
        if months < 1:
            raise ValueError(f"{end} is before start {start}")
        if months > MAX_MONTHS:
            raise ValueError(
                f"{start} to {end} is {months} months (allowed: at most {MAX_MONTHS}, 100 years)"
            )
        return end


class NetworkConfig(Frozen):
    """The citizens' social network: small-world within a region, weaker ties across regions."""

    neighbours: int = Field(6, ge=2, le=40, description="lattice neighbours per citizen (A)")
    rewire_probability: Share = Field(0.1, description="Watts-Strogatz rewiring (A)")
    cross_region_share: Share = Field(0.05, description="citizens with one tie elsewhere (A)")
    cross_region_weight: float = Field(0.3, gt=0.0, le=1.0, description="weight of such ties (A)")


@dataclass(frozen=True)
class FullAt:
    """``population.citizens: full`` of a scenario that starts in ``month`` (a month index)."""

    month: int


def full_citizens(regions: tuple[Region, ...], month: int) -> int:
    """One citizen per person: the persons of every region in ``month``, each rounded."""
    return int(sum(round(float(persons)) for persons in people(regions, month)))


#: ``population.citizens`` as the JSON schema shows it: a number of citizens or ``full``.
_CITIZENS_SCHEMA = {
    "anyOf": [
        {"type": "integer", "minimum": MIN_CITIZENS, "maximum": MAX_CITIZENS},
        {"const": FULL},
    ]
}


class PopulationConfig(Frozen):
    """Simulated citizens and the distributions their attributes are drawn from."""

    citizens: Annotated[int, WithJsonSchema(_CITIZENS_SCHEMA)] = Field(
        20_000,
        ge=MIN_CITIZENS,
        le=MAX_CITIZENS,
        description="simulated citizens in total, or full: one citizen per person, the persons "
        "of the regions in the scenario's start month (16.2 million in 2010-01; the population "
        "section alone: at the 2009 census); full is resolved when the scenario is loaded, so a "
        "loaded scenario, its outputs and its run manifest hold the number",
    )
    regions: tuple[Region, ...] = Field(default_factory=builtin_regions, min_length=1)
    network: NetworkConfig = NetworkConfig()
    russian_media_by_ethnicity: tuple[Share, Share, Share] = Field(
        (0.45, 0.85, 0.6),
        description="mean exposure for kazakh, russian, other; gives ~55% nationally (C L19)",
    )
    russian_media_urban_shift: float = Field(0.05, ge=-0.5, le=0.5, description="(A)")
    trader_hub_contact: Share = Field(0.15, description="mean contact with China in hubs (A)")
    hardship_mean: Share = Field(0.3, description="(A)")
    rural_hardship_shift: float = Field(0.1, ge=-0.5, le=0.5, description="(A)")
    legitimacy_mean: Share = Field(
        0.8,
        description="(A) set so that protest is rare in calm years (public meetings need "
        "permission and protest is 'highly unusual', E L62)",
    )
    sinophobia_mean: Share = Field(
        0.55, description="widespread Sinophobia (P L307-312; O L47); level (A)"
    )
    contact_sinophobia_relief: Share = Field(0.3, description="contact lowers it (O L47) (A)")
    eaeu_support_by_ethnicity: tuple[Share, Share, Share] = Field(
        (0.6, 0.8, 0.65), description="opinion differs by ethnicity (E L86); levels (A)"
    )
    protest_threshold_mean: Share = Field(
        0.25,
        description="Granovetter threshold mean, active share among ties in land_protests' crowd "
        "units (crowd_per_100k) (A)",
    )
    protest_threshold_sd: float = Field(0.1, ge=0.0, le=1.0, description="(A)")
    susceptibility_range: tuple[Share, Share] = Field(
        (0.5, 0.9), description="Friedkin-Johnsen susceptibility lambda, uniform (A)"
    )
    concentration: float = Field(8.0, gt=0.5, le=1000, description="Beta alpha+beta (A)")

    @model_validator(mode="wrap")
    @classmethod
    def _full(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> PopulationConfig:
        """Resolve ``citizens: full`` to the persons of the regions (at a :class:`FullAt` month)."""
        given = data.get("citizens") if isinstance(data, dict) else None
        if given != FULL and not isinstance(given, FullAt):
            return cast(PopulationConfig, handler(data))
        config = cast(PopulationConfig, handler({**data, "citizens": MIN_CITIZENS}))
        month = given.month if isinstance(given, FullAt) else CENSUS_MONTHS[0]
        persons = full_citizens(config.regions, month)
        if not MIN_CITIZENS <= persons <= MAX_CITIZENS:
            text = (
                f"full is {persons:,} persons in {format_month(month)} (allowed: "
                f"{MIN_CITIZENS:,} to {MAX_CITIZENS:,} citizens)"
            )
            problem = InitErrorDetails(
                type=PydanticCustomError("value_error", text), loc=("citizens",), input=FULL
            )
            raise ValidationError.from_exception_data(cls.__name__, [problem])
        return config.model_copy(update={"citizens": persons})

    @model_validator(mode="after")
    def _check(self) -> PopulationConfig:
        if self.susceptibility_range[0] > self.susceptibility_range[1]:
            raise ValueError("susceptibility_range: low above high")
        ids = [r.id for r in self.regions]
        if len(set(ids)) != len(ids):
            raise ValueError("regions: region ids must be unique")
        return self


class KazakhstanState(Frozen):
    """The government's initial state (and the attributes events may set or shift)."""

    applied_tariff: Share = Field(0.067, description="2009 average effective tariff (tariffs.csv)")
    repression: Share = Field(0.3, description="state repression intensity (A)")
    threat_perception: Share = Field(0.1, description="perceived threat from Russia (A)")
    land_salience: Share = Field(0.0, description="public salience of land sales to foreigners")
    xinjiang_salience: Share = Field(
        0.0,
        description="public salience of the detention of ethnic Kazakhs in Xinjiang "
        "(LP6; C L30-37; T L1818-1847)",
    )
    alignment_russia: Share = Field(0.5, description="(A)")
    alignment_china: Share = Field(0.2, description="(A)")
    alignment_west: Share = Field(0.3, description="(A)")
    gdp_usd_bn: float = Field(
        148.05, ge=1.0, le=1e5, description="US$ bn, 2010 GDP (drivers_annual.csv)"
    )
    fuel_price_index: float = Field(
        1.0, ge=0.01, le=100.0, description="domestic fuel price, 1 = start (A)"
    )

    @model_validator(mode="after")
    def _simplex(self) -> KazakhstanState:
        total = self.alignment_russia + self.alignment_china + self.alignment_west
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"alignment_russia + alignment_china + alignment_west is {total:g}")
        return self


class RussiaState(Frozen):
    """Russia's initial state."""

    irritation: Share = Field(0.0, description="(A)")
    media_reach: Share = Field(0.55, description="share in Russia's information space (C L19)")
    security_leverage: Share = Field(
        0.6,
        description="index 0-1 (A); set level with Russia's ~60% share of Central Asian arms "
        "imports, constant over ten years (T L1383-1385), a share, not a measured leverage",
    )
    cpc_disruption: Share = Field(
        0.0,
        description="share of CPC pipeline capacity lost; events set it (storm damage, court "
        "orders; oil_routes rule)",
    )


class ChinaState(Frozen):
    """China's initial state."""

    strategic_interest: Share = Field(0.3, description="(A); rises with the BRI (Sep 2013)")
    lending_appetite: Share = Field(0.3, description="(A)")


class EaeuState(Frozen):
    """The Eurasian Economic Union's initial state."""

    integration_depth: Share = Field(
        0.0,
        description="0 none, 1 common market; stages (CU 2010, CES 2012, EEU 2015; P L396-398, "
        "E L15) set by events, sizes (A); weights Russia's membership leverage (TH8)",
    )


class Actors(Frozen):
    """Initial states of the four state actors."""

    kazakhstan: KazakhstanState = KazakhstanState()
    russia: RussiaState = RussiaState()
    china: ChinaState = ChinaState()
    eaeu: EaeuState = EaeuState()


DriverName = Literal[
    "brent_usd_per_bbl",
    "rub_per_usd",
    "kzt_per_usd",
    "exports_usd_bn",
    "kazakhstan_gdp_growth_pct",
    "kazakhstan_cpi_inflation_pct",
    "kazakhstan_gdp_usd_bn",
    "china_gdp_growth_pct",
    "sanctions_on_russia",
]

#: The values each driver may take, (low, high, low included); every bound keeps the model finite.
DRIVER_RANGES: dict[str, tuple[float, float, bool]] = {
    "brent_usd_per_bbl": (0.0, 1000.0, False),
    "rub_per_usd": (0.0, 10_000.0, False),
    "kzt_per_usd": (0.0, 100_000.0, False),
    "exports_usd_bn": (0.0, 10_000.0, False),
    "kazakhstan_gdp_growth_pct": (-50.0, 100.0, True),
    "kazakhstan_cpi_inflation_pct": (-50.0, 200.0, True),
    "kazakhstan_gdp_usd_bn": (0.0, 100_000.0, False),
    "china_gdp_growth_pct": (-50.0, 100.0, True),
    "sanctions_on_russia": (0.0, 1.0, True),
}

#: Default flat paths for drivers a scenario leaves out. A driver without a default
#: (``kazakhstan_gdp_usd_bn``, observed nominal GDP) is not given outside its dated span
#: (``kzsim.drivers``).
DRIVER_DEFAULTS: dict[str, float] = {
    "brent_usd_per_bbl": 80.0,
    "rub_per_usd": 30.0,
    "kzt_per_usd": 150.0,
    "exports_usd_bn": 60.0,
    "kazakhstan_gdp_growth_pct": 4.0,
    "kazakhstan_cpi_inflation_pct": 6.0,
    "china_gdp_growth_pct": 6.0,
    "sanctions_on_russia": 0.0,
}


class CitizenFilter(Frozen):
    """A subset of citizens; every given criterion must hold."""

    region: tuple[str, ...] | None = Field(None, min_length=1)
    ethnicity: tuple[ETHNICITY, ...] | None = Field(None, min_length=1)
    urban: bool | None = None


#: Citizen attributes events may set or shift (all shares in [0, 1]).
CITIZEN_TARGETS = (
    "hardship",
    "legitimacy",
    "sinophobia",
    "eaeu_support",
    "russia_affinity",
    "russian_media",
    "china_contact",
)


@cache
def event_targets() -> tuple[str, ...]:
    """Every ``owner.attribute`` an event effect may name: initial-state fields and citizens."""
    actors = tuple(
        f"{actor}.{field}"
        for actor, info in Actors.model_fields.items()
        for field in info.annotation.model_fields  # type: ignore[union-attr]
    )
    return actors + tuple(f"citizens.{name}" for name in CITIZEN_TARGETS)


def target_range(target: str) -> tuple[float, float]:
    """The values ``target`` (one of :func:`event_targets`) can hold: its initial state's bounds."""
    owner, attribute = target.split(".")
    if owner == "citizens":
        return 0.0, 1.0
    state = Actors.model_fields[owner].annotation
    field = state.model_fields[attribute]  # type: ignore[union-attr]
    low = next(m.ge for m in field.metadata if isinstance(m, annotated_types.Ge))
    high = next(m.le for m in field.metadata if isinstance(m, annotated_types.Le))
    return float(low), float(high)  # type: ignore[arg-type]


class Effect(Frozen):
    """Set or shift one state value: ``actor.attribute`` or ``citizens.attribute``."""

    target: str
    set: float | None = None
    shift: float | None = None
    where: CitizenFilter | None = None

    @field_validator("target")
    @classmethod
    def _known_target(cls, target: str) -> str:
        allowed = event_targets()
        if target not in allowed:
            raise ValueError(unknown_name("target", target, allowed))
        return target

    @field_validator("set", "shift")
    @classmethod
    def _within_range(cls, value: float | None, info: ValidationInfo) -> float | None:
        target = info.data.get("target")
        if value is None or target is None:
            return value
        low, high = target_range(target)
        if info.field_name == "shift":
            low, high = low - high, high - low
        if not low <= value <= high:
            raise ValueError(
                f"{value:g} is out of range for {target} (allowed: {low:g} to {high:g})"
            )
        return value

    @model_validator(mode="after")
    def _one_change(self) -> Effect:
        if (self.set is None) == (self.shift is None):
            raise ValueError("give exactly one of set or shift")
        if self.where is not None and not self.target.startswith("citizens."):
            raise ValueError("where applies only to citizens.* targets")
        return self


class Condition(Frozen):
    """Fire when a national metric crosses a level."""

    metric: SeriesName
    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Condition:
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of above or below")
        return self


EventKind = Literal[
    "policy",
    "announcement",
    "shock",
    "land_reform",
    "land_decision",
    "single_currency_proposal",
    "government_decision",
]


class GovernmentDecision(Frozen):
    """A choice the government's rule would otherwise make itself, standing from the event's month.

    A ``government_decision`` event carries one; the rule that owns the choice obeys it (the
    decision game, ``kzsim play``, saves its decisions so).
    """

    loan_offers: Literal["accept", "refuse", "renegotiate"] | None = Field(
        None,
        description="bri_loans: China's offers are all accepted, all refused, or weighed by "
        "the model's utility after the Chinese-content share is cut to the tolerated level "
        "(BR7; E L41; P L290-300)",
    )
    protest_response: Response | None = Field(
        None,
        description="land_protests: the answer to a multi-region wave (LP4; C L38; measures in "
        "kzsim.contracts.land_protests.MEASURES)",
    )
    outside_help: bool | None = Field(
        None,
        description="land_protests: whether a wave nationwide after a crackdown brings a "
        "request for allied (CSTO) troops (LP7; T L1464-1478)",
    )

    @model_validator(mode="after")
    def _something(self) -> GovernmentDecision:
        choices = (self.loan_offers, self.protest_response, self.outside_help)
        if all(choice is None for choice in choices):
            raise ValueError("give at least one of loan_offers, protest_response, outside_help")
        return self


class Event(Frozen):
    """A dated (``date``) or conditional (``when``) event with structured effects."""

    date: Month | None = None
    when: Condition | None = None
    kind: EventKind
    actor: Literal["kazakhstan", "russia", "china", "eaeu", "citizens"] = "kazakhstan"
    detail: str = Field(min_length=1)
    effects: tuple[Effect, ...] = ()
    effective: Month | None = Field(None, description="land_reform: when the law takes effect")
    decision: GovernmentDecision | None = Field(
        None, description="government_decision: the choice the rules obey from this month"
    )
    once: bool = Field(True, description="conditional events: fire only the first time")

    @model_validator(mode="after")
    def _timing(self) -> Event:
        if (self.date is None) == (self.when is None):
            raise ValueError("give exactly one of date or when")
        if (self.kind == "land_reform") != (self.effective is not None):
            raise ValueError("effective is required for land_reform and only for it")
        if (self.kind == "government_decision") != (self.decision is not None):
            raise ValueError("decision is required for government_decision and only for it")
        return self


class Outputs(Frozen):
    """Which series to write and how often."""

    series: tuple[SeriesName, ...] | None = Field(None, description="variables to keep; none = all")
    every_months: int = Field(1, ge=1, le=120)
    regional: bool = True


if TYPE_CHECKING:

    class Rules(Frozen):
        """Every rule's parameters; the fields are derived from the registry at import."""

        def __getattr__(self, name: str) -> Any: ...

else:
    Rules = create_model(
        "Rules",
        __base__=Frozen,
        __module__=__name__,
        __doc__="Every rule's parameters, one field per rule of the registry (kzsim.contracts).",
        **{name: (config, config()) for name, config in RULE_CONFIGS.items()},
    )


#: What a schedule must list.
_ONCE = "every rule exactly once"


def _schedule_problems(schedule: tuple[str, ...]) -> list[InitErrorDetails]:
    """The rules a schedule lists again (at that place) and those it misses (at the list)."""
    problems: list[InitErrorDetails] = []
    first: dict[str, int] = {}
    for index, name in enumerate(schedule):
        if name in first:
            text = f"rule '{name}' is already at schedule[{first[name]}] (allowed: {_ONCE})"
            problems.append(_problem((index,), name, text))
        first.setdefault(name, index)
    missing = [name for name in SCHEDULE if name not in first]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        what = f"rule {names} is" if len(missing) == 1 else f"rules {names} are"
        text = (
            f"{what} missing (allowed: {_ONCE}; switch a rule off with rules.<rule>.enabled: false)"
        )
        problems.append(_problem((), schedule, text))
    return problems


def _problem(loc: tuple[int, ...], given: Any, text: str) -> InitErrorDetails:
    """A validation error at ``loc`` within the schedule, reported as ``text``."""
    return InitErrorDetails(type=PydanticCustomError("value_error", text), loc=loc, input=given)


class Scenario(Frozen):
    """A whole scenario file."""

    metadata: Metadata
    population: PopulationConfig = PopulationConfig()
    initial: Actors = Actors()
    drivers: dict[DriverName, dict[Month, float]] = Field(default_factory=dict)
    rules: Rules = Rules()
    schedule: tuple[RuleName, ...] = Field(
        SCHEDULE,
        description="the order in which the rules run each month, every rule exactly once "
        "(a rule is switched off with rules.<rule>.enabled: false); default: the canonical "
        "order (docs/model.md, section 3)",
    )
    events: tuple[Event, ...] = ()
    outputs: Outputs = Outputs()

    @property
    def months(self) -> int:
        """Number of simulated months, start and end included."""
        return parse_month(self.metadata.end) - parse_month(self.metadata.start) + 1

    @model_validator(mode="before")
    @classmethod
    def _full_at_start(cls, data: Any) -> Any:
        """Mark ``population.citizens: full`` with the start month, where the start is a month."""
        population = data.get("population") if isinstance(data, dict) else None
        metadata = data.get("metadata") if isinstance(data, dict) else None
        if not isinstance(population, dict) or population.get("citizens") != FULL:
            return data
        start = metadata.get("start") if isinstance(metadata, dict) else None
        try:
            month = parse_month(start) if isinstance(start, str) else None
        except ValueError:
            month = None
        if month is None:
            return data
        return {**data, "population": {**population, "citizens": FullAt(month)}}

    @field_validator("schedule")
    @classmethod
    def _every_rule_once(cls, schedule: tuple[str, ...]) -> tuple[str, ...]:
        problems = _schedule_problems(schedule)
        if problems:
            raise ValidationError.from_exception_data("schedule", problems)
        return schedule

    def to_data(self) -> dict[str, Any]:
        """Plain data that loads back to an equal scenario."""
        return self.model_dump(mode="json")


__all__ = [
    "Actors",
    "CitizenFilter",
    "Condition",
    "DRIVER_DEFAULTS",
    "DriverName",
    "Effect",
    "Event",
    "GovernmentDecision",
    "Metadata",
    "NetworkConfig",
    "NonNegative",
    "Outputs",
    "PopulationConfig",
    "Rules",
    "Scenario",
]
