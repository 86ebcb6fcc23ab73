"""Rehearsal of a later release of the Air Force data: do calibrate and score run end to end on it?

Run: python benchmarks/calibration_later_release.py --data missile_attacks_daily_until_2025-06-30.csv
         [--shift-months 3] [--drone-factor 1.7] [--out-dir out/later_release]

The months the issue's goals are judged on come in a later release of the file, which this project never
reads. This builds a stand-in from the file you name: the last ``--shift-months`` months are copied
after its end, with the practices the dataset's later rows are known to follow and with stress added:

- drone nights ``--drone-factor`` times bigger (windows beyond the simulator tables' grid),
- locally lost folded into ``destroyed`` with ``not_reach_goal`` left empty,
- ``is_shahed`` filled in (60 % of the drones) and ``turbojet`` counts on drone rows,
- a Geran-3 row and a model name the mapping table does not know.

It also writes the copied months as a file of their own (ISO dates with a zone offset) and validates on
that: the naive yardstick must come from the parameters file, the same as with the whole file.

Then it runs ``schild calibrate --until <end of the real file's last month>`` and ``schild score --from <first
copied month>`` as a user would, checks the exit codes, that the unknown name is reported, that every
modelled class has rows for the copied months, and prints the wall times. The copied months' rates mean
nothing (they are earlier months moved on); only whether the code paths hold is measured. The data file
is never copied into the repository; the stand-in is written under ``--out-dir``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

UNKNOWN_NAME = "Shahed-999 (rehearsal)"


def build_stand_in(src: Path, out: Path, shift_months: int, drone_factor: float) -> tuple[str, str]:
    """Write the stand-in file; return (last day of the real file's last month, first copied month)."""
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    ts = pd.to_datetime(df["time_start"], errors="coerce")
    end = ts.max().normalize()
    first = (end.to_period("M") - (shift_months - 1)).start_time
    later = df[ts >= first].copy()

    def shift(col: str) -> pd.Series:
        t = pd.to_datetime(later[col], errors="coerce") + pd.DateOffset(months=shift_months)
        return t.dt.strftime("%Y-%m-%d %H:%M").fillna("")

    later["time_start"], later["time_end"] = shift("time_start"), shift("time_end")
    num = lambda c: pd.to_numeric(later[c], errors="coerce")  # noqa: E731
    drone = later["model"].str.contains("Shahed", na=False).to_numpy()
    launched = num("launched").to_numpy()
    defeated = (num("destroyed").fillna(0) + num("not_reach_goal").fillna(0)).to_numpy()
    launched = np.where(drone, np.round(launched * drone_factor), launched)
    defeated = np.where(drone, np.round(defeated * drone_factor), defeated)
    fmt = lambda v: "" if np.isnan(v) else f"{v:.1f}"  # noqa: E731
    later["launched"] = [fmt(v) for v in launched]
    later["destroyed"] = [fmt(v) for v in np.minimum(defeated, launched)]
    later["not_reach_goal"] = ""
    later.loc[drone, "is_shahed"] = [fmt(v) for v in np.round(launched[drone] * 0.6)]
    later.loc[drone, "turbojet"] = "3.0"
    extra = later[drone].head(2).copy()
    extra["model"] = ["Geran-3", UNKNOWN_NAME]
    extra["launched"], extra["destroyed"], extra["is_shahed"] = "5.0", "3.0", ""
    pd.concat([later, extra, df], ignore_index=True).to_csv(out, index=False)
    # the same new months as a file of their own (a release cut to what is new), dates in ISO form with a
    # zone offset: the naive yardstick must still come from the fitted months
    new_only = pd.concat([later, extra], ignore_index=True)
    for col in ("time_start", "time_end"):
        t = pd.to_datetime(new_only[col], errors="coerce")
        new_only[col] = t.dt.strftime("%Y-%m-%dT%H:%M:00+03:00").fillna("")
    new_only.to_csv(out.with_name(out.stem + "_new_months_only.csv"), index=False)
    last_day = end.to_period("M").end_time.normalize()
    return last_day.strftime("%Y-%m-%d"), (end.to_period("M") + 1).start_time.strftime("%Y-%m-%d")


def run(cmd: list[str]) -> tuple[int, str, float]:
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "COLUMNS": "160"})
    return p.returncode, p.stdout + p.stderr, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="missile_attacks_daily*.csv (not shipped)")
    ap.add_argument("--shift-months", type=int, default=3, help="months copied after the file's end")
    ap.add_argument("--drone-factor", type=float, default=1.7, help="drone nights made this much bigger")
    ap.add_argument("--out-dir", type=Path, default=Path("out/later_release"))
    args = ap.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    stand_in = args.out_dir / "stand_in.csv"
    until, first = build_stand_in(args.data, stand_in, args.shift_months, args.drone_factor)
    print(f"stand-in: {stand_in} (real rows to {until}, copied months from {first})")
    exe = [sys.executable, "-m", "schild.cli"]
    params, vjson = args.out_dir / "params.json", args.out_dir / "validation.json"
    rc, out, t_cal = run([*exe, "calibrate", "--data", str(stand_in), "--until", until, "--out", str(params)])
    print(f"calibrate: exit {rc}, {t_cal:.0f} s")
    if rc != 0:
        print(out[-3000:])
        sys.exit(1)
    rc, out, t_val = run([*exe, "score", "--data", str(stand_in), "--params", str(params), "--from", first,
                          "--json", str(vjson), "--report", str(args.out_dir / "report")])
    print(f"validate: exit {rc}, {t_val:.0f} s")
    problems = []
    if rc != 0:
        problems.append(f"validate exited {rc}")
    if UNKNOWN_NAME not in out:
        problems.append("the unknown model name was not reported")
    fresh = [ln.strip() for ln in out.splitlines() if "fresh simulation" in ln]
    if rc == 0:
        doc = json.loads(vjson.read_text())
        months = sorted({r["month"] for r in doc["rows"]})
        for cls in ("drone", "cruise", "ballistic"):
            if not any(r["class"] == cls for r in doc["rows"]):
                problems.append(f"no rows for {cls}")
        print(f"predicted months: {', '.join(months)}; {fresh[0] if fresh else ''}")
        for cls, s in doc["summary"].items():
            print(f"  {cls:18s} months {s['n_months']}  MAE {s['mae_pp']:6.2f} pp  cov90 {s['coverage90']:.2f}"
                  "  (rates of moved months: not a score)")
    new_only = stand_in.with_name(stand_in.stem + "_new_months_only.csv")
    vjson2 = args.out_dir / "validation_new_months_only.json"
    rc2, out2, t_val2 = run([*exe, "score", "--data", str(new_only), "--params", str(params), "--from", first,
                             "--json", str(vjson2)])
    print(f"validate on a file of the new months only: exit {rc2}, {t_val2:.0f} s")
    if rc2 != 0:
        problems.append(f"validate on the new months only exited {rc2}: {out2[-500:]}")
    elif rc == 0:
        a, b = json.loads(vjson.read_text()), json.loads(vjson2.read_text())
        rate = lambda d: {(r["class"], r["month"]): r["predicted_rate"] for r in d["naive"]["rows"]}  # noqa: E731
        if not b["naive"]["source"].startswith("parameters file") or rate(a) != rate(b) or not rate(b):
            problems.append("the naive yardstick differs on the new-months-only file")
        for cls, s in b["summary"].items():
            print(f"  {cls:18s} MAE {s['mae_pp']:6.2f} pp (whole file {a['summary'][cls]['mae_pp']:6.2f}), "
                  "naive " + ("-" if s["naive_mae_pp"] is None else f"{s['naive_mae_pp']:.2f}") + " pp")
    print("OK: every code path held" if not problems else "PROBLEMS: " + "; ".join(problems))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
