"""Pure-numpy reference months of the opinion and protest rules, which the kernels replace.

Each class is the rule with its month written as numpy expressions of the rule module's own
equation functions (one array pass per operation, one sparse mat-vec per attitude), as the rules
were before kzsim.kernels. ``use_reference_rules`` swaps them into the registry, so that a whole
run with the reference can be compared with a run with the kernels (tests/rules/test_kernels.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from kzsim.agents.population import ATTITUDES
from kzsim.contracts import bri_loans as bri
from kzsim.contracts import land_protests as land
from kzsim.contracts import opinion as opinion_contract
from kzsim.contracts import russian_reactions as reactions
from kzsim.contracts import tariff_harmonisation as tariff
from kzsim.dynamics import media_amplified
from kzsim.rules import land_protests, opinion

if TYPE_CHECKING:
    from kzsim.model import KazakhstanModel

FloatArray = opinion.FloatArray


class ReferenceOpinion(opinion.Rule):
    """The opinion rule's month as numpy expressions: levels, baseline levels, five passes each."""

    def __init__(self, config: opinion.Config, model: KazakhstanModel) -> None:
        super().__init__(config, model)
        self.baseline_inputs = self._input_levels(model)

    def _input_levels(self, model: KazakhstanModel) -> dict[str, FloatArray]:
        population = model.population
        media_reach = model.russia.media_reach
        protests = self.read(land.State)
        threat = self.read(reactions.State).threat_perception
        config = self.config
        return {
            "sinophobia": opinion.sinophobia_inputs(
                config,
                self.read(bri.State).chinese_presence[population.region],
                population.china_contact,
                media_amplified(
                    protests.land_salience,
                    population.russian_media,
                    media_reach,
                    self.media_amplification,
                )
                * self.land_lease_factor[population.region],
                self.state.xinjiang_felt_salience,
                self.ethnic_kazakh,
            ),
            "legitimacy": opinion.legitimacy_inputs(
                config,
                population.hardship,
                population.baseline_hardship,
                protests.repression,
                self.baseline["repression"],
            ),
            "eaeu_support": opinion.eaeu_support_inputs(
                config,
                self.read(tariff.State).price_pressure,
                threat,
                population.russia_affinity,
                model.drivers["sanctions_on_russia"],
            ),
            "russia_affinity": opinion.russia_affinity_inputs(
                config, population.russian_media, media_reach, threat
            ),
        }

    def step(self, model: KazakhstanModel) -> None:
        self._update_xinjiang(model)
        population = model.population
        felt = opinion.adapted_pressure(
            self._hardship_pressure(model), self.pressure_reference, self.hardship_adaptation
        )
        fuel = self._fuel_shift(model)
        population.hardship -= population.fuel_hardship
        opinion.hardship_step(
            population.hardship,
            population.baseline_hardship,
            felt[population.region],
            self.hardship_relaxation,
        )
        added = opinion.add_immediate_part(population.hardship, fuel[population.region])
        population.fuel_hardship[:] = 0.0 if added is None else added
        levels = self._input_levels(model)
        for attitude, level in levels.items():
            level -= self.baseline_inputs[attitude]
            level *= self.input_scale
        for attitude in ATTITUDES:
            values: FloatArray = getattr(population, attitude)
            opinion.friedkin_johnsen_update(
                population.neighbour_mean(values),
                levels[attitude],
                population.susceptibility,
                population.anchors[attitude],
                out=values,
            )


class ReferenceProtests(land_protests.Rule):
    """The protest rule's activation and detentions as numpy expressions."""

    def _activate(self, model: KazakhstanModel) -> None:
        if self.config.engine != "epstein":
            super()._activate(model)
            return
        population = model.population
        config = self.config
        population.jailed *= 1.0 - self._release
        g = land_protests.grievance(
            population.hardship,
            population.legitimacy,
            population.sinophobia,
            self._felt_salience(model),
            config.land_weight,
            self.read(opinion_contract.State).xinjiang_felt_salience,
            config.xinjiang_weight,
        )
        nearby = population.neighbour_mean(population.active)
        p = land_protests.arrest_probability(
            self.state.repression,
            nearby,
            config.arrest_constant,
            config.min_active_share,
            self._crowd,
        )
        self.new_active[:] = land_protests.epstein_active(
            g,
            population.risk_aversion,
            p,
            config.activation_threshold,
            population.jailed,
            config.activation_spread,
        )
        self.state.participants[:] = np.bincount(
            population.region, weights=self.new_active, minlength=population.counts.size
        )

    def _detain(self, model: KazakhstanModel) -> None:
        population = model.population
        detained = self._detention_rate() * self.new_active
        population.active[:] = self.new_active - detained
        population.jailed += detained
        self.state.arrests[:] = np.bincount(
            population.region, weights=detained, minlength=population.counts.size
        )


# A rule's name is its module's; these stand in for the rules of kzsim.rules.
ReferenceOpinion.name = "opinion"
ReferenceProtests.name = "land_protests"


def use_reference_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every model built from now on use the reference rules."""
    monkeypatch.setattr(opinion, "Rule", ReferenceOpinion)
    monkeypatch.setattr(land_protests, "Rule", ReferenceProtests)
