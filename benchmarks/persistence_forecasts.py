"""Simple persistence forecasts of the monthly defeat rate on rolling origins: the bar schild's point
forecast is held against beside the naive yardstick.

Run: python benchmarks/persistence_forecasts.py --data missile_attacks_daily.csv
         [--origins 2023-03..2024-12] [--horizon 6] [--classes drone,cruise] [--out out/persistence.csv]

For each origin and class: the pooled rate of the last 1, 2, 3 and 6 months held (6 is the naive
yardstick of ``schild validate``), and an exponentially weighted mean of the monthly rates (weight 0.7 on
the newest), scored on the next ``--horizon`` months (MAE in percentage points of the monthly defeat
rate, as ``validate`` scores). Beside them two oracles, which are not forecasts: the predicted months'
own pooled rate held, and their median rate held (the constant with the least MAE). Their MAE is the
month-to-month scatter inside the horizon, the floor of every forecast that holds one level over it,
however well it knows the level. No simulation; seconds. Prints the mean per forecast and how many origins
are at or below 3 pp. The origins overlap, so their errors are not independent. Read the whole file once
(the splitting of lumped rows near an origin may use later rows: about the size of the lumped missile
rows; drones have none near these origins). The data file is never copied.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

LAST_K = (1, 2, 3, 6)
EWMA_WEIGHT = 0.7


def _ewma_rate(monthly: pd.DataFrame, cls: str, until: str) -> float:
    """Exponentially weighted mean of the class's monthly rates up to ``until`` (months with launches)."""
    x = monthly[(monthly["class"] == cls) & (monthly["month"] <= until) & (monthly["launched_rated"] > 0)]
    x = x.sort_values("month")
    rates = (x["defeated"] / x["launched_rated"]).to_numpy()
    if len(rates) == 0:
        return float("nan")
    e = rates[0]
    for r in rates[1:]:
        e = EWMA_WEIGHT * r + (1 - EWMA_WEIGHT) * e
    return float(e)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="missile_attacks_daily*.csv (not shipped)")
    ap.add_argument("--origins", default="2023-03..2024-12",
                    help="comma-separated last days, or month ranges (every month end in it)")
    ap.add_argument("--horizon", type=int, default=6)
    ap.add_argument("--classes", default="drone,cruise")
    ap.add_argument("--out", type=Path, default=Path("out/persistence.csv"))
    args = ap.parse_args()

    from schild.calibration.rolling import parse_origins
    from schild.data.ukraine import load_attacks, monthly_table
    from schild.data.validation import naive_forecast, score

    try:
        origins = [o[:7] for o in parse_origins(args.origins)]
    except ValueError as e:
        raise SystemExit(str(e)) from None
    classes = [c.strip() for c in args.classes.split(",") if c.strip()]
    monthly = monthly_table(load_attacks(args.data))
    out = []
    for o in origins:
        for k in LAST_K:
            rows = naive_forecast(monthly, until=o, months=k, horizon=args.horizon)
            for r in score(rows).itertuples(index=False):
                if str(r[0]) in classes:
                    out.append({"origin": o, "class": str(r[0]), "forecast": f"last {k}", "mae_pp": float(r.mae_pp)})
        ahead = monthly[(monthly["month"] > o) & (monthly["launched_rated"] > 0)]
        for cls in classes:
            fut = ahead[ahead["class"] == cls].sort_values("month").head(args.horizon)
            if fut.empty:
                continue
            p = _ewma_rate(monthly, cls, o)
            err = np.abs(p - fut["defeated"] / fut["launched_rated"]) * 100
            out.append({"origin": o, "class": cls, "forecast": f"ewma {EWMA_WEIGHT}", "mae_pp": float(err.mean())})
            rates = (fut["defeated"] / fut["launched_rated"]).to_numpy()
            pooled = float(fut["defeated"].sum() / fut["launched_rated"].sum())
            for name, level in (("oracle: their pooled rate", pooled), ("oracle: their median", np.median(rates))):
                out.append({"origin": o, "class": cls, "forecast": name,
                            "mae_pp": float(np.mean(np.abs(level - rates)) * 100)})
    res = pd.DataFrame(out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    res.to_csv(args.out, index=False)
    tab = Table(title=f"{len(origins)} origins, horizon {args.horizon} (MAE pp of the monthly defeat rate)")
    for c in ("class", "forecast", "mean MAE", "origins <= 3 pp", "per origin"):
        tab.add_column(c)
    for (cls, fc), x in res.sort_values("class", kind="stable").groupby(["class", "forecast"], sort=False):
        tab.add_row(cls, fc, f"{x['mae_pp'].mean():.2f}", f"{int((x['mae_pp'] <= 3).sum())} of {len(x)}",
                    " ".join(f"{v:.1f}" for v in x["mae_pp"]))
    Console(width=140).print(tab)
    print(f"scores: {args.out}")


if __name__ == "__main__":
    main()
