"""`schild score` scores forecasts; `schild validate` checks scenarios (its old `--data` form still works)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schild.cli import app

runner = CliRunner()
OPTIONS = ["--data", "d.csv", "--params", "p.json", "--from", "2025-01-01", "--until", "2025-03-31", "--runs", "7",
           "--seed", "5", "--json", "v.json", "--report", "rep", "--models", "m.csv", "--allow-extra-columns",
           "--predict-with", "simulate"]
EXPECTED = {"data": Path("d.csv"), "params": Path("p.json"), "from_date": "2025-01-01", "until": "2025-03-31",
            "runs": 7, "seed": 5, "json_out": Path("v.json"), "report": Path("rep"), "models": Path("m.csv"),
            "allow_extra_columns": True, "method": "simulate"}


@pytest.fixture
def scoring_calls(monkeypatch):
    calls = []
    support = importlib.import_module("schild.calibration.cli_support")
    monkeypatch.setattr(support, "run_validation", lambda **kw: calls.append(kw))
    return calls


def _without_console(call: dict) -> dict:
    return {k: v for k, v in call.items() if k != "console"}


def test_score_passes_every_option_to_the_forecast_check(scoring_calls):
    res = runner.invoke(app, ["score", *OPTIONS])
    assert res.exit_code == 0, res.output
    assert [_without_console(c) for c in scoring_calls] == [EXPECTED]
    assert "deprecated" not in res.output


def test_old_validate_data_form_still_scores_with_a_deprecation_note_on_stderr(scoring_calls):
    """`validate` meant both "check a scenario" and "score forecasts"; scoring is `schild score` now, and the
    old spelling keeps working with a note."""
    res = runner.invoke(app, ["validate", *OPTIONS])
    assert res.exit_code == 0, res.output
    assert [_without_console(c) for c in scoring_calls] == [EXPECTED]
    assert "deprecated" in res.stderr and "schild score" in res.stderr
    assert "deprecated" not in res.stdout


def test_score_needs_data_params_and_from(scoring_calls):
    for missing in ("--data", "--params", "--from"):
        i = OPTIONS.index(missing)
        res = runner.invoke(app, ["score", *OPTIONS[:i], *OPTIONS[i + 2:]])
        assert res.exit_code == 2 and missing in res.output, res.output
    assert scoring_calls == []


def test_validate_help_is_about_scenarios_and_names_score(binomial_yaml, write_yaml):
    res = runner.invoke(app, ["validate", "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "Check a scenario file" in res.output and "--data" not in res.output
    res = runner.invoke(app, ["validate"])
    assert res.exit_code == 2 and "schild score" in res.output
    res = runner.invoke(app, ["validate", str(write_yaml(binomial_yaml))])
    assert res.exit_code == 0 and "ok" in res.output


@pytest.mark.parametrize("command,needle", [("calibrate", "same parameters"), ("score", "same scores")])
def test_seed_options_say_what_they_seed(command, needle):
    """Regression: the --seed of calibrate and of the forecast check had no help text."""
    res = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    seed_line = next(line for line in res.output.splitlines() if "--seed" in line)
    assert "Seed of the" in seed_line and needle in seed_line
