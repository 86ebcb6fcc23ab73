"""Fire units: what each unit fires, how fast, how many rounds it holds, its envelope per threat type and
its own fire-control radar."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.loading import ScenarioSpec


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
    pk: np.ndarray  # (F, T): per threat type of the scenario
    env: np.ndarray  # (F, T, 4): min_r_km, max_r_km, min_alt_m, max_alt_m
    fc_height_m: np.ndarray  # own fire-control radar height above ground (nan: no radar of its own)
    fc_range_km: np.ndarray  # its range at its reference cross-section
    fc_ref_rcs_m2: np.ndarray  # that cross-section (nan: range independent of it)
    fc_remote: np.ndarray  # may intercept on a network track outside its own radar's cover
    layer: np.ndarray  # index into ``layer_names``
    layer_names: list[str]  # the layers in order of first appearance: a unit's ``layer:`` or its type


def interceptor_names(spec: ScenarioSpec) -> list[str]:
    """The interceptors the scenario's fire units fire, sorted (the index results report by)."""
    cat = spec.catalog
    return sorted({cat.effectors[f.type].interceptor for f in spec.scenario.fire_units})


def compile_fire_units(spec: ScenarioSpec, interceptors: list[str], threat_types: list[str]) -> FireUnitArrays:
    """The fire units' arrays. Envelope and pk are resolved per threat type: the type's own envelope entry
    over its class entry (a decoy without either uses the drone entry)."""
    cat, fus = spec.catalog, spec.scenario.fire_units
    icpt_index = {t: i for i, t in enumerate(interceptors)}
    F, T = len(fus), len(threat_types)
    layer_of = [fu.layer or fu.type for fu in fus]
    layer_names = list(dict.fromkeys(layer_of))
    a = FireUnitArrays(
        chan=np.zeros(F, np.int64), react_s=np.zeros(F), reload_s=np.zeros(F), engage_s=np.zeros(F),
        rounds_per_launcher=np.zeros(F, np.int64), capacity=np.zeros(F, np.int64), reserve=np.zeros(F, np.int64),
        start_ready=np.zeros(F, np.int64), round_cost=np.zeros(F), speed_mps=np.zeros(F),
        interceptor=np.zeros(F, np.int64), pk=np.zeros((F, T)), env=np.zeros((F, T, 4)),
        fc_height_m=np.full(F, np.nan), fc_range_km=np.full(F, np.nan), fc_ref_rcs_m2=np.full(F, np.nan),
        fc_remote=np.zeros(F, np.bool_),
        layer=np.array([layer_names.index(n) for n in layer_of], np.int64).reshape(F), layer_names=layer_names)
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
        for t, type_id in enumerate(threat_types):
            e = et.entry_for(cat.threats[type_id].threat_class, type_id)
            if e is not None:
                a.pk[f, t] = e.pk.value
                a.env[f, t] = (e.min_range_km.value, e.max_range_km.value, e.min_altitude_m.value,
                               e.max_altitude_m.value)
        fc = et.fire_control
        if fc is not None:
            a.fc_height_m[f] = fc.mast_height_m.value + fu.alt_m
            a.fc_range_km[f] = fc.range_km.value
            a.fc_ref_rcs_m2[f] = fc.reference_rcs_m2.value if fc.reference_rcs_m2 is not None else np.nan
            a.fc_remote[f] = fc.engage_on_remote
    return a
