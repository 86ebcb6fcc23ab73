"""Numba kernels for the real-time WTA heuristic: greedy, local search, repair.

Survival of target j is kept as ``pnz[j]`` (product of non-zero factors
``q_ij = 1 - p_ij``) and ``zc[j]`` (number of zero factors, i.e. sure kills),
so removing a unit is a division that never divides by zero.
"""

from __future__ import annotations

import time

import numba as nb
import numpy as np


@nb.njit(cache=True)
def _state(x, q):
    m, n = q.shape
    zc = np.zeros(n, dtype=np.int64)
    pnz = np.ones(n)
    load = np.zeros(n, dtype=np.int64)
    rem_used = np.zeros(m, dtype=np.int64)
    for i in range(m):
        for j in range(n):
            c = x[i, j]
            if c > 0:
                load[j] += c
                rem_used[i] += c
                if q[i, j] == 0.0:
                    zc[j] += c
                else:
                    pnz[j] *= q[i, j] ** c
    return zc, pnz, load, rem_used


@nb.njit(cache=True)
def _units(x):
    """Row and column of every non-zero entry of ``x`` (one entry per (type, target) pair)."""
    m, n = x.shape
    k = 0
    for i in range(m):
        for j in range(n):
            if x[i, j] > 0:
                k += 1
    ui = np.empty(k, dtype=np.int64)
    uj = np.empty(k, dtype=np.int64)
    k = 0
    for i in range(m):
        for j in range(n):
            if x[i, j] > 0:
                ui[k] = i
                uj[k] = j
                k += 1
    return ui, uj


@nb.njit(cache=True)
def _surv(zc, pnz, j):
    return 0.0 if zc[j] > 0 else pnz[j]


@nb.njit(cache=True)
def _surv_swap(zc, pnz, j, q_out, q_in):
    """Survival of j after removing a unit with factor q_out and adding q_in."""
    z = zc[j]
    s = pnz[j]
    if q_out >= 0.0:
        if q_out == 0.0:
            z -= 1
        else:
            s /= q_out
    if q_in >= 0.0:
        if q_in == 0.0:
            z += 1
        else:
            s *= q_in
    return 0.0 if z > 0 else s


@nb.njit(cache=True)
def _apply(x, q, zc, pnz, load, used, i, j, delta):
    x[i, j] += delta
    load[j] += delta
    used[i] += delta
    if q[i, j] == 0.0:
        zc[j] += delta
    elif delta > 0:
        pnz[j] *= q[i, j]
    else:
        pnz[j] /= q[i, j]


@nb.njit(cache=True)
def objective(x, values, q, ucost):
    """Objective of x (survival value plus unit costs), recomputed from scratch."""
    m, n = q.shape
    tot = 0.0
    for j in range(n):
        s = 1.0
        for i in range(m):
            if x[i, j] > 0:
                s *= q[i, j] ** x[i, j]
        tot += values[j] * s
    for i in range(m):
        for j in range(n):
            tot += ucost[i] * x[i, j]
    return tot


#: A-priori time of one local-search pass per assigned (type, target) pair and target, seconds.
LS_PAIR_S = 1e-8
#: Targets kept per weapon by the greedy between full scans (see ``greedy_fill``).
GREEDY_LIST = 16


@nb.njit(cache=True)
def _rescan_full(i, values, q, allowed, units, caps, ucost, zc, pnz, load, used, lst, thr, gl):
    """Best (gain, target) of weapon i by a full scan; also its GREEDY_LIST best targets (``lst[i]``,
    best first, ties by index) and the best gain among the others (``thr[i]``)."""
    L = lst.shape[1]
    for c in range(L):
        lst[i, c] = -1
        gl[c] = -np.inf
    thr[i] = -np.inf
    if used[i] >= units[i]:
        return -np.inf, -1
    bg = -np.inf
    bt = -1
    cnt = 0
    for j in range(q.shape[1]):
        if not (allowed[i, j] and load[j] < caps[j]):
            continue
        g = values[j] * _surv(zc, pnz, j) * (1.0 - q[i, j]) - ucost[i]
        if g > bg:
            bg = g
            bt = j
        if cnt == L and not g > gl[L - 1]:
            thr[i] = max(thr[i], g)
            continue
        if cnt == L:
            thr[i] = max(thr[i], gl[L - 1])
            pos = L - 1
        else:
            pos = cnt
            cnt += 1
        while pos > 0 and gl[pos - 1] < g:
            gl[pos] = gl[pos - 1]
            lst[i, pos] = lst[i, pos - 1]
            pos -= 1
        gl[pos] = g
        lst[i, pos] = j
    return bg, bt


