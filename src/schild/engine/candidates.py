"""Threat evaluation: which active threats are due a look, and their feasible engagements with scores.

A threat due a look lists one candidate per fire unit whose window it is in and that has a free
channel and a salvo's rounds; with hold-for-cheaper, dearer units wait while a cheaper unit ahead on its
path can still take it. A threat with no chance left is dropped from the active list.
"""

from __future__ import annotations

import numpy as np

from .codes import INF, ST_ALIVE, ST_EW, lean

URGENCY_S = 60.0  # time to impact at which a threat's weight is 1.5x that of a distant one


@lean
def just_after(t):
    """The next instant after ``t``: 1 microsecond on, or one float step where t is so large (about 1e10 s
    and beyond) that adding a microsecond leaves it unchanged; the event loop must always move on."""
    u = t + 1e-6
    return u if u > t else np.nextafter(t, np.inf)


@lean
def activate_due(wake, order, active, cursor, T, t):
    """Threats whose first window opens by ``t`` join the active list (cursor: [n_active, next in order])."""
    N = len(order)
    while cursor[1] < N and wake[order[cursor[1]]] <= t:
        j = order[cursor[1]]
        active[cursor[0]] = j
        T.nxt[j] = t
        cursor[0] += 1
        cursor[1] += 1


@lean
def _cheapest_ahead(W, S, r, k, c, ty, salvo):
    """The cheapest unit still ahead on the raid's path that can take this threat (class ``c``, type
    ``ty``) and has room to hold it (at most ``hold_per_channel`` held threats per fire channel); -1 if none."""
    best = -1
    for q in range(W.raid_nfu[r]):
        g = W.raid_fus[r, q]
        if W.pk[g, ty] <= 0.0 or W.fu_round_cost[g] > W.cls_maxcost[c]:
            continue
        if W.first_k[r, g] <= k or S.ready[g] + S.reserve[g] < salvo:
            continue
        if S.held[g] >= W.hold_per_channel * W.fu_chan[g]:
            continue
        if best < 0 or W.fu_round_cost[g] < W.fu_round_cost[best]:
            best = g
    return best


@lean
def _threat_candidates(W, T, S, C, j, t, n_cand):
    """List the due threat ``j``'s candidates (the caller leaves room for one per unit of its raid); returns
    (candidates listed, keep it active, next look)."""
    if T.holding_for[j] >= 0:
        S.held[T.holding_for[j]] -= 1
        T.holding_for[j] = -1
    T.blocked[j] = False
    if T.ew_t[j] <= t:
        T.status[j] = ST_EW
        T.end_t[j] = T.ew_t[j]
        return n_cand, False, INF
    r = W.thr_raid[j]
    c = W.thr_class[j]
    tau = t - T.launch[j]
    if tau > W.last_tau[r] or tau >= W.tau_imp[r]:
        return n_cand, False, INF
    if T.n_eng[j] >= W.cls_max_eng[c] or T.recognised[j]:
        return n_cand, False, INF
    k = int(tau / W.dtau[r])
    row = W.path_off[r] + k
    salvo = W.cls_salvo[c]
    look = INF
    holding = -1
    if W.cls_hold[c]:
        # Hold fire for the cheapest usable layer ahead if it has room; dearer units wait.
        holding = _cheapest_ahead(W, S, r, k, c, W.thr_type[j], salvo)
        if holding >= 0:
            S.held[holding] += 1
            T.holding_for[j] = holding
            look = T.launch[j] + W.first_k[r, holding] * W.dtau[r]
    n_before = n_cand
    for qf in range(W.raid_nfu[r]):
        f = W.raid_fus[r, qf]
        if W.shot_icpt[row, f] < 0:
            kn = W.next_ok[row, f]
            if kn >= 0:
                tn = T.launch[j] + kn * W.dtau[r]
                if tn < look:
                    look = tn
            continue
        if holding >= 0 and W.fu_round_cost[f] > W.fu_round_cost[holding]:
            continue
        if S.busy[f] >= W.fu_chan[f] or S.ready[f] < salvo:
            T.blocked[j] = True
            continue
        pk = W.pk[f, W.thr_type[j]] * W.pk_row[W.path_off[r] + W.shot_icpt[row, f]]  # at its intercept point
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
        return n_cand, False, INF  # no chance left for this threat: it leaks unless EW takes it
    if look <= t:
        look = just_after(t)
    return n_cand, True, look


@lean
def list_candidates(W, T, S, C, active, n_active, t, resource_event, q, keep, n_cand, next_look):
    """Evaluate the active threats due a look by ``t`` (or blocked ones after a resource event), from
    position ``q`` of the active list on, compacting the list to the threats that still have a chance.

    Stops before a threat whose candidates might not fit in ``C``; returns (q, keep, n_cand, next_look)
    to resume from once ``C`` has grown (``q == n_active``: done, ``keep`` threats kept active).
    """
    while q < n_active:
        j = active[q]
        if T.status[j] != ST_ALIVE:
            q += 1
            continue
        if T.inflight[j]:
            active[keep] = j
            keep += 1
            q += 1
            continue
        if not (T.nxt[j] <= t or (T.blocked[j] and resource_event)):
            active[keep] = j
            keep += 1
            if T.nxt[j] < next_look:
                next_look = T.nxt[j]
            q += 1
            continue
        if n_cand + W.raid_nfu[W.thr_raid[j]] > len(C.thr):
            break
        n_cand, kept, look = _threat_candidates(W, T, S, C, j, t, n_cand)
        q += 1
        if not kept:
            continue
        T.nxt[j] = look
        if look < next_look:
            next_look = look
        active[keep] = j
        keep += 1
    return q, keep, n_cand, next_look
