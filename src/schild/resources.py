"""Memory and time a scenario asks for, estimated from its sizes before anything large is allocated.

A scenario can ask for more than a machine has: slow threats on long paths (a path is sampled every 2 s
of flight or 500 m, whichever comes first), raids of very many threats, EW zones around each of many
assets, a huge number of replications, or events kept in memory. The estimates follow the shapes of the
arrays ``compile_world`` and ``simulate`` create, so a request that cannot fit is refused at once with
an ``InputError`` that names the field driving the size, says how much it needs and what to change,
instead of a MemoryError (or the system's out-of-memory killer) minutes later. The count of path samples
also bounds the time spent on geometry.

Limits: ``SCHILD_MEMORY_LIMIT`` (``8G``, ``512M``, bytes; default 80% of the memory free when the check
runs, as the system, the cgroup and ``ulimit -v`` allow) and ``SCHILD_COMPILE_LIMIT_S`` (seconds of
estimated geometry work, default 60, so a command answers within about a minute; 0 lifts it).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .geometry.routes import raid_lanes, split_by_shares
from .geometry.steps import path_samples
from .errors import InputError
from .scenario.catalog_models import THREAT_CLASSES
from .scenario.yaml_lines import Loc, dotted, line_for

SAFETY = 0.8  # share of the free memory a run may plan to use
DEFAULT_COMPILE_LIMIT_S = 60.0
GEODESIC_POINTS_PER_S = 5e5  # pyproj Geod.inv points per second, a conservative figure (2-core machine)

# Bytes, from the arrays compile_world makes (checked against tracemalloc in tests/test_memory_guard.py).
# per path sample: tau, lat, lon, alt, ground distance (World.paths), distance to target (float32), pk factor
PATH_BYTES = 52
FU_TABLE_BYTES = 12  # per sample and fire unit: shot_icpt, next_ok (int32), rng_km (float32)
RAID_WORK_BYTES = 56  # per sample of the raid being compiled: geodesic and envelope working arrays
RAID_WORK_FU_BYTES = 24  # per sample and fire unit of that raid (the next-feasible-shot table)
EW_WORK_BYTES = 24  # per sample of that raid while EW zones are measured
RAID_LEFT_BYTES = 64  # per sample of the last raid: working arrays still held while the tables are joined
THREAT_BYTES = 72  # per threat: the engine's per-threat arrays and costs
RAID_ROW_BYTES = 128  # per raid: detection, windows (with fire-unit and EW-zone columns below)

# Bytes per replication or per threat, from the arrays simulate and the kernel make.
RESULT_VALUE_BYTES = 8  # each per-run total is an int64 or a float64
REPORT_BYTES_PER_RUN = 128  # figures derived per run for summaries (SimulationResult.per_run, Stat)
KERNEL_THREAT_BYTES = 160  # run_one's per-threat state (threats, wake order, agenda), per worker thread
KERNEL_ENGAGEMENT_BYTES = 64  # per possible engagement: engagement records and the event heap
KERNEL_CANDIDATE_BYTES = 40  # per (threat, fire unit) candidate of one epoch
EVENT_SLOT_BYTES = 56 + 344  # per event slot of a run: the kernel's buffer, then the table it becomes
EVENT_KEPT_BYTES = 236  # per event kept in memory (record_events), with the final concatenation
MIN_EVENTS_PER_THREAT = 2  # every threat's launch and its end (kill, EW defeat or leak)


@dataclass(frozen=True)
class MemoryLimit:
    """How many bytes a computation may plan for, and where that figure comes from (for messages)."""

    bytes: float
    source: str


@dataclass(frozen=True)
class Need:
    """One part of an estimate: its bytes, the field that drives it, and what to change."""

    bytes: float
    what: str
    change: str
    loc: Loc | None = None  # key path in the scenario file
    field: str | None = None  # a name outside the file (an argument such as ``runs``)


def gib(n: float) -> str:
    """Bytes for people: 512 MiB, 7.5 GiB, 977 TiB."""
    for unit, size in (("PiB", 2.0**50), ("TiB", 2.0**40), ("GiB", 2.0**30), ("MiB", 2.0**20)):
        if n >= size:
            x = n / size
            return f"{x:,.0f} {unit}" if x >= 100 else f"{x:.3g} {unit}"
    return f"{max(n, 0.0) / 1024.0:.3g} KiB"


def duration(s: float) -> str:
    if s >= 86400 * 365 * 100:
        return f"{s / (86400 * 365):.2g} years"
    for unit, size in (("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if s >= size:
            return f"{s / size:.3g} {unit}"
    return f"{s:.3g} s"


# -- how much may be used -------------------------------------------------------------------------------

_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmgtp]?)(?:i?b)?\s*$", re.IGNORECASE)
_UNIT = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "p": 2**50}


def _env_bytes(name: str) -> float | None:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return None
    m = _SIZE.match(raw)
    value = float(m.group(1)) * _UNIT[m.group(2).lower()] if m else float("nan")
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"expected a size such as 8G, 512M or a number of bytes, got {raw!r}", field=name)
    return value


def _read_int(path: str, key: str | None = None) -> int | None:
    """An integer from a /proc or /sys file (the number after ``key`` when given); None if unreadable."""
    try:
        text = Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    if key is not None:
        m = re.search(rf"^{re.escape(key)}:?\s+(\d+)", text, re.MULTILINE)
        return int(m.group(1)) if m else None
    text = text.strip()
    return int(text) if text.isdigit() else None


def _free_bytes() -> tuple[float, str]:
    """Memory this process can still take: the least of the system's, the cgroup's and ulimit -v's."""
    rooms: list[tuple[float, str]] = []
    avail_kb = _read_int("/proc/meminfo", "MemAvailable")
    if avail_kb is not None:
        rooms.append((avail_kb * 1024.0, "memory available"))
    else:
        try:
            page = os.sysconf("SC_PAGE_SIZE")
            pages = os.sysconf("SC_AVPHYS_PAGES") if "SC_AVPHYS_PAGES" in os.sysconf_names else None
            if pages is None or pages <= 0:
                pages = os.sysconf("SC_PHYS_PAGES") // 2
            rooms.append((float(page * pages), "memory available"))
        except (ValueError, OSError):
            pass
    cg_max = _read_int("/sys/fs/cgroup/memory.max")  # "max" (no limit) reads as None
    cg_now = _read_int("/sys/fs/cgroup/memory.current")
    if cg_max is None:  # cgroup v1; an unlimited group shows a huge number
        cg_max = _read_int("/sys/fs/cgroup/memory/memory.limit_in_bytes")
        cg_now = _read_int("/sys/fs/cgroup/memory/memory.usage_in_bytes")
    if cg_max is not None and cg_now is not None and cg_max < 2**60:
        rooms.append((float(max(cg_max - cg_now, 0)), "memory left in this container's cgroup"))
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        vm_kb = _read_int("/proc/self/status", "VmSize")
        if soft != resource.RLIM_INFINITY and vm_kb is not None:
            rooms.append((float(max(soft - vm_kb * 1024, 0)), "address space left under ulimit -v"))
    except (ImportError, ValueError, OSError):
        pass
    if not rooms:
        return float("inf"), "memory available (unknown here)"
    return min(rooms)


