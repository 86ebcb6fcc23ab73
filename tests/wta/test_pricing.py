"""The plan search must list exactly the plans within the reduced-cost window."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from schild.wta._pricing import search_plans


def _all_plans(ub, cap):
    for combo in itertools.product(*[range(u + 1) for u in ub]):
        if sum(combo) <= cap:
            yield np.array(combo)


@settings(database=None, max_examples=80, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 5), st.integers(0, 3))
def test_enumeration_and_pricing_match_brute_force(seed, m, mu):
    rng = np.random.default_rng(seed)
    value = float(rng.integers(1, 101))
    q = 1.0 - rng.uniform(0, 1, size=m)
    q[rng.uniform(size=m) < 0.1] = 0.0
    lam = rng.uniform(0, value, size=m) * (rng.uniform(size=m) < 0.8)
    ub = rng.integers(0, mu + 1, size=m).astype(np.int64)
    cap = int(rng.integers(0, 4)) if rng.uniform() < 0.3 else 1000
    priced = {}
    for x in _all_plans(ub, cap):
        priced[tuple(x)] = value * np.prod(q ** x) + lam @ x
    best = min(priced.values())
    delta = float(rng.uniform(0, value / 3))
    nf, costs, red, starts, w, c, done, root_lb = search_plans(
        value, q, lam, ub, cap, best, delta, False, 10**6, 10**7)
    assert done and root_lb <= best + 1e-9
    found = set()
    for r in range(nf):
        x = np.zeros(m, dtype=np.int64)
        x[w[starts[r]:starts[r + 1]]] = c[starts[r]:starts[r + 1]]
        found.add(tuple(x))
        assert abs(priced[tuple(x)] - best - red[r]) < 1e-9
    expected = {k for k, v in priced.items() if v - best <= delta - 1e-9}
    dominated = {k for k in expected if any(k[i] > 0 and q[i] >= 1.0 for i in range(m))}
    assert expected - dominated <= found
    assert all(priced[k] - best <= delta + 1e-9 for k in found)
    nf1, _, red1, *_ = search_plans(value, q, lam, ub, cap, 0.0, value, True, 1, 10**7)
    assert nf1 == 1 and abs(red1[0] - best) < 1e-9


def test_price_until_matches_price_all_and_stops_at_the_deadline():
    import time

    from schild.wta._pricing import price_all, price_until
    from schild.wta import generate_instance
    from schild.wta.heuristic import arrays

    prob = generate_instance(12, 70, 2, seed=4)
    values, q, allowed, units, caps, _ucost = arrays(prob)
    lam = np.linspace(0.0, 2.0, 12)
    whole = price_all(values, q, lam, units, allowed, caps, 20_000)
    chunked = price_until(values, q, lam, units, allowed, caps, 20_000, time.perf_counter() + 60, chunk=9)
    for a, b in zip(whole, chunked):
        assert np.array_equal(a, b)
    assert price_until(values, q, lam, units, allowed, caps, 20_000, time.perf_counter() - 1.0) is None
