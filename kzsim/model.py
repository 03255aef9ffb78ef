"""``KazakhstanModel``: builds agents and rules from a Scenario and runs the staged monthly step.

Each month: events -> drivers -> rules in schedule order -> actors decide -> collect.
Time is Mesa's own: ``steps`` counts the calls of ``step`` and ``running`` turns false after the
run's last month, so ``while model.running: model.step()`` runs the whole horizon.
All randomness flows from one ``numpy.random.SeedSequence`` per run; every subsystem draws from
its own named child stream, so switching a rule off does not shift the others' random numbers.
"""

from __future__ import annotations

import copy
import functools
import time
import types
import zlib
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import mesa
import numpy as np
import numpy.typing as npt

from kzsim.agents.actors import China, Eaeu, Kazakhstan, Russia
from kzsim.agents.population import Population
from kzsim.agents.publics import RegionalPublic
from kzsim.catalog import REGIONAL_SERIES, SERIES
from kzsim.contract import Channel, RuleState, reads_by_owner, split_read, view
from kzsim.contracts import CONTRACTS
from kzsim.drivers import driver_paths, drivers_in_month
from kzsim.events import EventEngine
from kzsim.months import format_month, parse_month
from kzsim.rules import rule_class
from kzsim.rules.base import Rule
from kzsim.scenario.regions import people as region_people
from kzsim.scenario.schema import Scenario
from kzsim.series import NATIONAL, person_weights

S = TypeVar("S", bound=RuleState)
#: Owners of declared reads that are not rules: the actors, the citizens, the drivers, the events.
ACTOR_OWNERS = ("kazakhstan", "russia", "china", "eaeu")


def check_reads(model: KazakhstanModel) -> None:
    """Check that every read a contract declares has a producer, every post a channel.

    Raises:
        ValueError: naming the rule and the read that nothing produces.

    """
    for rule, module in CONTRACTS.items():
        for read in module.READS:
            owner, name = split_read(read)
            if owner in model.states:
                found = name in type(model.states[owner]).field_names()
            elif owner in ACTOR_OWNERS:
                found = hasattr(getattr(model, owner), name)
            elif owner == "citizens":
                found = hasattr(model.population, name)
            elif owner == "drivers":
                found = name in model.drivers
            elif owner == "events":
                found = hasattr(model.events, name)
            else:
                found = False
            if not found:
                raise ValueError(f"{rule} declares the read {read}, which nothing produces")
        for target in getattr(module, "POSTS", ()):
            if target not in model.channels:
                raise ValueError(f"{rule} posts to {target}, which has no channel")


@dataclass(frozen=True)
class LoggedEvent:
    """One line of the run's story."""

    step: int
    date: str
    kind: str
    actor: str
    detail: str


def fresh_seed() -> int:
    """A new random seed, recorded in the manifest when the user gave none."""
    return int(np.random.SeedSequence().generate_state(1)[0] >> 1)


class Collector(mesa.DataCollector):  # type: ignore[misc]
    """Mesa's DataCollector, keeping the numbers its model reporters return without copies.

    Mesa deep-copies every reporter's value at every collection, against values that change
    after they are kept; a number cannot change, and the copies of the several hundred numbers
    of a month were half the collection's time at 10^4 citizens. Other values are copied as
    Mesa copies them. The regional values of a series (the reporters' keys of its regions in
    region order: ``model.regional_keys``) are taken from the model's array of them in one
    conversion rather than by one reporter call each.
    """

    def __init__(self, model_reporters: dict[str, Any]) -> None:
        super().__init__(model_reporters=model_reporters)
        #: Whether every reporter is a function of the model (else Mesa's collection).
        self.plain = all(isinstance(r, FUNCTIONS) for r in model_reporters.values())
        #: The lists the reporters called one by one append to, with their reporters; and each
        #: regional series' name with the lists of its regions' values (from the first
        #: collection that does not go through Mesa's).
        self.single: list[tuple[list[Any], Any]] | None = None
        self.regional: list[tuple[str, list[list[Any]]]] = []

    def _plan(
        self, model: Any
    ) -> tuple[list[tuple[list[Any], Any]], list[tuple[str, list[list[Any]]]]]:
        """The values collected one by one (:attr:`single`) and by region (:attr:`regional`)."""
        keys: dict[str, list[str]] = model.regional_keys
        bulk = {key for names in keys.values() for key in names}
        single = [
            (self.model_vars[key], reporter)
            for key, reporter in self.model_reporters.items()
            if key not in bulk
        ]
        regional = [(name, [self.model_vars[key] for key in names]) for name, names in keys.items()]
        return single, regional

    def collect(self, model: Any) -> None:
        """Collect the model reporters' values for this step (as ``mesa.DataCollector``)."""
        if not (getattr(self, "_validated", False) and self.plain):
            super().collect(model)
            return
        if self.single is None:
            self.single, self.regional = self._plan(model)
        for values, reporter in self.single:
            value = reporter(model)
            if not isinstance(value, NUMBERS):
                value = copy.deepcopy(value)
            values.append(value)
        for name, lists in self.regional:
            regional = model._regional[name].astype(np.float64, copy=False).tolist()
            for values, value in zip(lists, regional, strict=True):
                values.append(value)


