"""Bad input gets a clear message naming file, line and field, and exit code 2 from the CLI."""

from __future__ import annotations


import pytest
from typer.testing import CliRunner

import schild
from schild.cli import app

runner = CliRunner()

CASES = [
    # (description, replacement (old, new), fragments of the message, text on the line it must name)
    ("unknown effector type", ("type: test_battery", "type: test_batery"),
     ["unknown effector type 'test_batery'", "fire_units[0].type", "known:"], None),
    ("unknown asset as target", ("target: city", "target: town"),
     ["unknown asset 'town' as target", "raids[0].target"], None),
    ("negative count", ("count: 1000", "count: -5"), ["raids[0].count", "greater than or equal to 0"], None),
    ("probability above 1", ("pk: 0.8", "pk: 1.3"), ["catalog.effectors.test_battery.envelope.drone", "pk must be <= 1"], None),
    ("unknown field", ("launchers: 10", "launcherz: 10"), ["unknown field 'launcherz'", "allowed:"], None),
    ("unreachable raid", ("unit_cost_usd: 30000}", "unit_cost_usd: 30000, range_km: 50}"),
     ["can never reach its target", "111 km", "raids[0].from"], "from: {lat: 51.0"),
    ("wrong enum", ("kind: radar", "kind: lidar"), ["catalog.sensors.test_radar.kind", "'radar'"], None),
]


@pytest.mark.parametrize("desc,change,fragments,marker", CASES, ids=[c[0] for c in CASES])
def test_cli_names_file_line_and_field(binomial_yaml, write_yaml, desc, change, fragments, marker):
    assert change[0] in binomial_yaml
    text_in = binomial_yaml.replace(change[0], change[1], 1)
    line = next(i for i, ln in enumerate(text_in.splitlines(), 1) if (marker or change[1]) in ln)
    path = write_yaml(text_in)
    for command in (["validate", str(path)], ["run", str(path), "--runs", "2"]):
        res = runner.invoke(app, command)
        assert res.exit_code == 2, res.output
        text = " ".join(res.output.split())
        assert "Traceback" not in text
        assert f"{path}:{line}:" in res.output.replace("\n", ""), text
        for frag in fragments:
            assert frag in text, (frag, text)


def test_malformed_yaml(write_yaml):
    path = write_yaml("schema_version: 1\nname: x\nassets: [ {id: a, lat: 1\n")
    res = runner.invoke(app, ["run", str(path)])
    assert res.exit_code == 2
    assert "malformed YAML" in res.output and str(path) in res.output.replace("\n", "")


def test_missing_file(tmp_path):
    res = runner.invoke(app, ["run", str(tmp_path / "nope.yaml")])
    assert res.exit_code == 2
    assert "file not found" in res.output


def test_empty_and_non_mapping_files(write_yaml):
    for text in ("", "- just\n- a list\n"):
        res = runner.invoke(app, ["validate", str(write_yaml(text))])
        assert res.exit_code == 2, res.output
        assert "Traceback" not in res.output


def test_all_problems_reported_at_once(binomial_yaml, write_yaml):
    text = binomial_yaml.replace("target: city", "target: town").replace("type: test_battery", "type: nope")
    with pytest.raises(schild.ScenarioError) as exc:
        schild.read_scenario(write_yaml(text))
    assert len(exc.value.problems) == 2


def test_bad_runs_and_nothing_half_written(binomial_yaml, write_yaml, tmp_path):
    path = write_yaml(binomial_yaml.replace("target: city", "target: town"))
    out = tmp_path / "out.json"
    ev = tmp_path / "ev.parquet"
    res = runner.invoke(app, ["run", str(path), "--json", str(out), "--events", str(ev)])
    assert res.exit_code == 2
    assert not out.exists() and not ev.exists()
    assert not list(tmp_path.glob(".*tmp"))
    res = runner.invoke(app, ["run", str(write_yaml(binomial_yaml)), "--runs", "0"])
    assert res.exit_code == 2 and "--runs" in res.output


def test_duplicate_ids_and_keys(binomial_yaml, write_yaml):
    text = binomial_yaml.replace("  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}",
                                 "  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}\n"
                                 "  - {id: fu1, type: test_battery, lat: 50.1, lon: 30.0}")
    res = runner.invoke(app, ["validate", str(write_yaml(text))])
    assert res.exit_code == 2 and "duplicate id 'fu1'" in res.output
    res = runner.invoke(app, ["validate", str(write_yaml(binomial_yaml + "name: again\n"))])
    assert res.exit_code == 2 and "duplicate key 'name'" in res.output


def test_the_given_value_is_named_once(binomial_yaml, write_yaml):
    """Regression: "..., got 'high' (got 'high')": our validators' messages already name the value."""
    path = write_yaml(binomial_yaml.replace("altitude_m: 1000", "altitude_m: high", 1))
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2
    text = " ".join(res.output.split())
    assert text.count("'high'") == 1, text
