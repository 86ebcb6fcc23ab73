"""Codes the engine's modules share: event kinds, threat states, and the engine's infinity."""

from __future__ import annotations

# Event kinds (also the order of names in results.EVENT_KINDS).
EV_LAUNCH, EV_DETECT, EV_SHOOT, EV_KILL, EV_MISS, EV_EW, EV_LEAK = 0, 1, 2, 3, 4, 5, 6
ST_ALIVE, ST_KILLED, ST_EW, ST_LEAKED = 0, 1, 2, 3
INF = 1e300
