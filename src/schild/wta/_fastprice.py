"""Fast approximate pricing for the Lagrangian heuristic (private).

Each target may only take plans of at most ``max_units`` units drawn from its ``k`` best weapon types;
the cheapest such plan under prices is found by plain enumeration. It is not a valid bound (that needs the
exact pricing of ``_pricing``), but it is an order of magnitude faster, so many more subgradient steps fit.
"""

from __future__ import annotations

import numba as nb
import numpy as np


def top_lists(values, q, allowed, ucost, k):
    """Each target's ``k`` best weapon types by single-unit gain: an (n, k) index array, -1 padded."""
    m, n = q.shape
    k = min(k, m)
    # targets as rows (contiguous): selecting along a row is several times faster than down a column
    gain = np.where(allowed.T, values[:, None] * (1.0 - q.T) - ucost[None, :], -np.inf)
    if k < m:  # partial selection, then the k sorted (by gain, ties by index as a stable sort would)
        part = np.argpartition(-gain, k - 1, axis=1)[:, :k]
        g = np.take_along_axis(gain, part, axis=1)
        idx = np.take_along_axis(part, np.lexsort((part, -g), axis=1), axis=1)
    else:
        idx = np.argsort(-gain, axis=1, kind="stable")[:, :k]
    ok = np.take_along_axis(gain, idx, axis=1) > -np.inf
    return np.ascontiguousarray(np.where(ok, idx, -1).astype(np.int64))


@nb.njit(cache=True)
def fast_price(values, q, price, top, units, caps, max_units):
    """Cheapest plan (<= max_units units from ``top[j]``) of every target under ``price``.

    Returns ``(priced, costs, starts, weapons, counts)`` in the layout of ``_pricing.price_all``:
    ``priced[j] = v_j S + price . x`` and ``costs[j] = v_j S`` of the chosen plan.
    """
    n = q.shape[1]
    k = top.shape[1]
    priced = np.empty(n)
    costs = np.empty(n)
    starts = np.zeros(n + 1, dtype=np.int64)
    weapons = np.empty(3 * n + 3, dtype=np.int64)
    counts = np.empty(3 * n + 3, dtype=np.int64)
    for j in range(n):
        v = values[j]
        cap = caps[j]
        best = v
        bs = v
        b0, b1, b2 = -1, -1, -1
        for a in range(k):
            ia = top[j, a]
            if ia < 0 or units[ia] < 1 or cap < 1:
                continue
            sa = q[ia, j]
            pa = price[ia]
            c1 = v * sa + pa
            if c1 < best:
                best, bs, b0, b1, b2 = c1, v * sa, ia, -1, -1
            if max_units < 2 or cap < 2:
                continue
            for b in range(a, k):
                ib = top[j, b]
                if ib < 0 or units[ib] < 1 + (ib == ia):
                    continue
                sb = sa * q[ib, j]
                pb = pa + price[ib]
                c2 = v * sb + pb
                if c2 < best:
                    best, bs, b0, b1, b2 = c2, v * sb, ia, ib, -1
                if max_units < 3 or cap < 3:
                    continue
                for c in range(b, k):
                    ic = top[j, c]
                    if ic < 0:
                        continue
                    if units[ic] < 1 + (ic == ia) + (ic == ib):
                        continue
                    c3 = v * sb * q[ic, j] + pb + price[ic]
                    if c3 < best:
                        best, bs, b0, b1, b2 = c3, v * sb * q[ic, j], ia, ib, ic
        priced[j] = best
        costs[j] = bs
        s = starts[j]
        # merge repeated types into counts
        for w in (b0, b1, b2):
            if w < 0:
                continue
            found = False
            for r in range(starts[j], s):
                if weapons[r] == w:
                    counts[r] += 1
                    found = True
            if not found:
                weapons[s] = w
                counts[s] = 1
                s += 1
        starts[j + 1] = s
    return priced, costs, starts, weapons[: starts[n]], counts[: starts[n]]