def memory_limit() -> MemoryLimit:
    """Bytes a computation may plan for now: ``SCHILD_MEMORY_LIMIT`` if set, else 80% of the free memory."""
    set_bytes = _env_bytes("SCHILD_MEMORY_LIMIT")
    if set_bytes is not None:
        return MemoryLimit(set_bytes, f"allowed by SCHILD_MEMORY_LIMIT={os.environ['SCHILD_MEMORY_LIMIT'].strip()}")
    free, what = _free_bytes()
    return MemoryLimit(SAFETY * free, f"that fit ({SAFETY:.0%} of the {gib(free)} of {what})")


def compile_limit_s() -> float:
    raw = os.environ.get("SCHILD_COMPILE_LIMIT_S")
    if raw is None or not raw.strip():
        return DEFAULT_COMPILE_LIMIT_S
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value >= 0 or value == float("inf"):
        raise InputError(f"expected a number of seconds (0: no limit), got {raw!r}", field="SCHILD_COMPILE_LIMIT_S")
    return value if value > 0 else float("inf")


# -- refusing --------------------------------------------------------------------------------------------

def _line(spec: Any, loc: Loc) -> int | None:
    """The line of a field, from the line map the loader kept (None for a scenario built from a dict)."""
    return line_for(getattr(spec, "lines", {}), loc)


