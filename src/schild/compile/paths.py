"""Paths: one sampled flight path per compiled raid (a target and lane of a scenario raid)."""

from __future__ import annotations

from ..geometry.paths import Path, sample_route
from ..scenario.loading import ScenarioSpec
from .lanes import CompiledRaid


def raid_paths(spec: ScenarioSpec, compiled: list[CompiledRaid]) -> list[Path]:
    """Each compiled raid's path through its points, with the altitude profile of its threat type."""
    sc, cat = spec.scenario, spec.catalog
    out = []
    for c in compiled:
        tt = cat.threats[sc.raids[c.raid].threat]
        out.append(sample_route(c.points, tt.speed_mps.value, tt.threat_class,
                                cruise_alt_m=tt.altitude_m.value if tt.altitude_m else 0.0,
                                apogee_m=tt.apogee_m.value if tt.apogee_m else None,
                                dive_km=tt.terminal_dive_km.value if tt.terminal_dive_km else None))
    return out
