"""Rolling-origin checks inside a training period: how a model structure would have forecast before.

For each origin (a month end inside the training data), fit on everything up to it, predict the next
``horizon`` months, and score against the reports and the naive yardstick. Predictions use the
simulator tables (``method="table"``), the same model as :mod:`schild.calibration.predict` without new
simulations, so structures can be compared in minutes. Used to choose the drift structure (see
``docs/calibration.md``); never run on held-out months.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import pandas as pd

from ..data.ukraine import monthly_table
from ..data.validation import naive_forecast, score
from .pipeline import REVERTING_GROUPS, SIZE_EFFECT_GROUPS, build_tables, fit_all, posterior_block
from .data import windows
from .family import SIM_CLASSES
from .predict import predict_months, rows_from_draws

__all__ = ["rolling_origin", "STRUCTURES", "parse_origins", "paired_against"]

#: name -> options of :func:`schild.calibration.pipeline.fit_all` (``tau_fixed``: None fits the drift,
#: 0 is a static level with month effects; ``size_effect``: the groups with the window-size covariate;
#: ``reverting``: level paths that revert to a fitted long-run level; ``knot_months``: knot spacing per
#: group; ``increments_df``: Student-t degrees of freedom of a group's level walk, "t-drone-walk"). A bare
#: float or None is read as ``tau_fixed``. "default" is what ``calibrate`` fits (the
#: salvo-size covariate on drones and ballistic); "drift+size" has the drone covariate only.
_DRONE = ("drone",)
STRUCTURES: dict[str, Any] = {"default": {"size_effect": SIZE_EFFECT_GROUPS, "reverting": REVERTING_GROUPS},
                               "drift": None, "static": 0.0, "drift+size": {"size_effect": _DRONE},
                               "reverting+size": {"size_effect": _DRONE, "reverting": True},
                               "cruise-reverting+size": {"size_effect": _DRONE,
                                                         "reverting": ("cruise", "cruise_tactical")},
                               "monthly-drone-knots": {"size_effect": _DRONE, "knot_months": {"drone": 1}},
                               "ballistic-size": {"size_effect": ("drone", "ballistic")},
                               "patriot-size": {"size_effect": ("drone", "ballistic", "aeroballistic")},
                               "t-drone-walk": {"size_effect": SIZE_EFFECT_GROUPS, "reverting": REVERTING_GROUPS,
                                                "increments_df": {"drone": 3.0}}}


def parse_origins(text: str) -> list[str]:
    """Origins from a command line: comma-separated dates ("2023-06-30,2023-12-31") and/or month ranges
    ("2023-03..2024-12": the last day of every month in it); a bare month ("2024-06") is its last day.
    Why: checks on every month end need 22 origins, and typing them invites a gap. ValueError names the
    part that is not a date or range."""
    out: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?(\s*\.\.\s*\d{4}-\d{2}(-\d{2})?)?", part):
                raise ValueError("not year first")
            if ".." in part:
                a, b = (pd.Period(x.strip(), "M") for x in part.split(".."))
                if b < a:
                    raise ValueError("range ends before it starts")
                out += [str(m.end_time.date()) for m in pd.period_range(a, b, freq="M")]
            elif len(part) == 7:  # a bare month: its last day
                out.append(str(pd.Period(part, "M").end_time.date()))
            else:
                out.append(str(pd.Timestamp(part).date()))
        except (ValueError, TypeError) as e:
            raise ValueError(f"origin {part!r}: expected a date (2024-06-30) or a month range "
                             f"(2023-03..2024-12); {e}") from None
    if not out:
        raise ValueError("no origins given")
    return out


def rolling_origin(df: pd.DataFrame, origins: list[str], *, horizon: int = 6, runs: int = 200, seed: int = 0,
                   table_runs: int = 40, structures: dict[str, Any] | None = None,
                   n_iter: int = 6000, groups: tuple[str, ...] | None = None,
                   rows_out: list[pd.DataFrame] | None = None,
                   load_until: Callable[[pd.Timestamp], pd.DataFrame] | None = None,
                   progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Scores per origin, structure and class: ``n_months, mae_pp, coverage_90, bias_pp`` and the naive's.

    ``groups`` restricts the fit to these simulated groups (e.g. ``("drone",)``); ``rows_out`` collects
    the monthly prediction rows (with ``origin`` and ``structure`` columns). ``load_until`` (e.g.
    ``lambda t: load(path, until=t)``) reloads the file up to each origin for its training windows, as
    ``schild calibrate --until`` does: rows that lump several models are split with shares of nearby
    rows, and without it the split near an origin would use rows after it."""
    structures = STRUCTURES if structures is None else structures
    last_origin = max(pd.Timestamp(o) for o in origins)
    end_all = (pd.Period(last_origin, "M") + horizon).end_time.normalize()
    wall = windows(df, until=end_all)
    if groups is not None:
        wall = wall[wall["group"].isin(list(groups))]
    tables = build_tables(wall, runs=table_runs, seed=seed)
    monthly = monthly_table(df)
    out: list[dict[str, Any]] = []
    for o in origins:
        until = pd.Timestamp(o)
        last_month = until.strftime("%Y-%m")
        train = windows(load_until(until) if load_until is not None else df, until=until)
        p0 = pd.Period(last_month, "M")
        ahead = windows(df, since=(p0 + 1).start_time, until=(p0 + horizon).end_time.normalize())
        naive = naive_forecast(monthly, until=last_month, months=6)
        naive = naive[naive["month"].isin(set(ahead["month"]))]
        ns = score(naive).set_index("class")
        for name, opts in structures.items():
            if progress:
                progress(f"origin {last_month}, structure {name}")
            opts = opts if isinstance(opts, dict) else {"tau_fixed": opts}
            fits = fit_all(train, last_month, tables, seed=seed, n_iter=n_iter, groups=groups, **opts)
            post = posterior_block(fits, last_month, 200, seed)
            w = ahead[ahead["group"].isin(list(post["groups"]))]
            pred = predict_months(post, w, runs=runs, seed=seed, method="table", tables=tables)
            rows = rows_from_draws(pred, w)
            if rows_out is not None:
                rows_out.append(rows.assign(origin=last_month, structure=name))
            for r in score(rows).itertuples(index=False):
                cls = str(r[0])
                if cls not in SIM_CLASSES:
                    continue
                nv = ns.loc[cls] if cls in ns.index else None
                out.append({"origin": last_month, "structure": name, "class": cls, "n_months": int(r.n_months),
                            "mae_pp": float(r.mae_pp), "coverage_90": float(r.coverage_90),
                            "bias_pp": float(r.bias_pp),
                            "naive_mae_pp": float(nv["mae_pp"]) if nv is not None else float("nan"),
                            "naive_coverage_90": float(nv["coverage_90"]) if nv is not None else float("nan")})
    return pd.DataFrame(out)


