"""The agenda of threat evaluations, so that an epoch touches only the threats due at it.

At an epoch ``t`` the battle manager evaluates the threats due a look by ``t`` and, after a resource
event (a channel freed, a reload completed), every threat blocked waiting for a unit; always in the order
the threats came into reach. Scanning every threat in the air at every epoch made a run's cost grow with
the square of the raid. The agenda keeps instead:

* an indexed min-heap of the threats still in play, keyed by ``T.nxt`` (when each is next due a look):
  alive, with a chance left, and no engagement in flight;
* the threats that may be blocked (a compact list, cleaned when read at a resource event);
* the threats with an engagement in flight, put back on the heap when it resolves and they survive.

The due threats of an epoch are sorted by ``rank`` (their place in the order of coming into reach).
"""

from __future__ import annotations

from typing import NamedTuple

import numba as nb
import numpy as np

from .codes import INF, ST_ALIVE, lean


class Agenda(NamedTuple):
    """Per threat: place in the heap, rank, flags; and the lists of due, blocked and flying threats."""

    heap: np.ndarray  # threats in heap order (keyed by T.nxt)
    pos: np.ndarray  # each threat's place in ``heap``, or -1
    rank: np.ndarray  # its place in the order of coming into reach
    in_play: np.ndarray  # active: it still has a chance (dropped threats never come back)
    in_blk: np.ndarray  # listed in ``blk``
    queued: np.ndarray  # listed in ``due`` this epoch
    blk: np.ndarray  # threats that may be blocked
    due: np.ndarray  # ranks of the threats due this epoch (sorted before evaluation)
    flying: np.ndarray  # threats with an engagement in flight
    n: np.ndarray  # [heap size, blocked listed, due listed, flying listed]


HEAP, BLK, DUE, FLY = 0, 1, 2, 3


@nb.njit(cache=True)
def new_agenda(order):
    N = len(order)
    rank = np.empty(N, np.int64)
    for i in range(N):
        rank[order[i]] = i
    return Agenda(np.empty(N, np.int64), np.full(N, -1, np.int64), rank, np.zeros(N, np.bool_),
                  np.zeros(N, np.bool_), np.zeros(N, np.bool_), np.empty(N, np.int64), np.empty(N, np.int64),
                  np.empty(N, np.int64), np.zeros(4, np.int64))


@lean
def _swap(A, i, k):
    a, b = A.heap[i], A.heap[k]
    A.heap[i], A.heap[k] = b, a
    A.pos[b], A.pos[a] = i, k


@lean
def _sift_up(A, key, i):
    while i > 0:
        parent = (i - 1) >> 1
        if key[A.heap[parent]] <= key[A.heap[i]]:
            break
        _swap(A, i, parent)
        i = parent


@lean
def _sift_down(A, key, i):
    n = A.n[HEAP]
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and key[A.heap[child + 1]] < key[A.heap[child]]:
            child += 1
        if key[A.heap[i]] <= key[A.heap[child]]:
            break
        _swap(A, i, child)
        i = child


@lean
def put(A, key, j):
    """Put threat ``j`` on the heap, or move it to its new ``key[j]``."""
    i = A.pos[j]
    if i < 0:
        i = A.n[HEAP]
        A.n[HEAP] += 1
        A.heap[i] = j
        A.pos[j] = i
        _sift_up(A, key, i)
        return
    _sift_up(A, key, i)
    _sift_down(A, key, A.pos[j])


@lean
def take_off(A, key, j):
    """Take threat ``j`` off the heap (if on it)."""
    i = A.pos[j]
    if i < 0:
        return
    last = A.n[HEAP] - 1
    A.n[HEAP] = last
    A.pos[j] = -1
    if i == last:
        return
    moved = A.heap[last]
    A.heap[i] = moved
    A.pos[moved] = i
    _sift_up(A, key, i)
    _sift_down(A, key, A.pos[moved])


@lean
def next_due(A, key):
    """The earliest look among the threats in play (INF: none)."""
    return key[A.heap[0]] if A.n[HEAP] > 0 else INF


@lean
def activate_due(wake, order, A, cursor, T, t):
    """Threats whose first window opens by ``t`` come into play, due at ``t`` (cursor[0]: the next in order)."""
    N = len(order)
    while cursor[0] < N and wake[order[cursor[0]]] <= t:
        j = order[cursor[0]]
        T.nxt[j] = t
        A.in_play[j] = True
        put(A, T.nxt, j)
        cursor[0] += 1


@lean
def landed(A, T):
    """Threats whose engagement has resolved go back on the heap if they survived it."""
    keep = 0
    for q in range(A.n[FLY]):
        j = A.flying[q]
        if T.inflight[j]:
            A.flying[keep] = j
            keep += 1
        elif T.status[j] == ST_ALIVE:
            put(A, T.nxt, j)
    A.n[FLY] = keep


@lean
def _queue(A, j):
    if not A.queued[j]:
        A.queued[j] = True
        A.due[A.n[DUE]] = A.rank[j]
        A.n[DUE] += 1


@lean
def _sort(a, n):
    """Heap sort of ``a[:n]`` in place (no allocation)."""
    for start in range(n // 2 - 1, -1, -1):
        _sift_plain(a, start, n)
    for end in range(n - 1, 0, -1):
        a[0], a[end] = a[end], a[0]
        _sift_plain(a, 0, end)


@lean
def _sift_plain(a, i, n):
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and a[child + 1] > a[child]:
            child += 1
        if a[i] >= a[child]:
            break
        a[i], a[child] = a[child], a[i]
        i = child


@lean
def collect_due(A, T, t, resource_event):
    """List the threats to evaluate at ``t``, in order of coming into reach: those due a look, and after
    a resource event every blocked one (the blocked list drops threats no longer blocked or in play)."""
    A.n[DUE] = 0
    while A.n[HEAP] > 0 and T.nxt[A.heap[0]] <= t:
        j = A.heap[0]
        take_off(A, T.nxt, j)
        _queue(A, j)
    if resource_event:
        keep = 0
        for q in range(A.n[BLK]):
            j = A.blk[q]
            if not (T.blocked[j] and A.in_play[j] and T.status[j] == ST_ALIVE):
                A.in_blk[j] = False
                continue
            A.blk[keep] = j
            keep += 1
            if not T.inflight[j]:
                _queue(A, j)
        A.n[BLK] = keep
    _sort(A.due, A.n[DUE])


@lean
def mark_blocked(A, T, j):
    """List threat ``j`` as possibly blocked if its flag says so."""
    if T.blocked[j] and not A.in_blk[j]:
        A.in_blk[j] = True
        A.blk[A.n[BLK]] = j
        A.n[BLK] += 1


@lean
def after_fire(A, T, C, n_cand, n_ch):
    """Threats fired at leave the heap until their engagement resolves; candidates left waiting are
    listed as blocked."""
    for q in range(n_ch):
        j = C.thr[C.chosen[q]]
        if T.inflight[j] and A.pos[j] >= 0:
            take_off(A, T.nxt, j)
            A.flying[A.n[FLY]] = j
            A.n[FLY] += 1
    for q in range(n_cand):
        mark_blocked(A, T, C.thr[q])
