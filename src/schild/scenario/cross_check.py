"""Checks that span sections: ids are unique, named types and targets exist, raids can reach their targets.

They read the file's data item by item rather than a validated ``Scenario``, so one item's mistake never
hides a problem elsewhere: a file with a bad field in one raid and an unknown type in another gets both
reported in the same pass.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pyproj import Geod

from ..errors import InputError
from .catalog_models import THREAT_CLASSES, Catalog
from .schema import MAX_FLIGHT_S, Asset, Point, Scenario
from .yaml_lines import Loc, dotted, line_for

_GEOD = Geod(ellps="WGS84")
_ID_SECTIONS = ("assets", "sensors", "fire_units")


@dataclass
class _Report:
    """Problems (or warnings) found in one file, each with its line and field."""

    file: str
    lines: dict[Loc, int]

    def __post_init__(self) -> None:
        self.found: list[InputError] = []

    def add(self, message: str, loc: Loc) -> None:
        self.found.append(InputError(message, file=self.file, line=line_for(self.lines, loc), field=dotted(loc)))


def known(ids: typing.Iterable[str]) -> str:
    """The known ids, sorted, at most 40 of them."""
    ids = sorted(ids)
    shown = ", ".join(ids[:40])
    return shown + (", ..." if len(ids) > 40 else "")


def _items(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(section)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def _valid(model: type[BaseModel], raw: Any) -> Any:
    """The validated model, or None: its own problems are reported by the schema's validation."""
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def _unique_ids(data: dict[str, Any], report: _Report) -> None:
    for section in _ID_SECTIONS:
        first: dict[str, int] = {}
        for i, item in _items(data, section):
            item_id = _text(item, "id")
            if item_id is None:
                continue
            if item_id in first:
                j = first[item_id]
                line = report.lines.get((section, j, "id"))
                at = f"{section}[{j}]" + (f" (line {line})" if line is not None else "")
                report.add(f"duplicate id {item_id!r} in {section}: already used by {at}; ids must be unique",
                           (section, i, "id"))
            else:
                first[item_id] = i


def _types_exist(data: dict[str, Any], defined: dict[str, set[str]], report: _Report) -> None:
    for section, kind, catalog_section in (("sensors", "sensor", "sensors"), ("fire_units", "effector", "effectors")):
        for i, item in _items(data, section):
            type_id = _text(item, "type")
            if type_id is not None and type_id not in defined[catalog_section]:
                report.add(f"unknown {kind} type {type_id!r}; known: {known(defined[catalog_section])}",
                           (section, i, "type"))


def _interceptors_exist(raw_effectors: dict[str, Any], defined: dict[str, set[str]], report: _Report) -> None:
    for eid, fields in raw_effectors.items():
        interceptor = _text(fields, "interceptor") if isinstance(fields, dict) else None
        if interceptor is not None and interceptor not in defined["interceptors"]:
            report.add(f"effector type {eid!r} uses unknown interceptor {interceptor!r}; known: "
                       f"{known(defined['interceptors'])}", ("catalog", "effectors", eid, "interceptor"))


def _envelope_keys(raw_effectors: dict[str, Any], cat: Catalog, defined: dict[str, set[str]],
                   report: _Report) -> None:
    """An envelope key is a threat class or a known threat type, and a type's entry completes with its
    class's entry."""
    for eid, fields in raw_effectors.items():
        envelope = fields.get("envelope") if isinstance(fields, dict) else None
        if not isinstance(envelope, dict):
            continue
        effector = cat.effectors.get(eid)
        for key in envelope:
            if not isinstance(key, str) or key in THREAT_CLASSES:
                continue
            loc = ("catalog", "effectors", eid, "envelope", key)
            if key not in defined["threats"]:
                report.add(f"envelope key {key!r} is neither a threat class nor a known threat type; allowed: "
                           f"{', '.join(THREAT_CLASSES)} or a threat type ({known(defined['threats'])})", loc)
                continue
            threat = cat.threats.get(key)
            if effector is None or threat is None:
                continue  # their own problems are reported where they are
            try:
                effector.entry_for(threat.threat_class, key)
            except ValidationError as exc:
                report.add(exc.errors()[0]["msg"].replace("Value error, ", ""), loc)
            except ValueError as exc:
                report.add(str(exc), loc)


