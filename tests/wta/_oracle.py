"""Brute-force WTA oracle for tiny instances (enumerates every assignment)."""

from __future__ import annotations

import itertools

import numpy as np

from schild.wta import WTAProblem


def _splits(total_max: int, n: int):
    """All vectors of n non-negative ints with sum <= total_max."""
    for combo in itertools.product(range(total_max + 1), repeat=n):
        if sum(combo) <= total_max:
            yield combo


def brute_force(problem: WTAProblem) -> tuple[float, np.ndarray]:
    m, n = problem.p.shape
    rows = [list(_splits(int(problem.units[i]), n)) for i in range(m)]
    best, best_x = np.inf, None
    for choice in itertools.product(*rows):
        x = np.array(choice, dtype=np.int64).reshape(m, n)
        if not problem.is_feasible(x):
            continue
        obj = problem.objective(x)
        if obj < best:
            best, best_x = obj, x
    return best, best_x
