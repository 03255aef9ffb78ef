"""Calibration of the historical replay: the model against its data, and sweeps of judgements.

Two reports for docs/calibration.md, both over a few seeds of the shipped replay:

* the calibration targets (tariffs, trade shares, BRI money and debt, population checks) with the
  model's mean and range next to the figure the data or the texts give;
* one-at-a-time sweeps of the values no source fixes, with the headline results each moves and the
  share of seeds showing the facts it bears on.

Regenerate them with::

    python -m kzsim.validation.calibration --seeds 5 --citizens 20000
    python -m kzsim.validation.calibration --sweeps --seeds 10
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kzsim.agents.population import KAZAKH, RUSSIAN
from kzsim.data import shipped_scenarios
from kzsim.model import KazakhstanModel
from kzsim.scenario.load import load_scenario
from kzsim.validation.patterns import pattern
from kzsim.validation.runs import RunView, run_all


@dataclass(frozen=True)
class Headline:
    """A result of one run: its name in the tables, what the data say, how to read it."""

    name: str
    data: str
    read: Callable[[RunView], float]


def signed(kind: str, start: str, end: str) -> Callable[[RunView], float]:
    """Reader of how many loans were accepted between two months."""

    def read(run: RunView) -> float:
        return float(len(run.months_of(kind, start, end)))

    return read


HEADLINES: dict[str, Headline] = {
    h.name: h
    for h in (
        Headline(
            "applied tariff 2010-07",
            "11.1% (T_COMCEC)",
            lambda r: r.at("applied_tariff", "2010-07"),
        ),
        Headline(
            "applied tariff 2018",
            "7.1-9.2% (T_TRADEGOV, T_EXPORTGOV)",
            lambda r: r.mean("applied_tariff", "2018-01", "2018-12"),
        ),
        Headline(
            "Russia import share 2018",
            "37.3% Jan-Nov (X_AZERNEWS_2019)",
            lambda r: r.mean("import_share_russia", "2018-01", "2018-12"),
        ),
        Headline(
            "Russia import share 2021",
            "43% (X_KAZINFORM_IMPORTS)",
            lambda r: r.mean("import_share_russia", "2021-01", "2021-12"),
        ),
        Headline(
            "China import share 2013",
            "~17% (X_CACI_2014 / WB_TM)",
            lambda r: r.mean("import_share_china", "2013-01", "2013-12"),
        ),
        Headline(
            "China import share 2022",
            "21.9% (X_TREND_2023)",
            lambda r: r.mean("import_share_china", "2022-01", "2022-12"),
        ),
        Headline(
            "CPI 2023-12 (2009 = 100)",
            "309 from the CPI driver alone",
            lambda r: r.at("consumer_price_index", "2023-12"),
        ),
        Headline(
            "investment 2022-01 (US$ bn)",
            "26.7 (T L892-894)",
            lambda r: r.at("china_investment_usd_bn", "2022-01"),
        ),
        Headline(
            "projects signed 2014-2019",
            "48-55 (P L206; C L52; O L50)",
            signed("loan_accepted", "2014-01", "2019-12"),
        ),
        Headline(
            "debt 2014-06 (US$ bn)",
            "~15 (T L884-887)",
            lambda r: r.at("debt_to_china_usd_bn", "2014-06"),
        ),
        Headline(
            "debt 2020-12 (US$ bn)",
            "~10 (T L884-887)",
            lambda r: r.at("debt_to_china_usd_bn", "2020-12"),
        ),
        Headline(
            "debt service, highest share of exports",
            "no distress (T L878-894)",
            lambda r: r.path("debt_service_to_exports").max(),
        ),
        Headline(
            "active share 2012",
            "protest rare (E L62)",
            lambda r: r.mean("protest_share", "2012-01", "2012-12"),
        ),
        Headline(
            "wave regions 2016",
            "spread across the country (E L62)",
            lambda r: r.path("regions_in_wave", "2015-11", "2016-12").max(),
        ),
        Headline(
            "wave regions 2022",
            "across Kazakhstan (T L1443)",
            lambda r: r.path("regions_in_wave", "2022-01", "2022-04").max(),
        ),
        Headline("Sinophobia 2015-10", "-", lambda r: r.at("sinophobia_mean", "2015-10")),
        Headline(
            "Sinophobia peak 2018-19",
            "-",
            lambda r: r.path("sinophobia_mean", "2018-01", "2019-12").max(),
        ),
        Headline(
            "crackdowns 2017-21",
            "activists repressed (T L1848-1851)",
            signed("crackdown", "2017-01", "2021-12"),
        ),
        Headline(
            "alignment China 2016-19",
            "-",
            lambda r: r.mean("alignment_china", "2016-01", "2019-12"),
        ),
        Headline("EAEU support 2023-12", "-", lambda r: r.at("eaeu_support_mean", "2023-12")),
    )
}

#: The headlines compared with data (the rest serve the sweeps).
TARGETS = tuple(name for name, h in HEADLINES.items() if h.data != "-")


@dataclass(frozen=True)
class Sweep:
    """One judgement value, the settings tried, what to report."""

    key: str
    values: tuple[str, ...]
    headlines: tuple[str, ...]
    facts: tuple[str, ...]


SWEEPS = (
    Sweep(
        "rules.opinion.hardship_fuel_weight",
        ("0.3", "0.45", "0.6", "0.9"),
        ("wave regions 2022",),
        ("SF12",),
    ),
    Sweep(
        "rules.opinion.fuel_adaptation_half_life_months",
        ("3", "6", "12"),
        ("wave regions 2022",),
        ("SF12",),
    ),
    Sweep(
        "rules.land_protests.nationwide_regions",
        ("6", "9", "12"),
        ("wave regions 2016", "wave regions 2022"),
        ("SF6", "SF12"),
    ),
    Sweep(
        "population.sinophobia_mean",
        ("0.35", "0.45", "0.55", "0.65"),
        ("Sinophobia 2015-10", "wave regions 2016"),
        ("SF6",),
    ),
    Sweep(
        "initial.china.strategic_interest",
        ("0.1", "0.15", "0.3"),
        ("investment 2022-01 (US$ bn)", "alignment China 2016-19"),
        ("SF4", "SF11"),
    ),
    Sweep(
        "rules.opinion.sinophobia_xinjiang_weight",
        ("0.06", "0.12", "0.24"),
        ("Sinophobia peak 2018-19",),
        ("SF5",),
    ),
    Sweep(
        "rules.land_protests.xinjiang_weight",
        ("0", "0.2", "0.4"),
        ("crackdowns 2017-21",),
        ("SF5",),
    ),
    Sweep(
        "rules.bri_loans.offers_per_year",
        ("12", "16", "20"),
        ("investment 2022-01 (US$ bn)", "debt 2020-12 (US$ bn)", "alignment China 2016-19"),
        ("SF4", "SF11"),
    ),
    Sweep(
        "rules.bri_loans.loan_share_of_project",
        ("0.2", "0.3", "0.5"),
        ("debt 2014-06 (US$ bn)", "debt 2020-12 (US$ bn)"),
        ("SF11",),
    ),
    Sweep(
        "rules.tariff_harmonisation.china_supply_elasticity",
        ("0", "0.6", "1.0"),
        ("China import share 2022", "alignment China 2016-19"),
        ("SF4", "SF11"),
    ),
    Sweep(
        "rules.opinion.eaeu_sanctions_weight",
        ("0", "0.02", "0.05"),
        ("EAEU support 2023-12",),
        ("SF1",),
    ),
)


def replay(overrides: Sequence[str] = ()) -> dict[str, Any]:
    """The shipped replay's plain data, with overrides."""
    (path,) = [p for p in shipped_scenarios() if p.stem == "historical_2010_2023"]
    return load_scenario(path, overrides).to_data()


