"""Every independent problem of a file is reported in one pass, each at its own line.

Regressions: with mistakes in a raid's fields, a fire unit's type, another raid's threat and a catalogue
entry, three reruns reported 1, then 2, then 1 problems (a schema error skipped every cross-check), and a
duplicate id was reported at the list rather than at the duplicate.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import schild
from schild.cli import app
from schild.errors import ScenarioError

SCENARIO = """\
schema_version: 1
name: four-mistakes
catalog:
  threats:
    test_drone: {class: drone, speed_mps: 50, altitude_m: 1000, unit_cost_usd: 30000}
  interceptors:
    test_missile: {unit_cost_usd: 100000, speed_mps: 1000}
  sensors:
    test_radar: {kind: radar, range_km: 200, mast_height_m: 20}
  effectors:
    test_battery:
      interceptor: test_missile
      launchers: 10
      rounds_per_launcher: 200
      fire_channels: 1000
      reaction_time_s: 0
      envelope:
        drone: {max_range_km: 50, max_altitude_m: 10000, pk: 0.8}
assets:
  - {id: city, lat: 50.0, lon: 30.0}
sensors:
  - {id: radar1, type: test_radar, lat: 50.0, lon: 30.0}
fire_units:
  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}
raids:
  - {threat: test_drone, count: 10, from: {lat: 51.0, lon: 30.0}, target: city}
  - {threat: test_drone, count: 10, from: {lat: 50.5, lon: 30.0}, target: city}
"""


def _line(text: str, fragment: str) -> int:
    hits = [i for i, ln in enumerate(text.splitlines(), 1) if fragment in ln]
    assert len(hits) == 1, fragment
    return hits[0]


def _problems(text: str) -> list[schild.InputError]:
    with pytest.raises(ScenarioError) as exc:
        schild.scenario_from_text(text, "scn.yaml")
    return exc.value.problems


def test_the_base_scenario_is_valid():
    spec = schild.scenario_from_text(SCENARIO)
    assert len(spec.scenario.raids) == 2 and spec.warnings == ()


def test_four_independent_mistakes_in_one_pass():
    text = (SCENARIO
            .replace("drone: {max_range_km: 50, max_altitude_m: 10000, pk: 0.8}",
                     "drone: {max_range_km: 50, max_altitude_m: 10000, pk: 1.3}")
            .replace("type: test_battery, lat", "type: test_batery, lat")
            .replace("count: 10, from: {lat: 51.0", "count: 10, lunch_window_s: [0, 5], from: {lat: 51.0")
            .replace("{threat: test_drone, count: 10, from: {lat: 50.5", "{threat: test_dron, count: 10, from: {lat: 50.5"))
    expected = [
        (_line(text, "pk: 1.3"), "catalog.effectors.test_battery.envelope.drone.pk", "pk must be <= 1"),
        (_line(text, "test_batery"), "fire_units[0].type", "unknown effector type 'test_batery'"),
        (_line(text, "lunch_window_s"), "raids[0].lunch_window_s", "unknown field 'lunch_window_s'"),
        (_line(text, "test_dron,"), "raids[1].threat", "unknown threat type 'test_dron'"),
    ]
    problems = _problems(text)
    assert len(problems) == 4, "\n".join(map(str, problems))
    for p, (line, field, fragment) in zip(problems, expected):  # in file order
        assert (p.file, p.line, p.field) == ("scn.yaml", line, field), str(p)
        assert fragment in p.message, str(p)


def test_a_bad_field_does_not_hide_a_bad_reference_in_the_same_raid():
    text = SCENARIO.replace("{threat: test_drone, count: 10, from: {lat: 51.0",
                            "{threat: nope, count: -1, from: {lat: 51.0")
    problems = _problems(text)
    assert sorted(p.field for p in problems) == ["raids[0].count", "raids[0].threat"], problems


def test_an_invalid_type_or_asset_is_not_also_called_unknown():
    """A type with a bad field still exists, and so does an asset with a bad latitude: one problem each."""
    text = (SCENARIO.replace("launchers: 10", "launchers: 0")
            .replace("{id: city, lat: 50.0", "{id: city, lat: 95.0"))
    problems = _problems(text)
    assert [(p.line, p.field) for p in problems] == [
        (_line(text, "launchers: 0"), "catalog.effectors.test_battery.launchers"),
        (_line(text, "lat: 95.0"), "assets[0].lat"),
    ], "\n".join(map(str, problems))


def test_duplicate_id_points_at_the_duplicate_and_names_the_first():
    text = SCENARIO.replace("  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}\n",
                            "  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}\n"
                            "  - type: test_battery\n"
                            "    lat: 50.1\n"
                            "    id: fu1\n"
                            "    lon: 30.0\n")
    (p,) = _problems(text)
    assert (p.line, p.field) == (_line(text, "    id: fu1"), "fire_units[1].id"), str(p)
    first = _line(text, "{id: fu1,")
    assert f"duplicate id 'fu1' in fire_units: already used by fire_units[0] (line {first})" in p.message


def test_no_sensors_is_a_warning():
    text = SCENARIO.replace("sensors:\n  - {id: radar1, type: test_radar, lat: 50.0, lon: 30.0}\n", "")
    spec = schild.scenario_from_text(text, "scn.yaml")
    assert len(spec.warnings) == 1
    assert "no sensors" in spec.warnings[0] and "every threat leaks" in spec.warnings[0]


def test_a_class_no_sensor_detects_is_a_warning():
    text = SCENARIO.replace("test_radar: {kind: radar,", "test_radar: {kind: radar, detects: [cruise],")
    spec = schild.scenario_from_text(text, "scn.yaml")
    assert [w.split(": ")[1] for w in spec.warnings] == ["raids[0].threat", "raids[1].threat"]
    assert all("no sensor detects drone threats" in w for w in spec.warnings)


def test_cli_prints_the_warning_and_succeeds(write_yaml):
    text = SCENARIO.replace("sensors:\n  - {id: radar1, type: test_radar, lat: 50.0, lon: 30.0}\n", "")
    path = write_yaml(text)
    runner = CliRunner()
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 0, res.output
    assert "warning:" in res.output and "no sensors" in res.output
    res = runner.invoke(app, ["run", str(path), "--runs", "2"])
    assert res.exit_code == 0, res.output
    assert "warning:" in res.output and "no sensors" in res.output
