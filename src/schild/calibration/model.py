"""Parameters, priors, likelihood and fit of the Ukraine scenario family.

Per simulated group ``g`` (see :data:`schild.calibration.family.SIM_GROUPS`):

- ``a_g(m)``: the effective kill level in month ``m``, a shift on the logit scale of every fire unit's
  single-shot kill probability against the group's class (the catalogue's values are ``a = 0``). It is
  a drifting level plus a month effect, ``a_g(m) = L_g(m) + sigma_g e_m``, ``e_m ~ N(0, 1)``. The level
  is a Gaussian random walk on knots every :data:`KNOT_MONTHS` months counted back from the last fitted
  month (increments ``tau_g sqrt(KNOT_MONTHS) z``, linear between knots; first knot ~ N(0, 2^2)).
  ``tau_g`` (persistent drift per month) and ``sigma_g`` (transient month-to-month scatter) have
  logit-normal priors on [0.005, 1] centred on 0.1 and on [0.005, 1.5] centred on 0.2. The month
  effects are integrated out by Gauss-Hermite quadrature (each touches only its own month's windows).
  With ``reverting`` (an option, checked and not adopted by default:
  :data:`schild.calibration.pipeline.REVERTING_GROUPS`) the level is instead a monthly AR(1)
  ``L(m+1) = mu + phi (L(m) - mu) + tau e`` seen at the knots (first knot free as above,
  ``mu ~ N(0, 2^2)``, ``phi`` logit-normal on [0, 1] centred on 0.85); ``phi -> 1`` is the random walk.
  ``knot_months`` sets the knot spacing per group (default :data:`KNOT_MONTHS`).
  ``increments_df`` (an option) makes the knot increments Student-t instead of Gaussian: a level that
  can jump where the reports jump while ``tau`` stays small elsewhere; the forecast then draws monthly
  steps ``tau t_df``.
- ``rho_g``: over-dispersion between attack windows (beta-binomial intra-class correlation) in
  [0.001, 0.5], logit-normal prior centred on 0.03.

Drones add:

- ``ew``: probability that electronic warfare defeats a drone or decoy entering the oblast's EW zone,
  in [0, 0.6], logit-normal prior centred on 0.15;
- ``share``: share of a night's national raid that the representative oblast receives, in
  [0.03, 1], logit-normal prior centred on 0.2 (it sets the raid size the defence faces, hence
  saturation);
- ``delta(m)``: decoy share of the reported drone count, 0 before :data:`DECOYS_COUNTED_FROM`, then in
  [0, 0.75] with a logit-normal prior centred on 0.3 for the first month and a random walk of
  ``TAU_DELTA`` per month on the logit scale. A window whose report states how many of its drones were
  Shahed-type (``is_shahed``) is simulated at that decoy share instead (:func:`observed_decoy_share`).

Likelihood, per attack window with ``n`` rated launches: beta-binomial of ``defeated`` with mean the
simulated defeated share at the window's region raid size ``max(1, share * n)``; for drone windows
from :data:`LOST_SPLIT_FROM` that report 'locally lost', a Dirichlet-multinomial of (destroyed, lost,
neither) with the simulated shares. Shares come from the simulator tables
(:mod:`schild.calibration.tables`).

Fit: MAP by L-BFGS-B (polished by Powell), Laplace (numerical Hessian), then a random-walk Metropolis
chain started at the MAP with the Laplace covariance as proposal; the chain's draws are the posterior.
Forecast of a month ``h`` months after the last fitted one: ``L_g(T) + tau_g sqrt(h) z + sigma_g e``,
i.e. the level held where it was last fitted, with uncertainty that widens with the horizon; a reverting
level continues its AR(1): mean ``mu + phi^h (L_g(T) - mu)``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import betaln, expit, gammaln, logit

from .data import DECOYS_COUNTED_FROM, LOST_SPLIT_FROM, month_range
from .tables import GroupTable, pchip_rows

__all__ = ["TAU_DELTA", "PRIORS", "KNOT_MONTHS", "GH_POINTS", "GroupModel", "GroupFit", "fit_group",
           "metropolis", "bounded", "betabinom_logpmf", "training_months", "size_ref"]

TAU_DELTA = 0.5
#: Size covariate (optional, per group): the kill level of a window of n national launches is shifted by
#: ``beta (log n - size_ref(group))`` on the logit scale; prior beta ~ N(0, BETA_SD^2). The reference is
#: a typical window of the group (drones: a 30-drone night; missiles: a 2-missile salvo), so that the
#: level and ``beta`` are not strongly correlated in the posterior.
SIZE_REF = math.log(30.0)
MISSILE_SIZE_REF = math.log(2.0)
BETA_SD = 0.5
P_FLOOR = 1e-4


def size_ref(group: str) -> float:
    """Log of the window size at which the size covariate is zero for ``group``."""
    return SIZE_REF if group == "drone" else MISSILE_SIZE_REF


#: name -> (lower, upper, prior centre, prior sd of the logit of the position in [lower, upper]).
PRIORS: dict[str, tuple[float, float, float, float]] = {
    "tau": (0.005, 1.0, 0.1, 1.0),
    "sigma": (0.005, 1.5, 0.2, 1.0),
    "rho": (0.001, 0.5, 0.03, 1.5),
    "ew": (0.0, 0.6, 0.15, 1.0),
    "share": (0.03, 1.0, 0.2, 1.0),
    "delta": (0.0, 0.75, 0.3, 1.0),
    "phi": (0.0, 1.0, 0.85, 1.5),
}
LEVEL_PRIOR = (0.0, 2.0)  # normal mean, sd of a_g at the first month
MU_PRIOR = (0.0, 2.0)  # normal mean, sd of the long-run level of a reverting level path


def bounded(name: str, u: np.ndarray | float) -> np.ndarray | float:
    lo, hi, _, _ = PRIORS[name]
    return lo + (hi - lo) * expit(u)


def _u_centre(name: str) -> float:
    lo, hi, c, _ = PRIORS[name]
    return float(logit((c - lo) / (hi - lo)))


def _norm_lp(x, mu, sd):
    return -0.5 * ((x - mu) / sd) ** 2 - math.log(sd) - 0.5 * math.log(2 * math.pi)


def _t_lp(x, df: float):
    """Log density of the standard Student-t with ``df`` degrees of freedom."""
    return (gammaln(0.5 * (df + 1)) - gammaln(0.5 * df) - 0.5 * math.log(df * math.pi)
            - 0.5 * (df + 1) * np.log1p(np.asarray(x) ** 2 / df))


def betabinom_logpmf(k: np.ndarray, n: np.ndarray, p: np.ndarray, rho: float) -> np.ndarray:
    c = (1.0 - rho) / rho
    al, be = p * c, (1.0 - p) * c
    return (gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
            + betaln(k + al, n - k + be) - betaln(al, be))


def dirmult_logpmf(ks: list[np.ndarray], n: np.ndarray, ps: list[np.ndarray], rho: float) -> np.ndarray:
    c = (1.0 - rho) / rho
    out = gammaln(n + 1) + gammaln(c) - gammaln(n + c)
    for k, p in zip(ks, ps):
        out = out + gammaln(k + c * p) - gammaln(c * p) - gammaln(k + 1)
    return out


def observed_decoy_share(win: pd.DataFrame) -> np.ndarray:
    """Per window, the decoy share its report states: 1 - Shahed-type / launched, at most 0.75 (NaN where
    not given).

    Only drone windows carry a ``shahed`` count (:func:`schild.calibration.data.windows`).
    """
    n = win["launched"].to_numpy(float)
    s = win["shahed"].to_numpy(float) if "shahed" in win.columns else np.full(len(win), np.nan)
    ok = np.isfinite(s) & (n > 0) & (win["group"].to_numpy() == "drone")
    out = np.full(len(win), np.nan)
    # clipped to the decoy share's range in the model (PRIORS["delta"]): a statement beyond it is either
    # a decoy share the family was not built for or a misread column, and must not swamp the forecast
    out[ok] = np.clip(1.0 - s[ok] / n[ok], 0.0, PRIORS["delta"][1])
    return out


KNOT_MONTHS = 3
GH_POINTS = 7
MCMC_REF_DIM = 20  # chain dimension that the requested number of Metropolis steps is meant for
#: The drone chain's steps are multiplied by this. Its level path is pinned month by month by thousands of
#: launches while the drift tau scales every increment, a curved ridge that random-walk Metropolis crosses
#: slowly: with the same simulator table, three chains of the default length put the posterior mean of
#: the fitted 2025-06 drone rate at 85.2, 88.0 and 81.4 %; three times longer, at 84.6, 83.8 and 83.7 %.
DRONE_CHAIN_FACTOR = 3
_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(GH_POINTS)
_GH_LOGW = np.log(_GH_W / _GH_W.sum())


@dataclass
class GroupModel:
    """Windows of one group in the training months and the simulator table.

    Parameter vector: ``L_0, z_1..z_{J-1}`` (level knots), ``u_tau, u_sigma, u_rho`` and, for drones,
    ``u_ew, u_share, v_0..v_{K-1}`` (logit decoy-share path over the K fitted months from
    :data:`DECOYS_COUNTED_FROM`). ``tau_fixed`` pins the drift (0: a static level).
    """

    group: str
    win: pd.DataFrame
    months: list[str]
    table: GroupTable
    share_fixed: float | None = None  # missiles: the drone fit's share
    tau_fixed: float | None = None
    size_effect: bool = False  # window-size covariate on the kill level (size_ref(group), beta)
    reverting: bool = False  # level path reverts to a fitted long-run level mu with persistence phi
    knot_months: int = KNOT_MONTHS  # months between the level path's knots
    #: None: Gaussian knot increments; a number: Student-t increments with these degrees of freedom (a
    #: level that can jump where the reports jump while tau stays small elsewhere)
    increments_df: float | None = None

    def __post_init__(self) -> None:
        self.drone = self.group == "drone"
        self.M = M = len(self.months)
        idx = {m: i for i, m in enumerate(self.months)}
        w = self.win
        self.m_idx = np.array([idx[m] for m in w["month"]], dtype=np.int64)
        self.n = w["launched"].to_numpy(float)
        self.k = w["defeated"].to_numpy(float)
        self.kd = w["destroyed"].to_numpy(float)
        self.size_effect = bool(self.size_effect)
        self.size_ref = size_ref(self.group)
        self.x_size = np.log(np.maximum(self.n, 1.0)) - self.size_ref
        self.kl = np.minimum(w["lost"].to_numpy(float), self.n - self.kd)
        self.kr = self.n - self.kd - self.kl
        # knots at M-1, M-1-3, ... down to <= 0; level of month m by linear interpolation
        last = M - 1
        kn = [last]
        while kn[-1] > 0:
            kn.append(kn[-1] - self.knot_months)
        self.knots = np.array(kn[::-1], float)
        self.J = len(self.knots)
        self.d_first = next((i for i, m in enumerate(self.months) if m >= DECOYS_COUNTED_FROM), M)
        self.K = (M - self.d_first) if self.drone else 0
        # decoy share a report states (is_shahed: "of them about N Shaheds"); NaN where the fitted
        # delta(m) stands in for it
        self.delta_obs = observed_decoy_share(w) if self.drone else np.full(len(w), np.nan)
        if self.drone:
            # an explicit 0 'locally lost' is read as "not split out" (folded into destroyed, as the
            # dataset does from mid-2025): none of the 296 Shahed rows of 2024-09..2025-06 reports 0
            self.three = ((w["month"].to_numpy() >= LOST_SPLIT_FROM) & w["lost_reported"].to_numpy(bool)
                          & (w["lost"].to_numpy(float) > 0))
        else:
            self.three = np.zeros(len(w), bool)
        self.a_bounds = (float(self.table.a_nodes[0]), float(self.table.a_nodes[-1]))
        J = self.J
        self.i_tau, self.i_sigma, self.i_rho = J, J + 1, J + 2
        names = ["L0"] + [f"z{i}" for i in range(1, J)] + ["u_tau", "u_sigma", "u_rho"]
        if self.drone:
            self.i_ew, self.i_share = J + 3, J + 4
            self.i_v = slice(J + 5, J + 5 + self.K)
            names += ["u_ew", "u_share"] + [f"v{i}" for i in range(self.K)]
        if self.size_effect:
            self.i_beta = len(names)
            names.append("beta")
        if self.reverting:
            self.i_mu, self.i_phi = len(names), len(names) + 1
            names += ["mu", "u_phi"]
        self.names = names
        self.dim = len(names)
        self._months_with_data = np.unique(self.m_idx)
        # for the missile groups the region sizes (hence the table rows) do not depend on parameters
        self._rows_cache = None if self.drone else self.table.rows(
            np.maximum(1.0, (self.share_fixed if self.share_fixed is not None else PRIORS["share"][2]) * self.n))

    # -- parameter vector ---------------------------------------------------------------------------
    def tau(self, th: np.ndarray) -> float:
        return float(self.tau_fixed) if self.tau_fixed is not None else float(bounded("tau", th[self.i_tau]))

    def knot_values(self, th: np.ndarray) -> np.ndarray:
        """Level at the knots: a random walk (increments ``tau sqrt(knot_months) z``) or, reverting, the
        monthly AR(1) ``L(m+1) = mu + phi (L(m) - mu) + tau e`` seen every ``knot_months`` months."""
        tau = self.tau(th)
        z = th[1:self.J]
        if not self.reverting:
            return th[0] + tau * math.sqrt(self.knot_months) * np.concatenate([[0.0], np.cumsum(z)])
        mu, phi = float(th[self.i_mu]), float(bounded("phi", th[self.i_phi]))
        r = phi ** self.knot_months
        s = tau * math.sqrt(sum(phi ** (2 * i) for i in range(self.knot_months)))
        kv = np.empty(self.J)
        kv[0] = th[0]
        for j in range(1, self.J):
            kv[j] = mu + r * (kv[j - 1] - mu) + s * z[j - 1]
        return kv

    def unpack(self, th: np.ndarray) -> dict[str, Any]:
        tau = self.tau(th)
        kv = self.knot_values(th)
        level = np.interp(np.arange(self.M, dtype=float), self.knots, kv)
        out = {"level": level, "tau": tau, "sigma": float(bounded("sigma", th[self.i_sigma])),
               "rho": float(bounded("rho", th[self.i_rho])),
               "beta": float(th[self.i_beta]) if self.size_effect else 0.0}
        if self.reverting:
            out["mu"] = float(th[self.i_mu])
            out["phi"] = float(bounded("phi", th[self.i_phi]))
        if self.drone:
            out["ew"] = float(bounded("ew", th[self.i_ew]))
            out["share"] = float(bounded("share", th[self.i_share]))
            v = th[self.i_v]
            delta = np.zeros(self.M)
            out["v_last"] = None
            if self.K:
                vpath = v[0] + TAU_DELTA * np.concatenate([[0.0], np.cumsum(v[1:])])
                delta[self.d_first:] = bounded("delta", vpath)
                out["v_last"] = float(vpath[-1])
            out["delta"] = delta
        else:
            out["ew"] = 0.0
            out["share"] = float(self.share_fixed if self.share_fixed is not None else PRIORS["share"][2])
            out["delta"] = np.zeros(self.M)
        return out

    def initial(self) -> np.ndarray:
        th = np.zeros(self.dim)
        th[self.i_tau] = _u_centre("tau")
        th[self.i_sigma] = _u_centre("sigma")
        th[self.i_rho] = _u_centre("rho")
        if self.drone:
            th[self.i_ew] = _u_centre("ew")
            th[self.i_share] = _u_centre("share")
            if self.K:
                th[self.i_v.start] = _u_centre("delta")
        if self.reverting:
            th[self.i_phi] = _u_centre("phi")
        grid = np.linspace(self.a_bounds[0] + 0.5, self.a_bounds[1] - 0.5, 15)

        def at(a0: float) -> np.ndarray:
            t = th.copy()
            t[0] = a0
            if self.reverting:
                t[self.i_mu] = a0  # start at a flat path
            return t
        best = max(grid, key=lambda a0: self.logpost(at(a0)))
        return at(best)

    # -- densities ------------------------------------------------------------------------------------
    def _rows(self, P: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        if self._rows_cache is not None:
            return self._rows_cache
        nreg = np.maximum(1.0, P["share"] * self.n)
        dl = P["delta"][self.m_idx]
        dl = np.where(np.isnan(self.delta_obs), dl, self.delta_obs)
        return self.table.rows(nreg, P["ew"], dl)

    def shares(self, P: dict[str, Any], a_w: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Simulated destroyed and lost shares per window at levels ``a_w`` (default: the level path)."""
        Vd, Vl = self._rows(P)
        a_w = self.offset_level(P) if a_w is None else a_w
        return pchip_rows(Vd, self.table.a_nodes, a_w), pchip_rows(Vl, self.table.a_nodes, a_w)

    def offset_level(self, P: dict[str, Any]) -> np.ndarray:
        """Kill level of each window before the month effect: the month's level plus the size term."""
        return P["level"][self.m_idx] + P["beta"] * self.x_size

    def window_loglik(self, P: dict[str, Any], a_w: np.ndarray) -> np.ndarray:
        """Log-likelihood of each window at kill levels ``a_w`` (windows x q)."""
        Vd, Vl = self._rows(P)
        pd_ = pchip_rows(Vd, self.table.a_nodes, a_w)
        pl_ = pchip_rows(Vl, self.table.a_nodes, a_w)
        rho = P["rho"]
        out = np.empty_like(pd_)
        two = ~self.three
        p = np.clip(pd_[two] + pl_[two], P_FLOOR, 1 - P_FLOOR)
        out[two] = betabinom_logpmf(self.k[two, None], self.n[two, None], p, rho)
        if self.three.any():
            t = self.three
            a_ = np.clip(pd_[t], P_FLOOR, 1.0)
            b_ = np.clip(pl_[t], P_FLOOR, 1.0)
            c_ = np.clip(1.0 - pd_[t] - pl_[t], P_FLOOR, 1.0)
            s = a_ + b_ + c_
            out[t] = dirmult_logpmf([self.kd[t, None], self.kl[t, None], self.kr[t, None]], self.n[t, None],
                                    [a_ / s, b_ / s, c_ / s], rho)
        return out

    def loglik(self, th: np.ndarray, P: dict[str, Any] | None = None) -> float:
        """Log-likelihood with each month's effect integrated out (Gauss-Hermite)."""
        P = P or self.unpack(th)
        a_w = self.offset_level(P)[:, None] + P["sigma"] * _GH_X[None, :]
        ll = self.window_loglik(P, a_w)
        per_month = np.zeros((self.M, GH_POINTS))
        np.add.at(per_month, self.m_idx, ll)
        pm = per_month[self._months_with_data] + _GH_LOGW[None, :]
        mx = pm.max(axis=1, keepdims=True)
        return float(np.sum(mx[:, 0] + np.log(np.exp(pm - mx).sum(axis=1))))

    def fitted_windows(self, th: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Simulated defeated share of every training window at ``th``: (level path only, and with the
        month effects at their posterior mean given the month's windows). Why: to show how well the
        fitted simulator reproduces the training months, smooth and month by month."""
        P = self.unpack(th)
        a0 = self.offset_level(P)
        d0, l0 = self.shares(P, a0)
        a_w = a0[:, None] + P["sigma"] * _GH_X[None, :]
        ll = self.window_loglik(P, a_w)
        per_month = np.zeros((self.M, GH_POINTS))
        np.add.at(per_month, self.m_idx, ll)
        lw = per_month + _GH_LOGW[None, :]
        lw -= lw.max(axis=1, keepdims=True)
        post = np.exp(lw)
        post /= post.sum(axis=1, keepdims=True)  # each month's effect given its windows, on the GH nodes
        dq, lq = self.shares(P, a_w)
        pq = np.clip(dq + lq, 0.0, 1.0)
        return np.clip(d0 + l0, 0.0, 1.0), np.sum(post[self.m_idx] * pq, axis=1)

    def logprior(self, th: np.ndarray) -> float:
        z = th[1:self.J]
        lp = _norm_lp(th[0], *LEVEL_PRIOR) + float(np.sum(
            _norm_lp(z, 0.0, 1.0) if self.increments_df is None else _t_lp(z, self.increments_df)))
        names = ["tau", "sigma", "rho"] + (["ew", "share"] if self.drone else [])
        idx = [self.i_tau, self.i_sigma, self.i_rho] + ([self.i_ew, self.i_share] if self.drone else [])
        for nm, i in zip(names, idx):
            if nm == "tau" and self.tau_fixed is not None:
                lp += _norm_lp(th[i], 0.0, 1.0)  # unused coordinate: keep it proper
                continue
            lp += _norm_lp(th[i], _u_centre(nm), PRIORS[nm][3])
        if self.drone and self.K:
            v = th[self.i_v]
            lp += _norm_lp(v[0], _u_centre("delta"), PRIORS["delta"][3])
            lp += float(np.sum(_norm_lp(v[1:], 0.0, 1.0)))
        if self.size_effect:
            lp += _norm_lp(th[self.i_beta], 0.0, BETA_SD)
        if self.reverting:
            lp += _norm_lp(th[self.i_mu], *MU_PRIOR)
            lp += _norm_lp(th[self.i_phi], _u_centre("phi"), PRIORS["phi"][3])
        # soft walls at the ends of the simulated grid of kill levels
        kv = self.knot_values(th)
        lo, hi = self.a_bounds
        lp -= 0.5 * float(np.sum((np.maximum(kv - hi, 0) / 0.1) ** 2 + (np.maximum(lo - kv, 0) / 0.1) ** 2))
        return lp

    def logpost(self, th: np.ndarray) -> float:
        v = self.logprior(th) + self.loglik(th)
        return v if np.isfinite(v) else -1e300


def _hessian(f, x: np.ndarray, h: float = 1e-2) -> np.ndarray:
    """Central-difference Hessian of f at x."""
    d = len(x)
    H = np.zeros((d, d))
    f0 = f(x)
    E = np.eye(d) * h
    fp = np.array([f(x + E[i]) for i in range(d)])
    fm = np.array([f(x - E[i]) for i in range(d)])
    for i in range(d):
        H[i, i] = (fp[i] - 2 * f0 + fm[i]) / h**2
        for j in range(i + 1, d):
            v = (f(x + E[i] + E[j]) - fp[i] - fp[j] + 2 * f0 - fm[i] - fm[j] + f(x - E[i] - E[j])) / (2 * h**2)
            H[i, j] = H[j, i] = v
    return H


def _pd(H: np.ndarray, floor: float = 1e-3) -> np.ndarray:
    H = 0.5 * (H + H.T)
    w, V = np.linalg.eigh(H)
    return (V * np.maximum(w, floor)) @ V.T


@dataclass
class GroupFit:
    group: str
    model: GroupModel
    theta: np.ndarray
    logpost: float
    evidence: float
    cov: np.ndarray
    draws: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))
    acceptance: float = float("nan")
    seconds: float = 0.0

    def summary_draws(self) -> dict[str, np.ndarray]:
        """Per draw: the level at the last training month, tau, sigma, rho, beta (with the size
        covariate), and for drones ew, share and v_last (logit of the decoy share's position in its range
        at the last month)."""
        rows = [self.model.unpack(t) for t in self.draws]
        out = {"level_last": np.array([r["level"][-1] for r in rows]),
               "tau": np.array([r["tau"] for r in rows]), "sigma": np.array([r["sigma"] for r in rows]),
               "rho": np.array([r["rho"] for r in rows])}
        if self.model.drone:
            out["ew"] = np.array([r["ew"] for r in rows])
            out["share"] = np.array([r["share"] for r in rows])
            if self.model.K:
                out["v_last"] = np.array([r["v_last"] for r in rows])
        if self.model.size_effect:
            out["beta"] = np.array([r["beta"] for r in rows])
        if self.model.reverting:
            out["mu"] = np.array([r["mu"] for r in rows])
            out["phi"] = np.array([r["phi"] for r in rows])
        return out


def _map(model: GroupModel, x0: np.ndarray) -> tuple[np.ndarray, float]:
    neg = lambda th: -model.logpost(th)  # noqa: E731
    res = optimize.minimize(neg, x0, method="L-BFGS-B", options={"maxiter": 2000, "maxfun": 200000})
    x = res.x
    # polish from the optimum (numerical gradients can stop early on the flat parts of the table)
    res2 = optimize.minimize(neg, x, method="Powell", options={"maxiter": 3000, "xtol": 1e-3, "ftol": 1e-6})
    if res2.fun < res.fun:
        x = res2.x
        res = optimize.minimize(neg, x, method="L-BFGS-B", options={"maxiter": 500})
        if res.fun <= res2.fun:
            x = res.x
    return x, model.logpost(x)


def fit_group(group: str, win: pd.DataFrame, months: list[str], table: GroupTable, *,
              share_fixed: float | None = None, tau_fixed: float | None = None, size_effect: bool = False,
              reverting: bool = False, knot_months: int = KNOT_MONTHS, increments_df: float | None = None,
              n_iter: int = 8000, n_draws: int = 200, seed: int = 0) -> GroupFit:
    """Fit one group: MAP, Laplace, then a random-walk Metropolis chain from the MAP."""
    t0 = time.perf_counter()
    m = GroupModel(group, win, months, table, share_fixed, tau_fixed, size_effect, reverting, knot_months,
                   increments_df)
    x, lp = _map(m, m.initial())
    H = _pd(-_hessian(m.logpost, x))
    _, logdet = np.linalg.slogdet(H)
    ev = lp + 0.5 * m.dim * math.log(2 * math.pi) - 0.5 * logdet
    cov = np.linalg.inv(H)
    # Random-walk Metropolis needs about d times more steps in d dimensions: chains longer than
    # MCMC_REF_DIM coordinates (the drone group with many decoy months) get proportionally more steps.
    n_iter = int(n_iter * max(1.0, m.dim / MCMC_REF_DIM) * (DRONE_CHAIN_FACTOR if m.drone else 1))
    draws, acc = metropolis(m.logpost, x, cov, n_iter=n_iter, n_draws=n_draws, seed=seed)
    return GroupFit(group=group, model=m, theta=x, logpost=lp, evidence=ev, cov=cov, draws=draws,
                    acceptance=acc, seconds=time.perf_counter() - t0)


def metropolis(logpost, x0: np.ndarray, cov: np.ndarray, *, n_iter: int, n_draws: int,
               seed: int) -> tuple[np.ndarray, float]:
    """Random-walk Metropolis from ``x0`` with proposal N(0, 2.38^2/d cov); the second half, thinned."""
    rng = np.random.default_rng(seed)
    d = len(x0)
    L = np.linalg.cholesky(cov * (2.38**2 / d))
    x, lp = x0.copy(), logpost(x0)
    keep = []
    acc = 0
    burn = n_iter // 2
    for it in range(n_iter):
        y = x + L @ rng.standard_normal(d)
        ly = logpost(y)
        if np.log(rng.random()) < ly - lp:
            x, lp = y, ly
            acc += 1
        if it >= burn:
            keep.append(x.copy())
    keep_a = np.array(keep)
    idx = np.linspace(0, len(keep_a) - 1, min(n_draws, len(keep_a))).astype(int)
    return keep_a[idx], acc / n_iter


def training_months(win: pd.DataFrame, last_month: str) -> list[str]:
    first = str(win["month"].min())
    return month_range(first, last_month)
