"""Dispatcher from a method name to the exact or heuristic WTA solver."""

from __future__ import annotations

from .problem import WTAProblem, WTASolution

METHODS = ("heuristic", "exact")


def solve(problem: WTAProblem, method: str = "heuristic", time_limit_s: float = 1.0,
          seed: int | None = None) -> WTASolution:
    """Solve a static WTA problem.

    ``heuristic`` is real-time and anytime (stops at ``time_limit_s`` or when
    it stalls); ``exact`` proves a relative gap <= 1e-4 or returns the best
    solution and bound it has at ``time_limit_s``.  Randomness comes only from
    ``numpy.random.default_rng(seed)``.
    """
    if not isinstance(problem, WTAProblem):
        raise TypeError("solve: problem must be a WTAProblem")
    if not time_limit_s > 0:
        raise ValueError(f"solve: time_limit_s must be > 0, got {time_limit_s}")
    if method == "heuristic":
        from .heuristic import solve_heuristic
        return solve_heuristic(problem, time_limit_s=time_limit_s, seed=seed)
    if method == "exact":
        from .exact import solve_exact
        return solve_exact(problem, time_limit_s=time_limit_s, seed=seed)
    raise ValueError(f"solve: unknown method {method!r}; expected one of {METHODS}")
