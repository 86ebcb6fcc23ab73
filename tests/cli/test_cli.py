"""The CLI end to end: results JSON keys, events file, schema, catalogue, bundled examples."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from schild.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
S_KEYS = {"mean", "ci95"}


def _is_stat(d) -> bool:
    return isinstance(d, dict) and set(d) == S_KEYS and len(d["ci95"]) == 2


def test_run_writes_json_and_events(binomial_yaml, write_yaml, tmp_path):
    out, ev = tmp_path / "r.json", tmp_path / "ev.parquet"
    res = runner.invoke(app, ["run", str(write_yaml(binomial_yaml)), "--runs", "20", "--seed", "5",
                              "--workers", "2", "--json", str(out), "--events", str(ev)])
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    assert d["runs"] == 20 and d["seed"] == 5
    for key in ("launched", "killed", "ew_defeated", "leaked", "shots", "exchange_ratio"):
        assert _is_stat(d[key]), key
    assert _is_stat(d["by_class"]["drone"]["launched"]) and _is_stat(d["by_class"]["drone"]["leaked"])
    assert _is_stat(d["per_asset"]["city"]["leaked_lethal"])
    assert _is_stat(d["interceptors"]["test_missile"])
    assert _is_stat(d["cost_usd"]["interceptors"]) and _is_stat(d["cost_usd"]["threats"])
    m = d["manifest"]
    assert m["seed"] == 5 and m["runs"] == 20 and len(m["scenario_sha256"]) == 64 and m["schild_version"]
    events = pd.read_parquet(ev)
    assert list(events.columns) == ["run", "time_s", "kind", "threat_id", "threat_type", "threat_class",
                                    "fire_unit_id", "sensor_id", "interceptor", "range_km", "asset_id",
                                    "asset_distance_km"]
    assert set(events.kind.astype(str)) <= {"launch", "detect", "shoot", "kill", "miss", "ew_defeat", "leak"}
    assert sorted(events.run.unique()) == list(range(20))
    per_run = events[events.kind == "leak"].groupby("run").size().reindex(range(20), fill_value=0)
    assert per_run.mean() == pytest.approx(d["leaked"]["mean"])
    shots = events[events.kind == "shoot"]
    assert shots.fire_unit_id.eq("fu1").all() and shots.interceptor.eq("test_missile").all()
    assert events.groupby("run").time_s.apply(lambda s: s.is_monotonic_increasing).all()


def test_schema_and_validate(binomial_yaml, write_yaml):
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    schema = json.loads(res.output)
    assert "raids" in schema["properties"] and "schema_version" in schema["required"]
    res = runner.invoke(app, ["validate", str(write_yaml(binomial_yaml))])
    assert res.exit_code == 0 and "ok" in res.output


def test_catalog_list_and_show():
    res = runner.invoke(app, ["catalog", "list"])
    assert res.exit_code == 0
    for tid in ("shahed_136", "gerbera_decoy", "kinzhal", "patriot_pac3_mse", "gepard", "acoustic_post"):
        assert tid in res.output
    res = runner.invoke(app, ["catalog", "show", "patriot_pac3_mse"], env={"COLUMNS": "220"})
    assert res.exit_code == 0
    assert "envelope.ballistic.pk" in res.output and "assumption" in res.output
    res = runner.invoke(app, ["catalog", "show", "nonexistent"])
    assert res.exit_code == 2 and "unknown type" in res.output


@pytest.mark.parametrize("name", ["city-record-raid.yaml", "airbase-ballistic-salvo.yaml"])
def test_bundled_examples_run(name, tmp_path):
    out = tmp_path / "r.json"
    res = runner.invoke(app, ["run", str(ROOT / "examples" / name), "--runs", "20", "--json", str(out)])
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    assert d["launched"]["mean"] > 0
    assert d["killed"]["mean"] > 0 and d["leaked"]["mean"] < d["launched"]["mean"]


def test_run_refuses_output_paths_it_cannot_write_before_simulating(binomial_yaml, write_yaml, tmp_path,
                                                                   monkeypatch):
    """Regression: `--json DIR` simulated every run, then ended in IsADirectoryError (exit 1)."""
    import importlib

    def no_sim(*a, **k):
        raise AssertionError("simulated although the output path is unusable")

    monkeypatch.setattr(importlib.import_module("schild.simulate"), "simulate", no_sim)
    scen = str(write_yaml(binomial_yaml))
    (tmp_path / "adir").mkdir()
    (tmp_path / "adir.parquet").mkdir()
    (tmp_path / "afile").write_text("")
    cases = [(["--json", str(tmp_path / "adir")], "--json names the file to write"),
             (["--events", str(tmp_path / "adir.parquet")], "--events names the file to write"),
             (["--json", str(tmp_path / "afile" / "sub" / "r.json")], "is a file, not a directory")]
    for extra, needle in cases:
        res = runner.invoke(app, ["run", scen, "--runs", "2"] + extra)
        assert res.exit_code == 2, res.output
        assert needle in res.output and "Traceback" not in res.output


def test_user_text_is_never_read_as_console_markup(binomial_yaml, write_yaml):
    """Regressions: an error message lost its "[start, end]" to the console's markup, and a scenario
    named with a closing tag ("[/bold]") could not be printed."""
    import re

    named = re.sub(r"(?m)^name:.*$", "name: raid [/bold] test [x]", binomial_yaml)
    res = runner.invoke(app, ["run", str(write_yaml(named)), "--runs", "2"])
    assert res.exit_code == 0, res.output
    assert "raid [/bold] test [x]" in res.output
    bad = binomial_yaml.replace("launch_window_s: [0, 0]", "launch_window_s: [100, 0]", 1)
    assert bad != binomial_yaml
    res = runner.invoke(app, ["validate", str(write_yaml(bad, "bad.yaml"))])
    assert res.exit_code == 2 and "must be [start, end] with" in res.output
