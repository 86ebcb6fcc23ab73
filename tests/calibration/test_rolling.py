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


def test_paired_against_an_earlier_baseline_run():
    """Pairs by class, origin and seed; refuses a baseline that lacks an origin instead of comparing on
    fewer."""
    import pandas as pd
    import pytest

    from schild.calibration.rolling import paired_against

    def scores(structure, maes, covs, seed=0, origins=("2024-01", "2024-02")):
        return pd.DataFrame({"origin": list(origins), "structure": structure, "class": "drone", "seed": seed,
                             "mae_pp": maes, "coverage_90": covs, "n_months": [6, 3]})

    base = pd.concat([scores("default", [4.0, 6.0], [1.0, 0.0]), scores("other", [9.0, 9.0], [1, 1]),
                      scores("default", [1.0, 1.0], [1, 1], seed=1)])
    new = scores("t", [3.0, 6.0], [0.5, 1.0])
    r = paired_against(new, base).iloc[0]
    assert (r["structure"], r["seed"], r["origins"]) == ("t", 0, 2)
    assert r["mae_pp"] == 4.5 and r["base_mae_pp"] == 5.0 and r["difference_pp"] == -0.5
    assert r["coverage_90"] == pytest.approx(6 / 9) and r["base_coverage_90"] == pytest.approx(6 / 9)
    with pytest.raises(ValueError, match="2024-03"):
        paired_against(scores("t", [3.0, 6.0], [1, 1], origins=("2024-01", "2024-03")), base)
    with pytest.raises(ValueError, match="structure 'nope'"):
        paired_against(new, base, "nope")
