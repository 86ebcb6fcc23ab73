"""Hold-out validation: predicted vs observed monthly defeats per class, beside the naive yardstick."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from ..data.ukraine import monthly_table
from ..data.validation import ROW_COLUMNS, naive_baseline, naive_rows, score
from ..errors import InputError
from .data import windows
from .family import SIM_CLASSES
from .predict import predict_months, rows_from_draws
from .tables import GroupTable

__all__ = ["validate", "NOT_MODELLED", "summarise", "stored_tables", "naive_block", "stored_naive",
           "NAIVE_MONTHS"]

#: The yardstick holds the defeat rate of this many last fitted months.
NAIVE_MONTHS = 6
_NAIVE_FIELDS = ("rate", "rho", "fit_launched", "fit_defeated", "n_months")


def stored_tables(doc: dict[str, Any]) -> dict[str, GroupTable]:
    """The fit's simulator tables from a parameters file (empty if it predates stored values)."""
    out = {}
    for g, t in (doc.get("tables") or {}).items():
        if isinstance(t, dict) and "destroyed" in t:
            try:
                out[g] = GroupTable.from_dict(t)
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(f"parameters file: simulator table of {g!r} is damaged ({exc}); run "
                                 "`schild calibrate` again") from None
    return out

def naive_block(df: pd.DataFrame, until: pd.Timestamp, since: pd.Timestamp | None = None) -> dict[str, Any]:
    """The naive yardstick as the parameters file stores it: per class, the defeat rate and scatter of
    the last :data:`NAIVE_MONTHS` months of the training data (``df``, rows from ``since`` to ``until``).

    Stored so that ``validate`` scores a later file against the months the fit saw, even when that file
    holds only the new months or revises the old ones."""
    start = pd.to_datetime(df["window_start"])
    keep = start < until.normalize() + pd.Timedelta(days=1)
    d = df[keep & (start >= since)] if since is not None else df[keep]
    base = naive_baseline(monthly_table(d), until, NAIVE_MONTHS)
    return {"description": f"defeat rate of the last {NAIVE_MONTHS} fitted months per class (the naive "
                           "yardstick of `schild validate`)",
            "months": NAIVE_MONTHS, "first_month": str(base["first_month"].iloc[0]) if len(base) else None,
            "last_month": str(base["last_month"].iloc[0]) if len(base) else None,
            "classes": {r["class"]: {k: r[k] for k in _NAIVE_FIELDS} for _, r in base.iterrows()}}


def stored_naive(doc: dict[str, Any]) -> pd.DataFrame | None:
    """The yardstick's baseline from a parameters file (None if the file predates stored baselines)."""
    block = doc.get("naive")
    if block is None:
        return None
    try:
        rows = []
        for cls, v in block["classes"].items():
            r = {"class": str(cls)}
            for k in _NAIVE_FIELDS:
                x = v.get(k)
                r[k] = float("nan") if x is None else float(x)
            rows.append(r)
        return pd.DataFrame(rows, columns=["class", *_NAIVE_FIELDS])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"parameters file: the naive yardstick block is damaged ({exc!r}); run "
                         "`schild calibrate` again") from None


NOT_MODELLED = {
    "tactical_uav": "reports list mostly the ones shot down; no defence model in the family",
    "glide_bomb": "rarely reported; not simulated",
    "unspecified_missile": "unidentified missiles; no threat type to simulate",
    "unknown": "names the loader does not know",
}


