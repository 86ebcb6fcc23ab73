"""The simulator evaluated on a design grid, for a likelihood that costs microseconds.

For every simulated group the family's template is run at each node of a grid of region raid sizes
``n`` x kill-level shifts ``a`` (and, for drones, x EW defeat probability x decoy share), with common
random numbers (the same seed at every node), giving the simulated shares of threats destroyed and lost.
Between nodes the table is interpolated: linearly in ``log n``, EW and decoy share, and with a monotone
cubic (Fritsch-Carlson) in ``a``. Nothing is fitted to the table: it is the simulator's output, and
held-out predictions run the simulator itself (:mod:`schild.calibration.predict`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .sim import run_fractions, template, with_counts, with_params

__all__ = ["GroupTable", "build_table", "N_NODES", "A_NODES_DRONE", "A_NODES_MISSILE", "EW_NODES",
           "DELTA_NODES", "pchip_rows"]

N_NODES = np.array([1, 2, 3, 5, 8, 12, 18, 27, 40, 60, 90, 135, 200, 300, 450, 700], dtype=np.int64)
A_NODES_DRONE = np.arange(-3.0, 5.01, 1.0)
A_NODES_MISSILE = np.arange(-7.0, 4.01, 1.0)
EW_NODES = np.array([0.0, 0.15, 0.3, 0.45, 0.6])
DELTA_NODES = np.array([0.0, 0.25, 0.5, 0.75])


@dataclass
class GroupTable:
    """Simulated destroyed and lost shares on a grid; axes (n, a) or, for drones, (n, ew, delta, a)."""

    group: str
    n_nodes: np.ndarray
    a_nodes: np.ndarray
    destroyed: np.ndarray
    lost: np.ndarray
    ew_nodes: np.ndarray | None = None
    delta_nodes: np.ndarray | None = None
    seconds: float = 0.0
    sims: int = 0
    meta: dict = field(default_factory=dict)

    @property
    def log_n(self) -> np.ndarray:
        return np.log(self.n_nodes.astype(float))

    def rows(self, n_region: np.ndarray, ew: float = 0.0,
             delta: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Destroyed and lost shares over the kill-level nodes, per window (windows x a-nodes):
        linear interpolation in log region size, EW (scalar) and decoy share (per window, drones)."""
        n_region = np.asarray(n_region, float)
        i0, wn = _lin(self.log_n, np.log(np.maximum(n_region, 1.0)))
        if self.ew_nodes is None:
            D, L = self.destroyed, self.lost
            d_rows = D[i0] * (1 - wn)[:, None] + D[i0 + 1] * wn[:, None]
            l_rows = L[i0] * (1 - wn)[:, None] + L[i0 + 1] * wn[:, None]
            return d_rows, l_rows
        e0, we = _lin(self.ew_nodes, np.atleast_1d(float(ew)))
        e0, we = int(e0[0]), float(we[0])
        D = self.destroyed[:, e0] * (1 - we) + self.destroyed[:, e0 + 1] * we  # (n, delta, a)
        L = self.lost[:, e0] * (1 - we) + self.lost[:, e0 + 1] * we
        dl = np.zeros(len(n_region)) if delta is None else np.asarray(delta, float)
        j0, wd = _lin(self.delta_nodes, dl)
        d_rows = np.zeros((len(n_region), len(self.a_nodes)))
        l_rows = np.zeros_like(d_rows)
        for di, dw in ((0, 1 - wn), (1, wn)):
            for ji, jw in ((0, 1 - wd), (1, wd)):
                w = (dw * jw)[:, None]
                d_rows += w * D[i0 + di, j0 + ji]
                l_rows += w * L[i0 + di, j0 + ji]
        return d_rows, l_rows

    def interp(self, n_region: np.ndarray, a: np.ndarray, ew: float = 0.0,
               delta: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Destroyed and lost shares at per-window region sizes ``n_region`` and levels ``a`` (same
        length, or a windows x k array of levels per window), EW ``ew`` and decoy shares ``delta``."""
        d_rows, l_rows = self.rows(n_region, ew, delta)
        return pchip_rows(d_rows, self.a_nodes, a), pchip_rows(l_rows, self.a_nodes, a)

    def to_dict(self, values: bool = True) -> dict:
        """The table as JSON-ready lists; ``values`` includes the simulated shares (so that prediction
        can use the very numbers the fit was matched to)."""
        out = {"group": self.group, "n_nodes": self.n_nodes.tolist(), "a_nodes": self.a_nodes.tolist(),
               "ew_nodes": None if self.ew_nodes is None else self.ew_nodes.tolist(),
               "delta_nodes": None if self.delta_nodes is None else self.delta_nodes.tolist(),
               "seconds": round(self.seconds, 2), "sims": self.sims}
        if values:
            out["destroyed"] = np.round(self.destroyed, 6).tolist()
            out["lost"] = np.round(self.lost, 6).tolist()
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "GroupTable":
        """Inverse of :meth:`to_dict` (with values); ValueError when the shapes do not fit."""
        nn = np.asarray(d["n_nodes"], dtype=np.int64)
        an = np.asarray(d["a_nodes"], float)
        en = None if d.get("ew_nodes") is None else np.asarray(d["ew_nodes"], float)
        dn = None if d.get("delta_nodes") is None else np.asarray(d["delta_nodes"], float)
        D = np.asarray(d["destroyed"], float)
        Lo = np.asarray(d["lost"], float)
        shape = (len(nn), len(an)) if en is None else (len(nn), len(en), len(dn), len(an))
        if D.shape != shape or Lo.shape != shape or len(nn) < 2 or len(an) < 2:
            raise ValueError(f"table of {d.get('group')!r}: values of shape {D.shape}, expected {shape}")
        return cls(str(d["group"]), nn, an, D, Lo, ew_nodes=en, delta_nodes=dn,
                   seconds=float(d.get("seconds", 0.0)), sims=int(d.get("sims", 0)))


def _lin(nodes: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell index and weight of the upper node for linear interpolation, clamped to the grid."""
    x = np.clip(np.asarray(x, float), nodes[0], nodes[-1])
    i = np.clip(np.searchsorted(nodes, x, side="right") - 1, 0, len(nodes) - 2)
    w = (x - nodes[i]) / (nodes[i + 1] - nodes[i])
    return i.astype(np.int64), w


def pchip_rows(V: np.ndarray, nodes: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Monotone cubic Hermite interpolation of each row of ``V`` (rows x nodes) at its own ``x``
    (one value per row, or rows x k values)."""
    V = np.asarray(V, float)
    h = np.diff(nodes)
    delta = np.diff(V, axis=1) / h
    m = np.zeros_like(V)
    # Fritsch-Carlson interior slopes (weighted harmonic mean; 0 at a local extremum)
    d0, d1 = delta[:, :-1], delta[:, 1:]
    w1 = 2 * h[1:] + h[:-1]
    w2 = h[1:] + 2 * h[:-1]
    same = (d0 * d1) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        hm = (w1 + w2) / (w1 / d0 + w2 / d1)
    m[:, 1:-1] = np.where(same, hm, 0.0)
    m[:, 0] = delta[:, 0]
    m[:, -1] = delta[:, -1]
    x = np.asarray(x, float)
    two_d = x.ndim == 2
    xc = np.clip(x if two_d else x[:, None], nodes[0], nodes[-1])
    k = np.clip(np.searchsorted(nodes, xc, side="right") - 1, 0, len(nodes) - 2)
    r = np.arange(V.shape[0])[:, None]
    hk = h[k]
    t = (xc - nodes[k]) / hk
    t2, t3 = t * t, t * t * t
    y0, y1 = V[r, k], V[r, k + 1]
    m0, m1 = m[r, k], m[r, k + 1]
    out = ((2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + t) * hk * m0 + (-2 * t3 + 3 * t2) * y1
           + (t3 - t2) * hk * m1)
    return out if two_d else out[:, 0]


def _runs_for(n: int, runs: int) -> int:
    """Replications at a node: more for small raids, so every node sees about 25 x runs threats."""
    return int(max(runs // 4, 2, int(np.ceil(25 * runs / max(n, 1)))))


#: Up to this region size the decoy share is exact: each threat is a decoy with probability delta, so
#: a node mixes the simulated compositions with k = 0..n decoys by binomial weights. Above it the
#: number of decoys is round(delta * n).
MIX_DECOYS_UP_TO = 8


def build_table(group: str, *, runs: int = 40, seed: int = 0, n_max: float | None = None,
                n_nodes: np.ndarray | None = None, a_nodes: np.ndarray | None = None,
                ew_nodes: np.ndarray | None = None, delta_nodes: np.ndarray | None = None,
                progress: Callable[[int, int], None] | None = None) -> GroupTable:
    """Simulate the grid of one group. ``n_max`` drops size nodes beyond the first one above it."""
    t0 = time.perf_counter()
    tpl = template(group)
    nn = np.asarray(N_NODES if n_nodes is None else n_nodes, dtype=np.int64)
    if n_max is not None:
        above = np.flatnonzero(nn >= n_max)
        nn = nn[: (above[0] + 1) if len(above) else len(nn)]
        if len(nn) < 2:
            nn = np.asarray(N_NODES[:2] if n_nodes is None else n_nodes[:2], dtype=np.int64)
    drone = tpl.has_decoys
    an = np.asarray(a_nodes if a_nodes is not None else (A_NODES_DRONE if drone else A_NODES_MISSILE), float)
    sims = 0
    if not drone:
        D = np.zeros((len(nn), len(an)))
        Lo = np.zeros_like(D)
        total = len(nn) * len(an)
        for i, n in enumerate(nn):
            w_n = with_counts(tpl, int(n))
            for k, a in enumerate(an):
                D[i, k], Lo[i, k], _ = run_fractions(with_params(w_n, tpl, float(a)), _runs_for(n, runs), seed)
                sims += 1
                if progress:
                    progress(sims, total)
        return GroupTable(group, nn, an, D, Lo, seconds=time.perf_counter() - t0, sims=sims)
    en = np.asarray(EW_NODES if ew_nodes is None else ew_nodes, float)
    dn = np.asarray(DELTA_NODES if delta_nodes is None else delta_nodes, float)
    D = np.zeros((len(nn), len(en), len(dn), len(an)))
    Lo = np.zeros_like(D)
    plans = []  # per n: list of (decoys, weights over delta nodes)
    for n in nn:
        n = int(n)
        if n <= MIX_DECOYS_UP_TO:
            from scipy.stats import binom

            plans.append([(k, binom.pmf(k, n, dn)) for k in range(n + 1)])
        else:
            ks = sorted({int(round(dl * n)) for dl in dn})
            plans.append([(k, np.array([1.0 if int(round(dl * n)) == k else 0.0 for dl in dn])) for k in ks])
    total = sum(len(p) for p in plans) * len(en) * len(an)
    for i, n in enumerate(nn):
        for nd, wts in plans[i]:
            w_n = with_counts(tpl, int(n) - nd, nd)
            for e, ew in enumerate(en):
                for k, a in enumerate(an):
                    d_, l_, _ = run_fractions(with_params(w_n, tpl, float(a), float(ew)), _runs_for(n, runs), seed)
                    D[i, e, :, k] += wts * d_
                    Lo[i, e, :, k] += wts * l_
                    sims += 1
                    if progress:
                        progress(sims, total)
    return GroupTable(group, nn, an, D, Lo, ew_nodes=en, delta_nodes=dn,
                      seconds=time.perf_counter() - t0, sims=sims)
