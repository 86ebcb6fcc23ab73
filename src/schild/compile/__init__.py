"""Compile a validated scenario into the arrays the engine runs on.

Everything geometric is done here once, one module per kill-chain role: ``paths`` (each raid's flight
path), ``sensors`` (where the network first sees it), ``fire_units`` and ``doctrine`` (what each unit may
fire at what), ``windows`` (the intercept point of a shot fired at any moment), ``ew`` (where EW zones
are entered) and ``debris`` (how far from its target asset a kill at each path sample happens, and the
debris rule per asset). The engine then only looks numbers up, so a world compiled once can be simulated thousands
of times (Monte Carlo, campaigns, planning sweeps).
"""

from __future__ import annotations

import numpy as np

from ..resources import check_compile
from ..scenario.loading import ScenarioSpec
from .debris import KILL_BANDS_KM, asset_distance_km, compile_debris
from .doctrine import compile_doctrine, engaging_units
from .ew import ew_zones, zone_entries
from .fire_units import compile_fire_units, interceptor_names
from .lanes import RaidLayout, compile_layout
from .paths import manoeuvre_pk_factor, raid_paths
from .released import released_raids
from .sensors import network_cover, sensor_sites
from .windows import RaidWindows, raid_windows
from .world import BIG, CLASS_INDEX, NC, RaidAttributes, World, WorldArrays

__all__ = ["BIG", "CLASS_INDEX", "NC", "RaidAttributes", "RaidLayout", "World", "WorldArrays", "compile_world"]


def _stack(blocks: list[RaidWindows], name: str, F: int, dtype: type) -> np.ndarray:
    """One raid table after another (rows of raid r start at ``path_off[r]``)."""
    return np.concatenate([getattr(b, name) for b in blocks]) if blocks else np.zeros((0, F), dtype)


def _raid_attributes(spec: ScenarioSpec, raid_of: list, n_lanes: int, released: list, type_index: dict[str, int],
                     asset_of: np.ndarray, asset_value: np.ndarray) -> RaidAttributes:
    """Per compiled raid (``raid_of``: its scenario raid): a released decoy passes for its missile (class,
    type, target) but is counted as a decoy and costs nothing beyond its missile."""
    cat = spec.catalog
    cls = np.array([CLASS_INDEX[cat.threats[r.threat].threat_class] for r in raid_of], np.int64)
    is_decoy = np.arange(len(raid_of)) >= n_lanes
    return RaidAttributes(
        threat_class=cls, threat_type=np.array([type_index[r.threat] for r in raid_of], np.int64),
        asset=asset_of, value=asset_value[asset_of],
        cost_usd=np.where(is_decoy, 0.0, [cat.threats[r.threat].unit_cost_usd.value for r in raid_of]),
        result_class=np.where(is_decoy, CLASS_INDEX["decoy"], cls).astype(np.int64),
        parent=np.array([-1] * n_lanes + [d.parent for d in released], np.int64),
        per_parent=np.array([0] * n_lanes + [d.per_missile for d in released], np.int64),
    )


