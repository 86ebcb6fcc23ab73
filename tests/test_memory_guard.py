"""Requests too big for the machine are refused before anything large is allocated (issue 14, item 5).

Each refusal names the file, the line and the field that drives the size, says how much is needed and what
to change, and comes without allocating: the tests hold tracemalloc's peak to a few MiB. Limits are set with
SCHILD_MEMORY_LIMIT so the outcome does not depend on the machine running the tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import schild
import schild.simulate  # noqa: F401  (imported here, so the peaks measured below are the calls', not imports)
from schild.resources import (MemoryLimit, RunPlan, compile_limit_s, estimate_compile, memory_limit, plan_runs)
from schild.cli import app
from schild.geometry.paths import sample_path
from schild.geometry.steps import path_samples

runner = CliRunner()
ONE_RAID = "  - {threat: test_drone, count: 1000, from: {lat: 51.0, lon: 30.0}, target: city, launch_window_s: [0, 0]}\n"
ONE_FU = "  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}\n"
MIB = 2**20


def _raids(text: str, n: int, count: int = 1000, lat: float = 51.0) -> str:
    raid = ONE_RAID.replace("count: 1000", f"count: {count}").replace("lat: 51.0", f"lat: {lat}")
    return text.replace(ONE_RAID, raid * n)


def _fire_units(text: str, n: int) -> str:
    return text.replace(ONE_FU, "".join(ONE_FU.replace("fu1", f"fu{i}") for i in range(n)))


def _slow(text: str) -> str:
    """Drones at 0.1 m/s over 200 km (23 days of flight, inside the 30 days a scenario may ask): 1e6 path
    samples per raid, each with a table per fire unit, about 18 GiB for 20 raids and 40 fire units."""
    return _fire_units(_raids(text.replace("speed_mps: 50,", "speed_mps: 0.1,"), 20, count=10, lat=51.8), 40)


def _peak_mib(fn) -> float:
    """Peak of Python and numpy allocations while ``fn`` runs (the refusals here allocate a few MiB; what they
    guard against would take GiB to TiB)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# -- the estimates ---------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(length_km=st.floats(1.0, 3000.0), speed_mps=st.floats(5.0, 11_000.0) | st.sampled_from([250.0, 1000.0]))
def test_path_samples_counts_what_sample_path_takes(length_km, speed_mps):
    lat1 = 50.0 + length_km / 111.2
    p = sample_path(50.0, 30.0, lat1, 30.0, speed_mps, "drone", cruise_alt_m=100.0)
    assert path_samples(p.length_m, speed_mps) == len(p.tau_s)


def test_path_samples_of_an_absurd_path_is_a_number_not_an_overflow():
    assert path_samples(1e7, 1e-300) == pytest.approx(1e7 / 1e-300 / 2.0)
    assert path_samples(1e5, 5e-324) == float("inf")


@pytest.mark.parametrize("raids,fus,zones", [(1, 1, 0), (3, 10, 0), (2, 40, 0), (4, 3, 2)])
def test_compile_estimate_bounds_the_peak_it_predicts(binomial_yaml, raids, fus, zones):
    """The estimate follows compile_world's arrays: at or above the real peak, and not far above it (its
    fixed 1 MiB for per-raid tables dominates a one-raid, one-unit world)."""
    text = _fire_units(_raids(binomial_yaml.replace("speed_mps: 50,", "speed_mps: 2,"), raids), fus)
    if zones:
        text += "electronic_warfare:\n  zones:\n" + "    - {radius_km: 5, defeat_probability: {drone: 0.1}}\n" * zones
    spec = schild.scenario_from_text(text)
    est = estimate_compile(spec)
    peak = _peak_mib(lambda: schild.compile_world(spec)) * MIB
    assert peak <= est.bytes <= 1.5 * peak + 2 * MIB, (peak, est.bytes)


def test_memory_limit_reads_sizes(monkeypatch):
    for raw, expected in (("8G", 8 * 2**30), ("512M", 512 * MIB), ("1.5GiB", 1.5 * 2**30), ("4096", 4096.0),
                          ("2e9", 2e9)):
        monkeypatch.setenv("SCHILD_MEMORY_LIMIT", raw)
        assert memory_limit().bytes == expected
    for bad in ("abc", "-1G", "0", "8 apples"):
        monkeypatch.setenv("SCHILD_MEMORY_LIMIT", bad)
        with pytest.raises(schild.InputError, match="SCHILD_MEMORY_LIMIT: expected a size"):
            memory_limit()
    monkeypatch.delenv("SCHILD_MEMORY_LIMIT")
    lim = memory_limit()
    assert 0 < lim.bytes < float("inf") and "available" in lim.source