def _error(spec: Any, need: Need, message: str) -> InputError:
    if need.loc is None:
        return InputError(message, field=need.field)
    return InputError(message, file=spec.source, line=_line(spec, need.loc), field=dotted(need.loc))


def _check_memory(spec: Any, needs: list[Need], doing: str, limit: MemoryLimit) -> None:
    total = float(sum(n.bytes for n in needs))
    if total <= limit.bytes:
        return
    big = max(needs, key=lambda n: n.bytes)
    raise _error(spec, big, f"{doing} needs about {gib(total)} of memory, more than the {gib(limit.bytes)} "
                            f"{limit.source}; {gib(big.bytes)} of it for {big.what}: {big.change}")


# -- compiling a scenario --------------------------------------------------------------------------------

def _ew_zone_count(sc: Any) -> int:
    if sc.electronic_warfare is None:
        return 0
    return sum(1 if z.center else len(sc.assets) for z in sc.electronic_warfare.zones)


def _speed_loc(sc: Any, r: int) -> Loc:
    """Where a raid's speed is written: its threat type's speed_mps in this file, or else (a built-in
    type's speed) the raid's launch point, which sets the path's length."""
    threat = sc.raids[r].threat
    local = (sc.catalog.get("threats") or {}).get(threat)
    if isinstance(local, dict) and "speed_mps" in local:
        return ("catalog", "threats", threat, "speed_mps")
    return ("raids", r, "from")


def _raid_name(sc: Any, r: int) -> str:
    return repr(sc.raids[r].id or f"raid{r}")


def compiled_routes(sc: Any) -> list[tuple[int, float]]:
    """(scenario raid, length in m) of every path ``compile_world`` samples: one per target and corridor
    lane of each raid (see ``geometry.routes``)."""
    assets = {a.id: a for a in sc.assets}
    out = []
    for s, r in enumerate(sc.raids):
        targets = r.target_shares()
        counts = split_by_shares(r.count, [share for _, share in targets])
        per_target = raid_lanes((r.origin.lat, r.origin.lon), [(v.lat, v.lon) for v in r.via],
                                [(assets[a].lat, assets[a].lon) for a, _ in targets], counts, r.corridor_km)
        out += [(s, lane.length_m) for lanes in per_target for lane in lanes]
    return out


@dataclass(frozen=True)
class CompileEstimate:
    """What compiling a scenario's geometry will take: memory by part, and geodesic points computed."""

    needs: list[Need]
    geodesic_points: float
    path: Need  # the path part, which also drives the time

    @property
    def bytes(self) -> float:
        return float(sum(n.bytes for n in self.needs))

    @property
    def seconds(self) -> float:
        return self.geodesic_points / GEODESIC_POINTS_PER_S