def targets_table(seeds: Sequence[int], citizens: int, workers: int) -> str:
    """Markdown table of the calibration targets: data against the model's mean (range)."""
    base = replay()
    runs = list(run_all(base, ["historical"], seeds, citizens, workers).values())
    lines = ["| quantity | data | model mean (range) |", "|---|---|---|"]
    for name in TARGETS:
        values = [HEADLINES[name].read(r) for r in runs]
        model = f"{np.mean(values):.3g} ({min(values):.3g}-{max(values):.3g})"
        lines.append(f"| {name} | {HEADLINES[name].data} | {model} |")
    population = KazakhstanModel(load_scenario(base, [f"population.citizens={citizens}"]), 1)
    people = population.population
    lines.append(
        f"| ethnic Russians, Kazakhs | 23.7%, 63.1% (2009 census) | "
        f"{(people.ethnicity == RUSSIAN).mean():.1%}, {(people.ethnicity == KAZAKH).mean():.1%} |"
    )
    lines.append(
        f"| in Russia's information space | 55% (C L19) | mean exposure "
        f"{people.russian_media.mean():.2f}; {(people.russian_media > 0.5).mean():.0%} above 0.5 |"
    )
    return "\n".join(lines)


def sweep_table(sweep: Sweep, seeds: Sequence[int], citizens: int, workers: int) -> str:
    """Run one sweep and return its markdown table (means over seeds, shares of seeds)."""
    header = [sweep.key.rsplit(".", 1)[1], *sweep.headlines, *sweep.facts]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for value in sweep.values:
        base = replay([f"{sweep.key}={value}"])
        runs = list(run_all(base, ["historical"], seeds, citizens, workers).values())
        cells = [value]
        cells += [f"{np.mean([HEADLINES[h].read(r) for r in runs]):.3g}" for h in sweep.headlines]
        cells += [f"{np.mean([pattern(f).check(r) for r in runs]):.0%}" for f in sweep.facts]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Print the targets table, or with ``--sweeps`` every sweep's table, as markdown."""
    parser = argparse.ArgumentParser(description="Calibration reports of the historical replay")
    parser.add_argument("--sweeps", action="store_true", help="print the sweeps, not the targets")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--citizens", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    args = parser.parse_args(argv)
    seeds = range(1, args.seeds + 1)
    if not args.sweeps:
        print(f"Seeds 1-{args.seeds}, {args.citizens} citizens:\n")
        print(targets_table(seeds, args.citizens, args.workers))
        return
    for sweep in SWEEPS:
        print(f"`{sweep.key}` (seeds 1-{args.seeds}, {args.citizens} citizens):\n")
        print(sweep_table(sweep, seeds, args.citizens, args.workers) + "\n")


if __name__ == "__main__":
    main()
