"""Field types shared by the scenario schema, the rule configurations and the experiment schema.

Every model is strict: a number must be a finite number (no ``.nan`` or ``.inf``; a quoted
``"20000"`` is text, not a number), an integer must be an integer (``true`` and ``6.0`` are not),
and every number has a lower and an upper bound.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from kzsim.months import parse_month

#: Months must fall in these years (inclusive).
FIRST_YEAR, LAST_YEAR = 1900, 2200
#: The largest seed (seeds are stored as signed 64-bit integers).
MAX_SEED = 2**63 - 1
#: Upper bound of the open-ended numbers: no parameter needs more, and arithmetic stays finite.
LARGEST = 1e6


def _check_month(value: str) -> str:
    year = parse_month(value) // 12
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            f"{value} is outside the years {FIRST_YEAR} to {LAST_YEAR} (allowed: "
            f"{FIRST_YEAR}-01 to {LAST_YEAR}-12)"
        )
    return value


#: A calendar month written ``YYYY-MM``, in the years 1900 to 2200.
Month = Annotated[str, AfterValidator(_check_month)]
#: A share, probability or index in [0, 1].
Share = Annotated[float, Field(ge=0.0, le=1.0)]
#: A non-negative number.
NonNegative = Annotated[float, Field(ge=0.0, le=LARGEST)]
#: A strictly positive number.
Positive = Annotated[float, Field(gt=0.0, le=LARGEST)]
#: A random seed.
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]


def _unsigned_zero(value: Any) -> Any:
    """``value`` with every ``-0.0`` made ``0.0`` (numpy takes ``-0.0`` for a negative scale).

    Models inside ``value`` are left alone: their own fields were made unsigned already.
    """
    if isinstance(value, float):
        return value + 0.0
    if isinstance(value, tuple) and value and not isinstance(value[0], BaseModel):
        return tuple(_unsigned_zero(item) for item in value)
    if isinstance(value, dict):
        return {key: _unsigned_zero(item) for key, item in value.items()}
    return value


class Frozen(BaseModel):
    """Base of every scenario and experiment model: immutable, strict, unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _sequences_as_tuples(cls, data: Any) -> Any:
        """YAML and JSON sequences are read as tuples (strict fields take no lists)."""
        if not isinstance(data, dict):
            return data
        return {key: tuple(v) if isinstance(v, list) else v for key, v in data.items()}

    @field_validator("*", mode="after")
    @classmethod
    def _no_negative_zero(cls, value: Any) -> Any:
        return _unsigned_zero(value)
