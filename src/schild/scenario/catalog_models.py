"""Pydantic models of catalogue entries: threat types, interceptors, sensor types, effector types.

The same models validate the built-in catalogue shipped with schild and the ``catalog:`` section of a
scenario, which may define new types or override fields of built-in ones.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import InitErrorDetails

from ..geometry.steps import MAX_SPEED_MPS
from .values import Real, Sourced, SourcedValue, Whole

THREAT_CLASSES: tuple[str, ...] = ("drone", "decoy", "cruise", "ballistic", "aeroballistic")
ThreatClass = Literal["drone", "decoy", "cruise", "ballistic", "aeroballistic"]
SensorKind = Literal["radar", "acoustic", "optical"]
ESCAPE_SPEED_MPS = MAX_SPEED_MPS
"""Earth's escape speed: anything faster leaves the Earth and is no air threat or interceptor."""
MAX_UNIT_COUNT = 1_000_000
"""Most launchers, rounds or channels of a fire unit type; keeps magazines in exact 64-bit integers."""
MAX_RELEASED_DECOYS = 100
"""Most decoys one missile releases."""
Trajectory = Literal["minimum_energy", "depressed"]


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def _check(name: str, v: SourcedValue | None, lo: float | None = None, hi: float | None = None,
           lo_open: bool = False) -> None:
    if v is None:
        return
    x = v.value
    if lo is not None and (x < lo or (lo_open and x == lo)):
        op = ">" if lo_open else ">="
        raise ValueError(f"{name} must be {op} {_num(lo)}, got {_num(x)}")
    if hi is not None and x > hi:
        raise ValueError(f"{name} must be <= {_num(hi)}, got {_num(x)}")


class _Bounded(BaseModel):
    """A model whose sourced numbers have bounds; a value out of bounds is named at its own field."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    # field name -> (low, high, low excluded)
    BOUNDS: ClassVar[dict[str, tuple[float | None, float | None, bool]]] = {}

    @field_validator("*", mode="after")
    @classmethod
    def _in_bounds(cls, v: Any, info: ValidationInfo) -> Any:
        bounds = cls.BOUNDS.get(info.field_name or "")
        if bounds is not None and isinstance(v, SourcedValue):
            lo, hi, lo_open = bounds
            _check(info.field_name or "", v, lo, hi, lo_open)
        return v


class _Entry(_Bounded):
    name: str | None = None
    notes: str | None = None


class TerminalManoeuvre(_Bounded):
    """A missile that manoeuvres as it descends: an intercept below ``below_altitude_m`` after apogee has
    its kill probability multiplied by ``pk_factor``."""

    pk_factor: Sourced = Field(description="Factor on every round's pk there, 0 to 1.")
    below_altitude_m: Sourced = Field(description="Altitude (above ground) below which it manoeuvres, > 0.")

    BOUNDS: ClassVar[dict[str, tuple[float | None, float | None, bool]]] = {
        "pk_factor": (0, 1, False), "below_altitude_m": (0, None, True),
    }


class ReleasedDecoys(BaseModel):
    """Decoys each missile releases; they fly on along its path from the release point."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    count: Whole = Field(ge=1, le=MAX_RELEASED_DECOYS, description="Decoys per missile, 1 to 100.")
    after: Literal["apogee"] | Real = Field(
        default="apogee", description="Where they are released: 'apogee', or the share of the ground range "
                                      "flown (more than 0 and below 1).")

    @field_validator("after")
    @classmethod
    def _share(cls, v: object) -> object:
        if not isinstance(v, str) and not 0.0 < float(v) < 1.0:
            raise ValueError(f"after must be 'apogee' or a share of the ground range above 0 and below 1, got {v!r}")
        return v


_BALLISTIC_ONLY = ("trajectory", "boost_km", "terminal_manoeuvre", "released_decoys")


