"""Lagrangian heuristic phase for the WTA heuristic (private).

Relax the weapon capacities with prices ``lam >= 0``.  Each target then picks
its cheapest plan under ``v_j S_j + (lam + c) . x_j``; during the subgradient
steps only among plans of at most three units of its best ``TOP_K`` weapon types
(``_fastprice``, plain enumeration, an order of magnitude faster than the exact
pricing of ``_pricing``, so many more steps fit in a real-time budget).  Prices move by subgradient steps; every few steps the plans
are turned into a feasible assignment (drop the over-used units that lose
least, greedy fill, local search) and the best one is kept.
"""

from __future__ import annotations

import time

import numba as nb
import numpy as np

from . import _heuristic_kernels as hk
from ._fastprice import fast_price, top_lists


@nb.njit(cache=True)
def plans_to_x(m, n, starts, weapons, counts):
    """Assignment that gives every target its plan (may over-use weapons)."""
    x = np.zeros((m, n), dtype=np.int64)
    for j in range(n):
        for r in range(starts[j], starts[j + 1]):
            x[weapons[r], j] += counts[r]
    return x


@nb.njit(cache=True)
def repair_overuse(x, values, q, units, ucost):
    """Drop units of over-used weapon types, least loss first (in place)."""
    m, n = q.shape
    zc, pnz, load, used = hk._state(x, q)
    for i in range(m):
        while used[i] > units[i]:
            best = np.inf
            bj = -1
            for j in range(n):
                if x[i, j] > 0:
                    s = hk._surv(zc, pnz, j)
                    d = values[j] * (hk._surv_swap(zc, pnz, j, q[i, j], -1.0) - s) - ucost[i]
                    if d < best:
                        best = d
                        bj = j
            hk._apply(x, q, zc, pnz, load, used, i, bj, -1)
    return x


MAX_SG_ITERS = 1000  # subgradient steps (the time share usually stops it earlier)
PRIMAL_EVERY = 10  # build a feasible assignment from the plans every few steps
MAX_PLAN_UNITS = 3  # subgradient plans have at most this many units (fast enumeration)
POOL_EVERY = 10  # add the subgradient plans to the MIP's pool every few steps
THETA_HALVE_AFTER = 5  # steps without a better bound before the step factor halves
SG_SHARE = 0.45  # share of the remaining budget for subgradient steps; the MIP gets the rest
LS_PASSES = 50
PRIMAL_LS_PASSES = 2  # cheap polish of the repaired plans inside the subgradient loop
TOP_K = 15  # subgradient pricing only offers each target its TOP_K best weapon types
CG_SHARE = 0.25 # share of the time left after subgradient for column generation
MAX_CG_ITERS = 50
CG_ALPHA = 0.5  # dual smoothing towards the best subgradient prices


def _start_prices(values, q, allowed, ucost, x):
    """Best marginal gain of one more unit of each type in ``x``: a low, safe start."""
    surv = np.prod(np.power(q, x), axis=0)
    gain = np.where(allowed, values[None, :] * surv[None, :] * (1.0 - q), 0.0)
    return np.maximum(gain.max(axis=1) - ucost, 0.0) if q.shape[1] else np.zeros(q.shape[0])


def _primal(y, data, passes):
    values, q, allowed, units, caps, ucost = data
    repair_overuse(y, values, q, units, ucost)
    hk.greedy_fill(y, values, q, allowed, units, caps, ucost)
    hk.local_search(y, values, q, allowed, units, caps, ucost, passes)
    return y


