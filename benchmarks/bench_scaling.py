"""Raid-size scaling benchmark: cost per replication against the number of threats.

Run: python benchmarks/bench_scaling.py [scenario] [--scales 1,4,16] [--runs 5] [--workers 1]
       [--threats 100000]

The scenario is compiled once; each scale multiplies every raid's count (``World.with_counts``, so no
geometry is recomputed). ``--threats N`` adds a row scaled so the raid has about N threats. The table
gives the threats, milliseconds per replication (best of ``--repeats`` timings of ``--runs`` runs), the
ratio to the first scale, engagements simulated per second and the peak memory of the process (RSS).

Goal (issue 15): cost about linear in the raid: x16 within 25 times x1, and a 100,000-threat raid in
under 10 s per replication (one thread). Measured on the record-raid example (847 threats at x1), one
thread, 2-core machine shared with other work:

before (active list scanned every epoch, blocked threats all re-evaluated at every resource event)::

    scale  threats    ms/run   ratio  engagements/s  peak MB
        1      847      6.7     1.0      ...
        4    3,388     77      11.5
       16   13,552    946     141
     ~118  100,000    > 90,000 (did not finish one run)

after: see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _time_runs(world, runs: int, workers: int, repeats: int, seed: int):
    """Best wall time of ``repeats`` simulations of ``runs`` replications, and the last result."""
    import schild

    best, res = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = schild.simulate(world, runs=runs, seed=seed, workers=workers)
        best = min(best, time.perf_counter() - t0)
    return best, res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "examples" / "city-record-raid.yaml"))
    ap.add_argument("--scales", default="1,4,16", help="comma-separated multipliers of every raid count")
    ap.add_argument("--threats", type=int, default=None, help="add a row with about this many threats")
    ap.add_argument("--runs", type=int, default=5, help="replications per timing")
    ap.add_argument("--repeats", type=int, default=3, help="timings per scale (best reported)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    import schild

    t0 = time.perf_counter()
    world = schild.load_scenario(args.scenario)
    t_compile = time.perf_counter() - t0
    counts = world.arrays.raid_count.copy()
    scales = [float(s) for s in args.scales.split(",") if s.strip()]
    if args.threats:
        scales.append(args.threats / max(int(counts.sum()), 1))
    schild.simulate(world, runs=2, seed=0, workers=1)  # JIT warm-up (cached after the first time)
    print(f"scenario {world.name}: {world.n_threats} threats, {len(world.fire_unit_ids)} fire units; "
          f"compile {t_compile:.2f} s; {args.runs} runs x best of {args.repeats}, {args.workers} worker(s)")
    print(f"{'scale':>7} {'threats':>9} {'ms/run':>10} {'ratio':>7} {'engagements/s':>14} {'peak MB':>8}")
    base_ms = None
    for scale in scales:
        scaled = world.with_counts(np.rint(counts * scale).astype(np.int64))
        wall, res = _time_runs(scaled, args.runs, args.workers, args.repeats, args.seed)
        ms = 1000.0 * wall / args.runs
        base_ms = base_ms or ms
        eng = int(res.arrays.engagements_per_fire_unit.sum())
        print(f"{scale:7.2f} {scaled.n_threats:9,} {ms:10.1f} {ms / base_ms:7.1f} {eng / wall:14,.0f} "
              f"{_peak_mb():8,.0f}", flush=True)


if __name__ == "__main__":
    main()