class ThreatType(_Entry):
    """A kind of air threat: how it flies and what it costs the attacker."""

    threat_class: ThreatClass = Field(alias="class")
    speed_mps: Sourced = Field(description="Mean ground speed along the path, m/s; at most 11,200 (escape speed).")
    altitude_m: Sourced | None = Field(
        default=None, description="Cruise altitude (drone, decoy, cruise); ignored for ballistic.")
    apogee_m: Sourced | None = Field(
        default=None, description="Apogee of the arc (ballistic, aeroballistic), for every range; default: "
                                  "set by trajectory from the range flown.")
    trajectory: Trajectory | None = Field(
        default=None, description="Ballistic, aeroballistic without apogee_m: minimum_energy (apogee range/4, the "
                                  "default) or depressed (range/8).")
    boost_km: Sourced | None = Field(
        default=None, description="Ground distance of the powered climb (ballistic, aeroballistic), km; default 0.")
    range_km: Sourced | None = Field(default=None, description="Maximum flight range, km.")
    terminal_dive_km: Sourced | None = Field(
        default=None, description="Ground distance of the final dive to the target, km.")
    unit_cost_usd: Sourced = Field(default_factory=lambda: SourcedValue(value=0.0))
    warhead_kg: Sourced | None = None
    rcs_m2: Sourced | None = Field(
        default=None, description="Radar cross-section, m^2 (> 0); scales radar ranges (see reference_rcs_m2).")
    terminal_manoeuvre: TerminalManoeuvre | None = Field(
        default=None, description="Ballistic, aeroballistic: pk factor of intercepts low in the descent.")
    released_decoys: ReleasedDecoys | None = Field(
        default=None, description="Ballistic, aeroballistic: decoys each missile releases on its path.")

    BOUNDS: ClassVar[dict[str, tuple[float | None, float | None, bool]]] = {
        "speed_mps": (0, ESCAPE_SPEED_MPS, True), "altitude_m": (0, None, False), "apogee_m": (0, None, True),
        "range_km": (0, None, True), "terminal_dive_km": (0, None, False), "unit_cost_usd": (0, None, False),
        "warhead_kg": (0, None, False), "rcs_m2": (0, None, True), "boost_km": (0, None, False),
    }

    @field_validator(*_BALLISTIC_ONLY, mode="after")
    @classmethod
    def _ballistic_only(cls, v: Any, info: ValidationInfo) -> Any:
        threat_class = info.data.get("threat_class")
        if v is not None and threat_class is not None and threat_class not in ("ballistic", "aeroballistic"):
            raise ValueError(f"{info.field_name} applies to ballistic and aeroballistic threats only, not to a "
                             f"{threat_class}")
        if info.field_name == "trajectory" and v is not None and info.data.get("apogee_m") is not None:
            raise ValueError(f"apogee_m ({_num(info.data['apogee_m'].value)} m) fixes the apogee for every range; "
                             f"trajectory sets it from the range flown: give one (apogee_m: null drops the "
                             f"catalogue's)")
        return v

    @model_validator(mode="after")
    def _needs_altitude(self) -> "ThreatType":
        if self.threat_class in ("drone", "decoy", "cruise") and self.altitude_m is None:
            raise ValueError(f"a {self.threat_class} threat needs altitude_m (its cruise altitude)")
        return self


class InterceptorType(_Entry):
    """A round: interceptor missile, gun burst, interceptor drone."""

    unit_cost_usd: Sourced
    speed_mps: Sourced = Field(
        description="Mean fly-out speed, m/s (sets time to intercept); at most 11,200 (escape speed).")

    BOUNDS: ClassVar[dict[str, tuple[float | None, float | None, bool]]] = {
        "unit_cost_usd": (0, None, False), "speed_mps": (0, ESCAPE_SPEED_MPS, True),
    }


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
    reference_rcs_m2: Sourced | None = Field(
        default=None, description="Radar only: the cross-section at which range_km holds; a threat type with "
                                  "rcs_m2 is then seen at range_km (rcs_m2 / reference_rcs_m2)^(1/4). Without "
                                  "it, range does not depend on the cross-section.")

    BOUNDS: ClassVar[dict[str, tuple[float | None, float | None, bool]]] = {
        "range_km": (0, None, True), "mast_height_m": (0, None, False),
        "max_target_altitude_m": (0, None, False), "min_target_altitude_m": (0, None, False),
        "reference_rcs_m2": (0, None, True),
    }

    @model_validator(mode="after")
    def _rcs_for_radar(self) -> "SensorType":
        if self.reference_rcs_m2 is not None and self.kind != "radar":
            raise ValueError(f"reference_rcs_m2 applies to radars only, not to a {self.kind} sensor")
        return self

    def detected_classes(self) -> tuple[str, ...]:
        if self.detects is not None:
            return tuple(self.detects)
        if self.kind == "acoustic":
            return ("drone", "decoy")
        return THREAT_CLASSES


