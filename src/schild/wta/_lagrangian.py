"""Lagrangian phases of the WTA heuristic (private).

Relax the weapon capacities with prices ``lam >= 0``.  Each target then picks
its cheapest plan under ``v_j S_j + (lam + c) . x_j``.  ``subgradient_phase``
only offers each target plans of at most three units of its best ``TOP_K``
weapon types (``_fastprice``: plain enumeration, an order of magnitude faster
than the exact pricing of ``_pricing``, so many more steps fit); every few
steps the plans become a feasible assignment (drop the over-used units that
lose least, greedy fill, local search) and join a plan pool.
``master_phase`` runs column generation over that pool (valid bounds), rounds
the LP optimum to an assignment, and solves a set-partitioning MIP over the
pool, each only when it fits in the time left.
"""

from __future__ import annotations

import time

import numba as nb
import numpy as np

from . import _heuristic_kernels as hk
from ._ejection import polish
from ._fastprice import fast_price, top_lists
from ._pricing import price_until


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
PRIMAL_EVERY = 20  # build a feasible assignment from the plans every few steps (10 -> 20: at 500 x 1000 x 3 and
#                   up a repair costs ~10 steps of pricing; measured better there, same on the 12 shared)
MAX_PLAN_UNITS = 3  # subgradient plans have at most this many units (fast enumeration)
POOL_EVERY = 10  # add the subgradient plans to the MIP's pool every few steps
THETA_HALVE_AFTER = 5  # steps without a better bound before the step factor halves
LS_PASSES = 50
PRIMAL_LS_PASSES = 2  # cheap polish of the repaired plans inside the subgradient loop
TOP_K = 15  # subgradient pricing only offers each target its TOP_K best weapon types
CG_SHARE = 0.25  # share of the master's time for column generation
MAX_CG_ITERS = 50
CG_ALPHA = 0.5  # dual smoothing towards the best subgradient prices
MIP_LIMIT_SHARE = 0.8  # HiGHS overruns its time limit a little
LP_SOLVER = "ipm"  # for the master LP in the heuristic
ROUNDING_POLISH_SHARE = 0.5  # of the master's time left, for polishing the LP rounding
MIP_ROOT_FACTOR = 3.0  # the MIP runs only with this many times the first LP's time left


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


def subgradient_phase(data, x0, deadline):
    """Subgradient steps on the weapon prices with restricted pricing, repairing plans as it goes.

    Returns ``(x, objective, pool, prices, steps)``: the best assignment seen
    (``x0`` or a repaired plan assignment), the plan pool for the master and the
    prices of the best (restricted) Lagrangian value.
    """
    from .exact import PlanPool, _add_solution_plans

    values, q, allowed, units, caps, ucost = data
    m, n = q.shape
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
    while it < MAX_SG_ITERS and time.perf_counter() < deadline:
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
        if (it + 1) % PRIMAL_EVERY == 0 or gg == 0.0:
            y = _primal(y, data, PRIMAL_LS_PASSES)
            _add_solution_plans(pool, y, values, q, ucost)
            obj = hk.objective(y, values, q, ucost)
            if obj < ub - tol:
                best_x, ub = y, obj
        it += 1
        if gg == 0.0 or ub - best_lb <= tol or theta < 1e-4:
            break
        lam = np.maximum(0.0, lam + theta * (ub - lb) / gg * g)
    return best_x, ub, pool, best_lam, it


def bound_until(data, lam, deadline):
    """Valid Lagrangian lower bound at prices ``lam``, or ``-inf`` if ``deadline`` passes first."""
    values, q, allowed, units, caps, ucost = data
    from .exact import PRICING_NODES

    res = price_until(values, q, np.ascontiguousarray(lam + ucost), units, allowed, caps,
                      PRICING_NODES, deadline)
    return -np.inf if res is None else float(res[0].sum() - np.dot(lam, units))


