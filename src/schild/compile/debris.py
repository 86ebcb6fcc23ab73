"""Where kills happen: each path sample's ground distance from the raid's target asset, the distance bands
kills are counted in, and the debris rule that holds at each asset."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geometry.paths import Path, ground_distance_m
from ..scenario.loading import ScenarioSpec

KILL_BANDS_KM = (0.0, 5.0, 10.0, 20.0, 50.0)
"""Lower edges of the bands of kill distance from the target asset: [0, 5), [5, 10), [10, 20), [20, 50) and
50 km or more. Inside 5 km debris falls on a city; beyond 50 km a kill is made well forward."""


def asset_distance_km(p: Path, lat: float, lon: float) -> np.ndarray:
    """Ground distance (km) of every sample of a path from the asset at (lat, lon): where a kill at that
    sample happens, as seen from the asset."""
    return (ground_distance_m(lat, lon, p.lat, p.lon) / 1000.0).astype(np.float32)


@dataclass(frozen=True)
class DebrisArrays:
    """Per asset (in scenario order): the debris radius (-1 where no rule holds) and damage probability."""

    radius_km: np.ndarray
    probability: np.ndarray

    @property
    def on(self) -> bool:
        """Whether any asset has a rule (then every threat draws one more uniform, for the damage)."""
        return bool((self.radius_km >= 0).any())


def compile_debris(spec: ScenarioSpec) -> DebrisArrays:
    """Each asset's own rule, else the scenario's, else none."""
    sc = spec.scenario
    rules = [sc.debris_for(a) for a in sc.assets]
    return DebrisArrays(
        radius_km=np.array([r.radius_km if r is not None else -1.0 for r in rules], float),
        probability=np.array([r.damage_probability if r is not None else 0.0 for r in rules], float))