@nb.njit(cache=True)
def _rescan(i, values, q, allowed, units, caps, ucost, zc, pnz, load, used, lst, thr, gl):
    """Best (gain, target) of weapon i, from its listed targets when that is provably the answer.

    Within one greedy fill gains only fall (survival and loads only grow), so a listed target whose
    current gain beats ``thr[i]`` (the best unlisted gain when the list was made) beats every unlisted
    one; otherwise, or at a tie, a full scan decides. Same answer as a full scan, ties included.
    """
    if used[i] >= units[i]:
        return -np.inf, -1
    bg = -np.inf
    bt = -1
    for c in range(lst.shape[1]):
        j = lst[i, c]
        if j < 0:
            break
        if load[j] < caps[j]:
            g = values[j] * _surv(zc, pnz, j) * (1.0 - q[i, j]) - ucost[i]
            if g > bg or (g == bg and j < bt):
                bg = g
                bt = j
    if bt >= 0 and bg > thr[i]:
        return bg, bt
    return _rescan_full(i, values, q, allowed, units, caps, ucost, zc, pnz, load, used, lst, thr, gl)


@nb.njit(cache=True)
def greedy_fill(x, values, q, allowed, units, caps, ucost):
    """Maximum-marginal-return greedy: add the best unit while it pays (in place)."""
    m, n = q.shape
    zc, pnz, load, used = _state(x, q)
    best_gain = np.full(m, -np.inf)
    best_tgt = np.full(m, -1, dtype=np.int64)
    lst = np.full((m, GREEDY_LIST), -1, dtype=np.int64)
    thr = np.full(m, -np.inf)
    gl = np.empty(GREEDY_LIST)
    for i in range(m):
        best_gain[i], best_tgt[i] = _rescan_full(i, values, q, allowed, units, caps, ucost,
                                                 zc, pnz, load, used, lst, thr, gl)
    while True:
        i_star = -1
        g_star = 0.0
        for i in range(m):
            if best_tgt[i] >= 0 and best_gain[i] > g_star:
                g_star = best_gain[i]
                i_star = i
        if i_star < 0:
            break
        j_star = best_tgt[i_star]
        _apply(x, q, zc, pnz, load, used, i_star, j_star, 1)
        for i in range(m):
            # Target j_star only got worse, so only weapons aiming at it re-scan.
            if i == i_star or best_tgt[i] == j_star:
                best_gain[i], best_tgt[i] = _rescan(i, values, q, allowed, units, caps, ucost,
                                                    zc, pnz, load, used, lst, thr, gl)
    return x


