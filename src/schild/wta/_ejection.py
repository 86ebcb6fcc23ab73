"""Cyclic multi-exchange neighbourhood for the WTA heuristic (private).

A move is a cycle of units on distinct targets: the unit on target ``j1``
moves to ``j2`` and takes the place of the unit there, which moves to ``j3``,
..., and the last one moves to ``j1``.  Every target keeps its number of units
and every weapon type its number in use, so each target's change depends only
on the one unit that leaves it and the one that arrives; the move's gain is the
sum of the arcs.  Pairwise swaps (the local search's) are the 2-cycles; longer
cycles reach what no sequence of improving swaps can (Ahuja et al. 2007,
"Exact and heuristic algorithms for the weapon-target assignment problem",
Operations Research 55(6), use the same improvement graph).

Search: each unit keeps a short list of its cheapest arcs; a depth-first search
from every unit follows those lists while the partial sum stays negative (every
negative cycle has a rotation whose partial sums are all negative), and closes
the cycle with the direct arc back to its start.  Arc costs are always taken
from the current state, so the lists only steer the search.
"""

from __future__ import annotations

import time

import numba as nb
import numpy as np

from . import _heuristic_kernels as hk
from ._heuristic_kernels import _apply, _state, _surv, _surv_swap, _units

EJ_LEN = 5  # longest exchange cycle or path (units)
EJ_CAND = 10  # arcs kept per unit to steer the search
EJ_NODES = 2000  # search nodes per start unit
LS_PASSES = 50
CHUNK = 200  # start units between deadline checks


@nb.njit(cache=True)
def _arc(values, q, zc, pnz, i_in, i_out, j):
    """Change of target ``j``'s surviving value when a unit of ``i_in`` replaces one of ``i_out``."""
    return values[j] * (_surv_swap(zc, pnz, j, q[i_out, j], q[i_in, j]) - _surv(zc, pnz, j))


@nb.njit(cache=True)
def _keep_cheapest(cost_row, cand_row, c, item):
    """Insert ``item`` with cost ``c`` into the ascending short list, dropping the dearest."""
    k = cost_row.shape[0]
    if c >= cost_row[k - 1]:
        return
    r = k - 1
    while r > 0 and cost_row[r - 1] > c:
        cost_row[r] = cost_row[r - 1]
        cand_row[r] = cand_row[r - 1]
        r -= 1
    cost_row[r] = c
    cand_row[r] = item


@nb.njit(cache=True)
def _candidate_lists(ui, uj, values, q, allowed, zc, pnz, n_cand):
    """For every unit, the ``n_cand`` units whose place it would take most cheaply."""
    nu = ui.shape[0]
    cand = np.full((nu, n_cand), -1, dtype=np.int64)
    cost = np.full((nu, n_cand), np.inf)
    for a in range(nu):
        ia = ui[a]
        ja = uj[a]
        for b in range(nu):
            jb = uj[b]
            ib = ui[b]
            if jb == ja or ib == ia or not allowed[ia, jb]:
                continue
            c = _arc(values, q, zc, pnz, ia, ib, jb)
            _keep_cheapest(cost[a], cand[a], c, b)
    return cand


@nb.njit(cache=True)
def _add_lists(values, q, allowed, zc, pnz, load, caps, n_cand):
    """For every weapon type, the ``n_cand`` targets where one more unit of it gains most."""
    m, n = q.shape
    cand = np.full((m, n_cand), -1, dtype=np.int64)
    cost = np.full((m, n_cand), np.inf)
    for i in range(m):
        for t in range(n):
            if not allowed[i, t] or load[t] >= caps[t]:
                continue
            c = values[t] * _surv(zc, pnz, t) * (q[i, t] - 1.0)
            _keep_cheapest(cost[i], cand[i], c, t)
    return cand


