"""Results per layer: shots, kills, cost and cost per kill add up to the totals, and match the analytic
answer of the one-layer binomial check."""

from __future__ import annotations

import dataclasses
import json
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from schild.cli import app
from schild.results import fire_unit_layers
from schild.simulate import DefenceState, load_scenario, simulate

# Two batteries of one type (one layer), a gun layer behind them, and a gun out of reach (no kills).
TWO_LAYERS = """\
    test_gun:
      interceptor: test_shell
      launchers: 1
      rounds_per_launcher: 1000
      fire_channels: 10
      reaction_time_s: 0
      reload_time_s: 0
      envelope:
        drone: {min_range_km: 0, max_range_km: 8, max_altitude_m: 3000, pk: 0.5}
"""


@pytest.fixture(scope="module")
def two_layer_world(tmp_path_factory):
    from tests.conftest import BINOMIAL_YAML

    text = (BINOMIAL_YAML
            .replace("    test_missile: {unit_cost_usd: 100000, speed_mps: 1000}",
                     "    test_missile: {unit_cost_usd: 100000, speed_mps: 1000}\n"
                     "    test_shell: {unit_cost_usd: 1000, speed_mps: 1000}")
            .replace("        drone: {min_range_km: 0, max_range_km: 50, max_altitude_m: 10000, pk: 0.8}\n",
                     "        drone: {min_range_km: 0, max_range_km: 50, max_altitude_m: 10000, pk: 0.8}\n"
                     + TWO_LAYERS)
            .replace("  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}",
                     "  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0, rounds: 40, reserve_rounds: 0}\n"
                     "  - {id: gun1, type: test_gun, lat: 50.0, lon: 30.0}\n"
                     "  - {id: fu2, type: test_battery, lat: 50.0, lon: 30.0, rounds: 40, reserve_rounds: 0}\n"
                     "  - {id: gun_far, type: test_gun, lat: 40.0, lon: 30.0}")
            .replace("count: 1000", "count: 150")
            .replace("drone: {salvo: 1, max_engagements: 1}", "drone: {salvo: 1, max_engagements: 3}"))
    path = tmp_path_factory.mktemp("layers") / "two-layers.yaml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def _assert_layers_add_up(result) -> None:
    pr, layers = result.per_run(), result.per_layer_runs()
    for key, total in (("shots", "shots"), ("kills", "killed"), ("cost_usd", "cost_interceptors_usd")):
        np.testing.assert_allclose(sum(v[key] for v in layers.values()), pr[total], rtol=1e-12)


def test_layers_group_fire_units_by_type_and_add_up(two_layer_world):
    result = simulate(two_layer_world, runs=30, seed=2, workers=1)
    _assert_layers_add_up(result)
    d = result.to_dict()["per_layer"]
    assert list(d) == ["test_battery", "test_gun"]
    assert d["test_battery"]["fire_units"] == ["fu1", "fu2"] and d["test_gun"]["fire_units"] == ["gun1", "gun_far"]
    a = result.arrays
    np.testing.assert_array_equal(result.per_layer_runs()["test_battery"]["shots"],
                                  a.shots_per_fire_unit[:, [0, 2]].sum(1))
    # both layers fire in every run: 80 missile rounds for 150 drones, the gun takes the rest
    assert d["test_battery"]["shots"]["mean"] == 80.0 and d["test_gun"]["kills"]["mean"] > 10
    gun = result.per_layer_runs()["test_gun"]
    np.testing.assert_allclose(gun["cost_per_kill_usd"], gun["cost_usd"] / gun["kills"])
    rows = set(result.summary()["figure"])
    assert {f"layer.test_gun.{k}" for k in ("shots", "kills", "cost_usd", "cost_per_kill_usd")} <= rows


@settings(deadline=None, max_examples=12, derandomize=True)
@given(st.integers(0, 200), st.integers(0, 200), st.integers(0, 1000), st.integers(0, 2**31))
def test_layers_add_up_for_any_magazines(two_layer_world, ready_fu1, ready_fu2, ready_gun, seed):
    """Whatever each unit starts with (down to empty), per-layer shots, kills and cost add up to the totals."""
    ready = np.array([ready_fu1, ready_gun, ready_fu2, ready_gun], np.int64)
    state = DefenceState(ready, np.zeros(4, np.int64))
    result = simulate(two_layer_world, runs=3, seed=seed, workers=1, state=state)
    _assert_layers_add_up(result)
    shots = result.per_layer_runs()["test_battery"]["shots"]
    assert np.all(shots <= ready_fu1 + ready_fu2)


