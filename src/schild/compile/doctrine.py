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
