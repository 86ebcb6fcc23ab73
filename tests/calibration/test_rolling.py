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


def test_parse_origins_expands_month_ranges_to_month_ends():
    from schild.calibration.rolling import parse_origins

    got = parse_origins("2023-11..2024-02, 2024-06-30")
    assert got == ["2023-11-30", "2023-12-31", "2024-01-31", "2024-02-29", "2024-06-30"]
    assert len(parse_origins("2023-03..2024-12")) == 22
    assert parse_origins("2024-06") == ["2024-06-30"]


def test_parse_origins_names_the_bad_part():
    import pytest

    from schild.calibration.rolling import parse_origins

    for bad in ("2024-13-01", "2024-06..2024-01", "june", ""):
        with pytest.raises(ValueError, match="origin|no origins"):
            parse_origins(bad)
