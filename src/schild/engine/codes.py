"""Codes the engine's modules share (event kinds, threat states, infinity) and the `lean` compile mode."""

from __future__ import annotations

import numba as nb

# Event kinds (also the order of names in results.EVENT_KINDS).
EV_LAUNCH, EV_DETECT, EV_SHOOT, EV_KILL, EV_MISS, EV_EW, EV_LEAK = 0, 1, 2, 3, 4, 5, 6
ST_ALIVE, ST_KILLED, ST_EW, ST_LEAKED = 0, 1, 2, 3
INF = 1e300


def lean(fn):
    """numba-compile (cached) without reference counting, for the event loop's per-epoch steps.

    Every array a compiled call receives, the world's ~50 included, is otherwise reference-counted at
    entry and exit with atomic operations: per call that costs more than the step's own work, and threads
    sharing one world contend for the counts. These steps allocate nothing (``run_one`` owns every array
    for the whole run), so they need no counting. ``_nrt`` is numba's switch for the NRT runtime.
    """
    return nb.njit(cache=True, _nrt=False)(fn)
