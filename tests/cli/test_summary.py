"""The summary `schild run` prints and writes: intervals, figure names, legend."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from schild.cli import app

runner = CliRunner()

DECOY_RAID = """
  - {threat: test_decoy, count: 400, from: {lat: 51.0, lon: 30.0}, target: city, launch_window_s: [0, 0]}
"""


def _run(scenario, tmp_path, runs: int):
    out = tmp_path / f"r{runs}.json"
    res = runner.invoke(app, ["run", str(scenario), "--runs", str(runs), "--seed", "3", "--json", str(out)],
                        env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    return res.output, json.loads(out.read_text())


def _rows(output: str) -> dict[str, tuple[str, str]]:
    """figure -> (mean, 95% CI) cells of the printed table."""
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line)[1:-1]]
        if len(cells) == 3:
            rows[cells[0]] = (cells[1], cells[2])
    return rows


def test_one_run_shows_no_interval(binomial_yaml, write_yaml, tmp_path):
    """Regression: `--runs 1` printed a zero-width 95% interval ("200.0 .. 200.0") as if it were certain."""
    output, d = _run(write_yaml(binomial_yaml), tmp_path, runs=1)
    rows = _rows(output)
    assert rows["leaked"][1] == "n/a (1 run)" and rows["launched"][1] == "n/a (1 run)"
    assert "1 run," in output and "one run gives no 95% confidence interval" in output
    assert d["leaked"]["ci95"] == [None, None] and d["per_asset"]["city"]["leaked_lethal"]["ci95"] == [None, None]
    assert d["leaked"]["mean"] is not None and "no 95% confidence interval" in d["note"]


def test_two_runs_show_an_interval(binomial_yaml, write_yaml, tmp_path):
    output, d = _run(write_yaml(binomial_yaml), tmp_path, runs=4)
    low, high = (float(x.replace(",", "")) for x in _rows(output)["leaked"][1].split(" .. "))
    assert low < d["leaked"]["mean"] < high and d["leaked"]["ci95"] == pytest.approx([low, high], abs=0.06)
    assert "note" not in d and "one run" not in output


def test_per_asset_leakage_is_named_lethal(binomial_yaml, write_yaml, tmp_path):
    """Regression: `asset.city.leaked` counted lethal leakers only, though `leaked` above it counts decoys;
    the row is `asset.city.leaked_lethal`, like the JSON key."""
    text = binomial_yaml.replace(
        "    test_drone: {class: drone,",
        "    test_decoy: {class: decoy, speed_mps: 50, altitude_m: 1000, unit_cost_usd: 1000}\n"
        "    test_drone: {class: drone,", 1) + "\n"
    text = text.replace("raids:\n", "raids:" + DECOY_RAID, 1)
    text += "  decoy: {engage: false}\n"
    output, d = _run(write_yaml(text), tmp_path, runs=3)
    rows = _rows(output)
    assert "asset.city.leaked" not in rows and "asset.city.leaked_lethal" in rows
    per_asset = d["per_asset"]["city"]
    assert set(per_asset) == {"leaked_lethal"}
    assert per_asset["leaked_lethal"]["mean"] == d["leaked_lethal"]["mean"]  # one asset: every lethal leaker
    assert d["leaked"]["mean"] >= d["leaked_lethal"]["mean"] + 400  # the decoys are never engaged


def test_table_says_which_way_the_exchange_ratio_runs(binomial_yaml, write_yaml, tmp_path):
    output, d = _run(write_yaml(binomial_yaml), tmp_path, runs=3)
    assert "exchange_ratio = interceptor cost / threat cost" in output
    # interceptor cost over threat cost, as the legend says: shots x 100,000 USD / (1000 x 30,000 USD)
    shots = d["shots"]["mean"]
    assert d["exchange_ratio"]["mean"] == pytest.approx(shots * 100_000 / (1000 * 30_000))