class EnvelopeEntry(_Bounded):
    """Where and how well an effector engages one threat class, or one threat type.

    A class entry needs ``max_range_km``, ``max_altitude_m`` and ``pk`` (the minima default to 0). A threat
    type's entry gives only the figures in which the type differs from its class (a jet Geran-3 is not a
    Shahed); the others are taken from the class entry.
    """

    min_range_km: Sourced | None = Field(default=None, description="Default: 0 in a class entry.")
    max_range_km: Sourced | None = None
    min_altitude_m: Sourced | None = Field(default=None, description="Default: 0 in a class entry.")
    max_altitude_m: Sourced | None = None
    pk: Sourced | None = Field(default=None, description="Single-shot kill probability against this class or type.")

    BOUNDS: ClassVar[dict[str, tuple[float | None, float | None, bool]]] = {
        "min_range_km": (0, None, False), "max_range_km": (0, None, True), "min_altitude_m": (0, None, False),
        "max_altitude_m": (0, None, True), "pk": (0, 1, False),
    }
    REQUIRED: ClassVar[tuple[str, ...]] = ("max_range_km", "max_altitude_m", "pk")

    @model_validator(mode="after")
    def _ordered(self) -> "EnvelopeEntry":
        for lo, hi in (("min_range_km", "max_range_km"), ("min_altitude_m", "max_altitude_m")):
            a, b = getattr(self, lo), getattr(self, hi)
            if a is not None and b is not None and a.value >= b.value:
                raise ValueError(f"{lo} must be below {hi}")
        return self

    def missing(self) -> list[str]:
        return [name for name in self.REQUIRED if getattr(self, name) is None]

    def with_defaults(self) -> "EnvelopeEntry":
        """The entry with its unset minima at 0 (a complete entry)."""
        zero = {name: SourcedValue(value=0.0) for name in ("min_range_km", "min_altitude_m")
                if getattr(self, name) is None}
        return self.model_copy(update=zero) if zero else self

    def over(self, base: "EnvelopeEntry") -> "EnvelopeEntry":
        """This entry's figures, the others from ``base``; ValueError if the result is out of order."""
        own = {name: v for name in type(self).model_fields if (v := getattr(self, name)) is not None}
        return EnvelopeEntry.model_validate({**dict(base), **own})


class FireControl(_Bounded):
    """A fire unit's own fire-control radar. An intercept point must lie inside its 4/3-earth horizon and
    range (and inside the unit's sector), unless ``engage_on_remote`` lets a network sensor's track do."""

    mast_height_m: Sourced = Field(description="Antenna height above ground, m (sets the radar horizon).")
    range_km: Sourced = Field(description="Fire-control (tracking) range, km, slant.")
    reference_rcs_m2: Sourced | None = Field(
        default=None, description="The cross-section at which range_km holds (as for sensor types).")
    engage_on_remote: bool = Field(
        default=False, description="True: may intercept where only a network sensor tracks the threat "
                                   "(IBCS-like); false: needs its own fire-control track at the intercept point.")

    BOUNDS: ClassVar[dict[str, tuple[float | None, float | None, bool]]] = {
        "mast_height_m": (0, None, False), "range_km": (0, None, True), "reference_rcs_m2": (0, None, True),
    }


