"""Out-of-sample checks of predicted monthly defeat rates against the Air Force reports.

A *row* is one class and month: ``class, month, observed_launched, observed_defeated,
predicted_defeated_mean, predicted_defeated_p05, predicted_defeated_p95`` (counts; the rate is
``defeated / launched``). :func:`naive_forecast` makes such rows for the yardstick "the defeat rate of
the last months fitted stays the same"; :func:`score` measures any rows.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["ROW_COLUMNS", "naive_baseline", "naive_rows", "naive_forecast", "score", "overdispersion"]

ROW_COLUMNS: tuple[str, ...] = (
    "class", "month", "observed_launched", "observed_defeated", "predicted_defeated_mean",
    "predicted_defeated_p05", "predicted_defeated_p95",
)


def _month(value: Any) -> pd.Period:
    try:
        return pd.Period(pd.Timestamp(str(value)) if len(str(value)) > 7 else str(value), freq="M")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{value!r} is not a date or month ('YYYY-MM' or 'YYYY-MM-DD')") from exc


def overdispersion(launched: np.ndarray, defeated: np.ndarray) -> tuple[float, float]:
    """Pooled rate ``p`` and beta-binomial intra-class correlation ``rho`` (moment estimate, >= 0).

    With months m of n_m launches and rates r_m, ``E[sum n_m (r_m - p)^2] ~ p(1-p) [(M-1) +
    rho * sum (n_m - 1)]``; ``rho = 0`` is plain binomial scatter between months.
    """
    n = np.asarray(launched, dtype=float)
    k = np.asarray(defeated, dtype=float)
    keep = n > 0
    n, k = n[keep], k[keep]
    if n.sum() <= 0:
        return float("nan"), 0.0
    p = float(k.sum() / n.sum())
    m = len(n)
    if m < 2 or p <= 0.0 or p >= 1.0 or (n - 1).sum() <= 0:
        return p, 0.0
    s = float((n * (k / n - p) ** 2).sum())
    rho = (s / (p * (1 - p)) - (m - 1)) / float((n - 1).sum())
    return p, float(min(max(rho, 0.0), 0.99))


def _interval(n: float, p: float, rho: float, level: float) -> tuple[float, float]:
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    n_i = int(round(n))
    if n_i <= 0 or not np.isfinite(p):
        return (float("nan"), float("nan")) if not np.isfinite(p) else (0.0, 0.0)
    if p <= 0.0 or p >= 1.0:
        return float(n_i * p), float(n_i * p)
    if rho <= 0:
        dist = stats.binom(n_i, p)
    else:
        ab = (1 - rho) / rho
        dist = stats.betabinom(n_i, p * ab, (1 - p) * ab)
    return float(dist.ppf(lo_q)), float(dist.ppf(hi_q))


def naive_baseline(monthly: pd.DataFrame, until: Any, months: int = 6) -> pd.DataFrame:
    """What the yardstick holds: per class, the pooled defeat rate of the ``months`` calendar months
    ending with the month of ``until`` and their month-to-month scatter.

    ``calibrate`` stores this in the parameters file, so ``validate`` can score a later file that no
    longer (or never did) hold the fitted months. Columns: ``class``, ``rate`` (``sum defeated / sum
    launched``; NaN with no rated launches), ``rho`` (:func:`overdispersion`), ``fit_launched``,
    ``fit_defeated``, ``n_months`` (months with rated launches), ``first_month``, ``last_month``.
    """
    if months < 1:
        raise ValueError(f"months must be >= 1, got {months}")
    launched_col = _launched_col(monthly)
    last = _month(until)
    first = last - (months - 1)
    m = monthly.copy()
    m["_p"] = m["month"].map(lambda s: pd.Period(str(s), freq="M"))
    rows = []
    for cls, g in m.groupby("class", sort=True):
        fit = g[(g["_p"] >= first) & (g["_p"] <= last)]
        p, rho = overdispersion(fit[launched_col].to_numpy(), fit["defeated"].to_numpy())
        rows.append({"class": str(cls), "rate": p, "rho": rho, "fit_launched": float(fit[launched_col].sum()),
                     "fit_defeated": float(fit["defeated"].sum()),
                     "n_months": int((fit[launched_col] > 0).sum()), "first_month": str(first),
                     "last_month": str(last)})
    return pd.DataFrame(rows, columns=["class", "rate", "rho", "fit_launched", "fit_defeated", "n_months",
                                       "first_month", "last_month"])


def naive_rows(baseline: pd.DataFrame, monthly: pd.DataFrame, until: Any, *, horizon: int | None = None,
               level: float = 0.90) -> pd.DataFrame:
    """The yardstick's predictions for every month of ``monthly`` after ``until``, from a
    :func:`naive_baseline` (classes missing from it get NaN predictions); see :func:`naive_forecast`."""
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    launched_col = _launched_col(monthly)
    last = _month(until)
    base = {str(r["class"]): r for _, r in baseline.iterrows()}
    m = monthly.copy()
    m["_p"] = m["month"].map(lambda s: pd.Period(str(s), freq="M"))
    rows = []
    for cls, g in m.groupby("class", sort=True):
        b = base.get(str(cls))
        p = float(b["rate"]) if b is not None and pd.notna(b["rate"]) else float("nan")
        rho = float(b["rho"]) if b is not None and pd.notna(b["rho"]) else 0.0
        fit_launched = float(b["fit_launched"]) if b is not None else 0.0
        ahead = g[g["_p"] > last].sort_values("_p")
        if horizon is not None:
            ahead = ahead[ahead["_p"] <= last + horizon]
        for _, r in ahead.iterrows():
            n = float(r[launched_col])
            if not n > 0:  # nothing rated that month: nothing to predict
                continue
            lo, hi = _interval(n, p, rho, level)
            rows.append({
                "class": cls, "month": str(r["_p"]), "observed_launched": n,
                "observed_defeated": float(r["defeated"]),
                "predicted_defeated_mean": n * p if np.isfinite(p) else float("nan"),
                "predicted_defeated_p05": lo, "predicted_defeated_p95": hi,
                "predicted_rate": p, "fit_launched": fit_launched, "rho": rho,
            })
    return pd.DataFrame(rows, columns=list(ROW_COLUMNS) + ["predicted_rate", "fit_launched", "rho"])


def _launched_col(monthly: pd.DataFrame) -> str:
    launched_col = "launched_rated" if "launched_rated" in monthly.columns else "launched"
    missing = [c for c in ("class", "month", launched_col, "defeated") if c not in monthly.columns]
    if missing:
        raise ValueError(f"naive_forecast: monthly table lacks column(s) {missing}")
    return launched_col


def naive_forecast(monthly: pd.DataFrame, until: Any, months: int = 6, *,
                   horizon: int | None = None, level: float = 0.90) -> pd.DataFrame:
    """The yardstick: each class keeps the pooled defeat rate of its last ``months`` fitted months.

    ``monthly`` is :func:`schild.data.ukraine.monthly_table` output (``class, month, launched_rated``
    or ``launched``, ``defeated``). The fit window is the ``months`` calendar months ending with the
    month of ``until`` (a date or "YYYY-MM"); the rate is ``sum defeated / sum launched`` there. For
    every later month in ``monthly`` (the first ``horizon`` ones if given) the prediction, given the
    observed launches n, is mean ``p * n`` with a ``level`` interval from a beta-binomial whose spread
    is the fit window's month-to-month scatter (binomial if there is no extra scatter). Months with no
    rated launches are skipped; a class with no rated launches in the fit window gets NaN predictions.
    The same as :func:`naive_rows` of :func:`naive_baseline`.

    Returns rows with :data:`ROW_COLUMNS` plus ``predicted_rate``, ``fit_launched`` and ``rho``.
    """
    return naive_rows(naive_baseline(monthly, until, months), monthly, until, horizon=horizon, level=level)


def _as_frame(rows: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    df = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    missing = [c for c in ROW_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"score: rows lack field(s) {missing}; each row needs {list(ROW_COLUMNS)}")
    return df


def score(rows: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Per class: coverage of the 90% intervals and error of the monthly defeat rate.

    Rows with ``observed_launched`` <= 0 or a missing prediction are skipped. Columns: ``class``,
    ``n_months``, ``coverage_90`` (share of months with p05 <= observed_defeated <= p95), ``mae_pp``
    (mean |observed rate - predicted rate| in percentage points, rate = defeated / observed_launched),
    ``bias_pp`` (mean predicted - observed, pp), ``launched``, ``floor_mae_pp`` (the least MAE any constant
    rate can reach on these months: each class's median observed rate held; the month-to-month scatter
    that no forecast holding one level removes, however well it knows the level); a last row
    ``class = "all"`` pools every scored month (the floor with each class's own median).
    """
    df = _as_frame(rows)
    num = ["observed_launched", "observed_defeated", "predicted_defeated_mean",
           "predicted_defeated_p05", "predicted_defeated_p95"]
    for c in num:
        df[c] = pd.to_numeric(df[c], errors="coerce")
    df = df[(df["observed_launched"] > 0) & df["predicted_defeated_mean"].notna()
            & df["observed_defeated"].notna()]
    n = df["observed_launched"]
    df = df.assign(
        _err=(df["predicted_defeated_mean"] - df["observed_defeated"]) / n * 100.0,
        _cov=(df["predicted_defeated_p05"] <= df["observed_defeated"])
        & (df["observed_defeated"] <= df["predicted_defeated_p95"]),
        _rate=df["observed_defeated"] / n * 100.0)
    df = df.assign(_floor=(df["_rate"] - df.groupby("class")["_rate"].transform("median")).abs())

    def one(cls: str, g: pd.DataFrame) -> dict[str, Any]:
        return {"class": cls, "n_months": int(len(g)),
                "coverage_90": float(g["_cov"].mean()) if len(g) else float("nan"),
                "mae_pp": float(g["_err"].abs().mean()) if len(g) else float("nan"),
                "bias_pp": float(g["_err"].mean()) if len(g) else float("nan"),
                "launched": float(g["observed_launched"].sum()),
                "floor_mae_pp": float(g["_floor"].mean()) if len(g) else float("nan")}

    out = [one(str(cls), g) for cls, g in df.groupby("class", sort=True)]
    out.append(one("all", df))
    return pd.DataFrame(out, columns=["class", "n_months", "coverage_90", "mae_pp", "bias_pp", "launched",
                                      "floor_mae_pp"])
