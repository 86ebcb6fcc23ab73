"""Rolling-origin checks of the Ukraine calibration's structures on the real Air Force reports.

Run: python benchmarks/calibration_rolling.py --data missile_attacks_daily.csv
         [--origins 2023-06-30,2023-12-31,... | 2023-03..2024-12] [--horizon 6] [--structures default,drift+size]
         [--groups drone] [--runs 200] [--table-runs 40] [--seeds 0,1,2] [--out out/rolling.csv]
         [--baseline earlier_scores.csv[,more.csv] [--baseline-structure default]]

For each origin: reload the file up to it (as ``schild calibrate --until`` does), fit each structure,
predict the next ``--horizon`` months from the simulator tables, score the monthly defeat rate against
the reports and against the naive yardstick. Prints per structure and class the mean MAE (pp) and 90%
coverage over the origins, and writes every (origin, structure, class) score and, beside it, the monthly
rows. With several ``--seeds`` (each a whole calibration: simulator tables, chains, predictions) it also
prints, per class, every structure's difference to the first one seed by seed: one seed per cell cannot
separate structures that differ by less than about 0.8 pp in a six-origin mean (docs/calibration.md).
With ``--baseline`` (score files of earlier runs with the same origins, seeds and options) every structure
run now is paired with the baseline structure's earlier scores, so the baseline need not be rerun; a
missing origin or seed stops the comparison. Used to choose the model's structure (``schild.calibration.rolling.STRUCTURES``); never on months held
out for the goals. The data file is never copied.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

DEFAULT_ORIGINS = "2023-06-30,2023-12-31,2024-06-30,2024-09-30,2024-12-31,2025-03-31"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="missile_attacks_daily*.csv (not shipped)")
    ap.add_argument("--origins", default=DEFAULT_ORIGINS,
                    help="comma-separated last days of the fits, or month ranges (2023-03..2024-12: every "
                         "month end in it)")
    ap.add_argument("--horizon", type=int, default=6, help="months predicted after each origin")
    ap.add_argument("--structures", default="default,drift+size",
                    help="comma-separated names from schild.calibration.rolling.STRUCTURES")
    ap.add_argument("--groups", default=None, help="comma-separated simulated groups (default: all)")
    ap.add_argument("--runs", type=int, default=200, help="replications per predicted month")
    ap.add_argument("--table-runs", type=int, default=40, help="replications per design-grid node")
    ap.add_argument("--iter", type=int, default=6000, help="Metropolis iterations per group")
    ap.add_argument("--seeds", default="0", help="comma-separated calibration seeds (one run per seed)")
    ap.add_argument("--out", type=Path, default=Path("out/rolling.csv"))
    ap.add_argument("--baseline", default=None,
                    help="comma-separated score CSVs of earlier runs to pair every structure with")
    ap.add_argument("--baseline-structure", default="default", help="structure of the baseline files")
    args = ap.parse_args()

    from schild.calibration.data import load
    from schild.calibration.rolling import STRUCTURES, paired_against, parse_origins, rolling_origin

    console = Console(width=120)
    names = [s.strip() for s in args.structures.split(",") if s.strip()]
    unknown = [s for s in names if s not in STRUCTURES]
    if unknown:
        raise SystemExit(f"unknown structure(s) {unknown}; known: {', '.join(STRUCTURES)}")
    groups = tuple(g.strip() for g in args.groups.split(",")) if args.groups else None
    try:
        origins = parse_origins(args.origins)
    except ValueError as e:
        raise SystemExit(str(e)) from None
    baseline = None
    if args.baseline:
        try:
            baseline = pd.concat([pd.read_csv(p.strip()) for p in args.baseline.split(",") if p.strip()],
                                 ignore_index=True)
        except (OSError, ValueError) as e:
            raise SystemExit(f"--baseline: {e}") from None
    df = load(args.data)
    t0 = time.perf_counter()
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    rows: list[pd.DataFrame] = []
    parts = []
    for seed in seeds:
        part_rows: list[pd.DataFrame] = []
        part = rolling_origin(df, origins, horizon=args.horizon, runs=args.runs, seed=seed,
                              table_runs=args.table_runs, structures={s: STRUCTURES[s] for s in names},
                              n_iter=args.iter, groups=groups, rows_out=part_rows,
                              load_until=lambda t: load(args.data, until=t),
                              progress=lambda m, seed=seed: console.print(
                                  f"[dim]seed {seed}: {m} ({time.perf_counter() - t0:.0f} s)[/]"))
        parts.append(part.assign(seed=seed))
        rows += [r.assign(seed=seed) for r in part_rows]
    res = pd.concat(parts, ignore_index=True)
    secs = time.perf_counter() - t0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    res.to_csv(args.out, index=False)
    if rows:
        pd.concat(rows).to_csv(args.out.with_name(args.out.stem + "_rows.csv"), index=False)
    tab = Table(title=f"{len(origins)} origins, horizon {args.horizon}, seeds {seeds}, {secs:.0f} s")
    for c in ("class", "structure", "MAE pp per origin (mean over seeds)", "mean MAE", "per seed", "cov90",
              "naive MAE", "naive cov90"):
        tab.add_column(c)
    for (cls, st), x in res.groupby(["class", "structure"], sort=False):
        per_origin = x.groupby("origin", sort=False)["mae_pp"].mean()
        per_seed = x.groupby("seed")["mae_pp"].mean()
        tab.add_row(cls, st, " ".join(f"{v:.2f}" for v in per_origin), f"{per_origin.mean():.2f}",
                    " ".join(f"{v:.2f}" for v in per_seed),
                    f"{(x['coverage_90'] * x['n_months']).sum() / x['n_months'].sum():.2f}",
                    f"{x['naive_mae_pp'].mean():.2f}",
                    f"{(x['naive_coverage_90'] * x['n_months']).sum() / x['n_months'].sum():.2f}")
    console.print(tab)
    if len(names) > 1:
        base = names[0]
        for cls, x in res.groupby("class", sort=False):
            m = x.groupby(["structure", "seed"])["mae_pp"].mean()
            for st in names[1:]:
                if (st, seeds[0]) not in m.index or (base, seeds[0]) not in m.index:
                    continue
                d = [m[(st, sd)] - m[(base, sd)] for sd in seeds]
                console.print(f"{cls}: {st} - {base} = {sum(d) / len(d):+.2f} pp "
                              f"(per seed {', '.join(f'{v:+.2f}' for v in d)})", highlight=False)
    if baseline is not None:
        try:
            pr = paired_against(res, baseline, args.baseline_structure)
        except ValueError as e:
            raise SystemExit(f"--baseline: {e} (scores of this run: {args.out})") from None
        for (cls, st), x in pr.groupby(["class", "structure"], sort=False):
            console.print(f"{cls}: {st} - {args.baseline_structure} (baseline files) = "
                          f"{x['difference_pp'].mean():+.2f} pp (per seed "
                          f"{', '.join(f'{v:+.2f}' for v in x['difference_pp'])}; coverage "
                          f"{x['coverage_90'].mean():.2f} against {x['base_coverage_90'].mean():.2f})",
                          highlight=False)
    console.print(f"scores: {args.out}")


if __name__ == "__main__":
    main()
