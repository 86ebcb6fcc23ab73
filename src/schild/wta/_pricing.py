"""Numba kernels that search the "plans" of one target (units per weapon type).

A plan for target j is an integer vector ``x_j``; its priced cost under
weapon prices ``lam >= 0`` is ``v_j * prod_i q_ij ** x_ij + lam . x_j``.
We enumerate plans by depth-first search over multisets of weapon types,
ordered by price per unit of log-kill ``lam_i / -log q_ij``.  Pruning uses
the continuous relaxation of that problem (convex: exponential of a linear
function plus a linear cost), whose optimum is a fractional knapsack in the
ratio order, so it is a valid bound for every completion.  The same search
either finds the cheapest plan (column pricing) or lists every plan whose
priced cost is within a threshold (column enumeration for the exact solver).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

_LOG_FLOOR = -700.0  # log of a kill probability of 1; keeps the algebra finite


@nb.njit(cache=True)
def _relaxation_bound(v_surv, base_cost, start, order, neg_log, lam, rem):
    """Lower bound on completions using items order[start:] with rem units left."""
    t = 0.0
    cost = base_cost
    for pos in range(start, order.shape[0]):
        k = order[pos]
        if rem[k] <= 0:
            continue
        a = neg_log[k]
        r = lam[k] / a
        benefit = v_surv * math.exp(-t)
        if benefit <= r:
            break
        room = a * rem[k]
        if r > 0.0:
            t_star = math.log(v_surv / r)
            if t_star <= t + room:
                cost += r * (t_star - t)
                t = t_star
                break
        cost += r * room
        t += room
    return v_surv * math.exp(-t) + cost


@nb.njit(cache=True)
def _candidates(value, q, lam, ub, slack):
    """Weapon types that may appear in a plan within ``slack`` of the best."""
    m = q.shape[0]
    keep = np.zeros(m, dtype=np.bool_)
    cnt = 0
    for k in range(m):
        if ub[k] > 0 and q[k] < 1.0 and lam[k] - value * (1.0 - q[k]) <= slack:
            keep[k] = True
            cnt += 1
    idx = np.empty(cnt, dtype=np.int64)
    ratio = np.empty(cnt)
    c = 0
    for k in range(m):
        if keep[k]:
            idx[c] = k
            a = -math.log(q[k]) if q[k] > 0.0 else -_LOG_FLOOR
            ratio[c] = lam[k] / a
            c += 1
    return idx[np.argsort(ratio, kind="mergesort")]


@nb.njit(cache=True)
def search_plans(value, q, lam, ub, cap, sigma, thr, best_only, max_plans, max_nodes):
    """Depth-first search over plans of one target.

    Returns ``(n_found, costs, reduced, starts, weapons, counts, complete,
    root_lb)`` where plan
    ``r`` uses ``counts[starts[r]:starts[r+1]]`` units of
    ``weapons[starts[r]:starts[r+1]]`` and ``reduced = cost + lam.x - sigma``.
    With ``best_only`` the threshold tightens to the best plan found (pricing)
    and only the best plan is returned; otherwise all plans with reduced cost
    ``<= thr`` are returned (at most ``max_plans``; ``n_found = -1`` if more).
    ``cost`` is the plan's own objective contribution ``v * survival`` only.
    After ``max_nodes`` nodes the search stops with ``complete = False``;
    ``root_lb`` (relaxation bound on ``v S + lam . x``) is then the safe bound.
    """
    m = q.shape[0]
    neg_log = np.empty(m)
    rem = ub.copy()
    ratio = np.empty(m)
    for k in range(m):
        neg_log[k] = -math.log(q[k]) if q[k] > 0.0 else -_LOG_FLOOR
        if q[k] >= 1.0:  # no kill chance: never useful, and the ratio is undefined
            neg_log[k] = 1.0
            rem[k] = 0
        ratio[k] = lam[k] / neg_log[k]
    root_lb = _relaxation_bound(value, 0.0, 0, np.argsort(ratio), neg_log, lam, rem)
    order = _candidates(value, q, lam, ub, thr + sigma - root_lb + 1e-12)
    nc = order.shape[0]
    max_depth = 0
    for pos in range(nc):
        max_depth += ub[order[pos]]
    if cap < max_depth:
        max_depth = cap
    # Stack: item position added at each depth, survival, linear cost, next child.
    item = np.empty(max_depth + 1, dtype=np.int64)
    surv = np.empty(max_depth + 1)
    lin = np.empty(max_depth + 1)
    nxt = np.empty(max_depth + 1, dtype=np.int64)
    cap_out = 16 if best_only else 1024
    costs = np.empty(cap_out)
    reduced = np.empty(cap_out)
    starts = np.zeros(cap_out + 1, dtype=np.int64)
    weapons = np.empty(cap_out * 4 + max_depth, dtype=np.int64)
    counts = np.empty(cap_out * 4 + max_depth, dtype=np.int64)
    n_out = 0
    best_rc = np.inf
    best_depth = -1
    best_items = np.empty(max_depth + 1, dtype=np.int64)
    eps = 1e-12 * (1.0 + abs(value) + abs(sigma))
    depth = 0
    surv[0] = 1.0
    lin[0] = 0.0
    nxt[0] = 0
    overflow = False
    rc0 = value - sigma
    cur_thr = thr
    if rc0 <= cur_thr:
        if best_only:
            best_rc = rc0
            best_depth = 0
            cur_thr = rc0
        else:
            costs[0] = value
            reduced[0] = rc0
            starts[1] = 0
            n_out = 1
    nodes = 0
    complete = True
    while depth >= 0:
        nodes += 1
        if nodes > max_nodes:
            complete = False
            break
        child = -1
        if depth < max_depth:
            vs = value * surv[depth]
            pos = nxt[depth]
            while pos < nc:
                k = order[pos]
                if rem[k] > 0:
                    b = _relaxation_bound(vs, lin[depth], pos, order, neg_log, lam, rem)
                    if b - sigma > cur_thr + eps:
                        pos = nc  # later items have worse ratios: bound only grows
                        break
                    child = pos
                    break
                pos += 1
            nxt[depth] = pos + 1
        if child < 0:
            if depth > 0:
                rem[order[item[depth]]] += 1
            depth -= 1
            continue
        k = order[child]
        rem[k] -= 1
        depth += 1
        item[depth] = child
        surv[depth] = surv[depth - 1] * q[k]
        lin[depth] = lin[depth - 1] + lam[k]
        nxt[depth] = child
        rc = value * surv[depth] + lin[depth] - sigma
        if rc <= cur_thr:
            if best_only:
                if rc < best_rc:
                    best_rc = rc
                    best_depth = depth
                    best_items[: depth + 1] = item[: depth + 1]
                    cur_thr = rc
            else:
                if n_out >= max_plans:
                    overflow = True
                    break
                if n_out >= costs.shape[0]:
                    costs = np.concatenate((costs, np.empty(costs.shape[0])))
                    reduced = np.concatenate((reduced, np.empty(reduced.shape[0])))
                    starts = np.concatenate((starts, np.zeros(starts.shape[0], dtype=np.int64)))
                s = starts[n_out]
                if s + depth > weapons.shape[0]:
                    grow = max(weapons.shape[0], depth)
                    weapons = np.concatenate((weapons, np.empty(grow, dtype=np.int64)))
                    counts = np.concatenate((counts, np.empty(grow, dtype=np.int64)))
                e = s
                for d in range(1, depth + 1):
                    w = order[item[d]]
                    if e > s and weapons[e - 1] == w:
                        counts[e - 1] += 1
                    else:
                        weapons[e] = w
                        counts[e] = 1
                        e += 1
                costs[n_out] = value * surv[depth]
                reduced[n_out] = rc
                starts[n_out + 1] = e
                n_out += 1
    if best_only:
        if best_depth < 0:
            return 0, costs[:0], reduced[:0], starts[:1], weapons[:0], counts[:0], complete, root_lb
        e = 0
        s_val = 1.0
        for d in range(1, best_depth + 1):
            w = order[best_items[d]]
            s_val *= q[w]
            if e > 0 and weapons[e - 1] == w:
                counts[e - 1] += 1
            else:
                weapons[e] = w
                counts[e] = 1
                e += 1
        costs[0] = value * s_val
        reduced[0] = best_rc
        starts[0] = 0
        starts[1] = e
        return 1, costs[:1], reduced[:1], starts[:2], weapons[:e], counts[:e], complete, root_lb
    if overflow or not complete:
        return -1, costs[:0], reduced[:0], starts[:1], weapons[:0], counts[:0], False, root_lb
    return (n_out, costs[:n_out], reduced[:n_out], starts[: n_out + 1],
            weapons[: starts[n_out]], counts[: starts[n_out]], True, root_lb)


@nb.njit(cache=True)
def price_all(values, q, lam, ub, allowed, caps, max_nodes):
    """Cheapest plan of every target under prices ``lam`` (sigma = 0).

    Returns ``(lower, costs, starts, weapons, counts)`` with one plan per
    target; ``lower[j]`` is a lower bound on ``min_x v_j S + lam . x`` (the
    exact minimum when the search completed, else the relaxation bound).
    """
    return price_span(values, q, lam, ub, allowed, caps, max_nodes, 0, q.shape[1])


@nb.njit(cache=True)
def price_span(values, q, lam, ub, allowed, caps, max_nodes, j0, j1):
    """``price_all`` for targets ``j0 .. j1 - 1`` only (arrays indexed from 0)."""
    m = q.shape[0]
    n = j1 - j0
    priced = np.empty(n)
    costs = np.empty(n)
    starts = np.zeros(n + 1, dtype=np.int64)
    weapons = np.empty(16 * n + 16, dtype=np.int64)
    counts = np.empty(16 * n + 16, dtype=np.int64)
    ubj = np.empty(m, dtype=np.int64)
    qj = np.empty(m)
    for jj in range(n):
        j = j0 + jj
        for i in range(m):
            qj[i] = q[i, j]
            ubj[i] = ub[i] if allowed[i, j] else 0
        _, c, r, st, w, ct, done, root_lb = search_plans(values[j], qj, lam, ubj, caps[j], 0.0,
                                                         values[j], True, 1, max_nodes)
        priced[jj] = r[0] if done else min(r[0], root_lb)
        costs[jj] = c[0]
        k = w.shape[0]
        s = starts[jj]
        if s + k > weapons.shape[0]:
            weapons = np.concatenate((weapons, np.empty(weapons.shape[0] + k, dtype=np.int64)))
            counts = np.concatenate((counts, np.empty(counts.shape[0] + k, dtype=np.int64)))
        weapons[s: s + k] = w
        counts[s: s + k] = ct
        starts[jj + 1] = s + k
    return priced, costs, starts, weapons[: starts[n]], counts[: starts[n]]


def price_until(values, q, lam, ub, allowed, caps, max_nodes, deadline, chunk=64):
    """``price_all`` in chunks of targets, or ``None`` once ``deadline`` (perf_counter) passes."""
    import time

    n = q.shape[1]
    parts = []
    for j0 in range(0, n, chunk):
        if time.perf_counter() >= deadline:
            return None
        parts.append(price_span(values, q, lam, ub, allowed, caps, max_nodes, j0, min(n, j0 + chunk)))
    if not parts:
        return price_all(values, q, lam, ub, allowed, caps, max_nodes)
    priced = np.concatenate([p[0] for p in parts])
    costs = np.concatenate([p[1] for p in parts])
    offsets = np.cumsum([0] + [p[3].shape[0] for p in parts])
    starts = np.concatenate([[0]] + [p[2][1:] + off for p, off in zip(parts, offsets[:-1])])
    weapons = np.concatenate([p[3] for p in parts])
    counts = np.concatenate([p[4] for p in parts])
    return priced, costs, starts.astype(np.int64), weapons, counts