class EffectorType(_Entry):
    """A fire unit type: its magazine, rate of fire and engagement envelope per threat class (or type)."""

    interceptor: str
    launchers: Sourced = Field(description="Launchers of the unit, 1 to 1,000,000.")
    rounds_per_launcher: Sourced = Field(description="Rounds each launcher holds, 1 to 1,000,000.")
    reserve_rounds: Sourced = Field(
        default_factory=lambda: SourcedValue(value=0.0),
        description="Rounds held at the unit beyond those loaded, used for reloads; at most 1,000,000.")
    fire_channels: Sourced = Field(description="Simultaneous engagements the unit can guide, 1 to 1,000,000.")
    reaction_time_s: Sourced = Field(description="From first detection to the first possible shot.")
    reload_time_s: Sourced = Field(default_factory=lambda: SourcedValue(value=0.0))
    engagement_time_s: Sourced = Field(
        default_factory=lambda: SourcedValue(value=0.0),
        description="Extra time a fire channel stays busy after the intercept (slew, burst, assess).")
    system_cost_usd: Sourced | None = Field(default=None, description="Acquisition cost of one unit.")
    fire_control: FireControl | None = Field(
        default=None, description="The unit's own fire-control radar; absent: no horizon of its own (it fires "
                                  "wherever the network has detected the threat).")
    envelope: dict[str, EnvelopeEntry] = Field(
        description="Per threat class (drone, decoy, cruise, ballistic, aeroballistic) and, where a threat type "
                    "differs from its class, per threat type id.")

    BOUNDS: ClassVar[dict[str, tuple[float | None, float | None, bool]]] = {
        "launchers": (1, MAX_UNIT_COUNT, False), "rounds_per_launcher": (1, MAX_UNIT_COUNT, False),
        "fire_channels": (1, MAX_UNIT_COUNT, False), "reserve_rounds": (0, MAX_UNIT_COUNT, False),
        "reaction_time_s": (0, None, False), "reload_time_s": (0, None, False),
        "engagement_time_s": (0, None, False), "system_cost_usd": (0, None, False),
    }

    @field_validator("envelope", mode="after")
    @classmethod
    def _class_entries_complete(cls, v: dict[str, EnvelopeEntry]) -> dict[str, EnvelopeEntry]:
        """A class entry is complete (minima default to 0); each missing figure is named at its own field.
        Type keys are checked against the catalogue's threat types by ``cross_check``."""
        if not v:
            raise ValueError("envelope must name at least one threat class or threat type")
        missing = [InitErrorDetails(type="missing", loc=(key, name), input=dict(entry))
                   for key, entry in v.items() if key in THREAT_CLASSES for name in entry.missing()]
        if missing:
            raise ValidationError.from_exception_data("EnvelopeEntry", missing)
        return {key: entry.with_defaults() if key in THREAT_CLASSES else entry for key, entry in v.items()}

    def class_entry(self, cls_name: str) -> EnvelopeEntry | None:
        """The entry for a threat class; decoys use the drone entry unless given their own."""
        entry = self.envelope.get(cls_name)
        if entry is None and cls_name == "decoy":
            entry = self.envelope.get("drone")
        return entry

    def entry_for(self, cls_name: str, type_id: str) -> EnvelopeEntry | None:
        """The complete envelope against one threat type: the type's own entry over its class's entry, or
        the class entry alone; None if the unit cannot engage it. ValueError if the type's entry lacks a
        figure its class entry does not give, or the two together are out of order."""
        base = self.class_entry(cls_name)
        own = self.envelope.get(type_id) if type_id not in THREAT_CLASSES else None
        if own is None:
            return base
        if base is None:
            if own.missing():
                raise ValueError(f"the effector has no {cls_name} entry to take {', '.join(own.missing())} from; "
                                 f"give {'it' if len(own.missing()) == 1 else 'them'} in this entry")
            return own.with_defaults()
        return own.over(base)


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