def _rows_json(df: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [c for c in list(ROW_COLUMNS) + ["predicted_rate"] if c in df.columns]
    out = []
    for r in df[cols].itertuples(index=False):
        d = dict(zip(cols, r))
        out.append({k: (str(v) if k in ("class", "month") else float(v)) for k, v in d.items()})
    return out


def summarise(ours: pd.DataFrame, naive: pd.DataFrame, classes: list[str]) -> dict[str, dict[str, Any]]:
    """Per class: our coverage/MAE/bias and the naive's, over the months both predicted."""
    so = score(ours).set_index("class") if len(ours) else pd.DataFrame()
    sn = score(naive).set_index("class") if len(naive) else pd.DataFrame()
    out = {}
    for c in classes:
        if c not in so.index:
            continue
        o = so.loc[c]
        d = {"n_months": int(o["n_months"]), "coverage90": float(o["coverage_90"]), "mae_pp": float(o["mae_pp"]),
             "bias_pp": float(o["bias_pp"]), "launched": float(o["launched"]),
             "floor_mae_pp": float(o["floor_mae_pp"])}
        if c in sn.index:
            n = sn.loc[c]
            d.update({"naive_mae_pp": float(n["mae_pp"]), "naive_coverage90": float(n["coverage_90"]),
                      "naive_bias_pp": float(n["bias_pp"]), "naive_n_months": int(n["n_months"])})
        else:
            d.update({"naive_mae_pp": None, "naive_coverage90": None, "naive_bias_pp": None, "naive_n_months": 0})
        out[c] = d
    return out


def validate(df: pd.DataFrame, doc: dict[str, Any], *, from_ts: pd.Timestamp, until_ts: pd.Timestamp | None,
             runs: int, seed: int, progress: Callable[[str], None] | None = None,
             method: str = "auto") -> dict[str, Any]:
    """Predict calendar months from ``from_ts``'s month to ``until_ts``'s (default: the data's last).

    ``method``: where the simulator's output comes from (:func:`predict_months`): ``"auto"`` (the fit's
    own tables inside their grid, fresh simulations outside; fresh simulations throughout for a
    parameters file without table values), ``"simulate"`` or ``"table"``."""
    last_month = doc["last_month"]
    first = pd.Period(from_ts, "M")
    if first <= pd.Period(last_month, "M"):
        raise InputError(f"--from {from_ts.date()} falls in the fitted period (the fit ends {doc['fit_until']}); "
                         "predict months the fit never saw")
    start = first.start_time
    end = (pd.Period(until_ts, "M").end_time.normalize() if until_ts is not None else None)
    win = windows(df, since=start, until=end)
    if win.empty:
        raise InputError(f"no rated launches of the modelled classes from {start.date()}"
                         + (f" to {end.date()}" if end is not None else "") + " in the data")
    months = sorted(win["month"].unique())
    post = doc["posterior"]
    missing = sorted(set(win["group"]) - set(post["groups"]))
    if progress:
        progress(f"predicting {months[0]}..{months[-1]}: {len(win)} attack windows, {runs} replications")
    tables = stored_tables(doc)
    if method in ("auto", "table") and not tables:
        if method == "table":
            raise InputError("the parameters file holds no simulator tables; use --predict-with simulate "
                             "or run `schild calibrate` again")
        method = "simulate"
    stats: dict[str, int] = {}
    pred = predict_months(post, win, runs=runs, seed=seed, method=method, tables=tables, stats=stats)
    ours = rows_from_draws(pred, win)
    classes = [c for c in SIM_CLASSES if c in set(ours["class"])]
    monthly = monthly_table(df)
    naive, naive_source, naive_note = _naive(monthly, doc, classes)
    naive = naive[naive["month"].isin(months)].reset_index(drop=True)
    naive_cls = naive[naive["class"].isin(classes)]
    summary = summarise(ours, naive_cls, classes)
    naive_summary = {}
    if len(naive):
        for r in score(naive).itertuples(index=False):
            if r[0] == "all":
                continue
            naive_summary[str(r[0])] = {"n_months": int(r.n_months), "coverage90": float(r.coverage_90),
                                        "mae_pp": float(r.mae_pp), "bias_pp": float(r.bias_pp)}
    present = set(monthly.loc[monthly["month"].isin(months) & (monthly["launched"] > 0), "class"])
    not_modelled = {c: NOT_MODELLED.get(c, "not simulated") for c in sorted(present - set(SIM_CLASSES))}
    for g in missing:
        not_modelled[g] = "no training data for this group in the fit"
    return {
        "rows": _rows_json(ours),
        "summary": summary,
        "naive": {"description": f"defeat rate of the last {NAIVE_MONTHS} fitted months held "
                                 "(schild.data.validation.naive_forecast)",
                  "source": naive_source, "note": naive_note, "rows": _rows_json(naive), "summary": naive_summary},
        "not_modelled": not_modelled,
        "fit_check": (doc.get("fit_check") or {}).get("summary", {}),
        "meta": {"fit_until": doc["fit_until"], "from": str(start.date()), "until": str(end.date()) if end is not None
                 else None, "months": months, "runs": runs, "seed": seed, "method": method,
                 "evaluations": stats,
                 "windows": int(len(win))},
    }


def _naive(monthly: pd.DataFrame, doc: dict[str, Any], classes: list[str]) -> tuple[pd.DataFrame, str, str | None]:
    """The yardstick's rows; where its baseline came from; a note when the data file disagrees or lacks it.

    The parameters file's stored baseline (the months the fit saw) comes first. A file that predates it
    falls back on the data file's own fitted months."""
    until = doc["fit_until"]
    from_data = naive_baseline(monthly, until, NAIVE_MONTHS)
    in_data = from_data[from_data["class"].isin(classes) & (from_data["n_months"] > 0)].set_index("class")
    stored = stored_naive(doc)
    note = None
    if stored is not None:
        base, source = stored, "parameters file (the training data's last fitted months)"
        s = stored.set_index("class")
        moved = [f"{c} {100 * s.loc[c, 'rate']:.1f} -> {100 * in_data.loc[c, 'rate']:.1f} %" for c in in_data.index
                 if c in s.index and np.isfinite(s.loc[c, "rate"])
                 and abs(s.loc[c, "rate"] - in_data.loc[c, "rate"]) > 0.005]
        if moved:
            note = ("the data file's own fitted months give other naive rates than the training data ("
                    + ", ".join(moved) + "): a revised release? the yardstick keeps the training data's")
    else:
        base, source = from_data, "data file (the parameters file stores no yardstick; calibrate again to store it)"
        if in_data.empty:
            note = ("the data file holds none of the fitted months and the parameters file stores no "
                    "yardstick: no naive forecast; run `schild calibrate` again to store it")
    return naive_rows(base, monthly, until), source, note
