"""Rolling-origin checks run on a small file and score both structures beside the naive forecast."""

from __future__ import annotations

from schild.calibration.data import load
from schild.calibration.rolling import STRUCTURES, rolling_origin


def test_rolling_origin_scores_structures(small_grid, tiny_csv):
    df = load(tiny_csv)
    out = rolling_origin(df, ["2024-05-31"], horizon=2, runs=20, table_runs=4, n_iter=600)
    assert set(out["structure"]) == set(STRUCTURES)
    assert {"drone", "cruise"} <= set(out["class"])
    assert (out["n_months"] <= 2).all() and (out["origin"] == "2024-05").all()
    assert out[["mae_pp", "naive_mae_pp"]].notna().all().all()
    assert out["coverage_90"].between(0, 1).all()


def test_rolling_origin_reloads_the_file_up_to_each_origin(small_grid, tiny_csv):
    """Training windows come from the file cut at the origin (as `schild calibrate --until` reads it), so
    lumped rows near an origin are not split with shares of later rows."""
    import pandas as pd

    df = load(tiny_csv)
    calls = []

    def load_until(t):
        calls.append(t)
        return load(tiny_csv, until=t)

    out = rolling_origin(df, ["2024-04-30", "2024-05-31"], horizon=1, runs=10, table_runs=4, n_iter=300,
                         structures={"drift+size": {"size_effect": ("drone",)}}, load_until=load_until)
    assert calls == [pd.Timestamp("2024-04-30"), pd.Timestamp("2024-05-31")]
    assert set(out["origin"]) <= {"2024-04", "2024-05"} and len(out) > 0
