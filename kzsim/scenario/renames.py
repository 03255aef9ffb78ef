"""Renamed and removed scenario keys: the one table the loader reads them from.

Adjustment speeds are half-lives in months (:mod:`kzsim.dynamics`). The parameters that gave a
speed as a share kept or closed per month were renamed ``<thing>_half_life_months``. A scenario
file, mapping, ``--set`` or experiment that names an old key loads as if it named the new one,
its value converted, and gets one warning line naming the new key
(``file:line:col: old.key: renamed to new.key (value converted: 0.9 per month -> 6.58 months);
the old name will go``). The command line prints it on standard error; the API issues it as a
:class:`RenamedKeyWarning`. Naming an old key and its new one together is an error.

A removed key has no value the model could still use: naming it is an error that says what
replaced it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kzsim.dynamics import half_life_from_rate, half_life_from_retention


class RenamedKeyWarning(FutureWarning):
    """A scenario or experiment names a renamed key; it was converted to the new key."""


@dataclass(frozen=True)
class Rename:
    """An old dotted key, the new key that replaced it and how a value converts.

    Attributes:
        old_key: the old dotted scenario key, e.g. ``rules.opinion.hardship_relaxation_per_month``.
        new_name: the new key's last part (same section as the old key).
        convert: the old value to the new one; raises ``ValueError`` if it has no equivalent.
        old_default: the old key's default (its conversion is the new key's default).
        old_unit: unit of the old value, as shown in the warning.
        new_unit: unit of the new value.

    """

    old_key: str
    new_name: str
    convert: Callable[[float], float]
    old_default: float
    old_unit: str = "per month"
    new_unit: str = "months"

    @property
    def new_key(self) -> str:
        """The new dotted key."""
        return f"{self.old_key.rpartition('.')[0]}.{self.new_name}"

    def converted(self, value: object) -> float:
        """The new value of an old ``value``.

        Raises:
            ValueError: with the one-line reason, if ``value`` is not a number with a new value.

        """
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        try:
            if number is None or not math.isfinite(number):
                raise ValueError
            return self.convert(float(number))
        except ValueError:
            raise ValueError(
                f"renamed to {self.new_key}; {value!r} {self.old_unit} cannot be converted "
                f"(allowed: a number strictly between 0 and 1, or {self.new_key} in "
                f"{self.new_unit})"
            ) from None

    def note(self, old: float, new: float) -> str:
        """The warning for an old value ``old`` converted to ``new`` (without its location)."""
        return (
            f"{self.old_key}: renamed to {self.new_key} (value converted: {old} {self.old_unit} "
            f"-> {round(new, 2):g} {self.new_unit}); the old name will go"
        )

    def values_note(self) -> str:
        """The warning for an experiment factor whose values are converted point by point."""
        return (
            f"{self.old_key}: renamed to {self.new_key} (values converted from {self.old_unit} "
            f"to {self.new_unit}); the old name will go"
        )

    def clash(self) -> str:
        """The error for an old key given together with its new one (after location and key)."""
        return f"renamed to {self.new_key}, which is given too (allowed: one of the two)"


def _renames(*renames: Rename) -> dict[str, Rename]:
    return {rename.old_key: rename for rename in renames}


#: Every renamed key, by old dotted key.
RENAMES: dict[str, Rename] = _renames(
    Rename(
        "rules.tariff_harmonisation.import_share_adjustment_per_month",
        "import_share_adjustment_half_life_months",
        half_life_from_rate,
        0.1,
    ),
    Rename(
        "rules.tariff_harmonisation.grey_trade_adjustment_per_month",
        "grey_trade_adjustment_half_life_months",
        half_life_from_rate,
        0.1,
    ),
    Rename(
        "rules.tariff_harmonisation.export_adjustment_per_month",
        "export_adjustment_half_life_months",
        half_life_from_rate,
        0.2,
    ),
    Rename(
        "rules.bri_loans.agriculture_recovery_per_month",
        "agriculture_recovery_half_life_months",
        half_life_from_rate,
        0.01,
    ),
    Rename(
        "rules.bri_loans.appetite_recovery_per_month",
        "appetite_recovery_half_life_months",
        half_life_from_rate,
        0.05,
    ),
    Rename(
        "rules.opinion.hardship_relaxation_per_month",
        "hardship_relaxation_half_life_months",
        half_life_from_rate,
        0.2,
    ),
    Rename(
        "rules.russian_reactions.irritation_retention_per_month",
        "irritation_half_life_months",
        half_life_from_retention,
        0.9,
    ),
)


def renamed_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted-key ``values`` with each renamed key replaced by its new key, its value converted.

    Raises:
        ValueError: if the value of a renamed key cannot be converted.

    """
    renamed = {}
    for key, value in values.items():
        rename = RENAMES.get(key)
        renamed[key if rename is None else rename.new_key] = (
            value if rename is None else rename.converted(value)
        )
    return renamed


#: Every removed key, by old dotted key: what replaced it.
REMOVED: dict[str, str] = {
    "rules.land_protests.wave_share": "waves are counted in persons per 100,000 of a region "
    "(allowed: delete the key, or set rules.land_protests.wave_per_100k; a share 0.1 is 10000)",
    "rules.land_protests.max_jail_months": "jail terms are exponential with a mean (allowed: "
    "delete the key, or set rules.land_protests.mean_jail_months; (J + 1) / 2 for the old J)",
    "rules.opinion.land_media_amplification": "Russian media amplification of land salience is "
    "one parameter for both rules, rules.land_protests.media_amplification (allowed: delete the "
    "key, or set rules.land_protests.media_amplification)",
    "rules.multi_vector.alignment_relaxation_per_month": "alignment is derived from engagement, "
    "which moves with one half-life per domain (allowed: delete the key, or set "
    "rules.multi_vector.economic_half_life_months, security_half_life_months or "
    "political_half_life_months)",
    "rules.bri_loans.other_borrowing_per_need": "other creditors lend with budget stress and "
    "with the expected oil price, not with the capital need (allowed: delete the key, or set "
    "rules.bri_loans.other_borrowing_per_stress or company_borrowing_per_oil)",
}


def warn_renamed(notes: Sequence[str]) -> None:
    """Issue one :class:`RenamedKeyWarning` per note, attributed to the loader's caller."""
    for note in notes:
        warnings.warn(note, RenamedKeyWarning, stacklevel=3)
