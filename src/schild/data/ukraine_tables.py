"""Tables derived from the loaded attack reports: per attack window, per month or quarter, and when
"locally lost" was reported. They take the frame :func:`schild.data.ukraine.load_attacks` returns."""

from __future__ import annotations

from typing import Iterable

import pandas as pd

__all__ = ["attack_table", "monthly_table", "reporting_practice"]


def attack_table(df: pd.DataFrame) -> pd.DataFrame:
    """One row per attack window, class and threat type (long format).

    Columns: ``window_start, window_end, class, threat_type, launched, destroyed, lost, defeated,
    rows``. ``destroyed`` (and ``defeated = destroyed + lost``) is NaN when any row of the group did
    not report it.
    """
    _require(df, ("window_start", "window_end", "class", "threat_type", "launched", "destroyed", "lost"),
             "attack_table")
    keys = ["window_start", "window_end", "class", "threat_type"]
    g = df.groupby(keys, sort=True, dropna=False)
    out = pd.DataFrame({
        "launched": g["launched"].sum(min_count=1),
        "destroyed": g["destroyed"].agg(lambda s: float("nan") if s.isna().any() else float(s.sum())),
        "lost": g["lost"].sum(),
        "rows": g.size(),
    }).reset_index()
    out["defeated"] = out["destroyed"] + out["lost"]
    cols = keys + ["launched", "destroyed", "lost", "defeated", "rows"]
    return out[cols].sort_values(["window_start", "class", "threat_type"]).reset_index(drop=True)


def monthly_table(df: pd.DataFrame, *, by: str = "class", freq: str = "M") -> pd.DataFrame:
    """Launches and outcomes per class (or threat type) and month ("YYYY-MM"; ``freq="Q"``: quarter).

    Columns: ``class`` (and ``threat_type`` when ``by="threat_type"``), ``month`` (or ``quarter``),
    ``launched`` (all rows), ``launched_rated`` (rows that reported ``destroyed``), ``destroyed``,
    ``lost``, ``defeated`` (over rated rows), ``defeat_rate = defeated / launched_rated`` (NaN when
    nothing rated). Works on :func:`load_attacks` or :func:`attack_table` output.
    """
    _require(df, ("window_start", "class", "launched", "destroyed", "lost"), "monthly_table")
    if by not in ("class", "threat_type"):
        raise ValueError(f"by must be 'class' or 'threat_type', got {by!r}")
    if freq not in ("M", "Q"):
        raise ValueError(f"freq must be 'M' or 'Q', got {freq!r}")
    period_col = "month" if freq == "M" else "quarter"
    d = df.copy()
    ws = pd.to_datetime(d["window_start"])
    d[period_col] = ws.dt.strftime("%Y-%m") if freq == "M" else \
        ws.dt.year.astype(str) + "-Q" + ws.dt.quarter.astype(str)
    rated = d["destroyed"].notna() & d["launched"].notna()
    d["launched"] = d["launched"].fillna(0.0)
    d["launched_rated"] = d["launched"].where(rated, 0.0)
    d["destroyed"] = d["destroyed"].where(rated, 0.0).fillna(0.0)
    d["lost"] = d["lost"].fillna(0.0).where(rated, 0.0)
    keys = ["class", "threat_type", period_col] if by == "threat_type" else ["class", period_col]
    out = d.groupby(keys, sort=True)[["launched", "launched_rated", "destroyed", "lost"]].sum()
    out = out.reset_index()
    out["defeated"] = out["destroyed"] + out["lost"]
    out["defeat_rate"] = out["defeated"] / out["launched_rated"].where(out["launched_rated"] > 0)
    return out[keys + ["launched", "launched_rated", "destroyed", "lost", "defeated", "defeat_rate"]]


def reporting_practice(df: pd.DataFrame) -> pd.DataFrame:
    """When ``not_reach_goal`` ("lost") was reported, per class.

    Columns: ``class, rows, rows_lost_reported, first_lost_reported, last_lost_reported, launched,
    lost`` (rows of :func:`load_attacks`; dates are window starts).
    """
    _require(df, ("class", "window_start", "lost_reported", "launched", "lost"), "reporting_practice")
    rows = []
    for cls, g in df.groupby("class", sort=True):
        rep = g[g["lost_reported"]]
        rows.append(dict(
            **{"class": cls}, rows=len(g), rows_lost_reported=len(rep),
            first_lost_reported=rep["window_start"].min() if len(rep) else pd.NaT,
            last_lost_reported=rep["window_start"].max() if len(rep) else pd.NaT,
            launched=float(g["launched"].sum()), lost=float(g["lost"].sum())))
    return pd.DataFrame(rows, columns=["class", "rows", "rows_lost_reported", "first_lost_reported",
                                       "last_lost_reported", "launched", "lost"])


def _require(df: pd.DataFrame, cols: Iterable[str], fn: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{fn}: missing column(s) {missing}; pass the output of load_attacks")

