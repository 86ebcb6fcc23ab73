"""The scenario file, version 1: what is defended, by what, against which raid, under which doctrine."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .catalog_models import THREAT_CLASSES, ThreatClass
from .values import Real, Whole


MAX_WINDOW_S = 30 * 86_400.0
"""Latest launch time: a raid's launches spread over more than 30 days are not one raid."""
MAX_FLIGHT_S = 30 * 86_400.0
"""Longest flight from launch to impact; bounds the samples of a path (one per 2 s at most)."""
MAX_THREATS_PER_RAID = 100_000
"""Over 100 times the largest raid on record; bounds the engine's per-threat arrays."""
MAX_ROUNDS = 1_000_000
"""More rounds than any fire unit holds; keeps magazine arithmetic in exact 64-bit integers."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class Point(_Model):
    lat: Real = Field(ge=-90, le=90)
    lon: Real = Field(ge=-180, le=180)


class DebrisRule(_Model):
    """Damage from an intercept's debris: a lethal threat killed within ``radius_km`` (ground distance) of the
    asset it flew at damages that asset with ``damage_probability``."""

    radius_km: Real = Field(ge=0, description="Ground distance from the asset within which a kill's debris "
                                              "may damage it (>= 0).")
    damage_probability: Real = Field(ge=0, le=1, description="Probability such a kill damages the asset (0-1).")


class Asset(_Model):
    """Something defended: a city, a power plant, an airbase."""

    id: str
    lat: Real = Field(ge=-90, le=90)
    lon: Real = Field(ge=-180, le=180)
    value: Real = Field(default=1.0, ge=0, description="Relative value used by threat evaluation.")
    kind: str | None = None
    debris: DebrisRule | None = Field(
        default=None, description="This asset's debris rule, over the scenario's `debris` (default: that one).")


class Sector(_Model):
    """An azimuth sector, in degrees from north, clockwise: what a sensor sees or a fire unit covers."""

    centre_deg: Real = Field(ge=-360, le=360, description="Azimuth of the sector's centre (-360 to 360).")
    width_deg: Real = Field(description="Full width of the sector, more than 0 and at most 360 (all round).")

    @field_validator("width_deg")
    @classmethod
    def _width(cls, v: float) -> float:
        if not 0.0 < v <= 360.0:
            raise ValueError(f"width_deg must be more than 0 and at most 360 degrees (360: all round), got {v:g}")
        return v


class Site(_Model):
    """A sensor or a fire unit placed on the map."""

    id: str
    type: str
    lat: Real = Field(ge=-90, le=90)
    lon: Real = Field(ge=-180, le=180)
    alt_m: Real = Field(
        default=0.0, ge=0, le=9000,
        description="Height of the site's base above the local ground (a hill, a roof, a tower), added to the mast. "
                    "Threat altitudes are above the local ground too: there is no terrain model, so this is not "
                    "the elevation above sea level.")
    sector: Sector | None = Field(
        default=None, description="Azimuth sector it sees (a sensor) or may intercept in (a fire unit); "
                                  "absent: all round (360 degrees).")


class Sensor(Site):
    mast_height_m: Real | None = Field(default=None, ge=0, description="Overrides the type's mast.")


class FireUnit(Site):
    layer: str | None = Field(
        default=None, min_length=1,
        description="The defence layer it belongs to, for per-layer engagement caps and results (default: its "
                    "effector type).")
    rounds: Whole | None = Field(default=None, ge=0, le=MAX_ROUNDS,
                                 description="Rounds loaded at start (default: full); at most 1,000,000.")
    reserve_rounds: Whole | None = Field(default=None, ge=0, le=MAX_ROUNDS,
                                         description="Overrides the type's reserve; at most 1,000,000.")


MAX_CORRIDOR_KM = 500.0
"""Widest corridor: wider than any front a raid is launched along."""
MAX_VIA = 100
"""Most waypoints per raid (real routes turn a handful of times)."""
SHARE_TOLERANCE = 1e-6
"""How far a raid's target shares may sum from 1."""


class TargetShare(_Model):
    """One of a raid's target assets and the share of the raid's threats that fly at it."""

    asset: str
    share: Real = Field(gt=0, le=1, description="Share of the raid's threats, more than 0 and at most 1.")


