"""Per-layer engagement caps, hold-for-cheaper by expected cost per kill, held slots, and the smaller
kill-chain rules (salvos against loaded rounds, intercepts of shots fired between samples), against
analytic answers."""

from __future__ import annotations

import numpy as np
import pytest

import schild
from schild.compile import compile_world

# Drones fly south 1.5 degrees (about 167 km) at 50 m/s, 1,000 m up; a network radar at the city sees them
# from 148 km (its horizon). Units sit on the path; each envelope covers about 20 km of it.
HEAD = """
schema_version: 1
name: layers
catalog:
  threats:
    d: {class: drone, speed_mps: 50, altitude_m: 1000, terminal_dive_km: 0}
  interceptors:
INTERCEPTORS
  sensors:
    wide: {kind: radar, range_km: 500, mast_height_m: 20}
  effectors:
EFFECTORS
assets:
  - {id: city, lat: 50.0, lon: 30.0}
sensors:
  - {id: radar, type: wide, lat: 50.0, lon: 30.0}
"""


def _effector(name: str, interceptor: str, pk: float, *, max_range_km: float = 10.0, channels: int = 1000,
              launchers: int = 100, rounds: int = 1000) -> str:
    return f"""    {name}:
      interceptor: {interceptor}
      launchers: {launchers}
      rounds_per_launcher: {rounds}
      reserve_rounds: 0
      fire_channels: {channels}
      reaction_time_s: 0
      engagement_time_s: 0
      envelope:
        drone: {{max_range_km: {max_range_km}, max_altitude_m: 5000, pk: {pk}}}
"""


def _scenario(interceptors: dict[str, int], effectors: list[str], units: str, raids: str, doctrine: str) -> str:
    icpt = "".join(f"    {k}: {{unit_cost_usd: {v}, speed_mps: 1000}}\n" for k, v in interceptors.items())
    text = HEAD.replace("INTERCEPTORS\n", icpt).replace("EFFECTORS\n", "".join(effectors))
    return text + "fire_units:\n" + units + "raids:\n" + raids + "doctrine:\n" + doctrine


def _run(text: str, runs: int = 1, seed: int = 0, **kw):
    return schild.simulate(schild.scenario_from_text(text), runs=runs, seed=seed, **kw)


# --- per-layer engagement caps: three layers in a row --------------------------------------------------

THREE_LAYERS = _scenario(
    {"m": 1000},
    [_effector("outer", "m", 0.2), _effector("middle", "m", 0.5), _effector("inner", "m", 0.8)],
    "  - {id: outer, type: outer, lat: 51.2, lon: 30.0}\n"
    "  - {id: middle, type: middle, lat: 50.8, lon: 30.0}\n"
    "  - {id: inner, type: inner, lat: 50.4, lon: 30.0}\n",
    "  - {threat: d, count: 10000, from: {lat: 51.5, lon: 30.0}, target: city, launch_window_s: [0, 20000]}\n",
    "  drone: {salvo: 1, max_engagements: TOTAL, max_engagements_per_layer: PER_LAYER, look_time_s: 1, "
    "hold_for_cheaper: false}\n")


@pytest.mark.parametrize("per_layer,total,expected", [(1, 3, 800.0), (2, 6, 64.0)])
def test_three_layers_each_take_their_own_engagements(per_layer, total, expected):
    text = THREE_LAYERS.replace("PER_LAYER", str(per_layer)).replace("TOTAL", str(total))
    r = _run(text)
    n = 10_000
    p = expected / n
    leaked = int(r.arrays.leaked[0, 0])
    assert abs(leaked - expected) <= 4 * np.sqrt(n * p * (1 - p)), leaked
    eng = dict(zip(r.world.fire_unit_ids, r.arrays.engagements_per_fire_unit[0]))
    # every layer engages: the outer one at every threat, per_layer times at most
    assert n <= eng["outer"] <= per_layer * n
    assert eng["middle"] > 0 and eng["inner"] > 0


def test_the_total_cap_still_bounds_engagements_across_layers():
    text = THREE_LAYERS.replace("PER_LAYER", "1").replace("TOTAL", "2").replace("count: 10000", "count: 2000")
    r = _run(text)
    eng = dict(zip(r.world.fire_unit_ids, r.arrays.engagements_per_fire_unit[0]))
    assert eng["inner"] == 0  # the outer and middle layers used both engagements
    p = 0.8 * 0.5
    assert abs(r.arrays.leaked[0, 0] - 2000 * p) <= 4 * np.sqrt(2000 * p * (1 - p))


