"""Threat evaluation: the feasible engagements, with scores, of the threats due a look (see ``agenda``).

A threat due a look lists one candidate per fire unit whose window it is in and that has a free
channel and a salvo's rounds; with hold-for-cheaper, dearer units wait while a cheaper unit ahead on its
path can still take it. A threat with no chance left is dropped from the active list.
"""

from __future__ import annotations

import numpy as np

from .agenda import DUE, mark_blocked, put, take_off
from .codes import INF, ST_EW, lean

URGENCY_S = 60.0  # time to impact at which a threat's weight is 1.5x that of a distant one


@lean
def just_after(t):
    """The next instant after ``t``: 1 microsecond on, or one float step where t is so large (about 1e10 s
    and beyond) that adding a microsecond leaves it unchanged; the event loop must always move on."""
    u = t + 1e-6
    return u if u > t else np.nextafter(t, np.inf)


@lean
def release_hold(T, S, j):
    """Threat ``j`` no longer waits for a cheaper unit (it is evaluated again, fired at, or gone)."""
    g = T.holding_for[j]
    if g >= 0:
        S.held[g] -= 1
        T.holding_for[j] = -1


@lean
def cost_per_kill(W, f, ty, salvo):
    """Expected interceptor cost per kill of a salvo from unit ``f`` at a threat of type ``ty``."""
    p_eng = 1.0 - (1.0 - W.pk[f, ty]) ** salvo
    if p_eng <= 0.0:
        return INF
    return W.fu_round_cost[f] * salvo / p_eng


@lean
def layer_open(W, T, j, f, c):
    """Whether unit ``f``'s layer may still engage threat ``j`` (class ``c``): its per-layer cap."""
    return T.n_eng_layer[j, W.fu_layer[f]] < W.cls_max_eng_layer[c]


@lean
def _cheapest_ahead(W, T, S, j, r, k, c, ty, salvo):
    """The unit still ahead on the raid's path with the lowest expected cost per kill that can take threat
    ``j`` (its layer not capped, rounds for a salvo) and has room to hold it (at most ``hold_per_channel``
    held threats per fire channel); -1 if none."""
    best = -1
    best_cpk = INF
    for q in range(W.raid_nfu[r]):
        g = W.raid_fus[r, q]
        if W.pk[g, ty] <= 0.0 or W.fu_round_cost[g] > W.cls_maxcost[c]:
            continue
        if W.first_k[r, g] <= k or S.ready[g] + S.reserve[g] < salvo or not layer_open(W, T, j, g, c):
            continue
        if S.held[g] >= W.hold_per_channel * W.fu_chan[g]:
            continue
        cpk = cost_per_kill(W, g, ty, salvo)
        if best < 0 or cpk < best_cpk:
            best = g
            best_cpk = cpk
    return best


@lean
def _waits_for(W, r, f, ty, salvo, holding):
    """Whether unit ``f`` holds fire for the cheaper unit ``holding``: the cheaper unit's expected cost per
    kill is lower and its window opens before ``f``'s closes (else waiting would lose ``f``'s chance)."""
    if holding < 0 or holding == f:
        return False
    if cost_per_kill(W, f, ty, salvo) <= cost_per_kill(W, holding, ty, salvo):
        return False
    return W.first_k[r, holding] <= W.last_k[r, f]


@lean
def sample_at(W, r, tau):
    """The first path sample at or after ``tau`` (a shot fired now cannot use an earlier sample's intercept)."""
    x = tau / W.dtau[r]
    k = int(x)
    if x - k > 1e-6:
        k += 1
    return k


@lean
def _threat_candidates(W, T, S, C, j, t, n_cand):
    """List the due threat ``j``'s candidates (the caller leaves room for one per unit of its raid); returns
    (candidates listed, keep it active, next look)."""
    release_hold(T, S, j)
    T.blocked[j] = False
    if T.ew_t[j] <= t:
        T.status[j] = ST_EW
        T.end_t[j] = T.ew_t[j]
        return n_cand, False, INF
    r = W.thr_raid[j]
    c = W.thr_class[j]
    ty = W.thr_type[j]
    tau = t - T.launch[j]
    if tau > W.last_tau[r] or tau >= W.tau_imp[r]:
        return n_cand, False, INF
    if T.n_eng[j] >= W.cls_max_eng[c] or T.recognised[j]:
        return n_cand, False, INF
    k = sample_at(W, r, tau)
    if k >= W.nsamp[r]:
        return n_cand, False, INF
    row = W.path_off[r] + k
    salvo = W.cls_salvo[c]
    look = INF
    holding = -1
    if W.cls_hold[c]:
        # Hold fire for the cheapest usable layer ahead if it has room; dearer units wait.
        holding = _cheapest_ahead(W, T, S, j, r, k, c, ty, salvo)
        if holding >= 0:
            S.held[holding] += 1
            T.holding_for[j] = holding
            look = T.launch[j] + W.first_k[r, holding] * W.dtau[r]
    n_before = n_cand
    for qf in range(W.raid_nfu[r]):
        f = W.raid_fus[r, qf]
        if not layer_open(W, T, j, f, c):
            continue
        if W.shot_icpt[row, f] < 0:
            kn = W.next_ok[row, f]
            if kn >= 0:
                tn = T.launch[j] + kn * W.dtau[r]
                if tn < look:
                    look = tn
            continue
        if _waits_for(W, r, f, ty, salvo, holding):
            continue
        if S.busy[f] >= W.fu_chan[f] or S.ready[f] < salvo:
            T.blocked[j] = True
            continue
        pk = W.pk[f, ty] * W.pk_row[W.path_off[r] + W.shot_icpt[row, f]]  # at its intercept point
        p_eng = 1.0 - (1.0 - pk) ** salvo
        # threat evaluation: asset value, doubled as time to impact goes to zero
        urgency = 1.0 + URGENCY_S / (URGENCY_S + max(T.t_imp[j] - t, 0.0))
        score = W.thr_value[j] * p_eng * urgency - W.cls_cw[c] * salvo * W.fu_round_cost[f]
        C.thr[n_cand] = j
        C.fu[n_cand] = f
        C.score[n_cand] = score
        C.k[n_cand] = k
        n_cand += 1
    if look >= INF and not T.blocked[j] and n_cand == n_before:
        release_hold(T, S, j)
        return n_cand, False, INF  # no chance left for this threat: it leaks unless EW takes it
    if look <= t:
        look = just_after(t)
    return n_cand, True, look


@lean
def list_candidates(W, T, S, C, A, order, t, q, n_cand):
    """Evaluate the threats the agenda lists as due at ``t``, from its ``q``-th on; a threat kept in play
    goes back on the agenda at its next look, one with no chance left is dropped.

    Stops before a threat whose candidates might not fit in ``C``; returns (q, n_cand) to resume from
    once ``C`` has grown (``q == A.n[DUE]``: done).
    """
    while q < A.n[DUE]:
        j = order[A.due[q]]
        if n_cand + W.raid_nfu[W.thr_raid[j]] > len(C.thr):
            break
        A.queued[j] = False
        n_cand, kept, look = _threat_candidates(W, T, S, C, j, t, n_cand)
        q += 1
        if not kept:
            A.in_play[j] = False
            take_off(A, T.nxt, j)
            continue
        T.nxt[j] = look
        put(A, T.nxt, j)
        mark_blocked(A, T, j)
    return q, n_cand
