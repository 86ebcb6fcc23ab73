"""How finely a flight path is sampled: shared by the sampler and by the memory estimate, which must agree.

Kept free of numpy so that ``schild validate`` can size a scenario without loading the numerical libraries.
"""

from __future__ import annotations

import math

MAX_STEP_M = 500.0
MAX_SPEED_MPS = 11_200.0  # escape speed: the fastest threat a catalogue may hold
MIN_STEP_S = MAX_STEP_M / MAX_SPEED_MPS  # so that no step is longer than 500 m at any allowed speed
MAX_STEP_S = 2.0


def path_step_s(speed_mps: float) -> float:
    """Time between samples: 500 m of flight at most, and at most 2 s (a slow path still has a sample every 2 s)."""
    if speed_mps <= MAX_STEP_M / MAX_STEP_S:
        return MAX_STEP_S
    return max(MAX_STEP_M / speed_mps, MIN_STEP_S)


def path_samples(length_m: float, speed_mps: float) -> float:
    """How many samples ``paths.sample_path`` takes for a path of this length at this speed, counted as a
    float so that an absurd path (days of flight at a crawl) can be sized before anything is allocated."""
    try:
        flight_s = length_m / speed_mps
    except (OverflowError, ZeroDivisionError):
        flight_s = math.inf
    steps = flight_s / path_step_s(speed_mps)
    return (max(1.0, float(math.ceil(steps))) if math.isfinite(steps) else math.inf) + 1.0