#: Values a reporter returns that need no copy: they cannot change.
NUMBERS = (float, int, np.floating, np.integer)
#: Reporters called with the model (Mesa calls other kinds in other ways).
FUNCTIONS = (types.FunctionType, functools.partial)


class KazakhstanModel(mesa.Model):  # type: ignore[misc]
    """Kazakhstan, Russia, China, the EAEU and 17 regional publics under a scenario's rules.

    Attributes:
        steps: Mesa's count of calls of ``step``; during a month, the month is ``steps - 1``
            months after the start.
        running: Mesa's flag, true until the run's last month has been simulated.

    """

    steps: int
    running: bool

    def __init__(
        self, scenario: Scenario, seed: int | None = None, last_step: int | None = None
    ) -> None:
        self.scenario = scenario
        chosen = seed if seed is not None else scenario.metadata.seed
        self.seed: int = chosen if chosen is not None else fresh_seed()
        self.seed_sequence = np.random.SeedSequence(self.seed)
        super().__init__(rng=self.stream("mesa"))
        self.start_month = parse_month(scenario.metadata.start)
        self.last_step = scenario.months - 1 if last_step is None else last_step
        self.month = self.start_month
        self._driver_paths = driver_paths(scenario)
        self.drivers: dict[str, float] = drivers_in_month(self._driver_paths, 0)
        #: Wall seconds spent in each stage so far: ``population`` (building the citizens and
        #: their network), ``events``, ``drivers``, each rule by name and ``collect``
        #: (benchmarks/bench_scale.py reports them).
        self.stage_seconds: dict[str, float] = {}
        #: While the series of a month are read: work the readers share (e.g. the regional sums
        #: of several citizen attributes, taken in one pass over the citizens); None otherwise.
        self.collection_memo: dict[str, Any] | None = None
        start = time.perf_counter()
        self.population = Population.build(
            scenario.population, scenario.population.regions, self.stream("population")
        )
        self.stage_seconds["population"] = time.perf_counter() - start
        initial = scenario.initial
        regions = len(scenario.population.regions)
        #: Every rule's state by rule name, enabled or not (kzsim.contract); its rule alone
        #: writes it.
        self.states: dict[str, RuleState] = {
            name: module.State.create(regions, initial) for name, module in CONTRACTS.items()
        }
        self.kazakhstan: Kazakhstan = Kazakhstan(self, initial.kazakhstan)
        self.russia: Russia = Russia(self, initial.russia)
        self.china: China = China(self, initial.china)
        self.eaeu: Eaeu = Eaeu(self, initial.eaeu)
        self.publics = [
            RegionalPublic(self, i, region) for i, region in enumerate(scenario.population.regions)
        ]
        self.log: list[LoggedEvent] = []
        self.events = EventEngine(scenario.events)
        #: Variables several rules push, by target: each owner applies what the others post.
        self.channels: dict[str, Channel[Any]] = self._channels()
        check_reads(self)
        self.rules: list[Rule] = [  # type: ignore[type-arg]
            rule_class(name)(getattr(scenario.rules, name), self)
            for name in scenario.schedule
            if getattr(scenario.rules, name).enabled
        ]
        self._regional: dict[str, npt.NDArray[np.float64]] = {}
        self._national: dict[str, float] = {}
        self.collected_steps: list[int] = []
        #: The reporters' keys of each regional series' regions, in region order.
        self.regional_keys: dict[str, list[str]] = {}
        #: This month's persons per region (:meth:`people`), read-only, and its month.
        self._people: tuple[int, npt.NDArray[np.float64]] | None = None
        self.datacollector = Collector(model_reporters=self._reporters())

    def _channels(self) -> dict[str, Channel[Any]]:
        """The channels of every owner, from the rule states' contracts."""
        channels: dict[str, Channel[Any]] = {}
        for name, module in CONTRACTS.items():
            make = getattr(module, "channels", None)
            if make is not None:
                channels.update(make(self.states[name], self.population))
        return channels

    def state(self, kind: type[S]) -> S:
        """The state of the rule that owns the state class ``kind``, for outputs and tests."""
        return cast(S, self.states[kind.owner])

    def views_for(self, rule: str) -> dict[str, RuleState]:
        """Read-only views of the rule states that ``rule`` declares in its contract's READS."""
        reads = CONTRACTS[rule].READS
        return {
            owner: view(self.states[owner], fields, rule)
            for owner, fields in reads_by_owner(reads)
            if owner in self.states
        }

    def stream(self, name: str) -> np.random.Generator:
        """The random generator of one named subsystem, spawned from the run's SeedSequence."""
        child = np.random.SeedSequence(
            self.seed_sequence.entropy, spawn_key=(zlib.crc32(name.encode()),)
        )
        return np.random.default_rng(child)

    def people(self) -> npt.NDArray[np.float64]:
        """The persons each region has this month (the census line, kzsim.scenario.regions)."""
        if self._people is None or self._people[0] != self.month:
            persons = region_people(self.scenario.population.regions, self.month)
            persons.setflags(write=False)
            self._people = (self.month, persons)
        return self._people[1]

    @property
    def date(self) -> str:
        """The current month as ``YYYY-MM``."""
        return format_month(self.month)

    def log_event(self, kind: str, actor: str, detail: str) -> None:
        """Add a line to the run's story, at the current month (``step`` counts from 0)."""
        step = self.month - self.start_month
        self.log.append(LoggedEvent(step, self.date, kind, actor, detail))

    def step(self) -> None:
        """Simulate one month; after the last, ``running`` is false and a step does nothing."""
        if not self.running:
            return
        step = self.steps - 1
        self.month = self.start_month + step
        clock = time.perf_counter()
        for channel in self.channels.values():
            channel.new_month()
        self.events.apply(self)
        clock = self._timed("events", clock)
        self.drivers = drivers_in_month(self._driver_paths, step)
        self.kazakhstan.absorb_drivers(self.drivers)
        clock = self._timed("drivers", clock)
        for rule in self.rules:
            rule.step(self)
            clock = self._timed(rule.name, clock)
        every = self.scenario.outputs.every_months
        if step % every == 0 or step == self.last_step:
            self.collection_memo = {}
            try:
                self._regional = {s.name: s.read(self) for s in REGIONAL_SERIES}
                persons = self.people()
                weights = person_weights(persons)
                self._national = {
                    s.name: s.national(self._regional[s.name], persons, weights)
                    for s in REGIONAL_SERIES
                }
                self.datacollector.collect(self)
            finally:
                self.collection_memo = None
            self.collected_steps.append(step)
            self._timed("collect", clock)
        self.running = step < self.last_step

    def _timed(self, stage: str, since: float) -> float:
        """Add the seconds since ``since`` to ``stage``'s total; return the clock now."""
        now = time.perf_counter()
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + now - since
        return now

    def _reporters(self) -> dict[str, object]:
        """Mesa model reporters keyed ``scope|variable`` for the selected series."""
        wanted = self.scenario.outputs.series
        reporters: dict[str, object] = {}
        for series in SERIES:
            if wanted is None or series.name in wanted:
                reporters[f"{series.scope}|{series.name}"] = series.read
        for regional in REGIONAL_SERIES:
            if wanted is not None and regional.name not in wanted:
                continue
            name = regional.name
            reporters[f"{NATIONAL}|{name}"] = lambda m, n=name: m._national[n]
            if self.scenario.outputs.regional:
                keys = self.regional_keys.setdefault(name, [])
                for public in self.publics:
                    key = f"{public.region.id}|{name}"
                    reporters[key] = lambda m, n=name, i=public.index: float(m._regional[n][i])
                    keys.append(key)
        return reporters