class Raid(_Model):
    """A group of threats of one type launched from one place at one asset (or several, with shares)."""

    id: str | None = None
    threat: str
    count: Whole = Field(ge=0, le=MAX_THREATS_PER_RAID,
                         description="Threats in the raid; at most 100,000 (over 100 times the largest on record).")
    origin: Point = Field(alias="from")
    via: list[Point] = Field(
        default_factory=list, max_length=MAX_VIA,
        description="Waypoints flown in order between launch point and target (geodesic legs); at most 100.")
    corridor_km: Real = Field(
        default=0.0, ge=0, le=MAX_CORRIDOR_KM,
        description="Width of the corridor the threats fly in, spread evenly across it (0: one line); at most "
                    "500 km.")
    target: str | None = Field(default=None, description="The asset attacked (or give targets).")
    targets: list[TargetShare] | None = Field(
        default=None, min_length=1, validate_default=True,
        description="Assets attacked, each with its share of the threats (shares sum to 1); instead of target.")
    launch_window_s: tuple[Real, Real] = Field(
        default=(0.0, 0.0), description="[start, end] of the launches in seconds, 0 <= start <= end <= 30 days.")
    launch_pattern: Literal["random", "even"] = Field(
        default="random", description="Launch times uniform at random in the window, or evenly spaced.")

    @field_validator("launch_window_s")
    @classmethod
    def _window(cls, v: tuple[float, float]) -> tuple[float, float]:
        if v[0] < 0 or v[1] < v[0] or v[1] > MAX_WINDOW_S:
            raise ValueError("launch_window_s must be [start, end] with 0 <= start <= end <= "
                             f"{MAX_WINDOW_S:.0f} (30 days), got {list(v)}")
        return v

    @field_validator("targets")
    @classmethod
    def _one_kind_of_target(cls, v: list[TargetShare] | None, info: ValidationInfo) -> list[TargetShare] | None:
        """Exactly one of ``target`` and ``targets``; shares sum to 1, each asset once."""
        has_target = info.data.get("target") is not None
        if v is None and not has_target and "target" in info.data:
            raise ValueError("a raid needs target (one asset) or targets (assets with shares)")
        if v is None:
            return v
        if has_target:
            raise ValueError("give either target or targets, not both")
        total = math.fsum(t.share for t in v)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            raise ValueError(f"the shares of targets must sum to 1 (within {SHARE_TOLERANCE:g}), got "
                             f"{total:.6g}")
        seen = [t.asset for t in v]
        twice = sorted({a for a in seen if seen.count(a) > 1})
        if twice:
            raise ValueError(f"each asset may be listed once in targets; listed more than once: {', '.join(twice)}")
        return v

    def target_shares(self) -> list[tuple[str, float]]:
        """(asset id, share) of each target, in file order."""
        if self.targets is None:
            return [(self.target, 1.0)]
        return [(t.asset, t.share) for t in self.targets]


class ClassDoctrine(_Model):
    """How one threat class is engaged."""

    salvo: Whole = Field(default=1, ge=1, le=8, description="Interceptors fired per engagement.")
    max_engagements: Whole = Field(default=1, ge=1, le=8,
                                   description="Shoot-look-shoot: engagements per threat, all layers together.")
    max_engagements_per_layer: Whole | None = Field(
        default=None, ge=1, le=8,
        description="Engagements per threat by the units of one layer (default: max_engagements); at most "
                    "max_engagements.")
    look_time_s: Real = Field(default=2.0, ge=0, description="Kill assessment time after an intercept.")
    engage: bool = Field(default=True, description="False: never engage this class.")
    max_round_cost_usd: Real | None = Field(
        default=None, ge=0,
        description="Never spend a round dearer than this on this class (default: 500,000 USD for drones and "
                    "decoys, so Patriot, SAMP/T and NASAMS rounds are kept for missiles; no limit otherwise).")
    hold_for_cheaper: bool | None = Field(
        default=None,
        description="Wait for a cheaper layer still ahead on the threat's path (default: on for drones and decoys).")
    cost_weight_per_usd: Real | None = Field(
        default=None, ge=0,
        description="Asset-value units one USD of interceptors is worth giving up (default: 1e-6 for drones and "
                    "decoys, 1e-8 for missiles). An engagement is made only if value saved exceeds weighted cost.")

    @model_validator(mode="after")
    def _layer_cap_within_total(self) -> "ClassDoctrine":
        if self.max_engagements_per_layer is not None and self.max_engagements_per_layer > self.max_engagements:
            raise ValueError(f"max_engagements_per_layer ({self.max_engagements_per_layer}) must be at most "
                             f"max_engagements ({self.max_engagements}), the total per threat")
        return self

    @property
    def engagements_per_layer(self) -> int:
        return self.max_engagements_per_layer if self.max_engagements_per_layer is not None else self.max_engagements

    def resolved_hold(self, cls_name: str) -> bool:
        return self.hold_for_cheaper if self.hold_for_cheaper is not None else cls_name in ("drone", "decoy")

    def resolved_max_round_cost(self, cls_name: str) -> float:
        if self.max_round_cost_usd is not None:
            return self.max_round_cost_usd
        return 500_000.0 if cls_name in ("drone", "decoy") else float("inf")

    def resolved_cost_weight(self, cls_name: str) -> float:
        if self.cost_weight_per_usd is not None:
            return self.cost_weight_per_usd
        return 1e-6 if cls_name in ("drone", "decoy") else 1e-8


