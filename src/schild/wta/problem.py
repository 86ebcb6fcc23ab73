"""Problem and solution containers for static weapon-target assignment (WTA).

The objective is the expected surviving target value
``sum_j v_j * prod_i (1 - p_ij) ** x_ij`` plus an optional linear cost term
``cost_weight * sum_ij costs_usd_per_unit[i] * x_ij``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _as_float_array(name: str, a, ndim: int) -> np.ndarray:
    try:
        arr = np.array(a, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: cannot convert to a float array ({exc})") from None
    if arr.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: contains NaN or infinite entries")
    return arr


@dataclass(frozen=True, eq=False)
class WTAProblem:
    """Immutable static WTA instance; arrays are copied and made read-only.

    ``units[i]`` counts identical units of weapon type ``i``; ``values[j]`` is
    the value of target ``j``; ``p[i, j]`` the single-shot kill probability;
    ``mask[i, j] = False`` forbids any unit of ``i`` on ``j``;
    ``costs_usd_per_unit[i]`` is weighted by ``cost_weight`` in the objective;
    ``target_caps[j]`` bounds the units on ``j`` (``None``: unlimited).
    """

    units: np.ndarray
    values: np.ndarray
    p: np.ndarray
    mask: np.ndarray | None = None
    costs_usd_per_unit: np.ndarray | None = None
    cost_weight: float = 0.0
    target_caps: np.ndarray | None = None
    name: str = field(default="")

    def __post_init__(self) -> None:
        p = _as_float_array("p", self.p, 2)
        m, n = p.shape
        units_f = _as_float_array("units", self.units, 1)
        if units_f.shape != (m,):
            raise ValueError(f"units: expected shape ({m},) to match p, got {units_f.shape}")
        if np.any(units_f < 0):
            raise ValueError(f"units: negative unit count at weapon {int(np.argmin(units_f))}")
        if np.any(units_f != np.round(units_f)):
            raise ValueError("units: unit counts must be integers")
        values = _as_float_array("values", self.values, 1)
        if values.shape != (n,):
            raise ValueError(f"values: expected shape ({n},) to match p, got {values.shape}")
        if np.any(values < 0):
            raise ValueError(f"values: negative target value at target {int(np.argmin(values))}")
        if np.any((p < 0) | (p > 1)):
            i, j = np.argwhere((p < 0) | (p > 1))[0]
            raise ValueError(f"p: probability p[{i},{j}]={p[i, j]} outside [0, 1]")
        mask = None
        if self.mask is not None:
            mask = np.array(self.mask, dtype=bool, copy=True)
            if mask.shape != (m, n):
                raise ValueError(f"mask: expected shape ({m}, {n}), got {mask.shape}")
        costs = None
        if self.costs_usd_per_unit is not None:
            costs = _as_float_array("costs_usd_per_unit", self.costs_usd_per_unit, 1)
            if costs.shape != (m,):
                raise ValueError(f"costs_usd_per_unit: expected shape ({m},), got {costs.shape}")
        cw = float(self.cost_weight)
        if not np.isfinite(cw) or cw < 0:
            raise ValueError(f"cost_weight: must be finite and >= 0, got {self.cost_weight}")
        caps = None
        if self.target_caps is not None:
            caps_f = _as_float_array("target_caps", self.target_caps, 1)
            if caps_f.shape != (n,):
                raise ValueError(f"target_caps: expected shape ({n},), got {caps_f.shape}")
            if np.any(caps_f < 0) or np.any(caps_f != np.round(caps_f)):
                raise ValueError("target_caps: caps must be integers >= 0")
            caps = caps_f.astype(np.int64)
        units = units_f.astype(np.int64)
        for arr in (units, values, p, mask, costs, caps):
            if arr is not None:
                arr.setflags(write=False)
        object.__setattr__(self, "p", p)
        object.__setattr__(self, "units", units)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "mask", mask)
        object.__setattr__(self, "costs_usd_per_unit", costs)
        object.__setattr__(self, "cost_weight", cw)
        object.__setattr__(self, "target_caps", caps)

    @property
    def n_weapons(self) -> int:
        return int(self.p.shape[0])

    @property
    def n_targets(self) -> int:
        return int(self.p.shape[1])

    def allowed(self) -> np.ndarray:
        """Boolean (m, n) matrix of allowed pairs; all True without a mask."""
        if self.mask is None:
            return np.ones(self.p.shape, dtype=bool)
        return self.mask.copy()

    def unit_cost(self) -> np.ndarray:
        """Objective cost of one unit of each weapon type (cost_weight * USD)."""
        if self.costs_usd_per_unit is None or self.cost_weight == 0.0:
            return np.zeros(self.n_weapons)
        return self.cost_weight * self.costs_usd_per_unit

    def caps_or_inf(self) -> np.ndarray:
        """Per-target cap as int64, with a large number standing for unlimited."""
        if self.target_caps is None:
            return np.full(self.n_targets, np.iinfo(np.int32).max, dtype=np.int64)
        return np.array(self.target_caps, dtype=np.int64)

    def _check_shape(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        if x.shape != self.p.shape:
            raise ValueError(f"assignment: expected shape {self.p.shape}, got {x.shape}")
        return x

    def objective(self, x) -> float:
        """Expected surviving value plus weighted cost for an integer assignment."""
        x = self._check_shape(x).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = 1.0 - self.p
            # 0 ** 0 must be 1 (no shot, no effect), which np.power gives.
            survival = np.prod(np.power(q, x), axis=0)
        value = float(np.dot(self.values, survival))
        return value + float(np.dot(self.unit_cost(), x.sum(axis=1)))

    def is_feasible(self, x) -> bool:
        """True when x is a non-negative integer matrix within units, mask and caps."""
        try:
            x = self._check_shape(x)
        except ValueError:
            return False
        if not np.all(np.isfinite(x)) or np.any(x < 0) or np.any(x != np.round(x)):
            return False
        if np.any(x.sum(axis=1) > self.units):
            return False
        if self.mask is not None and np.any(x[~self.mask] != 0):
            return False
        if self.target_caps is not None and np.any(x.sum(axis=0) > self.target_caps):
            return False
        return True


@dataclass
class WTASolution:
    """Result of a solve: assignment, objective, bound and provenance."""

    x: np.ndarray
    objective: float
    lower_bound: float
    gap: float
    proven_optimal: bool
    time_s: float
    method: str
    status: str = ""

    def assignment_triples(self) -> list[list[int]]:
        """Non-zero entries as ``[weapon, target, count]`` lists (JSON-ready)."""
        ii, jj = np.nonzero(self.x)
        return [[int(i), int(j), int(self.x[i, j])] for i, j in zip(ii, jj)]


def relative_gap(objective: float, lower_bound: float) -> float:
    """(obj - lb) / max(|obj|, 1e-12), clipped at 0 for round-off."""
    return max(0.0, (objective - lower_bound) / max(abs(objective), 1e-12))
