"""Flight paths on the WGS-84 ellipsoid.

Threats fly geodesic (great-circle) legs from launch point through any waypoints to the target at
constant ground speed. Altitude follows a per-class profile over the ground distance flown: drones, decoys
and cruise missiles hold cruise altitude then dive; ballistic and aeroballistic missiles climb under power,
then fly a parabolic arc whose apogee follows the range (minimum-energy or depressed). Paths are sampled
once per compiled raid (a target and lane of a scenario raid, see ``routes``); its threats share the path,
shifted by their own launch times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import Geod

from .steps import path_step_s

GEOD = Geod(ellps="WGS84")

DEFAULT_DIVE_KM = {"drone": 2.0, "decoy": 2.0, "cruise": 5.0}
BALLISTIC = ("ballistic", "aeroballistic")
APOGEE_PER_RANGE = {"minimum_energy": 0.25, "depressed": 0.125}
"""Apogee / ground range of the arc without ``apogee_m``. Minimum energy: D/4, the flat-earth optimum
(launch and re-entry at 45 degrees). Depressed: D/8, half the minimum-energy apogee (re-entry at
atan(1/2) = 26.6 degrees), an assumption: public sources describe depressed arcs as flatter than minimum
energy without one figure."""


@dataclass(frozen=True)
class Path:
    """One raid's path sampled at ``tau_s`` (time since launch); the last sample is the impact."""

    tau_s: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    alt_m: np.ndarray
    ground_m: np.ndarray  # distance flown along the ground
    length_m: float
    reentry_deg: float = float("nan")  # descent angle below the horizontal at impact

    @property
    def dtau_s(self) -> float:
        return float(self.tau_s[1] - self.tau_s[0]) if len(self.tau_s) > 1 else 0.0


def arc_apogee_m(length_m: float, apogee_m: float | None, trajectory: str | None) -> float:
    """The arc's apogee: ``apogee_m`` if given, else the trajectory's share of the ground range."""
    if apogee_m is not None:
        return apogee_m
    return length_m * APOGEE_PER_RANGE[trajectory or "minimum_energy"]


def ballistic_profile(s_m: np.ndarray, length_m: float, apogee_m: float, boost_m: float = 0.0) -> np.ndarray:
    """The parabola ``h(s) = 4 h_a s (D - s) / D^2`` (apogee ``h_a`` at mid-range); over the first
    ``boost_m`` (below D/2) a powered climb ``h(b) (s / b)^p``, p = (D - 2b) / (D - b), replaces it: vertical
    at lift-off, concave, and meeting the arc at burnout with the same height and slope."""
    h = 4.0 * apogee_m * s_m * (length_m - s_m) / (length_m**2)
    if boost_m > 0.0:
        h_burnout = 4.0 * apogee_m * boost_m * (length_m - boost_m) / (length_m**2)
        power = (length_m - 2.0 * boost_m) / (length_m - boost_m)
        climbing = s_m < boost_m
        h[climbing] = h_burnout * (s_m[climbing] / boost_m) ** power
    return h


def reentry_angle_deg(threat_class: str, length_m: float, *, cruise_alt_m: float, apogee_m: float,
                      dive_m: float) -> float:
    """Descent angle at impact: atan(4 h_a / D) for the arc (45 degrees at D/4), atan(h / dive) for a dive,
    90 degrees for a threat that does not dive (it falls from cruise altitude at the target)."""
    if threat_class in BALLISTIC:
        return float(np.degrees(np.arctan2(4.0 * apogee_m, length_m)))
    if cruise_alt_m <= 0.0:
        return 0.0
    return float(np.degrees(np.arctan2(cruise_alt_m, dive_m))) if dive_m > 0 else 90.0


def _dive_m(threat_class: str, length_m: float, dive_km: float | None) -> float:
    return min(1000.0 * (dive_km if dive_km is not None else DEFAULT_DIVE_KM.get(threat_class, 2.0)), length_m)


def altitude_profile(threat_class: str, s_m: np.ndarray, length_m: float, *, cruise_alt_m: float,
                     apogee_m: float | None, dive_km: float | None, trajectory: str | None = None,
                     boost_m: float = 0.0) -> np.ndarray:
    """Altitude above ground along the path for one threat class."""
    if threat_class in BALLISTIC:
        return ballistic_profile(s_m, length_m, arc_apogee_m(length_m, apogee_m, trajectory), boost_m)
    dive_m = _dive_m(threat_class, length_m, dive_km)
    to_go = length_m - s_m
    h = np.full_like(s_m, cruise_alt_m)
    if dive_m > 0:
        diving = to_go < dive_m
        h[diving] = cruise_alt_m * to_go[diving] / dive_m
    return h


def sample_path(lat0: float, lon0: float, lat1: float, lon1: float, speed_mps: float, threat_class: str, *,
                cruise_alt_m: float, apogee_m: float | None = None, dive_km: float | None = None,
                trajectory: str | None = None, boost_m: float = 0.0) -> Path:
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
                           dive_km=dive_km, trajectory=trajectory, boost_m=boost_m)
    angle = reentry_angle_deg(threat_class, length_m, cruise_alt_m=cruise_alt_m,
                              apogee_m=arc_apogee_m(length_m, apogee_m, trajectory),
                              dive_m=_dive_m(threat_class, length_m, dive_km))
    return Path(tau_s=tau, lat=lat, lon=lon, alt_m=alt, ground_m=s, length_m=float(length_m), reentry_deg=angle)


def sample_route(points: list[tuple[float, float]], speed_mps: float, threat_class: str, *,
                 cruise_alt_m: float, apogee_m: float | None = None, dive_km: float | None = None,
                 trajectory: str | None = None, boost_m: float = 0.0) -> Path:
    """Sample the geodesic legs through ``points`` ((lat, lon): launch, waypoints, target) with the step
    rules of ``sample_path``; the altitude profile runs over the total ground distance. Two points are
    exactly ``sample_path``."""
    if len(points) == 2:
        (lat0, lon0), (lat1, lon1) = points
        return sample_path(lat0, lon0, lat1, lon1, speed_mps, threat_class, cruise_alt_m=cruise_alt_m,
                           apogee_m=apogee_m, dive_km=dive_km, trajectory=trajectory, boost_m=boost_m)
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
                           dive_km=dive_km, trajectory=trajectory, boost_m=boost_m)
    angle = reentry_angle_deg(threat_class, length_m, cruise_alt_m=cruise_alt_m,
                              apogee_m=arc_apogee_m(length_m, apogee_m, trajectory),
                              dive_m=_dive_m(threat_class, length_m, dive_km))
    return Path(tau_s=tau, lat=lat, lon=lon, alt_m=alt, ground_m=s, length_m=length_m, reentry_deg=angle)


def ground_distance_m(site_lat: float, site_lon: float, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    n = len(lat)
    _, _, d = GEOD.inv(np.full(n, site_lon), np.full(n, site_lat), lon, lat)
    return np.asarray(d, dtype=float)
