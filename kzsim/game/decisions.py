"""The decision points the model raises and the choices a player has at each.

A decision point watches the run: after each month it looks at what the model did (the run's
story, ``model.log``) and, when its moment has come, offers the player numbered choices. Every
choice is written as scenario events, so that a played game is a scenario file:

- the government's own choices, which a rule takes when nobody else does (which of China's loan
  offers to accept, how to answer a protest wave, whether to ask allies for troops), become a
  ``government_decision`` event the rule obeys from that month on;
- everything else is a dated event with structured effects on the state (Russia's irritation,
  the EAEU's integration depth, the land salience, legitimacy) or a scheduled event moved in time
  (the land reform's approval).

A point's decision is dated the month the point arose (``instead``: the model's own choice in
that month is replaced, so the game replays that month) or the month after (``after``: the
government answers what happened).

References:
    docs/model.md, section 7 (the rules' mechanisms and their sources); docs/game.md.

"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kzsim.months import format_month, parse_month
from kzsim.scenario.schema import Effect, Event, GovernmentDecision

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel

Timing = Literal["instead", "after"]

#: Months an approval waits when the land reform is delayed, and when it goes to consultation.
DELAY_MONTHS = 24
CONSULTATION_MONTHS = 12
#: The size of the effects the choices write (assumptions, A; docs/game.md).
CONSULTATION_LEGITIMACY = 0.03
CONSULTATION_SALIENCE_CUT = -0.2
EAEU_SLOWDOWN_IRRITATION = 0.05
EAEU_STAY_OUT_IRRITATION = 0.15


@dataclass(frozen=True)
class Moment:
    """Where the run is when a decision point arises.

    Attributes:
        step: the month (steps from the start) the point arose in.
        model: the model after that month.
        events: the game's scenario events so far (the scenario's own and the player's).
        trigger: the index in ``events`` of the scheduled event that raised the point, if any.
        depth_before: the EAEU's integration depth before that month.
        lines: what happened, one line each, for the player's context.

    """

    step: int
    model: KazakhstanModel
    events: tuple[Event, ...]
    trigger: int | None = None
    depth_before: float = 0.0
    lines: tuple[str, ...] = ()

    @property
    def date(self) -> str:
        """The month the point arose in, ``YYYY-MM``."""
        return format_month(self.model.start_month + self.step)

    def month_after(self, months: int) -> str:
        """The month ``months`` after the point's month, ``YYYY-MM``."""
        return format_month(self.model.start_month + self.step + months)


@dataclass(frozen=True)
class Play:
    """What a choice writes into the game's scenario.

    Attributes:
        added: events appended to the scenario's events.
        moved: scheduled events replaced, by index (None: the event is dropped, because it
            moved past the scenario's end).

    """

    added: tuple[Event, ...] = ()
    moved: tuple[tuple[int, Event | None], ...] = ()


@dataclass(frozen=True)
class Choice:
    """One numbered answer at a decision point.

    Attributes:
        key: a short name, recorded in the saved game.
        label: the answer as the player reads it.
        play: the events the answer writes, given the moment.

    """

    key: str
    label: str
    play: Callable[[Moment], Play]


@dataclass(frozen=True)
class DecisionPoint:
    """A decision the model raises, with its choices and the sources of its mechanism.

    Attributes:
        name: a short identifier.
        title: the question's heading.
        question: the question, one line.
        choices: the numbered answers, in order.
        default: what the model's own government does, one line.
        sources: the mechanism and its sources, one line each (shown for ``?``).
        raise_at: the moment the point arises in after a month, or None.
        timing: whether the decision replaces the model's choice in that month or follows it.
        repeat_after_months: months before the point may arise again (None: once a game).

    """

    name: str
    title: str
    question: str
    choices: tuple[Choice, ...]
    default: str
    sources: tuple[str, ...]
    raise_at: Callable[[KazakhstanModel, int, tuple[Event, ...], float], Moment | None]
    timing: Timing = "instead"
    repeat_after_months: int | None = None


