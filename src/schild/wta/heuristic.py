"""Real-time anytime WTA heuristic.

Maximum-marginal-return greedy, then local search (relocate, replace, swap).
With at least ``LAGRANGIAN_MIN_S`` of budget left, a Lagrangian phase
(``_lagrangian``: subgradient on weapon prices with fast restricted pricing),
an exchange polish (``_ejection``: cyclic and path multi-exchanges), the
master (column generation, LP rounding, a set-partitioning MIP over the plans
seen, each only when it fits in the time left) and another polish.  Then
destroy-and-repair rounds with polish until the time budget or a stall limit.
When they stall with at least ``CLOSE_MIN_S`` left, the exact method's phases
(``exact.close_gap``) get the rest of the budget to improve the incumbent and
prove it optimal.  The lower bound is the best valid Lagrangian value seen, or
one priced from the final solution's marginal unit values.
"""

from __future__ import annotations

import time

import numpy as np

from . import _heuristic_kernels as hk
from ._assignment_start import TOP_K, assignment_start, proves_optimum
from ._ejection import polish
from ._lagrangian import MIP_LIMIT_SHARE, bound_until, master_phase, subgradient_phase
from .problem import WTAProblem, WTASolution, relative_gap

STALL_ROUNDS = 20  # destroy-repair rounds without improvement before stopping
LS_PASSES = 50
START_LS_PASSES = 5  # the start only seeds the prices and the first step size
START_SHARE = 0.1  # at most this share of the budget for the start's local search
LAGRANGIAN_MIN_S = 0.05  # budget needed before the Lagrangian phase is tried
SG_SHARE = 0.45  # share of the budget left after the start for subgradient steps
POLISH_SHARE = 0.5  # at most this share of the budget left after them for the first polish
MASTER_SHARE = 0.8  # share of the budget left then for column generation and the plan MIP
MASTER_MIN_STEPS = 25  # the master runs only with at least this many subgradient steps' time
BOUND_SHARE = 0.5  # share of the budget left for pricing a valid bound (else none)
#: Kept back from the budget for the step that runs past the last deadline check (a subgradient step,
#: the final objective and bound): 2 ms plus 2e-8 s per (type, target) pair, at most 10 % of the
#: budget. Measured overshoot at 10 ms was up to ~1 ms without it, and 20-80 ms at 800 x 1600.
RESERVE_SHARE, RESERVE_BASE_S, RESERVE_PAIR_S = 0.1, 0.002, 2e-8
MUV_PAIR_S = 6e-8  # time of marginal_unit_values per (type, target) pair (69 ms at 800 x 1600)
FLOW_ARC_S = 3e-7  # time of the full min-cost flow per (type, target) pair (47 ms at 300 x 600)
CLOSE_MIN_S = 0.05  # time left when the repair rounds stall needed to hand over to the exact phases
CLOSE_REL_GAP = 1e-9  # the gap those phases prove (the heuristic's "proven optimal")
CLOSE_MARGIN_SHARE = 0.1  # of the time left then: a reduced-cost window starts only with more left
#: Caps on those phases' uninterruptible steps, per second left: search nodes for one target's
#: pricing or enumeration (2-5 M nodes/s measured: 5-10 % of the time left) and plans in a
#: window (its master takes ~3 us a plan to build: 10 %).
CLOSE_NODES_PER_S, CLOSE_COLUMNS_PER_S = 2e5, 3e4
CLOSE_MIP_RESERVE_S = 0.01  # HiGHS's setup and overrun of a plan MIP's limit (~10 ms measured)
#: Their setup (seed plans, first pricing, first master), which cannot be interrupted, per target and
#: per pair (measured 27 ms at 100 x 200, 0.1 s at 400 x 800, 0.36 s at 800 x 1600): they start only
#: when it takes at most half of the time left.
CLOSE_TARGET_S, CLOSE_PAIR_S = 1.2e-4, 2.5e-7


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


def close_with_exact(problem: WTAProblem, data, x, deadline):
    """Hand the incumbent to the exact method's phases until ``deadline``: ``(x, bound, note)``."""
    from .exact import close_gap

    x, lb, note = close_gap(problem, data, x, deadline, CLOSE_REL_GAP,
                            margin_s=CLOSE_MARGIN_SHARE * (deadline - time.perf_counter()),
                            max_columns=CLOSE_COLUMNS_PER_S, max_nodes=CLOSE_NODES_PER_S,
                            per_s_left=True, mip_share=MIP_LIMIT_SHARE,
                            mip_reserve_s=CLOSE_MIP_RESERVE_S)
    return x, lb, f"; exact phases: {note}"


