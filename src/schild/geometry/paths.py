"""Flight paths on the WGS-84 ellipsoid.

Threats fly geodesic (great-circle) legs from launch point through any waypoints to the target at
constant ground speed. Altitude follows a per-class profile over the ground distance flown: drones, decoys
and cruise missiles hold cruise altitude then dive; ballistic and aeroballistic missiles fly a parabolic
arc. Paths are sampled once per compiled raid (a target and lane of a scenario raid, see ``routes``); its
threats share the path, shifted by their own launch times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import Geod

from .steps import path_step_s

GEOD = Geod(ellps="WGS84")

DEFAULT_DIVE_KM = {"drone": 2.0, "decoy": 2.0, "cruise": 5.0}


@dataclass(frozen=True)
class Path:
    """One raid's path sampled at ``tau_s`` (time since launch); the last sample is the impact."""

    tau_s: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    alt_m: np.ndarray
    ground_m: np.ndarray  # distance flown along the ground
    length_m: float

    @property
    def dtau_s(self) -> float:
        return float(self.tau_s[1] - self.tau_s[0]) if len(self.tau_s) > 1 else 0.0


def altitude_profile(threat_class: str, s_m: np.ndarray, length_m: float, *, cruise_alt_m: float,
                     apogee_m: float | None, dive_km: float | None) -> np.ndarray:
    """Altitude above ground along the path for one threat class."""
    if threat_class in ("ballistic", "aeroballistic"):
        h_apogee = apogee_m if apogee_m is not None else length_m / 4.0
        return 4.0 * h_apogee * s_m * (length_m - s_m) / (length_m**2)
    dive_m = 1000.0 * (dive_km if dive_km is not None else DEFAULT_DIVE_KM.get(threat_class, 2.0))
    dive_m = min(dive_m, length_m)
    to_go = length_m - s_m
    h = np.full_like(s_m, cruise_alt_m)
    if dive_m > 0:
        diving = to_go < dive_m
        h[diving] = cruise_alt_m * to_go[diving] / dive_m
    return h


def sample_path(lat0: float, lon0: float, lat1: float, lon1: float, speed_mps: float, threat_class: str, *,
                cruise_alt_m: float, apogee_m: float | None = None, dive_km: float | None = None) -> Path:
    """Sample the geodesic from (lat0, lon0) to (lat1, lon1) in steps of at most 500 m and 2 s."""
    az, _, length_m = GEOD.inv(lon0, lat0, lon1, lat1)
    flight_s = length_m / speed_mps
    step_s = path_step_s(speed_mps)
    k = max(1, int(np.ceil(flight_s / step_s)))
    tau = np.linspace(0.0, flight_s, k + 1)
    s = tau * speed_mps
    lon, lat, _ = GEOD.fwd(np.full(k + 1, lon0), np.full(k + 1, lat0), np.full(k + 1, az), s)
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    lat[-1], lon[-1] = lat1, lon1
    alt = altitude_profile(threat_class, s, length_m, cruise_alt_m=cruise_alt_m, apogee_m=apogee_m,
                           dive_km=dive_km)
    return Path(tau_s=tau, lat=lat, lon=lon, alt_m=alt, ground_m=s, length_m=float(length_m))


def sample_route(points: list[tuple[float, float]], speed_mps: float, threat_class: str, *,
                 cruise_alt_m: float, apogee_m: float | None = None, dive_km: float | None = None) -> Path:
    """Sample the geodesic legs through ``points`` ((lat, lon): launch, waypoints, target) with the step
    rules of ``sample_path``; the altitude profile runs over the total ground distance. Two points are
    exactly ``sample_path``."""
    if len(points) == 2:
        (lat0, lon0), (lat1, lon1) = points
        return sample_path(lat0, lon0, lat1, lon1, speed_mps, threat_class, cruise_alt_m=cruise_alt_m,
                           apogee_m=apogee_m, dive_km=dive_km)
    starts = [GEOD.inv(a[1], a[0], b[1], b[0]) for a, b in zip(points[:-1], points[1:])]
    leg_az = np.array([az for az, _, _ in starts])
    leg_m = np.array([d for _, _, d in starts])
    leg_start = np.concatenate(([0.0], np.cumsum(leg_m)[:-1]))
    length_m = float(leg_m.sum())
    flight_s = length_m / speed_mps
    k = max(1, int(np.ceil(flight_s / path_step_s(speed_mps))))
    tau = np.linspace(0.0, flight_s, k + 1)
    s = tau * speed_mps
    leg = np.clip(np.searchsorted(leg_start, s, side="right") - 1, 0, len(leg_m) - 1)
    origin = np.array(points[:-1], float)
    lon, lat, _ = GEOD.fwd(origin[leg, 1], origin[leg, 0], leg_az[leg], s - leg_start[leg])
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    lat[-1], lon[-1] = points[-1]
    alt = altitude_profile(threat_class, s, length_m, cruise_alt_m=cruise_alt_m, apogee_m=apogee_m,
                           dive_km=dive_km)
    return Path(tau_s=tau, lat=lat, lon=lon, alt_m=alt, ground_m=s, length_m=length_m)


def ground_distance_m(site_lat: float, site_lon: float, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    n = len(lat)
    _, _, d = GEOD.inv(np.full(n, site_lon), np.full(n, site_lat), lon, lat)
    return np.asarray(d, dtype=float)
