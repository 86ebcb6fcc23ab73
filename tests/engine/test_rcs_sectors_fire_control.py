"""Radar cross-section, sectors, fire-control horizons and per-type engagement data, against analytic answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

import schild
from schild.compile import compile_world
from schild.geometry.horizon import radar_horizon_km
from schild.geometry.sectors import in_sector

GEOD = Geod(ellps="WGS84")

# --- sectors: the azimuth test ------------------------------------------------------------------------


def _circular_gap_deg(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


@settings(deadline=None)
@given(st.floats(-720, 720), st.floats(-360, 360), st.floats(0.01, 360))
def test_in_sector_is_the_circular_half_width(az, centre, width):
    got = bool(in_sector(np.array([az]), centre, width)[0])
    gap = _circular_gap_deg(az, centre)
    if abs(gap - width / 2) > 1e-6:  # away from the boundary (floating point decides on it)
        assert got == (gap < width / 2 or width >= 360.0)


def test_in_sector_wraps_through_north():
    az = np.array([340.0, 350.0, 359.9, 0.0, 10.0, 20.0, 21.0, 339.0, 180.0])
    assert in_sector(az, 0.0, 40.0).tolist() == [True, True, True, True, True, True, False, False, False]
    assert in_sector(az, -10.0, 40.0).tolist() == in_sector(az, 350.0, 40.0).tolist()
    assert in_sector(az, 123.0, 360.0).all()


# --- radar cross-section --------------------------------------------------------------------------------

RCS_YAML = """
schema_version: 1
name: rcs-ranges
catalog:
  threats:
    small: {class: drone, speed_mps: 50, altitude_m: 3000, terminal_dive_km: 0, rcs_m2: 0.1}
    large: {class: drone, speed_mps: 50, altitude_m: 3000, terminal_dive_km: 0, rcs_m2: 1.6}
    plain: {class: drone, speed_mps: 50, altitude_m: 3000, terminal_dive_km: 0}
  sensors:
    r100: {kind: radar, range_km: 100, mast_height_m: 20, reference_rcs_m2: 1}
assets:
  - {id: city, lat: 50.0, lon: 30.0}
sensors:
  - {id: radar, type: r100, lat: 50.0, lon: 30.0}
raids:
  - {id: small, threat: small, count: 2, from: {lat: 51.5, lon: 30.0}, target: city}
  - {id: large, threat: large, count: 2, from: {lat: 51.5, lon: 30.0}, target: city}
  - {id: plain, threat: plain, count: 2, from: {lat: 51.5, lon: 30.0}, target: city}
"""
STEP_KM = 0.1  # 50 m/s, one sample per 2 s


def _first_detections(text: str) -> dict[str, float]:
    res = schild.simulate(schild.scenario_from_text(text), runs=1, seed=0, record_events=True)
    det = res.events().query("kind == 'detect'")
    assert det.groupby("threat_type").size().to_dict() == {"large": 2, "plain": 2, "small": 2}
    return det.groupby("threat_type").range_km.max().to_dict()


def test_detection_range_scales_with_the_fourth_root_of_rcs():
    assert radar_horizon_km(20.0, 3000.0) > 200.0  # the horizon never binds here
    got = _first_detections(RCS_YAML)
    for threat, rcs in (("small", 0.1), ("large", 1.6), ("plain", 1.0)):
        expected = 100.0 * rcs ** 0.25  # 56.23 km, 112.47 km, 100 km
        assert expected - STEP_KM <= got[threat] <= expected + 1e-9, (threat, got[threat], expected)
    assert got["small"] <= 56.24 and got["large"] <= 112.48


def test_without_reference_rcs_range_does_not_depend_on_rcs():
    got = _first_detections(RCS_YAML.replace(", reference_rcs_m2: 1}", "}"))
    for threat in ("small", "large", "plain"):
        assert 100.0 - STEP_KM <= got[threat] <= 100.0, (threat, got[threat])


def test_horizon_still_binds_a_large_low_flyer():
    text = (RCS_YAML.replace("altitude_m: 3000, terminal_dive_km: 0, rcs_m2: 1.6", "altitude_m: 50, "
                             "terminal_dive_km: 0, rcs_m2: 1.6"))
    got = _first_detections(text)
    horizon = radar_horizon_km(20.0, 50.0)  # 47.6 km, below the 112 km the cross-section allows
    assert horizon - STEP_KM - 0.01 <= got["large"] <= horizon + 0.01


# --- sensor and fire-unit sectors -------------------------------------------------------------------------

SECTOR_YAML = """
schema_version: 1
name: sectors
catalog:
  threats:
    t: {class: drone, speed_mps: 50, altitude_m: 3000, terminal_dive_km: 0}
  interceptors:
    m: {unit_cost_usd: 1000, speed_mps: 1000}
  sensors:
    wide: {kind: radar, range_km: 500, mast_height_m: 20}
  effectors:
    b:
      interceptor: m
      launchers: 10
      rounds_per_launcher: 100
      fire_channels: 100
      reaction_time_s: 0
      envelope:
        drone: {max_range_km: 50, max_altitude_m: 10000, pk: 0.5}