def lp_rounding(pool, z_cols):
    """Assignment giving every target its plan of largest LP weight (may over-use weapons)."""
    z = np.asarray(z_cols)[:len(pool)]
    target = np.asarray(pool.target[:z.shape[0]])
    best = np.full(pool.n, -1)
    weight = np.full(pool.n, -1.0)
    for k in np.nonzero(z > 1e-9)[0]:
        j = target[k]
        if z[k] > weight[j]:
            weight[j], best[j] = z[k], k
    x = np.zeros((pool.m, pool.n), dtype=np.int64)
    for j in range(pool.n):
        k = best[j]
        if k >= 0:
            x[pool.weapons[k], j] += pool.counts[k]
    return x


def note_fmt(cg, pool):
    return f", {cg} CG rounds, {len(pool)} plans"


def master_phase(data, pool, x_best, center, deadline):
    """Column generation rounds (valid bound, new plans), then a set-partitioning MIP over the pool.

    Stops by ``deadline``. Returns ``(x, objective, lower_bound, prices, note)``
    with ``x`` the better of ``x_best`` and the MIP answer, ``lower_bound`` the
    best valid bound of a completed round (or ``-inf``) and ``prices`` where it was found.
    """
    from .exact import Master, _add_solution_plans, _price_round, _x_from_columns

    values, q, allowed, units, caps, ucost = data
    ub = hk.objective(x_best, values, q, ucost)
    tol = 1e-12 * max(1.0, abs(ub))
    _add_solution_plans(pool, x_best, values, q, ucost)
    best_lb = -np.inf
    master = Master(pool, units, lp_solver=LP_SOLVER)
    cg_deadline = time.perf_counter() + CG_SHARE * (deadline - time.perf_counter())
    cg = 0
    t_lp = 0.0
    z_cols = None
    while ub - best_lb > tol and cg < MAX_CG_ITERS and time.perf_counter() < cg_deadline:
        cg += 1
        t0 = time.perf_counter()
        lp = master.solve_lp((deadline if cg == 1 else cg_deadline) - t0)
        if cg == 1:
            t_lp = time.perf_counter() - t0
        if lp is None:
            if cg == 1:  # the pool's LP alone does not fit: neither will the MIP
                return x_best, ub, best_lb, center, note_fmt(cg, pool) + ", LP out of time"
            break
        _z, sigma, lam_lp, z_cols = lp
        lam_price = CG_ALPHA * center + (1.0 - CG_ALPHA) * lam_lp
        added, bound = _price_round(pool, data, sigma, lam_lp, lam_price, tol, cg_deadline)
        if bound > best_lb + tol:
            best_lb, center = bound, lam_price
        if added == 0:
            break
    note = note_fmt(cg, pool)
    if z_cols is not None:
        # LP rounding: every target takes its heaviest plan in the LP optimum, then repair + polish.
        y = lp_rounding(pool, z_cols)
        y = _primal(y, data, LS_PASSES)
        polish(y, data, time.perf_counter() + ROUNDING_POLISH_SHARE * (deadline - time.perf_counter()))
        obj = hk.objective(y, values, q, ucost)
        if obj < ub - tol:
            x_best, ub = y, obj
            note += ", improved by LP rounding"
    left = deadline - time.perf_counter()
    # The MIP's root LP (dual simplex) takes a few times the interior-point LP above: skip a MIP
    # that cannot get past its root and leave the time to the exchange search.
    if ub - best_lb > tol and left > max(0.005, MIP_ROOT_FACTOR * t_lp):
        # HiGHS may overrun its limit a little: give it a margin.
        # No start solution: HiGHS is given none so that its objective matches its columns.
        _status, mip_obj, _bound, cols = master.solve_mip(MIP_LIMIT_SHARE * left, None)
        if cols is not None and mip_obj < ub - tol:
            y = _x_from_columns(pool, cols)
            hk.local_search(y, values, q, allowed, units, caps, ucost, LS_PASSES)
            obj = hk.objective(y, values, q, ucost)
            if obj < ub - tol:
                x_best, ub = y, obj
                note += ", improved by plan MIP"
    return x_best, ub, best_lb, center, note
