"""Results of Monte Carlo replications: arrays per run, means with 95% confidence intervals, files.

Everything is kept per run (``runs x ...`` arrays) so campaigns, planners and reports can aggregate as
they need; ``summary()`` and ``to_dict()`` give the usual mean and 95% CI of each figure.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .output_paths import output_target
from .scenario.catalog_models import THREAT_CLASSES

EVENT_KINDS = ("launch", "detect", "shoot", "kill", "miss", "ew_defeat", "leak")
ONE_RUN_NOTE = "one run gives no 95% confidence interval: every ci95 is null; use 2 runs or more"
EXCHANGE_RATIO_LEGEND = "exchange_ratio = interceptor cost / threat cost (above 1: the defence pays more)"


@dataclass(frozen=True)
class Stat:
    """Mean of a per-run figure with a 95% confidence interval of the mean (Student t); one run gives no
    interval (NaN bounds, ``null`` in JSON): its spread is unknown, not zero."""

    mean: float
    ci95: tuple[float, float]
    values: np.ndarray = field(repr=False, compare=False)

    @classmethod
    def of(cls, values: np.ndarray, lower: float | None = None) -> "Stat":
        """``lower``: the least value the figure can take; the interval is cut there (a t-interval from a
        few runs of a count can reach below zero, which no run can)."""
        v = np.asarray(values, dtype=float)
        n = len(v)
        if n == 0:
            return cls(float("nan"), (float("nan"), float("nan")), v)
        m = float(v.mean())
        if n < 2:
            return cls(m, (float("nan"), float("nan")), v)
        sd = float(v.std(ddof=1))
        half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
        lo = m - half if lower is None else max(lower, m - half)
        return cls(m, (lo, m + half), v)

    def to_dict(self) -> dict[str, Any]:
        return {"mean": _clean(self.mean), "ci95": [_clean(self.ci95[0]), _clean(self.ci95[1])]}


def _stat(values: np.ndarray) -> Stat:
    """Every figure of a result is a count, a cost or a ratio of costs: never below zero."""
    return Stat.of(values, lower=0.0)


def _clean(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


@dataclass
class RunArrays:
    """Per-run totals as written by the engine."""

    launched: np.ndarray  # runs x classes
    killed: np.ndarray
    ew_defeated: np.ndarray
    leaked: np.ndarray
    leaked_per_asset: np.ndarray  # runs x assets (lethal threats only, decoys excluded)
    shots_per_interceptor: np.ndarray  # runs x interceptor types
    shots_per_fire_unit: np.ndarray  # runs x fire units
    kills_per_fire_unit: np.ndarray
    engagements_per_fire_unit: np.ndarray
    ready_left: np.ndarray  # runs x fire units: rounds loaded at the end
    reserve_left: np.ndarray
    end_time_s: np.ndarray  # runs

    @classmethod
    def concat(cls, parts: list["RunArrays"]) -> "RunArrays":
        return cls(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in cls.__dataclass_fields__})


@dataclass
class SimulationResult:
    """What a set of replications produced, with the manifest needed to reproduce it."""

    world: Any
    runs: int
    seed: int
    arrays: RunArrays
    manifest: dict[str, Any]
    events_frame: pd.DataFrame | None = None
    events_path: str | None = None

    # -- per-run derived figures -------------------------------------------------------------------
    def per_run(self) -> dict[str, np.ndarray]:
        a = self.arrays
        icpt_cost = a.shots_per_interceptor @ self.world.interceptor_cost_usd
        threat_cost = np.full(self.runs, float(self.world.threat_cost_usd.sum()))
        with np.errstate(divide="ignore", invalid="ignore"):
            exchange = np.where(threat_cost > 0, icpt_cost / threat_cost, np.nan)
        lethal = [i for i, c in enumerate(THREAT_CLASSES) if c != "decoy"]
        return {
            "launched": a.launched.sum(1),
            "killed": a.killed.sum(1),
            "ew_defeated": a.ew_defeated.sum(1),
            "leaked": a.leaked.sum(1),
            "leaked_lethal": a.leaked[:, lethal].sum(1),
            "shots": a.shots_per_interceptor.sum(1),
            "engagements": a.engagements_per_fire_unit.sum(1),
            "cost_interceptors_usd": icpt_cost,
            "cost_threats_usd": threat_cost,
            "exchange_ratio": exchange,
        }

    def stat(self, name: str) -> Stat:
        return _stat(self.per_run()[name])

    def __getattr__(self, name: str) -> Stat:
        if name in ("launched", "killed", "ew_defeated", "leaked", "leaked_lethal", "shots", "exchange_ratio"):
            return self.stat(name)
        raise AttributeError(name)

    def classes_present(self) -> list[int]:
        return [i for i in range(len(THREAT_CLASSES)) if self.arrays.launched[:, i].sum() > 0]

    # -- tables and files ----------------------------------------------------------------------------
    def summary(self) -> pd.DataFrame:
        """A tidy table: figure, mean, ci95_low, ci95_high."""
        rows = []
        for name, values in self.per_run().items():
            s = _stat(values)
            rows.append((name, s.mean, s.ci95[0], s.ci95[1]))
        a = self.arrays
        for c in self.classes_present():
            cname = THREAT_CLASSES[c]
            for label, arr in (("launched", a.launched), ("killed", a.killed), ("ew_defeated", a.ew_defeated),
                               ("leaked", a.leaked)):
                s = _stat(arr[:, c])
                rows.append((f"{cname}.{label}", s.mean, s.ci95[0], s.ci95[1]))
        for i, name in enumerate(self.world.interceptors):
            s = _stat(a.shots_per_interceptor[:, i])
            rows.append((f"interceptors.{name}", s.mean, s.ci95[0], s.ci95[1]))
        for i, name in enumerate(self.world.asset_ids):
            s = _stat(a.leaked_per_asset[:, i])
            rows.append((f"asset.{name}.leaked_lethal", s.mean, s.ci95[0], s.ci95[1]))
        return pd.DataFrame(rows, columns=["figure", "mean", "ci95_low", "ci95_high"])

    def to_dict(self) -> dict[str, Any]:
        a = self.arrays
        pr = self.per_run()
        out: dict[str, Any] = {"runs": self.runs, "seed": self.seed, "scenario": self.world.name}
        if self.runs < 2:
            out["note"] = ONE_RUN_NOTE
        for key in ("launched", "killed", "ew_defeated", "leaked", "leaked_lethal", "shots", "engagements"):
            out[key] = _stat(pr[key]).to_dict()
        out["by_class"] = {
            THREAT_CLASSES[c]: {
                "launched": _stat(a.launched[:, c]).to_dict(),
                "killed": _stat(a.killed[:, c]).to_dict(),
                "ew_defeated": _stat(a.ew_defeated[:, c]).to_dict(),
                "leaked": _stat(a.leaked[:, c]).to_dict(),
            }
            for c in self.classes_present()
        }
        out["per_asset"] = {aid: {"leaked_lethal": _stat(a.leaked_per_asset[:, i]).to_dict()}
                            for i, aid in enumerate(self.world.asset_ids)}
        out["interceptors"] = {name: _stat(a.shots_per_interceptor[:, i]).to_dict()
                               for i, name in enumerate(self.world.interceptors)}
        out["fire_units"] = {
            fid: {"shots": _stat(a.shots_per_fire_unit[:, i]).to_dict(),
                  "kills": _stat(a.kills_per_fire_unit[:, i]).to_dict(),
                  "engagements": _stat(a.engagements_per_fire_unit[:, i]).to_dict(),
                  "rounds_left": _stat(a.ready_left[:, i] + a.reserve_left[:, i]).to_dict()}
            for i, fid in enumerate(self.world.fire_unit_ids)
        }
        out["cost_usd"] = {"interceptors": _stat(pr["cost_interceptors_usd"]).to_dict(),
                           "threats": _stat(pr["cost_threats_usd"]).to_dict()}
        out["exchange_ratio"] = _stat(pr["exchange_ratio"]).to_dict()
        out["manifest"] = self.manifest
        return out

    def write_json(self, path: str | Path) -> None:
        atomic_write_text(path, json.dumps(self.to_dict(), indent=2))

    def events(self) -> pd.DataFrame:
        """One row per event (requires ``record_events=True`` or an events file)."""
        if self.events_frame is not None:
            return self.events_frame
        if self.events_path is not None:
            return pd.read_parquet(self.events_path)
        raise ValueError("events were not recorded: simulate(..., record_events=True)")


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux), else by a swap."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def temp_file_beside(path: Path) -> tuple[int, str]:
    """A temporary file next to ``path`` (same file system, so the final rename is atomic), with the
    permissions an ordinary new file would get (mkstemp's are owner-only: a results file must not come
    out private where the user's umask says otherwise)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(tmp, 0o666 & ~_umask())
    return fd, tmp


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write via a temporary file and rename, so a crash never leaves a half-written result; a FIFO or a
    device is written straight into, and a symbolic link's target is replaced (see ``output_paths``)."""
    path, straight = output_target(path)
    if straight:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_file_beside(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