assets:
  - {id: city, lat: 50.0, lon: 30.0}
sensors:
  - {id: radar, type: wide, lat: 50.5, lon: 30.3SENSOR_SECTOR}
fire_units:
  - {id: fu, type: b, lat: 50.5, lon: 30.3FU_SECTOR}
raids:
  - {threat: t, count: 5, from: {lat: 51.5, lon: 30.0}, target: city, launch_window_s: [0, 100]}
doctrine:
  drone: {salvo: 1, max_engagements: 3}
"""


def _sector_world(sensor_sector: str = "", fu_sector: str = ""):
    text = SECTOR_YAML.replace("SENSOR_SECTOR", sensor_sector).replace("FU_SECTOR", fu_sector)
    spec = schild.scenario_from_text(text)
    return spec, compile_world(spec)


def _bearings_deg(site_lat: float, site_lon: float, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    az, _, _ = GEOD.inv(np.full(len(lat), site_lon), np.full(len(lat), site_lat), lon, lat)
    return np.mod(np.asarray(az), 360.0)


def test_sensor_detects_only_inside_its_sector():
    _, world = _sector_world()
    assert world.arrays.det_k[0] == 0  # all round: seen from launch
    _, world = _sector_world(", sector: {centre_deg: 270, width_deg: 60}")
    p = world.paths[0]
    k = int(world.arrays.det_k[0])
    az = _bearings_deg(50.5, 30.3, p.lat, p.lon)
    assert k > 0 and az[k] <= 300.0 < az[k - 1]  # enters the 240..300 sector from the north-north-west
    _, world = _sector_world(", sector: {centre_deg: 90, width_deg: 60}")
    assert world.arrays.det_k[0] == -1  # the path never crosses the eastern sector: never seen
    res = schild.simulate(world, runs=2, seed=0)
    assert res.shots.mean == 0 and res.leaked.mean == 5


def test_fire_unit_intercepts_only_inside_its_sector():
    def intercept_bearings(world):
        icpt = world.arrays.shot_icpt[:, 0]
        p = world.paths[0]
        return _bearings_deg(50.5, 30.3, p.lat, p.lon)[icpt[icpt >= 0]]

    _, free = _sector_world()
    az_free = intercept_bearings(free)
    assert np.any(az_free > 300.0) and np.any(az_free < 240.0)  # without a sector it intercepts all round
    spec, world = _sector_world(fu_sector=", sector: {centre_deg: 270, width_deg: 60}")
    az = intercept_bearings(world)
    assert len(az) > 0 and np.all((az >= 240.0) & (az <= 300.0))
    res = schild.simulate(world, runs=3, seed=1)
    assert res.shots.mean > 0
    _, blind = _sector_world(fu_sector=", sector: {centre_deg: 90, width_deg: 60}")
    assert blind.arrays.raid_nfu[0] == 0
    assert schild.simulate(blind, runs=2, seed=0).shots.mean == 0


# --- fire-control horizon ----------------------------------------------------------------------------------

FC_YAML = """
schema_version: 1
name: fire-control-horizon
catalog:
  threats:
    low_cruise: {class: cruise, speed_mps: 250, altitude_m: 50, terminal_dive_km: 0, unit_cost_usd: 1000000}
  interceptors:
    sam: {unit_cost_usd: 100000, speed_mps: 1200}
  sensors:
    aerostat: {kind: radar, range_km: 250, mast_height_m: 2000}
  effectors:
    sam_battery:
      interceptor: sam
      launchers: 10
      rounds_per_launcher: 100
      fire_channels: 100
      reaction_time_s: 0