def lagrangian_phase(data, x0, deadline, max_nodes=20_000):
    """Subgradient on the weapon prices, then a set-partitioning MIP over the plans seen.

    Returns ``(x, objective, lower_bound, note)``; ``x`` is the best of ``x0``,
    the repaired plan assignments and the MIP answer.
    """
    from .exact import (
        Master,
        PlanPool,
        _add_solution_plans,
        _price_round,
        _x_from_columns,
    )

    values, q, allowed, units, caps, ucost = data
    m, n = q.shape
    t_start = time.perf_counter()
    sg_deadline = t_start + SG_SHARE * (deadline - t_start)
    best_x = x0
    ub = hk.objective(x0, values, q, ucost)
    pool = PlanPool(m, n)
    empty = np.zeros(0, dtype=np.int64)
    for j in range(n):
        pool.add(j, float(values[j]), empty, empty)
    _add_solution_plans(pool, x0, values, q, ucost)
    lam = _start_prices(values, q, allowed, ucost, x0)
    # Restricted pricing (top-K types, <= MAX_PLAN_UNITS units) is fast; its values are not valid
    # bounds (only CG's are).
    top = top_lists(values, q, allowed, ucost, TOP_K)
    best_lb, best_lam = -np.inf, lam
    theta, stall, it = 1.0, 0, 0
    tol = 1e-12 * max(1.0, abs(ub))
    while it < MAX_SG_ITERS and time.perf_counter() < sg_deadline:
        priced, costs, st, w, c = fast_price(values, q, np.ascontiguousarray(lam + ucost), top, units,
                                             caps, MAX_PLAN_UNITS)
        lb = float(priced.sum() - np.dot(lam, units))
        if it % POOL_EVERY == 0:  # adding plans is Python-level: not at every cheap step
            for j in range(n):
                ww, cc = w[st[j]:st[j + 1]], c[st[j]:st[j + 1]]
                pool.add(j, costs[j] + float(np.dot(ucost[ww], cc)), ww, cc)
        y = plans_to_x(m, n, st, w, c)
        g = (y.sum(axis=1) - units).astype(np.float64)
        if lb > best_lb + tol:
            best_lb, best_lam, stall = lb, lam, 0
        else:
            stall += 1
            if stall >= THETA_HALVE_AFTER:
                theta, stall = 0.5 * theta, 0
        # Prices of unused spare types stay at 0; a zero subgradient means optimal plans.
        g = np.where((lam <= 0.0) & (g < 0), 0.0, g)
        gg = float(g @ g)
        if it % PRIMAL_EVERY == 0 or gg == 0.0:
            y = _primal(y, data, PRIMAL_LS_PASSES)
            _add_solution_plans(pool, y, values, q, ucost)
            obj = hk.objective(y, values, q, ucost)
            if obj < ub - tol:
                best_x, ub = y, obj
        it += 1
        if gg == 0.0 or ub - best_lb <= tol or theta < 1e-4:
            break
        lam = np.maximum(0.0, lam + theta * (ub - lb) / gg * g)
    best_lb = -np.inf  # the subgradient values above came from restricted pricing
    master = Master(pool, units)
    cg_deadline = time.perf_counter() + CG_SHARE * (deadline - time.perf_counter())
    cg = 0
    center = best_lam
    t_round = 0.0
    while (ub - best_lb > tol and cg < MAX_CG_ITERS
           and time.perf_counter() + t_round < cg_deadline):
        cg += 1
        t_r0 = time.perf_counter()
        _z, sigma, lam_lp, _ = master.solve_lp()
        lam_price = CG_ALPHA * center + (1.0 - CG_ALPHA) * lam_lp
        added, bound = _price_round(pool, data, sigma, lam_lp, lam_price, tol)
        if bound > best_lb + tol:
            best_lb, center = bound, lam_price
        t_round = time.perf_counter() - t_r0
        if added == 0:
            break
    note = f"; Lagrangian {it} steps, {cg} CG rounds, {len(pool)} plans"
    left = deadline - time.perf_counter()
    if ub - best_lb > tol and left > 0.005:
        # No start solution: HiGHS is given none so that its objective matches its columns.
        _status, mip_obj, _bound, cols = master.solve_mip(left, None)
        if cols is not None and mip_obj < ub - tol:
            y = _x_from_columns(pool, cols)
            hk.local_search(y, values, q, allowed, units, caps, ucost, LS_PASSES)
            obj = hk.objective(y, values, q, ucost)
            if obj < ub - tol:
                best_x, ub = y, obj
                note += ", improved by plan MIP"
    return best_x, ub, best_lb, note
