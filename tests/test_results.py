"""Confidence intervals and result files."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schild.results import Stat, atomic_write_text


def test_stat_student_t_interval():
    s = Stat.of(np.array([1.0, 2.0, 3.0]))
    half = 4.302652729911275 * 1.0 / math.sqrt(3)  # t(0.975, 2) * sd / sqrt(n)
    assert s.mean == 2.0
    assert s.ci95 == pytest.approx((2.0 - half, 2.0 + half))
    one = Stat.of(np.array([5.0]))  # one run: no interval (its spread is unknown, not zero)
    assert one.mean == 5.0 and all(math.isnan(x) for x in one.ci95)
    assert one.to_dict() == {"mean": 5.0, "ci95": [None, None]}
    assert Stat.of(np.full(10, 7.0)).ci95 == (7.0, 7.0)
    assert Stat.of(np.array([np.nan, 1.0])).to_dict()["mean"] is None


@settings(deadline=None)  # no wall-clock deadline: a first call may load compiled code
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=50))
def test_interval_contains_mean(values):
    s = Stat.of(np.array(values))
    assert s.ci95[0] <= s.mean + 1e-6 and s.mean <= s.ci95[1] + 1e-6


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    atomic_write_text(target, json.dumps({"a": 1}))
    assert json.loads(target.read_text()) == {"a": 1}

    def boom(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(RuntimeError):
        atomic_write_text(target, "new")
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_result_intervals_stop_at_zero():
    """Regression: two runs leaking 0 and 50 threats gave a 95 % interval from -293 to 343; a count's
    interval now stops at 0 (the generic Stat keeps the plain t-interval)."""
    from schild.results import _stat

    s = _stat(np.array([0.0, 50.0]))
    assert s.mean == 25.0 and s.ci95[0] == 0.0 and s.ci95[1] > 50.0
    assert Stat.of(np.array([0.0, 50.0])).ci95[0] < 0.0
    assert _stat(np.array([10.0, 11.0, 12.0, 13.0])).ci95 == Stat.of(np.array([10.0, 11.0, 12.0, 13.0])).ci95


def test_result_files_get_ordinary_permissions(tmp_path):
    """Regression: results written through a temporary file came out owner-only (0600), whatever the
    umask; they now get the mode an ordinary new file gets (0644 under umask 022)."""
    import os

    old = os.umask(0o022)
    try:
        target = tmp_path / "r.json"
        atomic_write_text(target, "{}")
        assert (target.stat().st_mode & 0o777) == 0o644
        os.umask(0o077)
        private = tmp_path / "p.json"
        atomic_write_text(private, "{}")
        assert (private.stat().st_mode & 0o777) == 0o600
    finally:
        os.umask(old)
