"""The scenario family, fast members on a compiled template, and the table interpolation."""

from __future__ import annotations

import numpy as np
import pytest

from schild import scenario_from_dict, simulate
from schild.calibration.family import SIM_GROUPS, compile_member, group_of, member_dict
from schild.calibration.sim import run_fractions, shift_logit, template, with_counts, with_params
from schild.calibration.tables import build_table, pchip_rows


def _same(r1, r2) -> bool:
    keys = ("launched", "killed", "ew_defeated", "leaked", "shots_per_fire_unit", "kills_per_fire_unit")
    return all(np.array_equal(getattr(r1.arrays, k), getattr(r2.arrays, k)) for k in keys)


@pytest.mark.parametrize("group,n,decoys", [("drone", 9, 5), ("cruise", 5, 0), ("ballistic_frontline", 3, 0)])
def test_with_counts_simulates_like_a_fresh_compile(group, n, decoys):
    tpl = template(group)
    fast = with_counts(tpl, n, decoys)
    fresh = compile_member(group, n, decoys)
    assert fast.n_threats == fresh.n_threats == n + decoys
    assert _same(simulate(fast, runs=12, seed=3, workers=1), simulate(fresh, runs=12, seed=3, workers=1))


def test_members_are_valid_scenarios_and_classes_map():
    for g in SIM_GROUPS:
        spec = scenario_from_dict(member_dict(g, 4, 2 if g == "drone" else 0))
        assert sum(r.count for r in spec.scenario.raids) == (6 if g == "drone" else 4)
    assert group_of("ballistic", "s300_ground_attack") == "ballistic_frontline"
    assert group_of("ballistic", "iskander_m") == "ballistic"
    assert group_of("drone", "shahed_136") == "drone"
    assert group_of("tactical_uav", "orlan_10") is None
    # Short-range cruise missiles are their own group (launched closer, defeated less often).
    assert group_of("cruise", "kh_59") == group_of("cruise", "iskander_k") == "cruise_tactical"
    assert group_of("cruise", "kh_101") == group_of("cruise", "kalibr") == "cruise"
    assert SIM_GROUPS["cruise_tactical"][0] == "cruise"


def test_pk_shift_and_ew_move_the_outcome_the_right_way():
    p = np.array([0.0, 0.25, 0.85, 1.0])
    assert np.allclose(shift_logit(p, 0.0), p)
    assert shift_logit(p, 1.0)[0] == 0.0 and shift_logit(p, 1.0)[3] == 1.0
    assert np.all(np.diff([shift_logit(np.array([0.5]), a)[0] for a in (-1.0, 0.0, 1.0)]) > 0)
    tpl = template("drone")
    w = with_counts(tpl, 6, 2)
    lo = run_fractions(with_params(w, tpl, -2.0, 0.0), 20, 1)
    hi = run_fractions(with_params(w, tpl, 2.0, 0.0), 20, 1)
    ew = run_fractions(with_params(w, tpl, -2.0, 0.5), 20, 1)
    assert hi[0] > lo[0] + 0.3  # shot down
    assert ew[1] > lo[1] + 0.2  # locally lost (EW) grows with the EW probability
    assert lo[1] > 0  # unengaged decoys are reported lost


def test_pchip_is_exact_at_nodes_and_monotone():
    nodes = np.arange(-3.0, 3.01, 1.0)
    V = np.vstack([1 / (1 + np.exp(-nodes)), np.minimum(1, np.maximum(0, 0.2 * nodes + 0.5))])
    at = pchip_rows(V, nodes, np.tile(nodes, (2, 1)))
    assert np.allclose(at, V)
    x = np.linspace(-3, 3, 121)
    y = pchip_rows(np.repeat(V, len(x), axis=0)[::2][: len(x)], nodes, x)
    assert np.all(np.diff(y) >= -1e-12)


def test_table_is_monotone_in_kill_level():
    t = build_table("cruise", runs=8, seed=0, n_nodes=np.array([1, 4]), a_nodes=np.array([-4.0, -1.0, 2.0]))
    defeated = t.destroyed + t.lost
    assert np.all(np.diff(defeated, axis=1) > 0)
    d, l_ = t.interp(np.array([2.0, 2.0]), np.array([-1.0, 0.5]))
    assert d[1] > d[0] and np.all(l_ == 0)
