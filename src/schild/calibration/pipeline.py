"""Calibrate the scenario family on a training period and write/read the parameters file."""

from __future__ import annotations

import hashlib
import math
import json
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from .. import __version__
from ..errors import InputError
from .data import DECOYS_COUNTED_FROM, LOST_SPLIT_FROM, windows
from .effective import effective_pk
from .family import SIM_GROUPS
from .model import (BETA_SD, DRONE_CHAIN_FACTOR, GH_POINTS, KNOT_MONTHS, LEVEL_PRIOR, MU_PRIOR, PRIORS,
                    TAU_DELTA, GroupFit, _u_centre, bounded, fit_group, size_ref, training_months)
from .predict import THREATS_PER_SIM
from .tables import GroupTable, build_table
from .validate import naive_block

__all__ = ["FORMAT", "calibrate", "read_params", "build_tables", "fit_all"]

FORMAT = "schild-calibration/1"
GROUP_ORDER = tuple(SIM_GROUPS)
#: Metropolis iterations per group (half burn-in) and posterior draws kept.
MCMC_ITER = 8000
MCMC_DRAWS = 200
#: Groups whose kill level carries the window-size covariate (model.size_ref, beta); each was chosen on
#: rolling-origin checks (docs/calibration.md): drones (bigger nights are not defeated better) and the
#: Iskander-M/KN-23 group (big salvos, aimed at the defended capital, are intercepted far more often
#: than single missiles at frontline cities).
SIZE_EFFECT_GROUPS: tuple[str, ...] = ("drone", "ballistic")
#: Groups whose level path reverts to a fitted long-run level (model.GroupModel.reverting: a monthly AR(1)
#: towards mu) instead of a pure random walk. None: checked on rolling origins for every group and for the
#: cruise groups alone, and the cruise gain did not survive a second seed (docs/calibration.md).
REVERTING_GROUPS: tuple[str, ...] = ()


#: The drone table gets this many times the replications per node. Its Monte Carlo noise (~1 pp near a
#: 90 % share at 40 runs) moves the fitted level and, through it, the forecast: two calibration seeds
#: through 2025-06 forecast June-as-July 83.5 and 82.0 % at 40 runs, 82.2 and 82.4 % at 160.
DRONE_TABLE_FACTOR = 4


def build_tables(win: pd.DataFrame, *, runs: int, seed: int,
                 progress: Callable[[str, int, int], None] | None = None) -> dict[str, GroupTable]:
    """Simulator tables for every group with training windows (sizes up to the largest window)."""
    out = {}
    for g in GROUP_ORDER:
        w = win[win["group"] == g]
        if w.empty:
            continue
        cb = (lambda d, t, g=g: progress(g, d, t)) if progress else None
        out[g] = build_table(g, runs=runs * (DRONE_TABLE_FACTOR if g == "drone" else 1), seed=seed,
                             n_max=float(w["launched"].max()), progress=cb)
    return out


def fit_all(win: pd.DataFrame, last_month: str, tables: dict[str, GroupTable], *, seed: int = 0,
            tau_fixed: float | None = None, size_effect: bool | tuple[str, ...] = False,
            reverting: bool | tuple[str, ...] = False, knot_months: dict[str, int] | None = None,
            increments_df: dict[str, float] | None = None, n_iter: int = 8000, n_draws: int = 200,
            groups: tuple[str, ...] | None = None,
            progress: Callable[[str], None] | None = None) -> dict[str, GroupFit]:
    """Fit the drone group first (it carries the raid share), then every missile group (or ``groups``).

    ``size_effect`` and ``reverting``: True or False for every group, or the names of the groups with
    the window-size covariate / a reverting level.
    ``knot_months``: months between level knots per group (default :data:`model.KNOT_MONTHS`).
    ``increments_df``: per group, Student-t degrees of freedom of the level walk's increments (default
    Gaussian)."""
    fits: dict[str, GroupFit] = {}
    share = None
    for i, g in enumerate(GROUP_ORDER):
        w = win[win["group"] == g].reset_index(drop=True)
        if w.empty or g not in tables or (groups is not None and g not in groups):
            continue
        if progress:
            progress(g)
        months = training_months(w, last_month)
        f = fit_group(g, w, months, tables[g], share_fixed=share, tau_fixed=tau_fixed,
                      size_effect=_for_group(size_effect, g), reverting=_for_group(reverting, g),
                      knot_months=(knot_months or {}).get(g, KNOT_MONTHS),
                      increments_df=(increments_df or {}).get(g), n_iter=n_iter,
                      n_draws=n_draws, seed=seed + 101 * (i + 1))
        fits[g] = f
        if g == "drone":
            share = f.model.unpack(f.theta)["share"]
    return fits


