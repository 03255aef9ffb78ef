"""Field types shared by the scenario schema and the rule configurations."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from kzsim.months import parse_month


def _check_month(value: str) -> str:
    parse_month(value)
    return value


#: A calendar month written ``YYYY-MM``.
Month = Annotated[str, AfterValidator(_check_month)]
#: A share, probability or index in [0, 1].
Share = Annotated[float, Field(ge=0.0, le=1.0)]
#: A non-negative number.
NonNegative = Annotated[float, Field(ge=0.0)]
#: A strictly positive number.
Positive = Annotated[float, Field(gt=0.0)]


class Frozen(BaseModel):
    """Base of every scenario model: immutable, unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")
