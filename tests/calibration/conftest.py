"""Small design grids and short chains so the calibration tests run in seconds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

HERE = Path(__file__).resolve().parent
TINY_CSV = HERE / "attacks_tiny.csv"


def _shrink(monkeypatch) -> None:
    from schild.calibration import pipeline as cal
    from schild.calibration import tables

    monkeypatch.setattr(tables, "N_NODES", np.array([1, 3, 8, 20, 50], dtype=np.int64))
    monkeypatch.setattr(tables, "A_NODES_DRONE", np.arange(-2.0, 4.01, 2.0))
    monkeypatch.setattr(tables, "A_NODES_MISSILE", np.arange(-6.0, 3.01, 3.0))
    monkeypatch.setattr(tables, "EW_NODES", np.array([0.0, 0.3, 0.6]))
    monkeypatch.setattr(tables, "DELTA_NODES", np.array([0.0, 0.75]))
    monkeypatch.setattr(cal, "MCMC_ITER", 1200)
    monkeypatch.setattr(cal, "MCMC_DRAWS", 60)


@pytest.fixture
def small_grid(monkeypatch):
    """Coarse simulator grids and a short Metropolis chain (module constants read at call time)."""
    _shrink(monkeypatch)


@pytest.fixture(scope="module")
def small_grid_module():
    with pytest.MonkeyPatch.context() as mp:
        _shrink(mp)
        yield


@pytest.fixture
def tiny_csv() -> Path:
    return TINY_CSV


@pytest.fixture(scope="session")
def cruise_table():
    """A coarse cruise table (the level-path tests need the simulator's shape, not its precision)."""
    from schild.calibration.tables import build_table

    return build_table("cruise", runs=8, seed=0, n_nodes=np.array([1, 3, 10, 40]),
                       a_nodes=np.arange(-3.0, 3.01, 1.0))


def _cruise_windows(months: list[str], rng, per_month: int = 4) -> pd.DataFrame:
    rows = []
    for m in months:
        for i in range(per_month):
            start = pd.Timestamp(f"{m}-01") + pd.Timedelta(days=5 * i, hours=22)
            rows.append({"window_start": start, "month": m, "class": "cruise", "group": "cruise",
                         "launched": float(rng.integers(5, 40)), "lost_reported": False})
    return pd.DataFrame(rows)


@pytest.fixture
def cruise_windows():
    """Builder of cruise attack windows, ``per_month`` a month with 5..39 launches each (no outcomes)."""
    return _cruise_windows
