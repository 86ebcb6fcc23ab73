"""`schild curve`: leakers against raid size (the same raids scaled), its table, JSON, picture and bad input."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from schild.curve import parse_scales, raid_curve, scaled_counts
from schild.errors import InputError
from schild.simulate import load_scenario, simulate

runner = CliRunner()
ROUNDS = 100  # the battery's whole magazine: beyond 100 drones every extra drone leaks


@pytest.fixture
def saturating(binomial_yaml, write_yaml):
    """The binomial check with 100 rounds and no reserve, 200 drones in one raid and 3 in another (for the
    rounding): leaked = N - Binomial(min(N, 100), 0.8)."""
    small = "  - {id: small, threat: test_drone, count: 3, from: {lat: 51.0, lon: 30.0}, target: city}\n"
    assert binomial_yaml.count("launch_window_s: [0, 0]}\n") == 1
    text = (binomial_yaml
            .replace("  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}",
                     f"  - {{id: fu1, type: test_battery, lat: 50.0, lon: 30.0, rounds: {ROUNDS}, reserve_rounds: 0}}")
            .replace("count: 1000", "count: 200")
            .replace("launch_window_s: [0, 0]}\n", "launch_window_s: [0, 0]}\n" + small))
    return write_yaml(text, "saturating.yaml")


def test_fixture_is_what_the_tests_assume(saturating):
    world = load_scenario(saturating)
    assert [r.count for r in world.spec.scenario.raids] == [200, 3]
    assert world.fu_start_ready.tolist() == [ROUNDS] and world.fu_reserve.tolist() == [0]


def test_leakers_follow_the_saturation_answer(saturating):
    """Mean leakers at each scale within binomial tolerance of N - 0.8 min(N, 100), so they grow with the
    raid, and faster once the magazine is spent; launched = round half up of count x scale."""
    runs = 40
    curve = raid_curve(load_scenario(saturating), [0.25, 0.5, 1, 2], runs=runs, seed=5, workers=1)
    assert [p.counts for p in curve.points] == [[50, 1], [100, 2], [200, 3], [400, 6]]
    table = curve.table()
    launched = table["launched"].to_numpy()
    np.testing.assert_array_equal(launched, [51, 102, 203, 406])
    leaked = table["leaked"].to_numpy()
    expected = launched - 0.8 * np.minimum(launched, ROUNDS)
    sd = np.sqrt(np.minimum(launched, ROUNDS) * 0.8 * 0.2)
    assert np.all(np.abs(leaked - expected) < 4.5 * sd / math.sqrt(runs)), (leaked, expected)
    assert np.all(np.diff(leaked) > 0) and np.all(np.diff(table["leak_share.drone"]) > 0)
    np.testing.assert_array_equal(table["cost_interceptors_usd"], 1e5 * np.minimum(launched, ROUNDS))
    assert table["leaked_lethal"].tolist() == table["leaked"].tolist()  # drones only, no decoys


def test_counts_round_half_up_and_may_reach_zero(saturating):
    assert scaled_counts([200, 3], 0.5) == [100, 2] and scaled_counts([200, 3], 0.1) == [20, 0]
    assert scaled_counts([1, 5], 0.5) == [1, 3]  # 0.5 and 2.5 go up (Python's round would give 0 and 2)
    curve = raid_curve(load_scenario(saturating), [0.1], runs=3, seed=0, workers=1)
    assert curve.points[0].counts == [20, 0] and curve.table()["launched"].tolist() == [20.0]


def test_same_seed_at_every_scale_and_scaling_as_compiled(saturating, write_yaml):
    """Scale 1 is the plain simulation with the same seed; scale 2 gives exactly what a file with doubled
    counts gives (World.with_counts re-uses the geometry and changes nothing else); workers do not matter."""
    world = load_scenario(saturating)
    curve = raid_curve(world, [1, 2], runs=6, seed=9, workers=1)
    plain = simulate(world, runs=6, seed=9, workers=1)
    doubled = load_scenario(write_yaml(saturating.read_text().replace("count: 200", "count: 400")
                                       .replace("count: 3,", "count: 6,"), "doubled.yaml"))
    twice = simulate(doubled, runs=6, seed=9, workers=1)
    again = raid_curve(world, [1, 2], runs=6, seed=9, workers=2)
    for point, reference in ((curve.points[0], plain), (curve.points[1], twice)):
        for name in ("launched", "killed", "leaked", "shots_per_fire_unit", "end_time_s"):
            np.testing.assert_array_equal(getattr(point.result.arrays, name), getattr(reference.arrays, name))
    for p, q in zip(curve.points, again.points):
        np.testing.assert_array_equal(p.result.arrays.leaked, q.result.arrays.leaked)


def test_generator_seed_is_drawn_once(saturating):
    curve = raid_curve(load_scenario(saturating), [0.5, 1], runs=2, seed=np.random.default_rng(3), workers=1)
    assert curve.points[0].result.seed == curve.points[1].result.seed == curve.seed


@pytest.mark.parametrize("text", ["", " ", "0", "-1", "1,0", "abc", "1,,2", "nan", "inf", "1;2"])
def test_bad_scales_are_refused(text):
    with pytest.raises(InputError, match="--scale"):
        parse_scales(text)


@pytest.mark.parametrize("text", ["", "0", "-0.5", "two", "0.5,,1", "nan", "1e999"])
def test_cli_bad_scale_exits_2(saturating, text, monkeypatch):
    monkeypatch.setattr("schild.curve.raid_curve", lambda *a, **k: pytest.fail("simulated despite a bad scale"))
    res = runner.invoke(app(), ["curve", str(saturating), "--scale", text, "--runs", "2"])
    assert res.exit_code == 2, res.output
    assert "--scale" in res.output and "Traceback" not in res.output


def test_cli_scale_past_the_raid_limit_exits_2(saturating):
    res = runner.invoke(app(), ["curve", str(saturating), "--scale", "1,1000", "--runs", "2"])
    assert res.exit_code == 2, res.output
    assert "200,000 threats" in res.output and "100,000" in res.output


def test_cli_output_paths_checked_before_the_work(saturating, tmp_path, monkeypatch):
    monkeypatch.setattr("schild.curve.raid_curve", lambda *a, **k: pytest.fail("simulated before the path check"))
    for option in ("--png", "--json"):
        res = runner.invoke(app(), ["curve", str(saturating), option, str(tmp_path), "--runs", "2"])
        assert res.exit_code == 2 and "is a directory" in res.output and option in res.output, res.output


def test_cli_writes_table_json_and_png(saturating, tmp_path):
    js, png = tmp_path / "curve.json", tmp_path / "out" / "curve.png"
    res = runner.invoke(app(), ["curve", str(saturating), "--scale", "0.5,1,2", "--runs", "8", "--seed", "2",
                                "--workers", "1", "--json", str(js), "--png", str(png)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    for row in ("x0.5", "x1", "x2", "drone leak share", "interceptor cost"):
        assert row in res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    d = json.loads(js.read_text())
    assert [p["scale"] for p in d["points"]] == [0.5, 1.0, 2.0] and d["seed"] == 2 and d["runs"] == 8
    assert [p["counts"] for p in d["points"]] == [{"raid0": 100, "small": 2}, {"raid0": 200, "small": 3},
                                                  {"raid0": 400, "small": 6}]
    assert [p["launched"]["mean"] for p in d["points"]] == [102, 203, 406]
    leaked = [p["leaked_lethal"]["mean"] for p in d["points"]]
    assert leaked[0] < leaked[1] < leaked[2]
    assert set(d["points"][0]["leak_share"]["drone"]) == {"mean", "ci95", "runs_without_launches"}
    assert d["manifest"]["scales"] == [0.5, 1.0, 2.0]


def app():
    from schild.cli import app as cli_app

    return cli_app