def logged(model: KazakhstanModel, step: int, kinds: tuple[str, ...]) -> list[str]:
    """The details of the lines of kinds ``kinds`` the run logged in month ``step``."""
    return [e.detail for e in model.log if e.step == step and e.kind in kinds]


def marker(moment: Moment, text: str, effects: tuple[Effect, ...] = ()) -> Event:
    """A ``policy`` event in the point's month recording the player's decision."""
    return Event(date=moment.date, kind="policy", detail=text, effects=effects)


def decision(moment: Moment, text: str, **choice: object) -> Event:
    """A ``government_decision`` event in the point's month that the rules obey."""
    return Event(
        date=moment.date,
        kind="government_decision",
        detail=text,
        decision=GovernmentDecision.model_validate(choice),
    )


def shift(target: str, by: float) -> Effect:
    """An effect shifting ``target`` by ``by``."""
    return Effect(target=target, shift=by)


# --- Chinese loan offers (bri_loans, BR7) ------------------------------------------------------


def _loan_offers(
    model: KazakhstanModel, step: int, events: tuple[Event, ...], depth: float
) -> Moment | None:
    offers = logged(model, step, ("loan_accepted", "loan_refused"))
    if not offers:
        return None
    return Moment(step, model, events, lines=tuple(f"offer: {o}" for o in offers))


def _loans(policy: str, text: str) -> Callable[[Moment], Play]:
    def play(moment: Moment) -> Play:
        return Play(added=(decision(moment, text, loan_offers=policy),))

    return play


LOAN_OFFER = DecisionPoint(
    name="loan_offer",
    title="A Chinese loan offer",
    question="China offers project loans. What is your policy on China's offers from now on?",
    choices=(
        Choice("accept", "accept every offer", _loans("accept", "Government accepts every offer")),
        Choice("refuse", "refuse every offer", _loans("refuse", "Government refuses every offer")),
        Choice(
            "renegotiate",
            "renegotiate: cut the Chinese-content share to what procurement rules tolerate, "
            "then weigh each offer",
            _loans("renegotiate", "Government renegotiates the Chinese-content share"),
        ),
    ),
    default="weighs each offer: capital need and transit for, debt, Sinophobia, Russian "
    "irritation and Chinese content against (BR7)",
    sources=(
        "BR7 acceptance: U = b1 need + b2 transport - b3 debt/GDP - b4 Sinophobia x visibility "
        "- b5 irritation x bypass - b6 (content - tolerance) (E L41, L44; P L290-300, L305-312)",
        "BR3 local jobs: (1 - content) + content x hiring quota (P L287-304)",
        "BR4-BR6 failures, debt service and distress (O L35-38; P L62-72, L177-180)",
        "docs/model.md, section 7.2",
    ),
    raise_at=_loan_offers,
)


# --- The land reform (land_protests, LP1-LP2) ---------------------------------------------------


def _land_reform(
    model: KazakhstanModel, step: int, events: tuple[Event, ...], depth: float
) -> Moment | None:
    date = format_month(model.start_month + step)
    for index, event in enumerate(events):
        if event.kind == "land_reform" and event.date == date:
            line = f"{event.detail} (in force {event.effective})"
            return Moment(step, model, events, trigger=index, lines=(line,))
    return None


def _moved_reform(moment: Moment, months: int, why: str) -> tuple[int, Event | None]:
    """The triggering land reform moved ``months`` later (dropped past the scenario's end)."""
    assert moment.trigger is not None
    reform = moment.events[moment.trigger]
    assert reform.effective is not None
    end = parse_month(moment.model.scenario.metadata.end)
    date = moment.month_after(months)
    if parse_month(date) > end:
        return moment.trigger, None
    effective = format_month(parse_month(reform.effective) + months)
    detail = f"{reform.detail} [{why}]"
    return moment.trigger, reform.model_copy(
        update={"date": date, "effective": effective, "detail": detail}
    )


