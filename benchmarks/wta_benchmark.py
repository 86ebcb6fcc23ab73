"""Benchmark schild.wta on the Andersen-Pavlikov-Toffolo WTA instances.

Usage:
    python benchmarks/wta_benchmark.py --instances DIR [--published CSV]
        [--time-limit S] [--heuristic-time S] [--baseline-time-limit S]
        [--only NAME ...] [--json OUT]

Per instance it prints the best known objective (minimum over the rows of
published_results.csv) and best published lower bound, our exact solver's
objective / bound / gap / time, our heuristic's objective and % above the best
known after ``--heuristic-time`` seconds, and a plain model a user would
write: a HiGHS MILP with fixed tangent cuts on ``v_j exp(sum_i x_ij log q_ij)``
(outer approximation; its optimum is a valid lower bound and its assignment
is re-evaluated exactly).  The instance files are GPL-3.0 and stay outside
this repository; pass their folder as an argument.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from schild.wta import WTAProblem, read_instance, solve
from schild.wta.exact import new_highs

try:
    import highspy
except ImportError:  # pragma: no cover - highspy is a schild dependency
    highspy = None


def load_published(path: Path) -> dict[str, tuple[float, float]]:
    """Instance -> (best known objective, best published lower bound)."""
    best: dict[str, list[float]] = {}
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                obj, lb = float(row["objective"]), float(row["lb"])
            except (KeyError, ValueError):
                continue
            cur = best.setdefault(row["instance"], [math.inf, -math.inf])
            cur[0] = min(cur[0], obj)
            cur[1] = max(cur[1], lb)
    return {k: (v[0], v[1]) for k, v in best.items()}


def plain_tangent_milp(problem: WTAProblem, time_limit_s: float, n_tangents: int = 24):
    """Baseline: MILP with fixed tangents of v*exp(s) (outer approximation) in HiGHS."""
    t0 = time.perf_counter()
    m, n = problem.p.shape
    logq = np.log(np.clip(1.0 - problem.p, 1e-12, 1.0))
    h = new_highs()
    inf = highspy.kHighsInf
    # Variables: x_ij (m*n integer), s_j (n, log-survival), z_j (n, survival value).
    nx = m * n
    ub_x = np.repeat(problem.units.astype(float), n)
    h.addVars(nx, np.zeros(nx), ub_x)
    h.changeColsIntegrality(nx, np.arange(nx, dtype=np.int32),
                            np.array([highspy.HighsVarType.kInteger] * nx))
    h.addVars(n, np.full(n, -inf), np.zeros(n))
    h.addVars(n, np.zeros(n), np.full(n, inf))
    cost = np.concatenate((np.zeros(nx + n), np.ones(n)))
    h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
    for i in range(m):  # weapon capacity
        idx = np.arange(i * n, (i + 1) * n, dtype=np.int32)
        h.addRow(-inf, float(problem.units[i]), n, idx, np.ones(n))
    # s_j = sum_i x_ij log q_ij ;  z_j >= v_j e^t (1 + s_j - t) at tangent points t.
    ts = -np.concatenate(([0.0], np.geomspace(0.01, max(1.0, -logq.min() * problem.units.max()
                                                         * 3), n_tangents - 1)))
    for j in range(n):
        idx = np.concatenate((np.arange(j, nx, n), [nx + j])).astype(np.int32)
        h.addRow(0.0, 0.0, m + 1, idx, np.concatenate((logq[:, j], [-1.0])))
        v = float(problem.values[j])
        for t in ts:
            e = v * math.exp(t)
            # z - e*s >= e*(1 - t)
            h.addRow(e * (1.0 - t), inf, 2, np.array([nx + n + j, nx + j], dtype=np.int32),
                     np.array([1.0, -e]))
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", 1e-4)
    h.run()
    info = h.getInfo()
    if info.primal_solution_status != 2:
        return None, -math.inf, time.perf_counter() - t0
    xv = np.array(h.getSolution().col_value[:nx])
    x = np.rint(xv).astype(np.int64).reshape(m, n)
    return problem.objective(x), float(info.mip_dual_bound), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", type=Path, required=True)
    ap.add_argument("--published", type=Path, default=None)
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--heuristic-time", type=float, default=1.0)
    ap.add_argument("--baseline-time-limit", type=float, default=60.0)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    pub_path = args.published or (args.instances / "published_results.csv")
    published = load_published(pub_path) if pub_path.exists() else {}
    files = sorted(args.instances.glob("wta_*.txt"),
                   key=lambda f: tuple(int(t) for t in f.stem.split("_")[1].split("x")))
    if args.only:
        files = [f for f in files if f.stem in set(args.only)]
    # JIT warm-up so the 1 s heuristic figure is not compile time.
    from schild.wta.solve import warm_up

    warm_up("exact")
    rows = []
    hdr = (f"{'instance':16s} {'best known':>11s} {'best LB':>11s} | {'exact obj':>11s} "
           f"{'exact LB':>11s} {'gap':>8s} {'t[s]':>6s} | {'heur obj':>11s} {'%>best':>7s} | "
           f"{'plain obj':>11s} {'plain LB':>11s} {'gap':>8s} {'t[s]':>6s}")
    print(hdr)
    print("-" * len(hdr))
    for f in files:
        prob = read_instance(f)
        best, best_lb = published.get(f.stem, (math.nan, math.nan))
        ex = solve(prob, method="exact", time_limit_s=args.time_limit, seed=0)
        he = solve(prob, method="heuristic", time_limit_s=args.heuristic_time, seed=0)
        ref = min(best, ex.objective) if not math.isnan(best) else ex.objective
        heur_pct = 100.0 * (he.objective - ref) / ref
        if args.no_baseline:
            pl_obj, pl_lb, pl_t = math.nan, math.nan, math.nan
        else:
            pl_obj, pl_lb, pl_t = plain_tangent_milp(prob, args.baseline_time_limit)
            pl_obj = math.nan if pl_obj is None else pl_obj
        pl_gap = (pl_obj - pl_lb) / pl_obj if pl_obj == pl_obj and pl_obj else math.nan
        row = dict(instance=f.stem, best_known=best, best_published_lb=best_lb,
                   exact_obj=ex.objective, exact_lb=ex.lower_bound, exact_gap=ex.gap,
                   exact_time_s=ex.time_s, exact_proven=ex.proven_optimal,
                   heuristic_obj=he.objective, heuristic_pct_over_best=heur_pct,
                   heuristic_time_s=he.time_s, plain_obj=pl_obj, plain_lb=pl_lb,
                   plain_gap=pl_gap, plain_time_s=pl_t)
        rows.append(row)
        print(f"{f.stem:16s} {best:11.6f} {best_lb:11.6f} | {ex.objective:11.6f} "
              f"{ex.lower_bound:11.6f} {ex.gap:8.1e} {ex.time_s:6.1f} | {he.objective:11.6f} "
              f"{heur_pct:7.3f} | {pl_obj:11.6f} {pl_lb:11.6f} {pl_gap:8.1e} {pl_t:6.1f}",
              flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
