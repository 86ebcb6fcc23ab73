"""Run members of the scenario family fast: one compiled template per group, counts and probabilities
swapped on the compiled arrays.

``compile_world`` spends its time on geometry (paths, detection, intercept tables), which depends on the
raid *lines* (launch area -> target), not on how many threats fly each line. :func:`with_counts`
rebuilds only the per-threat arrays of a compiled template for new counts, exactly as
:func:`schild.compile.compile_world` lays them out (``tests/calibration`` checks that the result
simulates identically to a fresh compile). :func:`with_params` shifts kill probabilities and sets the
EW defeat probability with :meth:`World.with_arrays`. So the calibration evaluates thousands of
(raid size, decoy share, kill level, EW) combinations on the simulator itself without recompiling.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..compile import CLASS_INDEX, World
from ..scenario.catalog_models import THREAT_CLASSES
from .family import _LAUNCH, DRONE_TARGETS, GROUP_TYPE, MISSILE_TARGETS, SIM_GROUPS, compile_member

__all__ = ["Template", "template", "with_counts", "with_params", "run_fractions", "shift_logit"]

DRONE_C = CLASS_INDEX["drone"]
DECOY_C = CLASS_INDEX["decoy"]


def _lines(group: str) -> int:
    targets = DRONE_TARGETS if group == "drone" else MISSILE_TARGETS
    return len(_LAUNCH[GROUP_TYPE[group]]) * len(targets)


@dataclass(frozen=True)
class Template:
    """A compiled member with one threat on every line (and one decoy on every line for drones)."""

    group: str
    world: World
    lines: int
    has_decoys: bool
    cls: int  # engine class index of the group's threats
    typ: int  # index of the group's threat type (its column of ``pk``)

    @property
    def pk0(self) -> np.ndarray:
        return self.world.arrays.pk


@lru_cache(maxsize=None)
def template(group: str) -> Template:
    """The compiled template of a group (cached per process)."""
    if group not in SIM_GROUPS:
        raise ValueError(f"unknown group {group!r}")
    L = _lines(group)
    drone = group == "drone"
    world = compile_member(group, L, decoys=L if drone else 0)
    cls, typ = int(world.arrays.thr_class[0]), int(world.arrays.thr_type[0])
    return Template(group=group, world=world, lines=L, has_decoys=drone, cls=cls, typ=typ)


def _split(n: int, k: int) -> list[int]:
    base, rest = divmod(int(n), k)
    return [base + (1 if i < rest else 0) for i in range(k)]


def with_counts(tpl: Template, n: int, decoys: int = 0) -> World:
    """The template with ``n`` threats (and ``decoys`` decoys) spread over its lines, round robin."""
    counts = _split(max(int(n), 0), tpl.lines)
    if tpl.has_decoys:
        counts += _split(max(int(decoys), 0), tpl.lines)
    elif decoys:
        raise ValueError(f"group {tpl.group!r} has no decoy lines")
    if len(counts) != len(tpl.world.spec.scenario.raids):
        raise AssertionError("template raid layout changed")
    return tpl.world.with_counts(counts)


def shift_logit(p: np.ndarray | float, a: np.ndarray | float) -> np.ndarray:
    """``expit(logit(p) + a)``, keeping 0 and 1 where they are (``p`` and ``a`` broadcast)."""
    p, a = np.broadcast_arrays(np.asarray(p, float), np.asarray(a, float))
    out = p.copy()
    inner = (p > 0) & (p < 1)
    x = np.log(p[inner] / (1 - p[inner])) + a[inner]
    out[inner] = 1.0 / (1.0 + np.exp(-x))
    return out


def with_params(world: World, tpl: Template, a: float, ew: float = 0.0) -> World:
    """Kill probabilities of the group's class (and decoys, for drones) shifted by ``a`` on the logit
    scale for every fire unit; EW defeat probability ``ew`` on the group's raids (drones only)."""
    pk = tpl.pk0.copy()
    classes = [tpl.cls] + ([DECOY_C] if tpl.has_decoys else [])
    cols = np.flatnonzero(np.isin(tpl.world.arrays.type_class, classes))  # pk columns are threat types
    pk[:, cols] = shift_logit(tpl.pk0[:, cols], a)
    changes = {"pk": pk}
    if tpl.has_decoys:
        ew_p = np.zeros_like(world.arrays.ew_p)
        if ew_p.shape[1]:
            ew_p[:, 0] = ew
        changes["ew_p"] = ew_p
    return world.with_arrays(**changes)


def run_fractions(world: World, runs: int, seed: int) -> tuple[float, float, int]:
    """Simulate and return (destroyed share, lost share, threats) pooled over runs.

    destroyed = shot down (threats and decoys); lost = defeated by EW, plus decoys that were not shot
    down (the Air Force reports those as 'locally lost'). defeated = destroyed + lost.
    """
    from ..simulate import simulate

    res = simulate(world, runs=runs, seed=seed, workers=1)
    a = res.arrays
    launched = int(a.launched.sum())
    if launched == 0:
        return 0.0, 0.0, 0
    killed = a.killed.sum(0)
    ew = a.ew_defeated.sum(0)
    leaked = a.leaked.sum(0)
    destroyed = float(killed.sum())
    lost = float(ew.sum() + leaked[DECOY_C])
    return destroyed / launched, lost / launched, launched


assert THREAT_CLASSES[DECOY_C] == "decoy"