def _raids_reach(data: dict[str, Any], cat: Catalog, defined: dict[str, set[str]], report: _Report) -> None:
    asset_ids = {i for _, a in _items(data, "assets") if (i := _text(a, "id")) is not None}
    assets = {a.id: a for _, raw in _items(data, "assets") if (a := _valid(Asset, raw)) is not None}
    for i, raid in _items(data, "raids"):
        threat_id, target_id = _text(raid, "threat"), _text(raid, "target")
        if threat_id is not None and threat_id not in defined["threats"]:
            report.add(f"unknown threat type {threat_id!r}; known: {known(defined['threats'])}", ("raids", i, "threat"))
        if target_id is not None and asset_ids and target_id not in asset_ids:
            report.add(f"unknown asset {target_id!r} as target; assets: {known(asset_ids)}", ("raids", i, "target"))
        threat = cat.threats.get(threat_id or "")
        target = assets.get(target_id or "")
        origin = _valid(Point, raid.get("from"))
        if threat is None or target is None or origin is None:
            continue
        _, _, dist_m = _GEOD.inv(origin.lon, origin.lat, target.lon, target.lat)
        if dist_m < 1.0:
            report.add("raid starts on its target (distance 0 km)", ("raids", i, "from"))
        elif threat.range_km is not None and dist_m / 1000.0 > threat.range_km.value:
            report.add(f"raid can never reach its target: {dist_m / 1000.0:.0f} km from launch point to "
                       f"{target_id!r} exceeds the {threat.range_km.value:.0f} km range of {threat_id!r}",
                       ("raids", i, "from"))
        elif threat.boost_km is not None and threat.boost_km.value * 1000.0 >= dist_m / 2.0:
            report.add(f"the powered climb of {threat_id!r} (boost_km {threat.boost_km.value:g}) must end before "
                       f"the apogee, half way along this raid's {dist_m / 1000.0:.1f} km to {target_id!r}: launch "
                       f"farther away or give a shorter boost_km", ("raids", i, "from"))
        elif dist_m / threat.speed_mps.value > MAX_FLIGHT_S:
            report.add(f"raid would fly {dist_m / threat.speed_mps.value / 86_400:.0f} days to its target at the "
                       f"{threat.speed_mps.value:g} m/s of {threat_id!r}; a flight may last at most 30 days",
                       ("raids", i, "threat"))


def cross_check(data: dict[str, Any], cat: Catalog, defined: dict[str, set[str]], raw_effectors: dict[str, Any],
                file: str, lines: dict[Loc, int]) -> list[InputError]:
    """Every cross-reference problem of the file. ``cat`` holds the valid catalogue entries, ``defined``
    the ids of all entries per section (valid or not, so a type with a bad field is not also "unknown")."""
    report = _Report(file, lines)
    _unique_ids(data, report)
    _types_exist(data, defined, report)
    _interceptors_exist(raw_effectors, defined, report)
    _envelope_keys(raw_effectors, cat, defined, report)
    _raids_reach(data, cat, defined, report)
    return report.found


def scenario_warnings(sc: Scenario, cat: Catalog, file: str, lines: dict[Loc, int]) -> list[str]:
    """What is valid but almost surely not meant: threats no sensor can ever see, so none is engaged."""
    report = _Report(file, lines)
    own_radar = any(cat.effectors[f.type].fire_control is not None for f in sc.fire_units)
    if not sc.sensors and not own_radar:
        report.add("no sensors: no threat is ever detected, so no fire unit engages and every threat leaks",
                   ("sensors",))
    elif not own_radar:
        seen = {c for s in sc.sensors for c in cat.sensors[s.type].detected_classes()}
        for i, raid in enumerate(sc.raids):
            cls_name = cat.threats[raid.threat].threat_class
            if cls_name not in seen and raid.count > 0:
                report.add(f"no sensor detects {cls_name} threats: the {raid.count} of this raid are never "
                           f"engaged and all leak", ("raids", i, "threat"))
    return [str(w) for w in report.found]
