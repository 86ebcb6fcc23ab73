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
    thr_parent: np.ndarray  # the missile that released this decoy (drawn before it), or -1: own launch
    thr_result_class: np.ndarray  # class counted in results: decoy for a released decoy, else thr_class
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
    pk: np.ndarray  # (F, T): single-shot kill probability per fire unit and threat type
    type_class: np.ndarray  # (T,): class index of each threat type (the columns of pk)
    pk_row: np.ndarray  # (path rows,): factor on pk of an intercept at each path sample (terminal manoeuvre)
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
    def reentry_deg(self) -> np.ndarray:
        """Per compiled raid: the descent angle at impact, degrees below the horizontal."""
        return np.array([p.reentry_deg for p in self.paths], float)

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
        """The same world with other numbers of threats per scenario raid (released decoys follow their
        missiles), without recomputing any geometry."""
        counts_a = np.asarray(counts, np.int64)
        n_raids = len(self.spec.scenario.raids)
        if counts_a.shape != (n_raids,) or np.any(counts_a < 0):
            raise ValueError(f"need {n_raids} non-negative raid counts, got {list(counts)}")
        per_threat = self.raids.threat_arrays(self.raids.compiled_counts(counts_a))
        sc = self.spec.scenario
        raids = [r.model_copy(update={"count": int(c)}) for r, c in zip(sc.raids, counts_a)]
        spec = dataclasses.replace(self.spec, scenario=sc.model_copy(update={"raids": raids}))
        return dataclasses.replace(self, spec=spec, arrays=self.arrays._replace(**per_threat),
                                   threat_cost_usd=self.raids.cost_usd[per_threat["thr_raid"]])


@dataclass(frozen=True)
class RaidAttributes:
    """Per compiled raid, the attributes that every threat of a raid shares (what the per-threat arrays
    repeat). The scenario's raids come first; after them, one raid of released decoys per raid whose
    missiles release decoys (``parent``: the missiles' raid, ``per_parent``: decoys per missile)."""

    threat_class: np.ndarray  # the class whose doctrine applies (a released decoy passes for its missile)
    threat_type: np.ndarray
    asset: np.ndarray
    value: np.ndarray
    cost_usd: np.ndarray
    result_class: np.ndarray  # the class counted in results
    parent: np.ndarray  # -1, or the raid of the missiles that release this raid's decoys
    per_parent: np.ndarray  # decoys per missile (0 for a scenario raid)

    def compiled_counts(self, counts: np.ndarray) -> np.ndarray:
        """Threats per compiled raid from the scenario raids' counts."""
        full = np.zeros(len(self.parent), np.int64)
        full[:len(counts)] = counts
        for r in np.flatnonzero(self.parent >= 0):
            full[r] = self.per_parent[r] * full[self.parent[r]]
        return full

    def threat_arrays(self, counts: np.ndarray) -> dict[str, np.ndarray]:
        """The per-threat engine arrays for these compiled raid sizes (threats of raid r are contiguous;
        decoy ``i`` of a released raid belongs to missile ``i // per_parent`` of its parent raid)."""
        counts = np.asarray(counts, np.int64)
        thr_raid = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        starts = np.cumsum(counts) - counts
        rank = np.arange(len(thr_raid), dtype=np.int64) - starts[thr_raid]
        parent_raid = self.parent[thr_raid]
        released = parent_raid >= 0
        thr_parent = np.full(len(thr_raid), -1, np.int64)
        thr_parent[released] = starts[parent_raid[released]] + rank[released] // self.per_parent[thr_raid[released]]
        return dict(thr_raid=thr_raid, thr_class=self.threat_class[thr_raid], thr_type=self.threat_type[thr_raid],
                    thr_asset=self.asset[thr_raid], thr_value=self.value[thr_raid], thr_rank=rank,
                    thr_parent=thr_parent, thr_result_class=self.result_class[thr_raid], raid_count=counts)
