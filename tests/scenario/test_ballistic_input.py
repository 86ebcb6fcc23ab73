"""Ballistic flight fields (trajectory, boost_km, terminal_manoeuvre, released_decoys): bad input is named at
its file, line and field (exit code 2); good input loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import schild
from schild.cli import app

runner = CliRunner()
BALLISTIC_YAML = (Path(__file__).parents[1] / "scenarios" / "ballistic-check.yaml").read_text(encoding="utf-8")
SRBM = "test_srbm: {class: ballistic, speed_mps: 2000, unit_cost_usd: 3000000}"
DRONE = "test_drone: {class: drone, speed_mps: 50, altitude_m: 1000, unit_cost_usd: 30000}"


def _srbm(fields: str) -> tuple[str, str]:
    return SRBM, SRBM[:-1] + ",\n                " + fields + "}"


CASES = [
    ("unknown trajectory", _srbm("trajectory: lofted"),
     ["catalog.threats.test_srbm.trajectory", "'minimum_energy' or 'depressed'"], "trajectory: lofted"),
    ("trajectory beside a fixed apogee", _srbm("apogee_m: 50000, trajectory: depressed"),
     ["catalog.threats.test_srbm.trajectory", "apogee_m (50,000 m) fixes the apogee", "apogee_m: null"],
     "trajectory: depressed"),
    ("negative boost", _srbm("boost_km: -5"), ["catalog.threats.test_srbm.boost_km", "boost_km must be >= 0"],
     "boost_km: -5"),
    ("boost past the apogee", _srbm("boost_km: 160"),
     ["raids[0].from", "powered climb of 'test_srbm' (boost_km 160) must end before the apogee", "300.4 km"],
     "- {threat: test_srbm"),
    ("manoeuvre factor above 1", _srbm("terminal_manoeuvre: {pk_factor: 1.5, below_altitude_m: 20000}"),
     ["catalog.threats.test_srbm.terminal_manoeuvre.pk_factor", "pk_factor must be <= 1", "got 1.5"],
     "terminal_manoeuvre:"),
    ("manoeuvre at zero altitude", _srbm("terminal_manoeuvre: {pk_factor: 0.5, below_altitude_m: 0}"),
     ["catalog.threats.test_srbm.terminal_manoeuvre.below_altitude_m", "below_altitude_m must be > 0"],
     "terminal_manoeuvre:"),
    ("manoeuvre without its altitude", _srbm("terminal_manoeuvre: {pk_factor: 0.5}"),
     ["catalog.threats.test_srbm.terminal_manoeuvre.below_altitude_m", "required field is missing"],
     "terminal_manoeuvre:"),
    ("no released decoys", _srbm("released_decoys: {count: 0}"),
     ["catalog.threats.test_srbm.released_decoys.count", "greater than or equal to 1"], "released_decoys:"),
    ("release at the target", _srbm("released_decoys: {count: 2, after: 1.0}"),
     ["catalog.threats.test_srbm.released_decoys.after", "above 0 and below 1", "got 1.0"], "released_decoys:"),
    ("release at a named point that is not apogee", _srbm("released_decoys: {count: 2, after: burnout}"),
     ["catalog.threats.test_srbm.released_decoys.after", "apogee"], "released_decoys:"),
    ("unknown release field", _srbm("released_decoys: {count: 2, when: apogee}"),
     ["unknown field 'when'", "allowed: count, after"], "released_decoys:"),
]


@pytest.mark.parametrize("desc,change,fragments,marker", CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_file_line_and_field(write_yaml, desc, change, fragments, marker):
    assert BALLISTIC_YAML.count(change[0]) == 1, change[0]
    text_in = BALLISTIC_YAML.replace(change[0], change[1])
    line = next(i for i, ln in enumerate(text_in.splitlines(), 1) if marker in ln)
    path = write_yaml(text_in)
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    text = " ".join(res.output.split())
    assert "Traceback" not in text
    assert f"{path}:{line}:" in res.output.replace("\n", ""), text
    for frag in fragments:
        assert frag in text, (frag, text)


@pytest.mark.parametrize("field", ["trajectory: depressed", "boost_km: 5",
                                   "terminal_manoeuvre: {pk_factor: 0.5, below_altitude_m: 20000}",
                                   "released_decoys: {count: 2}"])
def test_ballistic_fields_refused_on_other_classes(binomial_yaml, write_yaml, field):
    text_in = binomial_yaml.replace(DRONE, DRONE[:-1] + ",\n                 " + field + "}")
    path = write_yaml(text_in)
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    text = " ".join(res.output.split())
    name = field.split(":")[0]
    line = next(i for i, ln in enumerate(text_in.splitlines(), 1) if field in ln)
    assert f"{path}:{line}:" in res.output.replace("\n", "")
    assert f"catalog.threats.test_drone.{name}" in text and "ballistic and aeroballistic threats only" in text


def test_builtin_type_takes_a_depressed_trajectory_once_its_apogee_is_dropped():
    text = BALLISTIC_YAML.replace("raids:\n  - {threat: test_srbm", "raids:\n  - {threat: iskander_m").replace(
        "catalog:\n  threats:\n", "catalog:\n  threats:\n    iskander_m: {trajectory: depressed, apogee_m: null}\n")
    spec = schild.scenario_from_text(text)
    tt = spec.catalog.threats["iskander_m"]
    assert tt.trajectory == "depressed" and tt.apogee_m is None
    world = schild.compile_world(spec)
    assert world.paths[0].alt_m.max() == pytest.approx(world.paths[0].length_m / 8, rel=1e-4)