def test_memory_limit_follows_ulimit_v():
    """A process under ``ulimit -v`` plans within its address space, not the machine's memory."""
    code = ("import resource; from schild.resources import memory_limit; "
            "resource.setrlimit(resource.RLIMIT_AS, (6 * 2**30, resource.RLIM_INFINITY)); "
            "lim = memory_limit(); print(lim.bytes, '|', lim.source)")
    env = {k: v for k, v in os.environ.items() if k != "SCHILD_MEMORY_LIMIT"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    value, source = out.stdout.split("|")
    assert float(value) <= 0.8 * 6 * 2**30
    assert "ulimit -v" in source or float(value) <= 0.8 * 6 * 2**30 and "available" in source


def test_compile_limit_reads_seconds(monkeypatch):
    monkeypatch.setenv("SCHILD_COMPILE_LIMIT_S", "0")
    assert compile_limit_s() == float("inf")
    monkeypatch.setenv("SCHILD_COMPILE_LIMIT_S", "soon")
    with pytest.raises(schild.InputError, match="SCHILD_COMPILE_LIMIT_S"):
        compile_limit_s()


# -- compiling: refused with file, line, field, how much and what to change ----------------------------------

def test_billion_threat_raid_refused_at_its_count_without_allocating(binomial_yaml, write_yaml):
    path = write_yaml(binomial_yaml.replace("count: 1000,", "count: 1000000000,"))
    res = None

    def run():
        nonlocal res
        res = runner.invoke(app, ["run", str(path), "--runs", "10"])
    assert _peak_mib(run) < 128
    assert res.exit_code == 2, res.output
    line = _line_of(path.read_text(), "count: 1000000000")
    assert f"{path.name}:{line}: raids[0].count" in res.output.replace("\n", "")
    assert "Traceback" not in res.output


def test_crawling_threat_refused_at_its_speed_without_allocating(binomial_yaml, write_yaml):
    path = write_yaml(binomial_yaml.replace("speed_mps: 50,", "speed_mps: 1.0e-9,"))
    res = None

    def run():
        nonlocal res
        res = runner.invoke(app, ["run", str(path), "--runs", "10"])
    assert _peak_mib(run) < 128
    assert res.exit_code == 2, res.output
    out = res.output.replace("\n", "")
    assert re.search(rf"{path.name}:\d+: (raids\[0\]\.threat|catalog\.threats\.test_drone\.speed_mps)", out), out


def test_long_slow_paths_refused_at_the_speed_with_the_memory_needed(binomial_yaml, write_yaml, monkeypatch):
    monkeypatch.setenv("SCHILD_MEMORY_LIMIT", "4G")
    text = _slow(binomial_yaml)
    path = write_yaml(text)
    spec = schild.read_scenario(path)
    err = None

    def compile_it():
        nonlocal err
        with pytest.raises(schild.InputError) as info:
            schild.compile_world(spec)
        err = info.value
    assert _peak_mib(compile_it) < 16
    assert err.file == str(path) and err.line == _line_of(text, "speed_mps: 0.1")
    assert err.field == "catalog.threats.test_drone.speed_mps"
    msg = str(err)
    gib_needed = float(re.search(r"needs about ([\d.]+) GiB", msg).group(1))
    assert 15 < gib_needed < 25  # 20 raids x 1e6 samples x (40 + 24 x 40 bytes), about 18.6 GiB
    assert "4 GiB allowed by SCHILD_MEMORY_LIMIT=4G" in msg and "raise the threat type's speed_mps" in msg


def test_long_slow_paths_refused_for_time_when_memory_would_do(binomial_yaml, write_yaml, monkeypatch):
    monkeypatch.setenv("SCHILD_MEMORY_LIMIT", "1T")
    path = write_yaml(_slow(binomial_yaml))
    with pytest.raises(schild.InputError, match=r"would take about [\d.]+ (min|h)") as info:
        schild.compile_world(schild.read_scenario(path))
    assert info.value.field == "catalog.threats.test_drone.speed_mps" and info.value.line
    assert "SCHILD_COMPILE_LIMIT_S" in str(info.value)


def test_many_full_raids_refused_at_the_largest_count(binomial_yaml, write_yaml, monkeypatch):
    monkeypatch.setenv("SCHILD_MEMORY_LIMIT", "100M")
    text = _raids(binomial_yaml, 30, count=100_000)
    text = text.replace("count: 100000,", "count: 99999,", 3)  # the fourth raid has the most
    path = write_yaml(text)
    with pytest.raises(schild.InputError, match="3,000,000 threats|2,999,997 threats") as info:
        schild.compile_world(schild.read_scenario(path))
    lines = [i for i, line in enumerate(text.splitlines(), 1) if "count: 100000," in line]
    assert info.value.field == "raids[3].count" and info.value.line == lines[0]


def test_validate_refuses_what_run_would_refuse(binomial_yaml, write_yaml, monkeypatch):
    monkeypatch.setenv("SCHILD_MEMORY_LIMIT", "4G")
    path = write_yaml(_slow(binomial_yaml))
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    assert "catalog.threats.test_drone.speed_mps" in res.output.replace("\n", "") and "ok" not in res.output


# -- simulating: per-run results, chunks and events ----------------------------------------------------------

def test_hundred_million_runs_refused_with_the_runs_that_fit(binomial_yaml, write_yaml, monkeypatch):
    monkeypatch.setenv("SCHILD_MEMORY_LIMIT", "4G")
    path = write_yaml(binomial_yaml)
    res = None

    def run():
        nonlocal res
        res = runner.invoke(app, ["run", str(path), "--runs", "100000000"])
    assert _peak_mib(run) < 128  # the seeds of 1e8 runs alone took some 40 GiB
    assert res.exit_code == 2, res.output
    out = " ".join(res.output.split())
    assert out.startswith("error: runs: simulating 100,000,000 runs needs about")
    most = int(re.search(r"at most about ([\d,]+) fit", out).group(1).replace(",", ""))
    assert 5_000_000 < most < 20_000_000  # 4 GiB / 352 bytes a run


def test_chunks_shrink_to_fit_and_numbers_stay_the_same(binomial_yaml, monkeypatch, tmp_path):
    world = schild.compile_world(schild.scenario_from_text(binomial_yaml.replace("max_engagements: 1",
                                                                                   "max_engagements: 2")))
    ref = schild.simulate(world, runs=12, seed=3, workers=2, events_path=tmp_path / "ref.parquet")
    monkeypatch.setenv("SCHILD_MEMORY_LIMIT", "12M")  # a run's event buffers take 2.8 MiB
    plan = plan_runs(world, 12, 2, want_events=True, record_events=False, chunk_size=64)
    assert 1 < plan.chunk_runs < 12 and plan.bytes <= 12 * MIB
    small = schild.simulate(world, runs=12, seed=3, workers=2, events_path=tmp_path / "small.parquet")
    for name in ref.arrays.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(ref.arrays, name), getattr(small.arrays, name), err_msg=name)
    assert ref.events().equals(small.events())


