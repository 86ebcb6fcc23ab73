"""Numbers that carry their provenance.

Every figure in the built-in catalogue is public and sourced, or a labelled assumption. A catalogue
field may therefore be written either as a plain number (scenario-local, the user's own figure) or as a
``SourcedValue`` mapping; both validate to ``SourcedValue`` so the provenance is never lost on the way
from the YAML file to a report.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

Confidence = Literal["high", "medium", "low", "user"]
Basis = Literal["published", "derived", "assumption", "user"]

FINITE_ONLY = "a finite number (.inf, -.inf and .nan are not allowed)"


def _plain_number(v: object) -> object:
    """Refuse what YAML reads as a number but a user never meant as one: true/false and .inf/.nan."""
    if isinstance(v, bool):
        raise ValueError(f"expected a number, not a boolean; got {v!r}")
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"must be {FINITE_ONLY}, got {v!r}")
    return v


Real = Annotated[float, BeforeValidator(_plain_number), AllowInfNan(False)]
"""A finite float; a boolean is refused rather than read as 0 or 1."""
Whole = Annotated[int, BeforeValidator(_plain_number)]
"""An integer; a boolean is refused rather than read as 0 or 1."""


class SourcedValue(BaseModel):
    """A number with its public sources, confidence and basis (published / derived / assumption)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    value: Real
    range: tuple[Real, Real] | None = Field(
        default=None, description="Published low/high band the value was chosen from."
    )
    unit: str | None = None
    confidence: Confidence = "user"
    basis: Basis = "user"
    sources: tuple[str, ...] = ()
    note: str | None = None

    @model_validator(mode="after")
    def _range_ordered(self) -> "SourcedValue":
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError(f"range low {self.range[0]} is above high {self.range[1]}")
        return self

    @property
    def is_assumption(self) -> bool:
        return self.basis == "assumption"

    def __float__(self) -> float:  # pragma: no cover - convenience
        return float(self.value)


def _coerce(v: object) -> object:
    """Accept a bare number (a user's own figure) as well as a full sourced mapping."""
    if isinstance(v, str):
        try:  # YAML 1.1 reads 1e-3 (no dot) as a string; accept what is plainly a number
            v = float(v)
        except ValueError:
            raise ValueError(f"expected a number or a mapping with 'value', got {v!r}") from None
    if isinstance(v, (int, float)):
        return {"value": _plain_number(v)}
    return v


Sourced = Annotated[SourcedValue, BeforeValidator(_coerce)]


def sourced(value: float, **kw: object) -> SourcedValue:
    """Build a SourcedValue in code (used for derived defaults)."""
    return SourcedValue(value=value, **kw)
