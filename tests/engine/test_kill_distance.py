"""Where kills happen: the distance of every kill from its target asset (events, bands, mean) against the
geometry, and the debris rule (damage by kills near an asset) against analytic and binomial answers."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from pyproj import Geod
from typer.testing import CliRunner

import schild
from schild.cli import app
from schild.compile.debris import KILL_BANDS_KM
from schild.results import kill_band_labels

GEOD = Geod(ellps="WGS84")
runner = CliRunner()

# Drones fly due south at 1,000 m from 111 km north of the city; one unit on their path, its envelope a
# slant range of RANGE_KM, so every first intercept happens where the slant range first drops to RANGE_KM:
# sqrt(RANGE_KM^2 - 1^2) km of ground north of the unit (within one 100 m path step).
BASE = """\
schema_version: 1
name: kill-distance
catalog:
  threats:
    test_drone: {class: drone, speed_mps: 50, altitude_m: 1000, terminal_dive_km: 0, unit_cost_usd: 30000}
    test_decoy: {class: decoy, speed_mps: 50, altitude_m: 1000, terminal_dive_km: 0, unit_cost_usd: 10000}
  interceptors:
    test_missile: {unit_cost_usd: 100000, speed_mps: 1000}
  sensors:
    test_radar: {kind: radar, range_km: 200, mast_height_m: 20}
  effectors:
    test_battery:
      interceptor: test_missile
      launchers: 10
      rounds_per_launcher: 500
      fire_channels: 1000
      reaction_time_s: 0
      reload_time_s: 0
      envelope:
        drone: {min_range_km: 0, max_range_km: RANGE, max_altitude_m: 10000, pk: PK}
assets:
  - {id: city, lat: 50.0, lon: 30.0ASSET_DEBRIS}
sensors:
  - {id: radar1, type: test_radar, lat: 50.0, lon: 30.0}
fire_units:
  - {id: fu1, type: test_battery, lat: UNIT_LAT, lon: 30.0}
raids:
  - {threat: THREAT, count: COUNT, from: {lat: 51.0, lon: 30.0}, target: city, launch_window_s: [0, 600]}
doctrine:
  drone: {salvo: 1, max_engagements: ENG, look_time_s: 2}
  decoy: {salvo: 1, max_engagements: ENG, look_time_s: 2}
DEBRIS"""

STEP_KM = 0.1  # 50 m/s, one sample per 2 s


def scenario(unit_lat: float = 50.0, range_km: float = 3.0, pk: float = 0.8, count: int = 300, eng: int = 1,
             threat: str = "test_drone", debris: str = "", asset_debris: str = "") -> str:
    return (BASE.replace("UNIT_LAT", str(unit_lat)).replace("RANGE", str(range_km)).replace("PK", str(pk))
            .replace("COUNT", str(count)).replace("ENG", str(eng)).replace("THREAT", threat)
            .replace("ASSET_DEBRIS", asset_debris).replace("DEBRIS", debris))


def world_of(text: str):
    return schild.compile_world(schild.scenario_from_text(text))


def expected_first_kill_km(unit_lat: float, range_km: float) -> float:
    """Ground distance from the city of the first intercept: the unit's distance plus the ground run of
    the envelope's edge at 1,000 m (threat, unit and city on one meridian)."""
    _, _, unit_m = GEOD.inv(30.0, 50.0, 30.0, unit_lat)
    return unit_m / 1000.0 + math.sqrt(range_km**2 - 1.0)


def band_of(distance_km: float) -> int:
    return int(np.searchsorted(KILL_BANDS_KM, distance_km, side="right")) - 1


