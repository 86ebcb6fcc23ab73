"""Where a drone forecast's point value comes from: the fitted level versus the forecast's uncertainty.

Run: python benchmarks/calibration_forecast_diagnostic.py --data missile_attacks_daily.csv
         --params PARAMS.json [--month YYYY-MM] [--runs 300] [--seed 0] [--scale 0.5,1,1.6,2.5]
         [--predict-with auto|simulate]

Takes the drone attack windows of ``--month`` (default: the last fitted month), pretends they happen in
the month after the fit, and predicts them with the simulator (``predict_months``, as ``schild validate``
does) under the full posterior and with parts of the forecast's uncertainty switched off: the decoy
share's random walk, the level drift ``tau``, the month effect ``sigma``, all three, and all three with
the level fixed at its posterior median. The gap between the full and the switched-off means is what the
skew of a bounded rate costs the predictive mean; the rest is where the level was fitted. ``--scale``
adds how the forecast answers bigger or smaller nights: every window's launches multiplied by each
factor, with the drift, month effect and decoy walk off, with the fitted raid-size covariate ``beta`` and
with it set to 0 (then only the simulator's own response to the oblast's raid size is left). The data
file is never copied.
"""

from __future__ import annotations

import argparse
import copy
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from schild.calibration import predict as P
from schild.calibration.data import windows
from schild.calibration.validate import stored_tables
from schild.data.ukraine import load_attacks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--params", required=True, type=Path)
    ap.add_argument("--month", default=None, help="month whose drone windows are replayed (YYYY-MM)")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scale", default=None, help="comma-separated raid-size factors, e.g. 0.5,1,1.6,2.5")
    ap.add_argument("--predict-with", default="auto", choices=("auto", "simulate"),
                    help="the fit's tables inside their grid (as schild validate), or fresh simulation")
    a = ap.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = load_attacks(a.data)
    doc = json.loads(a.params.read_text())
    post0 = doc["posterior"]
    tables = stored_tables(doc)
    method = a.predict_with if tables else "simulate"
    print(f"simulator output from: {method}")
    last = post0["last_month"]
    src = pd.Period(a.month or last, "M")
    w = windows(df, since=src.start_time, until=src.end_time.normalize())
    w = w[w["group"] == "drone"].copy()
    if w.empty:
        raise SystemExit(f"no drone windows in {src}")
    nxt = str(pd.Period(last, "M") + 1)
    w["month"] = nxt
    n = float(w["launched"].sum())
    print(f"drone windows of {src} ({len(w)}, {n:.0f} rated launches) replayed as {nxt}; "
          f"observed rate {100 * w['defeated'].sum() / n:.2f} %")

    def variant(**fixed):
        p = copy.deepcopy(post0)
        g = p["groups"]["drone"]
        for k, v in fixed.items():
            g[k] = [v] * len(g[k])
        return p

    med = float(np.median(post0["groups"]["drone"]["level_last"]))
    cases = [("full posterior", post0, None), ("no decoy-share walk", post0, 0.0),
             ("no level drift (tau = 0)", variant(tau=0.0), None),
             ("no month effect (sigma = 0)", variant(sigma=0.0), None),
             ("none of the three", variant(tau=0.0, sigma=0.0), 0.0),
             ("none, level at its median", variant(tau=0.0, sigma=0.0, level_last=med), 0.0)]
    print(f"{'forecast':28s} {'mean':>7s} {'median':>7s} {'p05':>7s} {'p95':>7s}  (defeat rate, %)")
    for label, post, tau_delta in cases:
        keep = P.TAU_DELTA
        try:
            if tau_delta is not None:
                P.TAU_DELTA = tau_delta
            x = P.predict_months(post, w, runs=a.runs, seed=a.seed, method=method,
                                 tables=tables)[("drone", nxt)] / n
        finally:
            P.TAU_DELTA = keep
        print(f"{label:28s} {100 * x.mean():7.2f} {100 * np.median(x):7.2f} "
              f"{100 * np.quantile(x, 0.05):7.2f} {100 * np.quantile(x, 0.95):7.2f}")
    if a.scale:
        factors = [float(f) for f in a.scale.split(",")]
        print("\nraid size x factor (drift, month effect and decoy walk off): mean defeat rate, %")
        print(f"{'factor':>8s} {'fitted beta':>12s} {'beta = 0':>9s}")
        keep = P.TAU_DELTA
        P.TAU_DELTA = 0.0
        try:
            for f in factors:
                ws = w.assign(launched=np.maximum(1.0, np.round(w["launched"] * f)))
                ns = float(ws["launched"].sum())
                vals = [P.predict_months(variant(tau=0.0, sigma=0.0, **extra), ws, runs=a.runs,
                                         seed=a.seed, method=method, tables=tables)[("drone", nxt)].mean() / ns
                        for extra in ({}, {"beta": 0.0})]
                print(f"{f:8.2f} {100 * vals[0]:12.2f} {100 * vals[1]:9.2f}")
        finally:
            P.TAU_DELTA = keep


if __name__ == "__main__":
    main()
