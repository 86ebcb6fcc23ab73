"""Analytic checks of the raid engine on the acceptance scenario (binomial leakage, magazine exhaustion)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import schild


def _run(text: str, runs: int = 400, seed: int = 1):
    return schild.simulate(schild.compile_world(schild.scenario_from_text(text)), runs=runs, seed=seed)


def _within(stat, expected: float, per_run_sd: float, runs: int, z: float = 4.5) -> None:
    se = per_run_sd / math.sqrt(runs)
    assert abs(stat.mean - expected) <= z * se + 1e-9, (stat.mean, expected, se)
    assert stat.ci95[0] <= stat.mean <= stat.ci95[1]


def test_single_engagement_leaks_binomially(binomial_yaml):
    r = _run(binomial_yaml)
    _within(r.leaked, 200.0, math.sqrt(1000 * 0.8 * 0.2), 400)
    assert np.all(r.per_run()["shots"] == 1000)
    assert r.shots.mean == 1000


def test_shoot_look_shoot_two_engagements(binomial_yaml):
    r = _run(binomial_yaml.replace("max_engagements: 1", "max_engagements: 2"))
    # leak probability 0.2^2 = 0.04 per drone; shots = 1000 + misses of the first engagement
    _within(r.leaked, 40.0, math.sqrt(1000 * 0.04 * 0.96), 400)
    _within(r.shots, 1200.0, math.sqrt(1000 * 0.2 * 0.8), 400)


def test_magazine_exhaustion(binomial_yaml):
    r = _run(binomial_yaml.replace("rounds_per_launcher: 200", "rounds_per_launcher: 50"))
    assert np.all(r.per_run()["shots"] == 500)
    _within(r.killed, 400.0, math.sqrt(500 * 0.8 * 0.2), 400)
    _within(r.leaked, 600.0, math.sqrt(500 * 0.8 * 0.2), 400)
    assert np.all(r.arrays.ready_left == 0)


def test_conservation_and_costs(binomial_yaml):
    r = _run(binomial_yaml, runs=20)
    pr = r.per_run()
    assert np.all(pr["launched"] == pr["killed"] + pr["ew_defeated"] + pr["leaked"])
    assert np.all(r.arrays.leaked_per_asset.sum(1) == pr["leaked_lethal"])
    assert np.allclose(pr["cost_interceptors_usd"], pr["shots"] * 100_000)
    assert np.allclose(pr["cost_threats_usd"], 1000 * 30_000)


@pytest.mark.parametrize("workers,chunk", [(1, 64), (2, 7), (2, 64)])
def test_same_seed_same_numbers_any_workers(binomial_yaml, workers, chunk):
    world = schild.compile_world(schild.scenario_from_text(binomial_yaml.replace("max_engagements: 1",
                                                                                   "max_engagements: 2")))
    ref = schild.simulate(world, runs=30, seed=7, workers=1, chunk_size=30)
    other = schild.simulate(world, runs=30, seed=7, workers=workers, chunk_size=chunk)
    for name in ref.arrays.__dataclass_fields__:
        assert np.array_equal(getattr(ref.arrays, name), getattr(other.arrays, name)), name
    different = schild.simulate(world, runs=30, seed=8, workers=workers)
    assert not np.array_equal(ref.arrays.killed, different.arrays.killed)


def test_exact_assignment_matches_binomial(binomial_yaml):
    text = binomial_yaml.replace("count: 1000", "count: 200")
    world = schild.compile_world(schild.scenario_from_text(text))
    r = schild.simulate(world, runs=40, seed=3, assignment="exact")
    _within(r.leaked, 40.0, math.sqrt(200 * 0.8 * 0.2), 40)
    assert np.all(r.per_run()["shots"] == 200)


def test_late_launch_times_still_advance_and_leak_binomially(binomial_yaml):
    """Regression: a raid launched 1e12 s in (a window typed in the wrong unit) hung the event loop: the
    1-microsecond step added to t ~ 1e12 left t unchanged. The same binomial answer must come out.
    A scenario file cannot say this (launches end within 30 days), so the engine's arrays are set directly."""
    world = schild.compile_world(schild.scenario_from_text(binomial_yaml))
    late = np.array([1.0e12])
    r = schild.simulate(world.with_arrays(raid_lo=late, raid_hi=late), runs=60, seed=1)
    _within(r.leaked, 200.0, math.sqrt(1000 * 0.8 * 0.2), 60)
    assert np.all(r.per_run()["shots"] == 1000)


def test_seed_may_be_a_generator_and_the_drawn_seed_reproduces_the_run(binomial_yaml):
    world = schild.compile_world(schild.scenario_from_text(binomial_yaml))
    a = schild.simulate(world, runs=8, seed=np.random.default_rng(42))
    b = schild.simulate(world, runs=8, seed=np.random.default_rng(42))
    assert a.seed == b.seed and a.manifest["seed"] == a.seed
    again = schild.simulate(world, runs=8, seed=a.seed)
    np.testing.assert_array_equal(a.per_run()["leaked"], again.per_run()["leaked"])
    np.testing.assert_array_equal(a.per_run()["leaked"], b.per_run()["leaked"])


@pytest.mark.parametrize("kw,needle", [({"seed": 1.5}, "seed must be"), ({"seed": -1}, "seed must be"),
                                       ({"seed": True}, "seed must be"), ({"workers": 0}, "workers must be")])
def test_bad_seed_or_workers_is_an_input_error(binomial_yaml, kw, needle):
    """Regressions: a float seed ended in numpy's TypeError, workers=0 ran silently on every core."""
    world = schild.compile_world(schild.scenario_from_text(binomial_yaml))
    with pytest.raises(schild.InputError, match=needle):
        schild.simulate(world, runs=2, **kw)