def _proceed(moment: Moment) -> Play:
    return Play(added=(marker(moment, "Government proceeds with the land reform as planned"),))


def _delay(moment: Moment) -> Play:
    why = f"delayed {DELAY_MONTHS} months by the government in {moment.date}"
    text = f"Government delays the land reform by {DELAY_MONTHS} months"
    return Play(added=(marker(moment, text),), moved=(_moved_reform(moment, DELAY_MONTHS, why),))


def _consult(moment: Moment) -> Play:
    months = CONSULTATION_MONTHS
    why = f"approved after a {months}-month public consultation opened in {moment.date}"
    index, moved = _moved_reform(moment, months, why)
    opened = marker(
        moment,
        "Government opens a public consultation on farmland leases to foreigners",
        (shift("citizens.legitimacy", CONSULTATION_LEGITIMACY),),
    )
    added = [opened]
    if moved is not None and parse_month(moment.month_after(months + 1)) <= parse_month(
        moment.model.scenario.metadata.end
    ):
        added.append(
            Event(
                date=moment.month_after(months + 1),
                kind="policy",
                detail="The consultation's commission publishes safeguards on foreign leases",
                effects=(shift("kazakhstan.land_salience", CONSULTATION_SALIENCE_CUT),),
            )
        )
    return Play(added=tuple(added), moved=((index, moved),))


LAND_REFORM = DecisionPoint(
    name="land_reform",
    title="The land reform",
    question="The Land Code amendments (25-year farmland leases to foreigners) are ready. "
    "What do you do?",
    choices=(
        Choice("proceed", "proceed: approve them now", _proceed),
        Choice("delay", f"delay: approve them {DELAY_MONTHS} months later", _delay),
        Choice(
            "consult",
            f"consult: a {CONSULTATION_MONTHS}-month public consultation, then approval with "
            "safeguards",
            _consult,
        ),
    ),
    default="approves them on the scenario's date (2015-11 in the historical replay)",
    sources=(
        "LP1 approval of the Land Code amendments (E L62; P L270-271)",
        "LP2 land salience jumps, read as a Chinese land grab (E L62; P L271-273)",
        "LP3 Russian media amplify it (C L21); grievance G = H (1 - L) + land term (Epstein 2002)",
        "consultation's legitimacy and salience effects: assumptions (A)",
    ),
    raise_at=_land_reform,
)


# --- The answer to protests (land_protests, LP4) ------------------------------------------------


#: The lines land_protests logs for the measures of its response to a wave (LP4).
RESPONSE_KINDS = ("moratorium", "economic_concession", "dismissal", "crackdown")


def _protest_wave(
    model: KazakhstanModel, step: int, events: tuple[Event, ...], depth: float
) -> Moment | None:
    waves = logged(model, step, ("protest",))
    answers = logged(model, step, RESPONSE_KINDS)
    if not answers:
        return None
    lines = tuple(waves) + tuple(f"the model's government: {a}" for a in answers)
    return Moment(step, model, events, lines=lines)


def _respond(response: str, text: str) -> Callable[[Moment], Play]:
    def play(moment: Moment) -> Play:
        return Play(added=(decision(moment, text, protest_response=response),))

    return play


