"""Raid simulator benchmark: the record-raid example (847 threats, 40 fire units), 1,000 replications.

Run: python benchmarks/bench_raid.py [--runs 1000] [--workers 2] [--scenario examples/city-record-raid.yaml]
Goal (issue: raid simulator): under 10 s on a 2-core machine for 1,000 replications.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", default=str(ROOT / "examples" / "city-record-raid.yaml"))
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--assignment", choices=["heuristic", "exact"], default=None)
    args = ap.parse_args()

    t0 = time.perf_counter()
    import schild

    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    world = schild.load_scenario(args.scenario)
    t_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    schild.simulate(world, runs=2, seed=0, workers=args.workers, assignment=args.assignment)  # JIT warm-up
    t_warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = schild.simulate(world, runs=args.runs, seed=args.seed, workers=args.workers, assignment=args.assignment)
    t_sim = time.perf_counter() - t0
    a = res.arrays
    engagements = int(a.engagements_per_fire_unit.sum())
    shots = int(a.shots_per_fire_unit.sum())
    kills = int(a.kills_per_fire_unit.sum())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    threat_runs = world.n_threats * args.runs
    print(f"scenario            {world.name}: {world.n_threats} threats, {len(world.fire_unit_ids)} fire units")
    print(f"replications        {args.runs} (seed {args.seed}, assignment {res.manifest['assignment']})")
    print(f"import              {t_import:6.2f} s")
    print(f"compile world       {t_compile:6.2f} s")
    print(f"JIT warm-up         {t_warm:6.2f} s (cached after the first run on a machine)")
    print(f"simulate            {t_sim:6.2f} s   <- goal: under 10 s for 1,000 replications")
    print(f"total (load+sim)    {t_compile + t_sim:6.2f} s")
    print(f"threat-flights/s    {threat_runs / t_sim:,.0f}")
    print(f"engagements/s       {engagements / t_sim:,.0f} ({engagements:,} engagements, {shots:,} rounds, "
          f"{kills:,} kills)")
    print(f"peak memory (RSS)   {peak_mb:,.0f} MB")
    print(f"leaked (mean, 95%)  {res.leaked.mean:.1f} [{res.leaked.ci95[0]:.1f}, {res.leaked.ci95[1]:.1f}]")
    assert np.isfinite(res.leaked.mean)


if __name__ == "__main__":
    main()
