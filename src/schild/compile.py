"""Compile a validated scenario into the arrays the engine runs on.

Everything geometric is done here once: paths, detection, engagement windows and the intercept point
of a shot fired at any moment. The engine then only looks numbers up, so a world compiled once can be
simulated thousands of times (Monte Carlo, campaigns, planning sweeps).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .resources import check_compile
from .engine.geometry import OPTICAL_K_KM, Path, ground_distance_m, radar_horizon_km, sample_path
from .scenario.catalog_models import THREAT_CLASSES
from .scenario.loading import ScenarioSpec

NC = len(THREAT_CLASSES)
CLASS_INDEX = {c: i for i, c in enumerate(THREAT_CLASSES)}
BIG = 1e18


class WorldArrays(NamedTuple):
    """Struct of arrays for the engine (numba reads this tuple directly)."""

    thr_raid: np.ndarray
    thr_class: np.ndarray
    thr_type: np.ndarray
    thr_asset: np.ndarray
    thr_value: np.ndarray
    thr_rank: np.ndarray  # index of the threat within its raid
    raid_lo: np.ndarray
    raid_hi: np.ndarray
    raid_even: np.ndarray
    raid_count: np.ndarray
    path_off: np.ndarray
    dtau: np.ndarray
    nsamp: np.ndarray
    tau_imp: np.ndarray
    det_k: np.ndarray
    det_sensor: np.ndarray
    det_range_km: np.ndarray
    first_k: np.ndarray
    last_k: np.ndarray
    wake_tau: np.ndarray
    last_tau: np.ndarray
    raid_fus: np.ndarray
    raid_nfu: np.ndarray
    ew_k: np.ndarray
    ew_p: np.ndarray
    shot_icpt: np.ndarray
    next_ok: np.ndarray
    rng_km: np.ndarray
    fu_chan: np.ndarray
    fu_react: np.ndarray
    fu_reload: np.ndarray
    fu_engtime: np.ndarray
    fu_rpl: np.ndarray
    fu_round_cost: np.ndarray
    fu_interceptor: np.ndarray
    pk: np.ndarray
    cls_salvo: np.ndarray
    cls_max_eng: np.ndarray
    cls_look: np.ndarray
    cls_engage: np.ndarray
    cls_maxcost: np.ndarray
    cls_hold: np.ndarray
    cls_cw: np.ndarray
    decoy_disc: float
    hold_per_channel: int
    exact_time_s: float


@dataclass
class World:
    """A compiled scenario: arrays for the engine plus the names to read results by."""

    spec: ScenarioSpec
    arrays: WorldArrays
    threat_types: list[str]
    asset_ids: list[str]
    sensor_ids: list[str]
    fire_unit_ids: list[str]
    interceptors: list[str]
    raid_ids: list[str]
    fu_capacity: np.ndarray  # rounds loaded when full
    fu_reserve: np.ndarray  # rounds held for reloads at start
    fu_start_ready: np.ndarray
    threat_cost_usd: np.ndarray  # per threat
    interceptor_cost_usd: np.ndarray
    raids: RaidAttributes
    paths: list[Path] = field(repr=False, default_factory=list)

    @property
    def n_threats(self) -> int:
        return len(self.arrays.thr_raid)

    @property
    def n_uniforms(self) -> int:
        """Uniform numbers drawn per threat per run: launch, decoy, one per EW zone, one per shot."""
        a = self.arrays
        return 2 + a.ew_k.shape[1] + int((a.cls_salvo * a.cls_max_eng).max())

    @property
    def name(self) -> str:
        return self.spec.scenario.name

    def with_arrays(self, **changes: object) -> "World":
        """A copy sharing geometry but with some engine arrays replaced (e.g. ``pk``, ``ew_p``).

        Calibration and sweeps use this to vary kill or EW probabilities without recompiling paths.
        Only probabilities and doctrine numbers may change this way; geometry-derived arrays may not.
        """
        return dataclasses.replace(self, arrays=self.arrays._replace(**changes))

    def with_counts(self, counts: Sequence[int]) -> "World":
        """The same world with other numbers of threats per raid, without recomputing any geometry."""
        counts_a = np.asarray(counts, np.int64)
        if counts_a.shape != self.arrays.raid_count.shape or np.any(counts_a < 0):
            raise ValueError(f"need {len(self.arrays.raid_count)} non-negative raid counts, got {list(counts)}")
        per_threat = self.raids.threat_arrays(counts_a)
        sc = self.spec.scenario
        raids = [r.model_copy(update={"count": int(c)}) for r, c in zip(sc.raids, counts_a)]
        spec = dataclasses.replace(self.spec, scenario=sc.model_copy(update={"raids": raids}))
        return dataclasses.replace(self, spec=spec, arrays=self.arrays._replace(**per_threat),
                                   threat_cost_usd=self.raids.cost_usd[per_threat["thr_raid"]])


def _ew_zones(spec: ScenarioSpec) -> list[tuple[float, float, float, dict[str, float]]]:
    sc = spec.scenario
    zones = []
    if sc.electronic_warfare is None:
        return zones
    for z in sc.electronic_warfare.zones:
        centres = [(z.center.lat, z.center.lon)] if z.center else [(a.lat, a.lon) for a in sc.assets]
        for lat, lon in centres:
            zones.append((lat, lon, z.radius_km, dict(z.defeat_probability)))
    return zones


def _first_true(mask: np.ndarray) -> int:
    idx = np.flatnonzero(mask)
    return int(idx[0]) if len(idx) else -1


@dataclass(frozen=True)
class RaidAttributes:
    """Per-raid attributes that every threat of a raid shares (what the per-threat arrays repeat)."""

    threat_class: np.ndarray
    threat_type: np.ndarray
    asset: np.ndarray
    value: np.ndarray
    cost_usd: np.ndarray

    def threat_arrays(self, counts: np.ndarray) -> dict[str, np.ndarray]:
        """The per-threat engine arrays for these raid sizes (threats of raid r are contiguous)."""
        counts = np.asarray(counts, np.int64)
        thr_raid = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        starts = np.cumsum(counts) - counts
        return dict(thr_raid=thr_raid, thr_class=self.threat_class[thr_raid], thr_type=self.threat_type[thr_raid],
                    thr_asset=self.asset[thr_raid], thr_value=self.value[thr_raid],
                    thr_rank=np.arange(len(thr_raid), dtype=np.int64) - starts[thr_raid], raid_count=counts)


def _doctrine_allows(pk: float, round_cost: float, value: float, c: int, salvo: np.ndarray, engage: np.ndarray,
                     maxcost: np.ndarray, cost_weight: np.ndarray) -> bool:
    """Whether doctrine ever lets this unit engage this class at this asset's value (cost awareness)."""
    if pk <= 0 or not engage[c] or round_cost > maxcost[c]:
        return False
    p_eng = 1.0 - (1.0 - pk) ** salvo[c]
    return value * p_eng - cost_weight[c] * salvo[c] * round_cost > 0


