"""Fire units: what each unit fires, how fast, how many rounds it holds, and its envelope per class."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.loading import ScenarioSpec
from .world import CLASS_INDEX, NC


@dataclass(frozen=True)
class FireUnitArrays:
    """Per-unit numbers from the catalogue entry of the unit's effector type and the scenario's overrides."""

    chan: np.ndarray
    react_s: np.ndarray
    reload_s: np.ndarray
    engage_s: np.ndarray
    rounds_per_launcher: np.ndarray
    capacity: np.ndarray  # rounds loaded when full
    reserve: np.ndarray  # rounds held for reloads at start
    start_ready: np.ndarray
    round_cost: np.ndarray
    speed_mps: np.ndarray  # interceptor speed
    interceptor: np.ndarray  # index into the sorted interceptor names
    pk: np.ndarray  # (F, NC)
    env: np.ndarray  # (F, NC, 4): min_r_km, max_r_km, min_alt_m, max_alt_m


def interceptor_names(spec: ScenarioSpec) -> list[str]:
    """The interceptors the scenario's fire units fire, sorted (the index results report by)."""
    cat = spec.catalog
    return sorted({cat.effectors[f.type].interceptor for f in spec.scenario.fire_units})


def compile_fire_units(spec: ScenarioSpec, interceptors: list[str]) -> FireUnitArrays:
    """The fire units' arrays; a decoy is engaged as a drone where the envelope has no decoy entry."""
    cat, fus = spec.catalog, spec.scenario.fire_units
    icpt_index = {t: i for i, t in enumerate(interceptors)}
    F = len(fus)
    a = FireUnitArrays(
        chan=np.zeros(F, np.int64), react_s=np.zeros(F), reload_s=np.zeros(F), engage_s=np.zeros(F),
        rounds_per_launcher=np.zeros(F, np.int64), capacity=np.zeros(F, np.int64), reserve=np.zeros(F, np.int64),
        start_ready=np.zeros(F, np.int64), round_cost=np.zeros(F), speed_mps=np.zeros(F),
        interceptor=np.zeros(F, np.int64), pk=np.zeros((F, NC)), env=np.zeros((F, NC, 4)))
    for f, fu in enumerate(fus):
        et = cat.effectors[fu.type]
        it = cat.interceptors[et.interceptor]
        a.chan[f] = int(round(et.fire_channels.value))
        a.react_s[f] = et.reaction_time_s.value
        a.reload_s[f] = et.reload_time_s.value
        a.engage_s[f] = et.engagement_time_s.value
        a.rounds_per_launcher[f] = int(round(et.rounds_per_launcher.value))
        a.capacity[f] = int(round(et.launchers.value)) * a.rounds_per_launcher[f]
        a.reserve[f] = fu.reserve_rounds if fu.reserve_rounds is not None else int(round(et.reserve_rounds.value))
        a.start_ready[f] = min(fu.rounds, a.capacity[f]) if fu.rounds is not None else a.capacity[f]
        if fu.rounds is not None and fu.rounds > a.capacity[f]:
            a.reserve[f] += fu.rounds - a.capacity[f]
        a.round_cost[f] = it.unit_cost_usd.value
        a.speed_mps[f] = it.speed_mps.value
        a.interceptor[f] = icpt_index[et.interceptor]
        for cname, e in et.envelope.items():
            c = CLASS_INDEX[cname]
            a.pk[f, c] = e.pk.value
            a.env[f, c] = (e.min_range_km.value, e.max_range_km.value, e.min_altitude_m.value,
                           e.max_altitude_m.value)
        if "drone" in et.envelope and "decoy" not in et.envelope:
            a.pk[f, CLASS_INDEX["decoy"]] = a.pk[f, CLASS_INDEX["drone"]]
            a.env[f, CLASS_INDEX["decoy"]] = a.env[f, CLASS_INDEX["drone"]]
    return a
