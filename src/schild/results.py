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


def _defined_stat(values: np.ndarray) -> tuple[Stat, int]:
    """A ratio figure over the runs where it is defined (cost per kill: runs with kills), and how many runs
    were left out; no defined run gives a NaN mean (``null`` in JSON)."""
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    return _stat(v[ok]), int((~ok).sum())


def fire_unit_layers(world: Any) -> list[str]:
    """The layer of each fire unit, in the world's fire-unit order: its ``layer:`` name where it has one,
    else its effector type (results per layer add up the units of a layer)."""
    return [fu.layer or fu.type for fu in world.spec.scenario.fire_units]


def kill_band_labels(lo_km: np.ndarray) -> list[str]:
    """Names of the kill-distance bands from their lower edges: "0-5", "5-10", ..., "50+" (km)."""
    edges = [f"{x:g}" for x in lo_km]
    return [f"{a}-{b}" for a, b in zip(edges, edges[1:])] + [f"{edges[-1]}+"]


def has_debris_rule(world: Any) -> bool:
    """Whether some asset has a debris rule (then debris damage is reported)."""
    return bool(world.arrays.debris_on)


def no_kills_note(left_out: int, runs: int) -> str:
    """How a layer's cost per kill reads when some runs (or all) had no kill by that layer."""
    if left_out >= runs:
        return "no kills in any run: cost per kill undefined (null)"
    return f"{left_out} of {runs} runs had no kills by this layer: cost per kill is the mean of the other runs"


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
    held_slots_left: np.ndarray  # runs: hold-for-cheaper slots still held when the run ended (must be 0)
    kills_by_distance_band: np.ndarray  # runs x classes x bands of ground distance from the target asset
    kill_distance_sum_km: np.ndarray  # runs x classes: sum of the kills' distances from the target asset
    debris_hits_per_asset: np.ndarray  # runs x assets: damage by the debris of kills near them (debris rule)

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
        debris = {"debris_hits": a.debris_hits_per_asset.sum(1)} if has_debris_rule(self.world) else {}
        return {
            "launched": a.launched.sum(1),
            "killed": a.killed.sum(1),
            "ew_defeated": a.ew_defeated.sum(1),
            "leaked": a.leaked.sum(1),
            "leaked_lethal": a.leaked[:, lethal].sum(1),
            **debris,
            "shots": a.shots_per_interceptor.sum(1),
            "engagements": a.engagements_per_fire_unit.sum(1),
            "cost_interceptors_usd": icpt_cost,
            "cost_threats_usd": threat_cost,
            "exchange_ratio": exchange,
        }

    def stat(self, name: str) -> Stat:
        return _stat(self.per_run()[name])

    def per_layer_runs(self) -> dict[str, dict[str, np.ndarray]]:
        """Per run and layer (see ``fire_unit_layers``): shots, kills, interceptor cost, and cost per kill
        (cost / kills of that run; NaN in a run without kills). Layers in order of their first fire unit."""
        a = self.arrays
        names = fire_unit_layers(self.world)
        round_cost = self.world.interceptor_cost_usd[self.world.arrays.fu_interceptor]
        cost_fu = a.shots_per_fire_unit * round_cost
        out: dict[str, dict[str, np.ndarray]] = {}
        for layer in dict.fromkeys(names):
            cols = [i for i, n in enumerate(names) if n == layer]
            kills = a.kills_per_fire_unit[:, cols].sum(1)
            cost = cost_fu[:, cols].sum(1)
            with np.errstate(divide="ignore", invalid="ignore"):
                per_kill = np.where(kills > 0, cost / np.maximum(kills, 1), np.nan)
            out[layer] = {"shots": a.shots_per_fire_unit[:, cols].sum(1), "kills": kills, "cost_usd": cost,
                          "cost_per_kill_usd": per_kill}
        return out

    def kill_distance_runs(self) -> dict[str, dict[str, np.ndarray]]:
        """Per run and class present: kills per band of ground distance from the target asset (see
        ``kill_band_labels``) and the mean kill distance in km (NaN in a run without kills of the class)."""
        a = self.arrays
        labels = kill_band_labels(self.world.arrays.kill_band_lo_km)
        out: dict[str, dict[str, np.ndarray]] = {}
        for c in self.classes_present():
            kills = a.killed[:, c]
            with np.errstate(divide="ignore", invalid="ignore"):
                mean_km = np.where(kills > 0, a.kill_distance_sum_km[:, c] / np.maximum(kills, 1), np.nan)
            figures = {label: a.kills_by_distance_band[:, c, b] for b, label in enumerate(labels)}
            out[THREAT_CLASSES[c]] = figures | {"mean_km": mean_km}
        return out

    def __getattr__(self, name: str) -> Stat:
        if name in ("launched", "killed", "ew_defeated", "leaked", "leaked_lethal", "shots", "exchange_ratio",
                    "debris_hits"):
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
        debris = has_debris_rule(self.world)
        for i, name in enumerate(self.world.asset_ids):
            s = _stat(a.leaked_per_asset[:, i])
            rows.append((f"asset.{name}.leaked_lethal", s.mean, s.ci95[0], s.ci95[1]))
            if debris:
                s = _stat(a.debris_hits_per_asset[:, i])
                rows.append((f"asset.{name}.debris_hits", s.mean, s.ci95[0], s.ci95[1]))
        for cname, figures in self.kill_distance_runs().items():
            for label, values in figures.items():
                s = _defined_stat(values)[0] if label == "mean_km" else _stat(values)
                name = "mean" if label == "mean_km" else label
                rows.append((f"kill_distance_km.{cname}.{name}", s.mean, s.ci95[0], s.ci95[1]))
        for layer, figures in self.per_layer_runs().items():
            for label, values in figures.items():
                s = _defined_stat(values)[0] if label == "cost_per_kill_usd" else _stat(values)
                rows.append((f"layer.{layer}.{label}", s.mean, s.ci95[0], s.ci95[1]))
        return pd.DataFrame(rows, columns=["figure", "mean", "ci95_low", "ci95_high"])

    def to_dict(self) -> dict[str, Any]:
        a = self.arrays
        pr = self.per_run()
        out: dict[str, Any] = {"runs": self.runs, "seed": self.seed, "scenario": self.world.name}
        if self.runs < 2:
            out["note"] = ONE_RUN_NOTE
        for key in ("launched", "killed", "ew_defeated", "leaked", "leaked_lethal", "debris_hits", "shots",
                    "engagements"):
            if key in pr:
                out[key] = _stat(pr[key]).to_dict()
        kill_distance = self._kill_distance_dict()
        out["by_class"] = {
            THREAT_CLASSES[c]: {
                "launched": _stat(a.launched[:, c]).to_dict(),
                "killed": _stat(a.killed[:, c]).to_dict(),
                "ew_defeated": _stat(a.ew_defeated[:, c]).to_dict(),
                "leaked": _stat(a.leaked[:, c]).to_dict(),
                **kill_distance[THREAT_CLASSES[c]],
            }
            for c in self.classes_present()
        }
        out["per_asset"] = self._per_asset_dict()
        out["interceptors"] = {name: _stat(a.shots_per_interceptor[:, i]).to_dict()
                               for i, name in enumerate(self.world.interceptors)}
        out["fire_units"] = {
            fid: {"shots": _stat(a.shots_per_fire_unit[:, i]).to_dict(),
                  "kills": _stat(a.kills_per_fire_unit[:, i]).to_dict(),
                  "engagements": _stat(a.engagements_per_fire_unit[:, i]).to_dict(),
                  "rounds_left": _stat(a.ready_left[:, i] + a.reserve_left[:, i]).to_dict()}
            for i, fid in enumerate(self.world.fire_unit_ids)
        }
        out["per_layer"] = self._per_layer_dict()
        out["cost_usd"] = {"interceptors": _stat(pr["cost_interceptors_usd"]).to_dict(),
                           "threats": _stat(pr["cost_threats_usd"]).to_dict()}
        out["exchange_ratio"] = _stat(pr["exchange_ratio"]).to_dict()
        out["manifest"] = self.manifest
        return out

    def _kill_distance_dict(self) -> dict[str, dict[str, Any]]:
        """Per class: kills per distance band from the target asset, and the mean kill distance (runs
        without kills of the class left out, counted in ``runs_without_kills``)."""
        out: dict[str, dict[str, Any]] = {}
        for cname, figures in self.kill_distance_runs().items():
            mean_km, left_out = _defined_stat(figures.pop("mean_km"))
            out[cname] = {"kills_by_distance_km": {label: _stat(v).to_dict() for label, v in figures.items()},
                          "mean_kill_distance_km": mean_km.to_dict() | {"runs_without_kills": left_out}}
        return out

    def _per_asset_dict(self) -> dict[str, Any]:
        """Lethal leakers per asset, and with a debris rule the rule and the damage by debris beside them."""
        a, w = self.arrays, self.world.arrays
        out: dict[str, Any] = {}
        for i, aid in enumerate(self.world.asset_ids):
            entry: dict[str, Any] = {"leaked_lethal": _stat(a.leaked_per_asset[:, i]).to_dict()}
            if has_debris_rule(self.world):
                entry["debris_hits"] = _stat(a.debris_hits_per_asset[:, i]).to_dict()
                entry["debris_rule"] = ({"radius_km": float(w.asset_debris_km[i]),
                                         "damage_probability": float(w.asset_debris_p[i])}
                                        if w.asset_debris_km[i] >= 0 else None)
            out[aid] = entry
        return out

    def _per_layer_dict(self) -> dict[str, Any]:
        names = fire_unit_layers(self.world)
        out: dict[str, Any] = {}
        for layer, figures in self.per_layer_runs().items():
            entry: dict[str, Any] = {k: _stat(figures[k]).to_dict() for k in ("shots", "kills", "cost_usd")}
            per_kill, left_out = _defined_stat(figures["cost_per_kill_usd"])
            entry["cost_per_kill_usd"] = per_kill.to_dict() | {"runs_without_kills": left_out}
            if left_out:
                entry["cost_per_kill_usd"]["note"] = no_kills_note(left_out, self.runs)
            entry["fire_units"] = [fid for fid, n in zip(self.world.fire_unit_ids, names) if n == layer]
            out[layer] = entry
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
