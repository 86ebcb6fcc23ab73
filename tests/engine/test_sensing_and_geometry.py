"""Radar horizon, detection ranges, flight profiles and intercept geometry against known answers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import schild
from schild.geometry.horizon import radar_horizon_km
from schild.geometry.paths import sample_path


BINOMIAL_YAML = (Path(__file__).parents[1] / "scenarios" / "binomial-check.yaml").read_text(encoding="utf-8")


def test_radar_horizon_formula():
    assert radar_horizon_km(10.0, 50.0) == pytest.approx(4.12 * (math.sqrt(10) + math.sqrt(50)))
    assert radar_horizon_km(10.0, 50.0) == pytest.approx(42.16, abs=0.01)


@settings(deadline=None)  # no wall-clock deadline: a first call may load compiled code
@given(st.floats(0, 100), st.floats(0, 100), st.floats(0, 20000))
def test_horizon_grows_with_heights(h_radar, dh, h_target):
    assert radar_horizon_km(h_radar + dh, h_target) >= radar_horizon_km(h_radar, h_target)
    assert radar_horizon_km(h_radar, h_target + dh) >= radar_horizon_km(h_radar, h_target)


def test_low_flyer_never_detected_beyond_horizon(binomial_yaml):
    text = (binomial_yaml.replace("speed_mps: 50, altitude_m: 1000,", "speed_mps: 50, altitude_m: 50, terminal_dive_km: 0,")
            .replace("mast_height_m: 20", "mast_height_m: 10").replace("count: 1000", "count: 20"))
    res = schild.simulate(schild.scenario_from_text(text), runs=5, seed=0, record_events=True)
    det = res.events().query("kind == 'detect'")
    assert len(det) == 100
    assert det.range_km.max() <= 42.2
    assert det.range_km.min() >= 41.6  # first sample inside the horizon (500 m steps)
    # a high flyer is seen at the instrumented range instead (horizon ~ 143 km at 1000 m, path 111 km)
    res_hi = schild.simulate(schild.scenario_from_text(binomial_yaml.replace("count: 1000", "count: 5")),
                             runs=2, seed=0, record_events=True)
    det_hi = res_hi.events().query("kind == 'detect'")
    assert det_hi.range_km.min() > 110


def test_optical_sensor_sees_less_far_than_radar():
    text = (BINOMIAL_YAML.replace("speed_mps: 50, altitude_m: 1000,", "speed_mps: 50, altitude_m: 50, terminal_dive_km: 0,")
            .replace("kind: radar, range_km: 200, mast_height_m: 20", "kind: optical, range_km: 200, mast_height_m: 10")
            .replace("count: 1000", "count: 3"))
    det = schild.simulate(schild.scenario_from_text(text), runs=2, seed=0, record_events=True).events()
    det = det[det.kind == "detect"]
    horizon = 3.57 * (math.sqrt(10) + math.sqrt(50))
    assert det.range_km.max() <= horizon + 1e-6 and det.range_km.min() > horizon - 0.6


def test_ballistic_arc_and_cruise_dive():
    p = sample_path(50.0, 36.0, 50.0, 33.0, 2000.0, "ballistic", cruise_alt_m=0.0, apogee_m=50_000.0)
    assert p.alt_m[0] == pytest.approx(0.0) and p.alt_m[-1] == pytest.approx(0.0, abs=1e-6)
    assert p.alt_m.max() == pytest.approx(50_000.0, rel=1e-3)
    assert np.argmax(p.alt_m) == pytest.approx(len(p.alt_m) / 2, abs=2)
    q = sample_path(51.0, 30.0, 50.0, 30.0, 50.0, "drone", cruise_alt_m=1000.0, dive_km=2.0)
    assert q.alt_m[0] == 1000.0 and q.alt_m[-1] == pytest.approx(0.0, abs=1e-6)
    to_go = q.length_m - q.ground_m
    assert np.all(q.alt_m[to_go > 2000.0] == 1000.0)
    assert q.tau_s[-1] == pytest.approx(q.length_m / 50.0)


def test_no_sensor_no_engagement(binomial_yaml):
    text = binomial_yaml.replace("sensors:\n  - {id: radar1, type: test_radar, lat: 50.0, lon: 30.0}\n", "")
    res = schild.simulate(schild.scenario_from_text(text.replace("count: 1000", "count: 10")), runs=3, seed=0)
    assert res.leaked.mean == 10 and res.shots.mean == 0


def test_intercepts_happen_inside_the_envelope(binomial_yaml):
    res = schild.simulate(schild.scenario_from_text(binomial_yaml.replace("count: 1000", "count: 50")),
                          runs=3, seed=0, record_events=True)
    ev = res.events()
    outcomes = ev[ev.kind.isin(["kill", "miss"])]
    assert len(outcomes) == 150
    assert outcomes.range_km.max() <= 50.0 + 1e-6
    shots = ev[ev.kind == "shoot"].set_index(["run", "threat_id"]).time_s
    ends = outcomes.set_index(["run", "threat_id"]).time_s
    flyout = (ends - shots).to_numpy()
    # first shot as soon as the intercept point falls inside 50 km: a 50 km fly-out at 1000 m/s, give or
    # take one 2 s path sample
    assert np.all(np.abs(flyout - 50.0) <= 2.01)
    assert np.all(ends.to_numpy() <= res.world.paths[0].tau_s[-1])


@settings(max_examples=15, deadline=None)
@given(count=st.integers(0, 60), pk=st.floats(0.0, 1.0), rounds=st.integers(1, 40),
       max_eng=st.integers(1, 3), salvo=st.integers(1, 3), ew=st.floats(0.0, 1.0), seed=st.integers(0, 2**31))
def test_invariants(count, pk, rounds, max_eng, salvo, ew, seed):
    text = (BINOMIAL_YAML.replace("count: 1000", f"count: {count}").replace("pk: 0.8", f"pk: {pk}")
            .replace("rounds_per_launcher: 200", f"rounds_per_launcher: {rounds}")
            .replace("{salvo: 1, max_engagements: 1}", f"{{salvo: {salvo}, max_engagements: {max_eng}}}")
            + f"electronic_warfare:\n  zones:\n    - {{radius_km: 20, defeat_probability: {{drone: {ew}}}}}\n")
    res = schild.simulate(schild.scenario_from_text(text), runs=4, seed=seed)
    pr = res.per_run()
    assert np.all(pr["launched"] == count)
    assert np.all(pr["killed"] + pr["ew_defeated"] + pr["leaked"] == count)
    assert np.all(pr["shots"] <= 10 * rounds)
    assert np.all(pr["shots"] % salvo == 0)
    assert np.all(pr["shots"] <= count * max_eng * salvo)
    assert np.all(res.arrays.ready_left + pr["shots"][:, None] == 10 * rounds)
    if pk == 0.0:
        assert np.all(pr["killed"] == 0)
    if ew == 1.0:  # nothing leaks: what the interceptors do not kill first, EW takes
        assert np.all(pr["leaked"] == 0)


def test_ranges_are_computed_only_for_units_with_an_envelope_against_the_raid():
    """Compile skips the geodesics of a unit with no envelope against a raid's type (its ranges are never
    read), and keeps those of a unit that doctrine excludes (Patriot rounds cost more than the drones'
    max_round_cost), so that ``with_arrays`` can let it fire without new geometry."""
    world = schild.load_scenario(Path(__file__).resolve().parents[2] / "examples" / "city-record-raid.yaml")
    a = world.arrays
    kinzhal = world.raid_ids.index("kinzhal_voronezh")
    rows = slice(a.path_off[kinzhal], a.path_off[kinzhal + 1])
    patriot, gepard = world.fire_unit_ids.index("patriot_1"), world.fire_unit_ids.index("gepard_1")
    assert not np.any(a.rng_km[rows, gepard])  # a gun has no envelope against Kinzhal
    drones = slice(a.path_off[0], a.path_off[1])  # raid shahed_kursk
    assert np.all(a.rng_km[drones, patriot] > 0) and np.all(a.rng_km[drones, gepard] > 0)
    assert patriot not in a.raid_fus[0, :a.raid_nfu[0]]
    no_limit = world.with_arrays(cls_maxcost=np.full_like(a.cls_maxcost, 1e18))
    assert patriot in no_limit.arrays.raid_fus[0, :no_limit.arrays.raid_nfu[0]]
