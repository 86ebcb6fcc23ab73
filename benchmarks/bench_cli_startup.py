"""Command-line start-up benchmark: wall time of three quick commands, each run as a fresh process.

Run: python benchmarks/bench_cli_startup.py [--repeats 7]
Goal (issue 14): `schild --help`, `schild validate examples/city-record-raid.yaml` and `schild catalog list`
each answer in well under 1 s (the median over the repeats is compared with the target).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0
COMMANDS = {
    "schild --help": ["--help"],
    "schild validate examples/city-record-raid.yaml": ["validate", str(ROOT / "examples" / "city-record-raid.yaml")],
    "schild catalog list": ["catalog", "list"],
}


def time_command(args: list[str], repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of each run of ``python -m schild.cli ARGS`` (what the `schild`
    script runs). The CPU time hardly moves when other work shares the machine; the wall time does."""
    wall, cpu = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "schild.cli", *args], cwd=ROOT, capture_output=True,
                              env={**os.environ, "COLUMNS": "120"})
        wall.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            sys.exit(f"schild {' '.join(args)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=7, help="runs of each command (median reported)")
    args = ap.parse_args()
    time_command(["--help"], 1)  # the first start reads the files from disk; not what a user sees twice
    width = max(map(len, COMMANDS))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.repeats} runs each")
    print(f"{'command':<{width}}  wall median  min    max    cpu median  target {TARGET_S:.1f} s (wall)")
    slow = []
    for name, cli_args in COMMANDS.items():
        wall, cpu = time_command(cli_args, args.repeats)
        median = statistics.median(wall)
        if median >= TARGET_S:
            slow.append(name)
        print(f"{name:<{width}}  {median:9.3f} s  {min(wall):5.3f}  {max(wall):5.3f}  {statistics.median(cpu):8.3f} s"
              f"  {'ok' if median < TARGET_S else 'SLOW'}")
    sys.exit(1 if slow else 0)


if __name__ == "__main__":
    main()
