"""Radar cross-section, sectors, fire-control radars and per-type envelope entries: bad input is named at
its file, line and field (exit code 2); good input resolves as documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import schild
from schild.catalog import builtin_catalog
from schild.cli import app
from schild.scenario.catalog_models import THREAT_CLASSES

runner = CliRunner()

FIRE_CONTROL = "      fire_control: {mast_height_m: 5, range_km: 60}\n"

CASES = [
    # (id, (old, new), fragments of the message, text on the line it must name)
    ("sector wider than 360", ("lat: 50.0, lon: 30.0}\nfire_units", "lat: 50.0, lon: 30.0,\n"
                               "      sector: {centre_deg: 0, width_deg: 400}}\nfire_units"),
     ["sensors[0].sector.width_deg", "at most 360", "got 400"], "width_deg: 400"),
    ("sector of zero width", ("lat: 50.0, lon: 30.0}\nraids", "lat: 50.0, lon: 30.0,\n"
                              "      sector: {centre_deg: 10, width_deg: 0}}\nraids"),
     ["fire_units[0].sector.width_deg", "more than 0", "got 0"], "width_deg: 0"),
    ("sector centre out of range", ("lat: 50.0, lon: 30.0}\nraids", "lat: 50.0, lon: 30.0,\n"
                                    "      sector: {centre_deg: 720, width_deg: 90}}\nraids"),
     ["fire_units[0].sector.centre_deg", "360"], "centre_deg: 720"),
    ("sector with a boolean width", ("lat: 50.0, lon: 30.0}\nraids", "lat: 50.0, lon: 30.0,\n"
                                     "      sector: {centre_deg: 10, width_deg: true}}\nraids"),
     ["fire_units[0].sector.width_deg", "not a boolean"], "width_deg: true"),
    ("zero RCS", ("unit_cost_usd: 30000}", "unit_cost_usd: 30000, rcs_m2: 0}"),
     ["catalog.threats.test_drone.rcs_m2", "rcs_m2 must be > 0", "got 0"], "rcs_m2: 0"),
    ("negative RCS", ("unit_cost_usd: 30000}", "unit_cost_usd: 30000, rcs_m2: -0.5}"),
     ["catalog.threats.test_drone.rcs_m2", "rcs_m2 must be > 0"], "rcs_m2: -0.5"),
    ("infinite RCS", ("unit_cost_usd: 30000}", "unit_cost_usd: 30000, rcs_m2: .inf}"),
     ["catalog.threats.test_drone.rcs_m2", "finite number"], "rcs_m2: .inf"),
    ("zero reference RCS", ("mast_height_m: 20}", "mast_height_m: 20, reference_rcs_m2: 0}"),
     ["catalog.sensors.test_radar.reference_rcs_m2", "reference_rcs_m2 must be > 0"], "reference_rcs_m2: 0"),
    ("reference RCS on an acoustic post", ("kind: radar, range_km: 200, mast_height_m: 20}",
                                           "kind: acoustic, range_km: 200, mast_height_m: 20, reference_rcs_m2: 1}"),
     ["catalog.sensors.test_radar", "reference_rcs_m2 applies to radars only"], "reference_rcs_m2: 1"),
    ("fire control without range", ("      envelope:\n", "      fire_control: {mast_height_m: 5}\n      envelope:\n"),
     ["catalog.effectors.test_battery.fire_control.range_km", "required field is missing"], "fire_control:"),
    ("fire control with a negative mast", ("      envelope:\n", FIRE_CONTROL.replace("5,", "-5,") + "      envelope:\n"),
     ["catalog.effectors.test_battery.fire_control.mast_height_m", "mast_height_m must be >= 0"], "fire_control:"),
    ("fire control with an unknown field", ("      envelope:\n", FIRE_CONTROL.replace("60}", "60, sector_deg: 90}")
                                            + "      envelope:\n"),
     ["unknown field 'sector_deg'", "allowed: mast_height_m, range_km, reference_rcs_m2, engage_on_remote"],
     "fire_control:"),
    ("envelope key neither class nor type", ("        drone: {", "        kinzall: {pk: 0.3}\n        drone: {"),
     ["catalog.effectors.test_battery.envelope.kinzall", "neither a threat class nor a known threat type",
      "allowed: drone, decoy, cruise, ballistic, aeroballistic", "kinzhal"], "kinzall:"),
    ("type entry without a class entry to complete it", ("        drone: {", "        kinzhal: {pk: 0.3}\n        drone: {"),
     ["catalog.effectors.test_battery.envelope.kinzhal", "no aeroballistic entry to take max_range_km, max_altitude_m"],
     "kinzhal:"),
    ("type entry with an impossible figure", ("        drone: {", "        test_drone: {max_range_km: 0}\n"
                                                       "        drone: {"),
     ["catalog.effectors.test_battery.envelope.test_drone.max_range_km", "max_range_km must be > 0"],
     "test_drone: {max_range_km"),
    ("type entry below the class minimum", ("        drone: {min_range_km: 0,", "        test_drone: {max_range_km: 2}\n"
                                            "        drone: {min_range_km: 3,"),
     ["catalog.effectors.test_battery.envelope.test_drone", "min_range_km must be below max_range_km"],
     "test_drone: {max_range_km"),
    ("site below the local ground", ("  - {id: fu1, type: test_battery,", "  - {id: fu1, type: test_battery, alt_m: -20,"),
     ["fire_units[0].alt_m", "greater than or equal to 0", "got -20"], "alt_m: -20"),
    ("empty layer name", ("  - {id: fu1, type: test_battery,", "  - {id: fu1, type: test_battery, layer: '',"),
     ["fire_units[0].layer", "at least 1 character"], "layer: ''"),
    ("per-layer cap above the total", ("drone: {salvo: 1, max_engagements: 1}",
                                       "drone: {salvo: 1, max_engagements: 1, max_engagements_per_layer: 2}"),
     ["doctrine.drone", "max_engagements_per_layer (2) must be at most max_engagements (1)"],
     "max_engagements_per_layer: 2"),
    ("class entry without pk", ("max_altitude_m: 10000, pk: 0.8}", "max_altitude_m: 10000}"),
     ["catalog.effectors.test_battery.envelope.drone.pk", "required field is missing"], "drone: {min_range_km"),
]


@pytest.mark.parametrize("desc,change,fragments,marker", CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_file_line_and_field(binomial_yaml, write_yaml, desc, change, fragments, marker):
    assert binomial_yaml.count(change[0]) == 1, change[0]
    text_in = binomial_yaml.replace(change[0], change[1])
    line = next(i for i, ln in enumerate(text_in.splitlines(), 1) if marker in ln)
    path = write_yaml(text_in)
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    text = " ".join(res.output.split())
    assert "Traceback" not in text
    assert f"{path}:{line}:" in res.output.replace("\n", ""), text
    for frag in fragments:
        assert frag in text, (frag, text)


def test_sector_fire_control_and_type_entries_load(binomial_yaml):
    text = (binomial_yaml
            .replace("unit_cost_usd: 30000}", "unit_cost_usd: 30000, rcs_m2: 0.1}")
            .replace("mast_height_m: 20}", "mast_height_m: 20, reference_rcs_m2: 1}")
            .replace("      envelope:\n", FIRE_CONTROL + "      envelope:\n")
            .replace("        drone: {", "        shahed_136: {pk: 0.3}\n        drone: {")
            .replace("lat: 50.0, lon: 30.0}\nraids", "lat: 50.0, lon: 30.0, sector: {centre_deg: -10, width_deg: 120}}\n"
                                                     "raids"))
    spec = schild.scenario_from_text(text)
    assert spec.catalog.threats["test_drone"].rcs_m2.value == 0.1
    assert spec.catalog.sensors["test_radar"].reference_rcs_m2.value == 1.0
    fc = spec.catalog.effectors["test_battery"].fire_control
    assert (fc.mast_height_m.value, fc.range_km.value, fc.engage_on_remote) == (5.0, 60.0, False)
    sector = spec.scenario.fire_units[0].sector
    assert (sector.centre_deg, sector.width_deg) == (-10.0, 120.0)
    assert spec.scenario.sensors[0].sector is None  # absent: all round


def test_type_entry_takes_the_rest_from_its_class_entry():
    cat = schild.scenario_from_text(_with_entries("        drone: {min_range_km: 1, max_range_km: 50, "
                                                  "max_altitude_m: 10000, pk: 0.8}\n"
                                                  "        shahed_136: {pk: 0.3, max_range_km: 20}\n")).catalog
    eff = cat.effectors["test_battery"]
    own = eff.entry_for("drone", "shahed_136")
    assert (own.pk.value, own.max_range_km.value, own.min_range_km.value, own.max_altitude_m.value) == (0.3, 20, 1, 10000)
    other = eff.entry_for("drone", "test_drone")  # no entry of its own: the class entry
    assert (other.pk.value, other.max_range_km.value) == (0.8, 50)
    decoy = eff.entry_for("decoy", "gerbera_decoy")  # decoys take the drone entry
    assert decoy.pk.value == 0.8
    assert eff.entry_for("cruise", "kh_101") is None  # no cruise entry: cannot engage it


def test_complete_type_entry_needs_no_class_entry():
    cat = schild.scenario_from_text(_with_entries("        drone: {max_range_km: 50, max_altitude_m: 10000, pk: 0.8}\n"
                                                  "        kinzhal: {max_range_km: 30, max_altitude_m: 20000, "
                                                  "pk: 0.4}\n")).catalog
    entry = cat.effectors["test_battery"].entry_for("aeroballistic", "kinzhal")
    assert (entry.pk.value, entry.min_range_km.value, entry.min_altitude_m.value) == (0.4, 0.0, 0.0)
    assert cat.effectors["test_battery"].entry_for("ballistic", "iskander_m") is None


def test_builtin_type_entries_resolve():
    cat = builtin_catalog()
    for eid, eff in cat.effectors.items():
        for key in eff.envelope:
            if key in THREAT_CLASSES:
                continue
            assert key in cat.threats, (eid, key)
            entry = eff.entry_for(cat.threats[key].threat_class, key)
            assert entry is not None and not entry.missing(), (eid, key)


def _with_entries(entries: str) -> str:
    base = (Path(__file__).parents[1] / "scenarios" / "binomial-check.yaml").read_text(encoding="utf-8")
    old = "        drone: {min_range_km: 0, max_range_km: 50, max_altitude_m: 10000, pk: 0.8}\n"
    assert old in base
    return base.replace(old, entries)