@pytest.mark.parametrize("unit_lat,range_km", [(50.0, 3.0), (50.05, 3.0), (50.3, 8.0), (50.6, 8.0)])
def test_every_kill_is_where_the_geometry_puts_it(unit_lat, range_km):
    """One engagement per drone: every kill and miss happens at the envelope's edge, at a known distance
    from the city; the kills fall in that distance's band and their mean is that distance."""
    expected = expected_first_kill_km(unit_lat, range_km)
    r = schild.simulate(world_of(scenario(unit_lat, range_km)), runs=4, seed=3, workers=1, record_events=True)
    ev = r.events()
    at_intercept = ev[ev.kind.isin(["kill", "miss"])]
    assert len(at_intercept) == 4 * 300
    d = at_intercept.asset_distance_km.to_numpy()
    assert np.all(d <= expected + 1e-3) and np.all(d > expected - STEP_KM - 1e-3), (d.min(), d.max(), expected)
    assert ev[~ev.kind.isin(["kill", "miss"])].asset_distance_km.isna().all()
    a = r.arrays
    b = band_of(expected)
    assert b == band_of(expected - STEP_KM)  # the geometry keeps clear of a band's edge
    np.testing.assert_array_equal(a.kills_by_distance_band[:, 0, b], a.killed[:, 0])
    assert a.kills_by_distance_band.sum() == a.killed.sum()
    kd = r.to_dict()["by_class"]["drone"]
    assert kd["kills_by_distance_km"][kill_band_labels(np.array(KILL_BANDS_KM))[b]]["mean"] == a.killed[:, 0].mean()
    assert kd["mean_kill_distance_km"]["mean"] == pytest.approx(expected, abs=STEP_KM)
    assert kd["mean_kill_distance_km"]["runs_without_kills"] == 0


def test_shoot_look_shoot_kills_are_at_the_threats_position():
    """With re-engagements, later kills happen nearer the city: each kill's distance is where the drone is
    at the kill time (its path is straight at 50 m/s onto the city), within one path step."""
    world = world_of(scenario(50.0, 12.0, pk=0.5, count=200, eng=3))
    r = schild.simulate(world, runs=3, seed=5, workers=1, record_events=True)
    ev = r.events()
    launch = ev[ev.kind == "launch"].set_index(["run", "threat_id"]).time_s
    hits = ev[ev.kind.isin(["kill", "miss"])]
    flown_s = hits.time_s.to_numpy() - launch.loc[list(zip(hits.run, hits.threat_id))].to_numpy()
    to_go_km = world.paths[0].length_m / 1000.0 - 0.05 * flown_s
    np.testing.assert_allclose(hits.asset_distance_km.to_numpy(), to_go_km, atol=STEP_KM + 1e-3)
    kills = ev[ev.kind == "kill"]
    assert kills.asset_distance_km.min() < expected_first_kill_km(50.0, 12.0) - 1.0  # second engagements
    np.testing.assert_allclose(r.arrays.kill_distance_sum_km[:, 0],
                               kills.groupby("run").asset_distance_km.sum().to_numpy(), rtol=1e-6)


DEBRIS_AT_CITY = expected_first_kill_km(50.0, 3.0)  # 2.83 km


@pytest.mark.parametrize("radius_km,hits_all", [(5.0, True), (DEBRIS_AT_CITY + 0.01, True), (2.0, False),
                                                (0.0, False)])
def test_debris_certain_inside_the_radius_none_outside(radius_km, hits_all):
    text = scenario(debris=f"debris: {{radius_km: {radius_km}, damage_probability: 1}}\n")
    r = schild.simulate(world_of(text), runs=5, seed=1, workers=1)
    a = r.arrays
    assert a.killed[:, 0].min() > 0
    np.testing.assert_array_equal(a.debris_hits_per_asset[:, 0], a.killed[:, 0] if hits_all else 0)
    d = r.to_dict()
    assert d["debris_hits"]["mean"] == (a.killed[:, 0].mean() if hits_all else 0.0)
    assert d["per_asset"]["city"]["debris_rule"] == {"radius_km": radius_km, "damage_probability": 1.0}


