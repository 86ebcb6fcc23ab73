"""The compiled world: the struct of arrays the engine reads, and the names to read results by."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ..geometry.paths import Path
from ..scenario.catalog_models import THREAT_CLASSES
from ..scenario.loading import ScenarioSpec
from .lanes import RaidLayout

NC = len(THREAT_CLASSES)
CLASS_INDEX = {c: i for i, c in enumerate(THREAT_CLASSES)}
BIG = 1e18
DOCTRINE_INPUTS = frozenset({"pk", "fu_round_cost", "cls_salvo", "cls_engage", "cls_maxcost", "cls_cw"})


class WorldArrays(NamedTuple):
    """Struct of arrays for the engine (numba reads this tuple directly)."""

    thr_raid: np.ndarray
    thr_class: np.ndarray
    thr_type: np.ndarray
    thr_asset: np.ndarray
    thr_value: np.ndarray
    thr_rank: np.ndarray  # index of the threat within its scenario raid (its place in the launch order)
    thr_parent: np.ndarray  # the missile that released this decoy (drawn before it), or -1: own launch
    thr_result_class: np.ndarray  # class counted in results: decoy for a released decoy, else thr_class
    raid_lo: np.ndarray
    raid_hi: np.ndarray
    raid_even: np.ndarray
    raid_count: np.ndarray  # threats in the scenario raid of each compiled raid (even launches spread over it)
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
    asset_dist_km: np.ndarray  # (path rows,) float32: ground distance of the sample from the raid's target
    fu_chan: np.ndarray
    fu_react: np.ndarray
    fu_reload: np.ndarray
    fu_engtime: np.ndarray
    fu_rpl: np.ndarray
    fu_round_cost: np.ndarray
    fu_interceptor: np.ndarray
    fu_layer: np.ndarray  # (F,): layer index of each fire unit (``World.layer_names``)
    pk: np.ndarray  # (F, T): single-shot kill probability per fire unit and threat type
    type_class: np.ndarray  # (T,): class index of each threat type (the columns of pk)
    pk_row: np.ndarray  # (path rows,): factor on pk of an intercept at each path sample (terminal manoeuvre)
    cls_salvo: np.ndarray
    cls_max_eng: np.ndarray  # engagements per threat, all layers together
    cls_max_eng_layer: np.ndarray  # engagements per threat by one layer's units
    cls_look: np.ndarray
    cls_engage: np.ndarray
    cls_maxcost: np.ndarray
    cls_hold: np.ndarray
    cls_cw: np.ndarray
    decoy_disc: float
    hold_per_channel: int
    exact_time_s: float
    kill_band_lo_km: np.ndarray  # lower edges of the kill-distance bands (the last band is open)
    asset_debris_km: np.ndarray  # (A,) debris radius per asset (-1: no rule)
    asset_debris_p: np.ndarray  # (A,) probability a kill within that radius damages the asset
    debris_on: bool  # some asset has a debris rule: each threat has one more uniform, the last


@dataclass
class World:
    """A compiled scenario: arrays for the engine plus the names to read results by.

    The engine's raid arrays are per *compiled* raid: one per target asset and corridor lane of each
    scenario raid (``layout`` maps them back; ``raid_ids`` names the scenario raids).
    """

    spec: ScenarioSpec
    arrays: WorldArrays
    threat_types: list[str]
    asset_ids: list[str]
    sensor_ids: list[str]
    fire_unit_ids: list[str]
    interceptors: list[str]
    raid_ids: list[str]  # per scenario raid
    layer_names: list[str]
    fu_capacity: np.ndarray  # rounds loaded when full
    fu_reserve: np.ndarray  # rounds held for reloads at start
    fu_start_ready: np.ndarray
    threat_cost_usd: np.ndarray  # per threat
    interceptor_cost_usd: np.ndarray
    raids: RaidAttributes  # per compiled raid
    layout: RaidLayout
    lane_offset_km: np.ndarray  # per compiled raid: across-track offset of its lane (positive to the right)
    paths: list[Path] = field(repr=False, default_factory=list)  # per compiled raid
    window_first_tau_s: np.ndarray | None = field(repr=False, default=None)  # compiled raids x units (inf: none)
    window_last_tau_s: np.ndarray | None = field(repr=False, default=None)

    @property
    def n_threats(self) -> int:
        return len(self.arrays.thr_raid)

    @property
    def n_uniforms(self) -> int:
        """Uniform numbers drawn per threat per run: launch, decoy, one per EW zone, one per shot, and one
        for debris damage only when a debris rule is set (see ``engine/draws``)."""
        return self.n_combat_uniforms + int(self.arrays.debris_on)

    @property
    def n_combat_uniforms(self) -> int:
        """The uniforms before the debris column: launch, decoy, one per EW zone, one per shot."""
        a = self.arrays
        return 2 + a.ew_k.shape[1] + int((a.cls_salvo * a.cls_max_eng).max())

    @property
    def reentry_deg(self) -> np.ndarray:
        """Per compiled raid: the descent angle at impact, degrees below the horizontal."""
        return np.array([p.reentry_deg for p in self.paths], float)

    @property
    def name(self) -> str:
        return self.spec.scenario.name

    def with_arrays(self, **changes: object) -> "World":
        """A copy sharing geometry but with some engine arrays replaced (e.g. ``pk``, ``ew_p``).

        Calibration and sweeps use this to vary kill or EW probabilities without recompiling paths.
        Only probabilities and doctrine numbers may change this way; geometry-derived arrays may not. Where
        kill probabilities, round costs or doctrine change, which units may engage each raid is decided again
        (a unit given a kill probability above 0 may fire; one whose engagements no longer pay may not).
        """
        arrays = self.arrays._replace(**changes)
        if DOCTRINE_INPUTS.intersection(changes) and self.window_first_tau_s is not None:
            from .doctrine import engaging_units

            e = engaging_units(self.window_first_tau_s, self.window_last_tau_s, arrays.pk, arrays.fu_round_cost,
                               self.raids.threat_type, self.raids.threat_class, self.raids.value, arrays.cls_salvo,
                               arrays.cls_engage, arrays.cls_maxcost, arrays.cls_cw)
            arrays = arrays._replace(raid_fus=e.raid_fus, raid_nfu=e.raid_nfu, wake_tau=e.wake_tau,
                                     last_tau=e.last_tau)
        return dataclasses.replace(self, arrays=arrays)

    def with_counts(self, counts: Sequence[int]) -> "World":
        """The same world with other numbers of threats per scenario raid, without recomputing any geometry:
        each raid's threats are dealt to its targets and lanes as ``compile_world`` deals them, and released
        decoys follow their missiles. The lanes stay those compiled (for a corridor, at most the compiled
        count's lanes)."""
        counts_a = np.asarray(counts, np.int64)
        if counts_a.shape != (len(self.raid_ids),) or np.any(counts_a < 0):
            raise ValueError(f"need {len(self.raid_ids)} non-negative raid counts, got {list(counts)}")
        per_threat = self.raids.threat_arrays(self.layout.deal(counts_a))
        sc = self.spec.scenario
        raids = [r.model_copy(update={"count": int(c)}) for r, c in zip(sc.raids, counts_a)]
        spec = dataclasses.replace(self.spec, scenario=sc.model_copy(update={"raids": raids}))
        return dataclasses.replace(self, spec=spec, arrays=self.arrays._replace(**per_threat),
                                   threat_cost_usd=self.raids.cost_usd[per_threat["thr_raid"]])


@dataclass(frozen=True)
class RaidAttributes:
    """Per compiled raid, the attributes that every threat of a raid shares (what the per-threat arrays
    repeat). The lanes and targets of the scenario's raids come first; after them, one raid of released decoys
    per compiled raid whose missiles release decoys (``parent``: the missiles' compiled raid, ``per_parent``:
    decoys per missile)."""

    threat_class: np.ndarray  # the class whose doctrine applies (a released decoy passes for its missile)
    threat_type: np.ndarray
    asset: np.ndarray
    value: np.ndarray
    cost_usd: np.ndarray
    result_class: np.ndarray  # the class counted in results
    parent: np.ndarray  # -1, or the raid of the missiles that release this raid's decoys
    per_parent: np.ndarray  # decoys per missile (0 for a scenario raid)

    def threat_arrays(self, dealt: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The per-threat engine arrays for threats dealt to compiled raids (``RaidLayout.deal``), followed by
        the released decoys: ``per_parent`` per missile of their parent raid, after every missile."""
        raids, ranks, parents = [dealt["thr_raid"]], [dealt["thr_rank"]], [np.full(len(dealt["thr_raid"]), -1)]
        raid_count = np.zeros(len(self.parent), np.int64)
        raid_count[:len(dealt["raid_count"])] = dealt["raid_count"]
        for r in np.flatnonzero(self.parent >= 0):
            missiles = np.repeat(np.flatnonzero(dealt["thr_raid"] == self.parent[r]), self.per_parent[r])
            raids.append(np.full(len(missiles), r, np.int64))
            ranks.append(np.arange(len(missiles), dtype=np.int64))
            parents.append(missiles)
            raid_count[r] = len(missiles)
        thr_raid = np.concatenate(raids).astype(np.int64)
        return dict(thr_raid=thr_raid, thr_class=self.threat_class[thr_raid], thr_type=self.threat_type[thr_raid],
                    thr_asset=self.asset[thr_raid], thr_value=self.value[thr_raid],
                    thr_rank=np.concatenate(ranks).astype(np.int64),
                    thr_parent=np.concatenate(parents).astype(np.int64),
                    thr_result_class=self.result_class[thr_raid], raid_count=raid_count)
