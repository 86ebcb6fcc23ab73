"""Routes: the points a raid's threats fly through, per target asset and per lane of its corridor.

A raid flies geodesic legs: launch point -> ``via`` points -> target. A raid with ``corridor_km`` w > 0
is flown as L parallel lanes (``lane_count``), lane l offset across the track by
``w ((l + 0.5) / L - 0.5)``: the centres of L equal bins of [-w/2, +w/2]. A lane's launch point and via
points are moved perpendicular to the track by its offset (at a via point along the bisector of the turn,
by offset / cos(half the turn), at most twice the offset, so the lane's legs stay parallel to the centre
legs); the lane holds its offset until one corridor width before the target (at most half the last leg),
then flies straight to the target, so all lanes converge on the asset at most atan(1/2) = 27 degrees off
the track.

numpy-free (pyproj only), so that loading checks and the memory estimate measure routes exactly as the
compiler builds them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pyproj import Geod

GEOD = Geod(ellps="WGS84")  # the same ellipsoid as geometry.paths

MAX_LANES = 32
"""Most lanes per raid and target: bounds compile time and memory at 32 times a single-line raid."""
LANE_KM = 1.0
"""Narrowest lane: a finer split changes little, as guns and point defences reach 1-4 km."""
MAX_MITRE = 2.0
"""Largest stretch of a lane's offset at a via point (a turn of 120 degrees or more)."""

LatLon = tuple[float, float]


@dataclass(frozen=True)
class Lane:
    """One compiled path of a raid: its target (index into the raid's targets), offset and points."""

    target: int
    offset_km: float
    points: list[LatLon]

    @property
    def length_m(self) -> float:
        return route_length_m(self.points)


def lane_count(count: int, corridor_km: float) -> int:
    """Lanes for ``count`` threats in a corridor: one per km of width, never more than the threats or
    ``MAX_LANES``, and one (the centre line) for a corridor of 0."""
    if corridor_km <= 0:
        return 1
    return max(1, min(int(count), MAX_LANES, math.ceil(corridor_km / LANE_KM)))


def lane_offsets_km(lanes: int, corridor_km: float) -> list[float]:
    """Across-track offset (km, positive to the right of the track) of each lane: the centres of ``lanes``
    equal bins of [-w/2, +w/2]."""
    return [corridor_km * ((lane + 0.5) / lanes - 0.5) for lane in range(lanes)]


def split_by_shares(n: int, shares: list[float]) -> list[int]:
    """``n`` split by ``shares`` with the largest remainder method (ties to the earlier share)."""
    total = math.fsum(shares)
    quotas = [n * s / total for s in shares]
    out = [math.floor(q) for q in quotas]
    rest = max(0, min(n - sum(out), len(out)))
    for t in sorted(range(len(out)), key=lambda t: (-(quotas[t] - out[t]), t))[:rest]:
        out[t] += 1
    return out


def route_length_m(points: list[LatLon]) -> float:
    """Ground distance along the geodesic legs through ``points``."""
    return math.fsum(GEOD.inv(a[1], a[0], b[1], b[0])[2] for a, b in zip(points[:-1], points[1:]))


def _moved(p: LatLon, az_deg: float, dist_m: float) -> LatLon:
    lon, lat, _ = GEOD.fwd(p[1], p[0], az_deg, dist_m)
    return (lat, lon)


def offset_route(centre: list[LatLon], offset_km: float, corridor_km: float) -> list[LatLon]:
    """The points of the lane ``offset_km`` to the right of the centre route (launch, via ..., target)."""
    if offset_km == 0:
        return list(centre)
    d = offset_km * 1000.0
    legs = [GEOD.inv(a[1], a[0], b[1], b[0]) for a, b in zip(centre[:-1], centre[1:])]
    out = [_moved(centre[0], legs[0][0] + 90.0, d)]
    for i in range(1, len(centre) - 1):
        h_in, h_out = legs[i - 1][1] + 180.0, legs[i][0]  # arrival and departure headings at the via point
        turn = (h_out - h_in + 180.0) % 360.0 - 180.0
        mitre = min(1.0 / max(math.cos(math.radians(turn / 2.0)), 1e-9), MAX_MITRE)
        out.append(_moved(centre[i], h_in + turn / 2.0 + 90.0, d * mitre))
    az_last, _, last_m = legs[-1]
    approach_m = min(corridor_km * 1000.0, last_m / 2.0)
    lon, lat, back_az = GEOD.fwd(centre[-2][1], centre[-2][0], az_last, last_m - approach_m)
    out.append(_moved((lat, lon), back_az + 180.0 + 90.0, d))
    out.append(centre[-1])
    return out


def raid_lanes(origin: LatLon, via: list[LatLon], targets: list[LatLon], counts: list[int],
               corridor_km: float) -> list[list[Lane]]:
    """Per target (with ``counts[t]`` of the raid's threats), its lanes in order of offset."""
    out = []
    for t, (target, n) in enumerate(zip(targets, counts)):
        centre = [origin, *via, target]
        lanes = lane_count(n, corridor_km)
        out.append([Lane(t, off, offset_route(centre, off, corridor_km))
                    for off in lane_offsets_km(lanes, corridor_km)])
    return out
