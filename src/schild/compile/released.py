"""Released decoys: each missile of a type with ``released_decoys`` lets go of decoys that fly on along
its path. They are compiled as one extra raid per such raid, on the parent's path, seen and engageable
only from the release sample on, each decoy launched with its own missile."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geometry.paths import Path
from ..scenario.catalog_models import ReleasedDecoys
from ..scenario.loading import ScenarioSpec


@dataclass(frozen=True)
class ReleasedRaid:
    """A raid of released decoys: the raid of their missiles, decoys per missile, the release sample."""

    parent: int  # the compiled raid of the missiles
    per_missile: int
    from_k: int


def release_sample(p: Path, release: ReleasedDecoys) -> int:
    """The path sample at which the decoys are let go: the apogee, or the first sample at or past the
    given share of the ground range."""
    if release.after == "apogee":
        return int(np.argmax(p.alt_m))
    return int(np.searchsorted(p.ground_m, float(release.after) * p.length_m, side="left"))


def released_raids(spec: ScenarioSpec, raid_of: list, paths: list[Path]) -> list[ReleasedRaid]:
    """One entry per compiled raid (a lane or target of ``raid_of``'s scenario raid) whose threat type releases
    decoys, in order."""
    out = []
    for r, (raid, p) in enumerate(zip(raid_of, paths)):
        release = spec.catalog.threats[raid.threat].released_decoys
        if release is not None:
            out.append(ReleasedRaid(r, int(release.count), release_sample(p, release)))
    return out
