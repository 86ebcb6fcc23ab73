"""Battle manager: threat evaluation and weapon-target assignment at each decision epoch.

At an epoch the engine lists every feasible (threat, fire unit) engagement with its score,
``value * P(kill) - cost_weight * cost``. An assigner picks at most one engagement per threat and at most
``capacity[f]`` per fire unit, maximising the summed score:

* ``greedy_assign`` (numba): maximum-marginal-return greedy, the real-time default;
* ``first_feasible_assign`` (numba): the simple doctrine baseline, first come first served: threats in
  the order they came into reach, each to the first listed unit that can fire, no value or cost weighing;
* ``exact_assign`` (Python, called from the engine through numba's object mode): the optimal assignment
  from the exact solver of ``schild.wta``, within the scenario's ``time_budget_ms`` per epoch.

Both read the same arrays, so one can replace the other without touching the engine.
"""

from __future__ import annotations

import numba as nb
import numpy as np

ASSIGN_GREEDY = 0
ASSIGN_EXACT = 1
ASSIGN_FIRST = 2
ASSIGNMENT_MODES = {"heuristic": ASSIGN_GREEDY, "exact": ASSIGN_EXACT, "doctrine": ASSIGN_FIRST}


@nb.njit(cache=True)
def _take_in_order(order, cand_thr, cand_fu, capacity, thr_taken, chosen):
    """Take candidates in the given order while their threat and fire unit are free; returns the count."""
    n_chosen = 0
    for c in order:
        j = cand_thr[c]
        f = cand_fu[c]
        if thr_taken[j] or capacity[f] <= 0:
            continue
        thr_taken[j] = True
        capacity[f] -= 1
        chosen[n_chosen] = c
        n_chosen += 1
    return n_chosen


@nb.njit(cache=True)
def greedy_assign(cand_thr, cand_fu, cand_score, n_cand, capacity, thr_taken, chosen):
    """Maximum marginal return: candidates in descending score."""
    order = np.argsort(-cand_score[:n_cand], kind="mergesort")
    return _take_in_order(order, cand_thr, cand_fu, capacity, thr_taken, chosen)


@nb.njit(cache=True)
def first_feasible_assign(cand_thr, cand_fu, n_cand, capacity, thr_taken, chosen):
    """Candidates in the order listed (threats by arrival, units in scenario order)."""
    return _take_in_order(np.arange(n_cand), cand_thr, cand_fu, capacity, thr_taken, chosen)


def exact_assign(cand_thr: np.ndarray, cand_fu: np.ndarray, cand_score: np.ndarray,
                 capacity: np.ndarray, time_limit_s: float = 0.05) -> np.ndarray:
    """Optimal choice of candidates (indices) under one-per-threat and per-unit capacities.

    The epoch problem is handed to the exact solver of ``schild.wta`` as a static WTA problem with target
    caps of 1: weapons are the fire units (units = free engagements), targets the threats, and
    ``p'_ij = score_ij / max score`` with every target worth ``max score``. With one engagement per
    target, minimising surviving value ``sum_j V (1 - p'_ij x_ij)`` is exactly maximising the summed
    score. ``time_limit_s`` is the battle manager's time budget per epoch (anytime: the best assignment
    found is used if optimality is not proven in time).
    """
    from ..wta import WTAProblem, solve

    n = len(cand_thr)
    if n == 0:
        return np.zeros(0, np.int64)
    threats, t_idx = np.unique(cand_thr, return_inverse=True)
    units, u_idx = np.unique(cand_fu, return_inverse=True)
    cap = np.minimum(capacity[units], len(threats)).astype(np.int64)
    best_cand = np.full((len(units), len(threats)), -1, np.int64)
    best_score = np.zeros((len(units), len(threats)))
    for c in range(n):
        ui, ti = u_idx[c], t_idx[c]
        if cand_score[c] > best_score[ui, ti]:
            best_score[ui, ti] = cand_score[c]
            best_cand[ui, ti] = c
    top = float(best_score.max())
    if top <= 0.0 or cap.sum() == 0:
        return np.zeros(0, np.int64)
    problem = WTAProblem(units=cap, values=np.full(len(threats), top), p=best_score / top,
                         mask=best_cand >= 0, target_caps=np.ones(len(threats), np.int64))
    x = solve(problem, method="exact", time_limit_s=time_limit_s).x
    ui, ti = np.nonzero(x > 0)
    return np.sort(best_cand[ui, ti]).astype(np.int64)


def warm_up_exact() -> None:
    """Load (or compile) the exact solver's kernels before a run, outside any epoch's time budget.

    In a fresh environment the first exact solve spends seconds compiling; inside an epoch's budget
    that would cut the solve short and make the first epochs' choices depend on the machine's speed.
    """
    exact_assign(np.array([0, 0, 1, 2, 2, 3], np.int64), np.array([0, 1, 1, 0, 1, 1], np.int64),
                 np.array([0.56, 0.89, 0.52, 0.57, 0.37, 0.62]), np.array([2, 2], np.int64), time_limit_s=600.0)
