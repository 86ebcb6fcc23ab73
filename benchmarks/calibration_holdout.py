"""Hold-out check of the Ukraine calibration on the real Air Force reports: fit, predict, score.

Run: python benchmarks/calibration_holdout.py --data missile_attacks_daily.csv
         [--until 2024-12-31] [--from 2025-01-01] [--to YYYY-MM-DD] [--runs 40] [--val-runs 200]
         [--seed 0] [--out-dir out/calibration]

Does what ``schild calibrate`` then ``schild score`` do, writes PARAMS.json, the validation
JSON and the HTML/PNG report into ``--out-dir``, and prints per class our monthly-defeat-rate MAE and
90% coverage beside the naive yardstick (the last six fitted months' rate held), with wall times.
The issue's goal on months after the fit: MAE <= 3 pp (drones) and <= 8 pp (cruise), 90% intervals
covering >= 80% of months, and beating the naive forecast. The data file is never copied.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="missile_attacks_daily*.csv (not shipped)")
    ap.add_argument("--until", default="2024-12-31", help="last day of the fit")
    ap.add_argument("--from", dest="from_date", default="2025-01-01", help="first day to predict")
    ap.add_argument("--to", dest="to_date", default=None, help="last day to predict (default: data end)")
    ap.add_argument("--runs", type=int, default=40, help="replications per design-grid node in the fit")
    ap.add_argument("--val-runs", type=int, default=200, help="replications per predicted month")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out-dir", type=Path, default=Path("out/calibration"))
    args = ap.parse_args()

    from schild.calibration.cli_support import run_calibration, run_validation

    console = Console(width=120)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    params = args.out_dir / "params.json"
    t0 = time.perf_counter()
    run_calibration(data=args.data, until=args.until, since=None, out=params, runs=args.runs, seed=args.seed,
                    console=console)
    t_cal = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = run_validation(data=args.data, params=params, from_date=args.from_date, until=args.to_date,
                         json_out=args.out_dir / "validation.json", report=args.out_dir / "report",
                         runs=args.val_runs, seed=args.seed, console=console)
    t_val = time.perf_counter() - t0

    goals = {"drone": 3.0, "cruise": 8.0}
    tab = Table(title=f"fit to {args.until}, predict {res['meta']['months'][0]}..{res['meta']['months'][-1]}")
    for c in ("class", "months", "launched", "MAE pp", "naive MAE pp", "floor pp", "cov90", "naive cov90", "goal"):
        tab.add_column(c, justify="left" if c == "class" else "right")
    for cls, s in res["summary"].items():
        g = goals.get(cls)
        verdict = ""
        if g is not None:
            ok = s["mae_pp"] <= g and s["coverage90"] >= 0.8 and s["mae_pp"] < (s["naive_mae_pp"] or 1e9)
            verdict = f"MAE<={g:g}, cov>=0.8, < naive: {'met' if ok else 'missed'}"
        nm = s.get("naive_mae_pp")
        nc = s.get("naive_coverage90")
        tab.add_row(cls, str(s["n_months"]), f"{s['launched']:.0f}", f"{s['mae_pp']:.2f}",
                    "-" if nm is None else f"{nm:.2f}", f"{s.get('floor_mae_pp', float('nan')):.2f}",
                    f"{s['coverage90']:.2f}", "-" if nc is None else f"{nc:.2f}",
                    verdict)
    console.print(tab)
    console.print(f"calibrate {t_cal:.1f} s, validate {t_val:.1f} s "
                  f"({res['meta']['windows']} windows x {args.val_runs} replications)")
    (args.out_dir / "timing.json").write_text(json.dumps({"calibrate_s": round(t_cal, 1),
                                                          "validate_s": round(t_val, 1)}))


if __name__ == "__main__":
    main()
