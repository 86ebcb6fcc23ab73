"""Monte Carlo driver: seeds, chunks of replications, threads, events files.

Replication ``i`` always draws its random numbers from child ``i`` of ``SeedSequence(seed)``, so results
are identical for any number of workers and any chunking.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numba
import numpy as np
import pandas as pd
import pyarrow as pa

from . import __version__
from .resources import event_capacity, plan_runs
from .compile import World, compile_world
from .engine.battle_manager import ASSIGN_EXACT, ASSIGNMENT_MODES, warm_up_exact
from .engine.kernel import run_chunk, run_one
from .events_file import EventsFile
from .errors import InputError
from .results import EVENT_KINDS, RunArrays, SimulationResult
from .scenario.catalog_models import THREAT_CLASSES
from .scenario.loading import ScenarioSpec, read_scenario

NC = len(THREAT_CLASSES)


@dataclass
class DefenceState:
    """Rounds at each fire unit (per run, or one row broadcast to all runs); carried between raids."""

    ready: np.ndarray
    reserve: np.ndarray

    @classmethod
    def full(cls, world: World) -> "DefenceState":
        return cls(world.fu_start_ready.copy(), world.fu_reserve.copy())


def load_scenario(path: str | Path) -> World:
    """Read, validate and compile a scenario file."""
    return compile_world(read_scenario(path))


def _as_world(world: World | ScenarioSpec | str | Path) -> World:
    if isinstance(world, World):
        return world
    if isinstance(world, ScenarioSpec):
        return compile_world(world)
    return load_scenario(world)


def _uniforms(world: World, seeds: list[np.random.SeedSequence]) -> np.ndarray:
    """Each run's block of uniforms: the combat columns first, then (with a debris rule) the debris column
    from the same generator, so the combat draws do not depend on whether a debris rule is set."""
    n, k, k_combat = world.n_threats, world.n_uniforms, world.n_combat_uniforms
    out = np.empty((len(seeds), n, k))
    for i, s in enumerate(seeds):
        g = np.random.Generator(np.random.PCG64(s))
        out[i, :, :k_combat] = g.random((n, k_combat))
        if k > k_combat:
            out[i, :, k_combat:] = g.random((n, k - k_combat))
    return out


def _broadcast_state(x: np.ndarray, runs: int, F: int) -> np.ndarray:
    """A (runs, F) view of the state; one row given for all runs is not copied ``runs`` times."""
    x = np.asarray(x, dtype=np.int64)
    if x.ndim == 1:
        x = np.broadcast_to(x, (runs, F))
    if x.shape != (runs, F):
        raise ValueError(f"state must have shape ({F},) or ({runs}, {F}), got {x.shape}")
    return x


def _run_arrays(runs: int, NC: int, A: int, I: int, F: int, B: int) -> RunArrays:
    """The per-run results, allocated once; chunks of runs write into their rows (``B``: kill-distance
    bands)."""
    z = lambda *cols, dtype=np.int64: np.zeros((runs, *cols), dtype)  # noqa: E731
    return RunArrays(launched=z(NC), killed=z(NC), ew_defeated=z(NC), leaked=z(NC), leaked_per_asset=z(A),
                     shots_per_interceptor=z(I), shots_per_fire_unit=z(F), kills_per_fire_unit=z(F),
                     engagements_per_fire_unit=z(F), ready_left=z(F), reserve_left=z(F),
                     end_time_s=z(1, dtype=np.float64), held_slots_left=z(1),
                     kills_by_distance_band=z(NC, B),
                     kill_distance_sum_km=z(NC, dtype=np.float64), debris_hits_per_asset=z(A))


def _events_frame(world: World, run0: int, ev: dict[str, np.ndarray], n_ev: np.ndarray) -> pd.DataFrame:
    a = world.arrays
    runs_idx = np.concatenate([np.full(n, run0 + i, np.int64) for i, n in enumerate(n_ev[:, 0])])
    take = lambda arr: np.concatenate([arr[i, :n] for i, n in enumerate(n_ev[:, 0])])  # noqa: E731
    t, kind, thr, fu, sensor, rng, asset_km = (take(ev[k]) for k in ("time", "kind", "thr", "fu", "sensor", "range",
                                                                      "asset_km"))
    order = np.lexsort((thr, kind, t, runs_idx))
    runs_idx, t, kind, thr, fu, sensor, rng, asset_km = (x[order] for x in (runs_idx, t, kind, thr, fu, sensor, rng,
                                                                            asset_km))
    fu_ids = np.array(world.fire_unit_ids + [None], dtype=object)
    sensor_ids = np.array(world.sensor_ids + [None], dtype=object)
    icpt_names = np.array(world.interceptors + [None], dtype=object)
    fu_icpt = np.append(a.fu_interceptor, len(world.interceptors))
    cls_names = np.array(THREAT_CLASSES, dtype=object)
    return pd.DataFrame({
        "run": runs_idx,
        "time_s": t,
        "kind": pd.Categorical.from_codes(kind, categories=list(EVENT_KINDS)),
        "threat_id": thr,
        "threat_type": np.array(world.threat_types, dtype=object)[a.thr_type[thr]],
        "threat_class": cls_names[a.thr_result_class[thr]],
        "fire_unit_id": fu_ids[fu],
        "sensor_id": sensor_ids[sensor],
        "interceptor": icpt_names[fu_icpt[fu]],
        "range_km": rng.astype(float),
        "asset_id": np.array(world.asset_ids, dtype=object)[a.thr_asset[thr]],
        "asset_distance_km": asset_km.astype(float),
    })


def _run_threads(pool, workers, n, W, U, args, capacity, mode, want_events, ev_cap, evs, outs) -> None:
    """Split a chunk of runs into slices run by the GIL-free kernel in threads (same numbers as serial)."""
    def one(lo: int, hi: int) -> None:
        run_chunk(W, U[lo:hi], args[0][lo:hi], args[1][lo:hi], capacity, mode, want_events, ev_cap,
                  *(e[lo:hi] for e in evs), *(o[lo:hi] for o in outs))

    if pool is None or n < 2:
        one(0, n)
        return
    bounds = np.linspace(0, n, min(workers, n) + 1).astype(int)
    futures = [pool.submit(one, lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:]) if hi > lo]
    for fut in futures:
        fut.result()


def simulate(world: World | ScenarioSpec | str | Path, runs: int = 100, seed: int | np.random.Generator = 0, *,
             workers: int | None = None, record_events: bool = False, events_path: str | Path | None = None,
             state: DefenceState | None = None, assignment: str | None = None, chunk_size: int = 64,
             progress: Callable[[int, int], None] | None = None) -> SimulationResult:
    """Run ``runs`` replications of a raid and return per-run arrays with summaries.

    Memory is planned before anything is allocated (see ``resources``): runs go in chunks of at most
    ``chunk_size`` (fewer where a chunk's random numbers or events would not fit), and a request whose
    per-run results, engine state or kept events cannot fit is refused with an ``InputError``.

    ``state`` starts the fire units with given rounds (campaigns carry it from night to night);
    ``assignment`` overrides the scenario's battle_manager.assignment ("heuristic", "exact" or "doctrine").
    ``seed``: a non-negative integer, or a ``numpy.random.Generator`` from which one integer seed is drawn
    (that integer is the result's ``seed`` and goes into its manifest, so the run can be repeated).
    """
    world = _as_world(world)
    if runs < 1:
        raise InputError(f"runs must be at least 1, got {runs}", field="runs")
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**63))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed must be a non-negative integer or a numpy.random.Generator, got {seed!r}",
                         field="seed")
    seed = int(seed)
    if workers is not None and workers < 1:
        raise InputError(f"workers must be at least 1, got {workers}", field="workers")
    mode_name = assignment or world.spec.scenario.battle_manager.assignment
    if mode_name not in ASSIGNMENT_MODES:
        raise InputError(f"assignment must be one of {', '.join(ASSIGNMENT_MODES)}, got {mode_name!r}",
                         field="assignment")
    mode = ASSIGNMENT_MODES[mode_name]
    if mode == ASSIGN_EXACT:
        warm_up_exact()
    workers = max(1, workers or (os.cpu_count() or 1))
    want_events = record_events or events_path is not None
    plan = plan_runs(world, runs, 1 if mode == ASSIGN_EXACT else workers, want_events=want_events,
                     record_events=record_events, chunk_size=max(1, int(chunk_size)))

    W = world.arrays
    F, A, I = len(world.fire_unit_ids), len(world.asset_ids), len(world.interceptors)
    state = state or DefenceState.full(world)
    ready_all = _broadcast_state(state.ready, runs, F)
    reserve_all = _broadcast_state(state.reserve, runs, F)
    capacity = world.fu_capacity.astype(np.int64)
    root_seed = np.random.SeedSequence(seed)  # spawned chunk by chunk: children 0, 1, ... as spawn(runs) gives
    ev_cap = event_capacity(world) if want_events else 1
    events_file = EventsFile(events_path) if events_path is not None else None
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
    frames: list[pd.DataFrame] = []
    kept_events_bytes = 0
    results = _run_arrays(runs, NC, A, I, F, len(W.kill_band_lo_km))
    try:
        for start in range(0, runs, plan.chunk_runs):
            stop = min(runs, start + plan.chunk_runs)
            n = stop - start
            U = _uniforms(world, root_seed.spawn(n))
            ev = {"time": np.zeros((n, ev_cap)), "kind": np.zeros((n, ev_cap), np.int64),
                  "thr": np.zeros((n, ev_cap), np.int64), "fu": np.zeros((n, ev_cap), np.int64),
                  "sensor": np.zeros((n, ev_cap), np.int64), "range": np.zeros((n, ev_cap)),
                  "asset_km": np.zeros((n, ev_cap))}
            n_ev = np.zeros((n, 1), np.int64)
            out = RunArrays(**{k: getattr(results, k)[start:stop] for k in RunArrays.__dataclass_fields__})
            args = (np.ascontiguousarray(ready_all[start:stop]), np.ascontiguousarray(reserve_all[start:stop]))
            outs = (out.launched, out.killed, out.ew_defeated, out.leaked, out.leaked_per_asset,
                    out.shots_per_interceptor, out.shots_per_fire_unit, out.kills_per_fire_unit,
                    out.engagements_per_fire_unit, out.ready_left, out.reserve_left, out.end_time_s,
                    out.held_slots_left, out.kills_by_distance_band, out.kill_distance_sum_km,
                    out.debris_hits_per_asset)
            evs = (ev["time"], ev["kind"], ev["thr"], ev["fu"], ev["sensor"], ev["range"], ev["asset_km"], n_ev)
            if mode == ASSIGN_EXACT:
                for i in range(n):  # the exact assigner calls Python: run serially
                    run_one(W, U[i], args[0][i], args[1][i], capacity, mode, want_events,
                            *(e[i] for e in evs), *(o[i] for o in outs))
            else:
                _run_threads(pool, workers, n, W, U, args, capacity, mode, want_events, ev_cap, evs, outs)
            if want_events:
                frame = _events_frame(world, start, ev, n_ev)
                if events_file is not None:
                    events_file.write(pa.Table.from_pandas(frame, preserve_index=False))
                if record_events:
                    frames.append(frame)
                    kept_events_bytes += int(frame.memory_usage(index=False, deep=False).sum())
                    plan.check_kept_events(kept_events_bytes, stop, runs)
            if progress is not None:
                progress(stop, runs)
        if events_file is not None:
            events_file.commit()
    finally:
        if pool is not None:
            pool.shutdown()
        if events_file is not None:
            events_file.discard()

    spec = world.spec
    manifest = {
        "scenario": spec.scenario.name, "scenario_file": spec.source, "scenario_sha256": spec.sha256,
        "schild_version": __version__, "seed": seed, "runs": runs, "assignment": mode_name,
        "numpy": np.__version__, "numba": numba.__version__,
        "random_streams": "numpy SeedSequence(seed).spawn(runs), PCG64 per run",
    }
    results.end_time_s = results.end_time_s[:, 0]
    results.held_slots_left = results.held_slots_left[:, 0]
    return SimulationResult(
        world=world, runs=runs, seed=seed, arrays=results, manifest=manifest,
        events_frame=pd.concat(frames, ignore_index=True) if frames else None,
        events_path=str(events_path) if events_path is not None else None,
    )
