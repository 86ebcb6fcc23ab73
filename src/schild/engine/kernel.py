"""The raid engine: one replication of a raid, next-event time advance, compiled with numba.

Kill chain per threat: launch -> (EW may defeat it when it enters a zone) -> detection by the sensor
network -> the battle manager assigns an engagement when a fire unit has a free channel, rounds, and an
intercept point inside its envelope -> the salvo resolves at the intercept time -> kill assessment after
``look_time_s`` -> re-engagement (shoot-look-shoot) up to ``max_engagements`` -> leak at impact.

Random numbers come in as a (threats x k) block of uniforms drawn by the caller from a
``numpy.random.Generator`` per replication, so a replication's outcome is the same however runs are
spread over threads or processes, and variants of a scenario share common random numbers.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .battle_manager import ASSIGN_EXACT, ASSIGN_FIRST, exact_assign, first_feasible_assign, greedy_assign
from .heap import heap_pop, heap_push

# Event kinds (also the order of names in results.EVENT_KINDS).
EV_LAUNCH, EV_DETECT, EV_SHOOT, EV_KILL, EV_MISS, EV_EW, EV_LEAK = 0, 1, 2, 3, 4, 5, 6
ST_ALIVE, ST_KILLED, ST_EW, ST_LEAKED = 0, 1, 2, 3
INF = 1e300
URGENCY_S = 60.0  # time to impact at which a threat's weight is 1.5x that of a distant one


@nb.njit(cache=True)
def _exact_choice(cand_thr, cand_fu, cand_score, n_cand, capacity, chosen, time_limit_s):
    with nb.objmode(picked="int64[:]"):
        picked = exact_assign(cand_thr[:n_cand].copy(), cand_fu[:n_cand].copy(),
                              cand_score[:n_cand].copy(), capacity.copy(), time_limit_s)
    for q in range(len(picked)):
        chosen[q] = picked[q]
        capacity[cand_fu[picked[q]]] -= 1
    return len(picked)


@nb.njit("void(f8[:], i8[:], i8[:], i8[:], i8[:], f8[:], i8[:], f8, i8, i8, i8, i8, f8)", cache=True)
def _record(ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, n_ev, t, kind, j, f, s, rng):
    i = n_ev[0]
    if i < len(ev_time):
        ev_time[i] = t
        ev_kind[i] = kind
        ev_thr[i] = j
        ev_fu[i] = f
        ev_sensor[i] = s
        ev_range[i] = rng
        n_ev[0] = i + 1


@nb.njit(cache=True)
def _just_after(t):
    """The next instant after ``t``: 1 microsecond on, or one float step where t is so large (about 1e10 s
    and beyond) that adding a microsecond leaves it unchanged; the event loop must always move on."""
    u = t + 1e-6
    return u if u > t else np.nextafter(t, np.inf)


@nb.njit(cache=True)
def _cheapest_ahead(W, r, k, c, salvo, ready, reserve, held):
    """The cheapest unit still ahead on the raid's path that can take this threat and has room to
    hold it (at most ``hold_per_channel`` held threats per fire channel); -1 if none."""
    best = -1
    for q in range(W.raid_nfu[r]):
        g = W.raid_fus[r, q]
        if W.pk[g, c] <= 0.0 or W.fu_round_cost[g] > W.cls_maxcost[c]:
            continue
        if W.first_k[r, g] <= k or ready[g] + reserve[g] < salvo:
            continue
        if held[g] >= W.hold_per_channel * W.fu_chan[g]:
            continue
        if best < 0 or W.fu_round_cost[g] < W.fu_round_cost[best]:
            best = g
    return best


@nb.njit(cache=True)
def _maybe_reload(W, f, t, ready, reserve, reload_at, capacity):
    if reload_at[f] < INF or reserve[f] <= 0:
        return
    if ready[f] <= capacity[f] - W.fu_rpl[f] or ready[f] < W.cls_salvo.max():
        reload_at[f] = t + W.fu_reload[f]


@nb.njit(cache=True, nogil=True)
def run_one(W, U, ready0, reserve0, capacity, assign_mode, record,
            ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, n_ev,
            o_launched, o_killed, o_ew, o_leaked, o_leak_asset, o_shots_icpt, o_shots_fu, o_kills_fu, o_eng_fu,
            o_ready_left, o_reserve_left, o_end_time):
    """Simulate one replication; writes per-run totals into the ``o_*`` arrays (and events if asked)."""
    N = len(W.thr_raid)
    F = len(W.fu_chan)
    Z = W.ew_k.shape[1]
    shot_col = 2 + Z

    # ---- per-threat draws: launch time, decoy recognition, EW defeat time --------------------------
    launch = np.empty(N)
    ew_t = np.full(N, INF)
    recognised = np.zeros(N, np.bool_)
    t_imp = np.empty(N)
    for j in range(N):
        r = W.thr_raid[j]
        lo, hi = W.raid_lo[r], W.raid_hi[r]
        if W.raid_even[r]:
            launch[j] = lo + (hi - lo) * (W.thr_rank[j] + 0.5) / W.raid_count[r]
        else:
            launch[j] = lo + (hi - lo) * U[j, 0]
        t_imp[j] = launch[j] + W.tau_imp[r]
        if W.thr_class[j] == 1:
            recognised[j] = U[j, 1] < W.decoy_disc
        for z in range(Z):
            k = W.ew_k[r, z]
            if k >= 0 and U[j, 2 + z] < W.ew_p[r, z]:
                te = launch[j] + k * W.dtau[r]
                if te < ew_t[j]:
                    ew_t[j] = te

    # ---- state -------------------------------------------------------------------------------------
    status = np.zeros(N, np.int64)
    n_eng = np.zeros(N, np.int64)
    n_shot = np.zeros(N, np.int64)
    inflight = np.zeros(N, np.bool_)
    nxt = np.full(N, INF)  # when an active threat is next worth evaluating
    blocked = np.zeros(N, np.bool_)  # feasible now but no unit free: re-evaluate on a resource event
    holding_for = np.full(N, -1, np.int64)
    end_t = t_imp.copy()
    wake = np.empty(N)
    for j in range(N):
        wake[j] = launch[j] + W.wake_tau[W.thr_raid[j]]
    order = np.argsort(wake, kind="mergesort")
    wp = 0
    active = np.empty(N, np.int64)
    n_act = 0
    ready = ready0.copy()
    reserve = reserve0.copy()
    busy = np.zeros(F, np.int64)
    reload_at = np.full(F, INF)
    for f in range(F):
        _maybe_reload(W, f, 0.0, ready, reserve, reload_at, capacity)

    max_eng_total = 0
    for j in range(N):
        max_eng_total += W.cls_max_eng[W.thr_class[j]]
    e_thr = np.empty(max_eng_total + 1, np.int64)
    e_fu = np.empty(max_eng_total + 1, np.int64)
    e_icpt_k = np.empty(max_eng_total + 1, np.int64)
    e_shots = np.empty(max_eng_total + 1, np.int64)
    n_e = 0
    hk = np.empty(2 * max_eng_total + 2)
    hv = np.empty(2 * max_eng_total + 2, np.int64)
    hsize = np.zeros(1, np.int64)

    cand_thr = np.empty(64, np.int64)
    cand_fu = np.empty(64, np.int64)
    cand_score = np.empty(64)
    cand_k = np.empty(64, np.int64)
    cap_now = np.empty(F, np.int64)
    held = np.zeros(F, np.int64)  # threats now holding fire for each unit
    taken = np.zeros(N, np.bool_)
    chosen = np.empty(64, np.int64)

    t = INF
    if N > 0 and wake[order[0]] < INF:
        t = wake[order[0]]
    t_last = 0.0
    while t < INF:
        t_last = t
        resource_event = False
        # 1. engagements resolving and channels freeing by now
        while hsize[0] > 0 and hk[0] <= t:
            te, code = heap_pop(hk, hv, hsize)
            e = code >> 1
            j = e_thr[e]
            f = e_fu[e]
            if code & 1:
                busy[f] -= 1
                resource_event = True
                continue
            inflight[j] = False
            r = W.thr_raid[j]
            c = W.thr_class[j]
            k_i = e_icpt_k[e]
            rng_i = W.rng_km[W.path_off[r] + k_i, f]
            if status[j] != ST_ALIVE:
                continue
            if ew_t[j] <= te:
                status[j] = ST_EW
                end_t[j] = ew_t[j]
                continue
            killed = False
            base = shot_col + n_shot[j] - e_shots[e]
            for s in range(e_shots[e]):
                if U[j, base + s] < W.pk[f, c]:
                    killed = True
            if killed:
                status[j] = ST_KILLED
                end_t[j] = te
                o_kills_fu[f] += 1
                if record:
                    _record(ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, n_ev, te, EV_KILL, j, f, -1, rng_i)
            else:
                nxt[j] = te + W.cls_look[c]
                if record:
                    _record(ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, n_ev, te, EV_MISS, j, f, -1, rng_i)
        # 2. reloads completing
        for f in range(F):
            if reload_at[f] <= t:
                moved = min(W.fu_rpl[f], reserve[f], capacity[f] - ready[f])
                if moved < 0:
                    moved = 0
                ready[f] += moved
                reserve[f] -= moved
                reload_at[f] = INF
                resource_event = True
                _maybe_reload(W, f, t, ready, reserve, reload_at, capacity)
        # 3. threats entering some engagement window become active
        while wp < N and wake[order[wp]] <= t:
            active[n_act] = order[wp]
            nxt[order[wp]] = t
            n_act += 1
            wp += 1
        # 4. candidate engagements from the threats that are due for a look
        n_cand = 0
        keep = 0
        next_look = INF
        for q in range(n_act):
            j = active[q]
            if status[j] != ST_ALIVE:
                continue
            if inflight[j]:
                active[keep] = j
                keep += 1
                continue
            if not (nxt[j] <= t or (blocked[j] and resource_event)):
                active[keep] = j
                keep += 1
                if nxt[j] < next_look:
                    next_look = nxt[j]
                continue
            if holding_for[j] >= 0:
                held[holding_for[j]] -= 1
                holding_for[j] = -1
            blocked[j] = False
            if ew_t[j] <= t:
                status[j] = ST_EW
                end_t[j] = ew_t[j]
                continue
            r = W.thr_raid[j]
            c = W.thr_class[j]
            tau = t - launch[j]
            if tau > W.last_tau[r] or tau >= W.tau_imp[r]:
                continue
            if n_eng[j] >= W.cls_max_eng[c] or recognised[j]:
                continue
            k = int(tau / W.dtau[r])
            row = W.path_off[r] + k
            salvo = W.cls_salvo[c]
            look = INF
            holding = -1
            if W.cls_hold[c]:
                # Hold fire for the cheapest usable layer ahead if it has room; dearer units wait.
                holding = _cheapest_ahead(W, r, k, c, salvo, ready, reserve, held)
                if holding >= 0:
                    held[holding] += 1
                    holding_for[j] = holding
                    look = launch[j] + W.first_k[r, holding] * W.dtau[r]
            n_before = n_cand
            for qf in range(W.raid_nfu[r]):
                f = W.raid_fus[r, qf]
                if W.shot_icpt[row, f] < 0:
                    kn = W.next_ok[row, f]
                    if kn >= 0:
                        tn = launch[j] + kn * W.dtau[r]
                        if tn < look:
                            look = tn
                    continue
                if holding >= 0 and W.fu_round_cost[f] > W.fu_round_cost[holding]:
                    continue
                if busy[f] >= W.fu_chan[f] or ready[f] < salvo:
                    blocked[j] = True
                    continue
                p_eng = 1.0 - (1.0 - W.pk[f, c]) ** salvo
                # threat evaluation: asset value, doubled as time to impact goes to zero
                urgency = 1.0 + URGENCY_S / (URGENCY_S + max(t_imp[j] - t, 0.0))
                score = W.thr_value[j] * p_eng * urgency - W.cls_cw[c] * salvo * W.fu_round_cost[f]
                if n_cand == len(cand_thr):
                    cand_thr = np.concatenate((cand_thr, np.empty(n_cand, np.int64)))
                    cand_fu = np.concatenate((cand_fu, np.empty(n_cand, np.int64)))
                    cand_score = np.concatenate((cand_score, np.empty(n_cand)))
                    cand_k = np.concatenate((cand_k, np.empty(n_cand, np.int64)))
                    chosen = np.concatenate((chosen, np.empty(n_cand, np.int64)))
                cand_thr[n_cand] = j
                cand_fu[n_cand] = f
                cand_score[n_cand] = score
                cand_k[n_cand] = k
                n_cand += 1
            if look >= INF and not blocked[j] and n_cand == n_before:
                continue  # no chance left for this threat: it leaks unless EW takes it
            if look <= t:
                look = _just_after(t)
            nxt[j] = look
            if look < next_look:
                next_look = look
            active[keep] = j
            keep += 1
        n_act = keep
        # 5. assignment and fire
        if n_cand > 0:
            for f in range(F):
                cap_now[f] = W.fu_chan[f] - busy[f]
                per_round = ready[f]
                # rounds limit engagements: each takes a full salvo of its class; checked again below
                if per_round < cap_now[f]:
                    cap_now[f] = per_round
            if assign_mode == ASSIGN_EXACT:
                n_ch = _exact_choice(cand_thr, cand_fu, cand_score, n_cand, cap_now, chosen, W.exact_time_s)
            elif assign_mode == ASSIGN_FIRST:
                n_ch = first_feasible_assign(cand_thr, cand_fu, n_cand, cap_now, taken, chosen)
            else:
                n_ch = greedy_assign(cand_thr, cand_fu, cand_score, n_cand, cap_now, taken, chosen)
            for q in range(n_ch):
                cidx = chosen[q]
                j = cand_thr[cidx]
                taken[j] = False
                f = cand_fu[cidx]
                r = W.thr_raid[j]
                c = W.thr_class[j]
                salvo = W.cls_salvo[c]
                if ready[f] < salvo or busy[f] >= W.fu_chan[f]:
                    continue
                k = cand_k[cidx]
                row = W.path_off[r] + k
                k_i = W.shot_icpt[row, f]
                t_icpt = launch[j] + k_i * W.dtau[r]
                if t_icpt < t:
                    t_icpt = t
                ready[f] -= salvo
                busy[f] += 1
                n_eng[j] += 1
                n_shot[j] += salvo
                inflight[j] = True
                o_shots_fu[f] += salvo
                o_eng_fu[f] += 1
                o_shots_icpt[W.fu_interceptor[f]] += salvo
                e_thr[n_e] = j
                e_fu[n_e] = f
                e_icpt_k[n_e] = k_i
                e_shots[n_e] = salvo
                heap_push(hk, hv, hsize, t_icpt, 2 * n_e)
                heap_push(hk, hv, hsize, t_icpt + W.fu_engtime[f], 2 * n_e + 1)
                n_e += 1
                if record:
                    _record(ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, n_ev, t, EV_SHOOT, j, f, -1,
                            W.rng_km[row, f])
                _maybe_reload(W, f, t, ready, reserve, reload_at, capacity)
            for q in range(n_ch):
                taken[cand_thr[chosen[q]]] = False
            for q in range(n_cand):
                if not inflight[cand_thr[q]]:
                    blocked[cand_thr[q]] = True
        # 6. next event: a resolution, a reload, a threat entering a window, or a threat due a look
        nt = next_look
        if wp < N and wake[order[wp]] < nt:
            nt = wake[order[wp]]
        if hsize[0] > 0 and hk[0] < nt:
            nt = hk[0]
        for f in range(F):
            if reload_at[f] < nt:
                nt = reload_at[f]
        if nt <= t:
            nt = _just_after(t)
        t = nt

    # ---- outcomes ------------------------------------------------------------------------------------
    t_end = t_last
    for j in range(N):
        r = W.thr_raid[j]
        c = W.thr_class[j]
        o_launched[c] += 1
        if status[j] == ST_ALIVE:
            if ew_t[j] < t_imp[j]:
                status[j] = ST_EW
                end_t[j] = ew_t[j]
            else:
                status[j] = ST_LEAKED
                end_t[j] = t_imp[j]
        if status[j] == ST_KILLED:
            o_killed[c] += 1
        elif status[j] == ST_EW:
            o_ew[c] += 1
        else:
            o_leaked[c] += 1
            if c != 1:
                o_leak_asset[W.thr_asset[j]] += 1
        if end_t[j] > t_end:
            t_end = end_t[j]
        if record:
            _record(ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, n_ev, launch[j], EV_LAUNCH, j, -1, -1, np.nan)
            kd = W.det_k[r]
            if kd >= 0:
                td = launch[j] + kd * W.dtau[r]
                if td <= end_t[j]:
                    _record(ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, n_ev, td, EV_DETECT, j, -1,
                            W.det_sensor[r], W.det_range_km[r])
            if status[j] == ST_EW:
                _record(ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, n_ev, end_t[j], EV_EW, j, -1, -1, np.nan)
            elif status[j] == ST_LEAKED:
                _record(ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, n_ev, end_t[j], EV_LEAK, j, -1, -1, np.nan)
    for f in range(F):
        o_ready_left[f] = ready[f]
        o_reserve_left[f] = reserve[f]
    o_end_time[0] = t_end


@nb.njit(cache=True, nogil=True)
def run_chunk(W, U, ready0, reserve0, capacity, assign_mode, record, ev_cap,
              ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, n_ev,
              o_launched, o_killed, o_ew, o_leaked, o_leak_asset, o_shots_icpt, o_shots_fu, o_kills_fu, o_eng_fu,
              o_ready_left, o_reserve_left, o_end_time):
    """Run a slice of replications without the GIL (the caller runs slices in threads); row i of every
    output belongs to run i of the slice."""
    n_runs = U.shape[0]
    for i in range(n_runs):
        run_one(W, U[i], ready0[i], reserve0[i], capacity, assign_mode, record,
                ev_time[i], ev_kind[i], ev_thr[i], ev_fu[i], ev_sensor[i], ev_range[i], n_ev[i],
                o_launched[i], o_killed[i], o_ew[i], o_leaked[i], o_leak_asset[i], o_shots_icpt[i],
                o_shots_fu[i], o_kills_fu[i], o_eng_fu[i], o_ready_left[i], o_reserve_left[i], o_end_time[i])
