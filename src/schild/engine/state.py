"""The state of one replication, as named tuples of arrays that the engine's numba functions share.

Scalars that functions advance (counts, cursors) are one-element arrays so that every function can
update them in place.
"""

from __future__ import annotations

from typing import NamedTuple

import numba as nb
import numpy as np

from .codes import INF


class Threats(NamedTuple):
    """Per threat: its draws (launch, impact, EW defeat, decoy recognised) and where it stands."""

    launch: np.ndarray
    t_imp: np.ndarray
    ew_t: np.ndarray  # when an EW zone defeats it (INF: never)
    recognised: np.ndarray  # a decoy the defence has recognised: never engaged
    status: np.ndarray
    end_t: np.ndarray
    n_eng: np.ndarray  # engagements so far
    n_eng_layer: np.ndarray  # (N, layers): engagements so far by each layer's units
    n_shot: np.ndarray  # rounds fired at it so far (indexes its shot uniforms)
    inflight: np.ndarray  # an engagement is on its way
    nxt: np.ndarray  # when it is next worth evaluating
    blocked: np.ndarray  # feasible but no unit free: re-evaluate on a resource event
    holding_for: np.ndarray  # the unit it holds fire for, or -1


class Units(NamedTuple):
    """Per fire unit: rounds, channels, reloads, and the threats holding fire for it."""

    ready: np.ndarray
    reserve: np.ndarray
    capacity: np.ndarray
    busy: np.ndarray  # channels engaged
    reload_at: np.ndarray  # when the reload under way completes (INF: none)
    held: np.ndarray  # threats now holding fire for it


class Engagements(NamedTuple):
    """Engagements fired, and the event queue of their resolutions and channel releases."""

    thr: np.ndarray
    fu: np.ndarray
    icpt_k: np.ndarray
    shots: np.ndarray
    hk: np.ndarray  # heap keys: times
    hv: np.ndarray  # heap values: 2 e (resolution) or 2 e + 1 (channel free)
    hsize: np.ndarray  # one element: heap length
    n: np.ndarray  # one element: engagements fired


class Candidates(NamedTuple):
    """The feasible (threat, unit) engagements of one decision epoch; grown when full."""

    thr: np.ndarray
    fu: np.ndarray
    score: np.ndarray
    k: np.ndarray  # path sample of the threat at the epoch
    chosen: np.ndarray


class Events(NamedTuple):
    """The event buffers of one run (written only when events are recorded)."""

    time: np.ndarray
    kind: np.ndarray
    thr: np.ndarray
    fu: np.ndarray
    sensor: np.ndarray
    range_km: np.ndarray
    asset_km: np.ndarray  # kills and misses: ground distance of the intercept from the target asset (else NaN)
    n: np.ndarray  # one element: events written


class Outputs(NamedTuple):
    """Per-run totals the caller reads."""

    launched: np.ndarray
    killed: np.ndarray
    ew: np.ndarray
    leaked: np.ndarray
    leak_asset: np.ndarray
    shots_icpt: np.ndarray
    shots_fu: np.ndarray
    kills_fu: np.ndarray
    eng_fu: np.ndarray
    ready_left: np.ndarray
    reserve_left: np.ndarray
    end_time: np.ndarray
    held_left: np.ndarray  # one element: hold-for-cheaper slots still held at the end (always 0)
    kill_band: np.ndarray  # (classes, bands): kills by ground distance from the target asset
    kill_km: np.ndarray  # (classes,): sum of those distances
    debris_asset: np.ndarray  # (assets,): damage from the debris of kills near them


@nb.njit(cache=True)
def new_units(ready0, reserve0, capacity):
    F = len(ready0)
    return Units(ready0.copy(), reserve0.copy(), capacity, np.zeros(F, np.int64), np.full(F, INF),
                 np.zeros(F, np.int64))


@nb.njit(cache=True)
def new_engagements(W):
    """Room for every engagement doctrine allows (each threat at most ``max_engagements``)."""
    max_eng_total = 0
    for j in range(len(W.thr_raid)):
        max_eng_total += W.cls_max_eng[W.thr_class[j]]
    n = max_eng_total + 1
    return Engagements(np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64),
                       np.empty(n, np.int64), np.empty(2 * n), np.empty(2 * n, np.int64),
                       np.zeros(1, np.int64), np.zeros(1, np.int64))


@nb.njit(cache=True)
def new_candidates(n):
    return Candidates(np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n), np.empty(n, np.int64),
                      np.empty(n, np.int64))


@nb.njit(cache=True)
def grow_candidates(C):
    """Twice the room, keeping what is listed."""
    n = len(C.thr)
    return Candidates(np.concatenate((C.thr, np.empty(n, np.int64))),
                      np.concatenate((C.fu, np.empty(n, np.int64))),
                      np.concatenate((C.score, np.empty(n))),
                      np.concatenate((C.k, np.empty(n, np.int64))),
                      np.concatenate((C.chosen, np.empty(n, np.int64))))