FIRE_CONTROL      envelope:
        cruise: {min_range_km: 0, max_range_km: 100, max_altitude_m: 20000, pk: 0.5}
assets:
  - {id: city, lat: 50.0, lon: 30.0}
sensors:
  - {id: net, type: aerostat, lat: 50.0, lon: 30.0}
fire_units:
  - {id: fu1, type: sam_battery, lat: 50.0, lon: 30.0}
raids:
  - {threat: low_cruise, count: 40, from: {lat: 52.7, lon: 30.0}, target: city, launch_window_s: [0, 600]}
doctrine:
  cruise: {salvo: 1, max_engagements: 4, look_time_s: 2}
"""
OWN_RADAR = "      fire_control: {mast_height_m: 5, range_km: 180}\n"
HORIZON_KM = 4.12 * (math.sqrt(5.0) + math.sqrt(50.0))  # 38.35 km


def _outcomes(text: str, runs: int = 4):
    res = schild.simulate(schild.scenario_from_text(text), runs=runs, seed=3, record_events=True)
    ev = res.events()
    return ev, ev[ev.kind.isin(["kill", "miss"])]


def test_network_tracks_the_missile_from_200_km():
    ev, _ = _outcomes(FC_YAML.replace("FIRE_CONTROL", OWN_RADAR), runs=1)
    assert ev.query("kind == 'detect'").range_km.min() > 200.0


def test_own_radar_horizon_bounds_every_intercept():
    assert HORIZON_KM == pytest.approx(38.35, abs=0.01)
    _, out = _outcomes(FC_YAML.replace("FIRE_CONTROL", OWN_RADAR))
    assert len(out) > 0 and (out.kind == "kill").any()
    assert out.range_km.max() <= 38.4
    assert out.range_km.max() >= HORIZON_KM - 0.5 - 0.01  # the first intercepts come at the horizon (500 m steps)


def test_without_fire_control_the_network_track_is_enough():
    _, out = _outcomes(FC_YAML.replace("FIRE_CONTROL", ""))
    assert out.range_km.max() > 90.0  # intercepts out to the 100 km envelope on the network's track


def test_engage_on_remote_intercepts_beyond_the_own_horizon():
    remote = OWN_RADAR.replace("180}", "180, engage_on_remote: true}")
    _, out = _outcomes(FC_YAML.replace("FIRE_CONTROL", remote))
    assert out.range_km.max() > 90.0


def test_own_radar_cues_a_unit_without_network_sensors():
    network = "\nsensors:\n  - {id: net, type: aerostat, lat: 50.0, lon: 30.0}\n"
    text = FC_YAML.replace("FIRE_CONTROL", OWN_RADAR)
    assert network in text
    text = text.replace(network, "\n")
    spec = schild.scenario_from_text(text)
    assert not spec.scenario.sensors and not spec.warnings  # the unit's own radar counts as a sensor
    ev, out = _outcomes(text)
    assert (out.kind == "kill").any()
    assert out.range_km.max() <= HORIZON_KM + 0.05
    assert ev.query("kind == 'detect'").empty  # no network detection is reported


def test_fire_control_range_scales_with_rcs():
    # a high flyer (the horizon far away): the 30 km fire-control range at 1 m^2 becomes 15 km at 1/16 m^2
    text = (FC_YAML.replace("FIRE_CONTROL", "      fire_control: {mast_height_m: 5, range_km: 30, reference_rcs_m2: 1}\n")
            .replace("altitude_m: 50, terminal_dive_km: 0, unit_cost_usd: 1000000",
                     "altitude_m: 5000, terminal_dive_km: 0, unit_cost_usd: 1000000, rcs_m2: 0.0625"))
    _, out = _outcomes(text)
    assert len(out) > 0
    assert out.range_km.max() <= 15.0 + 1e-6
    assert out.range_km.max() >= 15.0 - 0.5


def test_fire_unit_sector_limits_its_own_radar():
    text = FC_YAML.replace("FIRE_CONTROL", OWN_RADAR).replace(
        "{id: fu1, type: sam_battery, lat: 50.0, lon: 30.0}",
        "{id: fu1, type: sam_battery, lat: 50.0, lon: 30.0, sector: {centre_deg: 180, width_deg: 120}}")
    world = compile_world(schild.scenario_from_text(text))
    assert world.arrays.raid_nfu[0] == 0  # the missile comes from the north, the radar looks south


# --- per-type engagement data ------------------------------------------------------------------------------

TYPE_YAML = """
schema_version: 1
name: per-type-pk
catalog:
  threats:
    piston: {class: drone, speed_mps: 50, altitude_m: 1000, unit_cost_usd: 30000}
    jet: {class: drone, speed_mps: 50, altitude_m: 1000, unit_cost_usd: 30000}
  interceptors:
    m: {unit_cost_usd: 100000, speed_mps: 1000}
  sensors:
    r: {kind: radar, range_km: 200, mast_height_m: 20}
  effectors:
    b:
      interceptor: m
      launchers: 10
      rounds_per_launcher: 2000
      fire_channels: 10000
      reaction_time_s: 0
      envelope:
        drone: {max_range_km: 50, max_altitude_m: 10000, pk: 0.8}
        jet: {pk: 0.2, max_range_km: 10}