def test_debris_damage_is_binomial():
    """Damage probability 0.3 inside the radius: hits ~ Binomial(kills, 0.3), summed over runs."""
    text = scenario(count=1000, debris="debris: {radius_km: 5, damage_probability: 0.3}\n")
    r = schild.simulate(world_of(text), runs=20, seed=2, workers=1)
    kills, hits = int(r.arrays.killed[:, 0].sum()), int(r.arrays.debris_hits_per_asset.sum())
    sd = math.sqrt(kills * 0.3 * 0.7)
    assert abs(hits - 0.3 * kills) < 4.5 * sd, (hits, kills)


def test_decoy_kills_do_no_damage():
    text = scenario(threat="test_decoy", debris="debris: {radius_km: 5, damage_probability: 1}\n")
    r = schild.simulate(world_of(text), runs=3, seed=1, workers=1)
    assert r.arrays.killed[:, 1].min() > 0
    assert r.arrays.kills_by_distance_band[:, 1, 0].sum() == r.arrays.killed[:, 1].sum()
    assert r.arrays.debris_hits_per_asset.sum() == 0


def test_an_assets_own_rule_overrides_the_scenarios():
    scenario_rule = "debris: {radius_km: 5, damage_probability: 1}\n"
    off = ", debris: {radius_km: 0, damage_probability: 1}"
    r = schild.simulate(world_of(scenario(debris=scenario_rule, asset_debris=off)), runs=3, seed=1, workers=1)
    assert r.arrays.debris_hits_per_asset.sum() == 0
    own = ", debris: {radius_km: 5, damage_probability: 1}"
    r = schild.simulate(world_of(scenario(asset_debris=own)), runs=3, seed=1, workers=1)
    np.testing.assert_array_equal(r.arrays.debris_hits_per_asset[:, 0], r.arrays.killed[:, 0])


def test_damage_goes_to_the_asset_the_threat_flew_at():
    """Two cities, a raid and a unit at each; only the first has a rule: its hits are its own kills."""
    text = (scenario(asset_debris=", debris: {radius_km: 5, damage_probability: 1}")
            .replace("sensors:\n  - {id: radar1", "  - {id: town, lat: 50.0, lon: 31.0}\nsensors:\n  - {id: radar1")
            .replace("  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}",
                     "  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}\n"
                     "  - {id: fu2, type: test_battery, lat: 50.0, lon: 31.0}")
            .replace("raids:\n", "raids:\n  - {threat: test_drone, count: 300, from: {lat: 51.0, lon: 31.0}, "
                                 "target: town, launch_window_s: [0, 600]}\n"))
    world = world_of(text)
    assert world.asset_ids == ["city", "town"]
    r = schild.simulate(world, runs=4, seed=1, workers=1)
    a = r.arrays
    np.testing.assert_array_equal(a.debris_hits_per_asset[:, 0], a.kills_per_fire_unit[:, 0])
    np.testing.assert_array_equal(a.debris_hits_per_asset[:, 1], 0)
    assert a.kills_per_fire_unit[:, 1].min() > 0
    d = r.to_dict()["per_asset"]
    assert d["town"]["debris_rule"] is None and d["town"]["debris_hits"]["mean"] == 0.0


def test_a_debris_rule_changes_no_combat_draw():
    """The debris uniform is drawn after the others: with and without a rule, the same seed gives the same
    launches, shots, kills and kill places; without a rule no uniform is added."""
    plain = world_of(scenario(pk=0.5, eng=2, count=200))
    ruled = world_of(scenario(pk=0.5, eng=2, count=200, debris="debris: {radius_km: 20, damage_probability: 0.5}\n"))
    assert plain.n_uniforms == plain.n_combat_uniforms and ruled.n_uniforms == plain.n_uniforms + 1
    r0 = schild.simulate(plain, runs=6, seed=9, workers=2, chunk_size=4)
    r1 = schild.simulate(ruled, runs=6, seed=9, workers=1)
    for name in r0.arrays.__dataclass_fields__:
        if name != "debris_hits_per_asset":
            np.testing.assert_array_equal(getattr(r0.arrays, name), getattr(r1.arrays, name), err_msg=name)
    assert r0.arrays.debris_hits_per_asset.sum() == 0
    assert 0 < r1.arrays.debris_hits_per_asset.sum() < r1.arrays.killed.sum()
    d0 = r0.to_dict()
    assert "debris_hits" not in d0 and set(d0["per_asset"]["city"]) == {"leaked_lethal"}
    assert not any("debris" in f for f in r0.summary()["figure"])


