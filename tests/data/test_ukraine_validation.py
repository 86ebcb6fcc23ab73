"""Naive yardstick, scoring and the validation report, on hand-computed examples."""

from __future__ import annotations

import base64
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from schild.data.ukraine import naive_forecast as naive_from_ukraine
from schild.data.validation import ROW_COLUMNS, naive_forecast, overdispersion, score
from schild.report.validation import write_validation_report


def _monthly(rows):
    df = pd.DataFrame(rows, columns=["class", "month", "launched_rated", "defeated"])
    df["launched"] = df["launched_rated"]
    df["defeat_rate"] = df["defeated"] / df["launched_rated"]
    return df


@pytest.fixture
def monthly():
    rows = [("drone", "2024-06", 100, 10)]  # outside the six-month window: must not count
    rows += [("drone", f"2024-{m:02d}", 100, d) for m, d in zip(range(7, 13), (80, 90, 80, 90, 80, 90))]
    rows += [("drone", "2025-01", 200, 150), ("drone", "2025-02", 50, 49), ("drone", "2025-03", 10, 9)]
    rows += [("ballistic", f"2024-{m:02d}", 10, 5) for m in range(7, 13)]
    rows += [("ballistic", "2025-01", 20, 4)]
    return _monthly(rows)


def test_naive_mean_is_last_six_months_rate(monthly):
    f = naive_forecast(monthly, "2024-12-31", months=6)
    assert list(f.columns[: len(ROW_COLUMNS)]) == list(ROW_COLUMNS)
    d = f[f["class"] == "drone"].set_index("month")
    p = 510 / 600
    assert d["predicted_rate"].unique().tolist() == pytest.approx([p])
    assert d.loc["2025-01", "predicted_defeated_mean"] == pytest.approx(200 * p)
    assert d.loc["2025-02", "predicted_defeated_mean"] == pytest.approx(50 * p)
    assert d.loc["2025-01", "observed_defeated"] == 150 and d.loc["2025-01", "observed_launched"] == 200
    assert naive_forecast(monthly, "2024-12", horizon=2)["month"].tolist().count("2025-03") == 0


def test_naive_interval_binomial_when_no_extra_scatter(monthly):
    f = naive_forecast(monthly, "2024-12-31").set_index(["class", "month"])
    r = f.loc[("ballistic", "2025-01")]  # every fit month at exactly 50%: rho = 0, plain binomial
    assert r["rho"] == 0
    assert r["predicted_defeated_mean"] == pytest.approx(10)
    assert r["predicted_defeated_p05"] == stats.binom(20, 0.5).ppf(0.05)
    assert r["predicted_defeated_p95"] == stats.binom(20, 0.5).ppf(0.95)


def test_naive_interval_beta_binomial(monthly):
    # rates 0.8/0.9 alternating, n = 100: S = 6 * 100 * 0.05**2 = 1.5, p(1-p) = 0.1275,
    # rho = (1.5 / 0.1275 - 5) / (6 * 99)
    p = 0.85
    rho = (1.5 / (p * (1 - p)) - 5) / 594
    assert overdispersion(np.full(6, 100), np.array([80, 90, 80, 90, 80, 90])) == pytest.approx((p, rho))
    ab = (1 - rho) / rho
    dist = stats.betabinom(200, p * ab, (1 - p) * ab)
    r = naive_forecast(monthly, "2024-12-31").set_index(["class", "month"]).loc[("drone", "2025-01")]
    assert r["predicted_defeated_p05"] == dist.ppf(0.05)
    assert r["predicted_defeated_p95"] == dist.ppf(0.95)
    assert r["predicted_defeated_p05"] < 170 < r["predicted_defeated_p95"]


def test_naive_reexported_and_validates(monthly):
    assert naive_from_ukraine is naive_forecast
    with pytest.raises(ValueError):
        naive_forecast(monthly, "2024-12-31", months=0)
    with pytest.raises(ValueError, match="defeated"):
        naive_forecast(monthly.drop(columns="defeated"), "2024-12")


def test_naive_without_fit_data_gives_nan():
    m = _monthly([("cruise", "2025-01", 10, 8)])
    f = naive_forecast(m, "2024-12-31")
    assert len(f) == 1 and math.isnan(f["predicted_defeated_mean"].item())


