"""Rounds: reloads from the reserve, one launcher's worth at a time."""

from __future__ import annotations

import numba as nb

from .codes import INF


@nb.njit(cache=True)
def maybe_reload(W, S, f, t):
    """Start a reload when a launcher's worth of room is free, or too few rounds are left for a salvo."""
    if S.reload_at[f] < INF or S.reserve[f] <= 0:
        return
    if S.ready[f] <= S.capacity[f] - W.fu_rpl[f] or S.ready[f] < W.cls_salvo.max():
        S.reload_at[f] = t + W.fu_reload[f]


@nb.njit(cache=True)
def reloads_due(W, S, t):
    """Complete the reloads due by ``t``; True if any completed (a resource event)."""
    any_done = False
    for f in range(len(S.ready)):
        if S.reload_at[f] <= t:
            moved = min(W.fu_rpl[f], S.reserve[f], S.capacity[f] - S.ready[f])
            if moved < 0:
                moved = 0
            S.ready[f] += moved
            S.reserve[f] -= moved
            S.reload_at[f] = INF
            any_done = True
            maybe_reload(W, S, f, t)
    return any_done
