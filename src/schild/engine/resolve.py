"""Resolution: salvos meeting their threats (kill or miss) and channels freeing, in time order; where a
kill happens (its distance band from the target asset) and whether its debris damages that asset."""

from __future__ import annotations

from .codes import EV_KILL, EV_MISS, ST_ALIVE, ST_EW, ST_KILLED, lean
from .events import record_at
from .heap import heap_pop


@lean
def _count_kill_place(W, U, j, c, asset_km, out):
    """Count a kill in its band of distance from the target asset; a lethal threat (not a decoy) killed
    within the asset's debris radius damages it with the asset's probability (the threat's last uniform)."""
    b = len(W.kill_band_lo_km) - 1
    while b > 0 and asset_km < W.kill_band_lo_km[b]:
        b -= 1
    out.kill_band[c, b] += 1
    out.kill_km[c] += asset_km
    a = W.thr_asset[j]
    if W.debris_on and c != 1 and asset_km <= W.asset_debris_km[a]:
        if U[j, U.shape[1] - 1] < W.asset_debris_p[a]:
            out.debris_asset[a] += 1


@lean
def resolve_due(W, U, T, S, E, t, rec, ev, out):
    """Pop every queued event due by ``t``; True if a channel freed (a resource event).

    A salvo kills if any of its rounds' uniforms is below the unit's P(kill) times the factor at the
    intercept point (a terminal manoeuvre; 1 elsewhere); a missed threat is looked
    at again after the class's kill-assessment time. A threat EW defeated before the intercept is EW's.
    """
    shot_col = 2 + W.ew_k.shape[1]
    freed = False
    while E.hsize[0] > 0 and E.hk[0] <= t:
        te, code = heap_pop(E.hk, E.hv, E.hsize)
        e = code >> 1
        j = E.thr[e]
        f = E.fu[e]
        if code & 1:
            S.busy[f] -= 1
            freed = True
            continue
        T.inflight[j] = False
        r = W.thr_raid[j]
        c = W.thr_class[j]
        row = W.path_off[r] + E.icpt_k[e]
        rng_i = W.rng_km[row, f]
        asset_km = W.asset_dist_km[row]
        if T.status[j] != ST_ALIVE:
            continue
        if T.ew_t[j] <= te:
            T.status[j] = ST_EW
            T.end_t[j] = T.ew_t[j]
            continue
        killed = False
        base = shot_col + T.n_shot[j] - E.shots[e]
        pk = W.pk[f, W.thr_type[j]] * W.pk_row[W.path_off[r] + E.icpt_k[e]]
        for s in range(E.shots[e]):
            if U[j, base + s] < pk:
                killed = True
        if killed:
            T.status[j] = ST_KILLED
            T.end_t[j] = te
            out.kills_fu[f] += 1
            _count_kill_place(W, U, j, c, asset_km, out)
            if rec:
                record_at(ev, te, EV_KILL, j, f, -1, rng_i, asset_km)
        else:
            T.nxt[j] = te + W.cls_look[c]
            if rec:
                record_at(ev, te, EV_MISS, j, f, -1, rng_i, asset_km)
    return freed
