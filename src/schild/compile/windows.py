"""Engagement windows: for each raid and fire unit, the intercept point of a shot fired at any sample.

A shot fired at sample ``i`` meets the threat at the first sample whose flight time still lets the
interceptor get there (``shot_icpt``), or never (-1) if that point is outside the unit's envelope. The
window of a unit is the span of samples from which a shot is feasible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geometry.paths import Path, ground_distance_m
from .doctrine import DoctrineArrays, doctrine_allows
from .fire_units import FireUnitArrays
from .sensors import Detection


@dataclass(frozen=True)
class RaidWindows:
    """One raid's tables (rows: path samples, columns: fire units) and the units that can ever fire."""

    shot_icpt: np.ndarray  # (K, F) int32: intercept sample of a shot fired at each sample, or -1
    next_ok: np.ndarray  # (K, F) int32: next sample (>=) with a feasible shot, or -1
    rng_km: np.ndarray  # (K, F) float32: slant range from each unit
    first_k: np.ndarray  # (F,) first sample of a feasible shot, or -1
    last_k: np.ndarray  # (F,) last sample of a feasible shot, or -1
    units: list[int]  # units with a window, in scenario order
    wake_tau_s: float  # earliest feasible shot after launch (inf: none)
    last_tau_s: float  # latest feasible shot after launch (-inf: none)


def next_feasible(icpt: np.ndarray) -> np.ndarray:
    """For each sample and unit, the next sample (>=) at which a shot is feasible, or -1."""
    K = icpt.shape[0]
    idx = np.where(icpt >= 0, np.arange(K)[:, None], K)
    nxt = np.minimum.accumulate(idx[::-1], axis=0)[::-1]
    return np.where(nxt >= K, -1, nxt).astype(np.int32)


def _intercept_column(p: Path, slant_km: np.ndarray, env: np.ndarray, speed_mps: float, react_s: float,
                      det_k: int) -> np.ndarray:
    """The intercept sample of a shot fired at each sample (-1: none) for one unit and one class envelope."""
    K = len(p.tau_s)
    lo_r, hi_r, lo_h, hi_h = env
    in_env = (slant_km >= lo_r) & (slant_km <= hi_r) & (p.alt_m >= lo_h) & (p.alt_m <= hi_h)
    in_env[-1] = False  # an intercept at impact is too late
    if not in_env.any():
        return np.full(K, -1, np.int32)
    latest_shot = p.tau_s - slant_km * 1000.0 / speed_mps
    cm = np.maximum.accumulate(latest_shot)
    i_star = np.searchsorted(cm, p.tau_s, side="left")
    valid = i_star < K
    i_clip = np.minimum(i_star, K - 1)
    valid &= in_env[i_clip]
    col = np.where(valid, i_clip, -1).astype(np.int32)
    # Shots are only possible once the threat is detected and the unit has reacted.
    earliest_shot_tau = p.tau_s[det_k] + react_s
    col[p.tau_s < earliest_shot_tau - 1e-9] = -1
    return col


def raid_windows(spec_units: list, fu: FireUnitArrays, doc: DoctrineArrays, p: Path, c: int, value: float,
                 det: Detection) -> RaidWindows:
    """Every unit's window on one raid's path (class ``c``, target worth ``value``)."""
    K, F = len(p.tau_s), len(spec_units)
    icpt = np.full((K, F), -1, np.int32)
    rng = np.zeros((K, F), np.float32)
    first_k = np.full(F, -1, np.int64)
    last_k = np.full(F, -1, np.int64)
    units: list[int] = []
    wake, last = np.inf, -np.inf
    for f, site in enumerate(spec_units):
        g = ground_distance_m(site.lat, site.lon, p.lat, p.lon)
        slant_km = np.hypot(g, p.alt_m) / 1000.0
        rng[:, f] = slant_km
        if det.sensor < 0 or not doctrine_allows(fu.pk[f, c], fu.round_cost[f], value, c, doc.salvo, doc.engage,
                                                 doc.max_round_cost, doc.cost_weight):
            continue
        icpt[:, f] = _intercept_column(p, slant_km, fu.env[f, c], fu.speed_mps[f], fu.react_s[f], det.k)
        ks = np.flatnonzero(icpt[:, f] >= 0)
        if len(ks) == 0:
            continue
        first_k[f], last_k[f] = ks[0], ks[-1]
        units.append(f)
        wake = min(wake, p.tau_s[ks[0]])
        last = max(last, p.tau_s[ks[-1]])
    return RaidWindows(icpt, next_feasible(icpt), rng, first_k, last_k, units, wake, last)
