"""Dispatcher from a method name to the exact or heuristic WTA solver."""

from __future__ import annotations

import numpy as np

from .problem import WTAProblem, WTASolution

METHODS = ("heuristic", "exact")


def solve(problem: WTAProblem, method: str = "heuristic", time_limit_s: float = 1.0,
          seed: int | None = None) -> WTASolution:
    """Solve a static WTA problem.

    ``heuristic`` is real-time and anytime (stops at ``time_limit_s``, or when
    its search stalls and the exact phases that get the rest of a budget of
    more than 50 ms prove its answer or give up); ``exact`` proves a relative
    gap <= 1e-4 or returns the best solution and bound it has at
    ``time_limit_s``.  Randomness comes only from ``numpy.random.default_rng(seed)``.
    """
    if not isinstance(problem, WTAProblem):
        raise TypeError("solve: problem must be a WTAProblem")
    if not time_limit_s > 0:
        raise ValueError(f"solve: time_limit_s must be > 0, got {time_limit_s}")
    if seed is not None and not (isinstance(seed, (int, np.integer)) and seed >= 0):
        raise ValueError(f"solve: seed must be a non-negative integer or None, got {seed!r}")
    if method == "heuristic":
        from .heuristic import solve_heuristic
        return solve_heuristic(problem, time_limit_s=time_limit_s, seed=seed)
    if method == "exact":
        from .exact import solve_exact
        return solve_exact(problem, time_limit_s=time_limit_s, seed=seed)
    raise ValueError(f"solve: unknown method {method!r}; expected one of {METHODS}")


def warm_up(method: str = "heuristic") -> None:
    """Load (or compile) every numba kernel ``method`` uses, on tiny instances.

    A fresh process otherwise spends tens of milliseconds of its first solve's budget
    loading cached machine code, and a fresh install seconds compiling it (the exact
    method's pricing and enumeration kernels too); call this before timing a solve (the CLI
    and the benchmarks do). Once numba's cache is on disk it takes well under a second for the
    heuristic and a few seconds for the exact method (mostly loading its kernels).
    """
    from ._pricing import search_plans
    from .io import generate_instance

    for mu in (1, 3):
        solve(generate_instance(12, 24, mu, seed=0), method="heuristic", time_limit_s=0.12, seed=0)
    # The plan enumeration (the exact phases the heuristic hands over to with budget left) calls
    # the search from Python: its first call loads it (~50 ms), which the runs above may not do.
    search_plans(1.0, np.array([0.5, 0.5]), np.zeros(2), np.ones(2, dtype=np.int64), 2, 0.0, 1.0,
                 False, 8, 100)
    if method == "exact":
        solve(generate_instance(8, 16, 3, seed=0), method="exact", time_limit_s=600.0, seed=0)