def test_a_layer_name_groups_units_of_different_types():
    text = THREE_LAYERS.replace("PER_LAYER", "1").replace("TOTAL", "3").replace("count: 10000", "count: 2000")
    text = text.replace("type: middle,", "type: middle, layer: outer,")
    world = compile_world(schild.scenario_from_text(text))
    assert world.layer_names == ["outer", "inner"]
    r = _run(text)
    eng = dict(zip(r.world.fire_unit_ids, r.arrays.engagements_per_fire_unit[0]))
    assert eng["middle"] == 0  # the outer layer's one engagement was spent by the outer unit
    p = 0.8 * 0.2
    assert abs(r.arrays.leaked[0, 0] - 2000 * p) <= 4 * np.sqrt(2000 * p * (1 - p))
    assert set(r.to_dict()["per_layer"]) == {"outer", "inner"}


def test_per_layer_cap_above_the_total_is_refused():
    text = THREE_LAYERS.replace("PER_LAYER", "3").replace("TOTAL", "2")
    with pytest.raises(schild.InputError) as e:
        schild.scenario_from_text(text)
    assert "max_engagements_per_layer" in str(e.value) and "at most max_engagements" in str(e.value)


# --- hold-for-cheaper ----------------------------------------------------------------------------------

def _hold_scenario(guns: tuple[int, float], team: tuple[int, float], *, team_lat: float, gun_range_km: float,
                   team_range_km: float, doctrine: str, count: int = 2000) -> str:
    return _scenario(
        {"shell": guns[0], "bullet": team[0]},
        [_effector("gun", "shell", guns[1], max_range_km=gun_range_km),
         _effector("team", "bullet", team[1], max_range_km=team_range_km)],
        "  - {id: gun, type: gun, lat: 50.8, lon: 30.0}\n"
        f"  - {{id: team, type: team, lat: {team_lat}, lon: 30.0}}\n",
        f"  - {{threat: d, count: {count}, from: {{lat: 51.5, lon: 30.0}}, target: city, "
        "launch_window_s: [0, 20000]}\n",
        doctrine)


def test_no_hold_for_a_unit_with_cheaper_rounds_but_dearer_kills():
    # Guns: 1,000 USD a round at pk 0.6 (1,667 USD per kill). A team: 100 USD at pk 0.05 (2,000 USD per kill).
    # Ranked by round cost the guns would hold fire for the team and 95% would leak; ranked by cost per kill
    # they fire, and 40% leak.
    text = _hold_scenario((1000, 0.6), (100, 0.05), team_lat=50.7, gun_range_km=30.0, team_range_km=10.0,
                          doctrine="  drone: {salvo: 1, max_engagements: 1, hold_for_cheaper: true}\n")
    r = _run(text)
    assert abs(r.arrays.leaked[0, 0] - 800) <= 4 * np.sqrt(2000 * 0.4 * 0.6)
    assert r.arrays.engagements_per_fire_unit[0, 0] == 2000


def test_hold_for_a_unit_with_cheaper_kills_whose_window_overlaps():
    # The team (100 USD at pk 0.5) opens its window while the guns can still fire: the guns wait.
    text = _hold_scenario((1000, 0.5), (100, 0.5), team_lat=50.7, gun_range_km=30.0, team_range_km=10.0,
                          doctrine="  drone: {salvo: 1, max_engagements: 1, hold_for_cheaper: true}\n")
    r = _run(text)
    eng = dict(zip(r.world.fire_unit_ids, r.arrays.engagements_per_fire_unit[0]))
    assert eng == {"gun": 0, "team": 2000}


def test_no_hold_when_the_cheaper_window_opens_after_the_dearer_one_closes():
    # The team sits 67 km behind the guns: the guns' window closes long before the team's opens, so the
    # guns fire, and the team engages what they miss: 0.5 x 0.5 leak.
    text = _hold_scenario((1000, 0.5), (100, 0.5), team_lat=50.2, gun_range_km=10.0, team_range_km=10.0,
                          doctrine="  drone: {salvo: 1, max_engagements: 2, max_engagements_per_layer: 1, "
                                   "hold_for_cheaper: true}\n")
    r = _run(text)
    eng = dict(zip(r.world.fire_unit_ids, r.arrays.engagements_per_fire_unit[0]))
    assert eng["gun"] == 2000
    assert abs(r.arrays.leaked[0, 0] - 500) <= 4 * np.sqrt(2000 * 0.25 * 0.75)


HOLD_SLOTS = _scenario(
    {"shell": 1000, "missile": 100_000},
    [_effector("gun", "shell", 0.5, channels=2), _effector("sam", "missile", 0.9, max_range_km=60.0)],
    # The inner gun is listed first: at equal cost per kill a threat holds for the first unit listed, so
    # threats wait for the inner gun while the outer gun, in reach first, kills them.
    "  - {id: gun_inner, type: gun, layer: inner, lat: 50.3, lon: 30.0}\n"
    "  - {id: gun_outer, type: gun, layer: outer, lat: 50.6, lon: 30.0}\n"
    "  - {id: sam, type: sam, lat: 50.5, lon: 30.0}\n",
    "  - {threat: d, count: 200, from: {lat: 51.5, lon: 30.0}, target: city, launch_window_s: [0, 400000], "
    "launch_pattern: even}\n",
    "  drone: {salvo: 1, max_engagements: 3, max_engagements_per_layer: 1, hold_for_cheaper: true, "
    "max_round_cost_usd: 1000000, cost_weight_per_usd: 5.0e-6}\n")


