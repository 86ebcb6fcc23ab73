import numpy as np
import pytest

from schild.wta import WTAProblem, WTASolution


def _p():
    return WTAProblem(units=[1, 2], values=[10.0, 5.0, 1.0],
                      p=[[0.5, 0.2, 0.1], [0.3, 0.9, 0.0]])


def test_objective_by_hand():
    prob = _p()
    x = np.array([[1, 0, 0], [1, 1, 0]])
    expected = 10 * 0.5 * 0.7 + 5 * 0.1 + 1
    assert prob.objective(x) == pytest.approx(expected, rel=1e-15)
    assert prob.objective(np.zeros((2, 3), int)) == pytest.approx(16.0)


def test_objective_with_costs():
    prob = WTAProblem(units=[2], values=[4.0], p=[[0.5]], costs_usd_per_unit=[100.0],
                      cost_weight=0.01)
    assert prob.objective(np.array([[2]])) == pytest.approx(4 * 0.25 + 2.0)


def test_kill_probability_one():
    prob = WTAProblem(units=[2], values=[4.0], p=[[1.0]])
    assert prob.objective(np.array([[0]])) == 4.0
    assert prob.objective(np.array([[2]])) == 0.0


@pytest.mark.parametrize("kwargs, match", [
    (dict(units=[1], values=[1.0], p=[[1.5]]), "outside"),
    (dict(units=[1], values=[1.0], p=[[-0.1]]), "outside"),
    (dict(units=[-1], values=[1.0], p=[[0.5]]), "negative"),
    (dict(units=[1], values=[-1.0], p=[[0.5]]), "negative"),
    (dict(units=[1, 1], values=[1.0], p=[[0.5]]), "shape"),
    (dict(units=[1], values=[1.0, 2.0], p=[[0.5]]), "shape"),
    (dict(units=[1], values=[1.0], p=[0.5]), "2-D"),
    (dict(units=[1.5], values=[1.0], p=[[0.5]]), "integer"),
    (dict(units=[1], values=[1.0], p=[[0.5]], mask=[[True, False]]), "mask"),
    (dict(units=[1], values=[1.0], p=[[0.5]], target_caps=[-1]), "caps"),
    (dict(units=[1], values=[np.nan], p=[[0.5]]), "NaN"),
])
def test_validation_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WTAProblem(**kwargs)


def test_frozen_and_readonly():
    prob = _p()
    with pytest.raises(Exception):
        prob.units = np.array([3, 3])
    with pytest.raises(ValueError):
        prob.p[0, 0] = 0.1


def test_is_feasible():
    prob = WTAProblem(units=[1, 2], values=[1.0, 1.0], p=[[0.5, 0.5], [0.5, 0.5]],
                      mask=[[True, False], [True, True]], target_caps=[2, 1])
    assert prob.is_feasible(np.array([[1, 0], [1, 1]]))
    assert not prob.is_feasible(np.array([[0, 1], [0, 0]]))  # mask
    assert not prob.is_feasible(np.array([[1, 0], [2, 0]]))  # cap on target 0... and units ok
    assert not prob.is_feasible(np.array([[0, 0], [0, 2]]))  # cap on target 1
    assert not prob.is_feasible(np.array([[2, 0], [0, 0]]))  # units
    assert not prob.is_feasible(np.array([[-1, 0], [0, 0]]))
    assert not prob.is_feasible(np.array([[0.5, 0], [0, 0]]))
    assert not prob.is_feasible(np.zeros((3, 2)))


def test_assignment_triples():
    sol = WTASolution(x=np.array([[0, 2], [1, 0]]), objective=1.0, lower_bound=0.5, gap=0.5,
                      proven_optimal=False, time_s=0.0, method="heuristic")
    assert sol.assignment_triples() == [[0, 1, 2], [1, 0, 1]]
