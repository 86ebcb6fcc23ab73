"""Assignment and fire: the battle manager picks among the epoch's candidates; chosen units fire.

Each unit offers as many engagements as it has free channels and rounds; a fired salvo is queued to
resolve at its intercept time, and the channel frees ``engagement_time_s`` after that.
"""

from __future__ import annotations

import numba as nb

from .candidates import release_hold
from .battle_manager import ASSIGN_EXACT, ASSIGN_FIRST, exact_assign, first_feasible_assign, greedy_assign
from .codes import EV_SHOOT, lean
from .events import record
from .heap import heap_push
from .rounds import maybe_reload


@nb.njit(cache=True)
def _exact_choice(cand_thr, cand_fu, cand_score, n_cand, capacity, chosen, time_limit_s):
    with nb.objmode(picked="int64[:]"):
        picked = exact_assign(cand_thr[:n_cand].copy(), cand_fu[:n_cand].copy(),
                              cand_score[:n_cand].copy(), capacity.copy(), time_limit_s)
    for q in range(len(picked)):
        chosen[q] = picked[q]
        capacity[cand_fu[picked[q]]] -= 1
    return len(picked)


@lean
def offer(W, S, C, n_cand, cap_now):
    """Engagements each unit can take now: its free channels, and a full salvo of rounds loaded for each
    (sized by the smallest salvo among its candidates; checked again when firing)."""
    F = len(cap_now)
    for f in range(F):
        cap_now[f] = 0
    for q in range(n_cand):
        f = C.fu[q]
        salvo = W.cls_salvo[W.thr_class[C.thr[q]]]
        per_salvo = S.ready[f] // salvo
        if per_salvo > cap_now[f]:
            cap_now[f] = per_salvo
    for f in range(F):
        free = W.fu_chan[f] - S.busy[f]
        if free < cap_now[f]:
            cap_now[f] = free


@nb.njit(cache=True)
def choose(cand_thr, cand_fu, cand_score, n_cand, cap_now, taken, chosen, assign_mode, exact_time_s):
    """The battle manager's choice among the candidates (indices in ``chosen``); returns how many."""
    if assign_mode == ASSIGN_EXACT:
        return _exact_choice(cand_thr, cand_fu, cand_score, n_cand, cap_now, chosen, exact_time_s)
    if assign_mode == ASSIGN_FIRST:
        return first_feasible_assign(cand_thr, cand_fu, n_cand, cap_now, taken, chosen)
    return greedy_assign(cand_thr, cand_fu, cand_score, n_cand, cap_now, taken, chosen)


@lean
def _fire(W, T, S, E, j, f, k, t, rec, ev, out):
    """Unit ``f`` fires a salvo at threat ``j`` (at path sample ``k``) if it still can; True if it fired."""
    r = W.thr_raid[j]
    salvo = W.cls_salvo[W.thr_class[j]]
    if S.ready[f] < salvo or S.busy[f] >= W.fu_chan[f]:
        return False
    row = W.path_off[r] + k
    k_i = W.shot_icpt[row, f]
    t_icpt = T.launch[j] + k_i * W.dtau[r]
    if t_icpt < t:
        t_icpt = t
    S.ready[f] -= salvo
    S.busy[f] += 1
    release_hold(T, S, j)
    T.n_eng[j] += 1
    T.n_eng_layer[j, W.fu_layer[f]] += 1
    T.n_shot[j] += salvo
    T.inflight[j] = True
    out.shots_fu[f] += salvo
    out.eng_fu[f] += 1
    out.shots_icpt[W.fu_interceptor[f]] += salvo
    n_e = E.n[0]
    E.thr[n_e] = j
    E.fu[n_e] = f
    E.icpt_k[n_e] = k_i
    E.shots[n_e] = salvo
    heap_push(E.hk, E.hv, E.hsize, t_icpt, 2 * n_e)
    heap_push(E.hk, E.hv, E.hsize, t_icpt + W.fu_engtime[f], 2 * n_e + 1)
    E.n[0] = n_e + 1
    if rec:
        record(ev, t, EV_SHOOT, j, f, -1, W.rng_km[row, f])
    maybe_reload(W, S, f, t)
    return True


@lean
def fire_chosen(W, T, S, E, C, n_ch, taken, t, rec, ev, out):
    """Fire the chosen engagements; returns how many could not fire (their unit ran short of rounds)."""
    dropped = 0
    for q in range(n_ch):
        cidx = C.chosen[q]
        j = C.thr[cidx]
        taken[j] = False
        if not _fire(W, T, S, E, j, C.fu[cidx], C.k[cidx], t, rec, ev, out):
            dropped += 1
    return dropped


@lean
def still_open(W, T, S, C, n_cand):
    """Compact the candidates to those whose threat is not yet engaged and whose unit can still fire its
    salvo (so an engagement dropped for lack of rounds is offered to the other units); a threat left out
    that is not engaged waits for a resource event. Returns the count."""
    n = 0
    for q in range(n_cand):
        j = C.thr[q]
        f = C.fu[q]
        if T.inflight[j]:
            continue
        if S.ready[f] < W.cls_salvo[W.thr_class[j]] or S.busy[f] >= W.fu_chan[f]:
            T.blocked[j] = True
            continue
        C.thr[n] = j
        C.fu[n] = f
        C.score[n] = C.score[q]
        C.k[n] = C.k[q]
        n += 1
    return n


@lean
def mark_blocked(T, C, n_cand):
    """Candidates not fired wait for a resource event."""
    for q in range(n_cand):
        if not T.inflight[C.thr[q]]:
            T.blocked[C.thr[q]] = True
