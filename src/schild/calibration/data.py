"""From the loader's rows to what the calibration fits: attack windows per simulated group.

A *window* is one attack window (``window_start``, ``window_end``) and one simulated group (see
:data:`schild.calibration.family.SIM_GROUPS`): launched, destroyed and lost summed over the rows of that
window whose ``destroyed`` was reported (the same rows :func:`schild.data.ukraine.monthly_table` rates),
so monthly sums of windows equal the monthly table's ``launched_rated`` and ``defeated``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .family import SIM_CLASSES, group_of

__all__ = ["DECOYS_COUNTED_FROM", "LOST_SPLIT_FROM", "load", "windows", "parse_date", "month_range",
           "month_index"]

#: First month whose drone counts include decoys ("Shahed-type UAVs and decoy drones of various types"
#: from autumn 2024; docs/data-ukraine.md). Before it the decoy share is 0 by construction.
DECOYS_COUNTED_FROM = "2024-09"
#: First month from which nearly every drone report gives 'locally lost' separately (26 of 31 rows in
#: 2024-09, all but one afterwards); from then on a window's (destroyed, lost, rest) split is fitted.
LOST_SPLIT_FROM = "2024-09"


def parse_date(value: str | None, what: str) -> pd.Timestamp | None:
    """A 'YYYY-MM-DD' date; raises InputError naming the option."""
    if value is None:
        return None
    s = str(value).strip()
    try:
        ts = pd.Timestamp(s)
    except (ValueError, TypeError):
        raise InputError(f"--{what} {value!r} is not a date; expected YYYY-MM-DD") from None
    if pd.isna(ts) or len(s) < 8:
        raise InputError(f"--{what} {value!r} is not a date; expected YYYY-MM-DD")
    return ts.normalize()


def load(path: str | Path, *, allow_extra_columns: bool = False, report=None,
         models: str | Path | None = None, until: pd.Timestamp | None = None) -> pd.DataFrame:
    """The loader's rows; a missing or malformed file becomes an InputError (exit code 2 in the CLI).

    ``models``: a mapping file that extends the model-name table (``load_attacks(models_path=...)``).
    ``until``: leave out records that start after that day (a fit must not see them at all).

    Unknown columns are an error unless ``allow_extra_columns``; then they are ignored and named
    through ``report`` (a callable taking one line), like model names the mapping table does not know.
    """
    import warnings

    from ..data.ukraine import UkraineDataError, UnknownModelWarning, load_attacks

    p = Path(path)
    if not p.exists():
        raise InputError("data file not found; expected the daily attacks CSV", file=str(p))
    if models is not None and not Path(models).is_file():
        raise InputError("model mapping file not found; expected a CSV 'model,threat_type,class' or YAML",
                         file=str(models))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            df = load_attacks(p, strict_columns=not allow_extra_columns, models_path=models, until=until)
    except UkraineDataError as exc:
        msg = str(exc).replace("pass strict_columns=False", "pass --allow-extra-columns")
        raise InputError(msg) from exc
    if report is not None:
        for w in caught:
            if issubclass(w.category, UserWarning) and not issubclass(w.category, UnknownModelWarning):
                report(f"warning: {w.message}")
        unknown = df.attrs.get("unknown_models") or {}
        if unknown:
            names = ", ".join(f"{k!r} ({v} rows)" for k, v in list(unknown.items())[:12])
            report(f"warning: {len(unknown)} model name(s) not in the mapping table, class 'unknown' "
                   f"(not simulated, kept in the naive block): {names}; map them with --models FILE")
        n_sh = df.attrs.get("shahed_breakdown_rows", 0)
        if n_sh:
            report(f"note: {n_sh} drone row(s) state how many drones were Shahed-type (is_shahed); their "
                   "attack windows are simulated at the decoy share they state")
        if df.attrs.get("turbojet_rows", 0):
            report(f"note: {df.attrs['turbojet_rows']} row(s) give jet-powered drones (turbojet); they are "
                   "counted and simulated as Shahed-type")
    return df


def windows(df: pd.DataFrame, since: pd.Timestamp | None = None,
            until: pd.Timestamp | None = None) -> pd.DataFrame:
    """Rated launches per attack window and simulated group, with month (of window_start).

    Columns: ``window_start, window_end, month, class, group, launched, destroyed, lost, defeated,
    lost_reported`` (any row of the window gave 'locally lost'), ``shahed`` (drone windows: Shahed-type
    drones among the launches when every row of the window gives ``is_shahed``, else NaN; the rest are
    decoys). ``since``/``until`` filter on the window start (``until`` inclusive of the whole day).
    """
    d = df[df["class"].isin(SIM_CLASSES)].copy()
    d = d[d["destroyed"].notna() & d["launched"].notna() & (d["launched"] > 0)]
    if since is not None:
        d = d[d["window_start"] >= since]
    if until is not None:
        d = d[d["window_start"] < until + pd.Timedelta(days=1)]
    cols = ["window_start", "window_end", "month", "class", "group", "launched", "destroyed", "lost",
            "defeated", "lost_reported", "shahed"]
    if d.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    d["group"] = [group_of(c, t) for c, t in zip(d["class"], d["threat_type"])]
    d["month"] = d["window_start"].dt.strftime("%Y-%m")
    g = d.groupby(["window_start", "window_end", "month", "class", "group"], sort=True)
    if "shahed_count" not in d.columns:
        d["shahed_count"] = np.nan
    out = g.agg(launched=("launched", "sum"), destroyed=("destroyed", "sum"), lost=("lost", "sum"),
                lost_reported=("lost_reported", "any"),
                shahed=("shahed_count", lambda s: s.sum() if s.notna().all() else np.nan)).reset_index()
    # the Shahed-type count of a window is known only when every drone row of it gives one
    out.loc[out["group"] != "drone", "shahed"] = np.nan
    out["defeated"] = np.minimum(out["destroyed"] + out["lost"], out["launched"])
    return out[cols].reset_index(drop=True)


def month_range(first: str, last: str) -> list[str]:
    """Calendar months 'YYYY-MM' from first to last inclusive."""
    p0, p1 = pd.Period(first, "M"), pd.Period(last, "M")
    return [str(p0 + i) for i in range((p1 - p0).n + 1)] if p1 >= p0 else []


def month_index(months: Any, origin: str) -> np.ndarray:
    """Months ('YYYY-MM') as integers counted from ``origin``."""
    p0 = pd.Period(origin, "M")
    return np.array([(pd.Period(str(m), "M") - p0).n for m in months], dtype=np.int64)