ROWS = [
    # rate error 10 pp, inside the interval
    dict(zip(ROW_COLUMNS, ("drone", "2025-01", 100, 80, 70, 60, 85))),
    # rate error 10 pp (40/50 vs 45/50), outside the interval
    dict(zip(ROW_COLUMNS, ("drone", "2025-02", 50, 45, 40, 30, 44))),
    # rate error 25 pp, on the interval's edge (inclusive)
    dict(zip(ROW_COLUMNS, ("cruise", "2025-01", 20, 10, 15, 10, 18))),
    # no launches: skipped
    dict(zip(ROW_COLUMNS, ("cruise", "2025-02", 0, 0, 0, 0, 0))),
]


def test_score_hand_computed():
    s = score(ROWS).set_index("class")
    assert s.loc["drone", "n_months"] == 2
    assert s.loc["drone", "coverage_90"] == 0.5
    assert s.loc["drone", "mae_pp"] == pytest.approx(10.0)
    assert s.loc["drone", "bias_pp"] == pytest.approx(-10.0)
    assert s.loc["cruise", "n_months"] == 1 and s.loc["cruise", "coverage_90"] == 1.0
    assert s.loc["cruise", "mae_pp"] == pytest.approx(25.0)
    assert s.loc["all", "n_months"] == 3
    assert s.loc["all", "mae_pp"] == pytest.approx(15.0)
    assert s.loc["all", "coverage_90"] == pytest.approx(2 / 3)
    assert list(s.index)[-1] == "all"


def test_score_floor_is_the_scatter_around_the_median():
    """Rates 80, 90, 95 %: the best constant is the median, 90 %, with MAE (10 + 0 + 5) / 3 = 5 pp; a
    forecast exactly at that constant scores the floor."""
    rows = [dict(zip(ROW_COLUMNS, ("drone", m, 100, k, 90, 80, 99))) for m, k in
            (("2025-01", 80), ("2025-02", 90), ("2025-03", 95))]
    rows.append(dict(zip(ROW_COLUMNS, ("cruise", "2025-01", 10, 4, 5, 2, 8))))
    s = score(rows).set_index("class")
    assert s.loc["drone", "floor_mae_pp"] == pytest.approx(5.0)
    assert s.loc["drone", "mae_pp"] == pytest.approx(5.0)
    assert s.loc["cruise", "floor_mae_pp"] == 0.0  # one month: its own rate
    assert s.loc["all", "floor_mae_pp"] == pytest.approx(15.0 / 4)


def test_score_rejects_incomplete_rows():
    with pytest.raises(ValueError, match="predicted_defeated_p95"):
        score([{k: v for k, v in ROWS[0].items() if k != "predicted_defeated_p95"}])


def test_naive_scores_zero_on_constant_rates(monthly):
    m = _monthly([("a", f"2024-{k:02d}", 40, 30) for k in range(1, 13)])
    s = score(naive_forecast(m, "2024-06")).set_index("class")
    assert s.loc["a", "mae_pp"] == pytest.approx(0.0) and s.loc["a", "coverage_90"] == 1.0


def test_report_writes_png_and_html(tmp_path, monthly):
    naive = naive_forecast(monthly, "2024-12-31")
    ours = pd.DataFrame(ROWS[:3])
    summary = score(ours)
    paths = write_validation_report(ours, summary, tmp_path / "rep", "2024-12-31", naive=naive,
                                    history=monthly)
    png, html_path = paths
    assert png.exists() and html_path.exists()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = html_path.read_text(encoding="utf-8")
    assert "data:image/png;base64," in page
    b64 = page.split("data:image/png;base64,")[1].split('"')[0]
    assert base64.b64decode(b64) == png.read_bytes()
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "naive_mae_pp" in page and "mae_pp" in page and "coverage_90" in page
    assert "25.00" in page  # cruise MAE of our rows
    assert "Petro Ivaniuk" in page and "2024-12-31" in page


def test_report_without_naive(tmp_path):
    paths = write_validation_report(ROWS[:2], {"drone": {"mae_pp": 10.0, "coverage_90": 0.5}},
                                    tmp_path, "2024-12")
    assert paths.png.exists() and "10.00" in paths.html.read_text(encoding="utf-8")
