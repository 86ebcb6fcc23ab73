"""Ballistic flight: the arc's apogee and re-entry angle per trajectory and range, the powered climb, the
terminal manoeuvre's pk factor and the decoys a missile releases, against analytic answers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import schild
from schild.geometry.paths import ballistic_profile, sample_path

BALLISTIC_YAML = (Path(__file__).parents[1] / "scenarios" / "ballistic-check.yaml").read_text(encoding="utf-8")
SRBM = "test_srbm: {class: ballistic, speed_mps: 2000, unit_cost_usd: 3000000}"


def _with_srbm(fields: str, text: str = BALLISTIC_YAML) -> str:
    assert text.count(SRBM) == 1
    return text.replace(SRBM, SRBM[:-1] + ", " + fields + "}")


def _world(text: str) -> schild.World:
    return schild.compile_world(schild.scenario_from_text(text))


@pytest.mark.parametrize("fields,share", [("", 0.25), ("trajectory: minimum_energy", 0.25),
                                          ("trajectory: depressed", 0.125)])
def test_apogee_and_reentry_angle_follow_the_range(fields, share):
    world = _world(_with_srbm(fields) if fields else BALLISTIC_YAML)
    p = world.paths[0]
    d = p.length_m
    assert p.alt_m.max() == pytest.approx(share * d, rel=1e-4)
    expected = math.degrees(math.atan(4.0 * share * d / d))
    assert world.reentry_deg[0] == pytest.approx(expected, abs=1e-9)
    assert expected == pytest.approx(45.0 if share == 0.25 else 26.565, abs=1e-3)
    # the sampled path descends at that angle in its last step
    slope = (p.alt_m[-2] - p.alt_m[-1]) / (p.ground_m[-1] - p.ground_m[-2])
    assert math.degrees(math.atan(slope)) == pytest.approx(expected, abs=0.05)


def test_fixed_apogee_sets_the_angle_for_the_range():
    world = _world(_with_srbm("apogee_m: 50000"))
    d = world.paths[0].length_m
    assert world.reentry_deg[0] == pytest.approx(math.degrees(math.atan(4 * 50_000.0 / d)), abs=1e-9)
    assert world.paths[0].alt_m.max() == pytest.approx(50_000.0, rel=1e-4)


def test_default_arc_is_the_parabola_over_the_whole_range():
    p = sample_path(50.0, 36.0, 50.0, 33.0, 2000.0, "ballistic", cruise_alt_m=0.0)
    d, s = p.length_m, p.ground_m
    assert np.array_equal(p.alt_m, 4.0 * (d / 4.0) * s * (d - s) / d**2)
    q = sample_path(50.0, 36.0, 50.0, 33.0, 2000.0, "ballistic", cruise_alt_m=0.0, trajectory="minimum_energy")
    assert np.array_equal(p.alt_m, q.alt_m)


def test_boost_climb_is_monotone_and_joins_the_arc():
    d, b, h_a = 300_000.0, 30_000.0, 75_000.0
    s = np.linspace(0.0, d, 300_001)
    h = ballistic_profile(s, d, h_a, b)
    arc = ballistic_profile(s, d, h_a)
    climb = s < b
    assert h[0] == 0.0 and np.all(np.diff(h[climb]) > 0)
    assert np.array_equal(h[~climb], arc[~climb])  # the arc from burnout on
    h_b = 4 * h_a * b * (d - b) / d**2
    eps = 1e-3
    left, at, right = ballistic_profile(np.array([b - eps, b, b + eps]), d, h_a, b)
    assert at == pytest.approx(h_b, rel=1e-12) and left == pytest.approx(h_b, rel=1e-7)  # continuous
    assert (at - left) / eps == pytest.approx((right - at) / eps, rel=1e-4)  # with the same slope
    assert np.all(h[climb][1:] > arc[climb][1:])  # steeper than the arc: a powered climb
    near_0 = ballistic_profile(np.array([0.0, 1e-3, 1.0]), d, h_a, b)
    assert near_0[1] / 1e-3 > near_0[2] / 1.0 > 4 * h_a / d  # steeper than the arc, vertical in the limit


def test_boost_in_a_scenario_keeps_apogee_and_reentry():
    plain, boosted = _world(BALLISTIC_YAML), _world(_with_srbm("boost_km: 20"))
    p, q = plain.paths[0], boosted.paths[0]
    assert boosted.reentry_deg[0] == plain.reentry_deg[0]
    assert q.alt_m.max() == p.alt_m.max()
    after = q.ground_m >= 20_000.0
    assert np.array_equal(q.alt_m[after], p.alt_m[after])
    assert np.all(q.alt_m[1:][~after[1:]] > p.alt_m[1:][~after[1:]])


MANOEUVRE = "terminal_manoeuvre: {pk_factor: 0.5, below_altitude_m: 40000}"


def test_manoeuvre_factor_applies_low_in_the_descent_only():
    world = _world(_with_srbm("terminal_manoeuvre: {pk_factor: 0.25, below_altitude_m: 20000}"))
    p, factor = world.paths[0], world.arrays.pk_row
    assert factor.shape == (len(p.tau_s),)
    after_apogee = np.arange(len(p.tau_s)) > np.argmax(p.alt_m)
    low = p.alt_m < 20_000.0
    assert np.all(factor[after_apogee & low] == 0.25)
    assert np.all(factor[~(after_apogee & low)] == 1.0)
    assert (~after_apogee & low).any()  # the climb is low too, and keeps pk
    assert np.all(_world(BALLISTIC_YAML).arrays.pk_row == 1.0)


@pytest.mark.parametrize("manoeuvre,rate", [(True, 0.4), (False, 0.8)])
def test_manoeuvre_halves_the_kill_rate(manoeuvre, rate):
    text = BALLISTIC_YAML.replace("count: 10,", "count: 2500,")
    world = _world(_with_srbm(MANOEUVRE, text) if manoeuvre else text)
    res = schild.simulate(world, runs=2, seed=3)
    n = 2 * 2500
    assert res.arrays.launched.sum() == n and res.shots.mean == 2500  # every threat engaged once
    killed = res.killed.mean * 2 / n
    assert killed == pytest.approx(rate, abs=4 * math.sqrt(rate * (1 - rate) / n))


def test_manoeuvre_lowers_the_engagement_score():
    """One round for two threats alike but for the manoeuvre: it goes to the one that does not evade."""
    text = (BALLISTIC_YAML.replace("launchers: 10", "launchers: 1").replace("rounds_per_launcher: 2000",
                                                                           "rounds_per_launcher: 1")
            .replace("count: 10,", "count: 1,"))
    text = text.replace(SRBM, SRBM[:-1] + ", " + MANOEUVRE + "}\n    plain_srbm: " + SRBM.split(": ", 1)[1])
    raids = ("  - {threat: plain_srbm, count: 1, from: {lat: 52.7, lon: 30.0}, target: city, "
             "launch_window_s: [0, 0]}\ndoctrine:")
    text = raids.join(text.rsplit("doctrine:", 1))
    res = schild.simulate(_world(text), runs=3, seed=0, record_events=True)
    shots = res.events().query("kind == 'shoot'")
    assert len(shots) == 3 and set(shots.threat_type) == {"plain_srbm"}


def _decoy_world(release: str = "released_decoys: {count: 2, after: 0.9}", count: int = 20,
                 discrimination: float = 0.0, window: str = "[0, 60]") -> schild.World:
    text = _with_srbm(release, BALLISTIC_YAML.replace("count: 10,", f"count: {count},")
                      .replace("launch_window_s: [0, 0]", f"launch_window_s: {window}"))
    return _world(text.replace("doctrine:\n", f"doctrine:\n  decoy_discrimination: {discrimination}\n"))


def test_released_decoys_fly_with_their_missiles_and_count_as_decoys():
    world = _decoy_world()
    a = world.arrays
    assert world.n_threats == 60 and len(a.raid_count) == 2 and list(a.raid_count) == [20, 40]
    decoys = np.flatnonzero(a.thr_parent >= 0)
    assert len(decoys) == 40 and np.all(a.thr_parent[decoys] < decoys)  # the parent is drawn first
    assert np.array_equal(np.bincount(a.thr_parent[decoys]), np.full(20, 2))  # two per missile
    assert np.all(a.thr_result_class[decoys] == 1) and np.all(a.thr_class[decoys] == a.thr_class[0])
    assert world.threat_cost_usd.sum() == 20 * 3_000_000  # part of the missile's price
    res = schild.simulate(world, runs=4, seed=0, record_events=True)
    s = res.summary().set_index("figure")["mean"]
    assert s["decoy.launched"] == 40 and s["ballistic.launched"] == 20
    ev = res.events()
    launch = ev[ev.kind == "launch"].set_index(["run", "threat_id"]).time_s
    for run in range(4):
        t = launch.loc[run]
        assert np.array_equal(t.loc[decoys].to_numpy(), t.loc[a.thr_parent[decoys]].to_numpy())
        assert len(set(t.loc[list(range(20))].round(9))) == 20  # the missiles have their own launch times
    assert set(ev[ev.threat_id.isin(decoys)].threat_class) == {"decoy"}


def test_released_decoys_are_not_seen_or_engaged_before_release():
    world = _decoy_world()
    a, p = world.arrays, world.paths[1]
    k_release = int(np.searchsorted(p.ground_m, 0.9 * p.length_m))
    assert a.det_k[1] >= k_release and a.det_k[0] < k_release
    assert a.first_k[1, 0] >= k_release and a.first_k[0, 0] < k_release
    ev = schild.simulate(world, runs=3, seed=1, record_events=True).events()
    launch = ev[ev.kind == "launch"].set_index(["run", "threat_id"]).time_s
    shots = ev[ev.kind == "shoot"]
    decoy_shots = shots[shots.threat_class == "decoy"]
    assert len(decoy_shots) > 0 and len(shots[shots.threat_class == "ballistic"]) > 0
    since = decoy_shots.time_s.to_numpy() - launch.loc[list(zip(decoy_shots.run, decoy_shots.threat_id))].to_numpy()
    assert since.min() >= p.tau_s[k_release] - 1e-9
    missile_shots = shots[shots.threat_class == "ballistic"]
    since_m = missile_shots.time_s.to_numpy() - launch.loc[list(zip(missile_shots.run, missile_shots.threat_id))].to_numpy()
    assert since_m.min() < p.tau_s[k_release]  # the missile is engaged earlier, on its way in


def test_released_at_apogee_and_recognised_decoys():
    world = _decoy_world("released_decoys: {count: 3}", count=10, discrimination=1.0)
    p = world.paths[1]
    assert world.arrays.det_k[1] >= np.argmax(p.alt_m)
    res = schild.simulate(world, runs=3, seed=0, record_events=True)
    shots = res.events().query("kind == 'shoot'")
    assert len(shots) > 0 and set(shots.threat_class) == {"ballistic"}  # recognised: never engaged
    s = res.summary().set_index("figure")["mean"]
    assert s["decoy.leaked"] == 30 and s["leaked_lethal"] == s["ballistic.leaked"]  # leaked decoys are harmless


def test_released_decoys_follow_their_missiles_in_with_counts():
    world = _decoy_world(count=5).with_counts([7])
    assert list(world.arrays.raid_count) == [7, 14] and world.n_threats == 21
    assert np.array_equal(np.bincount(world.arrays.thr_parent[7:]), np.full(7, 2))
    with pytest.raises(ValueError, match="need 1 non-negative raid counts"):
        world.with_counts([7, 14])


def test_released_decoys_follow_each_lane_of_a_corridor():
    text = _with_srbm("released_decoys: {count: 2, after: 0.9}",
                      BALLISTIC_YAML.replace("count: 10,", "count: 12,")
                      .replace("launch_window_s: [0, 0]", "launch_window_s: [0, 60], corridor_km: 4"))
    world = _world(text)
    a = world.arrays
    lanes = 4  # ceil(4 km / 1 km)
    assert len(a.raid_count) == 2 * lanes
    decoys = np.flatnonzero(a.thr_parent >= 0)
    assert len(decoys) == 24 and np.all(a.thr_parent[decoys] < decoys)
    # each decoy flies the lane of its own missile
    assert np.array_equal(world.raids.parent[a.thr_raid[decoys]], a.thr_raid[a.thr_parent[decoys]])
    for r in range(lanes, 2 * lanes):
        assert world.paths[r] is world.paths[world.raids.parent[r]]
    scaled = world.with_counts([20])
    parents = scaled.arrays.thr_parent[scaled.arrays.thr_parent >= 0]
    assert scaled.n_threats == 60 and np.array_equal(np.bincount(parents), np.full(20, 2))
    res = schild.simulate(world, runs=2, seed=0)
    assert res.summary().set_index("figure")["mean"]["decoy.launched"] == 24