def test_events_kept_in_memory_refused_up_front(binomial_yaml, monkeypatch):
    world = schild.compile_world(schild.scenario_from_text(binomial_yaml))
    monkeypatch.delenv("SCHILD_MEMORY_LIMIT", raising=False)
    with pytest.raises(schild.InputError, match="write the events to a file") as info:
        schild.simulate(world, runs=10_000_000, record_events=True)
    assert info.value.field == "record_events"


def test_events_kept_in_memory_stop_when_the_first_runs_show_they_cannot_fit(binomial_yaml, monkeypatch):
    plan = RunPlan(chunk_runs=8, bytes=0.0, limit=MemoryLimit(2e9, "allowed"), events_room_bytes=1e9)
    plan.check_kept_events(kept_bytes=1e6, done=8, runs=1000)  # 250 MB in all: fits
    with pytest.raises(schild.InputError, match="judged from the first 8 runs") as info:
        plan.check_kept_events(kept_bytes=1e6, done=8, runs=100_000)
    assert info.value.field == "record_events"
    # in a simulation: the first chunk's events (about 0.5 MB a run) show that 24 runs' cannot fit in 16 MiB
    world = schild.compile_world(schild.scenario_from_text(binomial_yaml))
    monkeypatch.setenv("SCHILD_MEMORY_LIMIT", "16M")
    with pytest.raises(schild.InputError, match="judged from the first"):
        schild.simulate(world, runs=24, seed=1, workers=1, record_events=True)


def test_ew_zones_around_many_assets_refused_at_the_zones(binomial_yaml, write_yaml, monkeypatch):
    """A zone without a centre stands around every asset: 20 zones x 20 assets are 400 draws per threat."""
    assets = "".join(f"  - {{id: a{i}, lat: 50.0, lon: {30.0 + i * 0.01:.2f}}}\n" for i in range(19))
    text = binomial_yaml.replace("  - {id: city, lat: 50.0, lon: 30.0, value: 1.0}\n",
                                 "  - {id: city, lat: 50.0, lon: 30.0, value: 1.0}\n" + assets)
    text += "electronic_warfare:\n  zones:\n" + "    - {radius_km: 5, defeat_probability: {drone: 0.1}}\n" * 20
    path = write_yaml(text)
    world = schild.load_scenario(path)
    assert world.n_uniforms == 2 + 400 + 2  # launch, decoy, zones, and the most rounds a doctrine allows
    monkeypatch.setenv("SCHILD_MEMORY_LIMIT", "3M")  # one run's draws: 1000 x 404 x 8 bytes = 3.1 MiB
    with pytest.raises(schild.InputError, match="400 EW zones") as info:
        schild.simulate(world, runs=5)
    assert info.value.field == "electronic_warfare.zones"
    assert info.value.line == _line_of(text, "  zones:") + 1  # where the list of zones starts
