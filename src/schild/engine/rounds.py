"""Rounds: reloads from the reserve, one launcher's worth at a time."""

from __future__ import annotations

from .codes import INF, lean


@lean
def _largest_salvo(W):
    most = 0
    for c in range(len(W.cls_salvo)):
        if W.cls_salvo[c] > most:
            most = W.cls_salvo[c]
    return most


@lean
def maybe_reload(W, S, f, t):
    """Start a reload when a launcher's worth of room is free, or too few rounds are left for a salvo."""
    if S.reload_at[f] < INF or S.reserve[f] <= 0:
        return
    if S.ready[f] <= S.capacity[f] - W.fu_rpl[f] or S.ready[f] < _largest_salvo(W):
        S.reload_at[f] = t + W.fu_reload[f]


@lean
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
