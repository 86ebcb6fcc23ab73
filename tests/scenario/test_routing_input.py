"""Routing input (via, corridor_km, targets with shares): bad input is named at its file, line and field
(exit code 2); good input loads as documented."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import schild
from schild.cli import app
from schild.errors import InputError

runner = CliRunner()

RAID = "  - {threat: test_drone, count: 1000, from: {lat: 51.0, lon: 30.0}, target: city, launch_window_s: [0, 0]}\n"
BLOCK_RAID = """  - threat: test_drone
    count: 100
    from: {lat: 51.0, lon: 30.0}
    target: city
    launch_window_s: [0, 0]
"""
TOWN = "  - {id: city, lat: 50.0, lon: 30.0, value: 1.0}\n  - {id: town, lat: 50.2, lon: 30.6, value: 1.0}\n"
RANGED = "test_drone: {class: drone, speed_mps: 50, altitude_m: 1000, unit_cost_usd: 30000, range_km: 120}"
TARGETS = "    targets:\n      - {asset: city, share: 0.6}\n      - {asset: town, share: 0.4}\n"

CASES = [
    # (id, (old, new) on the block raid, fragments of the message, text on the line it must name)
    ("negative corridor", ("    target: city\n", "    target: city\n    corridor_km: -5\n"),
     ["raids[0].corridor_km", "greater than or equal to 0", "got -5"], "corridor_km: -5"),
    ("corridor too wide", ("    target: city\n", "    target: city\n    corridor_km: 900\n"),
     ["raids[0].corridor_km", "less than or equal to 500"], "corridor_km: 900"),
    ("corridor as a boolean", ("    target: city\n", "    target: city\n    corridor_km: true\n"),
     ["raids[0].corridor_km", "not a boolean"], "corridor_km: true"),
    ("waypoint latitude out of range", ("    target: city\n", "    via:\n      - {lat: 50.5, lon: 30.2}\n"
                                                             "      - {lat: 95, lon: 30.0}\n    target: city\n"),
     ["raids[0].via[1].lat", "less than or equal to 90", "got 95"], "lat: 95"),
    ("waypoint longitude out of range", ("    target: city\n", "    via: [{lat: 50.5, lon: 190}]\n    target: city\n"),
     ["raids[0].via[0].lon", "less than or equal to 180"], "lon: 190"),
    ("waypoint without lon", ("    target: city\n", "    via: [{lat: 50.5}]\n    target: city\n"),
     ["raids[0].via[0].lon", "required field is missing"], "via:"),
    ("waypoint on the launch point", ("    target: city\n", "    via: [{lat: 51.0, lon: 30.0}]\n    target: city\n"),
     ["raids[0].via", "via[0] is where the launch point is", "0 km apart"], "via:"),
    ("waypoints beyond the threat's range", ("    target: city\n", "    via: [{lat: 50.5, lon: 31.5}]\n"
                                                                 "    target: city\n"),
     ["raids[0].via", "can never reach its target", "via 1 waypoint(s)", "exceeds the 120 km range of 'test_drone'"],
     "via:"),
    ("corridor beyond the threat's range", ("    target: city\n", "    target: city\n    corridor_km: 100\n"),
     ["raids[0].corridor_km", "across the 100 km corridor", "more than the 120 km range", "narrow the corridor"],
     "corridor_km: 100"),
    ("shares not summing to 1", ("    target: city\n", TARGETS.replace("0.4", "0.3")),
     ["raids[0].targets", "must sum to 1 (within 1e-06), got 0.9"], "asset: city"),
    ("zero share", ("    target: city\n", TARGETS.replace("0.6", "0").replace("0.4", "1")),
     ["raids[0].targets[0].share", "greater than 0"], "asset: city, share: 0"),
    ("unknown asset in targets", ("    target: city\n", TARGETS.replace("town", "vilage")),
     ["raids[0].targets[1].asset", "unknown asset 'vilage' as target", "assets: city, town"], "vilage"),
    ("asset listed twice", ("    target: city\n", TARGETS.replace("town", "city")),
     ["raids[0].targets", "listed more than once: city"], "asset: city"),
    ("target and targets", ("    target: city\n", "    target: city\n" + TARGETS),
     ["raids[0].targets", "either target or targets, not both"], "asset: city"),
    ("neither target nor targets", ("    target: city\n", ""),
     ["raids[0].targets", "needs target (one asset) or targets (assets with shares)"], "- threat: test_drone"),
    ("empty targets", ("    target: city\n", "    targets: []\n"),
     ["raids[0].targets", "at least 1 item"], "targets: []"),
]


def _text(binomial_yaml: str) -> str:
    text = binomial_yaml.replace(RAID, BLOCK_RAID).replace("  - {id: city, lat: 50.0, lon: 30.0, value: 1.0}\n", TOWN)
    return text.replace("test_drone: {class: drone, speed_mps: 50, altitude_m: 1000, unit_cost_usd: 30000}", RANGED)


@pytest.mark.parametrize("desc,change,fragments,marker", CASES, ids=[c[0] for c in CASES])
def test_bad_routing_input_names_file_line_and_field(binomial_yaml, write_yaml, desc, change, fragments, marker):
    base = _text(binomial_yaml)
    assert base.count(change[0]) == 1, change[0]
    text_in = base.replace(change[0], change[1])
    line = next(i for i, ln in enumerate(text_in.splitlines(), 1) if marker in ln)
    path = write_yaml(text_in)
    for command in ("validate", "run"):
        res = runner.invoke(app, [command, str(path)] + (["--runs", "2"] if command == "run" else []))
        assert res.exit_code == 2, res.output
        text = " ".join(res.output.split())
        assert "Traceback" not in text
        assert f"{path}:{line}:" in res.output.replace("\n", ""), text
        for frag in fragments:
            assert frag in text, (frag, text)
    with pytest.raises(InputError):
        schild.scenario_from_text(text_in)


def test_good_routing_input_loads(binomial_yaml):
    text = _text(binomial_yaml).replace("    target: city\n", "    via: [{lat: 50.5, lon: 30.05}]\n    corridor_km: 12.5\n"
                                        + TARGETS.replace("0.6", "0.6000004").replace("0.4}", "0.3999999}"))
    raid = schild.scenario_from_text(text).scenario.raids[0]
    assert raid.target is None and raid.corridor_km == 12.5
    assert [(v.lat, v.lon) for v in raid.via] == [(50.5, 30.05)]
    assert raid.target_shares() == [("city", 0.6000004), ("town", 0.3999999)]  # within 1e-6 of 1
    plain = schild.scenario_from_text(_text(binomial_yaml)).scenario.raids[0]
    assert plain.corridor_km == 0 and plain.via == [] and plain.target_shares() == [("city", 1.0)]
