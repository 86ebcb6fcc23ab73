"""The calibration recovers parameters from data simulated with known values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from schild.calibration.data import month_range
from schild.calibration.model import KNOT_MONTHS, fit_group
from schild.calibration.sim import run_fractions, template, with_counts, with_params
from schild.calibration.tables import build_table


def _windows(group: str, months: list[str], per_month: int, n_lo: int, n_hi: int, rng) -> pd.DataFrame:
    rows = []
    for m in months:
        for i in range(per_month):
            start = pd.Timestamp(f"{m}-01") + pd.Timedelta(days=3 * i, hours=20)
            rows.append({"window_start": start, "window_end": start + pd.Timedelta(hours=10), "month": m,
                         "class": group, "group": group, "launched": float(rng.integers(n_lo, n_hi + 1))})
    return pd.DataFrame(rows)


def _simulate_outcomes(win: pd.DataFrame, group: str, a: float, share: float, rng, *, ew: float = 0.0,
                       delta: dict[str, float] | None = None) -> pd.DataFrame:
    """Destroyed/lost per window from the simulator itself at the true parameters (binomial noise)."""
    tpl = template(group)
    out = win.copy()
    dd, ll = [], []
    for n, m in zip(win["launched"], win["month"]):
        nreg = max(1, int(round(share * n)))
        dl = (delta or {}).get(m, 0.0)
        nd = int(round(dl * nreg))
        d_, l_, _ = run_fractions(with_params(with_counts(tpl, nreg - nd, nd), tpl, a, ew), 60, int(n) + 7)
        probs = np.clip([d_, l_, 1 - d_ - l_], 0, 1)
        k = rng.multinomial(int(n), probs / probs.sum())
        dd.append(float(k[0]))
        ll.append(float(k[1]))
    out["destroyed"] = dd
    out["lost"] = ll
    out["defeated"] = out["destroyed"] + out["lost"]
    out["lost_reported"] = [bool(delta and m in delta) for m in out["month"]]
    return out


def test_cruise_level_is_recovered():
    rng = np.random.default_rng(11)
    months = month_range("2023-01", "2023-12")
    truth = -0.8
    win = _simulate_outcomes(_windows("cruise", months, 5, 2, 40, rng), "cruise", truth, 0.25, rng)
    table = build_table("cruise", runs=10, seed=0, n_nodes=np.array([1, 2, 4, 10]),
                        a_nodes=np.arange(-3.0, 2.01, 1.0))
    fit = fit_group("cruise", win, months, table, share_fixed=0.25, n_iter=1500, n_draws=100, seed=1)
    d = fit.summary_draws()
    lv = d["level_last"]
    assert abs(lv.mean() - truth) < 0.3, lv.mean()
    assert np.quantile(lv, 0.02) - 0.1 < truth < np.quantile(lv, 0.98) + 0.1
    assert d["rho"].mean() < 0.05  # the data were plain binomial
    sim_rate = win["defeated"].sum() / win["launched"].sum()
    P = fit.model.unpack(fit.theta)
    pd_, pl_ = fit.model.table.interp(np.maximum(1, 0.25 * fit.model.n), P["level"][fit.model.m_idx])
    fitted_rate = float(((pd_ + pl_) * fit.model.n).sum() / fit.model.n.sum())
    assert abs(fitted_rate - sim_rate) < 0.02
    # the in-sample check: per window, the level path alone and with month effects; pooled like the data
    level_only, with_month = fit.model.fitted_windows(fit.theta)
    assert level_only.shape == with_month.shape == (len(win),)
    assert np.all((0 <= level_only) & (level_only <= 1) & (0 <= with_month) & (with_month <= 1))
    assert float((level_only * fit.model.n).sum() / fit.model.n.sum()) == pytest.approx(fitted_rate, abs=1e-9)
    # data with no month effects: the month effects' posterior means stay close to the level path
    assert np.max(np.abs(with_month - level_only)) < 0.05


@pytest.mark.parametrize("knot_months", [KNOT_MONTHS, 1])
def test_drone_kill_level_ew_and_decoys_are_recovered(knot_months):
    """With a knot every month (more freedom for the level path) as with the default spacing, the level
    must not take over the EW effect or the decoy share."""
    rng = np.random.default_rng(5)
    months = month_range("2024-05", "2024-12")
    truth = {"a": 1.0, "ew": 0.25, "share": 0.3, "delta": 0.5}
    delta = {m: truth["delta"] for m in months if m >= "2024-09"}
    win = _simulate_outcomes(_windows("drone", months, 6, 3, 30, rng), "drone", truth["a"], truth["share"], rng,
                             ew=truth["ew"], delta=delta)
    table = build_table("drone", runs=6, seed=0, n_nodes=np.array([1, 3, 9]),
                        a_nodes=np.arange(-1.0, 3.01, 1.0), ew_nodes=np.array([0.0, 0.3, 0.6]),
                        delta_nodes=np.array([0.0, 0.5, 0.75]))
    fit = fit_group("drone", win, months, table, knot_months=knot_months, n_iter=1500, n_draws=100, seed=2)
    if knot_months == 1:
        assert fit.model.J == len(months)
    d = fit.summary_draws()
    assert abs(d["level_last"].mean() - truth["a"]) < 0.5, d["level_last"].mean()
    assert abs(d["ew"].mean() - truth["ew"]) < 0.1, d["ew"].mean()
    P = fit.model.unpack(fit.theta)
    # the truth is one share over the months it is reported: the fitted path's mean over them estimates it
    reported = np.array([m >= "2024-09" for m in months])
    assert abs(P["delta"][reported].mean() - truth["delta"]) < 0.15, P["delta"]
    rate = win["defeated"].sum() / win["launched"].sum()
    pd_, pl_ = fit.model.shares(P)
    fitted = float(((pd_ + pl_) * fit.model.n).sum() / fit.model.n.sum())
    assert abs(fitted - rate) < 0.02


def test_drone_size_effect_is_recovered_and_moves_predictions():
    """Windows whose kill level falls with raid size: the size covariate finds beta < 0, and a
    prediction for bigger windows comes out lower."""
    import math

    from schild.calibration.model import SIZE_REF
    from schild.calibration.pipeline import posterior_block
    from schild.calibration.predict import predict_months

    rng = np.random.default_rng(3)
    months = month_range("2023-01", "2023-12")
    table = build_table("drone", runs=6, seed=0, n_nodes=np.array([1, 4, 16, 64]),
                        a_nodes=np.arange(-2.0, 4.01, 1.0), ew_nodes=np.array([0.0, 0.3]),
                        delta_nodes=np.array([0.0, 0.75]))
    win = _windows("drone", months, 8, 4, 300, rng)
    share, truth = 0.2, -0.5
    a_w = 1.0 + truth * (np.log(win["launched"].to_numpy()) - SIZE_REF)
    d_, l_ = table.interp(np.maximum(1.0, share * win["launched"].to_numpy()), a_w, 0.0)
    win["defeated"] = rng.binomial(win["launched"].astype(int), np.clip(d_ + l_, 0, 1)).astype(float)
    win["destroyed"], win["lost"], win["lost_reported"] = win["defeated"], 0.0, False
    fit = fit_group("drone", win, months, table, size_effect=True, n_iter=1500, n_draws=100, seed=4)
    b = fit.summary_draws()["beta"]
    assert abs(b.mean() - truth) < 0.2, b.mean()
    post = posterior_block({"drone": fit}, months[-1], 100, 0)
    ahead = pd.DataFrame({"window_start": [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-02-05")],
                          "month": ["2024-01", "2024-02"], "group": "drone", "launched": [20.0, 250.0]})
    pred = predict_months(post, ahead, runs=200, seed=0, method="table", tables={"drone": table})
    r_small = pred[("drone", "2024-01")].mean() / 20.0
    r_big = pred[("drone", "2024-02")].mean() / 250.0
    assert r_big < r_small - 0.02, (r_small, r_big)
    assert math.isfinite(r_big)


def test_missile_size_effect_is_recovered_and_stored_for_prediction():
    """Ballistic salvos defeated more often the bigger they are (big salvos go for the defended capital,
    single missiles for frontline cities): the per-group covariate finds beta > 0 around the missile
    reference (a 2-missile salvo), the pooled rate of the training windows is reproduced, and prediction
    uses the reference the fit used."""
    import math

    from schild.calibration.model import MISSILE_SIZE_REF, size_ref
    from schild.calibration.pipeline import posterior_block
    from schild.calibration.predict import predict_months

    assert size_ref("ballistic") == MISSILE_SIZE_REF == math.log(2.0)
    rng = np.random.default_rng(5)
    months = month_range("2023-01", "2023-12")
    table = build_table("ballistic", runs=8, seed=0, n_nodes=np.array([1, 2, 4, 8, 16]),
                        a_nodes=np.arange(-5.0, 2.01, 1.0))
    win = _windows("ballistic", months, 10, 1, 16, rng)
    share, truth = 0.6, 0.8
    a_w = -2.0 + truth * (np.log(win["launched"].to_numpy()) - MISSILE_SIZE_REF)
    d_, l_ = table.interp(np.maximum(1.0, share * win["launched"].to_numpy()), a_w, 0.0)
    win["defeated"] = rng.binomial(win["launched"].astype(int), np.clip(d_ + l_, 0, 1)).astype(float)
    win["destroyed"], win["lost"], win["lost_reported"] = win["defeated"], 0.0, False
    fit = fit_group("ballistic", win, months, table, share_fixed=share, size_effect=True, n_iter=1500,
                    n_draws=100, seed=4)
    b = fit.summary_draws()["beta"]
    assert abs(b.mean() - truth) < 0.3, b.mean()
    P = fit.model.unpack(fit.theta)
    pd_, pl_ = fit.model.shares(P)
    rate = win["defeated"].sum() / win["launched"].sum()
    assert abs(float(((pd_ + pl_) * fit.model.n).sum() / fit.model.n.sum()) - rate) < 0.03
    post = posterior_block({"ballistic": fit}, months[-1], 100, 0)
    assert post["groups"]["ballistic"]["size_ref"] == MISSILE_SIZE_REF
    ahead = pd.DataFrame({"window_start": [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-02-05")],
                          "month": ["2024-01", "2024-02"], "group": "ballistic", "launched": [1.0, 12.0]})
    pred = predict_months(post, ahead, runs=300, seed=0, method="table", tables={"ballistic": table})
    r_single = pred[("ballistic", "2024-01")].mean() / 1.0
    r_salvo = pred[("ballistic", "2024-02")].mean() / 12.0
    assert r_salvo > r_single + 0.1, (r_single, r_salvo)


def test_missile_groups_without_a_drone_fit_are_predicted_at_the_share_they_were_fitted_at():
    """Regression: with no drone fit, missile groups were fitted at the share's prior centre but predicted
    with draws from the share's prior; prediction must use the share of the fit."""
    from schild.calibration.model import PRIORS
    from schild.calibration.pipeline import posterior_block

    rng = np.random.default_rng(2)
    months = month_range("2023-01", "2023-06")
    table = build_table("ballistic", runs=4, seed=0, n_nodes=np.array([1, 4, 16]),
                        a_nodes=np.arange(-4.0, 1.01, 1.0))
    win = _windows("ballistic", months, 4, 1, 8, rng)
    win["defeated"] = np.floor(0.2 * win["launched"])
    win["destroyed"], win["lost"], win["lost_reported"] = win["defeated"], 0.0, False
    fit = fit_group("ballistic", win, months, table, n_iter=200, n_draws=50, seed=1)
    post = posterior_block({"ballistic": fit}, months[-1], 50, 0)
    assert post["share_fit"] == PRIORS["share"][2] == fit.model.unpack(fit.theta)["share"]
