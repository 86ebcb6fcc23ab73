"""A report that states how many of its drones were Shahed-type fixes that window's decoy share."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from schild.calibration.data import windows
from schild.calibration.model import GroupModel, observed_decoy_share
from schild.calibration.predict import predict_months
from schild.calibration.tables import build_table
from schild.data.ukraine import EXPECTED_COLUMNS, load_attacks


def _csv(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    lines = [",".join(EXPECTED_COLUMNS)]
    for r in rows:
        cells = {c: "" for c in EXPECTED_COLUMNS}
        cells.update({"target": "Ukraine", "source": "kpszsu/posts/x", **r})
        lines.append(",".join(cells[c] for c in EXPECTED_COLUMNS))
    p = tmp_path / "a.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_window_shahed_count_needs_every_drone_row(tmp_path):
    p = _csv(tmp_path, [
        dict(time_start="2025-08-01 20:00", time_end="2025-08-02 08:00", model="Shahed-136/131",
             launched="100", destroyed="85", is_shahed="55"),
        dict(time_start="2025-08-03 20:00", time_end="2025-08-04 08:00", model="Shahed-136/131",
             launched="80", destroyed="70", is_shahed="50"),
        dict(time_start="2025-08-03 20:00", time_end="2025-08-04 08:00", model="Gerbera",
             launched="20", destroyed="20"),
        dict(time_start="2025-08-03 20:00", time_end="2025-08-04 08:00", model="X-101/X-555",
             launched="10", destroyed="8"),
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = windows(load_attacks(p))
    drone = w[w["group"] == "drone"].set_index("month", append=True)
    assert list(drone["shahed"].iloc[:1]) == [55.0]
    assert np.isnan(drone["shahed"].iloc[1])  # the Gerbera row gives no count
    assert np.isnan(w.loc[w["group"] == "cruise", "shahed"]).all()
    dl = observed_decoy_share(w)
    assert dl[0] == pytest.approx(0.45) and np.isnan(dl[1:]).all()


@pytest.fixture(scope="module")
def drone_table():
    return build_table("drone", runs=4, seed=0, n_nodes=np.array([1, 10, 40]),
                       a_nodes=np.arange(-2.0, 4.01, 2.0), ew_nodes=np.array([0.0, 0.6]),
                       delta_nodes=np.array([0.0, 0.75]))


def _win(shahed: list[float]) -> pd.DataFrame:
    n = len(shahed)
    start = pd.Timestamp("2025-08-01 20:00") + pd.to_timedelta(np.arange(n), unit="D")
    return pd.DataFrame({"window_start": start, "window_end": start + pd.Timedelta(hours=10),
                         "month": "2025-08", "class": "drone", "group": "drone",
                         "launched": 100.0, "destroyed": 80.0, "lost": 10.0, "defeated": 90.0,
                         "lost_reported": True, "shahed": shahed})


def test_likelihood_uses_the_stated_share_and_the_fitted_one_elsewhere(drone_table):
    win = _win([25.0, np.nan])
    gm = GroupModel("drone", win, ["2025-08"], drone_table)
    P = gm.unpack(gm.initial())
    P["delta"][:] = 0.0
    P["ew"], P["share"] = 0.0, 0.2
    d_obs, l_obs = gm.shares(P)
    gm_none = GroupModel("drone", win.assign(shahed=np.nan), ["2025-08"], drone_table)
    d0, l0 = gm_none.shares(P)
    assert d_obs[1] == d0[1] and l_obs[1] == l0[1]  # no count: the fitted share (0 here)
    # 75 % decoys: every decoy that is not shot down is 'locally lost', so more is defeated and lost
    assert d_obs[0] + l_obs[0] > d0[0] + l0[0] and l_obs[0] > l0[0]


@pytest.mark.parametrize("method", ["table", "simulate"])
def test_prediction_simulates_the_stated_composition(drone_table, method):
    k = 4
    post = {"last_month": "2025-07", "share": [0.1] * k, "share_fit": 0.1,
            "groups": {"drone": {"level_last": [-1.0] * k, "tau": [0.01] * k, "sigma": [0.01] * k,
                                 "rho": [0.005] * k, "beta": [0.0] * k, "ew": [0.0] * k,
                                 "v_last": [-6.0] * k}}}  # the walk's decoy share: ~0
    win_all_decoys = _win([25.0] * 6)
    win_unstated = _win([np.nan] * 6)
    kw = dict(runs=30, seed=3, method=method, tables={"drone": drone_table})
    with_decoys = predict_months(post, win_all_decoys, **kw)[("drone", "2025-08")].mean()
    without = predict_months(post, win_unstated, **kw)[("drone", "2025-08")].mean()
    assert with_decoys > without + 30  # 450 of 600 are decoys, all of them defeated


def test_table_round_trip_and_auto_prediction_uses_tables_inside_their_grid(drone_table):
    from schild.calibration.tables import GroupTable

    back = GroupTable.from_dict(drone_table.to_dict())
    n = np.array([1.0, 5.0, 30.0])
    a = np.array([-1.0, 0.5, 2.0])
    for x, y in zip(back.interp(n, a, 0.3, np.array([0.1, 0.4, 0.7])),
                    drone_table.interp(n, a, 0.3, np.array([0.1, 0.4, 0.7]))):
        assert np.allclose(x, y, atol=1e-6)
    k = 4
    post = {"last_month": "2025-07", "share": [0.1] * k, "share_fit": 0.1,
            "groups": {"drone": {"level_last": [0.5] * k, "tau": [0.01] * k, "sigma": [0.01] * k,
                                 "rho": [0.005] * k, "beta": [0.0] * k, "ew": [0.1] * k,
                                 "v_last": [-1.0] * k}}}
    inside = _win([np.nan] * 4)  # 100 launched x share 0.1 = 10 in the oblast: inside the 1..40 grid
    tabs = {"drone": drone_table}
    st_auto: dict = {}
    auto = predict_months(post, inside, runs=20, seed=1, method="auto", tables=tabs, stats=st_auto)
    table = predict_months(post, inside, runs=20, seed=1, method="table", tables=tabs)
    assert st_auto == {"table": 80, "simulate": 0}
    assert np.array_equal(auto[("drone", "2025-08")], table[("drone", "2025-08")])
    big = inside.assign(launched=[100.0, 100.0, 100.0, 1000.0])  # 100 in the oblast: beyond the grid
    st: dict = {}
    predict_months(post, big, runs=20, seed=1, method="auto", tables=tabs, stats=st)
    assert st == {"table": 60, "simulate": 20}
    with pytest.raises(ValueError, match="needs tables"):
        predict_months(post, inside, runs=2, seed=1, method="table", tables={})


def test_explicit_zero_lost_is_not_a_three_way_split(drone_table):
    """From mid-2025 the dataset folds 'locally lost' into destroyed; a 0 there must not read as
    'no drone was lost', which would push EW and decoys to nothing."""
    win = _win([np.nan, np.nan, np.nan]).assign(lost=[10.0, 0.0, 0.0], lost_reported=[True, True, False],
                                                month="2025-08")
    gm = GroupModel("drone", win, ["2025-08"], drone_table)
    assert list(gm.three) == [True, False, False]


def test_stated_decoy_share_is_clipped_to_the_models_range():
    win = _win([5.0, 60.0])  # 95 % and 40 % decoys
    assert list(observed_decoy_share(win)) == [0.75, 0.4]
