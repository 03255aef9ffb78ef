"""The stylised facts SF1-SF12 (domain brief, section 6) as checks on one run.

Each :class:`Pattern` names the variant of the replay in which the fact should appear (the
historical replay, except SF7), the counterfactual variant in which it should not (the cause
removed), the check applied to one run of either, and the series its figure shows. A check reads
only outputs (series and logged events) over fixed calendar windows of the 2010-2023 replay, and
the same check is applied to the fact's run and to its counterfactual.

Thresholds are stated in each check's docstring. They are set from what the fact says, not from
the model's output: "rises" and "falls" ask for a change larger than month-to-month noise, a
"wave across several regions" is the land rule's own response level (3 regions), "nationwide" is
more than half of the 17 regions.

Each fact is labelled by where it comes from (:data:`Origin`). It is **scripted** when its cause
is an input (a dated event, a driver path or a parameter) and a rule or event maps that input
directly onto what the check tests, so that the check mostly confirms the code does what it says;
it is **emergent** when what the check tests is written in no rule and arises from the interplay
of rules or of many citizens. A fact with any scripted part is labelled scripted; its reason names
the scripted part and, if there is one, the emergent part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from kzsim.validation.runs import RunView

#: First and last month the checks read, and the month before the SREB announcement (P L14-17).
START, END, BEFORE_BRI = "2010-01", "2023-12", "2013-08"
#: Regions in a wave that make a multi-region wave, and a nationwide one.
SEVERAL_REGIONS, NATIONWIDE_REGIONS = 3, 9

#: Where a fact comes from: interacting rules, or an input mapped onto its effect by a rule.
Origin = Literal["emergent", "scripted"]


def sf1_tariff_prices_eaeu_support(run: RunView) -> bool:
    """SF1: the tariff and prices rise after the union; EAEU support falls, later.

    The applied tariff's 2010-07..2011-06 mean is at least 3 points above its 2010-01 value;
    price pressure from tariffs averages at least 0.5% over 2010-07..2011-12; mean EAEU support is
    at least 1 point lower in 2011-12 than in 2010-01; and it reaches half that fall later than
    the tariff reaches half its rise (the lag of E L86).
    """
    tariff, support = (
        run.path("applied_tariff", START, "2011-12"),
        run.path("eaeu_support_mean", START, "2011-12"),
    )
    rise = run.mean("applied_tariff", "2010-07", "2011-06") - tariff.iloc[0]
    fall = support.iloc[0] - support.iloc[-1]
    if rise < 0.03 or run.mean("price_pressure", "2010-07", "2011-12") < 0.005 or fall < 0.01:
        return False
    tariff_half = tariff.index[tariff >= tariff.iloc[0] + rise / 2][0]
    support_half = support.index[support <= support.iloc[0] - fall / 2][0]
    return bool(support_half > tariff_half)


def sf2_reexport_income(run: RunView) -> bool:
    """SF2: re-export income falls as the gap closes and partly recovers in the WTO window.

    The 2011 mean is below a quarter of the 2010-01 value; the 2016-2019 mean exceeds the
    2012-2015 mean by at least US$ 0.03 bn a year and stays below the 2010-01 value.
    """
    first = run.at("reexport_income", START)
    closed = run.mean("reexport_income", "2012-01", "2015-12")
    reopened = run.mean("reexport_income", "2016-01", "2019-12")
    fell = run.mean("reexport_income", "2011-01", "2011-12") < 0.25 * first
    return fell and closed + 0.03 <= reopened < first


def sf3_rouble_exports_producers(run: RunView) -> bool:
    """SF3: after the 2014 rouble collapse exports to Russia fall and producers are hurt.

    Exports to Russia average at least 10% less in 2015 (after the rouble's fall, before the
    tenge followed it in August 2015; E L70) than in 2012-2013, and national producer
    pressure exceeds 0.05 in some month of 2014-07..2016-12.
    """
    before = run.mean("exports_to_russia_index", "2012-01", "2013-12")
    after = run.mean("exports_to_russia_index", "2015-01", "2015-12")
    pressure = run.path("producer_pressure", "2014-07", "2016-12").max()
    return bool(after <= 0.9 * before and pressure > 0.05)


def sf4_engagement_without_rupture(run: RunView) -> bool:
    """SF4: engagement with China rises for years after 2013; no EAEU exit, no rupture.

    Chinese project spending of 2013-09..2019-12 reaches US$ 10 bn; China's economic engagement
    (annual means) rises from 2013 to 2016 and again from 2016 to 2019; the 2016-2019 mean
    alignment with China is at least 2 points above its 2010-2013 mean; Kazakhstan is an EAEU
    member in every month from 2010-07; alignment with Russia never falls below 0.35 and with
    China never below 0.1 (the rule has no floors: no rupture must come out of the dynamics).
    """
    spending = run.at("china_investment_usd_bn", "2019-12") - run.at(
        "china_investment_usd_bn", BEFORE_BRI
    )
    economic = [
        run.mean("engagement_china_economic", f"{year}-01", f"{year}-12")
        for year in (2013, 2016, 2019)
    ]
    grows = economic[0] < economic[1] < economic[2]
    closer = run.mean("alignment_china", "2016-01", "2019-12") - run.mean(
        "alignment_china", START, "2013-12"
    )
    member = bool((run.path("eaeu_member", "2010-07") == 1.0).all())
    no_rupture = (
        run.path("alignment_russia").min() >= 0.35 and run.path("alignment_china").min() >= 0.1
    )
    return bool(spending >= 10.0 and grows and closer >= 0.02 and member and no_rupture)


def sf5_sinophobia_steps(run: RunView) -> bool:
    """SF5: Sinophobia does not fall after the BRI announcement; it steps up in 2016 and again.

    Mean Sinophobia over 2013-10..2014-09 is no more than 0.5 points below its 2013-08 value; its
    2016 peak is at least 1 point above its 2015-01..2015-10 mean; and its 2017-10..2019-12 peak
    is at least 2 points above its 2017-09 value (the Xinjiang step).
    """
    no_fall = (
        run.mean("sinophobia_mean", "2013-10", "2014-09")
        >= run.at("sinophobia_mean", BEFORE_BRI) - 0.005
    )
    land = (
        run.path("sinophobia_mean", "2016-01", "2016-12").max()
        >= run.mean("sinophobia_mean", "2015-01", "2015-10") + 0.01
    )
    xinjiang = (
        run.path("sinophobia_mean", "2017-10", "2019-12").max()
        >= run.at("sinophobia_mean", "2017-09") + 0.02
    )
    return bool(no_fall and land and xinjiang)


def sf6_land_wave_and_double_response(run: RunView) -> bool:
    """SF6: the reform brings a multi-region wave and both repression and a moratorium in time.

    Between the approval (2015-11) and the effective date (2016-07): at least 3 regions in a wave
    in some month, a moratorium and a crackdown logged; and the law is not in force in 2016-07.
    """
    wave = run.path("regions_in_wave", "2015-11", "2016-06").max() >= SEVERAL_REGIONS
    moratorium = bool(run.months_of("moratorium", "2015-11", "2016-06"))
    crackdown = bool(run.months_of("crackdown", "2015-11", "2016-06"))
    not_in_force = run.at("land_policy_state", "2016-07") != 2.0
    return bool(wave and moratorium and crackdown and not_in_force)


def sf7_no_wave_under_low_sinophobia(run: RunView) -> bool:
    """SF7: no nationwide land wave: fewer than 3 regions in a wave in 2015-11..2016-12.

    Also no moratorium in that period (nothing to answer).
    """
    wave = run.path("regions_in_wave", "2015-11", "2016-12").max() >= SEVERAL_REGIONS
    return not wave and not run.months_of("moratorium", "2015-11", "2016-12")


def sf8_agriculture_after_protests(run: RunView) -> bool:
    """SF8: China's appetite for agricultural projects falls by 30% or more after the protests.

    Its 2016-04..2017-03 minimum is at most 0.7 times its 2016-03 value.
    """
    before = run.at("china_agriculture_appetite", "2016-03")
    return bool(run.path("china_agriculture_appetite", "2016-04", "2017-03").min() <= 0.7 * before)


def sf9_failures_lower_appetite(run: RunView) -> bool:
    """SF9: some projects fail, and China's lending appetite falls in the month of a failure.

    At least one failure by 2023-12, and the appetite in the month of the first failure is below
    the month before.
    """
    failures = run.path("failed_projects")
    if failures.iloc[-1] < 1:
        return False
    appetite = run.path("china_lending_appetite").to_numpy()
    first = int(np.argmax(failures.to_numpy() >= 1))
    return bool(first > 0 and appetite[first] < appetite[first - 1])


def sf10_no_single_currency(run: RunView) -> bool:
    """SF10: every single-currency proposal is refused in the month it is made (at least one)."""
    proposed = run.months_of("single_currency_proposal")
    return bool(proposed) and proposed == run.months_of("single_currency_refused")


def sf11_complementary_spheres(run: RunView) -> bool:
    """SF11: Russia keeps the upper hand in security while China's economic engagement overtakes.

    In every month Russia's security engagement is at least 0.5 and at least half of all security
    engagement (T L2123-2125: Russia "holds the upper hand over China in Kazakhstan's security
    sphere"); China's economic engagement averages less than Russia's over 2010-2013 and more over
    2019-2023 (T L2125-2127: "greater overall influence due to the sheer size of its economic
    influence").
    """
    russia = run.path("engagement_russia_security")
    total = russia + run.path("engagement_china_security") + run.path("engagement_west_security")
    upper_hand = bool((russia >= 0.5).all() and (russia >= 0.5 * total).all())

    def gap(start: str, end: str) -> float:
        return run.mean("engagement_china_economic", start, end) - run.mean(
            "engagement_russia_economic", start, end
        )

    return bool(upper_hand and gap(START, "2013-12") < 0.0 < gap("2019-01", END))


def sf12_price_shock_unrest(run: RunView) -> bool:
    """SF12: a price shock brings nationwide unrest, met with a crackdown and outside help.

    In 2022-01..2022-04: at least 9 of the 17 regions in a wave in some month, a crackdown and
    allied troops (``outside_help``) logged.
    """
    window = ("2022-01", "2022-04")
    nationwide = run.path("regions_in_wave", *window).max() >= NATIONWIDE_REGIONS
    return bool(
        nationwide
        and run.months_of("crackdown", *window)
        and run.months_of("outside_help", *window)
    )


@dataclass(frozen=True)
class Pattern:
    """A stylised fact, where it should appear and where not, and how to see it.

    Attributes:
        code: SF1 ... SF12.
        claim: the fact in a few words.
        source: source lines (domain brief, section 6).
        check: applied to one run; True when the run shows the fact.
        run: variant in which the fact should appear.
        contrast: variant in which it should not appear (None: the fact names no cause).
        figure: series shown in the fact's figure, one panel each.
        window: months shown in the figure.
        origin: emergent or scripted (module docstring).
        reason: why, in one line: which input sets the cause and which rule maps it onto the
            effect, and the emergent part of a fact that is partly both.
        note: how to read the result (e.g. a fact that holds by construction).

    """

    code: str
    claim: str
    source: str
    check: Callable[[RunView], bool]
    run: str
    contrast: str | None
    figure: tuple[str, ...]
    window: tuple[str, str]
    origin: Origin
    reason: str
    note: str = ""


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "SF1",
        "tariff and prices rise after the union, EAEU support falls with a lag",
        "P L369-371; E L86",
        sf1_tariff_prices_eaeu_support,
        "historical",
        "no_customs_union",
        ("applied_tariff", "eaeu_support_mean"),
        ("2010-01", "2012-12"),
        origin="scripted",
        reason=(
            "the union's date is a parameter; the tariff follows a fixed schedule to the CET (TH1),"
            " price pressure is a formula of that tariff and the exchange-rate drivers (TH2), and "
            "price pressure is a direct negative input of EAEU support (E L86); the lag is the "
            "opinion update's own adjustment"
        ),
    ),
    Pattern(
        "SF2",
        "re-export income falls as the gap closes, recovers partly with WTO exemptions",
        "P L188-190, L442-444, L372-374",
        sf2_reexport_income,
        "historical",
        "no_wto_exemptions",
        ("reexport_income",),
        ("2010-01", "2021-12"),
        origin="scripted",
        reason=(
            "re-export income is a formula of the tariff gap times the Chinese import share (TH3): "
            "the union's schedule closes the gap and the dated WTO exemption window (a parameter, "
            "TH6) reopens part of it"
        ),
    ),
    Pattern(
        "SF3",
        "the 2014 rouble collapse cuts exports to Russia and hurts producers",
        "E L21, L70",
        sf3_rouble_exports_producers,
        "historical",
        "stable_rouble",
        ("exports_to_russia_index", "producer_pressure"),
        ("2012-01", "2017-12"),
        origin="scripted",
        reason=(
            "the rouble's fall is a driver path, and exports to Russia (q^epsilon) and producer "
            "pressure (gain x (1 - q)) are direct formulas of the relative price q of Russian goods"
            " it sets (TH7)"
        ),
    ),
    Pattern(
        "SF4",
        "engagement with China rises for years after 2013, no EAEU exit, no rupture",
        "P L600-602; C L3, L67",
        sf4_engagement_without_rupture,
        "historical",
        "no_bri",
        ("engagement_china_economic", "alignment_china"),
        ("2010-01", "2023-12"),
        origin="emergent",
        reason=(
            "no rule maps the dated BRI event onto engagement: it raises China's strategic "
            "interest, from which offers, Kazakhstan's acceptances (need, debt, Sinophobia, "
            "Russia's irritation) and project spending follow (bri_loans); the multi-vector rule "
            "turns the investment stock over nominal GDP, transit fees, market access and the "
            "threat hedge into engagement targets, held back by concentrated dependence and "
            "reached with costs of moving; years of growth, the 2-point rise of alignment and the "
            "absence of rupture (there are no floors) are the net of these rules; EAEU membership "
            "is a condition that holds by construction (no exit rule), not an effect"
        ),
    ),
    Pattern(
        "SF5",
        "Sinophobia unchanged by the BRI, steps up in 2016 and with Xinjiang",
        "E L54; C L32-38",
        sf5_sinophobia_steps,
        "historical",
        "no_xinjiang",
        ("sinophobia_mean",),
        ("2012-01", "2020-12"),
        origin="scripted",
        reason=(
            "the BRI announcement is no opinion input by design (E L54), and both steps are dated "
            "inputs entering Sinophobia directly: land salience from the reform and the 2016-04 "
            "auction event (LP2-LP3) and the Xinjiang salience events of 2017-10 and 2018-05 (LP6)"
        ),
    ),
    Pattern(
        "SF6",
        "land reform: multi-region wave, repression and moratorium before the law",
        "E L62; C L38",
        sf6_land_wave_and_double_response,
        "historical",
        "no_land_reform",
        ("regions_in_wave", "repression"),
        ("2015-06", "2017-06"),
        origin="scripted",
        reason=(
            "the double response is the fact's source written as the land rule's default (response:"
            " both, C L38), given in the month any 3-region wave starts (lag 0), and the moratorium"
            " is what keeps the law out of force; the wave is the dated reform and auction salience"
            " times Sinophobia in grievance (LP2), enough to activate citizens in 5-7 regions"
        ),
    ),
    Pattern(
        "SF7",
        "the same reform under low Sinophobia brings no nationwide wave",
        "E L62; C L38 (counterfactual)",
        sf7_no_wave_under_low_sinophobia,
        "low_sinophobia",
        "historical",
        ("regions_in_wave", "protest_share"),
        ("2015-06", "2017-06"),
        origin="scripted",
        reason=(
            "the cause is a parameter (mean Sinophobia 0.2) and the land rule writes grievance "
            "linear in Sinophobia (LP2), so the same dated salience activates fewer citizens: a "
            "smooth dose-response of one rule (0-1 regions in a wave at 0.2, 1-2 at 0.35, 5-7 "
            "at 0.55), not an interaction"
        ),
    ),
    Pattern(
        "SF8",
        "after the protests Chinese investment in agriculture falls",
        "C L38",
        sf8_agriculture_after_protests,
        "historical",
        "no_land_reform",
        ("china_agriculture_appetite",),
        ("2015-01", "2019-12"),
        origin="scripted",
        reason=(
            "BR9 maps the national protest share and land salience directly onto China's "
            "agriculture appetite (a 30% cut a month at a full wave, C L38); the protests come from"
            " the dated reform and auction events (SF6)"
        ),
    ),
    Pattern(
        "SF9",
        "corruption makes projects fail; China's lending appetite falls after failures",
        "O L35-38",
        sf9_failures_lower_appetite,
        "historical",
        "no_corruption",
        ("failed_projects", "china_lending_appetite"),
        ("2010-01", "2023-12"),
        origin="scripted",
        reason=(
            "leakage is drawn from a parameterised Beta and a failure hazard rising in it (BR4), "
            "and each failure cuts lending appetite by 15% in its month by code (O L35-38)"
        ),
    ),
    Pattern(
        "SF10",
        "Kazakhstan never adopts a single currency",
        "E L23",
        sf10_no_single_currency,
        "historical",
        None,
        ("eaeu_member",),
        ("2010-01", "2023-12"),
        origin="scripted",
        reason=(
            "the proposal is a dated event and the tariff rule refuses every one in the month it is"
            " made (TH9; E L23, T L615-617)"
        ),
        note=(
            "holds by construction: the tariff rule refuses every proposal (TH9; E L23, T L615-617)"
        ),
    ),
    Pattern(
        "SF11",
        "Russia keeps the upper hand in security while China's economic engagement overtakes",
        "T L2123-2127, L1383-1389",
        sf11_complementary_spheres,
        "historical",
        "no_bri",
        ("engagement_russia_security", "engagement_china_economic"),
        ("2010-01", "2023-12"),
        origin="emergent",
        reason=(
            "both halves are engagement the multi-vector rule computes, not inputs: Russia's "
            "security engagement rests on its security leverage (an input drifting with the "
            "dated threats) and is eased, not cut, by China's presence (MV1, positive-sum "
            "targets); China's economic engagement follows the investment and transit fees that "
            "offers and acceptances build (bri_loans); that China's overtakes Russia's while "
            "Russia keeps over half of security engagement is written in no rule: it is the net "
            "of benefits, the concentration holdback and costs of moving"
        ),
    ),
    Pattern(
        "SF12",
        "a sharp fuel-price shock brings nationwide unrest, repression and outside help",
        "T L1443-1486",
        sf12_price_shock_unrest,
        "historical",
        "no_fuel_shock",
        ("regions_in_wave", "repression"),
        ("2021-07", "2022-12"),
        origin="scripted",
        reason=(
            "the fuel price doubling is a dated event entering hardship at once (LP7) with a weight"
            " calibrated on this very unrest, and the crackdown and the allied troops are the land "
            "rule's coded answer to a wave nationwide after a crackdown (LP4, LP7)"
        ),
    ),
)


def pattern(code: str) -> Pattern:
    """The pattern with this code (SF1 ... SF12)."""
    return next(p for p in PATTERNS if p.code == code)
