"""The heuristic hands a stalled search to the exact method's phases (issue 14)."""

import time

import numpy as np
import pytest

import schild.wta.exact as exact
from schild.wta import WTAProblem, generate_instance, solve
from schild.wta.heuristic import arrays, close_with_exact, solve_heuristic


def test_heuristic_with_budget_left_proves_the_optimum():
    # The repair rounds stall at 0.43 % above the optimum after ~0.1 s of the 2 s; the rest of the
    # budget closes the gap (the run ends once it is proven, ~0.15 s).
    prob = generate_instance(20, 40, 2, seed=5)
    ex = solve(prob, method="exact", time_limit_s=60, seed=0)
    he = solve(prob, method="heuristic", time_limit_s=2.0, seed=0)
    assert ex.proven_optimal and prob.is_feasible(he.x)
    assert he.objective <= ex.objective * (1 + 1e-9)
    assert he.proven_optimal and he.gap <= 1e-9
    assert ex.objective * (1 - 1e-9) <= he.lower_bound <= he.objective
    assert "exact phases: optimal" in he.status
    assert he.time_s < 2.0


def _no_close(*_args, **_kwargs):
    raise AssertionError("the exact phases ran")


def test_tiny_budgets_never_hand_over(monkeypatch):
    monkeypatch.setattr(exact, "close_gap", _no_close)
    prob = generate_instance(20, 40, 2, seed=5)
    for budget_s in (0.002, 0.01, 0.04):
        sol = solve(prob, method="heuristic", time_limit_s=budget_s, seed=0)
        assert prob.is_feasible(sol.x) and "exact phases" not in sol.status


def test_exact_solver_incumbent_run_does_not_hand_over(monkeypatch):
    monkeypatch.setattr(exact, "close_gap", _no_close)
    sol = solve_heuristic(generate_instance(20, 40, 2, seed=5), time_limit_s=2.0, seed=0,
                          with_bound=False, close=False)
    assert "exact phases" not in sol.status


def test_hand_over_stops_at_its_deadline():
    prob = generate_instance(100, 200, 3, seed=11)  # the exact method needs seconds here
    start = solve_heuristic(prob, time_limit_s=0.1, seed=0, close=False)
    for limit_s in (0.1, 0.3):
        t0 = time.perf_counter()
        x, lb, status = close_with_exact(prob, arrays(prob), start.x, t0 + limit_s)
        assert time.perf_counter() - t0 < limit_s + 0.03
        assert prob.is_feasible(x) and prob.objective(x) <= start.objective
        assert lb <= prob.objective(x) and "optimal" not in status


def test_enumeration_reports_an_incomplete_search():
    # A window whose plan search stops at its node limit is not complete, so its MIP's bound
    # would not be valid: the enumeration must say so (-1) instead of returning what it found.
    prob = generate_instance(6, 8, 3, seed=2)
    data = arrays(prob)
    lam = np.zeros(6)
    priced, *_ = exact._lagrangian(data, lam, exact.ENUM_NODES)
    pool = exact.PlanPool(6, 8)
    assert exact._enumerate(pool, data, lam, priced, 1.0, 10**6) > 0
    assert exact._enumerate(exact.PlanPool(6, 8), data, lam, priced, 1.0, 10**6, max_nodes=3) == -1
    past = time.perf_counter() - 1.0
    assert exact._enumerate(exact.PlanPool(6, 8), data, lam, priced, 1.0, 10**6, past) == -2


def test_battle_manager_caps_one_still_answered_by_the_flow(monkeypatch):
    monkeypatch.setattr(exact, "close_gap", _no_close)
    rng = np.random.default_rng(3)
    m, n = 30, 200
    prob = WTAProblem(units=rng.integers(1, 4, size=m), values=rng.integers(1, 101, n),
                      p=rng.uniform(0.05, 0.95, (m, n)), mask=rng.uniform(size=(m, n)) < 0.7,
                      target_caps=np.ones(n, dtype=int))
    sol = solve(prob, method="heuristic", time_limit_s=1.0, seed=0)
    assert sol.proven_optimal and sol.status.startswith("optimal: one unit per target")


@pytest.mark.parametrize("seed", [0, 5])
def test_same_seed_same_answer_with_hand_over(seed):
    prob = generate_instance(20, 40, 2, seed=seed)
    a = solve(prob, method="heuristic", time_limit_s=2.0, seed=3)
    b = solve(prob, method="heuristic", time_limit_s=2.0, seed=3)
    assert np.array_equal(a.x, b.x) and a.lower_bound == b.lower_bound
