"""Each threat's random draws for one run: launch time, decoy recognition, EW defeat.

A decoy released by a missile takes its missile's launch time (column 0 is then unused).

Column 0 of a threat's uniforms is its launch, column 1 its recognition (decoys), columns 2 .. 2+Z-1
its EW zones, then its shots in the order they are fired. When a debris rule is set (``W.debris_on``) one
more column comes last: whether the debris of its kill damages the asset (``resolve``). It is drawn after
the others from the same generator, so a debris rule changes no shot, launch or EW draw.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .codes import INF
from .state import Threats


@nb.njit(cache=True)
def draw_threats(W, U):
    N = len(W.thr_raid)
    Z = W.ew_k.shape[1]
    launch = np.empty(N)
    ew_t = np.full(N, INF)
    recognised = np.zeros(N, np.bool_)
    t_imp = np.empty(N)
    for j in range(N):
        r = W.thr_raid[j]
        lo, hi = W.raid_lo[r], W.raid_hi[r]
        if W.thr_parent[j] >= 0:  # a released decoy flies with its missile, drawn before it
            launch[j] = launch[W.thr_parent[j]]
        elif W.raid_even[r]:
            launch[j] = lo + (hi - lo) * (W.thr_rank[j] + 0.5) / W.raid_count[r]
        else:
            launch[j] = lo + (hi - lo) * U[j, 0]
        t_imp[j] = launch[j] + W.tau_imp[r]
        if W.thr_result_class[j] == 1:
            recognised[j] = U[j, 1] < W.decoy_disc
        for z in range(Z):
            k = W.ew_k[r, z]
            if k >= 0 and U[j, 2 + z] < W.ew_p[r, z]:
                te = launch[j] + k * W.dtau[r]
                if te < ew_t[j]:
                    ew_t[j] = te
    n_layers = W.fu_layer.max() + 1 if len(W.fu_layer) > 0 else 1
    return Threats(launch, t_imp, ew_t, recognised, np.zeros(N, np.int64), t_imp.copy(), np.zeros(N, np.int64),
                   np.zeros((N, n_layers), np.int32), np.zeros(N, np.int64), np.zeros(N, np.bool_), np.full(N, INF),
                   np.zeros(N, np.bool_), np.full(N, -1, np.int64))


@nb.njit(cache=True)
def wake_order(W, T):
    """When each threat first comes within some unit's window, and the threats in that order."""
    N = len(W.thr_raid)
    wake = np.empty(N)
    for j in range(N):
        wake[j] = T.launch[j] + W.wake_tau[W.thr_raid[j]]
    return wake, np.argsort(wake, kind="mergesort")
