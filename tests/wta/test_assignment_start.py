"""Assignment-based start: the one-unit-per-target plan is the linear optimum (scipy oracle), and the
heuristic returns it as proven optimal when every target takes at most one unit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from schild.wta import WTAProblem, solve
from schild.wta._assignment_start import assignment_start, proves_optimum

from ._oracle import brute_force


def _linear_optimum(values, q, ok, units, ucost):
    """Best sum of (v_j p_ij - c_i) with one unit per target at most, by the Hungarian method."""
    a = np.where(ok, values[None, :] * (1.0 - q) - ucost[:, None], 0.0)
    rows = np.repeat(np.arange(len(units)), units)
    if len(rows) == 0:
        return 0.0
    b = np.maximum(a[rows], 0.0)
    r, c = linear_sum_assignment(b, maximize=True)
    return float(b[r, c].sum())


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), m=st.integers(1, 10), n=st.integers(1, 20))
def test_flow_plan_is_the_linear_optimum(seed, m, n):
    rng = np.random.default_rng(seed)
    values = rng.uniform(1, 100, n)
    q = rng.uniform(0.05, 1.0, (m, n))
    q[rng.random((m, n)) < 0.1] = 0.0  # sure kills
    allowed = (rng.random((m, n)) < rng.uniform(0.3, 1.0)) & (q < 1.0)
    units = rng.integers(0, 4, m)
    caps = np.where(rng.random(n) < 0.2, 0.0, np.inf)
    ucost = rng.uniform(0, 40, m) if rng.random() < 0.5 else np.zeros(m)
    x = assignment_start(values, q, allowed, units, caps, ucost, top_k=m)
    ok = allowed & (caps[None, :] >= 1)
    assert np.all(x.sum(axis=0) <= 1) and np.all(x.sum(axis=1) <= units) and not np.any(x.astype(bool) & ~ok)
    got = float((np.where(ok, values[None, :] * (1.0 - q) - ucost[:, None], 0.0) * x).sum())
    best = _linear_optimum(values, q, ok, units, ucost)
    assert abs(got - best) <= 1e-9 * max(1.0, best)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), m=st.integers(1, 4), n=st.integers(1, 5))
def test_caps_one_is_proven_optimal_by_the_heuristic(seed, m, n):
    rng = np.random.default_rng(seed)
    prob = WTAProblem(units=rng.integers(0, 3, m), values=rng.integers(1, 101, n).astype(float),
                      p=rng.uniform(0.0, 1.0, (m, n)), mask=rng.random((m, n)) < 0.8,
                      target_caps=np.ones(n, dtype=int),
                      costs_usd_per_unit=rng.uniform(0, 30, m), cost_weight=float(rng.random() < 0.5))
    assert proves_optimum(m, prob.caps_or_inf())
    opt, _ = brute_force(prob)
    for method in ("heuristic", "exact"):
        sol = solve(prob, method=method, time_limit_s=5.0, seed=0)
        assert sol.proven_optimal and sol.gap == 0.0
        assert prob.is_feasible(sol.x)
        assert abs(sol.objective - opt) <= 1e-9 * max(1.0, opt)


def test_start_beats_greedy_when_units_match_targets():
    """With one unit per target in the optimum, greedy marginal return wastes good pairs; the flow does not."""
    from schild.wta._heuristic_kernels import greedy_fill, objective
    from schild.wta.heuristic import arrays
    from schild.wta.io import generate_instance

    prob = generate_instance(60, 120, 2, seed=3)
    values, q, allowed, units, caps, ucost = arrays(prob)
    xg = greedy_fill(np.zeros(q.shape, np.int64), values, q, allowed, units, caps, ucost)
    xa = assignment_start(values, q, allowed, units, caps, ucost)
    assert objective(xa, values, q, ucost) < objective(xg, values, q, ucost)


def test_caps_one_beyond_the_top_list_is_still_proven():
    """More types than the flow's top list (32): the full flow is used when it fits the budget."""
    rng = np.random.default_rng(5)
    m, n = 45, 70
    prob = WTAProblem(units=rng.integers(1, 3, m), values=rng.integers(1, 101, n).astype(float),
                      p=rng.uniform(0.05, 0.95, (m, n)), mask=rng.random((m, n)) < 0.7,
                      target_caps=np.ones(n, dtype=int))
    sol = solve(prob, method="heuristic", time_limit_s=5.0, seed=0)
    assert sol.proven_optimal and prob.is_feasible(sol.x)
    q = 1.0 - prob.p
    gain = _linear_optimum(prob.values, q, prob.allowed(), prob.units, np.zeros(m))
    assert abs((prob.values.sum() - gain) - sol.objective) <= 1e-9 * prob.values.sum()
