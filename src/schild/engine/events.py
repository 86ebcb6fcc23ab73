"""Writing an event into a run's buffers (numba); a full buffer drops further events."""

from __future__ import annotations

import numpy as np

from .codes import lean


@lean
def record_at(ev, t, kind, j, f, s, rng, asset_km):
    """An event with the ground distance from the threat's target asset where it happened (kills and
    misses: the intercept point)."""
    i = ev.n[0]
    if i < len(ev.time):
        ev.time[i] = t
        ev.kind[i] = kind
        ev.thr[i] = j
        ev.fu[i] = f
        ev.sensor[i] = s
        ev.range_km[i] = rng
        ev.asset_km[i] = asset_km
        ev.n[0] = i + 1


@lean
def record(ev, t, kind, j, f, s, rng):
    """An event without a distance from the target asset (NaN)."""
    record_at(ev, t, kind, j, f, s, rng, np.nan)
