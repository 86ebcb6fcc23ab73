"""Real-time WTA benchmark: the battle-manager-sized problem (30 fire units x 200 threats).

Usage:
    python benchmarks/wta_realtime.py [--calls N] [--budget-ms MS] [--seed S]

Draws ``--calls`` random problems of the shape the battle manager hands over at a busy epoch
(30 weapon types with 1-3 free engagements, 200 targets, ``target_caps = 1``, 70 % of pairs
feasible), solves each with the heuristic at ``--budget-ms`` after a warm-up, and prints the
median / 95th percentile / max wall time and the heuristic's % above the exact optimum
(exact solved without a time pressure, 60 s). Target (issue 3): under 10 ms.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from schild.wta import WTAProblem, solve
from schild.wta.solve import warm_up


def battle_manager_problem(rng: np.random.Generator, m: int = 30, n: int = 200) -> WTAProblem:
    return WTAProblem(units=rng.integers(1, 4, size=m), values=rng.integers(1, 101, n),
                      p=rng.uniform(0.05, 0.95, (m, n)), mask=rng.uniform(size=(m, n)) < 0.7,
                      target_caps=np.ones(n, dtype=int))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--budget-ms", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    warm_up()
    rng = np.random.default_rng(args.seed)
    problems = [battle_manager_problem(rng) for _ in range(args.calls)]
    times_ms, heur = [], []
    for k, prob in enumerate(problems):  # timed back to back, as epochs follow each other
        t0 = time.perf_counter()
        he = solve(prob, method="heuristic", time_limit_s=args.budget_ms / 1000.0, seed=k)
        times_ms.append(1000.0 * (time.perf_counter() - t0))
        assert prob.is_feasible(he.x)
        heur.append(he.objective)
    exact = [solve(p, method="exact", time_limit_s=60.0, seed=0).objective for p in problems]
    pct = [100.0 * (h - e) / e for h, e in zip(heur, exact)]
    t = np.array(times_ms)
    print(f"30 x 200, target_caps 1, budget {args.budget_ms:g} ms, {args.calls} problems")
    print(f"wall time ms: median {np.median(t):.2f}  p95 {np.percentile(t, 95):.2f}  max {t.max():.2f} "
          f"(call {int(t.argmax())}); over {args.budget_ms:g} ms: {int((t > args.budget_ms).sum())} calls")
    print(f"% above exact optimum: median {np.median(pct):.3f}  max {np.max(pct):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
