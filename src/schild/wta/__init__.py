"""Static weapon-target assignment (WTA): model, exact and real-time solvers, I/O.

``solve(problem, method="heuristic" | "exact", time_limit_s, seed)`` is the
entry point the battle manager calls at each decision epoch.
"""

from __future__ import annotations

from .io import WTAFormatError, generate_instance, read_instance, write_instance
from .problem import WTAProblem, WTASolution
from .solve import solve

__all__ = [
    "WTAFormatError",
    "WTAProblem",
    "WTASolution",
    "generate_instance",
    "read_instance",
    "solve",
    "write_instance",
]