@nb.njit(cache=True)
def local_search(x, values, q, allowed, units, caps, ucost, max_passes):
    """Best-improvement relocate/replace/swap moves until a local optimum."""
    m, n = q.shape
    tol = 1e-12 * (1.0 + values.sum())
    for _ in range(max_passes):
        zc, pnz, load, used = _state(x, q)
        improved = False
        # Relocate one unit (i: j -> k), or drop it when its cost exceeds its value.
        for i in range(m):
            for j in range(n):
                if x[i, j] == 0:
                    continue
                s_j = _surv(zc, pnz, j)
                d_rem = values[j] * (_surv_swap(zc, pnz, j, q[i, j], -1.0) - s_j) - ucost[i]
                best_d = d_rem if d_rem < -tol else 0.0
                best_k = -1
                for k in range(n):
                    if k == j or not allowed[i, k] or load[k] >= caps[k]:
                        continue
                    d = d_rem - values[k] * _surv(zc, pnz, k) * (1.0 - q[i, k]) + ucost[i]
                    if d < best_d - tol:
                        best_d = d
                        best_k = k
                if best_d < -tol:
                    _apply(x, q, zc, pnz, load, used, i, j, -1)
                    if best_k >= 0:
                        _apply(x, q, zc, pnz, load, used, i, best_k, 1)
                    improved = True
        # Replace an assigned unit by a spare unit of another type, or add spares.
        for i in range(m):
            if used[i] >= units[i]:
                continue
            for k in range(n):
                if not allowed[i, k]:
                    continue
                s_k = _surv(zc, pnz, k)
                if load[k] < caps[k]:
                    d = -values[k] * s_k * (1.0 - q[i, k]) + ucost[i]
                    if d < -tol:
                        _apply(x, q, zc, pnz, load, used, i, k, 1)
                        improved = True
                        if used[i] >= units[i]:
                            break
                        continue
                for i2 in range(m):
                    if i2 == i or x[i2, k] == 0:
                        continue
                    d = values[k] * (_surv_swap(zc, pnz, k, q[i2, k], q[i, k]) - s_k) \
                        + ucost[i] - ucost[i2]
                    if d < -tol:
                        _apply(x, q, zc, pnz, load, used, i2, k, -1)
                        _apply(x, q, zc, pnz, load, used, i, k, 1)
                        improved = True
                        break
                if used[i] >= units[i]:
                    break
        # Swap units of different types between two targets.
        ai, aj = _units(x)
        na = ai.shape[0]
        for a in range(na):
            i = ai[a]
            j = aj[a]
            for b in range(a + 1, na):
                if x[i, j] == 0:
                    break
                i2 = ai[b]
                k = aj[b]
                if i2 == i or k == j or x[i2, k] == 0 or not allowed[i, k] \
                        or not allowed[i2, j]:
                    continue
                d = values[j] * (_surv_swap(zc, pnz, j, q[i, j], q[i2, j]) - _surv(zc, pnz, j)) \
                    + values[k] * (_surv_swap(zc, pnz, k, q[i2, k], q[i, k]) - _surv(zc, pnz, k))
                if d < -tol:
                    _apply(x, q, zc, pnz, load, used, i, j, -1)
                    _apply(x, q, zc, pnz, load, used, i2, j, 1)
                    _apply(x, q, zc, pnz, load, used, i2, k, -1)
                    _apply(x, q, zc, pnz, load, used, i, k, 1)
                    improved = True
        if not improved:
            break
    return x


@nb.njit(cache=True)
def destroy_repair(x, values, q, allowed, units, caps, ucost, targets):
    """Free every unit on ``targets`` and refill greedily (a copy; local search is the caller's)."""
    y = x.copy()
    m = q.shape[0]
    for t in range(targets.shape[0]):
        j = targets[t]
        for i in range(m):
            y[i, j] = 0
    greedy_fill(y, values, q, allowed, units, caps, ucost)
    return y


def local_search_until(x, values, q, allowed, units, caps, ucost, max_passes, deadline):
    """``local_search`` one pass at a time until a local optimum, ``max_passes`` or ``deadline``.

    A pass costs O(assigned pairs x n), ~0.07 s at 800 x 1600 x 3: a pass starts only if the last
    one's time (the first: ``LS_PAIR_S`` per pair and target) still fits before ``deadline``.
    """
    obj = objective(x, values, q, ucost)
    t_pass = LS_PAIR_S * np.count_nonzero(x) * q.shape[1]
    for _ in range(max_passes):
        t_start = time.perf_counter()
        if deadline - t_start < t_pass:
            break
        local_search(x, values, q, allowed, units, caps, ucost, 1)
        t_pass = time.perf_counter() - t_start
        new = objective(x, values, q, ucost)
        if not new < obj:
            break
        obj = new
    return x
