"""Outcomes: threats still alive at the end leak at impact (or fall to EW first); per-run totals."""

from __future__ import annotations

import numpy as np

from .codes import EV_DETECT, EV_EW, EV_LAUNCH, EV_LEAK, ST_ALIVE, ST_EW, ST_KILLED, ST_LEAKED, lean
from .events import record


@lean
def leak_and_count(W, T, S, t_last, rec, ev, out):
    """Settle every threat's fate, count outcomes per class and leaks per asset, record the threat's
    launch, detection and end events, and the rounds left; the run ends at the last threat's end."""
    t_end = t_last
    for j in range(len(W.thr_raid)):
        r = W.thr_raid[j]
        c = W.thr_result_class[j]  # a released decoy counts as a decoy
        out.launched[c] += 1
        if T.status[j] == ST_ALIVE:
            if T.ew_t[j] < T.t_imp[j]:
                T.status[j] = ST_EW
                T.end_t[j] = T.ew_t[j]
            else:
                T.status[j] = ST_LEAKED
                T.end_t[j] = T.t_imp[j]
        if T.status[j] == ST_KILLED:
            out.killed[c] += 1
        elif T.status[j] == ST_EW:
            out.ew[c] += 1
        else:
            out.leaked[c] += 1
            if c != 1:
                out.leak_asset[W.thr_asset[j]] += 1
        if T.end_t[j] > t_end:
            t_end = T.end_t[j]
        if rec:
            record(ev, T.launch[j], EV_LAUNCH, j, -1, -1, np.nan)
            kd = W.det_k[r]
            if kd >= 0:
                td = T.launch[j] + kd * W.dtau[r]
                if td <= T.end_t[j]:
                    record(ev, td, EV_DETECT, j, -1, W.det_sensor[r], W.det_range_km[r])
            if T.status[j] == ST_EW:
                record(ev, T.end_t[j], EV_EW, j, -1, -1, np.nan)
            elif T.status[j] == ST_LEAKED:
                record(ev, T.end_t[j], EV_LEAK, j, -1, -1, np.nan)
    for f in range(len(S.ready)):
        out.ready_left[f] = S.ready[f]
        out.reserve_left[f] = S.reserve[f]
    out.end_time[0] = t_end
    held = 0
    for f in range(len(S.held)):
        held += S.held[f]
    out.held_left[0] = held