def test_held_slots_are_released_when_the_threat_is_killed_elsewhere():
    r = _run(HOLD_SLOTS, runs=5)
    assert (r.arrays.held_slots_left == 0).all()
    eng = dict(zip(r.world.fire_unit_ids, r.arrays.engagements_per_fire_unit.sum(0)))
    # Each drone meets the outer gun, then the inner one, then the SAM for what both missed (a quarter).
    # Leaked slots would fill the guns' 4 hold slots after a few kills and let the SAM fire at everything.
    assert eng["gun_outer"] == 5 * 200
    assert eng["sam"] <= 5 * 200 * 0.4


# --- salvos against loaded rounds; intercepts of shots fired between samples ----------------------------

SALVO_ROUNDS = """
schema_version: 1
name: salvo-rounds
catalog:
  threats:
    b: {class: ballistic, speed_mps: 1500, apogee_m: 60000}
  interceptors:
    m: {unit_cost_usd: 1000, speed_mps: 1500}
  sensors:
    wide: {kind: radar, range_km: 500, mast_height_m: 20}
  effectors:
    good:
      interceptor: m
      launchers: 1
      rounds_per_launcher: 3
      reserve_rounds: 0
      fire_channels: 10
      reaction_time_s: 0
      envelope:
        ballistic: {max_range_km: 60, max_altitude_m: 40000, pk: 0.9}
    fair:
      interceptor: m
      launchers: 10
      rounds_per_launcher: 10
      reserve_rounds: 0
      fire_channels: 10
      reaction_time_s: 0
      envelope:
        ballistic: {max_range_km: 60, max_altitude_m: 40000, pk: 0.5}
assets:
  - {id: base, lat: 50.0, lon: 30.0}
sensors:
  - {id: radar, type: wide, lat: 50.0, lon: 30.0}
fire_units:
  - {id: good, type: good, lat: 50.0, lon: 30.0}
  - {id: fair, type: fair, lat: 50.0, lon: 30.0}
raids:
  - {threat: b, count: 2, from: {lat: 52.5, lon: 30.0}, target: base}
doctrine:
  ballistic: {salvo: 2, max_engagements: 1}
"""


def test_an_engagement_short_of_rounds_goes_to_another_unit_at_once():
    # The better unit has rounds for one salvo of two; the second threat goes to the other unit in the
    # same epoch instead of waiting for a resource event.
    r = _run(SALVO_ROUNDS, record_events=True)
    shots = r.events().query("kind == 'shoot'")
    assert sorted(shots.fire_unit_id) == ["fair", "good"]
    assert shots.time_s.nunique() == 1


def test_no_interceptor_flies_faster_than_its_speed():
    # Shots fired between path samples take the intercept of the next sample, never of an earlier one.
    text = THREE_LAYERS.replace("PER_LAYER", "1").replace("TOTAL", "3").replace("count: 10000", "count: 300")
    r = _run(text, runs=3, record_events=True)
    ev = r.events()
    shots = ev[ev.kind == "shoot"][["run", "threat_id", "time_s"]]
    ends = ev[ev.kind.isin(["kill", "miss"])][["run", "threat_id", "time_s", "range_km"]]
    shots = shots.assign(n=shots.groupby(["run", "threat_id"]).cumcount())
    ends = ends.assign(n=ends.groupby(["run", "threat_id"]).cumcount())
    pairs = shots.merge(ends, on=["run", "threat_id", "n"], suffixes=("_shot", "_end"))
    assert len(pairs) == len(shots) > 300
    flown_m = (pairs.time_s_end - pairs.time_s_shot) * 1000.0
    assert (flown_m >= pairs.range_km * 1000.0 - 1e-6).all()


def test_with_arrays_decides_again_which_units_may_engage():
    text = THREE_LAYERS.replace("PER_LAYER", "1").replace("TOTAL", "3").replace("count: 10000", "count: 50")
    world = compile_world(schild.scenario_from_text(text.replace("pk: 0.2", "pk: 0.0")))
    assert 0 not in world.arrays.raid_fus[0, :world.arrays.raid_nfu[0]]
    pk = world.arrays.pk.copy()
    pk[0] = 0.2
    r = schild.simulate(world.with_arrays(pk=pk), runs=1, seed=0)
    assert r.arrays.engagements_per_fire_unit[0, 0] >= 50
    pk[:] = 0.0
    r = schild.simulate(world.with_arrays(pk=pk), runs=1, seed=0)
    assert r.arrays.engagements_per_fire_unit.sum() == 0
