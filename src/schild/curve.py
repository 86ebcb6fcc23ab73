"""Leakers as a function of raid size: the same raid scaled up and down, so saturation can be seen.

Every raid's count is multiplied by each scale and rounded half up (``floor(count x scale + 0.5)``); the
world is re-used with ``World.with_counts`` (geometry does not depend on how many threats fly a path),
and every scale is simulated with the same seed, so replication ``i`` draws from the same random stream
at every scale (common random numbers as far as the threats' order allows: threats are numbered raid by
raid, so a larger first raid shifts the streams of the raids after it).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from .errors import InputError
from .results import ONE_RUN_NOTE, SimulationResult, Stat, _defined_stat, _stat, atomic_write_text
from .scenario.catalog_models import THREAT_CLASSES

MAX_SCALES = 50  # a curve is read by eye: more points than this is a sweep, not a curve


def parse_scales(text: str, option: str = "--scale") -> list[float]:
    """``"0.25,0.5,1"`` -> ``[0.25, 0.5, 1.0]``; each a finite number above 0."""
    parts = [p.strip() for p in str(text).split(",")]
    if not any(parts):
        raise InputError(f"{option} needs at least one scale, e.g. {option} 0.25,0.5,1,2,4")
    scales = []
    for p in parts:
        try:
            x = float(p)
        except ValueError:
            raise InputError(f"{option}: {p!r} is not a number; give scales above 0 separated by commas, "
                             f"e.g. 0.5,1,2") from None
        if not math.isfinite(x) or x <= 0:
            raise InputError(f"{option}: every scale must be a finite number above 0, got {p}")
        scales.append(x)
    if len(scales) > MAX_SCALES:
        raise InputError(f"{option}: at most {MAX_SCALES} scales, got {len(scales)}")
    return scales


def scaled_counts(counts: list[int], scale: float) -> list[int]:
    """Each raid's count times ``scale``, rounded half up (0.5 x 3 = 1.5 -> 2)."""
    return [int(math.floor(c * scale + 0.5)) for c in counts]


def _check_scaled(world: Any, scale: float, counts: list[int]) -> None:
    """Refuse a scale whose raids the scenario format would not accept or whose threats cannot fit in memory,
    before any per-threat array is made."""
    from .resources import check_compile
    from .scenario.schema import MAX_THREATS_PER_RAID

    sc = world.spec.scenario
    for r, c in enumerate(counts):
        if c > MAX_THREATS_PER_RAID:
            raise InputError(f"at scale {scale:g} raid {world.raid_ids[r]!r} would have {c:,} threats, more than "
                             f"the {MAX_THREATS_PER_RAID:,} a raid may have; use a smaller scale",
                             file=world.spec.source, field="--scale")
    raids = [raid.model_copy(update={"count": c}) for raid, c in zip(sc.raids, counts)]
    try:
        check_compile(dataclasses.replace(world.spec, scenario=sc.model_copy(update={"raids": raids})))
    except InputError as exc:
        raise InputError(f"at scale {scale:g}: {exc.message}", file=exc.file, line=exc.line,
                         field=exc.field) from None


@dataclass(frozen=True)
class CurvePoint:
    """One scale of the curve: the raid sizes simulated and their replications."""

    scale: float
    counts: list[int]
    result: SimulationResult

    def figures(self, classes: list[int]) -> dict[str, tuple[Stat, int]]:
        """Per-run figures as (Stat, runs left out): counts, cost, and each class's leak share (leaked /
        launched, over the runs where that class launched)."""
        pr, a = self.result.per_run(), self.result.arrays
        out = {k: (_stat(pr[k]), 0) for k in ("launched", "leaked", "leaked_lethal", "cost_interceptors_usd")}
        with np.errstate(divide="ignore", invalid="ignore"):
            for c in classes:
                share = np.where(a.launched[:, c] > 0, a.leaked[:, c] / a.launched[:, c], np.nan)
                out[f"leak_share.{THREAT_CLASSES[c]}"] = _defined_stat(share)
        return out


