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
from ..geometry.routes import raid_lanes, route_length_m, split_by_shares
from .schema import MAX_CORRIDOR_KM, MAX_FLIGHT_S, Asset, Point, Scenario, TargetShare
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


def _raid_targets(raid: dict[str, Any], i: int, asset_ids: set[str], report: _Report) -> list[tuple[str, int]]:
    """The raid's target asset ids, each with the threats that fly at it (the raid's count where the
    shares are not valid); unknown ones are reported."""
    count = raid.get("count", 1)
    count = count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else 1
    found: list[tuple[str, Loc, float | None]] = []
    if (target_id := _text(raid, "target")) is not None:
        found.append((target_id, ("raids", i, "target"), 1.0))
    targets = raid.get("targets")
    for j, entry in enumerate(targets if isinstance(targets, list) else []):
        if isinstance(entry, dict) and (asset := _text(entry, "asset")) is not None:
            share = _valid(TargetShare, entry)
            found.append((asset, ("raids", i, "targets", j, "asset"), share.share if share else None))
    for asset, loc, _ in found:
        if asset_ids and asset not in asset_ids:
            report.add(f"unknown asset {asset!r} as target; assets: {known(asset_ids)}", loc)
    shares = [s for _, _, s in found]
    counts = split_by_shares(count, shares) if None not in shares else [count] * len(found)
    return [(asset, n) for (asset, _, _), n in zip(found, counts)]


def _valid_via(raid: dict[str, Any]) -> list[Point] | None:
    """The raid's waypoints, or None if any is invalid (the schema names it)."""
    via = raid.get("via", [])
    if not isinstance(via, list):
        return None
    points = [_valid(Point, v) for v in via]
    return None if any(p is None for p in points) else points


def _route_problem(threat: Any, threat_id: str, target_id: str, origin: Point, via: list[Point], target: Asset,
                   corridor_km: float, count: int) -> tuple[str, str] | None:
    """What keeps the threats of a raid from flying its route to one target (message, field), or None."""
    centre = [(origin.lat, origin.lon), *((v.lat, v.lon) for v in via), (target.lat, target.lon)]
    for k, (a, b) in enumerate(zip(centre[:-1], centre[1:])):
        if _GEOD.inv(a[1], a[0], b[1], b[0])[2] < 1.0:
            if not via:
                return "raid starts on its target (distance 0 km)", "from"
            what = "the launch point" if k == 0 else f"via[{k - 1}]"
            then = "the target" if k == len(centre) - 2 else f"via[{k}]"
            return f"{then} is where {what} is (0 km apart); every leg of a route must have a length", "via"
    length_m = route_length_m(centre)
    where = f"from the launch point via {len(via)} waypoint(s)" if via else "from the launch point"
    field = "via" if via else "from"
    if threat.range_km is not None and length_m / 1000.0 > threat.range_km.value:
        return (f"raid can never reach its target: {length_m / 1000.0:.0f} km {where} to {target_id!r} exceeds "
                f"the {threat.range_km.value:.0f} km range of {threat_id!r}", field)
    if threat.boost_km is not None and threat.boost_km.value * 1000.0 >= length_m / 2.0:
        return (f"the powered climb of {threat_id!r} (boost_km {threat.boost_km.value:g}) must end before the "
                f"apogee, half way along this raid's {length_m / 1000.0:.1f} km to {target_id!r}: launch farther "
                f"away or give a shorter boost_km", field)
    lanes = raid_lanes(centre[0], centre[1:-1], [centre[-1]], [count], corridor_km)[0]
    longest = max(lanes, key=lambda lane: lane.length_m)
    if threat.range_km is not None and longest.length_m / 1000.0 > threat.range_km.value:
        return (f"the lane {longest.offset_km:+.1f} km across the {corridor_km:g} km corridor flies "
                f"{longest.length_m / 1000.0:.0f} km {where} to {target_id!r}, more than the "
                f"{threat.range_km.value:.0f} km range of {threat_id!r}; narrow the corridor", "corridor_km")
    if longest.length_m / threat.speed_mps.value > MAX_FLIGHT_S:
        return (f"raid would fly {longest.length_m / threat.speed_mps.value / 86_400:.0f} days to its target at "
                f"the {threat.speed_mps.value:g} m/s of {threat_id!r}; a flight may last at most 30 days", "threat")
    return None


def _raids_reach(data: dict[str, Any], cat: Catalog, defined: dict[str, set[str]], report: _Report) -> None:
    asset_ids = {i for _, a in _items(data, "assets") if (i := _text(a, "id")) is not None}
    assets = {a.id: a for _, raw in _items(data, "assets") if (a := _valid(Asset, raw)) is not None}
    for i, raid in _items(data, "raids"):
        threat_id = _text(raid, "threat")
        if threat_id is not None and threat_id not in defined["threats"]:
            report.add(f"unknown threat type {threat_id!r}; known: {known(defined['threats'])}", ("raids", i, "threat"))
        targets = _raid_targets(raid, i, asset_ids, report)
        threat = cat.threats.get(threat_id or "")
        origin = _valid(Point, raid.get("from"))
        via = _valid_via(raid)
        corridor = raid.get("corridor_km", 0.0)
        if threat is None or origin is None or via is None or not isinstance(corridor, (int, float)) \
                or isinstance(corridor, bool) or not 0 <= corridor <= MAX_CORRIDOR_KM:
            continue
        for target_id, count in targets:
            target = assets.get(target_id)
            if target is None:
                continue
            problem = _route_problem(threat, threat_id, target_id, origin, via, target, float(corridor), count)
            if problem is not None:
                report.add(problem[0], ("raids", i, problem[1]))
                break


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