def _next_feasible(icpt: np.ndarray) -> np.ndarray:
    """For each sample and unit, the next sample (>=) at which a shot is feasible, or -1."""
    K = icpt.shape[0]
    idx = np.where(icpt >= 0, np.arange(K)[:, None], K)
    nxt = np.minimum.accumulate(idx[::-1], axis=0)[::-1]
    return np.where(nxt >= K, -1, nxt).astype(np.int32)


def compile_world(spec: ScenarioSpec) -> World:
    """Turn a ScenarioSpec into a World (all geometry precomputed); refuses (InputError) a scenario whose
    geometry would not fit in memory or would take too long (see ``resources``)."""
    check_compile(spec)
    sc, cat = spec.scenario, spec.catalog
    assets = {a.id: i for i, a in enumerate(sc.assets)}
    threat_types = sorted({r.threat for r in sc.raids})
    type_index = {t: i for i, t in enumerate(threat_types)}
    fus = sc.fire_units
    interceptors = sorted({cat.effectors[f.type].interceptor for f in fus})
    icpt_index = {t: i for i, t in enumerate(interceptors)}
    F, R = len(fus), len(sc.raids)
    zones = _ew_zones(spec)
    Z = len(zones)

    # Fire units.
    fu_chan = np.zeros(F, np.int64)
    fu_react = np.zeros(F)
    fu_reload = np.zeros(F)
    fu_engtime = np.zeros(F)
    fu_rpl = np.zeros(F, np.int64)
    fu_capacity = np.zeros(F, np.int64)
    fu_reserve = np.zeros(F, np.int64)
    fu_start = np.zeros(F, np.int64)
    fu_round_cost = np.zeros(F)
    fu_speed = np.zeros(F)
    fu_interceptor = np.zeros(F, np.int64)
    pk = np.zeros((F, NC))
    env = np.zeros((F, NC, 4))  # min_r_km, max_r_km, min_alt, max_alt
    for f, fu in enumerate(fus):
        et = cat.effectors[fu.type]
        it = cat.interceptors[et.interceptor]
        fu_chan[f] = int(round(et.fire_channels.value))
        fu_react[f] = et.reaction_time_s.value
        fu_reload[f] = et.reload_time_s.value
        fu_engtime[f] = et.engagement_time_s.value
        fu_rpl[f] = int(round(et.rounds_per_launcher.value))
        fu_capacity[f] = int(round(et.launchers.value)) * fu_rpl[f]
        fu_reserve[f] = fu.reserve_rounds if fu.reserve_rounds is not None else int(round(et.reserve_rounds.value))
        fu_start[f] = min(fu.rounds, fu_capacity[f]) if fu.rounds is not None else fu_capacity[f]
        if fu.rounds is not None and fu.rounds > fu_capacity[f]:
            fu_reserve[f] += fu.rounds - fu_capacity[f]
        fu_round_cost[f] = it.unit_cost_usd.value
        fu_speed[f] = it.speed_mps.value
        fu_interceptor[f] = icpt_index[et.interceptor]
        for cname, e in et.envelope.items():
            c = CLASS_INDEX[cname]
            pk[f, c] = e.pk.value
            env[f, c] = (e.min_range_km.value, e.max_range_km.value, e.min_altitude_m.value, e.max_altitude_m.value)
        if "drone" in et.envelope and "decoy" not in et.envelope:
            pk[f, CLASS_INDEX["decoy"]] = pk[f, CLASS_INDEX["drone"]]
            env[f, CLASS_INDEX["decoy"]] = env[f, CLASS_INDEX["drone"]]

    # Doctrine per class.
    doc = sc.doctrine
    cls_salvo = np.array([doc.for_class(c).salvo for c in THREAT_CLASSES], np.int64)
    cls_max_eng = np.array([doc.for_class(c).max_engagements for c in THREAT_CLASSES], np.int64)
    cls_look = np.array([doc.for_class(c).look_time_s for c in THREAT_CLASSES], float)
    cls_engage = np.array([doc.for_class(c).engage for c in THREAT_CLASSES], np.bool_)
    cls_maxcost = np.array([min(doc.for_class(c).resolved_max_round_cost(c), BIG) for c in THREAT_CLASSES], float)
    cls_hold = np.array([doc.for_class(c).resolved_hold(c) for c in THREAT_CLASSES], np.bool_)
    cls_cw = np.array([doc.for_class(c).resolved_cost_weight(c) for c in THREAT_CLASSES], float)

    # Sensors.
    sensors = []
    for s in sc.sensors:
        st = cat.sensors[s.type]
        mast = s.mast_height_m if s.mast_height_m is not None else st.mast_height_m.value
        sensors.append((s, st, mast + s.alt_m))

    asset_value = np.array([a.value for a in sc.assets], float)

    # Raids: paths, detection, windows, intercept tables.
    paths: list[Path] = []
    path_off = np.zeros(R + 1, np.int64)
    dtau = np.zeros(R)
    nsamp = np.zeros(R, np.int64)
    tau_imp = np.zeros(R)
    det_k = np.full(R, -1, np.int64)
    det_sensor = np.full(R, -1, np.int64)
    det_range = np.full(R, np.nan)
    first_k = np.full((R, F), -1, np.int64)
    last_k = np.full((R, F), -1, np.int64)
    wake_tau = np.full(R, np.inf)
    last_tau = np.full(R, -np.inf)
    raid_fus = np.full((R, max(F, 1)), -1, np.int64)
    raid_nfu = np.zeros(R, np.int64)
    ew_k = np.full((R, Z), -1, np.int64)
    ew_p = np.zeros((R, Z))
    icpt_blocks, rng_blocks, next_blocks = [], [], []
    for r, raid in enumerate(sc.raids):
        tt = cat.threats[raid.threat]
        cname = tt.threat_class
        c = CLASS_INDEX[cname]
        tgt = sc.assets[assets[raid.target]]
        p = sample_path(raid.origin.lat, raid.origin.lon, tgt.lat, tgt.lon, tt.speed_mps.value, cname,
                        cruise_alt_m=tt.altitude_m.value if tt.altitude_m else 0.0,
                        apogee_m=tt.apogee_m.value if tt.apogee_m else None,
                        dive_km=tt.terminal_dive_km.value if tt.terminal_dive_km else None)
        paths.append(p)
        K = len(p.tau_s)
        path_off[r + 1] = path_off[r] + K
        dtau[r] = p.dtau_s
        nsamp[r] = K
        tau_imp[r] = p.tau_s[-1]
        # Detection: the earliest sample any sensor sees; sensors share one air picture.
        best = (K, -1, np.nan)
        for si, (s, st, h_radar) in enumerate(sensors):
            if cname not in st.detected_classes():
                continue
            g = ground_distance_m(s.lat, s.lon, p.lat, p.lon)
            slant_km = np.hypot(g, p.alt_m) / 1000.0
            ok = slant_km <= st.range_km.value
            if st.kind == "radar":
                ok &= g / 1000.0 <= radar_horizon_km(h_radar, p.alt_m)
            elif st.kind == "optical":
                ok &= g / 1000.0 <= radar_horizon_km(h_radar, p.alt_m, OPTICAL_K_KM)
            if st.max_target_altitude_m is not None:
                ok &= p.alt_m <= st.max_target_altitude_m.value
            if st.min_target_altitude_m is not None:
                ok &= p.alt_m >= st.min_target_altitude_m.value
            k0 = _first_true(ok[:-1])
            if 0 <= k0 < best[0]:
                best = (k0, si, float(slant_km[k0]))
        if best[1] >= 0:
            det_k[r], det_sensor[r], det_range[r] = best
        # Fire units: slant range per sample, intercept sample for a shot at each sample.
        icpt = np.full((K, F), -1, np.int32)
        value = asset_value[assets[raid.target]]
        rng = np.zeros((K, F), np.float32)
        for f, fu in enumerate(fus):
            g = ground_distance_m(fu.lat, fu.lon, p.lat, p.lon)
            slant_km = np.hypot(g, p.alt_m) / 1000.0
            rng[:, f] = slant_km
            if not _doctrine_allows(pk[f, c], fu_round_cost[f], value, c, cls_salvo, cls_engage, cls_maxcost,
                                    cls_cw) or best[1] < 0:
                continue
            lo_r, hi_r, lo_h, hi_h = env[f, c]
            in_env = (slant_km >= lo_r) & (slant_km <= hi_r) & (p.alt_m >= lo_h) & (p.alt_m <= hi_h)
            in_env[-1] = False  # an intercept at impact is too late
            if not in_env.any():
                continue
            latest_shot = p.tau_s - slant_km * 1000.0 / fu_speed[f]
            cm = np.maximum.accumulate(latest_shot)
            i_star = np.searchsorted(cm, p.tau_s, side="left")
            valid = i_star < K
            i_clip = np.minimum(i_star, K - 1)
            valid &= in_env[i_clip]
            icpt[:, f] = np.where(valid, i_clip, -1)
            # Shots are only possible once the threat is detected and the unit has reacted.
            earliest_shot_tau = p.tau_s[best[0]] + fu_react[f]
            icpt[p.tau_s < earliest_shot_tau - 1e-9, f] = -1
            ks = np.flatnonzero(icpt[:, f] >= 0)
            if len(ks) == 0:
                continue
            first_k[r, f], last_k[r, f] = ks[0], ks[-1]
            raid_fus[r, raid_nfu[r]] = f
            raid_nfu[r] += 1
            wake_tau[r] = min(wake_tau[r], p.tau_s[ks[0]])
            last_tau[r] = max(last_tau[r], p.tau_s[ks[-1]])
        icpt_blocks.append(icpt)
        rng_blocks.append(rng)
        next_blocks.append(_next_feasible(icpt))
        for z, (zlat, zlon, radius_km, probs) in enumerate(zones):
            g = ground_distance_m(zlat, zlon, p.lat, p.lon)
            ew_k[r, z] = _first_true(g[:-1] <= radius_km * 1000.0)
            ew_p[r, z] = probs.get(cname, 0.0)

    # Threats.
    raids = RaidAttributes(
        threat_class=np.array([CLASS_INDEX[cat.threats[r.threat].threat_class] for r in sc.raids], np.int64),
        threat_type=np.array([type_index[r.threat] for r in sc.raids], np.int64),
        asset=np.array([assets[r.target] for r in sc.raids], np.int64),
        value=asset_value[np.array([assets[r.target] for r in sc.raids], np.int64)],
        cost_usd=np.array([cat.threats[r.threat].unit_cost_usd.value for r in sc.raids], float),
    )
    per_threat = raids.threat_arrays(np.array([r.count for r in sc.raids], np.int64))

    arrays = WorldArrays(
        **per_threat,
        raid_lo=np.array([r.launch_window_s[0] for r in sc.raids], float),
        raid_hi=np.array([r.launch_window_s[1] for r in sc.raids], float),
        raid_even=np.array([r.launch_pattern == "even" for r in sc.raids], np.bool_),
        path_off=path_off, dtau=dtau, nsamp=nsamp, tau_imp=tau_imp,
        det_k=det_k, det_sensor=det_sensor, det_range_km=det_range,
        first_k=first_k, last_k=last_k, wake_tau=wake_tau, last_tau=last_tau,
        raid_fus=raid_fus, raid_nfu=raid_nfu, ew_k=ew_k, ew_p=ew_p,
        shot_icpt=np.concatenate(icpt_blocks) if icpt_blocks else np.zeros((0, F), np.int32),
        next_ok=np.concatenate(next_blocks) if next_blocks else np.zeros((0, F), np.int32),
        rng_km=np.concatenate(rng_blocks) if rng_blocks else np.zeros((0, F), np.float32),
        fu_chan=fu_chan, fu_react=fu_react, fu_reload=fu_reload, fu_engtime=fu_engtime, fu_rpl=fu_rpl,
        fu_round_cost=fu_round_cost, fu_interceptor=fu_interceptor, pk=pk,
        cls_salvo=cls_salvo, cls_max_eng=cls_max_eng, cls_look=cls_look, cls_engage=cls_engage,
        cls_maxcost=cls_maxcost, cls_hold=cls_hold, cls_cw=cls_cw,
        decoy_disc=float(doc.decoy_discrimination),
        hold_per_channel=int(sc.battle_manager.hold_per_channel),
        exact_time_s=float(sc.battle_manager.time_budget_ms) / 1000.0,
    )
    return World(
        spec=spec, arrays=arrays, threat_types=threat_types, asset_ids=[a.id for a in sc.assets],
        sensor_ids=[s.id for s in sc.sensors], fire_unit_ids=[f.id for f in fus], interceptors=interceptors,
        raid_ids=[r.id or f"raid{i}" for i, r in enumerate(sc.raids)],
        fu_capacity=fu_capacity, fu_reserve=fu_reserve, fu_start_ready=fu_start,
        threat_cost_usd=raids.cost_usd[per_threat["thr_raid"]], raids=raids,
        interceptor_cost_usd=np.array([cat.interceptors[i].unit_cost_usd.value for i in interceptors], float),
        paths=paths,
    )