def estimate_compile(spec: Any) -> CompileEstimate:
    """Memory and work of ``compile_world(spec)``, from the scenario's sizes alone (nothing sampled)."""
    sc, cat = spec.scenario, spec.catalog
    F, S, Z = len(sc.fire_units), len(sc.sensors), _ew_zone_count(sc)
    routes = compiled_routes(sc)
    R = len(routes)
    speed = [cat.threats[sc.raids[s].threat].speed_mps.value for s, _ in routes]
    samples = [path_samples(length, v) for (_, length), v in zip(routes, speed)]
    counts = [r.count for r in sc.raids]
    # a raid whose missiles release decoys compiles a second raid on its path, count x decoys per missile
    released = [(i, d.count) for i, r in enumerate(sc.raids)
                if (d := cat.threats[r.threat].released_decoys) is not None]
    samples += [samples[i] for i, _ in released]
    counts += [counts[i] * n for i, n in released]
    k = max(range(R), key=samples.__getitem__)
    raid_k = routes[k][0]
    lanes_k = sum(1 for s, _ in routes if s == raid_k)
    total_samples = math.fsum(samples)
    lanes = f", one of its {lanes_k} paths (targets and corridor lanes)" if lanes_k > 1 else ""
    path_desc = (f"the path of raid {_raid_name(sc, raid_k)} ({routes[k][1] / 1000.0:,.0f} km at {speed[k]:g} m/s: "
                 f"{samples[k]:.3g} samples, one per 2 s of flight or 500 m{lanes}) and {total_samples:.3g} path "
                 f"samples in all ({R:,} paths), each with a table for each of {F} fire units")
    change = ("raise the threat type's speed_mps, move the launch point nearer the target, narrow the raid's "
              "corridor_km (one path per km of width, at most 32) or use fewer fire units")
    kept = total_samples * (PATH_BYTES + FU_TABLE_BYTES * F)
    working = samples[k] * (RAID_WORK_BYTES + RAID_WORK_FU_BYTES * F + (EW_WORK_BYTES if Z else 0))
    joined = total_samples * (PATH_BYTES + 2 * FU_TABLE_BYTES * F) + samples[k] * RAID_LEFT_BYTES
    path = Need(max(kept + working, joined), path_desc, change, loc=_speed_loc(sc, raid_k))
    biggest_raid = max(range(len(counts)), key=counts.__getitem__)
    needs = [
        path,
        Need(float(sum(counts)) * THREAT_BYTES, f"{sum(counts):,} threats in {len(counts):,} raids",
             "use fewer threats (this raid has the most)", loc=("raids", biggest_raid, "count")),
        Need(2.0**20 + R * (RAID_ROW_BYTES + 24.0 * F + 16.0 * Z),
             f"{R:,} paths (raids, their targets and corridor lanes) x {F:,} fire units and {Z:,} EW zones",
             "use fewer raids, targets, fire units or EW zones, or narrower corridors (a zone without a centre "
             "stands around every asset)",
             loc=("electronic_warfare", "zones") if Z > F else ("raids",)),
    ]
    return CompileEstimate(needs, total_samples * (1 + S + F + Z) + R, path)


def check_compile(spec: Any) -> None:
    """Refuse a scenario whose geometry cannot be compiled here (memory) or in reasonable time."""
    est = estimate_compile(spec)
    _check_memory(spec, est.needs, "compiling the scenario's geometry", memory_limit())
    limit_s = compile_limit_s()
    if est.seconds > limit_s:
        sc = spec.scenario
        sites = 1 + len(sc.sensors) + len(sc.fire_units) + _ew_zone_count(sc)
        raise _error(spec, est.path, f"compiling the scenario's geometry would take about {duration(est.seconds)} "
                                     f"({est.geodesic_points:.3g} geodesic points: path samples x {sites} sensors, "
                                     f"fire units, EW zones and the path itself), more than the {duration(limit_s)} "
                                     f"allowed by SCHILD_COMPILE_LIMIT_S (0 lifts the limit); the most is for "
                                     f"{est.path.what}: {est.path.change}")


# -- simulating replications ----------------------------------------------------------------------------

def event_capacity(world: Any) -> int:
    """Event slots a run may fill: launch, detection, EW or leak per threat, and a shot with its outcome per
    engagement."""
    return int(world.n_threats * (4 + 2 * int(world.arrays.cls_max_eng.max()))) + 1


def result_bytes_per_run(world: Any) -> int:
    """Bytes of one run's row in ``SimulationResult.arrays`` (see ``results.RunArrays``)."""
    NC, A = len(THREAT_CLASSES), len(world.asset_ids)
    F, I = len(world.fire_unit_ids), len(world.interceptors)
    bands = len(world.arrays.kill_band_lo_km)
    return RESULT_VALUE_BYTES * (4 * NC + A + I + 5 * F + 1 + NC * bands + NC + A)


@dataclass(frozen=True)
class RunPlan:
    """How a simulation fits in memory: runs per chunk, and the room left for events kept in memory."""

    chunk_runs: int
    bytes: float  # estimated peak, besides the compiled world
    limit: MemoryLimit
    events_room_bytes: float  # for record_events; inf when events are not kept

    def check_kept_events(self, kept_bytes: float, done: int, runs: int) -> None:
        """Stop early when the events kept so far say the whole run's events cannot fit."""
        projected = kept_bytes / max(done, 1) * runs * 2.0  # the final concatenation copies them once
        if projected > self.events_room_bytes:
            raise InputError(
                f"keeping the events of {runs:,} runs in memory needs about {gib(projected)} (judged from the "
                f"first {done:,} runs), more than the {gib(self.events_room_bytes)} left of the "
                f"{gib(self.limit.bytes)} {self.limit.source}: write them to a file (events_path=..., or --events) "
                "or use fewer runs",
                field="record_events")


