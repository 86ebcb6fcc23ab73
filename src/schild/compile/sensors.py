"""Sensors: where each raid's path is first seen by the sensor network (one shared air picture)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geometry.horizon import OPTICAL_K_KM, radar_horizon_km
from ..geometry.paths import Path, ground_distance_m
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


def _first_true(mask: np.ndarray) -> int:
    idx = np.flatnonzero(mask)
    return int(idx[0]) if len(idx) else -1


def first_detection(sensors: list[SensorSite], p: Path, threat_class: str) -> Detection:
    """The earliest sample (before impact) at which any sensor that detects this class sees the path."""
    best = (len(p.tau_s), -1, np.nan)
    for si, sensor in enumerate(sensors):
        s, st = sensor.site, sensor.kind
        if threat_class not in st.detected_classes():
            continue
        g = ground_distance_m(s.lat, s.lon, p.lat, p.lon)
        slant_km = np.hypot(g, p.alt_m) / 1000.0
        ok = slant_km <= st.range_km.value
        if st.kind == "radar":
            ok &= g / 1000.0 <= radar_horizon_km(sensor.height_m, p.alt_m)
        elif st.kind == "optical":
            ok &= g / 1000.0 <= radar_horizon_km(sensor.height_m, p.alt_m, OPTICAL_K_KM)
        if st.max_target_altitude_m is not None:
            ok &= p.alt_m <= st.max_target_altitude_m.value
        if st.min_target_altitude_m is not None:
            ok &= p.alt_m >= st.min_target_altitude_m.value
        k0 = _first_true(ok[:-1])
        if 0 <= k0 < best[0]:
            best = (k0, si, float(slant_km[k0]))
    return Detection(*best) if best[1] >= 0 else NO_DETECTION
