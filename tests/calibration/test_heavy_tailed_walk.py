"""Student-t increments of the level walk (an option checked on rolling origins): the prior is the t
density, the forecast draws its steps from the same t, and the fitted block says which walk it used."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from schild.calibration.data import month_range
from schild.calibration.model import GroupModel, _norm_lp, _t_lp, fit_group
from schild.calibration.pipeline import posterior_block
from schild.calibration.predict import predict_months


def _windows(build, months: list[str], rng) -> pd.DataFrame:
    win = build(months, rng)
    win["defeated"] = np.floor(0.7 * win["launched"])
    win["destroyed"], win["lost"] = win["defeated"], 0.0
    return win


def test_t_density_is_scipys():
    x = np.array([-7.5, -1.0, 0.0, 0.3, 4.0])
    for df in (1.0, 3.0, 30.0):
        np.testing.assert_allclose(_t_lp(x, df), stats.t.logpdf(x, df), rtol=1e-12)


def test_prior_changes_only_in_the_increments(cruise_table, cruise_windows):
    rng = np.random.default_rng(1)
    months = month_range("2023-01", "2024-06")
    win = _windows(cruise_windows, months, rng)
    gauss = GroupModel("cruise", win, months, cruise_table, share_fixed=0.25)
    heavy = GroupModel("cruise", win, months, cruise_table, share_fixed=0.25, increments_df=3.0)
    th = gauss.initial()
    z = rng.standard_normal(gauss.J - 1) * 2.0
    th[1:gauss.J] = z
    diff = heavy.logprior(th) - gauss.logprior(th)
    assert diff == pytest.approx(float(np.sum(_t_lp(z, 3.0)) - np.sum(_norm_lp(z, 0.0, 1.0))), rel=1e-12)
    # a large jump costs far less under the t prior
    th[gauss.J - 1] = 6.0
    assert heavy.logprior(th) - gauss.logprior(th) > diff + 10.0
    assert heavy.loglik(th) == gauss.loglik(th)


def _post(df: float | None, n: int = 50) -> dict:
    g = {"level_last": [0.0] * n, "tau": [0.6] * n, "sigma": [0.005] * n, "rho": [0.001] * n}
    if df is not None:
        g["increments_df"] = df
    return {"last_month": "2024-06", "share": [0.25] * n, "share_fit": 0.25, "groups": {"cruise": g}}


def test_forecast_steps_follow_the_fitted_walk(cruise_table):
    """A Cauchy walk (df 1) spreads the forecast far wider than the Gaussian walk of the same tau; a t
    with very many degrees of freedom is the Gaussian walk (the same mean and spread within noise)."""
    ahead = pd.DataFrame({"window_start": [pd.Timestamp("2024-09-10")], "month": ["2024-09"],
                          "group": "cruise", "launched": [400.0]})
    kw = dict(runs=400, seed=0, method="table", tables={"cruise": cruise_table})

    def draws(df):
        return predict_months(_post(df), ahead, **kw)[("cruise", "2024-09")] / 400.0

    g, c, big = draws(None), draws(1.0), draws(1e6)
    width = lambda x: np.quantile(x, 0.95) - np.quantile(x, 0.05)  # noqa: E731
    assert width(c) > 1.3 * width(g), (width(c), width(g))
    assert abs(big.mean() - g.mean()) < 0.03
    assert width(big) == pytest.approx(width(g), rel=0.25)


def test_fit_records_its_walk(cruise_table, cruise_windows):
    rng = np.random.default_rng(2)
    months = month_range("2023-07", "2024-06")
    win = _windows(cruise_windows, months, rng)
    fit = fit_group("cruise", win, months, cruise_table, share_fixed=0.25, increments_df=3.0, n_iter=400,
                    n_draws=20, seed=0)
    assert fit.model.increments_df == 3.0
    post = posterior_block({"cruise": fit}, months[-1], 20, 0)
    assert post["groups"]["cruise"]["increments_df"] == 3.0
    plain = fit_group("cruise", win, months, cruise_table, share_fixed=0.25, n_iter=400, n_draws=20, seed=0)
    assert "increments_df" not in posterior_block({"cruise": plain}, months[-1], 20, 0)["groups"]["cruise"]
