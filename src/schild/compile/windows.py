"""Engagement windows: for each raid and fire unit, the intercept point of a shot fired at any sample.

A shot fired at sample ``i`` meets the threat at the first sample whose flight time still lets the
interceptor get there (``shot_icpt``), or never (-1) if that point is outside the unit's envelope for the
threat's type, outside its sector, or (for a unit with a fire-control radar of its own) outside that radar's
horizon and range. The window of a unit is the span of samples from which a shot is feasible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geometry.horizon import radar_horizon_km
from ..geometry.paths import Path
from ..geometry.sectors import bearing_and_distance, sector_mask
from .fire_units import FireUnitArrays
from .sensors import Detection, first_true, rcs_factor


@dataclass(frozen=True)
class RaidWindows:
    """One raid's tables (rows: path samples, columns: fire units) and the units that can ever fire."""

    shot_icpt: np.ndarray  # (K, F) int32: intercept sample of a shot fired at each sample, or -1
    next_ok: np.ndarray  # (K, F) int32: next sample (>=) with a feasible shot, or -1
    rng_km: np.ndarray  # (K, F) float32: slant range from each unit with an envelope against the raid's type (else 0)
    first_k: np.ndarray  # (F,) first sample of a feasible shot, or -1
    last_k: np.ndarray  # (F,) last sample of a feasible shot, or -1
    first_tau_s: np.ndarray  # (F,) time after launch of the first feasible shot (inf: none)
    last_tau_s: np.ndarray  # (F,) of the last (-inf: none)


def next_feasible(icpt: np.ndarray) -> np.ndarray:
    """For each sample and unit, the next sample (>=) at which a shot is feasible, or -1."""
    K = icpt.shape[0]
    idx = np.where(icpt >= 0, np.arange(K)[:, None], K)
    nxt = np.minimum.accumulate(idx[::-1], axis=0)[::-1]
    return np.where(nxt >= K, -1, nxt).astype(np.int32)


def _intercept_column(p: Path, slant_km: np.ndarray, env: np.ndarray, speed_mps: float, react_s: float,
                      det_k: int, allowed: np.ndarray) -> np.ndarray:
    """The intercept sample of a shot fired at each sample (-1: none) for one unit and one threat type's
    envelope; ``allowed``: the samples where the unit may intercept (its sector and fire-control cover)."""
    K = len(p.tau_s)
    lo_r, hi_r, lo_h, hi_h = env
    in_env = (slant_km >= lo_r) & (slant_km <= hi_r) & (p.alt_m >= lo_h) & (p.alt_m <= hi_h) & allowed
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
    # Shots are only possible once the threat is detected (by the network or the unit's own radar) and the
    # unit has reacted.
    earliest_shot_tau = p.tau_s[det_k] + react_s
    col[p.tau_s < earliest_shot_tau - 1e-9] = -1
    return col


def _own_radar(fu: FireUnitArrays, f: int, p: Path, slant_km: np.ndarray, ground_m: np.ndarray,
               rcs_m2: float | None) -> np.ndarray:
    """The samples the unit's own fire-control radar tracks: its range (scaled by the cross-section) and
    its 4/3-earth horizon."""
    reach_km = fu.fc_range_km[f] * rcs_factor(rcs_m2, fu.fc_ref_rcs_m2[f])
    return (slant_km <= reach_km) & (ground_m / 1000.0 <= radar_horizon_km(fu.fc_height_m[f], p.alt_m))


def _cue_and_cover(fu: FireUnitArrays, f: int, site, p: Path, slant_km: np.ndarray, az_deg: np.ndarray,
                   ground_m: np.ndarray, det: Detection, net_seen: np.ndarray,
                   rcs_m2: float | None, from_k: int) -> tuple[int, np.ndarray]:
    """The first sample the unit knows of the threat (-1: never) and where it may intercept it: inside its
    sector, and, with a fire-control radar of its own, where that radar tracks it (or any network sensor,
    if it engages on remote tracks); nowhere before sample ``from_k``."""
    allowed = sector_mask(getattr(site, "sector", None), az_deg, ground_m)
    allowed[:from_k] = False
    cue_k = det.k
    if np.isnan(fu.fc_height_m[f]):
        return cue_k, allowed
    own = _own_radar(fu, f, p, slant_km, ground_m, rcs_m2) & allowed
    own_k = first_true(own[:-1])
    if own_k >= 0 and (cue_k < 0 or own_k < cue_k):
        cue_k = own_k
    return cue_k, (own | (allowed & net_seen)) if fu.fc_remote[f] else own


def raid_windows(spec_units: list, fu: FireUnitArrays, p: Path, t: int, det: Detection, net_seen: np.ndarray,
                 rcs_m2: float | None, from_k: int = 0) -> RaidWindows:
    """Every unit's window on one raid's path (threat type ``t`` with cross-section ``rcs_m2``; ``net_seen``:
    the samples some network sensor sees; ``from_k``: the first sample at which the threat exists, for a
    released decoy). Doctrine (which units may engage at all) is applied after, by
    ``doctrine.engaging_units``, so that changed kill probabilities or doctrine need no new geometry."""
    K, F = len(p.tau_s), len(spec_units)
    icpt = np.full((K, F), -1, np.int32)
    rng = np.zeros((K, F), np.float32)
    first_k = np.full(F, -1, np.int64)
    last_k = np.full(F, -1, np.int64)
    first_tau, last_tau = np.full(F, np.inf), np.full(F, -np.inf)
    for f, site in enumerate(spec_units):
        if not fu.env[f, t, 1] > 0.0:
            continue  # no envelope against this threat type: it never fires at the raid (ranges left 0)
        az, g = bearing_and_distance(site.lat, site.lon, p.lat, p.lon)
        slant_km = np.hypot(g, p.alt_m) / 1000.0
        rng[:, f] = slant_km
        cue_k, allowed = _cue_and_cover(fu, f, site, p, slant_km, az, g, det, net_seen, rcs_m2, from_k)
        if cue_k < 0:
            continue
        icpt[:, f] = _intercept_column(p, slant_km, fu.env[f, t], fu.speed_mps[f], fu.react_s[f], cue_k, allowed)
        ks = np.flatnonzero(icpt[:, f] >= 0)
        if len(ks) == 0:
            continue
        first_k[f], last_k[f] = ks[0], ks[-1]
        first_tau[f], last_tau[f] = p.tau_s[ks[0]], p.tau_s[ks[-1]]
    return RaidWindows(icpt, next_feasible(icpt), rng, first_k, last_k, first_tau, last_tau)