def _for_group(option: bool | tuple[str, ...], group: str) -> bool:
    """A per-group switch given as True/False for every group or as the names of the groups it is on for."""
    return option if isinstance(option, bool) else group in option


def _prior_share_draws(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    u = _u_centre("share") + PRIORS["share"][3] * rng.standard_normal(n)
    return np.asarray(bounded("share", u))


def posterior_block(fits: dict[str, GroupFit], last_month: str, n_draws: int, seed: int) -> dict[str, Any]:
    """What prediction needs: per-draw parameters at the last fitted month."""
    groups = {}
    share = None
    for g, f in fits.items():
        d = f.summary_draws()
        gd = {k: [float(x) for x in v] for k, v in d.items() if k not in ("share",)}
        if f.model.drone:
            share = d["share"]
            gd.setdefault("v_last", None)
        if f.model.size_effect:
            gd["size_ref"] = f.model.size_ref
        if f.model.increments_df is not None:
            gd["increments_df"] = float(f.model.increments_df)
        groups[g] = gd
    share_fit = None
    if "drone" in fits:
        # missile groups are fitted with the raid share held at the drone fit's MAP: predict them there too
        share_fit = float(fits["drone"].model.unpack(fits["drone"].theta)["share"])
    elif fits:
        # no drone fit: the missile groups were fitted at the share's prior centre; predict them there
        share_fit = float(PRIORS["share"][2])
    if share is None:
        share = _prior_share_draws(n_draws, seed)
    # align lengths (all groups hold the same number of draws unless a chain was short)
    n = min([len(share)] + [len(v["tau"]) for v in groups.values()])
    for gd in groups.values():
        for k, v in gd.items():
            if isinstance(v, list):
                gd[k] = v[:n]
    return {"last_month": last_month, "share": [float(x) for x in share[:n]], "share_fit": share_fit,
            "groups": groups}


def _summ(x: np.ndarray) -> dict[str, float]:
    x = np.asarray(x, float)
    return {"mean": float(x.mean()), "sd": float(x.std()), "p05": float(np.quantile(x, 0.05)),
            "p95": float(np.quantile(x, 0.95))}


def group_report(f: GroupFit) -> dict[str, Any]:
    m = f.model
    P = m.unpack(f.theta)
    d = f.summary_draws()
    rep: dict[str, Any] = {
        "class": SIM_GROUPS[f.group][0], "threat_type": SIM_GROUPS[f.group][1],
        "windows": int(len(m.win)), "launched": float(m.n.sum()), "months": [m.months[0], m.months[-1]],
        "parameters": int(m.dim), "acceptance": round(float(f.acceptance), 3),
        "log_posterior_map": float(f.logpost), "log_evidence_laplace": float(f.evidence),
        "seconds": round(f.seconds, 1),
        "map": {"level_last": float(P["level"][-1]), "tau": P["tau"], "sigma": P["sigma"], "rho": P["rho"],
                **({"mu": P["mu"], "phi": P["phi"]} if m.reverting else {}),
                **({"beta": P["beta"], "size_ref_launches": round(math.exp(m.size_ref), 6)}
                   if m.size_effect else {})},
        "posterior": {k: _summ(v) for k, v in d.items() if v is not None},
        "level_path_map": {mo: round(float(a), 4) for mo, a in zip(m.months, P["level"])},
    }
    if m.drone:
        rep["map"].update({"ew": P["ew"], "share": P["share"],
                           "delta_last": float(P["delta"][-1]) if m.K else 0.0})
        rep["delta_path_map"] = {mo: round(float(x), 4) for mo, x in zip(m.months, P["delta"]) if x > 0}
        # the simulated defeated share at the median window size of the last fitted month, for reading
    return rep


def fit_check(fits: dict[str, GroupFit]) -> dict[str, Any]:
    """In-sample reproduction of the training months per class (at the MAP): observed defeated against
    the simulated expectation with the level path alone and with each month's effect at its posterior
    mean; MAE in percentage points of the monthly defeat rate."""
    parts = []
    for f in fits.values():
        m = f.model
        level_only, with_month = m.fitted_windows(f.theta)
        parts.append(pd.DataFrame({"class": SIM_GROUPS[f.group][0], "month": m.win["month"].to_numpy(),
                                   "n": m.n, "k": m.k, "level": level_only * m.n, "month_fx": with_month * m.n}))
    if not parts:
        return {"rows": [], "summary": {}}
    g = pd.concat(parts).groupby(["class", "month"], sort=True)[["n", "k", "level", "month_fx"]].sum().reset_index()
    order = {c: i for i, c in enumerate(dict.fromkeys(SIM_GROUPS[f.group][0] for f in fits.values()))}
    g = g.sort_values(["class", "month"], key=lambda c: c.map(order) if c.name == "class" else c)
    rows = [{"class": r["class"], "month": r["month"], "observed_launched": float(r["n"]),
             "observed_defeated": float(r["k"]), "fitted_defeated_level": round(float(r["level"]), 2),
             "fitted_defeated": round(float(r["month_fx"]), 2)} for _, r in g.iterrows()]
    summary = {}
    for cls, x in g.groupby("class", sort=False):
        summary[cls] = {"n_months": int(len(x)),
                        "mae_pp_level": float(100 * np.mean(np.abs(x["level"] - x["k"]) / x["n"])),
                        "mae_pp": float(100 * np.mean(np.abs(x["month_fx"] - x["k"]) / x["n"]))}
    return {"description": "training months reproduced by the fitted simulator at the MAP: level path "
                           "alone (fitted_defeated_level) and with month effects (fitted_defeated)",
            "rows": rows, "summary": summary}


def calibrate(df: pd.DataFrame, *, until: pd.Timestamp, since: pd.Timestamp | None = None, runs: int = 40,
              seed: int = 0, n_iter: int | None = None, n_draws: int | None = None,
              data_file: str | Path | None = None,
              progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Fit on windows from ``since`` to ``until`` (inclusive); returns the parameters document.

    ``runs``: replications per simulated raid at the design-grid nodes (more for small raids).
    """
    t0 = time.perf_counter()
    n_iter = MCMC_ITER if n_iter is None else n_iter
    n_draws = MCMC_DRAWS if n_draws is None else n_draws
    win = windows(df, since=since, until=until)
    if win.empty:
        classes = ", ".join(sorted({c for c, _ in SIM_GROUPS.values()}))
        raise InputError(f"no rated launches of the modelled classes ({classes}) "
                         f"between {since.date() if since is not None else 'the start'} and {until.date()}")
    requested = until
    last_data_month = str(win["month"].max())
    if until.strftime("%Y-%m") > last_data_month:
        # months after the data would be fitted as months without reports (the level drifting blind) and
        # could never be validated: the fit ends with the last month that has modelled records
        until = pd.Period(last_data_month, "M").end_time.normalize()
        if progress:
            progress(f"note: --until {requested.date()} is after the last modelled record "
                     f"({win['window_start'].max().date()}); the fit ends with its month, on {until.date()}")
    last_month = until.strftime("%Y-%m")
    if progress:
        progress("simulating the scenario family on the design grid")
    tables = build_tables(win, runs=runs, seed=seed)
    t_tables = time.perf_counter() - t0
    fits = fit_all(win, last_month, tables, seed=seed, n_iter=n_iter, n_draws=n_draws,
                   size_effect=SIZE_EFFECT_GROUPS, reverting=REVERTING_GROUPS,
                   progress=(lambda g: progress(f"fitting {g}")) if progress else None)
    t_fit = time.perf_counter() - t0 - t_tables
    data_info: dict[str, Any] = {
        "since": since.strftime("%Y-%m-%d") if since is not None else None,
        "until": until.strftime("%Y-%m-%d"), "until_requested": requested.strftime("%Y-%m-%d"),
        "first_month": str(win["month"].min()), "last_month": last_month,
        "windows": {g: int((win["group"] == g).sum()) for g in GROUP_ORDER if (win["group"] == g).any()},
    }
    if data_file is not None:
        p = Path(data_file)
        data_info["file"] = p.name
        try:
            data_info["sha256"] = hashlib.sha256(p.read_bytes()).hexdigest()
        except OSError:
            pass
    return {
        "format": FORMAT,
        "model": "Ukraine oblast scenario family (schild.calibration); see docs/calibration.md",
        "schild_version": __version__,
        "fit_until": until.strftime("%Y-%m-%d"),
        "last_month": last_month,
        "settings": {"runs": runs, "drone_table_runs": runs * DRONE_TABLE_FACTOR, "seed": seed,
                     "mcmc_iterations": n_iter, "drone_chain_factor": DRONE_CHAIN_FACTOR, "draws": n_draws},
        "structure": {
            "knot_months": KNOT_MONTHS, "gh_points": GH_POINTS, "tau_delta": TAU_DELTA,
            "level_path": {g: ("reverting: monthly AR(1) towards a fitted mu" if g in REVERTING_GROUPS
                               else "random walk") for g in GROUP_ORDER},
            "size_effect": {"groups": list(SIZE_EFFECT_GROUPS),
                            "size_ref_launches": {g: round(math.exp(size_ref(g)), 6) for g in SIZE_EFFECT_GROUPS},
                            "beta_prior_sd": BETA_SD},
            "decoys_counted_from": DECOYS_COUNTED_FROM, "lost_split_from": LOST_SPLIT_FROM,
            "threats_per_sim": THREATS_PER_SIM,
            "groups": {g: {"class": c, "threat_type": t} for g, (c, t) in SIM_GROUPS.items()},
        },
        "priors": {"level_first": {"normal": list(LEVEL_PRIOR)}, "mu": {"normal": list(MU_PRIOR)},
                   **{k: {"lower": v[0], "upper": v[1], "centre": v[2], "logit_sd": v[3]} for k, v in PRIORS.items()}},
        "data": data_info,
        "groups": {g: group_report(f) for g, f in fits.items()},
        "unfitted_groups": [g for g in GROUP_ORDER if g not in fits],
        "tables": {g: t.to_dict() for g, t in tables.items()},
        "posterior": posterior_block(fits, last_month, n_draws, seed),
        "fit_check": fit_check(fits),
        "naive": naive_block(df, until, since=since),
        "effective_pk": {g: _effective(f) for g, f in fits.items()},
        "timing_s": {"tables": round(t_tables, 1), "fit": round(t_fit, 1),
                     "total": round(time.perf_counter() - t0, 1)},
    }


def _effective(f: GroupFit) -> list[dict[str, Any]]:
    """Effective pk per layer at the last month; with the size covariate, at the reference window size
    (``at_window_launches``: the level is that of such a window, bigger ones shift by beta)."""
    rows = effective_pk(f.group, f.summary_draws()["level_last"],
                        {mo: float(x) for mo, x in zip(f.model.months, f.model.unpack(f.theta)["level"])})
    if f.model.size_effect:
        for r in rows:
            r["at_window_launches"] = round(math.exp(f.model.size_ref), 6)
    return rows


def read_params(path: str | Path) -> dict[str, Any]:
    """Read and check a parameters file; InputError when it is missing or not of this shape."""
    p = Path(path)
    if not p.exists():
        raise InputError("parameters file not found", file=str(p))
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON ({exc})", file=str(p)) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(f"not a schild calibration file (expected \"format\": \"{FORMAT}\"; "
                         "write one with `schild calibrate`)", file=str(p))
    post = doc.get("posterior")
    try:
        ok = (isinstance(post, dict) and isinstance(post.get("share"), list) and len(post["share"]) > 0
              and isinstance(post.get("groups"), dict) and isinstance(doc.get("fit_until"), str))
        if ok:
            n = len(post["share"])
            for g, gd in post["groups"].items():
                if g not in SIM_GROUPS:
                    raise InputError(f"unknown group {g!r} in posterior", file=str(p))
                for key in ("level_last", "tau", "sigma", "rho"):
                    v = gd.get(key)
                    if not isinstance(v, list) or len(v) != n or not all(isinstance(x, (int, float)) for x in v):
                        ok = False
                if g == "drone" and not isinstance(gd.get("ew"), list):
                    ok = False
            pd.Period(post["last_month"], "M")
    except (TypeError, ValueError, KeyError):
        ok = False
    if not ok:
        raise InputError("parameters file is incomplete or damaged (posterior draws missing or of "
                         "different lengths); run `schild calibrate` again", file=str(p))
    return doc
