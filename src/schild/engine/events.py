"""Writing an event into a run's buffers (numba); a full buffer drops further events."""

from __future__ import annotations

from .codes import lean


@lean
def record(ev, t, kind, j, f, s, rng):
    i = ev.n[0]
    if i < len(ev.time):
        ev.time[i] = t
        ev.kind[i] = kind
        ev.thr[i] = j
        ev.fu[i] = f
        ev.sensor[i] = s
        ev.range_km[i] = rng
        ev.n[0] = i + 1