def _threat_loc(world: Any) -> Loc:
    counts = [r.count for r in world.spec.scenario.raids]
    return ("raids", max(range(len(counts)), key=counts.__getitem__), "count")


def plan_runs(world: Any, runs: int, workers: int, *, want_events: bool, record_events: bool,
              chunk_size: int) -> RunPlan:
    """Runs per chunk so that a simulation fits in memory; refuses (InputError) what cannot fit at all."""
    limit = memory_limit()
    a = world.arrays
    N, k, Z = world.n_threats, world.n_uniforms, a.ew_k.shape[1]
    ev_cap = event_capacity(world) if want_events else 0
    n_eng = float(a.cls_max_eng[a.thr_class].sum()) if N else 0.0
    nfu = int(a.raid_nfu.max()) if len(a.raid_nfu) else 0
    per_worker = N * (KERNEL_THREAT_BYTES + KERNEL_CANDIDATE_BYTES * nfu) + n_eng * KERNEL_ENGAGEMENT_BYTES
    per_chunk_run = 8.0 * N * k + 16.0 * len(world.fire_unit_ids) + EVENT_SLOT_BYTES * ev_cap
    per_run = result_bytes_per_run(world) + REPORT_BYTES_PER_RUN
    kept_per_run = N * MIN_EVENTS_PER_THREAT * EVENT_KEPT_BYTES if record_events else 0.0
    chunk = max(1, min(chunk_size, runs))
    for _ in range(2):  # the worker threads busy depend on the chunk, and the chunk on their memory
        room = limit.bytes - runs * (per_run + kept_per_run) - min(workers, chunk) * per_worker
        fit = room // per_chunk_run if math.isfinite(room) and per_chunk_run > 0 else chunk
        chunk = int(max(1, min(chunk_size, runs, fit)))
    threads = max(1, min(workers, chunk))
    working = threads * per_worker + chunk * per_chunk_run
    most = _round_down((limit.bytes - working) / (per_run + kept_per_run)) if math.isfinite(limit.bytes) else runs
    threats, fewer = f"{N:,} threats", "use fewer threats (this raid has the most)"
    needs = [Need(float(runs) * per_run, f"the per-run results of {runs:,} runs ({per_run:,} bytes a run, kept in "
                                         "result.arrays)",
                  f"use fewer runs (at most about {most:,} fit here; the 95% CI narrows only as "
                  "1/sqrt(runs))", field="runs"),
             Need(threads * per_worker, f"the engine's state for {threats} in each of {threads} worker threads",
                  f"{fewer}, or fewer workers", loc=_threat_loc(world))]
    if Z > k - Z:
        needs.append(Need(chunk * 8.0 * N * k, f"the random numbers of {chunk} run(s): {threats} x {k} draws, one "
                                               f"for each of {Z} EW zones", "use fewer EW zones (a zone without a "
                                               "centre stands around every asset)",
                          loc=("electronic_warfare", "zones")))
    else:
        needs.append(Need(chunk * 8.0 * N * k, f"the random numbers of {chunk} run(s): {threats} x {k} draws",
                          fewer, loc=_threat_loc(world)))
    if want_events:
        needs.append(Need(chunk * EVENT_SLOT_BYTES * ev_cap,
                          f"recording the events of {chunk} run(s) of {threats} ({ev_cap:,} event slots a run)",
                          f"{fewer}, or run without events", loc=_threat_loc(world)))
    if record_events:
        needs.append(Need(float(runs) * kept_per_run, f"at least {MIN_EVENTS_PER_THREAT * N:,} events a run kept in "
                                                      f"memory for {runs:,} runs",
                          "write the events to a file (events_path=...) or use fewer runs", field="record_events"))
    _check_memory(world.spec, needs, f"simulating {runs:,} runs", limit)
    total = float(sum(n.bytes for n in needs))
    return RunPlan(chunk_runs=chunk, bytes=total, limit=limit,
                   events_room_bytes=limit.bytes - total + runs * kept_per_run if record_events else float("inf"))


def _round_down(x: float) -> int:
    """Down to three significant figures, never below 0: 12,200,861 -> 12,200,000."""
    if x < 1:
        return 0
    scale = 10 ** max(0, int(math.floor(math.log10(x))) - 2)
    return int(x // scale * scale)
