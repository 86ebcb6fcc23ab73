import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from schild.wta import generate_instance, read_instance, write_instance
from schild.wta.cli import app

KEYS = {"objective", "lower_bound", "gap", "proven_optimal", "time_s", "method", "assignment", "status"}


@pytest.fixture()
def instance(tmp_path: Path) -> Path:
    f = tmp_path / "inst.txt"
    write_instance(generate_instance(6, 12, 2, seed=11), f)
    return f


@pytest.mark.parametrize("method", ["exact", "heuristic"])
def test_solve_writes_consistent_json(tmp_path: Path, instance: Path, method: str):
    out = tmp_path / "out.json"
    res = CliRunner().invoke(app, ["solve", str(instance), "--method", method, "--time-limit", "60",
                                   "--json", str(out), "--seed", "3"])
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    assert set(data) == KEYS
    prob = read_instance(instance)
    x = np.zeros(prob.p.shape, dtype=np.int64)
    for i, j, count in data["assignment"]:
        x[i, j] += count
    assert prob.is_feasible(x)
    assert abs(prob.objective(x) - data["objective"]) <= 1e-9 * max(1.0, abs(data["objective"]))
    assert data["lower_bound"] <= data["objective"] + 1e-9
    assert data["method"] == method
    if method == "exact":
        assert data["proven_optimal"] is True


def test_missing_file_exit_2(tmp_path: Path):
    res = CliRunner().invoke(app, ["solve", str(tmp_path / "missing.txt")])
    assert res.exit_code == 2
    assert "missing.txt" in res.output and "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_malformed_exit_2_names_line(tmp_path: Path):
    f = tmp_path / "bad.txt"
    f.write_text("1 2 1\n5\n6\n0 0 0.5\n0 1 7\n")
    res = CliRunner().invoke(app, ["solve", str(f)])
    assert res.exit_code == 2
    assert f"{f}:5:" in res.output.replace("\n", "")
    assert "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_bad_method_exit_2(instance: Path):
    res = CliRunner().invoke(app, ["solve", str(instance), "--method", "magic"])
    assert res.exit_code == 2


def test_negative_seed_exit_2(instance: Path):
    """Regression: --seed -3 ended in numpy's traceback (exit 1)."""
    res = CliRunner().invoke(app, ["solve", str(instance), "--seed", "-3"])
    assert res.exit_code == 2 and "--seed must be a non-negative integer" in res.output
    from schild.wta import solve
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        solve(read_instance(instance), seed=-1)