def test_layer_field_names_the_layer(two_layer_world):
    """A fire unit's `layer:` groups it, whatever its type: here the outer battery and the near gun form one
    layer, the other battery and the far gun another."""
    sc = two_layer_world.spec.scenario
    named = [fu.model_copy(update={"layer": name}) for fu, name in zip(sc.fire_units, ["a", "a", "b", None])]
    spec = dataclasses.replace(two_layer_world.spec, scenario=sc.model_copy(update={"fire_units": named}))
    world = dataclasses.replace(two_layer_world, spec=spec)
    assert fire_unit_layers(world) == ["a", "a", "b", "test_gun"]
    result = simulate(world, runs=5, seed=1, workers=1)
    _assert_layers_add_up(result)
    d = result.to_dict()["per_layer"]
    assert d["a"]["fire_units"] == ["fu1", "gun1"] and d["b"]["fire_units"] == ["fu2"]


def test_no_kills_gives_null_cost_per_kill_with_a_note(two_layer_world):
    """A layer that never kills has no cost per kill: null in JSON with the reason, not 0 or infinity."""
    sc = two_layer_world.spec.scenario
    named = [fu.model_copy(update={"layer": "far" if fu.id == "gun_far" else None}) for fu in sc.fire_units]
    spec = dataclasses.replace(two_layer_world.spec, scenario=sc.model_copy(update={"fire_units": named}))
    result = simulate(dataclasses.replace(two_layer_world, spec=spec), runs=4, seed=0, workers=1)
    far = result.to_dict()["per_layer"]["far"]
    assert far["shots"]["mean"] == 0.0 and far["cost_usd"]["mean"] == 0.0
    assert far["cost_per_kill_usd"]["mean"] is None and far["cost_per_kill_usd"]["ci95"] == [None, None]
    assert far["cost_per_kill_usd"]["runs_without_kills"] == 4 and "no kills" in far["cost_per_kill_usd"]["note"]
    json.dumps(result.to_dict(), allow_nan=False)  # no NaN or infinity reaches the JSON


def test_binomial_layer_cost_per_kill(binomial_yaml, write_yaml):
    """One layer, one shot per drone at pk 0.8 and 100,000 USD a round: kills ~ Binomial(1000, 0.8), cost
    100 M USD every run, cost per kill 100,000 / 0.8 = 125,000 USD (E[1/K] adds ~0.03 %)."""
    runs = 50
    result = simulate(load_scenario(write_yaml(binomial_yaml)), runs=runs, seed=4, workers=1)
    _assert_layers_add_up(result)
    layer = result.per_layer_runs()["test_battery"]
    np.testing.assert_array_equal(layer["shots"], 1000)
    np.testing.assert_array_equal(layer["cost_usd"], 1e8)
    sd_kills = math.sqrt(1000 * 0.8 * 0.2)
    assert abs(layer["kills"].mean() - 800) < 4.5 * sd_kills / math.sqrt(runs)
    assert np.std(layer["kills"], ddof=1) == pytest.approx(sd_kills, rel=0.4)
    d = result.to_dict()["per_layer"]["test_battery"]["cost_per_kill_usd"]
    sd_cpk = 125_000 * sd_kills / 800  # delta method
    assert abs(d["mean"] - 125_000) < 4.5 * sd_cpk / math.sqrt(runs)
    assert d["ci95"][0] < d["mean"] < d["ci95"][1] and d["runs_without_kills"] == 0 and "note" not in d


def test_run_prints_the_per_layer_table(two_layer_world, tmp_path):
    out = tmp_path / "r.json"
    res = CliRunner().invoke(app, ["run", two_layer_world.spec.source, "--runs", "6", "--workers", "1",
                                   "--json", str(out)], env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    split = ([c.strip() for c in re.split(r"[│┃]", line)[1:-1]] for line in res.output.splitlines())
    rows = {cells[0]: cells[1:] for cells in split if len(cells) == 5}
    assert rows["layer"] == ["shots", "kills", "cost", "cost per kill"]
    assert rows["test_battery"][0] == "80" and rows["test_battery"][2] == "8 M"
    assert rows["test_gun"][3] != "no kills" and "layer.test_gun.shots" not in res.output
    d = json.loads(out.read_text())["per_layer"]
    assert set(d["test_gun"]) == {"shots", "kills", "cost_usd", "cost_per_kill_usd", "fire_units"}
    assert set(d["test_gun"]["cost_per_kill_usd"]) >= {"mean", "ci95", "runs_without_kills"}
