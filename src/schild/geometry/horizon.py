"""Line-of-sight limits: the 4/3-earth radar horizon and the optical one, heights above local ground."""

from __future__ import annotations

import numpy as np

HORIZON_K_KM = 4.12  # 4/3-earth radar horizon: d_km = 4.12 (sqrt(h_radar_m) + sqrt(h_target_m))
OPTICAL_K_KM = 3.57  # geometric line of sight (no refraction) for optical sensors


def radar_horizon_km(h_radar_m: np.ndarray | float, h_target_m: np.ndarray | float,
                     k_km: float = HORIZON_K_KM) -> np.ndarray:
    """Distance to the 4/3-earth radar horizon (or, with ``k_km=OPTICAL_K_KM``, the optical one) for a
    sensor and a target height above ground."""
    return k_km * (np.sqrt(np.maximum(h_radar_m, 0.0)) + np.sqrt(np.maximum(h_target_m, 0.0)))
