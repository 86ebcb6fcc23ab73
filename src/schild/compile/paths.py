"""Paths: one sampled flight path per raid, from its launch point to its target asset."""

from __future__ import annotations

from ..geometry.paths import Path, sample_path
from ..scenario.loading import ScenarioSpec


def raid_paths(spec: ScenarioSpec) -> list[Path]:
    """Each raid's path, with the altitude profile of its threat type."""
    sc, cat = spec.scenario, spec.catalog
    assets = {a.id: a for a in sc.assets}
    out = []
    for raid in sc.raids:
        tt = cat.threats[raid.threat]
        tgt = assets[raid.target]
        out.append(sample_path(raid.origin.lat, raid.origin.lon, tgt.lat, tgt.lon, tt.speed_mps.value,
                               tt.threat_class,
                               cruise_alt_m=tt.altitude_m.value if tt.altitude_m else 0.0,
                               apogee_m=tt.apogee_m.value if tt.apogee_m else None,
                               dive_km=tt.terminal_dive_km.value if tt.terminal_dive_km else None))
    return out