PROTEST = DecisionPoint(
    name="protest",
    title="The answer to protests",
    question="Protests have spread to several regions. How does the government answer waves "
    "from now on?",
    choices=(
        Choice(
            "concede",
            "concede: moratorium on the reform, apology",
            _respond("concede", "Government answers protests with concessions"),
        ),
        Choice(
            "repress",
            "repress: mass detentions",
            _respond("repress", "Government answers protests with repression"),
        ),
        Choice(
            "both",
            "both: moratorium and detentions",
            _respond("both", "Government answers protests with concessions and repression"),
        ),
        Choice(
            "concede_economic",
            "concede, with economic concessions: moratorium and fuel price caps (if fuel "
            "prices have risen)",
            _respond(
                "concede_economic",
                "Government answers protests with concessions and economic relief",
            ),
        ),
        Choice(
            "dismiss",
            "personnel change: dismiss ministers or the government",
            _respond("dismiss", "Government answers protests by dismissing ministers"),
        ),
        Choice(
            "all",
            "everything: moratorium, fuel price caps, dismissals and detentions (as in 2016 "
            "and 2022)",
            _respond("all", "Government answers protests with every measure"),
        ),
        Choice(
            "decide",
            "what works: each concession that would take a tenth of the protesters off the "
            "streets, detentions only if a wave would remain",
            _respond("decide", "Government answers protests with what its forecast says works"),
        ),
    ),
    default="answers as the scenario's rules.land_protests.response says (by default every "
    "measure, as in 2016 and 2022: C L38; T L1455-1457)",
    sources=(
        "LP4 a wave in enough regions prompts the response (C L38; P L273-277)",
        "the measures (kzsim.contracts.land_protests.MEASURES): moratorium (salience cut, "
        "legitimacy gain), fuel price caps, dismissals, crackdown (repression up, legitimacy "
        "cost); sizes (A); 'what works' forecasts each measure with the protest rule itself",
        "detentions at a rate proportional to repression (Epstein 2002)",
        "fuel price caps lower grievance G = H (1 - L) through hardship (Epstein 2002); "
        "docs/model.md, section 7",
    ),
    raise_at=_protest_wave,
    repeat_after_months=24,
)


# --- A CSTO request (land_protests, LP7) --------------------------------------------------------


def _csto(
    model: KazakhstanModel, step: int, events: tuple[Event, ...], depth: float
) -> Moment | None:
    helped = logged(model, step, ("outside_help",))
    if not helped:
        return None
    return Moment(step, model, events, lines=tuple(f"the model's government: {h}" for h in helped))


def _help(wanted: bool, text: str) -> Callable[[Moment], Play]:
    def play(moment: Moment) -> Play:
        return Play(added=(decision(moment, text, outside_help=wanted),))

    return play


CSTO = DecisionPoint(
    name="csto",
    title="A CSTO request",
    question="The wave is still nationwide after the crackdown. Do you ask the CSTO for troops?",
    choices=(
        Choice("request", "request CSTO troops", _help(True, "Government requests CSTO troops")),
        Choice("decline", "decline: no foreign troops", _help(False, "Government declines")),
    ),
    default="requests them (January 2022; CSTO Art. 4)",
    sources=(
        "LP7 a wave nationwide after a crackdown escalates (T L1443-1486)",
        "allied troops add repression for a short time (T L1464-1478)",
        "RL5 Russia gains csto_gratitude, pulling alignment toward Russia, fading "
        "(T L286-307, L299-305)",
    ),
    raise_at=_csto,
    repeat_after_months=24,
)


# --- Russian pressure (russian_reactions, RL2-RL3; tariff_harmonisation, TH5) -------------------


def _pressure(
    model: KazakhstanModel, step: int, events: tuple[Event, ...], depth: float
) -> Moment | None:
    lines = logged(model, step, ("russian_rhetoric", "ntb_imposed"))
    if not lines:
        return None
    return Moment(step, model, events, lines=tuple(lines))


def _answer_russia(text: str, *effects: Effect) -> Callable[[Moment], Play]:
    def play(moment: Moment) -> Play:
        return Play(added=(marker(moment, text, effects),))

    return play


