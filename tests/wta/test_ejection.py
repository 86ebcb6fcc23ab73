"""Cyclic and path multi-exchange: finds cycles swaps cannot, never worsens, keeps type usage."""

from __future__ import annotations

import numpy as np
import pytest

from schild.wta import WTAProblem, generate_instance
from schild.wta import _heuristic_kernels as hk
from schild.wta._ejection import cyclic_exchange
from schild.wta.heuristic import arrays


def _three_cycle_problem() -> tuple[WTAProblem, np.ndarray]:
    """Weapon k sits on target k; moving every weapon one target on is the only improvement.

    Each pairwise swap or single relocation loses 0.05 of a target's value, the
    3-cycle gains 1.2 (every target 0.5 -> 0.1 survival).
    """
    q = np.array([[0.5, 0.1, 0.95],
                  [0.95, 0.5, 0.1],
                  [0.1, 0.95, 0.5]])
    prob = WTAProblem(units=np.ones(3, dtype=int), values=np.ones(3), p=1.0 - q,
                      target_caps=np.ones(3, dtype=int))  # one unit per target: no path moves
    return prob, np.eye(3, dtype=np.int64)


def test_local_search_is_stuck_where_a_three_cycle_improves():
    prob, x = _three_cycle_problem()
    values, q, allowed, units, caps, ucost = arrays(prob)
    y = x.copy()
    hk.local_search(y, values, q, allowed, units, caps, ucost, 50)
    assert np.array_equal(y, x)
    applied = cyclic_exchange(y, values, q, allowed, caps, 5, 10, 10, 1000)
    assert applied == 1
    assert prob.objective(y) == pytest.approx(0.3)
    assert prob.objective(y) == pytest.approx(prob.objective(x) - 1.2)


def test_cycles_longer_than_max_len_are_not_used():
    prob, x = _three_cycle_problem()
    values, q, allowed, _units, caps, _ucost = arrays(prob)
    y = x.copy()
    assert cyclic_exchange(y, values, q, allowed, caps, 2, 10, 10, 1000) == 0
    assert np.array_equal(y, x)


@pytest.mark.parametrize("seed", range(8))
def test_never_worse_and_keeps_type_usage(seed):
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(3, 12)), int(rng.integers(4, 20))
    prob = generate_instance(m, n, int(rng.integers(1, 4)), seed=seed)
    if seed % 2:  # with a mask, caps and costs
        prob = WTAProblem(units=prob.units, values=prob.values, p=prob.p,
                          mask=rng.uniform(size=(m, n)) < 0.8, target_caps=rng.integers(1, 4, n),
                          costs_usd_per_unit=rng.uniform(0, 5, m), cost_weight=0.5)
    values, q, allowed, units, caps, ucost = arrays(prob)
    x = np.zeros((m, n), dtype=np.int64)
    # A random feasible start (not a local optimum), so there is something to improve.
    for i in range(m):
        for _ in range(units[i]):
            js = [j for j in range(n) if allowed[i, j] and x[:, j].sum() < caps[j]]
            if js:
                x[i, rng.choice(js)] += 1
    before = prob.objective(x)
    y = x.copy()
    cyclic_exchange(y, values, q, allowed, caps, 5, 6, 50, 500)
    assert prob.is_feasible(y)
    assert np.array_equal(y.sum(axis=1), x.sum(axis=1))
    assert prob.objective(y) <= before + 1e-12



def test_improves_local_search_optima_and_paths_change_loads():
    """From greedy + local search optima, exchanges still improve, and paths move units between targets."""
    prob = generate_instance(40, 80, 2, seed=3)
    values, q, allowed, units, caps, ucost = arrays(prob)
    x = np.zeros(prob.p.shape, dtype=np.int64)
    hk.greedy_fill(x, values, q, allowed, units, caps, ucost)
    hk.local_search(x, values, q, allowed, units, caps, ucost, 50)
    y = x.copy()
    assert cyclic_exchange(y, values, q, allowed, caps, 5, 10, 20, 2000) > 0
    assert prob.objective(y) < prob.objective(x) * (1 - 1e-3)
    assert not np.array_equal(y.sum(axis=0), x.sum(axis=0))
    hk.local_search(y, values, q, allowed, units, caps, ucost, 50)  # still a local optimum after
    assert prob.is_feasible(y)
