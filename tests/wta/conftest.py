"""Compile (or load) the WTA kernels once before the WTA tests, so that no test's time limit pays for
compilation on a fresh install (a heuristic cut short by it would return a different answer)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _wta_kernels_ready():
    from schild.wta.solve import warm_up

    warm_up("exact")
