"""Doctrine per threat class: salvo, shoot-look-shoot limits, cost awareness, hold-for-cheaper."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.catalog_models import THREAT_CLASSES
from ..scenario.loading import ScenarioSpec
from .world import BIG


@dataclass(frozen=True)
class DoctrineArrays:
    """One entry per threat class, in ``THREAT_CLASSES`` order."""

    salvo: np.ndarray
    max_eng: np.ndarray
    max_eng_layer: np.ndarray  # engagements per threat by the units of one layer
    look_s: np.ndarray
    engage: np.ndarray
    max_round_cost: np.ndarray
    hold: np.ndarray
    cost_weight: np.ndarray


def compile_doctrine(spec: ScenarioSpec) -> DoctrineArrays:
    doc = spec.scenario.doctrine
    per = [doc.for_class(c) for c in THREAT_CLASSES]
    return DoctrineArrays(
        salvo=np.array([d.salvo for d in per], np.int64),
        max_eng=np.array([d.max_engagements for d in per], np.int64),
        max_eng_layer=np.array([d.engagements_per_layer for d in per], np.int64),
        look_s=np.array([d.look_time_s for d in per], float),
        engage=np.array([d.engage for d in per], np.bool_),
        max_round_cost=np.array([min(d.resolved_max_round_cost(c), BIG) for d, c in zip(per, THREAT_CLASSES)],
                                float),
        hold=np.array([d.resolved_hold(c) for d, c in zip(per, THREAT_CLASSES)], np.bool_),
        cost_weight=np.array([d.resolved_cost_weight(c) for d, c in zip(per, THREAT_CLASSES)], float),
    )


def doctrine_allows(pk: float, round_cost: float, value: float, c: int, salvo: np.ndarray, engage: np.ndarray,
                    maxcost: np.ndarray, cost_weight: np.ndarray) -> bool:
    """Whether doctrine ever lets this unit engage this class at this asset's value (cost awareness)."""
    if pk <= 0 or not engage[c] or round_cost > maxcost[c]:
        return False
    p_eng = 1.0 - (1.0 - pk) ** salvo[c]
    return value * p_eng - cost_weight[c] * salvo[c] * round_cost > 0


@dataclass(frozen=True)
class EngagingUnits:
    """Per raid: the units whose window it crosses and that doctrine lets engage it, in scenario order, and
    the span of time after launch in which one of them can fire."""

    raid_fus: np.ndarray  # (R, max(F, 1)): unit indices, -1 padded
    raid_nfu: np.ndarray  # (R,)
    wake_tau: np.ndarray  # (R,) earliest feasible shot after launch (inf: none)
    last_tau: np.ndarray  # (R,) latest (-inf: none)


def engaging_units(first_tau: np.ndarray, last_tau: np.ndarray, pk: np.ndarray, round_cost: np.ndarray,
                   raid_type: np.ndarray, raid_class: np.ndarray, raid_value: np.ndarray, salvo: np.ndarray,
                   engage: np.ndarray, maxcost: np.ndarray, cost_weight: np.ndarray) -> EngagingUnits:
    """Apply doctrine to the units' windows (``first_tau``/``last_tau``: raids x units, inf/-inf where a unit
    has none). Run at compile and again by ``World.with_arrays`` whenever kill probabilities or doctrine change."""
    R, F = first_tau.shape
    raid_fus = np.full((R, max(F, 1)), -1, np.int64)
    raid_nfu = np.zeros(R, np.int64)
    wake, last = np.full(R, np.inf), np.full(R, -np.inf)
    for r in range(R):
        units = [f for f in range(F) if np.isfinite(first_tau[r, f])
                 and doctrine_allows(pk[f, raid_type[r]], round_cost[f], raid_value[r], raid_class[r], salvo, engage,
                                     maxcost, cost_weight)]
        raid_nfu[r] = len(units)
        raid_fus[r, :len(units)] = units
        if units:
            wake[r] = first_tau[r, units].min()
            last[r] = last_tau[r, units].max()
    return EngagingUnits(raid_fus, raid_nfu, wake, last)
