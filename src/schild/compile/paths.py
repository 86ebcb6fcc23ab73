"""Paths: one sampled flight path per compiled raid (a target and lane of a scenario raid), and where
along it a terminal manoeuvre lowers the kill probability."""

from __future__ import annotations

import numpy as np

from ..geometry.paths import Path, sample_route
from ..scenario.catalog_models import TerminalManoeuvre
from ..scenario.loading import ScenarioSpec
from .lanes import CompiledRaid


def manoeuvre_pk_factor(p: Path, manoeuvre: TerminalManoeuvre | None) -> np.ndarray:
    """Per path sample: the factor on pk of an intercept there; a manoeuvring missile's below
    ``below_altitude_m`` after its apogee, 1 elsewhere."""
    factor = np.ones(len(p.tau_s))
    if manoeuvre is not None:
        descending = np.arange(len(p.tau_s)) > int(np.argmax(p.alt_m))
        factor[descending & (p.alt_m < manoeuvre.below_altitude_m.value)] = manoeuvre.pk_factor.value
    return factor


def raid_paths(spec: ScenarioSpec, compiled: list[CompiledRaid]) -> list[Path]:
    """Each compiled raid's path through its points, with the altitude profile of its threat type."""
    sc, cat = spec.scenario, spec.catalog
    out = []
    for c in compiled:
        tt = cat.threats[sc.raids[c.raid].threat]
        out.append(sample_route(c.points, tt.speed_mps.value, tt.threat_class,
                                cruise_alt_m=tt.altitude_m.value if tt.altitude_m else 0.0,
                                apogee_m=tt.apogee_m.value if tt.apogee_m else None,
                                dive_km=tt.terminal_dive_km.value if tt.terminal_dive_km else None,
                                trajectory=tt.trajectory,
                                boost_m=1000.0 * tt.boost_km.value if tt.boost_km else 0.0))
    return out
