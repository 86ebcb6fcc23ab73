"""Effective kill probabilities per class and layer, as the fit implies them.

The fit moves one kill level per simulated group (a logit shift of every fire unit's single-shot pk
against the group's class); the layers keep the catalogue's relative strengths, since national counts
cannot tell a gun's kill from a SAM's (docs/calibration.md). What a planner wants to read is still the
single-shot pk of each layer (fire-unit type and its round) against each class after the fit: this module
turns the level's posterior draws into those numbers, with 90 % intervals, at the last fitted month and
along the fitted level path.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .family import SIM_GROUPS
from .sim import shift_logit, template

__all__ = ["layers", "effective_pk"]


def layers(group: str) -> list[dict[str, Any]]:
    """The group's layers: fire-unit type, its round, the catalogue pk against the group's threats, and
    whether the family's doctrine fires that round at the class (``fires``; units of one type are one
    layer; types with no pk against the class are left out)."""
    tpl = template(group)
    w = tpl.world
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for f, fu in enumerate(w.spec.scenario.fire_units):
        pk = float(w.arrays.pk[f, tpl.typ])
        if pk <= 0:
            continue
        key = (fu.type, w.interceptors[int(w.arrays.fu_interceptor[f])])
        # the family's doctrine may keep a dear round off the class (e.g. no Patriot at drones)
        fires = bool(w.arrays.cls_engage[tpl.cls]) and float(w.arrays.fu_round_cost[f]) <= float(
            w.arrays.cls_maxcost[tpl.cls])
        row = out.setdefault(key, {"unit_type": key[0], "interceptor": key[1], "catalogue_pk": pk, "units": 0,
                                   "fires": fires})
        row["units"] += 1
    return sorted(out.values(), key=lambda r: (-r["catalogue_pk"], r["unit_type"]))


def effective_pk(group: str, level_draws: np.ndarray, level_path: dict[str, float] | None = None
                 ) -> list[dict[str, Any]]:
    """Per layer: catalogue pk and the fitted single-shot pk (posterior mean, 5th and 95th percentiles)
    at the level draws (the last fitted month); with ``level_path`` ({month: level}, the MAP path) also
    the pk month by month (``path``)."""
    a = np.asarray(level_draws, float)
    if a.size == 0:
        raise ValueError("no level draws")
    rows = []
    for lay in layers(group):
        p = shift_logit(lay["catalogue_pk"], a)
        row = {**lay, "class": SIM_GROUPS[group][0], "mean": float(p.mean()),
               "p05": float(np.quantile(p, 0.05)), "p95": float(np.quantile(p, 0.95))}
        if level_path:
            row["path"] = {m: round(float(shift_logit(lay["catalogue_pk"], x)), 4)
                           for m, x in level_path.items()}
        rows.append(row)
    return rows
