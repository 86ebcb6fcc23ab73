"""Predict months the fit never saw: the simulator at posterior draws and the months' raid compositions.

One *replication* of a month is: a posterior draw of every parameter; the kill level carried from the
last fitted month by the random walk (``L + tau sqrt(h) z``; for a reverting level its AR(1) towards
``mu``) plus a fresh month effect
(``sigma e``); the decoy share likewise; then, for every attack window of the month, the oblast's share
of that window's raid simulated (decoys drawn per threat with the decoy share) and the national
defeated count drawn from a beta-binomial around the simulated defeated share with the fitted
over-dispersion. Summed over the month's windows per class, the replications give the predicted mean
and the 90% interval.

Where the simulator's output comes from (``method``): ``"auto"`` (what ``schild validate`` uses) takes it
from the fit's own simulator tables wherever a window lies inside them (region size, decoy share and kill
level within the grid) and simulates afresh outside them; ``"table"`` always uses the tables (clamped at
their edges; the fast rolling-origin checks); ``"simulate"`` always simulates afresh. Why the tables: the
fit matched the reports through them, so a table's Monte Carlo noise at the training months' operating
points is absorbed in the fitted level; predicting from fresh simulations at that level turns the same
noise into a forecast error (a 2.7 pp spread in the drone forecast across calibration seeds through
2025-06; docs/calibration.md).
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pandas as pd

from .data import DECOYS_COUNTED_FROM, month_index
from .family import SIM_GROUPS
from .model import PRIORS, TAU_DELTA, _u_centre, bounded, observed_decoy_share, size_ref
from .sim import run_fractions, template, with_counts, with_params
from .tables import GroupTable

__all__ = ["predict_months", "rows_from_draws", "THREATS_PER_SIM"]

#: Replications of the oblast raid per (replication, window): about this many simulated threats.
THREATS_PER_SIM = 100


def _seed(*parts: int) -> int:
    return int(np.random.SeedSequence([int(p) & 0xFFFFFFFF for p in parts]).generate_state(1)[0])


def predict_months(post: dict[str, Any], win: pd.DataFrame, *, runs: int, seed: int,
                   method: str = "simulate", tables: dict[str, GroupTable] | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   stats: dict[str, int] | None = None) -> dict[tuple[str, str], np.ndarray]:
    """Predicted national defeated counts per (class, month): an array of ``runs`` replications.

    ``post``: the ``posterior`` block of a parameters file (``last_month``, ``share``, ``groups`` with
    draws). ``win``: windows (:func:`schild.calibration.data.windows`) of the months to predict, all
    after ``post["last_month"]``. ``stats`` (optional) receives how many window evaluations came from the
    tables and how many from fresh simulations.
    """
    if method not in ("simulate", "table", "auto"):
        raise ValueError("method must be 'simulate', 'table' or 'auto'")
    tables = tables or {}
    if method == "table":
        lacking = sorted(set(win["group"]) - set(tables))
        if lacking:
            raise ValueError(f"method 'table' needs tables for {lacking}")
    counts = {"table": 0, "simulate": 0}
    rng = np.random.default_rng(seed)
    last = post["last_month"]
    groups = post["groups"]
    share_draws = np.asarray(post["share"], float)
    share_fit = post.get("share_fit")
    n_draws = len(share_draws)
    win = win[win["group"].isin(list(groups))].reset_index(drop=True)
    months = sorted(win["month"].unique())
    if not months:
        return {}
    h_of = dict(zip(months, month_index(months, last)))
    if min(h_of.values()) < 1:
        raise ValueError(f"months to predict must come after the last fitted month {last}")
    H = int(max(h_of.values()))
    out: dict[tuple[str, str], np.ndarray] = {}
    keys = sorted({(SIM_GROUPS[g][0], m) for g, m in zip(win["group"], win["month"])})
    for key in keys:
        out[key] = np.zeros(runs)
    wg = win["group"].to_numpy()
    wm = win["month"].to_numpy()
    wn = win["launched"].to_numpy(float)
    w_h = np.array([h_of[m] for m in wm])
    w_cls = np.array([SIM_GROUPS[g][0] for g in wg])
    decoy_month = wm >= DECOYS_COUNTED_FROM
    decoy_obs = observed_decoy_share(win)  # a report's own decoy share replaces the walk's
    tpls: dict[str, Any] = {}
    total = runs
    for r in range(runs):
        k = int(rng.integers(n_draws))
        share = float(share_draws[k])
        a_path: dict[str, np.ndarray] = {}
        rho: dict[str, float] = {}
        beta: dict[str, float] = {}
        bref: dict[str, float] = {}
        ew = 0.0
        delta_path = np.zeros(H + 1)
        for g, gd in groups.items():
            lv = float(gd["level_last"][k])
            tau = float(gd["tau"][k])
            sigma = float(gd["sigma"][k])
            df = gd.get("increments_df")  # Student-t walk (fitted so); None: Gaussian
            steps_a = tau * (rng.standard_normal(H) if df is None else rng.standard_t(float(df), H))
            if gd.get("phi") is not None:  # reverting level: monthly AR(1) towards mu
                mu, phi = float(gd["mu"][k]), float(gd["phi"][k])
                walk = np.empty(H + 1)
                walk[0] = lv
                for h in range(1, H + 1):
                    walk[h] = mu + phi * (walk[h - 1] - mu) + steps_a[h - 1]
            else:
                walk = lv + np.concatenate([[0.0], np.cumsum(steps_a)])
            a_path[g] = walk + sigma * rng.standard_normal(H + 1)
            rho[g] = float(gd["rho"][k])
            beta[g] = float(gd["beta"][k]) if gd.get("beta") is not None else 0.0
            # the reference the fit used (files from before it was stored: drones only, log 30)
            bref[g] = float(gd["size_ref"]) if gd.get("size_ref") is not None else size_ref(g)
            if g == "drone":
                ew = float(gd["ew"][k])
                v_last = gd.get("v_last")
                v0 = float(v_last[k]) if v_last is not None else None
                # months from the first decoy month on (or continuing the fitted path)
                v = np.zeros(H + 1)
                steps = rng.standard_normal(H + 1)
                first_h = max(1, int(month_index([DECOYS_COUNTED_FROM], last)[0]))
                cur = v0
                for h in range(1, H + 1):
                    if cur is None:
                        if h >= first_h:
                            cur = _u_centre("delta") + PRIORS["delta"][3] * steps[h]
                    else:
                        cur = cur + TAU_DELTA * steps[h]
                    v[h] = cur if cur is not None else -np.inf
                delta_path = np.where(np.isfinite(v), bounded("delta", np.where(np.isfinite(v), v, 0.0)), 0.0)
        cache: dict[tuple, float] = {}
        for i in range(len(win)):
            g = wg[i]
            h = int(w_h[i])
            n_nat = int(round(wn[i]))
            # the drone group carries the raid-share posterior; missile groups were fitted at its MAP
            sh = share if (g == "drone" or share_fit is None) else float(share_fit)
            a = float(a_path[g][h]) + beta[g] * (math.log(max(wn[i], 1.0)) - bref[g])
            dl = float(delta_path[h]) if (g == "drone" and decoy_month[i]) else 0.0
            if np.isfinite(decoy_obs[i]):
                dl = float(decoy_obs[i])
            tb = tables.get(g)
            nreg_f = max(1.0, sh * n_nat)
            use_table = method == "table" or (
                method == "auto" and tb is not None and nreg_f <= tb.n_nodes[-1]
                and tb.a_nodes[0] <= a <= tb.a_nodes[-1]
                and (tb.delta_nodes is None or dl <= tb.delta_nodes[-1]))
            if use_table:
                counts["table"] += 1
                nreg = nreg_f
                if tb.ew_nodes is not None:
                    d_, l_ = tb.interp(np.array([nreg]), np.array([a]), ew, np.array([dl]))
                else:
                    d_, l_ = tb.interp(np.array([nreg]), np.array([a]))
                p = float(d_[0] + l_[0])
            else:
                counts["simulate"] += 1
                nreg = max(1, int(round(sh * n_nat)))
                nd = int(rng.binomial(nreg, dl)) if dl > 0 else 0
                ck = (g, h, nreg, nd)
                if ck not in cache:
                    if g not in tpls:
                        tpls[g] = template(g)
                    tpl = tpls[g]
                    world = with_params(with_counts(tpl, nreg - nd, nd), tpl, a, ew if g == "drone" else 0.0)
                    d_, l_, _ = run_fractions(world, max(1, math.ceil(THREATS_PER_SIM / nreg)),
                                              _seed(seed, r, i))
                    cache[ck] = d_ + l_
                p = cache[ck]
            p = min(max(p, 1e-4), 1 - 1e-4)
            c = (1.0 - rho[g]) / rho[g]
            q = rng.beta(p * c, (1.0 - p) * c)
            out[(str(w_cls[i]), str(wm[i]))][r] += rng.binomial(n_nat, q)
        if progress:
            progress(r + 1, total)
    if stats is not None:
        stats.update(counts)
    return out


def rows_from_draws(pred: dict[tuple[str, str], np.ndarray], win: pd.DataFrame) -> pd.DataFrame:
    """Validation rows (``schild.data.validation.ROW_COLUMNS`` plus ``predicted_rate``) per class-month."""
    obs = win.assign(cls=[SIM_GROUPS[g][0] for g in win["group"]]).groupby(["cls", "month"])[
        ["launched", "defeated"]].sum()
    rows = []
    for (cls, month), x in sorted(pred.items()):
        n, k = obs.loc[(cls, month)]
        rows.append({
            "class": cls, "month": month, "observed_launched": float(n), "observed_defeated": float(k),
            "predicted_defeated_mean": float(np.mean(x)),
            "predicted_defeated_p05": float(np.quantile(x, 0.05, method="lower")),
            "predicted_defeated_p95": float(np.quantile(x, 0.95, method="higher")),
            "predicted_rate": float(np.mean(x) / n) if n > 0 else float("nan"),
        })
    cols = ["class", "month", "observed_launched", "observed_defeated", "predicted_defeated_mean",
            "predicted_defeated_p05", "predicted_defeated_p95", "predicted_rate"]
    return pd.DataFrame(rows, columns=cols)
