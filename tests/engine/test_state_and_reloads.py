"""State carried from one raid to the next, reloads from the reserve, and the magazine as a hard limit."""

from __future__ import annotations

import numpy as np

import schild


def test_state_carries_magazines_between_raids(binomial_yaml):
    text = binomial_yaml.replace("count: 1000", "count: 300").replace("rounds_per_launcher: 200",
                                                                     "rounds_per_launcher: 40")
    world = schild.compile_world(schild.scenario_from_text(text))
    night1 = schild.simulate(world, runs=6, seed=1)
    assert np.all(night1.arrays.ready_left == 100)  # 400 loaded, 300 drones, one shot each
    state = schild.DefenceState(night1.arrays.ready_left, night1.arrays.reserve_left)
    night2 = schild.simulate(world, runs=6, seed=2, state=state)
    assert np.all(night2.per_run()["shots"] == 100)
    assert np.all(night2.arrays.ready_left == 0)
    assert night2.leaked.mean > night1.leaked.mean + 150


def test_reload_from_reserve_after_reload_time(binomial_yaml):
    text = (binomial_yaml.replace("launchers: 10", "launchers: 1").replace("rounds_per_launcher: 200",
                                                                         "rounds_per_launcher: 5")
            .replace("reload_time_s: 0", "reload_time_s: 30\n      reserve_rounds: 20")
            .replace("count: 1000", "count: 40").replace("launch_window_s: [0, 0]", "launch_window_s: [0, 3000]"))
    res = schild.simulate(schild.scenario_from_text(text), runs=4, seed=0, record_events=True)
    assert np.all(res.per_run()["shots"] == 25)  # 5 loaded + 20 reserve, 40 drones spread over 50 min
    assert np.all(res.arrays.reserve_left == 0)
    shots = res.events().query("kind == 'shoot' and run == 0").time_s.to_numpy()
    gaps = np.diff(shots)
    assert np.sum(gaps >= 30.0 - 1e-6) >= 4  # each refill of the launcher waits the reload time


def test_fire_channels_limit_simultaneous_engagements(binomial_yaml):
    text = binomial_yaml.replace("fire_channels: 1000", "fire_channels: 3").replace("count: 1000", "count: 60")
    res = schild.simulate(schild.scenario_from_text(text), runs=2, seed=0, record_events=True)
    ev = res.events().query("run == 0")
    t_shot = ev[ev.kind == "shoot"].set_index("threat_id").time_s
    t_end = ev[ev.kind.isin(["kill", "miss"])].set_index("threat_id").time_s
    spans = sorted(zip(t_shot.loc[t_end.index], t_end))
    for t, _ in spans:
        in_flight = sum(1 for a, b in spans if a <= t < b)
        assert in_flight <= 3


def test_with_counts_matches_a_fresh_compile(binomial_yaml):
    world = schild.compile_world(schild.scenario_from_text(binomial_yaml))
    resized = world.with_counts([37])
    fresh = schild.compile_world(schild.scenario_from_text(binomial_yaml.replace("count: 1000", "count: 37")))
    a = schild.simulate(resized, runs=5, seed=3).arrays
    b = schild.simulate(fresh, runs=5, seed=3).arrays
    for name in a.__dataclass_fields__:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert resized.spec.scenario.raids[0].count == 37