@dataclass
class RaidCurve:
    """Leakers and cost against raid size: one ``CurvePoint`` per scale, all with the same seed."""

    scenario: str
    runs: int
    seed: int
    raid_ids: list[str]
    base_counts: list[int]
    points: list[CurvePoint]

    def classes(self) -> list[int]:
        """Threat classes launched at some scale, in catalogue order."""
        return sorted({c for p in self.points for c in p.result.classes_present()})

    def table(self) -> pd.DataFrame:
        """One row per scale: each figure's mean and 95% CI (columns ``<figure>``, ``_lo``, ``_hi``)."""
        classes = self.classes()
        rows = []
        for p in self.points:
            row: dict[str, Any] = {"scale": p.scale}
            for name, (s, _) in p.figures(classes).items():
                row[name], row[f"{name}_lo"], row[f"{name}_hi"] = s.mean, s.ci95[0], s.ci95[1]
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        classes = self.classes()
        points = []
        for p in self.points:
            figs = p.figures(classes)
            entry: dict[str, Any] = {"scale": p.scale, "counts": dict(zip(self.raid_ids, p.counts))}
            for key in ("launched", "leaked", "leaked_lethal"):
                entry[key] = figs[key][0].to_dict()
            entry["cost_usd"] = {"interceptors": figs["cost_interceptors_usd"][0].to_dict()}
            entry["leak_share"] = {}
            for c in classes:
                s, left_out = figs[f"leak_share.{THREAT_CLASSES[c]}"]
                entry["leak_share"][THREAT_CLASSES[c]] = s.to_dict() | {"runs_without_launches": left_out}
            points.append(entry)
        out: dict[str, Any] = {"scenario": self.scenario, "runs": self.runs, "seed": self.seed,
                               "base_counts": dict(zip(self.raid_ids, self.base_counts)), "points": points}
        if self.runs < 2:
            out["note"] = ONE_RUN_NOTE
        if self.points:
            out["manifest"] = self.points[0].result.manifest | {"scales": [p.scale for p in self.points]}
        return out

    def write_json(self, path: str | Path) -> None:
        atomic_write_text(path, json.dumps(self.to_dict(), indent=2))


def raid_curve(world: Any, scales: list[float], runs: int = 100, seed: int | np.random.Generator = 0, *,
               workers: int | None = None,
               progress: Callable[[int, int], None] | None = None) -> RaidCurve:
    """Simulate the world's raids at each scale (counts x scale, rounded) with the same seed.

    Every scale is checked (counts within the format's limit, threats within memory) before the first
    simulation, so a bad scale costs no work. ``progress(done, total)`` counts runs over all scales.
    """
    from .simulate import _as_world, simulate

    world = _as_world(world)
    if isinstance(seed, np.random.Generator):  # one integer for every scale, recorded in the manifest
        seed = int(seed.integers(2**63))
    if not scales:
        raise InputError("give at least one scale", field="scales")
    for x in scales:
        if not (isinstance(x, (int, float)) and math.isfinite(x) and x > 0):
            raise InputError(f"every scale must be a finite number above 0, got {x!r}", field="scales")
    base = [int(r.count) for r in world.spec.scenario.raids]
    plan = [(float(x), scaled_counts(base, x)) for x in scales]
    for x, counts in plan:
        _check_scaled(world, x, counts)
    points = []
    for i, (x, counts) in enumerate(plan):
        step = None if progress is None else (lambda done, _t, i=i: progress(i * runs + done, len(plan) * runs))
        result = simulate(world.with_counts(counts), runs=runs, seed=seed, workers=workers, progress=step)
        points.append(CurvePoint(x, counts, result))
    return RaidCurve(scenario=world.name, runs=runs, seed=points[0].result.seed, raid_ids=list(world.raid_ids),
                     base_counts=base, points=points)
