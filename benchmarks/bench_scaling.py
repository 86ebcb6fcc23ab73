"""Raid-size scaling benchmark: cost per replication against the number of threats.

Run: python benchmarks/bench_scaling.py [scenario] [--scales 1,4,16] [--runs 5] [--workers 1]
       [--threats 100000]

The scenario is compiled once; each scale multiplies every raid's count (``World.with_counts``, so no
geometry is recomputed). ``--threats N`` adds a row scaled so the raid has about N threats. The table
gives the threats, wall and CPU milliseconds per replication (best of ``--repeats`` timings of ``--runs``
runs), the CPU time's ratio to the first scale's, engagements simulated per second and the peak memory
of the process (RSS).

Goal (issue 15): cost about linear in the raid: x16 within 25 times x1, and a 100,000-threat raid in
under 10 s per replication (one thread). Figures before and after the agenda: benchmarks/README.md.
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
    """Best wall and CPU seconds (all threads) of ``repeats`` simulations of ``runs`` replications, and the
    last result. On a machine shared with other work the CPU time moves less than the wall time."""
    import schild

    wall, cpu, res = float("inf"), float("inf"), None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        res = schild.simulate(world, runs=runs, seed=seed, workers=workers)
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return wall, cpu, res


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
    print(f"{'scale':>7} {'threats':>9} {'ms/run':>10} {'cpu ms/run':>10} {'ratio':>7} {'engagements/s':>14} "
          f"{'peak MB':>8}")
    base_ms = None
    for scale in scales:
        scaled = world.with_counts(np.rint(counts * scale).astype(np.int64))
        wall, cpu, res = _time_runs(scaled, args.runs, args.workers, args.repeats, args.seed)
        ms, cpu_ms = 1000.0 * wall / args.runs, 1000.0 * cpu / args.runs
        base_ms = base_ms or cpu_ms
        eng = int(res.arrays.engagements_per_fire_unit.sum())
        print(f"{scale:7.2f} {scaled.n_threats:9,} {ms:10.1f} {cpu_ms:10.1f} {cpu_ms / base_ms:7.1f} "
              f"{eng / wall:14,.0f} {_peak_mb():8,.0f}", flush=True)


if __name__ == "__main__":
    main()