class Doctrine(_Model):
    """Doctrine per threat class plus decoy discrimination."""

    drone: ClassDoctrine = Field(default_factory=ClassDoctrine)
    decoy: ClassDoctrine = Field(default_factory=ClassDoctrine)
    cruise: ClassDoctrine = Field(default_factory=ClassDoctrine)
    ballistic: ClassDoctrine = Field(default_factory=lambda: ClassDoctrine(salvo=2))
    aeroballistic: ClassDoctrine = Field(default_factory=lambda: ClassDoctrine(salvo=2))
    decoy_discrimination: Real = Field(
        default=0.0, ge=0, le=1, description="Probability the battle manager recognises a decoy and holds fire.")

    @model_validator(mode="after")
    def _decoy_follows_drone(self) -> "Doctrine":
        """Decoys are engaged as drones unless told otherwise (validated once, so a mistake is named once)."""
        if "drone" in self.model_fields_set and "decoy" not in self.model_fields_set:
            self.decoy = self.drone.model_copy()
        return self

    def for_class(self, cls_name: str) -> ClassDoctrine:
        return getattr(self, cls_name)


class EWZone(_Model):
    """Electronic warfare: jamming or spoofing that makes drones and decoys lose their way."""

    id: str | None = None
    center: Point | None = Field(
        default=None, description="Centre of the zone; default: around every defended asset.")
    radius_km: Real = Field(default=30.0, gt=0)
    defeat_probability: dict[ThreatClass, Real] = Field(default_factory=dict)

    @field_validator("defeat_probability")
    @classmethod
    def _probabilities(cls, v: dict[str, float]) -> dict[str, float]:
        for k, p in v.items():
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"defeat_probability for {k} must be in [0, 1], got {p}")
        return v


class ElectronicWarfare(_Model):
    zones: list[EWZone] = Field(default_factory=list)


class BattleManager(_Model):
    assignment: Literal["heuristic", "exact", "doctrine"] = Field(
        default="heuristic",
        description="heuristic: value/cost greedy (real time); exact: optimal assignment per epoch; "
                    "doctrine: first come first served baseline.")
    hold_per_channel: Whole = Field(
        default=2, ge=0, le=100,
        description="At most this many threats per fire channel of a cheaper unit ahead may be held for it "
                    "at one epoch; the rest are engaged now (keeps a saturated cheap layer from starving).")
    time_budget_ms: Real = Field(
        default=50.0, gt=0, le=60_000,
        description="Time the exact assigner may spend per decision epoch (it uses its best answer then).")


class Scenario(_Model):
    """A whole scenario file (schema_version 1). Unique ids and references between sections are checked by
    ``cross_check`` on loading, where each problem can be named at its own line."""

    schema_version: Literal[1]
    name: str
    description: str | None = None
    catalog: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    assets: list[Asset] = Field(min_length=1)
    sensors: list[Sensor] = Field(default_factory=list)
    fire_units: list[FireUnit] = Field(default_factory=list)
    raids: list[Raid] = Field(min_length=1)
    doctrine: Doctrine = Field(default_factory=Doctrine)
    electronic_warfare: ElectronicWarfare | None = None
    battle_manager: BattleManager = Field(default_factory=BattleManager)
    debris: DebrisRule | None = Field(
        default=None, description="Debris rule for every asset without its own (default: kills do no damage).")

    def debris_for(self, asset: Asset) -> DebrisRule | None:
        """The debris rule that holds at an asset: its own, else the scenario's, else none."""
        return asset.debris if asset.debris is not None else self.debris

    @field_validator("catalog")
    @classmethod
    def _catalog_sections(cls, v: dict[str, Any]) -> dict[str, Any]:
        allowed = ("threats", "interceptors", "sensors", "effectors")
        for key in v:
            if key not in allowed:
                raise ValueError(f"unknown catalog section {key!r}; allowed: {', '.join(allowed)}")
        return v


__all__ = ["Scenario", "Raid", "TargetShare", "Asset", "DebrisRule", "Sensor", "FireUnit", "Sector", "Doctrine", "ClassDoctrine", "EWZone",
           "ElectronicWarfare", "BattleManager", "THREAT_CLASSES"]