def solve_heuristic(problem: WTAProblem, time_limit_s: float = 1.0, seed: int | None = None,
                    with_bound: bool = True, close: bool = True) -> WTASolution:
    """Greedy + local search (+ Lagrangian phase) + destroy/repair within ``time_limit_s``.

    With ``close`` the exact method's phases get what is left once the repair rounds stall.
    """
    t0 = time.perf_counter()
    budget = max(0.0, float(time_limit_s))
    values, q, allowed, units, caps, ucost = arrays(problem)
    m, n = q.shape
    deadline = t0 + budget - min(RESERVE_SHARE * budget, RESERVE_BASE_S + RESERVE_PAIR_S * m * n)
    rng = np.random.default_rng(seed)
    x = np.zeros((m, n), dtype=np.int64)
    lagrangian = deadline - t0 > LAGRANGIAN_MIN_S
    caps_one = bool(np.all(caps <= 1))
    # With one unit per target at most the objective is linear and min-cost flow solves it exactly
    # when every type is an arc of every target: done when its estimated time fits the budget.
    k_flow = max(TOP_K, m) if caps_one and m * n * FLOW_ARC_S <= budget else TOP_K
    if m and n and proves_optimum(m, caps, k_flow):
        x = assignment_start(values, q, allowed, units, caps, ucost, top_k=k_flow)
        obj = problem.objective(x)
        return WTASolution(x=x, objective=obj, lower_bound=obj, gap=0.0, proven_optimal=True,
                           time_s=time.perf_counter() - t0, method="heuristic",
                           status="optimal: one unit per target at most, min-cost flow")
    t_greedy = 0.0
    if m and n and not caps_one:  # (with caps of 1 the flow start below is the better one outright)
        hk.greedy_fill(x, values, q, allowed, units, caps, ucost)
        t_greedy = time.perf_counter() - t0  # a repair round's refill costs about as much
    if m and n and (caps_one or units.sum() <= np.count_nonzero(caps >= 1)):
        # The best one-unit-per-target plan (exact by min-cost flow), topped up greedily, is the
        # better start where units are not more than targets (greedy is 10-30 % off at 1000 x 2000
        # with mu = 2); with more units than targets it was a worse basin (600 x 1200, mu = 3).
        t_start = time.perf_counter()
        xa = assignment_start(values, q, allowed, units, caps, ucost)
        hk.greedy_fill(xa, values, q, allowed, units, caps, ucost)
        t_greedy = max(t_greedy, time.perf_counter() - t_start)
        if caps_one or hk.objective(xa, values, q, ucost) < hk.objective(x, values, q, ucost):
            x = xa
    if m and n:
        hk.local_search_until(x, values, q, allowed, units, caps, ucost,
                              START_LS_PASSES if lagrangian else LS_PASSES,
                              t0 + START_SHARE * (deadline - t0))
    data = (values, q, allowed, units, caps, ucost)
    status = "local search"
    lag_lb = -np.inf
    cycles = 0
    if m and n and lagrangian:
        now = time.perf_counter()
        x, _obj, pool, prices, steps = subgradient_phase(data, x, now + SG_SHARE * (deadline - now))
        status += f"; Lagrangian {steps} steps"
        t_step = (time.perf_counter() - now) / max(1, steps)
        now = time.perf_counter()
        # The pool's LP takes roughly 10-20 subgradient steps' time: without room for it the
        # master cannot help, and the exchange polish gets all the time.
        master_s = (1.0 - POLISH_SHARE) * MASTER_SHARE * (deadline - now)
        with_master = master_s > max(LAGRANGIAN_MIN_S / 2, MASTER_MIN_STEPS * t_step)
        cycles += polish(x, data, now + (POLISH_SHARE if with_master else 1.0) * (deadline - now))
        now = time.perf_counter()
        if with_master and deadline - now > LAGRANGIAN_MIN_S / 2:
            x, _obj, lag_lb, prices, note = master_phase(data, pool, x, prices,
                                                         now + MASTER_SHARE * (deadline - now))
            status += note
        cycles += polish(x, data, deadline)
        if with_bound and lag_lb == -np.inf:
            now = time.perf_counter()
            lag_lb = bound_until(data, prices, now + BOUND_SHARE * (deadline - now))
    elif m and n:
        cycles += polish(x, data, deadline)
    best_obj = hk.objective(x, values, q, ucost)
    rounds = stall = 0
    k_destroy = max(2, min(n, n // 25 + 2))
    proven = best_obj - lag_lb <= 1e-9 * max(1.0, abs(best_obj))
    t_round = t_greedy
    # A round's refill cannot be interrupted: start one only if the last one would still fit.
    while n > 1 and not proven and stall < STALL_ROUNDS and deadline - time.perf_counter() > t_round:
        t_start = time.perf_counter()
        targets = rng.choice(n, size=min(k_destroy, n), replace=False).astype(np.int64)
        y = hk.destroy_repair(x, values, q, allowed, units, caps, ucost, targets)
        t_round = time.perf_counter() - t_start
        hk.local_search_until(y, values, q, allowed, units, caps, ucost, LS_PASSES, deadline)
        cycles += polish(y, data, deadline)
        obj = hk.objective(y, values, q, ucost)
        rounds += 1
        if obj < best_obj - 1e-12 * max(1.0, abs(best_obj)):
            x, best_obj = y, obj
            stall = 0
        else:
            stall += 1
    status += f", {cycles} exchange cycles, {rounds} repair rounds"
    setup_s = CLOSE_TARGET_S * n + CLOSE_PAIR_S * m * n
    closed = (close and m and n and not proven and (n <= 1 or stall >= STALL_ROUNDS)
              and deadline - time.perf_counter() > max(CLOSE_MIN_S, 2.0 * setup_s))
    if closed:
        x, close_lb, note = close_with_exact(problem, data, x, deadline)
        status += note
        lag_lb = max(lag_lb, close_lb)
        best_obj = hk.objective(x, values, q, ucost)
        proven = best_obj - lag_lb <= 1e-9 * max(1.0, abs(best_obj))
    objective = problem.objective(x)
    lb = 0.0
    # pricing a bound from the marginal unit values needs them first (~6e-8 s per pair, not interruptible);
    # after the exact phases (whose first pricing is at those values) it would only run past the deadline
    if with_bound and m and n and not closed and time.perf_counter() + MUV_PAIR_S * m * n < deadline:
        lb = lag_lb if proven else bound_until(data, marginal_unit_values(problem, x), deadline)
        lb = min(objective, max(0.0, lb, lag_lb))
    elif with_bound and m and n:
        lb = min(objective, max(0.0, lag_lb))
    elif not (m and n):
        lb = objective
    gap = relative_gap(objective, lb)
    return WTASolution(x=x, objective=objective, lower_bound=lb, gap=gap,
                       proven_optimal=gap <= 1e-9, time_s=time.perf_counter() - t0,
                       method="heuristic", status=status)

