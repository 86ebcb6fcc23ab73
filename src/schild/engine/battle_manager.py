"""Battle manager: threat evaluation and weapon-target assignment at each decision epoch.

At an epoch the engine lists every feasible (threat, fire unit) engagement with its score,
``value * P(kill) - cost_weight * cost``. An assigner picks at most one engagement per threat and at most
``capacity[f]`` per fire unit, maximising the summed score:

* ``greedy_assign`` (numba): maximum-marginal-return greedy, the real-time default;
* ``first_feasible_assign`` (numba): the simple doctrine baseline, first come first served: threats in
  the order they came into reach, each to the first listed unit that can fire, no value or cost weighing;
* ``exact_assign`` (Python, called from the engine through numba's object mode): the optimal assignment,
  solved exactly as a rectangular assignment problem (each unit's free engagements are columns).

Both read the same arrays, so one can replace the other without touching the engine.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from scipy.optimize import linear_sum_assignment

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
                 capacity: np.ndarray) -> np.ndarray:
    """Optimal choice of candidates (indices) under one-per-threat and per-unit capacities."""
    n = len(cand_thr)
    if n == 0:
        return np.zeros(0, np.int64)
    threats, t_idx = np.unique(cand_thr, return_inverse=True)
    units, u_idx = np.unique(cand_fu, return_inverse=True)
    cap = np.minimum(capacity[units], len(threats)).astype(np.int64)
    col_start = np.concatenate(([0], np.cumsum(cap)))
    n_cols = int(col_start[-1])
    if n_cols == 0:
        return np.zeros(0, np.int64)
    # Benefit matrix threats x (unit slots + one "hold" column per threat at benefit 0), so that leaving a
    # threat unassigned is allowed; infeasible pairs get a large negative benefit.
    benefit = np.full((len(threats), n_cols + len(threats)), -1e12)
    benefit[np.arange(len(threats)), n_cols + np.arange(len(threats))] = 0.0
    best_cand = np.full((len(threats), len(units)), -1, np.int64)
    best_score = np.full((len(threats), len(units)), -np.inf)
    for c in range(n):
        ti, ui = t_idx[c], u_idx[c]
        if cand_score[c] > best_score[ti, ui]:
            best_score[ti, ui] = cand_score[c]
            best_cand[ti, ui] = c
    for ui in range(len(units)):
        s0, s1 = col_start[ui], col_start[ui + 1]
        if s1 > s0:
            col = np.where(best_cand[:, ui] >= 0, best_score[:, ui], -1e12)
            benefit[:, s0:s1] = col[:, None]
    rows, cols = linear_sum_assignment(benefit, maximize=True)
    slot_unit = np.repeat(np.arange(len(units)), cap)
    chosen = []
    for r, c in zip(rows, cols):
        if c >= n_cols or benefit[r, c] <= -1e11:
            continue
        chosen.append(best_cand[r, slot_unit[c]])
    return np.array(sorted(chosen), np.int64)
