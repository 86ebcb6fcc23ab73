"""Sensors: where each raid's path is first seen by the sensor network (one shared air picture), and
where the network sees it at all. A radar's range scales with the threat's cross-section; a sector limits
what a sensor sees."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geometry.horizon import OPTICAL_K_KM, radar_horizon_km
from ..geometry.paths import Path
from ..geometry.sectors import bearing_and_distance, sector_mask
from ..scenario.loading import ScenarioSpec


@dataclass(frozen=True)
class SensorSite:
    """A scenario sensor with its catalogue type and the height its horizon is computed from."""

    site: object
    kind: object
    height_m: float


@dataclass(frozen=True)
class Detection:
    """The first path sample any sensor sees (-1 and sensor -1 when none does) and the slant range then."""

    k: int
    sensor: int
    range_km: float


NO_DETECTION = Detection(-1, -1, float("nan"))


def sensor_sites(spec: ScenarioSpec) -> list[SensorSite]:
    cat = spec.catalog
    out = []
    for s in spec.scenario.sensors:
        st = cat.sensors[s.type]
        mast = s.mast_height_m if s.mast_height_m is not None else st.mast_height_m.value
        out.append(SensorSite(s, st, mast + s.alt_m))
    return out


def first_true(mask: np.ndarray) -> int:
    idx = np.flatnonzero(mask)
    return int(idx[0]) if len(idx) else -1


def rcs_factor(rcs_m2: float | None, reference_rcs_m2: float | None) -> float:
    """How far a radar sees this target relative to its quoted range: (sigma / sigma_ref)^(1/4), the radar
    equation at a fixed detection threshold; 1 where either cross-section is not given."""
    if rcs_m2 is None or reference_rcs_m2 is None or not np.isfinite(reference_rcs_m2):
        return 1.0
    return float((rcs_m2 / reference_rcs_m2) ** 0.25)


def _cover(sensor: SensorSite, p: Path, rcs_m2: float | None) -> tuple[np.ndarray, np.ndarray]:
    """The samples one sensor sees (range, horizon, altitude limits and sector) and the slant range, km."""
    s, st = sensor.site, sensor.kind
    az, g = bearing_and_distance(s.lat, s.lon, p.lat, p.lon)
    slant_km = np.hypot(g, p.alt_m) / 1000.0
    reach_km = st.range_km.value
    if st.kind == "radar":
        reach_km *= rcs_factor(rcs_m2, st.reference_rcs_m2.value if st.reference_rcs_m2 is not None else None)
    ok = slant_km <= reach_km
    if st.kind == "radar":
        ok &= g / 1000.0 <= radar_horizon_km(sensor.height_m, p.alt_m)
    elif st.kind == "optical":
        ok &= g / 1000.0 <= radar_horizon_km(sensor.height_m, p.alt_m, OPTICAL_K_KM)
    if st.max_target_altitude_m is not None:
        ok &= p.alt_m <= st.max_target_altitude_m.value
    if st.min_target_altitude_m is not None:
        ok &= p.alt_m >= st.min_target_altitude_m.value
    ok &= sector_mask(getattr(s, "sector", None), az, g)
    return ok, slant_km


def network_cover(sensors: list[SensorSite], p: Path, threat_class: str,
                  rcs_m2: float | None = None, from_k: int = 0) -> tuple[Detection, np.ndarray]:
    """The earliest sample (before impact) at which any sensor that detects this class sees the path, and
    the samples at which some sensor sees it (where a unit engaging on remote tracks may intercept); none
    before sample ``from_k`` (a decoy not yet released)."""
    best = (len(p.tau_s), -1, np.nan)
    seen = np.zeros(len(p.tau_s), np.bool_)
    for si, sensor in enumerate(sensors):
        if threat_class not in sensor.kind.detected_classes():
            continue
        ok, slant_km = _cover(sensor, p, rcs_m2)
        ok[:from_k] = False
        seen |= ok
        k0 = first_true(ok[:-1])
        if 0 <= k0 < best[0]:
            best = (k0, si, float(slant_km[k0]))
    return (Detection(*best) if best[1] >= 0 else NO_DETECTION), seen


def first_detection(sensors: list[SensorSite], p: Path, threat_class: str,
                    rcs_m2: float | None = None) -> Detection:
    """The earliest sample (before impact) at which any sensor that detects this class sees the path."""
    return network_cover(sensors, p, threat_class, rcs_m2)[0]
