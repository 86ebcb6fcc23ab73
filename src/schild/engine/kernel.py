"""The raid engine: one replication of a raid, next-event time advance, compiled with numba.

Kill chain per threat: launch -> (EW may defeat it when it enters a zone) -> detection by the sensor
network -> the battle manager assigns an engagement when a fire unit has a free channel, rounds, and an
intercept point inside its envelope -> the salvo resolves at the intercept time -> kill assessment after
``look_time_s`` -> re-engagement (shoot-look-shoot) up to ``max_engagements`` -> leak at impact.

One numba function per role: ``draws`` (random draws), ``candidates`` (threat evaluation), ``fire``
(assignment and fire), ``resolve`` (kill or miss), ``rounds`` (reloads), ``outcomes`` (leaks, totals).
The steps called every epoch are compiled ``lean`` (no reference counting, see ``codes.lean``).

Random numbers come in as a (threats x k) block of uniforms drawn by the caller from a
``numpy.random.Generator`` per replication, so a replication's outcome is the same however runs are
spread over threads or processes, and variants of a scenario share common random numbers.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .candidates import activate_due, just_after, list_candidates
from .codes import INF, lean
from .draws import draw_threats, wake_order
from .fire import choose, fire_chosen, mark_blocked, offer, still_open
from .outcomes import leak_and_count
from .resolve import resolve_due
from .rounds import maybe_reload, reloads_due
from .state import Events, Outputs, grow_candidates, new_candidates, new_engagements, new_units


@lean
def _next_time(W, S, E, wake, order, cursor, next_look, t):
    """The next event: a resolution, a reload, a threat entering a window, or a threat due a look."""
    nt = next_look
    if cursor[1] < len(order) and wake[order[cursor[1]]] < nt:
        nt = wake[order[cursor[1]]]
    if E.hsize[0] > 0 and E.hk[0] < nt:
        nt = E.hk[0]
    for f in range(len(S.reload_at)):
        if S.reload_at[f] < nt:
            nt = S.reload_at[f]
    if nt <= t:
        nt = just_after(t)
    return nt


@nb.njit(cache=True, nogil=True)
def run_one(W, U, ready0, reserve0, capacity, assign_mode, record,
            ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, ev_asset_km, n_ev,
            o_launched, o_killed, o_ew, o_leaked, o_leak_asset, o_shots_icpt, o_shots_fu, o_kills_fu, o_eng_fu,
            o_ready_left, o_reserve_left, o_end_time, o_held_left, o_kill_band, o_kill_km, o_debris_asset):
    """Simulate one replication; writes per-run totals into the ``o_*`` arrays (and events if asked)."""
    ev = Events(ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, ev_asset_km, n_ev)
    out = Outputs(o_launched, o_killed, o_ew, o_leaked, o_leak_asset, o_shots_icpt, o_shots_fu, o_kills_fu,
                  o_eng_fu, o_ready_left, o_reserve_left, o_end_time, o_held_left, o_kill_band, o_kill_km,
                  o_debris_asset)
    N, F = len(W.thr_raid), len(W.fu_chan)
    T = draw_threats(W, U)
    S = new_units(ready0, reserve0, capacity)
    for f in range(F):
        maybe_reload(W, S, f, 0.0)
    E = new_engagements(W)
    C = new_candidates(64)
    cap_now = np.empty(F, np.int64)
    taken = np.zeros(N, np.bool_)
    wake, order = wake_order(W, T)
    active = np.empty(N, np.int64)
    cursor = np.zeros(2, np.int64)  # threats active, next threat in wake order

    t = INF
    if N > 0 and wake[order[0]] < INF:
        t = wake[order[0]]
    t_last = 0.0
    while t < INF:
        t_last = t
        freed = resolve_due(W, U, T, S, E, t, record, ev, out)
        freed = reloads_due(W, S, t) or freed
        activate_due(wake, order, active, cursor, T, t)
        q, keep, n_cand, next_look = list_candidates(W, T, S, C, active, cursor[0], t, freed, 0, 0, 0, INF)
        while q < cursor[0]:  # the candidate list was full: grow it and go on
            C = grow_candidates(C)
            q, keep, n_cand, next_look = list_candidates(W, T, S, C, active, cursor[0], t, freed, q, keep,
                                                         n_cand, next_look)
        cursor[0] = keep
        while n_cand > 0:  # assign and fire; an engagement its unit could not fire goes back to the choice
            offer(W, S, C, n_cand, cap_now)
            n_ch = choose(C.thr, C.fu, C.score, n_cand, cap_now, taken, C.chosen, assign_mode, W.exact_time_s)
            if fire_chosen(W, T, S, E, C, n_ch, taken, t, record, ev, out) == 0:
                mark_blocked(T, C, n_cand)
                break
            n_cand = still_open(W, T, S, C, n_cand)
        t = _next_time(W, S, E, wake, order, cursor, next_look, t)
    leak_and_count(W, T, S, t_last, record, ev, out)


@nb.njit(cache=True, nogil=True)
def run_chunk(W, U, ready0, reserve0, capacity, assign_mode, record, ev_cap,
              ev_time, ev_kind, ev_thr, ev_fu, ev_sensor, ev_range, ev_asset_km, n_ev,
              o_launched, o_killed, o_ew, o_leaked, o_leak_asset, o_shots_icpt, o_shots_fu, o_kills_fu, o_eng_fu,
              o_ready_left, o_reserve_left, o_end_time, o_held_left, o_kill_band, o_kill_km, o_debris_asset):
    """Run a slice of replications without the GIL (the caller runs slices in threads); row i of every
    output belongs to run i of the slice."""
    n_runs = U.shape[0]
    for i in range(n_runs):
        run_one(W, U[i], ready0[i], reserve0[i], capacity, assign_mode, record,
                ev_time[i], ev_kind[i], ev_thr[i], ev_fu[i], ev_sensor[i], ev_range[i], ev_asset_km[i], n_ev[i],
                o_launched[i], o_killed[i], o_ew[i], o_leaked[i], o_leak_asset[i], o_shots_icpt[i],
                o_shots_fu[i], o_kills_fu[i], o_eng_fu[i], o_ready_left[i], o_reserve_left[i], o_end_time[i],
                o_held_left[i], o_kill_band[i], o_kill_km[i], o_debris_asset[i])
