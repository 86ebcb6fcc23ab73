"""Real-time anytime WTA heuristic.

Maximum-marginal-return greedy, then local search (relocate, replace, swap).
With at least ``LAGRANGIAN_MIN_S`` of budget left, a Lagrangian phase
(``_lagrangian``: subgradient on weapon prices, a few column generation rounds,
then a set-partitioning MIP over the plans seen).  Then destroy-and-repair
rounds (free the units of a few random targets, refill greedily, local search)
until the time budget or a stall limit.  The lower bound is the best valid
Lagrangian value seen, or one priced from the final solution's marginal unit
values.
"""

from __future__ import annotations

import time

import numpy as np

from . import _heuristic_kernels as hk
from ._lagrangian import lagrangian_phase
from ._pricing import price_all
from .problem import WTAProblem, WTASolution, relative_gap

STALL_ROUNDS = 20  # destroy-repair rounds without improvement before stopping
LS_PASSES = 50
LAGRANGIAN_MIN_S = 0.05  # budget needed before the Lagrangian phase is tried


def arrays(problem: WTAProblem):
    """Contiguous arrays the kernels need: q, allowed, units, caps, unit cost."""
    q = np.ascontiguousarray(1.0 - problem.p)
    allowed = np.ascontiguousarray(problem.allowed() & (problem.p > 0.0))
    units = np.ascontiguousarray(problem.units, dtype=np.int64)
    caps = np.ascontiguousarray(problem.caps_or_inf())
    ucost = np.ascontiguousarray(problem.unit_cost())
    values = np.ascontiguousarray(problem.values)
    return values, q, allowed, units, caps, ucost


def marginal_unit_values(problem: WTAProblem, x: np.ndarray) -> np.ndarray:
    """Per weapon type: smallest loss from withdrawing one of its used units.

    Weapon types with spare units get 0: an extra unit of them is free.
    """
    values, q, _allowed, units, _caps, ucost = arrays(problem)
    m, n = q.shape
    lam = np.zeros(m)
    surv = np.prod(np.power(q, x), axis=0)
    used = x.sum(axis=1)
    for i in range(m):
        if used[i] < units[i] or used[i] == 0:
            continue
        js = np.nonzero(x[i])[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            without = np.where(q[i, js] > 0, surv[js] / q[i, js],
                               np.prod(np.power(np.delete(q[:, js], i, 0),
                                                np.delete(x[:, js], i, 0)), axis=0)
                               * q[i, js] ** (x[i, js] - 1))
        lam[i] = max(0.0, float(np.min(values[js] * (without - surv[js]))) - ucost[i])
    return lam


def lagrangian_bound(problem: WTAProblem, lam: np.ndarray) -> float:
    """Valid lower bound ``sum_j min_plan (v S + (lam + c) . x) - lam . units``."""
    values, q, allowed, units, caps, ucost = arrays(problem)
    priced, *_ = price_all(values, q, np.ascontiguousarray(lam + ucost), units, allowed, caps,
                           20_000)
    return float(priced.sum() - np.dot(lam, units))


def solve_heuristic(problem: WTAProblem, time_limit_s: float = 1.0, seed: int | None = None,
                    with_bound: bool = True) -> WTASolution:
    """Greedy + local search (+ Lagrangian phase) + destroy/repair within ``time_limit_s``."""
    t0 = time.perf_counter()
    deadline = t0 + max(0.0, float(time_limit_s))
    rng = np.random.default_rng(seed)
    values, q, allowed, units, caps, ucost = arrays(problem)
    m, n = q.shape
    x = np.zeros((m, n), dtype=np.int64)
    if m and n:
        hk.greedy_fill(x, values, q, allowed, units, caps, ucost)
        hk.local_search(x, values, q, allowed, units, caps, ucost, LS_PASSES)
    best_obj = hk.objective(x, values, q, ucost)
    status = "local search"
    lag_lb = -np.inf
    if m and n and deadline - time.perf_counter() > LAGRANGIAN_MIN_S:
        x, best_obj, lag_lb, note = lagrangian_phase((values, q, allowed, units, caps, ucost),
                                                     x, deadline)
        status += note
    rounds = stall = 0
    k_destroy = max(2, min(n, n // 25 + 2))
    while n > 1 and stall < STALL_ROUNDS and time.perf_counter() < deadline:
        targets = rng.choice(n, size=min(k_destroy, n), replace=False).astype(np.int64)
        y = hk.destroy_repair(x, values, q, allowed, units, caps, ucost, targets, LS_PASSES)
        obj = hk.objective(y, values, q, ucost)
        rounds += 1
        if obj < best_obj - 1e-12 * max(1.0, abs(best_obj)):
            x, best_obj = y, obj
            stall = 0
        else:
            stall += 1
    status += f", {rounds} repair rounds"
    objective = problem.objective(x)
    lb = 0.0
    if with_bound and m and n and time.perf_counter() < deadline:
        lb = lagrangian_bound(problem, marginal_unit_values(problem, x))
        lb = min(objective, max(0.0, lb, lag_lb))
    elif with_bound and m and n:
        lb = min(objective, max(0.0, lag_lb))
    elif not (m and n):
        lb = objective
    gap = relative_gap(objective, lb)
    return WTASolution(x=x, objective=objective, lower_bound=lb, gap=gap,
                       proven_optimal=gap <= 1e-9, time_s=time.perf_counter() - t0,
                       method="heuristic", status=status)