@nb.njit(cache=True)
def _search(x, values, q, allowed, caps, max_len, n_cand, max_nodes, zc, pnz, load, used, ui, uj,
            cand, adds, mark, stamp, s0, s1):
    """Search from start units ``s0 .. s1 - 1``; apply each improving move found (in place).

    Returns ``(moves applied, last stamp)``; ``mark`` and the stamp carry over between calls.
    """
    tol = 1e-12 * (1.0 + values.sum())
    found = 0
    path = np.empty(max_len, dtype=np.int64)
    pos = np.empty(max_len, dtype=np.int64)
    gain = np.empty(max_len)
    for s in range(s0, s1):
        i_s = ui[s]
        j_s = uj[s]
        if x[i_s, j_s] == 0:
            continue
        stamp += 1
        mark[j_s] = stamp
        path[0] = s
        pos[0] = 0
        gain[0] = 0.0
        # Path moves: the start leaves its target without replacement.
        rem_s = values[j_s] * (_surv_swap(zc, pnz, j_s, q[i_s, j_s], -1.0) - _surv(zc, pnz, j_s))
        d = 0
        nodes = 0
        done = False
        while d >= 0 and not done and nodes < max_nodes:
            a = path[d]
            if pos[d] >= n_cand:
                mark[uj[a]] = 0 if d > 0 else mark[uj[a]]
                d -= 1
                continue
            b = cand[a, pos[d]]
            pos[d] += 1
            if b < 0:
                pos[d] = n_cand
                continue
            ib = ui[b]
            jb = uj[b]
            ia = ui[a]
            if mark[jb] == stamp or ib == ia or x[ib, jb] == 0 or x[ia, uj[a]] == 0:
                continue
            nodes += 1
            g = gain[d] + _arc(values, q, zc, pnz, ia, ib, jb)
            if g >= -tol:
                continue
            close_t = -2  # -2: nothing, -1: cycle back to j_s, t >= 0: path to target t
            best = -tol
            if ib != i_s and allowed[ib, j_s]:
                total = g + _arc(values, q, zc, pnz, ib, i_s, j_s)
                if total < best:
                    best, close_t = total, -1
            for r in range(n_cand):
                t = adds[ib, r]
                if t < 0:
                    break
                if mark[t] == stamp or load[t] >= caps[t] or not allowed[ib, t]:
                    continue
                total = g + rem_s + values[t] * _surv(zc, pnz, t) * (q[ib, t] - 1.0)
                if total < best:
                    best, close_t = total, t
            if close_t > -2:
                # Apply: unit path[t] moves to the target of path[t + 1]; b moves to j_s
                # (cycle) or to target close_t (path).
                for r in range(d + 1):
                    u = path[r]
                    _apply(x, q, zc, pnz, load, used, ui[u], uj[u], -1)
                _apply(x, q, zc, pnz, load, used, ib, jb, -1)
                for r in range(d):
                    _apply(x, q, zc, pnz, load, used, ui[path[r]], uj[path[r + 1]], 1)
                _apply(x, q, zc, pnz, load, used, ui[path[d]], jb, 1)
                _apply(x, q, zc, pnz, load, used, ib, j_s if close_t == -1 else close_t, 1)
                found += 1
                done = True
                continue
            if d + 1 < max_len - 1:
                d += 1
                path[d] = b
                pos[d] = 0
                gain[d] = g
                mark[jb] = stamp
        # Units moved by a cycle keep their old (i, j) entry; x[i, j] == 0 marks them stale.
    return found, stamp


@nb.njit(cache=True)
def _prepare(x, values, q, allowed, caps, n_cand):
    """State, unit list and candidate lists at the start of a round."""
    zc, pnz, load, used = _state(x, q)
    ui, uj = _units(x)
    cand = _candidate_lists(ui, uj, values, q, allowed, zc, pnz, n_cand)
    adds = _add_lists(values, q, allowed, zc, pnz, load, caps, n_cand)
    return zc, pnz, load, used, ui, uj, cand, adds


@nb.njit(cache=True)
def cyclic_exchange(x, values, q, allowed, caps, max_len, n_cand, max_rounds, max_nodes):
    """Apply improving exchange cycles and paths of up to ``max_len`` units to ``x`` (in place).

    A path is a chain whose first unit leaves its target without replacement
    and whose last unit joins a target with room (``caps``) without displacing
    one: it moves a unit's worth of fire from one target to another along the chain.
    Rounds rebuild the candidate lists; a round without an improving move
    ends the search.  ``max_nodes`` caps the search nodes per start unit.
    Returns the number of moves applied.
    """
    n = q.shape[1]
    mark = np.zeros(n, dtype=np.int64)
    stamp = 0
    applied = 0
    for _ in range(max_rounds):
        zc, pnz, load, used, ui, uj, cand, adds = _prepare(x, values, q, allowed, caps, n_cand)
        found, stamp = _search(x, values, q, allowed, caps, max_len, n_cand, max_nodes, zc, pnz, load,
                               used, ui, uj, cand, adds, mark, stamp, 0, ui.shape[0])
        applied += found
        if found == 0:
            break
    return applied


def polish(x, data, deadline) -> int:
    """Exchange rounds and local search in turn until neither improves or ``deadline`` passes.

    Improves ``x`` in place; returns the number of exchanges applied. The deadline is
    checked between chunks of ``CHUNK`` start units, so a round never runs far past it.
    """
    values, q, allowed, units, caps, ucost = data
    mark = np.zeros(q.shape[1], dtype=np.int64)
    stamp = 0
    moves = 0
    t_prep = 0.0  # a round's set-up cannot be interrupted: start one only if the last one's fits
    while deadline - time.perf_counter() > t_prep:
        t_start = time.perf_counter()
        zc, pnz, load, used, ui, uj, cand, adds = _prepare(x, values, q, allowed, caps, EJ_CAND)
        t_prep = time.perf_counter() - t_start
        found = 0
        for s0 in range(0, ui.shape[0], CHUNK):
            if time.perf_counter() >= deadline:
                break
            k, stamp = _search(x, values, q, allowed, caps, EJ_LEN, EJ_CAND, EJ_NODES, zc, pnz, load,
                               used, ui, uj, cand, adds, mark, stamp, s0, min(ui.shape[0], s0 + CHUNK))
            found += k
        moves += found
        if found == 0:
            break
        hk.local_search_until(x, values, q, allowed, units, caps, ucost, LS_PASSES, deadline)
    return moves
