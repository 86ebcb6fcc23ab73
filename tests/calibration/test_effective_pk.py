"""Effective single-shot pk per class and layer from the fitted kill level."""

from __future__ import annotations

import numpy as np
import pytest

from schild.calibration.effective import effective_pk, layers


def test_zero_shift_gives_the_catalogue_and_a_shift_moves_every_layer_the_same_way():
    at_zero = effective_pk("drone", np.zeros(10))
    assert at_zero and all(r["mean"] == pytest.approx(r["catalogue_pk"]) for r in at_zero)
    up = effective_pk("drone", np.full(10, 1.0))
    down = effective_pk("drone", np.full(10, -1.0))
    for z, u, d in zip(at_zero, up, down):
        assert d["mean"] < z["mean"] < u["mean"]
        # logit shift of +1: odds times e
        odds = z["catalogue_pk"] / (1 - z["catalogue_pk"]) * np.e
        assert u["mean"] == pytest.approx(odds / (1 + odds))


def test_intervals_and_level_path():
    draws = np.random.default_rng(0).normal(-1.0, 0.3, 400)
    rows = effective_pk("cruise", draws, {"2024-11": -1.2, "2024-12": -0.9})
    for r in rows:
        assert r["p05"] <= r["mean"] <= r["p95"] and r["class"] == "cruise"
        assert list(r["path"]) == ["2024-11", "2024-12"] and r["path"]["2024-11"] < r["path"]["2024-12"]


def test_doctrine_keeps_dear_rounds_off_drones():
    lay = {r["unit_type"]: r for r in layers("drone")}
    assert lay["mobile_fire_group"]["fires"] and lay["interceptor_drone_team"]["fires"]
    assert not lay["patriot_pac3_mse"]["fires"] and not lay["nasams"]["fires"]
    assert lay["mobile_fire_group"]["units"] == 8
    assert all(r["fires"] for r in layers("ballistic"))
