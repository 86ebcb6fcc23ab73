"""Routing: waypoints, corridors (each threat on its own lane) and raids spread over several targets."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod

import schild
from schild.compile.lanes import _lane_order
from schild.curve import raid_curve
from schild.geometry.paths import sample_path, sample_route
from schild.geometry.routes import lane_count, split_by_shares
from schild.resources import estimate_compile

GEOD = Geod(ellps="WGS84")
RAID = "  - {threat: test_drone, count: 1000, from: {lat: 51.0, lon: 30.0}, target: city, launch_window_s: [0, 0]}\n"
LAUNCH = (52.0, 30.0)  # 222 km north of the city at (50, 30): the track runs south


def _scenario(binomial_yaml: str, raid: str, extra_assets: str = "", fire_units: str | None = None) -> str:
    text = binomial_yaml.replace(RAID, raid)
    text = text.replace("  - {id: city, lat: 50.0, lon: 30.0, value: 1.0}\n",
                        "  - {id: city, lat: 50.0, lon: 30.0, value: 1.0}\n" + extra_assets)
    if fire_units is not None:
        old = "fire_units:\n  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}\n"
        text = text.replace(old, f"fire_units:\n{fire_units}" if fire_units else "fire_units: []\n")
    return text


def _corridor_raid(count: int = 130, corridor_km: float = 20.0, extra: str = "") -> str:
    return (f"  - {{id: wave, threat: test_drone, count: {count}, from: {{lat: {LAUNCH[0]}, lon: {LAUNCH[1]}}}, "
            f"target: city, corridor_km: {corridor_km}, launch_window_s: [0, 1000]{extra}}}\n")


def _signed_offset_km(lat: float, lon: float) -> float:
    """Across-track distance of a point from the centre line (launch -> city, due south along 30 E):
    positive to the right of the track (west of it)."""
    _, _, d = GEOD.inv(lon, lat, 30.0, lat)
    return d / 1000.0 * (1.0 if lon < 30.0 else -1.0)


def _mid_offsets_km(world) -> np.ndarray:
    """Each threat's across-track offset at the middle of its path."""
    per_lane = np.array([_signed_offset_km(p.lat[len(p.lat) // 2], p.lon[len(p.lon) // 2]) for p in world.paths])
    return per_lane[world.arrays.thr_raid]


def test_corridor_spreads_the_threats_uniformly_over_its_width(binomial_yaml):
    w = 20.0
    world = schild.compile_world(schild.scenario_from_text(_scenario(binomial_yaml, _corridor_raid(130, w))))
    lanes = lane_count(130, w)
    assert lanes == 20 and len(world.paths) == lanes
    off = _mid_offsets_km(world)
    assert len(off) == 130
    # uniform over [-w/2, w/2]: sd w / sqrt(12); L lanes at the centres of equal bins: sd w/sqrt(12) sqrt(1 - 1/L^2)
    assert off.std() == pytest.approx(w / math.sqrt(12) * math.sqrt(1 - 1 / lanes**2), rel=0.02)
    assert off.min() == pytest.approx(-w / 2 + w / (2 * lanes), abs=0.05)
    assert off.max() == pytest.approx(w / 2 - w / (2 * lanes), abs=0.05)
    assert abs(off.mean()) < w / lanes / 2
    counts = np.bincount(world.arrays.thr_raid)
    assert counts.max() - counts.min() <= 1  # dealt evenly
    for p in world.paths:  # every lane ends on the target
        assert (p.lat[-1], p.lon[-1]) == (50.0, 30.0)


def test_without_a_corridor_every_threat_flies_the_centre_line(binomial_yaml):
    world = schild.compile_world(schild.scenario_from_text(_scenario(binomial_yaml, _corridor_raid(130, 0))))
    assert len(world.paths) == 1
    assert np.abs(_mid_offsets_km(world)).max() < 1e-6


def test_lanes_converge_on_the_target_over_the_last_corridor_width(binomial_yaml):
    world = schild.compile_world(schild.scenario_from_text(_scenario(binomial_yaml, _corridor_raid(130, 20.0))))
    outer = world.paths[0]  # offset -9.5 km: left of the track (east)
    to_go_km = (outer.length_m - outer.ground_m) / 1000.0
    off = np.array([_signed_offset_km(la, lo) for la, lo in zip(outer.lat, outer.lon)])
    # held until one corridor width (20 km) from the target; the converging leg is sqrt(20^2 + 9.5^2) = 22.1 km
    assert np.allclose(off[to_go_km > 22.2], -9.5, atol=0.02)
    closing = (to_go_km < 22.0) & (to_go_km > 1.0)
    assert np.all(np.abs(off[closing]) < 9.5) and np.all(np.diff(np.abs(off[closing])) < 0)


def test_a_gun_on_the_centre_line_reaches_only_the_lanes_near_it(binomial_yaml):
    """pk 1 and ample channels: the gun kills exactly the threats whose lane passes within its reach."""
    text = _scenario(binomial_yaml, _corridor_raid(130, 20.0),
                     fire_units="  - {id: gun, type: test_battery, lat: 51.0, lon: 30.0}\n")
    text = text.replace("max_range_km: 50, max_altitude_m: 10000, pk: 0.8", "max_range_km: 3.2, max_altitude_m: 10000, "
                        "pk: 1.0").replace("altitude_m: 1000,", "altitude_m: 100,")
    text = text.replace("  - {id: radar1, type: test_radar, lat: 50.0, lon: 30.0}",
                        "  - {id: radar1, type: test_radar, lat: 51.0, lon: 30.0}")
    world = schild.compile_world(schild.scenario_from_text(text))
    near = np.abs(world.lane_offset_km[world.arrays.thr_raid]) < 3.0  # lanes at 0.5, 1.5, 2.5 km each side
    res = schild.simulate(world, runs=3, seed=0, workers=1)
    assert np.all(res.arrays.killed.sum(axis=1) == near.sum()) and 0 < near.sum() < 130
    line = schild.compile_world(schild.scenario_from_text(text.replace("corridor_km: 20.0", "corridor_km: 0")))
    assert np.all(schild.simulate(line, runs=3, seed=0, workers=1).arrays.killed.sum(axis=1) == 130)


def test_corridor_results_are_the_same_for_any_number_of_workers(binomial_yaml):
    text = _scenario(binomial_yaml, _corridor_raid(130, 20.0),
                     fire_units="  - {id: fu1, type: test_battery, lat: 51.0, lon: 30.05}\n")
    world = schild.compile_world(schild.scenario_from_text(text))
    one = schild.simulate(world, runs=40, seed=7, workers=1)
    two = schild.simulate(schild.compile_world(schild.scenario_from_text(text)), runs=40, seed=7, workers=2)
    for name in ("launched", "killed", "leaked", "shots_per_fire_unit", "end_time_s"):
        assert np.array_equal(getattr(one.arrays, name), getattr(two.arrays, name)), name
    assert 0 < one.arrays.killed.sum() < one.arrays.launched.sum()


def test_even_launches_stay_even_over_the_whole_raid(binomial_yaml):
    raid = ("  - {threat: test_drone, count: 101, from: {lat: 52.0, lon: 30.0}, corridor_km: 20, "
            "targets: [{asset: city, share: 0.6}, {asset: town, share: 0.4}], launch_window_s: [0, 1010], "
            "launch_pattern: even}\n")
    text = _scenario(binomial_yaml, raid, "  - {id: town, lat: 50.0, lon: 31.0, value: 1.0}\n")
    res = schild.simulate(text_world(text), runs=1, seed=0, record_events=True, workers=1)
    launches = res.events_frame[res.events_frame.kind == "launch"].sort_values("time_s")
    assert np.allclose(launches.time_s.to_numpy(), (np.arange(101) + 0.5) * 10.0)
    # every lane launches through the window, not in one block
    a = res.world.arrays
    assert len(res.world.paths) == 40
    for r in np.unique(a.thr_raid):
        t = launches.set_index("threat_id").loc[np.flatnonzero(a.thr_raid == r), "time_s"]
        assert len(t) >= 2 and t.max() - t.min() >= 0.5 * 1010 * (len(t) - 1) / len(t)


def text_world(text: str):
    return schild.compile_world(schild.scenario_from_text(text))


def test_target_shares_split_the_raid_by_largest_remainder(binomial_yaml):
    raid = ("  - {threat: test_drone, count: 101, from: {lat: 52.0, lon: 30.0}, "
            "targets: [{asset: city, share: 0.6}, {asset: town, share: 0.4}]}\n")
    world = text_world(_scenario(binomial_yaml, raid, "  - {id: town, lat: 50.0, lon: 31.0, value: 1.0}\n",
                                 fire_units=""))
    assert world.asset_ids == ["city", "town"]
    assert list(np.bincount(world.arrays.thr_asset)) == [61, 40]  # 60.6 and 40.4
    assert len(world.paths) == 2 and world.paths[1].lon[-1] == 31.0
    res = schild.simulate(world, runs=5, seed=0, workers=1)
    assert np.all(res.arrays.leaked_per_asset == [61, 40])  # no defence: every threat reaches its own target
    assert split_by_shares(100, [1 / 3, 1 / 3, 1 / 3]) == [34, 33, 33]
    assert split_by_shares(7, [0.5, 0.25, 0.25]) == [3, 2, 2]  # 3.5, 1.75, 1.75: the larger remainders


def test_with_counts_takes_counts_per_scenario_raid_and_deals_them_as_compiling_does(binomial_yaml):
    raid = ("  - {id: spread, threat: test_drone, count: 101, from: {lat: 52.0, lon: 30.0}, corridor_km: 20, "
            "targets: [{asset: city, share: 0.6}, {asset: town, share: 0.4}], launch_window_s: [0, 500]}\n"
            "  - {id: line, threat: test_drone, count: 5, from: {lat: 51.0, lon: 30.0}, target: city}\n")
    text = _scenario(binomial_yaml, raid, "  - {id: town, lat: 50.0, lon: 31.0, value: 1.0}\n")
    world = text_world(text)
    assert world.raid_ids == ["spread", "line"] and len(world.paths) == 2 * 20 + 1
    resized = world.with_counts([50, 9])
    fresh = text_world(text.replace("count: 101", "count: 50").replace("count: 5,", "count: 9,"))
    for name in ("thr_raid", "thr_rank", "thr_asset", "raid_count"):
        assert np.array_equal(getattr(resized.arrays, name), getattr(fresh.arrays, name)), name
    assert list(np.bincount(resized.arrays.thr_asset)) == [30 + 9, 20]
    a = schild.simulate(resized, runs=10, seed=3, workers=1)
    b = schild.simulate(fresh, runs=10, seed=3, workers=1)
    assert np.array_equal(a.arrays.killed, b.arrays.killed) and np.array_equal(a.arrays.leaked, b.arrays.leaked)
    with pytest.raises(ValueError, match="need 2 non-negative raid counts"):
        world.with_counts([1] * len(world.paths))
    curve = raid_curve(world, [0.5, 1.0], runs=3, seed=0, workers=1)
    assert [p.counts for p in curve.points] == [[51, 3], [101, 5]]
    assert [int(p.result.arrays.launched.sum(axis=1)[0]) for p in curve.points] == [54, 106]


def test_lane_order_spreads_a_remainder_across_the_corridor():
    assert sorted(_lane_order(20)) == list(range(20))
    assert list(_lane_order(3)) == [0, 2, 1]
    first = _lane_order(20)[:4]  # four extra threats: one in each quarter of the corridor
    assert sorted(first // 5) == [0, 1, 2, 3]


def test_lane_count_is_one_per_km_at_most_32_and_never_more_than_the_threats():
    assert lane_count(130, 0) == 1
    assert lane_count(130, 20) == 20
    assert lane_count(130, 20.5) == 21
    assert lane_count(130, 300) == 32
    assert lane_count(5, 20) == 5
    assert lane_count(0, 20) == 1


# -- waypoints -------------------------------------------------------------------------------------------

VIA = [(51.0, 31.0), (50.5, 29.0)]


def test_path_through_waypoints_is_the_sum_of_its_legs_and_passes_each_waypoint():
    points = [LAUNCH, *VIA, (50.0, 30.0)]
    p = sample_route(points, 50.0, "drone", cruise_alt_m=500.0, dive_km=2.0)
    legs_m = [GEOD.inv(a[1], a[0], b[1], b[0])[2] for a, b in zip(points[:-1], points[1:])]
    assert p.length_m == pytest.approx(sum(legs_m), rel=1e-12)
    assert p.ground_m[-1] == pytest.approx(sum(legs_m), rel=1e-12)
    step_m = 50.0 * p.dtau_s
    assert step_m <= 500.0
    for lat, lon in VIA:
        _, _, d = GEOD.inv(np.full(len(p.lat), lon), np.full(len(p.lat), lat), p.lon, p.lat)
        assert d.min() <= step_m
    _, _, hop = GEOD.inv(p.lon[:-1], p.lat[:-1], p.lon[1:], p.lat[1:])
    assert np.all(hop <= step_m + 1e-6)
    assert np.sum(hop < step_m - 1.0) <= len(VIA)  # a chord is shorter than the step only across a turn
    # the altitude profile runs over the whole distance flown: cruise at the waypoints, the dive at the end
    assert np.all(p.alt_m[p.ground_m < p.length_m - 2000.0] == 500.0)
    assert p.alt_m[-1] == 0.0


def test_ballistic_arc_spans_the_total_distance_flown():
    points = [LAUNCH, *VIA, (50.0, 30.0)]
    p = sample_route(points, 2000.0, "ballistic", cruise_alt_m=0.0, apogee_m=50_000.0)
    assert p.alt_m.max() == pytest.approx(50_000.0, rel=1e-4)
    assert p.ground_m[np.argmax(p.alt_m)] == pytest.approx(p.length_m / 2.0, abs=1000.0)


def test_two_points_sample_exactly_as_sample_path():
    a = sample_route([LAUNCH, (50.0, 30.0)], 50.0, "drone", cruise_alt_m=500.0, dive_km=2.0)
    b = sample_path(*LAUNCH, 50.0, 30.0, 50.0, "drone", cruise_alt_m=500.0, dive_km=2.0)
    for name in ("tau_s", "lat", "lon", "alt_m", "ground_m"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_raid_with_waypoints_flies_them(binomial_yaml):
    raid = ("  - {threat: test_drone, count: 10, from: {lat: 52.0, lon: 30.0}, "
            "via: [{lat: 51.0, lon: 31.0}, {lat: 50.5, lon: 29.0}], target: city}\n")
    world = text_world(_scenario(binomial_yaml, raid))
    p = world.paths[0]
    direct = GEOD.inv(30.0, 52.0, 30.0, 50.0)[2]
    assert p.length_m > direct * 1.2
    assert p.tau_s[-1] == pytest.approx(p.length_m / 50.0)
    assert np.array_equal(world.arrays.tau_imp, [p.tau_s[-1]])


def test_corridor_with_waypoints_keeps_the_lanes_parallel(binomial_yaml):
    raid = ("  - {threat: test_drone, count: 40, from: {lat: 52.0, lon: 30.0}, corridor_km: 10, "
            "via: [{lat: 51.0, lon: 31.0}, {lat: 50.5, lon: 29.0}], target: city}\n")
    world = text_world(_scenario(binomial_yaml, raid))
    centre = sample_route([LAUNCH, *VIA, (50.0, 30.0)], 50.0, "drone", cruise_alt_m=1000.0)
    for p, off in zip(world.paths, world.lane_offset_km):
        mid = len(p.lat) // 2  # on the middle leg, far from the waypoints' turns
        _, _, d = GEOD.inv(np.full(len(centre.lat), p.lon[mid]), np.full(len(centre.lat), p.lat[mid]),
                           centre.lon, centre.lat)
        assert d.min() / 1000.0 == pytest.approx(abs(off), abs=0.3)


def test_the_memory_estimate_counts_every_lane(binomial_yaml):
    for corridor in (0, 20):
        spec = schild.scenario_from_text(_scenario(binomial_yaml, _corridor_raid(130, corridor)))
        world = schild.compile_world(spec)
        samples = sum(len(p.tau_s) for p in world.paths)
        sites = 1 + len(spec.scenario.sensors) + len(spec.scenario.fire_units)
        assert estimate_compile(spec).geodesic_points == samples * sites + len(world.paths)


def test_deal_interleaves_targets_through_the_raid_and_keeps_a_single_path_raid_in_rank_order():
    from schild.compile.lanes import RaidLayout

    layout = RaidLayout(np.array([0, 1, 1]), ((1.0,), (0.5, 0.5)), (((0,),), ((1,), (2,))))
    dealt = layout.deal(np.array([5, 4]))
    assert list(dealt["thr_raid"]) == [0, 0, 0, 0, 0, 1, 1, 2, 2]
    assert list(dealt["thr_rank"]) == [0, 1, 2, 3, 4, 0, 2, 1, 3]  # ranks alternate between the two targets
    assert list(dealt["raid_count"]) == [5, 4, 4]
    simple = RaidLayout(np.array([0, 1]), ((1.0,), (1.0,)), (((0,),), ((1,),))).deal(np.array([5, 3]))
    assert list(simple["thr_raid"]) == [0] * 5 + [1] * 3 and list(simple["thr_rank"]) == [0, 1, 2, 3, 4, 0, 1, 2]
