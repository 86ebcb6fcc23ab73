from pathlib import Path

import numpy as np
import pytest

from schild.wta import WTAFormatError, generate_instance, read_instance, write_instance


def test_round_trip(tmp_path: Path):
    prob = generate_instance(4, 7, 2, seed=3)
    f = tmp_path / "inst.txt"
    write_instance(prob, f)
    back = read_instance(f)
    assert np.array_equal(back.units, prob.units)
    assert np.array_equal(back.values, prob.values)
    assert np.array_equal(back.p, prob.p)
    assert f.read_text().splitlines()[0] == "4 7 2"


def test_generator_shape_and_determinism():
    a = generate_instance(5, 10, 3, seed=1)
    b = generate_instance(5, 10, 3, seed=1)
    assert np.array_equal(a.p, b.p) and np.array_equal(a.values, b.values)
    assert np.all(a.units == 3) and a.p.shape == (5, 10)
    assert np.all(a.values == np.round(a.values)) and a.values.min() >= 1 and a.values.max() <= 100
    assert a.p.min() >= 0 and a.p.max() <= 1


def test_no_trailing_newline_ok(tmp_path: Path):
    f = tmp_path / "x.txt"
    f.write_text("1 2 1\n5\n6\n0 0 0.5\n0 1 0.25")
    prob = read_instance(f)
    assert prob.p.tolist() == [[0.5, 0.25]]


GOOD = ["1 2 1", "5", "6", "0 0 0.5", "0 1 0.25"]


@pytest.mark.parametrize("lines, line_no, match", [
    (GOOD[:4], 5, "truncated"),
    (GOOD[:2], 3, "target value 2"),
    (["1 2"] + GOOD[1:], 1, "header"),
    (["1 two 1"] + GOOD[1:], 1, "integer"),
    (["1 2 -1"] + GOOD[1:], 1, "negative units"),
    (GOOD[:3] + ["0 0 1.5", GOOD[4]], 4, "probability in \\[0, 1\\]"),
    (GOOD[:3] + ["0 0 -0.1", GOOD[4]], 4, "probability"),
    (GOOD[:3] + ["0 0", GOOD[4]], 4, "3 fields"),
    (GOOD[:3] + ["0 0 abc", GOOD[4]], 4, "number"),
    (GOOD[:3] + ["0 5 0.5", GOOD[4]], 4, "0 <= j < 2"),
    (GOOD[:3] + ["0 1 0.5", GOOD[4]], 5, "duplicate"),
    (GOOD[:1] + ["-5"] + GOOD[2:], 2, ">= 0"),
    (GOOD + ["0 0 0.1"], 6, "extra"),
])
def test_malformed_reports_file_and_line(tmp_path: Path, lines, line_no, match):
    f = tmp_path / "bad.txt"
    f.write_text("\n".join(lines) + "\n")
    with pytest.raises(WTAFormatError, match=match) as info:
        read_instance(f)
    assert f"{f}:{line_no}:" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_missing_file(tmp_path: Path):
    with pytest.raises(WTAFormatError, match="not found"):
        read_instance(tmp_path / "nope.txt")


def test_empty_file(tmp_path: Path):
    f = tmp_path / "e.txt"
    f.write_text("")
    with pytest.raises(WTAFormatError, match=":1:"):
        read_instance(f)
