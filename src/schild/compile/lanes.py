"""Compiled raids: each scenario raid becomes one compiled raid per target asset and lane of its corridor
(see ``geometry.routes``), and its threats are dealt to them.

Dealing is by the threat's rank in the scenario raid (its place in the launch order, which an even launch
pattern spreads over the whole raid): ranks go to targets in proportion to their shares (target t's k-th
threat takes the place (k + 1/2) / n_t of the raid, n_t split by largest remainder), and a target's
threats go round its lanes in an order that spreads any remainder across the corridor (lanes ranked by
the van der Corput sequence). So each lane and target launches throughout the window, an even raid stays
evenly spaced over all its threats (``raid_count`` of every compiled raid is the scenario raid's count,
``thr_rank`` the rank in it), and the deal depends only on the counts: the same for any number of workers.
A scenario raid with one target and no corridor is one compiled raid with its threats in rank order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..geometry.routes import LatLon, raid_lanes, split_by_shares
from ..scenario.loading import ScenarioSpec


@dataclass(frozen=True)
class CompiledRaid:
    """One path flown by part of a scenario raid."""

    raid: int  # index of the scenario raid
    target: int  # index into that raid's targets
    asset: str
    offset_km: float  # across the track, positive to the right
    points: list[LatLon]


@dataclass(frozen=True)
class RaidLayout:
    """Which compiled raids fly each scenario raid (per target, lanes in order of offset), and the shares."""

    scenario_raid: np.ndarray  # (compiled raids,): index of the scenario raid
    shares: tuple[tuple[float, ...], ...]  # per scenario raid, per target
    lanes: tuple[tuple[tuple[int, ...], ...], ...]  # per scenario raid, per target: compiled raid indices

    def deal(self, counts: np.ndarray) -> dict[str, np.ndarray]:
        """Per-threat ``thr_raid`` (compiled raid) and ``thr_rank`` (rank in the scenario raid), threats of a
        compiled raid contiguous in rank order, and ``raid_count`` per compiled raid."""
        if len(self.scenario_raid) == len(self.lanes):  # one path per raid: threats in rank order
            raid_count = np.asarray(counts, np.int64)
            thr_raid = np.repeat(np.arange(len(raid_count), dtype=np.int64), raid_count)
            starts = np.cumsum(raid_count) - raid_count
            return dict(thr_raid=thr_raid, thr_rank=np.arange(len(thr_raid), dtype=np.int64) - starts[thr_raid],
                        raid_count=raid_count)
        raid_of, rank_of = [], []
        raid_count = np.zeros(len(self.scenario_raid), np.int64)
        for s, n in enumerate(np.asarray(counts, np.int64)):
            n_t = split_by_shares(int(n), list(self.shares[s]))
            place = np.concatenate([(np.arange(c) + 0.5) / c for c in n_t if c] or [np.zeros(0)])
            target = np.repeat(np.arange(len(n_t)), n_t)
            local = np.concatenate([np.arange(c) for c in n_t if c] or [np.zeros(0, np.int64)]).astype(np.int64)
            order = np.lexsort((target, place))  # rank g is the g-th place; ties to the earlier target
            target, local = target[order], local[order]
            compiled = np.empty(int(n), np.int64)
            for t, lanes in enumerate(self.lanes[s]):
                mine = target == t
                compiled[mine] = np.asarray(lanes, np.int64)[_lane_order(len(lanes))[local[mine] % len(lanes)]]
            raid_of.append(compiled)
            rank_of.append(np.arange(int(n), dtype=np.int64))
            raid_count[[r for lanes in self.lanes[s] for r in lanes]] = n
        thr_raid = np.concatenate(raid_of) if raid_of else np.zeros(0, np.int64)
        thr_rank = np.concatenate(rank_of) if rank_of else np.zeros(0, np.int64)
        order = np.lexsort((thr_rank, thr_raid))
        return dict(thr_raid=thr_raid[order], thr_rank=thr_rank[order], raid_count=raid_count)


@lru_cache(maxsize=64)
def _lane_order(lanes: int) -> np.ndarray:
    """The lane each turn of the deal goes to: lanes ranked by the van der Corput sequence, so the first
    few turns of a round (a remainder) are spread across the corridor rather than on one side."""
    def radical_inverse(i: int) -> float:
        x, f = 0.0, 0.5
        while i:
            x, i, f = x + f * (i & 1), i >> 1, f / 2
        return x

    vdc = np.array([radical_inverse(i) for i in range(lanes)])
    out = np.empty(lanes, np.int64)
    out[np.arange(lanes)] = np.argsort(np.argsort(vdc, kind="stable"), kind="stable")
    out.setflags(write=False)
    return out


def compile_layout(spec: ScenarioSpec) -> tuple[list[CompiledRaid], RaidLayout]:
    """The compiled raids of a scenario, in order of scenario raid, target and offset, and their layout."""
    sc = spec.scenario
    assets = {a.id: a for a in sc.assets}
    compiled: list[CompiledRaid] = []
    shares, lanes = [], []
    for s, raid in enumerate(sc.raids):
        targets = raid.target_shares()
        counts = split_by_shares(raid.count, [share for _, share in targets])
        per_target = raid_lanes((raid.origin.lat, raid.origin.lon), [(v.lat, v.lon) for v in raid.via],
                                [(assets[a].lat, assets[a].lon) for a, _ in targets], counts, raid.corridor_km)
        raid_lanes_idx = []
        for t, target_lanes in enumerate(per_target):
            first = len(compiled)
            compiled += [CompiledRaid(s, t, targets[t][0], lane.offset_km, lane.points) for lane in target_lanes]
            raid_lanes_idx.append(tuple(range(first, len(compiled))))
        shares.append(tuple(share for _, share in targets))
        lanes.append(tuple(raid_lanes_idx))
    layout = RaidLayout(np.array([c.raid for c in compiled], np.int64), tuple(shares), tuple(lanes))
    return compiled, layout