def compile_world(spec: ScenarioSpec) -> World:
    """Turn a ScenarioSpec into a World (all geometry precomputed); refuses (InputError) a scenario whose
    geometry would not fit in memory or would take too long (see ``resources``)."""
    check_compile(spec)
    sc, cat = spec.scenario, spec.catalog
    assets = {a.id: i for i, a in enumerate(sc.assets)}
    asset_value = np.array([a.value for a in sc.assets], float)
    threat_types = sorted({r.threat for r in sc.raids})
    type_index = {t: i for i, t in enumerate(threat_types)}
    interceptors = interceptor_names(spec)
    fu = compile_fire_units(spec, interceptors, threat_types)
    doc = compile_doctrine(spec)
    sensors = sensor_sites(spec)
    zones = ew_zones(spec)
    compiled, layout = compile_layout(spec)
    paths = raid_paths(spec, compiled)
    raid_of = [sc.raids[c.raid] for c in compiled]
    # after the lanes and targets, one compiled raid of released decoys per one whose missiles release them
    released = released_raids(spec, raid_of, paths)
    source = list(range(len(compiled))) + [d.parent for d in released]
    from_k = [0] * len(compiled) + [d.from_k for d in released]
    paths = paths + [paths[d.parent] for d in released]
    raid_of = [raid_of[i] for i in source]
    asset_of = np.array([assets[compiled[i].asset] for i in source], np.int64)
    debris = compile_debris(spec)
    F, R, Z = len(sc.fire_units), len(source), len(zones)

    path_off = np.zeros(R + 1, np.int64)
    det_k = np.full(R, -1, np.int64)
    det_sensor = np.full(R, -1, np.int64)
    det_range = np.full(R, np.nan)
    first_k = np.full((R, F), -1, np.int64)
    last_k = np.full((R, F), -1, np.int64)
    first_tau = np.full((R, F), np.inf)
    last_tau = np.full((R, F), -np.inf)
    ew_k = np.full((R, Z), -1, np.int64)
    ew_p = np.zeros((R, Z))
    blocks: list[RaidWindows] = []
    asset_km: list[np.ndarray] = []
    for r, (raid, p, k0) in enumerate(zip(raid_of, paths, from_k)):
        cname = cat.threats[raid.threat].threat_class
        c = CLASS_INDEX[cname]
        path_off[r + 1] = path_off[r] + len(p.tau_s)
        rcs = cat.threats[raid.threat].rcs_m2
        rcs_m2 = rcs.value if rcs is not None else None
        det, net_seen = network_cover(sensors, p, cname, rcs_m2, k0)
        det_k[r], det_sensor[r], det_range[r] = det.k, det.sensor, det.range_km
        win = raid_windows(sc.fire_units, fu, p, type_index[raid.threat], det, net_seen, rcs_m2, k0)
        blocks.append(win)
        tgt = sc.assets[asset_of[r]]
        asset_km.append(asset_distance_km(p, tgt.lat, tgt.lon))
        first_k[r], last_k[r] = win.first_k, win.last_k
        first_tau[r], last_tau[r] = win.first_tau_s, win.last_tau_s
        ew_k[r], ew_p[r] = zone_entries(zones, p, cname, k0)

    raids = _raid_attributes(spec, raid_of, len(compiled), released, type_index, asset_of, asset_value)
    per_threat = raids.threat_arrays(layout.deal(np.array([r.count for r in sc.raids], np.int64)))
    engaging = engaging_units(first_tau, last_tau, fu.pk, fu.round_cost, raids.threat_type, raids.threat_class,
                              raids.value, doc.salvo, doc.engage, doc.max_round_cost, doc.cost_weight)
    arrays = WorldArrays(
        **per_threat,
        raid_lo=np.array([r.launch_window_s[0] for r in raid_of], float),
        raid_hi=np.array([r.launch_window_s[1] for r in raid_of], float),
        raid_even=np.array([r.launch_pattern == "even" for r in raid_of], np.bool_),
        path_off=path_off, dtau=np.array([p.dtau_s for p in paths], float).reshape(R),
        nsamp=np.array([len(p.tau_s) for p in paths], np.int64).reshape(R),
        tau_imp=np.array([p.tau_s[-1] for p in paths], float).reshape(R),
        det_k=det_k, det_sensor=det_sensor, det_range_km=det_range,
        first_k=first_k, last_k=last_k,
        wake_tau=engaging.wake_tau, last_tau=engaging.last_tau,
        raid_fus=engaging.raid_fus, raid_nfu=engaging.raid_nfu, ew_k=ew_k, ew_p=ew_p,
        shot_icpt=_stack(blocks, "shot_icpt", F, np.int32), next_ok=_stack(blocks, "next_ok", F, np.int32),
        rng_km=_stack(blocks, "rng_km", F, np.float32),
        asset_dist_km=np.concatenate(asset_km) if asset_km else np.zeros(0, np.float32),
        kill_band_lo_km=np.array(KILL_BANDS_KM, float),
        asset_debris_km=debris.radius_km, asset_debris_p=debris.probability, debris_on=debris.on,
        fu_chan=fu.chan, fu_react=fu.react_s, fu_reload=fu.reload_s, fu_engtime=fu.engage_s,
        fu_rpl=fu.rounds_per_launcher, fu_round_cost=fu.round_cost, fu_interceptor=fu.interceptor,
        fu_layer=fu.layer, pk=fu.pk,
        type_class=np.array([CLASS_INDEX[cat.threats[t].threat_class] for t in threat_types], np.int64),
        pk_row=np.concatenate([manoeuvre_pk_factor(p, cat.threats[r.threat].terminal_manoeuvre
                                                   if i < len(compiled) else None)  # decoys do not evade
                               for i, (r, p) in enumerate(zip(raid_of, paths))] or [np.ones(0)]),
        cls_salvo=doc.salvo, cls_max_eng=doc.max_eng, cls_max_eng_layer=doc.max_eng_layer, cls_look=doc.look_s,
        cls_engage=doc.engage,
        cls_maxcost=doc.max_round_cost, cls_hold=doc.hold, cls_cw=doc.cost_weight,
        decoy_disc=float(sc.doctrine.decoy_discrimination),
        hold_per_channel=int(sc.battle_manager.hold_per_channel),
        exact_time_s=float(sc.battle_manager.time_budget_ms) / 1000.0,
    )
    return World(
        spec=spec, arrays=arrays, threat_types=threat_types, asset_ids=[a.id for a in sc.assets],
        sensor_ids=[s.id for s in sc.sensors], fire_unit_ids=[f.id for f in sc.fire_units],
        interceptors=interceptors, raid_ids=[r.id or f"raid{i}" for i, r in enumerate(sc.raids)],
        layer_names=fu.layer_names,
        fu_capacity=fu.capacity, fu_reserve=fu.reserve, fu_start_ready=fu.start_ready,
        threat_cost_usd=raids.cost_usd[per_threat["thr_raid"]], raids=raids,
        interceptor_cost_usd=np.array([cat.interceptors[i].unit_cost_usd.value for i in interceptors], float),
        paths=paths, window_first_tau_s=first_tau, window_last_tau_s=last_tau, layout=layout,
        lane_offset_km=np.array([compiled[i].offset_km for i in source], float),
    )
