"""The fast restricted pricing of the Lagrangian heuristic against brute-force enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from schild.wta._fastprice import fast_price, top_lists


@pytest.mark.parametrize("seed", range(40))
def test_fast_price_is_the_cheapest_plan_of_at_most_three_units(seed):
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    q = rng.random((m, n)) * 0.9 + 0.05
    values = rng.random(n) * 10
    price = rng.random(m) * 3
    units = rng.integers(0, 4, m)
    caps = np.where(rng.random(n) < 0.3, 1.0, np.inf)
    allowed = rng.random((m, n)) < 0.8
    top = top_lists(values, q, allowed, np.zeros(m), m)
    priced, costs, st, w, c = fast_price(values, q, price, top, units, caps, 3)
    for j in range(n):
        best = values[j]
        for r in range(1, 4):
            if r > caps[j]:
                break
            for combo in itertools.combinations_with_replacement(range(m), r):
                cnt = np.bincount(combo, minlength=m)
                if np.any(cnt > units) or np.any(cnt[~allowed[:, j]] > 0):
                    continue
                best = min(best, values[j] * np.prod(q[:, j] ** cnt) + price @ cnt)
        x = np.zeros(m, np.int64)
        np.add.at(x, w[st[j]:st[j + 1]], c[st[j]:st[j + 1]])
        assert priced[j] == pytest.approx(best, abs=1e-9)
        assert values[j] * np.prod(q[:, j] ** x) + price @ x == pytest.approx(priced[j], abs=1e-9)
        assert costs[j] == pytest.approx(values[j] * np.prod(q[:, j] ** x), abs=1e-9)
        assert np.all(x <= units) and x.sum() <= min(3, caps[j]) and np.all(x[~allowed[:, j]] == 0)