assets:
  - {id: city, lat: 50.0, lon: 30.0}
sensors:
  - {id: r1, type: r, lat: 50.0, lon: 30.0}
fire_units:
  - {id: fu1, type: b, lat: 50.0, lon: 30.0}
raids:
  - {threat: piston, count: 4000, from: {lat: 51.0, lon: 30.0}, target: city}
  - {threat: jet, count: 4000, from: {lat: 51.0, lon: 30.0}, target: city}
doctrine:
  drone: {salvo: 1, max_engagements: 1}
"""


def test_pk_and_envelope_per_threat_type():
    res = schild.simulate(schild.scenario_from_text(TYPE_YAML), runs=1, seed=11, record_events=True)
    ev = res.events()
    kills = ev[ev.kind == "kill"].groupby("threat_type").size().to_dict()
    n = 4000
    for threat, pk in (("piston", 0.8), ("jet", 0.2)):
        sd = math.sqrt(n * pk * (1 - pk))
        assert abs(kills[threat] - n * pk) <= 4 * sd, (threat, kills[threat])
    out = ev[ev.kind.isin(["kill", "miss"])]
    assert out[out.threat_type == "jet"].range_km.max() <= 10.0 + 1e-6  # the jet's own envelope
    assert out[out.threat_type == "piston"].range_km.max() > 45.0  # the class envelope


def test_pk_array_is_per_threat_type():
    world = compile_world(schild.scenario_from_text(TYPE_YAML))
    t = {name: i for i, name in enumerate(world.threat_types)}
    assert world.arrays.pk[0, t["piston"]] == 0.8 and world.arrays.pk[0, t["jet"]] == 0.2
