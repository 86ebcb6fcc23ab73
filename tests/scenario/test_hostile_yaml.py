"""Hostile YAML (alias bombs, endless aliases, deep nesting, huge files) is refused quickly and clearly."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schild.cli import app
from schild.data.ukraine import UkraineDataError, load_attacks
from schild.errors import InputError
from schild.scenario import yaml_lines
from schild.scenario.yaml_lines import load_yaml_with_lines, parse_yaml_with_lines

runner = CliRunner()


def alias_bomb(levels: int, fan_out: int = 9) -> str:
    """The "billion laughs" document: each level lists ``fan_out`` aliases of the level below."""
    rows = ["schema_version: 1", "name: laughs", "l0: &l0 [" + ", ".join(["lol"] * fan_out) + "]"]
    for i in range(1, levels):
        rows.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * fan_out) + "]")
    return "\n".join(rows) + "\n"


def first_alias_line_over_budget(levels: int, fan_out: int = 9) -> int:
    """The line of the first alias whose block brings the repeated values past the limit (counted here)."""
    sizes = [1 + fan_out]  # values in level i once expanded: the list and its items
    for _ in range(1, levels):
        sizes.append(1 + fan_out * sizes[-1])
    repeated = 0
    for level in range(1, levels):
        for _ in range(fan_out):
            repeated += sizes[level - 1]
            if repeated > yaml_lines.MAX_ALIAS_VALUES:
                return level + 3  # line 1 schema_version, 2 name, 3 level 0
    raise AssertionError("the document stays under the limit")


@pytest.mark.parametrize("levels", [6, 9])
def test_alias_bomb_refused_quickly_naming_the_alias(write_yaml, levels):
    text = alias_bomb(levels)
    assert len(text) < 1100
    path = write_yaml(text)
    line = first_alias_line_over_budget(levels)
    for command in (["validate", str(path)], ["run", str(path), "--runs", "1"]):
        t0 = time.perf_counter()
        res = runner.invoke(app, command)
        assert time.perf_counter() - t0 < 5.0
        assert res.exit_code == 2, res.output
        out = " ".join(res.output.split())
        assert "Traceback" not in out
        assert f"{path}:{line}: YAML aliases repeat more than 100,000 values" in res.output.replace("\n", "")


def test_aliases_of_a_shared_block_still_work():
    text = ("doctrine: &d {shots: 2, reserve: 1}\n"
            "units:\n"
            "  - {id: a, doctrine: *d}\n"
            "  - {id: b, doctrine: *d}\n")
    data, lines = parse_yaml_with_lines(text)
    assert data["units"][0]["doctrine"] == data["units"][1]["doctrine"] == {"shots": 2, "reserve": 1}
    assert lines[("units", 1)] == 4 and lines[("units", 1, "doctrine", "shots")] == 1


def test_aliases_up_to_the_budget_are_accepted():
    block = "[" + ", ".join(["1"] * 999) + "]"  # 1,000 values
    n = yaml_lines.MAX_ALIAS_VALUES // 1000
    def doc(copies: int) -> str:
        return f"base: &b {block}\ncopies: [" + ", ".join(["*b"] * copies) + "]\n"

    data, _ = parse_yaml_with_lines(doc(n))
    assert len(data["copies"]) == n and data["copies"][-1] == [1] * 999
    with pytest.raises(InputError, match="YAML aliases repeat more than"):
        parse_yaml_with_lines(doc(n + 1))


def test_alias_inside_its_own_block(write_yaml):
    path = write_yaml("name: x\nloop: &r [1, *r]\n")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    assert f"{path}:2: YAML alias *r lies inside the block it names" in res.output.replace("\n", "")


def test_deep_nesting(write_yaml):
    path = write_yaml("name: " + "[" * 5000 + "]" * 5000 + "\n")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    assert "nested more than 100 levels deep" in res.output and "Traceback" not in res.output
    ok = "a: " + "[" * 99 + "]" * 99 + "\n"  # 99 lists under the top mapping: 100 levels
    data, _ = parse_yaml_with_lines(ok)
    assert data["a"] is not None


@pytest.mark.parametrize("key,kind", [("[[1]]", "a list"), ("{a: 1}", "a mapping"), ("[1, 2]", "a list")])
def test_collection_keys(write_yaml, key, kind):
    path = write_yaml(f"name: x\nfire_units:\n  ? {key}\n  : 2\n")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    text = res.output.replace("\n", "")
    assert f"{path}:3: fire_units: a key is {kind}; keys must be plain names or numbers" in text


def test_oversized_text_and_file(tmp_path):
    limit = yaml_lines.MAX_YAML_BYTES
    big = "# " + "x" * (limit - 1) + "\n"  # a comment: cheap to parse if it were read
    with pytest.raises(InputError, match=r"4\.0 MiB of YAML \(4,194,30\d characters\); schild reads at most 4 MiB"):
        parse_yaml_with_lines(big, "big.yaml")
    path = tmp_path / "big.yaml"
    path.write_text(big, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_yaml_with_lines(path)
    assert str(exc.value) == f"{path}: 4.0 MiB of YAML ({limit + 2:,} bytes); schild reads at most 4 MiB"


def test_oversized_pipe(tmp_path):
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as fh:
            try:
                for _ in range(5):
                    fh.write(b"#" * 2**20)
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        with pytest.raises(InputError, match="more than 4 MiB of YAML"):
            load_yaml_with_lines(fifo)
    finally:
        writer.join(timeout=10)


def test_models_yaml_file_has_the_same_limits(tmp_path):
    models = tmp_path / "models.yaml"
    models.write_text(alias_bomb(9).replace("schema_version: 1\nname: laughs\n", "x: 1\ny: 2\n"), encoding="utf-8")
    csv = Path(__file__).parents[1] / "data" / "ukraine_excerpt.csv"
    t0 = time.perf_counter()
    with pytest.raises(UkraineDataError) as exc:
        load_attacks(csv, models_path=models)
    assert time.perf_counter() - t0 < 5.0
    assert exc.value.file == str(models) and exc.value.line == first_alias_line_over_budget(9)
    assert "YAML aliases repeat more than" in str(exc.value)


def test_merge_keys_share_a_block_and_keep_the_lines(binomial_yaml, write_yaml):
    text = binomial_yaml.replace(
        "  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}",
        "  - &fu {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}\n"
        "  - {<<: *fu, id: fu2, lon: 30.1}")
    res = runner.invoke(app, ["validate", str(write_yaml(text))])
    assert res.exit_code == 0, res.output
    assert "2 fire units" in res.output
    data, lines = parse_yaml_with_lines(text)
    fu_line = next(i for i, ln in enumerate(text.splitlines(), 1) if "&fu" in ln)
    assert data["fire_units"][1] == {"id": "fu2", "type": "test_battery", "lat": 50.0, "lon": 30.1}
    assert lines[("fire_units", 1, "type")] == fu_line and lines[("fire_units", 1, "id")] == fu_line + 1
    # an error in a merged value points at the block it came from
    bad = text.replace("type: test_battery, lat: 50.0", "type: test_batery, lat: 50.0")
    res = runner.invoke(app, ["validate", str(write_yaml(bad))])
    assert res.exit_code == 2
    assert f":{fu_line}: fire_units[1].type: unknown effector type 'test_batery'" in res.output.replace("\n", "")


def test_merge_order_and_bad_merge():
    data, _ = parse_yaml_with_lines("a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc: {<<: [*a, *b], y: 3}\n")
    assert data["c"] == {"x": 1, "y": 3, "z": 2}  # own keys first, then the first merged mapping
    with pytest.raises(InputError, match=r"<string>:2: c: '<<' merges a mapping or a list of mappings"):
        parse_yaml_with_lines("a: 1\nc: {<<: 3}\n")
