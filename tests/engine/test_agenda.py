"""The agenda of threat evaluations: its indexed heap, and which threats an epoch evaluates in what order."""

from __future__ import annotations

import numpy as np

from schild.engine.agenda import BLK, DUE, HEAP, _sort, collect_due, mark_blocked, new_agenda, next_due, put, take_off
from schild.engine.codes import INF, ST_ALIVE, ST_KILLED
from schild.engine.state import Threats


def _threats(n: int) -> Threats:
    """The engine's own tuple (numba caches compiled code per argument type: a type defined in a test
    module would enter the cache index and break loading it elsewhere)."""
    f, i, b = (lambda: np.full(n, INF)), (lambda: np.zeros(n, np.int64)), (lambda: np.zeros(n, np.bool_))
    return Threats(launch=f(), t_imp=f(), ew_t=f(), recognised=b(), status=i(), end_t=f(), n_eng=i(),
                   n_eng_layer=np.zeros((n, 1), np.int32), n_shot=i(), inflight=b(), nxt=f(), blocked=b(), holding_for=np.full(n, -1, np.int64))


def _heap_ok(A, key) -> bool:
    n = A.n[HEAP]
    h = A.heap[:n]
    return all(A.pos[h[i]] == i for i in range(n)) and all(key[h[(i - 1) // 2]] <= key[h[i]] for i in range(1, n))


def test_indexed_heap_keeps_the_minimum_under_random_puts_moves_and_removals():
    rng = np.random.default_rng(5)
    n = 200
    key = np.full(n, INF)
    A = new_agenda(np.arange(n, dtype=np.int64))
    on = set()
    for _ in range(5000):
        j = int(rng.integers(n))
        if rng.random() < 0.3:
            take_off(A, key, j)
            on.discard(j)
        else:
            key[j] = float(rng.integers(0, 50))  # ties on purpose
            put(A, key, j)
            on.add(j)
        assert A.n[HEAP] == len(on)
        assert next_due(A, key) == (min(key[list(on)]) if on else INF)
    assert _heap_ok(A, key)
    assert sorted(A.heap[:A.n[HEAP]].tolist()) == sorted(on)
    assert all(A.pos[j] == -1 for j in range(n) if j not in on)


def test_sort_in_place_matches_numpy():
    rng = np.random.default_rng(1)
    for n in (0, 1, 2, 7, 100):
        a = rng.integers(0, 30, n + 5).astype(np.int64)
        want = np.concatenate([np.sort(a[:n]), a[n:]])
        _sort(a, n)
        assert np.array_equal(a, want)


def test_an_epoch_lists_the_threats_due_and_after_a_resource_event_the_blocked_ones_in_order_of_reach():
    order = np.array([3, 0, 4, 1, 2], np.int64)  # the order the threats came into reach
    A = new_agenda(order)
    T = _threats(5)
    for j, t_look in [(0, 10.0), (1, 5.0), (2, 30.0), (3, 12.0), (4, 40.0)]:
        T.nxt[j] = t_look
        A.in_play[j] = True
        put(A, T.nxt, j)
    for j in (2, 4):  # blocked, waiting for a unit
        T.blocked[j] = True
        mark_blocked(A, T, j)
    collect_due(A, T, 12.0, False)
    assert [order[r] for r in A.due[:A.n[DUE]]] == [3, 0, 1]  # due by 12 s, not sorted by time
    assert A.n[HEAP] == 2
    for j in (3, 0, 1):
        A.queued[j] = False
    T.status[4] = ST_KILLED  # no longer blocked: dropped from the blocked list when it is read
    collect_due(A, T, 12.5, True)
    assert [order[r] for r in A.due[:A.n[DUE]]] == [2]
    assert A.blk[:A.n[BLK]].tolist() == [2]
    A.queued[2] = False
    T.status[4] = ST_ALIVE
    T.inflight[2] = True  # an engagement in flight: off the heap, kept as blocked but not evaluated
    take_off(A, T.nxt, 2)
    T.nxt[1] = 20.0
    put(A, T.nxt, 1)
    collect_due(A, T, 30.0, True)
    assert [order[r] for r in A.due[:A.n[DUE]]] == [1]
    assert A.blk[:A.n[BLK]].tolist() == [2]


def test_a_threat_due_and_blocked_is_listed_once():
    order = np.arange(3, dtype=np.int64)
    A = new_agenda(order)
    T = _threats(3)
    T.nxt[1] = 1.0
    A.in_play[1] = True
    put(A, T.nxt, 1)
    T.blocked[1] = True
    mark_blocked(A, T, 1)
    mark_blocked(A, T, 1)
    assert A.n[BLK] == 1
    collect_due(A, T, 2.0, True)
    assert A.due[:A.n[DUE]].tolist() == [1]
