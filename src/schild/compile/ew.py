"""Electronic warfare: where each raid's path enters each EW zone, and the defeat probability there."""

from __future__ import annotations

import numpy as np

from ..geometry.paths import Path, ground_distance_m
from ..scenario.loading import ScenarioSpec


def ew_zones(spec: ScenarioSpec) -> list[tuple[float, float, float, dict[str, float]]]:
    """(lat, lon, radius_km, defeat probability per class) per zone; a zone without a centre is one zone
    around every asset."""
    sc = spec.scenario
    zones = []
    if sc.electronic_warfare is None:
        return zones
    for z in sc.electronic_warfare.zones:
        centres = [(z.center.lat, z.center.lon)] if z.center else [(a.lat, a.lon) for a in sc.assets]
        for lat, lon in centres:
            zones.append((lat, lon, z.radius_km, dict(z.defeat_probability)))
    return zones


def zone_entries(zones: list, p: Path, threat_class: str, from_k: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Per zone: the first sample (before impact, from sample ``from_k`` on) inside it (-1: never), and the
    defeat probability."""
    k = np.full(len(zones), -1, np.int64)
    prob = np.zeros(len(zones))
    for z, (zlat, zlon, radius_km, probs) in enumerate(zones):
        g = ground_distance_m(zlat, zlon, p.lat, p.lon)
        idx = np.flatnonzero(g[:-1] <= radius_km * 1000.0)
        idx = idx[idx >= from_k]
        k[z] = int(idx[0]) if len(idx) else -1
        prob[z] = probs.get(threat_class, 0.0)
    return k, prob
