"""Pydantic models of catalogue entries: threat types, interceptors, sensor types, effector types.

The same models validate the built-in catalogue shipped with schild and the ``catalog:`` section of a
scenario, which may define new types or override fields of built-in ones.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .values import Sourced, SourcedValue

THREAT_CLASSES: tuple[str, ...] = ("drone", "decoy", "cruise", "ballistic", "aeroballistic")
ThreatClass = Literal["drone", "decoy", "cruise", "ballistic", "aeroballistic"]
SensorKind = Literal["radar", "acoustic", "optical"]


def _check(name: str, v: SourcedValue | None, lo: float | None = None, hi: float | None = None,
           lo_open: bool = False) -> None:
    if v is None:
        return
    x = v.value
    if lo is not None and (x < lo or (lo_open and x == lo)):
        op = ">" if lo_open else ">="
        raise ValueError(f"{name} must be {op} {lo:g}, got {x:g}")
    if hi is not None and x > hi:
        raise ValueError(f"{name} must be <= {hi:g}, got {x:g}")


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str | None = None
    notes: str | None = None


class ThreatType(_Entry):
    """A kind of air threat: how it flies and what it costs the attacker."""

    threat_class: ThreatClass = Field(alias="class")
    speed_mps: Sourced = Field(description="Mean ground speed along the path, m/s.")
    altitude_m: Sourced | None = Field(
        default=None, description="Cruise altitude (drone, decoy, cruise); ignored for ballistic.")
    apogee_m: Sourced | None = Field(
        default=None, description="Apogee of the arc (ballistic, aeroballistic); default range/4.")
    range_km: Sourced | None = Field(default=None, description="Maximum flight range, km.")
    terminal_dive_km: Sourced | None = Field(
        default=None, description="Ground distance of the final dive to the target, km.")
    unit_cost_usd: Sourced = Field(default_factory=lambda: SourcedValue(value=0.0))
    warhead_kg: Sourced | None = None

    @model_validator(mode="after")
    def _ranges(self) -> "ThreatType":
        _check("speed_mps", self.speed_mps, 0, lo_open=True)
        _check("altitude_m", self.altitude_m, 0)
        _check("apogee_m", self.apogee_m, 0, lo_open=True)
        _check("range_km", self.range_km, 0, lo_open=True)
        _check("terminal_dive_km", self.terminal_dive_km, 0)
        _check("unit_cost_usd", self.unit_cost_usd, 0)
        if self.threat_class in ("drone", "decoy", "cruise") and self.altitude_m is None:
            raise ValueError(f"a {self.threat_class} threat needs altitude_m (its cruise altitude)")
        return self


class InterceptorType(_Entry):
    """A round: interceptor missile, gun burst, interceptor drone."""

    unit_cost_usd: Sourced
    speed_mps: Sourced = Field(description="Mean fly-out speed, m/s (sets time to intercept).")

    @model_validator(mode="after")
    def _ranges(self) -> "InterceptorType":
        _check("unit_cost_usd", self.unit_cost_usd, 0)
        _check("speed_mps", self.speed_mps, 0, lo_open=True)
        return self


class SensorType(_Entry):
    """A sensor: instrumented range, mast height (radar horizon), which threat classes it sees."""

    kind: SensorKind = "radar"
    range_km: Sourced
    mast_height_m: Sourced = Field(default_factory=lambda: SourcedValue(value=10.0))
    max_target_altitude_m: Sourced | None = Field(
        default=None, description="Highest target it can detect (acoustic posts hear low drones).")
    min_target_altitude_m: Sourced | None = None
    detects: tuple[ThreatClass, ...] | None = Field(
        default=None, description="Threat classes it can detect; default: all (radar), drone+decoy (acoustic).")

    @model_validator(mode="after")
    def _ranges(self) -> "SensorType":
        _check("range_km", self.range_km, 0, lo_open=True)
        _check("mast_height_m", self.mast_height_m, 0)
        _check("max_target_altitude_m", self.max_target_altitude_m, 0)
        _check("min_target_altitude_m", self.min_target_altitude_m, 0)
        return self

    def detected_classes(self) -> tuple[str, ...]:
        if self.detects is not None:
            return tuple(self.detects)
        if self.kind == "acoustic":
            return ("drone", "decoy")
        return THREAT_CLASSES


class EnvelopeEntry(BaseModel):
    """Where and how well an effector engages one threat class."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_range_km: Sourced = Field(default_factory=lambda: SourcedValue(value=0.0))
    max_range_km: Sourced
    min_altitude_m: Sourced = Field(default_factory=lambda: SourcedValue(value=0.0))
    max_altitude_m: Sourced
    pk: Sourced = Field(description="Single-shot kill probability against this class.")

    @model_validator(mode="after")
    def _ranges(self) -> "EnvelopeEntry":
        _check("min_range_km", self.min_range_km, 0)
        _check("max_range_km", self.max_range_km, 0, lo_open=True)
        _check("min_altitude_m", self.min_altitude_m, 0)
        _check("max_altitude_m", self.max_altitude_m, 0, lo_open=True)
        _check("pk", self.pk, 0, 1)
        if self.min_range_km.value >= self.max_range_km.value:
            raise ValueError("min_range_km must be below max_range_km")
        if self.min_altitude_m.value >= self.max_altitude_m.value:
            raise ValueError("min_altitude_m must be below max_altitude_m")
        return self


class EffectorType(_Entry):
    """A fire unit type: its magazine, rate of fire and engagement envelope per threat class."""

    interceptor: str
    launchers: Sourced
    rounds_per_launcher: Sourced
    reserve_rounds: Sourced = Field(
        default_factory=lambda: SourcedValue(value=0.0),
        description="Rounds held at the unit beyond those loaded, used for reloads.")
    fire_channels: Sourced = Field(description="Simultaneous engagements the unit can guide.")
    reaction_time_s: Sourced = Field(description="From first detection to the first possible shot.")
    reload_time_s: Sourced = Field(default_factory=lambda: SourcedValue(value=0.0))
    engagement_time_s: Sourced = Field(
        default_factory=lambda: SourcedValue(value=0.0),
        description="Extra time a fire channel stays busy after the intercept (slew, burst, assess).")
    system_cost_usd: Sourced | None = Field(default=None, description="Acquisition cost of one unit.")
    envelope: dict[ThreatClass, EnvelopeEntry]

    @model_validator(mode="after")
    def _ranges(self) -> "EffectorType":
        for name in ("launchers", "rounds_per_launcher", "fire_channels"):
            _check(name, getattr(self, name), 1)
        for name in ("reserve_rounds", "reaction_time_s", "reload_time_s", "engagement_time_s"):
            _check(name, getattr(self, name), 0)
        if not self.envelope:
            raise ValueError("envelope must name at least one threat class")
        return self


class Catalog(BaseModel):
    """A set of types by id. The built-in catalogue also carries the reference list."""

    model_config = ConfigDict(extra="forbid")

    threats: dict[str, ThreatType] = Field(default_factory=dict)
    interceptors: dict[str, InterceptorType] = Field(default_factory=dict)
    sensors: dict[str, SensorType] = Field(default_factory=dict)
    effectors: dict[str, EffectorType] = Field(default_factory=dict)
    sources: dict[str, dict[str, str]] = Field(default_factory=dict)

    SECTIONS: ClassVar[tuple[str, ...]] = ("threats", "interceptors", "sensors", "effectors")

    def find(self, type_id: str) -> tuple[str, BaseModel] | None:
        for section in self.SECTIONS:
            entries = getattr(self, section)
            if type_id in entries:
                return section, entries[type_id]
        return None