RUSSIAN_PRESSURE = DecisionPoint(
    name="russian_pressure",
    title="Russian pressure",
    question="Moscow is pressing (territorial rhetoric or bans on Kazakh goods). Your answer?",
    choices=(
        Choice(
            "comply",
            "comply: reassure Moscow, buy Russian arms",
            _answer_russia(
                "Government complies with Moscow's demands",
                shift("russia.irritation", -0.2),
                shift("russia.security_leverage", 0.05),
            ),
        ),
        Choice(
            "hedge",
            "hedge: reassure in words, keep the other vectors",
            _answer_russia("Government hedges toward Moscow", shift("russia.irritation", -0.1)),
        ),
        Choice(
            "resist",
            "resist: protest, seek Western partners, diversify arms",
            _answer_russia(
                "Government resists Moscow's pressure",
                shift("russia.irritation", 0.1),
                shift("kazakhstan.threat_perception", 0.1),
                shift("russia.security_leverage", -0.05),
            ),
        ),
    ),
    default="does nothing in particular: irritation decays, threat perception pulls "
    "alignment toward the West (RL2-RL4)",
    sources=(
        "RL2 irritation decays and grows with moves West (C L25-27, L62) and with exit signals: "
        "rises of threat perception made by events (P L465; T L1579-1583)",
        "RL3 territorial rhetoric above a threshold raises threat perception (P L465-470; "
        "T L1569-1583)",
        "RL1 security leverage (Russia ~60% of Central Asian arms imports) moves alignment "
        "(T L1218-1271, L1383-1389)",
        "TH5 bans on Kazakh goods grow likelier with irritation",
        "the answers' effect sizes: assumptions (A)",
    ),
    raise_at=_pressure,
    timing="after",
    repeat_after_months=24,
)


# --- EAEU integration steps ---------------------------------------------------------------------


def _integration_step(
    model: KazakhstanModel, step: int, events: tuple[Event, ...], depth: float
) -> Moment | None:
    date = format_month(model.start_month + step)
    for index, event in enumerate(events):
        deepens = any(e.target == "eaeu.integration_depth" for e in event.effects)
        if event.date == date and deepens and model.eaeu.integration_depth > depth:
            line = f"{event.detail}: integration depth {depth:.2f} -> "
            line += f"{model.eaeu.integration_depth:.2f}"
            return Moment(step, model, events, trigger=index, depth_before=depth, lines=(line,))
    return None


def _take_step(moment: Moment) -> Play:
    return Play(added=(marker(moment, "Kazakhstan takes the integration step"),))


def _stance(text: str, keep: float, irritation: float) -> Callable[[Moment], Play]:
    """Keep ``keep`` of the step's deepening; Russia's irritation rises by ``irritation``."""

    def play(moment: Moment) -> Play:
        depth = moment.depth_before + keep * (
            moment.model.eaeu.integration_depth - moment.depth_before
        )
        effects = (
            Effect(target="eaeu.integration_depth", set=round(depth, 6)),
            shift("russia.irritation", irritation),
        )
        return Play(added=(marker(moment, text, effects),))

    return play


EAEU_STEP = DecisionPoint(
    name="eaeu_step",
    title="An EAEU integration step",
    question="The next step of Eurasian integration is due. Your stance?",
    choices=(
        Choice("take", "take the step", _take_step),
        Choice(
            "slow",
            "slow down: half the step, with reservations",
            _stance("Kazakhstan slows the integration step", 0.5, EAEU_SLOWDOWN_IRRITATION),
        ),
        Choice(
            "stay_out",
            "stay out of this step",
            _stance("Kazakhstan stays out of the integration step", 0.0, EAEU_STAY_OUT_IRRITATION),
        ),
    ),
    default="takes every step on the scenario's dates (Customs Union 2010, Single Economic "
    "Space 2012, EAEU 2015)",
    sources=(
        "EAEU stages set the integration depth (T L566-580); the tariff schedule itself is "
        "the scenario's (rules.tariff_harmonisation)",
        "RL2 Russia is irritated by moves away from it (C L25-27, L62)",
        "TH5 irritation raises the hazard of bans on Kazakh goods; BR7 it weighs on loans "
        "bypassing Russia",
        "the stances' effect sizes: assumptions (A)",
    ),
    raise_at=_integration_step,
    repeat_after_months=1,
)

#: Every decision point, in the order they are checked after a month.
POINTS: tuple[DecisionPoint, ...] = (
    EAEU_STEP,
    LAND_REFORM,
    LOAN_OFFER,
    PROTEST,
    CSTO,
    RUSSIAN_PRESSURE,
)
