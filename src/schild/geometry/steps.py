"""How finely a flight path is sampled: shared by the sampler and by the memory estimate, which must agree.

Kept free of numpy so that ``schild validate`` can size a scenario without loading the numerical libraries.
"""

from __future__ import annotations

import math

MAX_STEP_M = 500.0
MIN_STEP_S = 0.25
MAX_STEP_S = 2.0


def path_step_s(speed_mps: float) -> float:
    """Time between samples: 500 m of flight, kept between 0.25 s and 2 s (the slowest paths never overflow
    a division)."""
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