def paired_against(new: pd.DataFrame, baseline: pd.DataFrame, base_structure: str = "default") -> pd.DataFrame:
    """Per class, structure and seed of ``new``: its mean MAE over the origins, the baseline structure's on
    the same origins and seed (from an earlier run's scores file), the difference, and both pooled 90 %
    coverages. Why: a structure check costs about 10 minutes per seed on 22 origins, and an earlier run of
    the baseline with the same seeds is the same computation (same tables and chain seeds), so it need
    not be repeated. ValueError if the baseline lacks any (class, origin, seed) of ``new``: a comparison
    on fewer origins would be silently a different one."""
    need = {"origin", "structure", "class", "seed", "mae_pp", "coverage_90", "n_months"}
    for name, d in (("new scores", new), ("baseline scores", baseline)):
        lacking = sorted(need - set(d.columns))
        if lacking:
            raise ValueError(f"{name}: missing column(s) {lacking}")
    base = baseline[baseline["structure"] == base_structure]
    if base.empty:
        raise ValueError(f"baseline has no rows of structure {base_structure!r}; it has "
                         f"{sorted(set(baseline['structure']))}")
    key = ["class", "origin", "seed"]
    base = base.astype({"origin": str}).drop_duplicates(key, keep="last")
    out = []
    for (cls, st, seed), x in new.astype({"origin": str}).groupby(["class", "structure", "seed"], sort=False):
        m = x.merge(base, on=key, how="left", suffixes=("", "_base"))
        missing = m.loc[m["mae_pp_base"].isna(), "origin"].tolist()
        if missing:
            raise ValueError(f"baseline lacks {cls} at seed {seed} for origin(s) {missing}")
        cov = lambda c, n: float((m[c] * m[n]).sum() / m[n].sum())  # noqa: E731
        out.append({"class": cls, "structure": st, "seed": int(seed), "origins": len(m),
                    "mae_pp": float(m["mae_pp"].mean()), "base_mae_pp": float(m["mae_pp_base"].mean()),
                    "difference_pp": float(m["mae_pp"].mean() - m["mae_pp_base"].mean()),
                    "coverage_90": cov("coverage_90", "n_months"),
                    "base_coverage_90": cov("coverage_90_base", "n_months_base")})
    return pd.DataFrame(out)