def test_run_prints_kill_distances_and_debris_beside_leakers(write_yaml, tmp_path):
    path = write_yaml(scenario(unit_lat=50.3, range_km=8.0,
                               debris="debris: {radius_km: 50, damage_probability: 1}\n"))
    out = tmp_path / "r.json"
    res = runner.invoke(app, ["run", str(path), "--runs", "4", "--workers", "1", "--json", str(out)],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    rows = [ln for ln in lines if "asset.city." in ln]
    names = [re.split(r"[│┃]", ln)[1].strip() for ln in rows]
    assert names == ["asset.city.leaked_lethal", "asset.city.debris_hits"]
    assert "kill_distance_km." not in res.output and "kills by distance from the target asset" in res.output
    split = ([c.strip() for c in re.split(r"[│┃]", ln)[1:-1]] for ln in lines)
    table = {cells[0]: cells[1:] for cells in split if len(cells) == 7}
    assert table["class"] == [*kill_band_labels(np.array(KILL_BANDS_KM)), "mean km"]
    assert table["drone"][:3] == ["0", "0", "0"] and table["drone"][4] == "0"  # every kill at 41 km
    d = json.loads(out.read_text())
    assert d["debris_hits"]["mean"] == d["by_class"]["drone"]["killed"]["mean"] > 0
    assert d["per_asset"]["city"]["debris_hits"] == d["by_class"]["drone"]["killed"]
    assert d["by_class"]["drone"]["mean_kill_distance_km"]["mean"] == pytest.approx(
        expected_first_kill_km(50.3, 8.0), abs=STEP_KM)


# --- bad input: file, line and field, exit code 2 -------------------------------------------------------

BAD = [
    ("negative radius", "debris: {radius_km: -1, damage_probability: 0.1}\n", "",
     ["debris.radius_km", "greater than or equal to 0"], "radius_km: -1"),
    ("probability above 1", "debris:\n  radius_km: 2\n  damage_probability: 1.5\n", "",
     ["debris.damage_probability", "less than or equal to 1"], "damage_probability: 1.5"),
    ("infinite radius", "debris: {radius_km: .inf, damage_probability: 0.1}\n", "",
     ["debris.radius_km", "finite number"], "radius_km: .inf"),
    ("boolean probability", "debris: {radius_km: 2, damage_probability: true}\n", "",
     ["debris.damage_probability", "not a boolean"], "damage_probability: true"),
    ("missing probability", "debris: {radius_km: 2}\n", "",
     ["debris.damage_probability", "required field is missing"], "debris: {radius_km: 2}"),
    ("unknown field", "debris: {radius: 2, damage_probability: 0.1}\n", "",
     ["debris.radius", "unknown field 'radius'", "allowed: radius_km, damage_probability"], "radius: 2"),
    ("asset's negative probability", "", ", debris: {radius_km: 2, damage_probability: -0.2}",
     ["assets[0].debris.damage_probability", "greater than or equal to 0"], "damage_probability: -0.2"),
]


@pytest.mark.parametrize("desc,debris,asset_debris,fragments,marker", BAD, ids=[c[0] for c in BAD])
def test_bad_debris_rule_is_named_at_its_line(write_yaml, desc, debris, asset_debris, fragments, marker):
    text = scenario(debris=debris, asset_debris=asset_debris)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if marker in ln)
    path = write_yaml(text)
    for command in (["validate", str(path)], ["run", str(path), "--runs", "2"]):
        res = runner.invoke(app, command)
        assert res.exit_code == 2, res.output
        flat = " ".join(res.output.split())
        assert "Traceback" not in flat
        assert f"{path}:{line}:" in res.output.replace("\n", ""), flat
        for frag in fragments:
            assert frag in flat, (frag, flat)
