"""Static weapon-target assignment (WTA): model, exact and real-time solvers, I/O.

``solve(problem, method="heuristic" | "exact", time_limit_s, seed)`` is the
entry point the battle manager calls at each decision epoch.
"""

from __future__ import annotations

from .._lazy import install as _install_lazy

_LAZY = {
    "WTAFormatError": "io", "generate_instance": "io", "read_instance": "io", "write_instance": "io",
    "WTAProblem": "problem", "WTASolution": "problem",
    "solve": "solve",
}
__all__ = sorted(_LAZY)
_install_lazy(__name__, _LAZY)  # numpy and numba load on first use (``schild --help`` stays fast)
