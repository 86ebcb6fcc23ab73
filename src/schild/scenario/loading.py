"""Read a scenario file, validate it, resolve its catalogue and check every cross-reference.

All problems found are reported at once, each with file, line and field, so a user fixes a file in
one pass rather than one error per run.
"""

from __future__ import annotations

import hashlib
import json
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pyproj import Geod

from ..catalog import merged_raw
from ..errors import InputError, ScenarioError
from .catalog_models import Catalog, EffectorType, InterceptorType, SensorType, ThreatType
from .schema import MAX_FLIGHT_S, Scenario
from .yaml_lines import Loc, dotted, line_for, parse_yaml_with_lines, read_yaml_text

_GEOD = Geod(ellps="WGS84")
_SECTION_MODELS: dict[str, type[BaseModel]] = {
    "threats": ThreatType, "interceptors": InterceptorType, "sensors": SensorType, "effectors": EffectorType,
}


@dataclass(frozen=True)
class ScenarioSpec:
    """A validated scenario with its resolved catalogue: everything needed to compile a world."""

    scenario: Scenario
    catalog: Catalog
    source: str
    sha256: str


def _model_at(model: Any, loc: Loc) -> Any:
    """Walk a pydantic model class along an error location; None where it cannot tell."""
    current: Any = model
    for part in loc:
        origin = typing.get_origin(current)
        args = typing.get_args(current)
        while origin in (typing.Union, getattr(__import__("types"), "UnionType", None), typing.Annotated):
            current = next((a for a in args if a is not type(None)), None)
            origin, args = typing.get_origin(current), typing.get_args(current)
        if isinstance(part, int) and origin in (list, tuple):
            current = args[0] if args else None
        elif origin is dict and args:
            current = args[1]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                field = next((f for f in current.model_fields.values() if f.alias == part), None)
            current = field.annotation if field is not None else None
        else:
            return None
    while typing.get_origin(current) in (typing.Union, typing.Annotated):
        current = next((a for a in typing.get_args(current) if a is not type(None)), None)
    return current


def _allowed_fields(model: Any, loc: Loc) -> str:
    parent = _model_at(model, loc[:-1])
    if isinstance(parent, type) and issubclass(parent, BaseModel):
        names = [f.alias or n for n, f in parent.model_fields.items()]
        return "; allowed: " + ", ".join(names)
    return ""


def _problems_from_validation(exc: ValidationError, model: Any, file: str, lines: dict[Loc, int],
                              prefix: Loc = ()) -> list[InputError]:
    out: list[InputError] = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p and "]" in p))
        full = prefix + loc
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = f"unknown field {loc[-1]!r}" + _allowed_fields(model, loc)
        elif kind == "missing":
            msg = "required field is missing"
        else:
            value = err.get("input")
            shown = repr(value) if isinstance(value, (int, float, str, bool)) or value is None else None
            msg = err["msg"].replace("Value error, ", "")
            if shown and f"got {shown}" not in msg:  # our own validators already say what they got
                msg += f" (got {shown})"
        out.append(InputError(msg, file=file, line=line_for(lines, full), field=dotted(full) or None))
    return out


def _resolve_catalog(data: dict[str, Any], file: str, lines: dict[Loc, int]) -> tuple[Catalog | None, list[InputError]]:
    overrides = data.get("catalog") or {}
    raw = merged_raw(overrides if isinstance(overrides, dict) else {})
    problems: list[InputError] = []
    valid: dict[str, Any] = {"sources": raw.get("sources", {})}
    for section, model in _SECTION_MODELS.items():
        valid[section] = {}
        for type_id, fields in (raw.get(section) or {}).items():
            local = type_id in (overrides.get(section) or {})
            where = file if local else "schild built-in catalogue"
            try:
                if not isinstance(fields, dict):
                    raise InputError(f"expected a mapping of fields, got {type(fields).__name__}")
                valid[section][type_id] = model.model_validate(fields)
            except ValidationError as exc:
                problems += _problems_from_validation(exc, model, where, lines if local else {},
                                                      ("catalog", section, type_id) if local else ())
            except InputError as exc:
                problems.append(InputError(exc.message, file=where, line=line_for(lines, ("catalog", section, type_id)),
                                           field=f"catalog.{section}.{type_id}"))
    if problems:
        return None, problems
    return Catalog(**valid), []


def _known(ids: typing.Iterable[str]) -> str:
    ids = sorted(ids)
    shown = ", ".join(ids[:40])
    return shown + (", ..." if len(ids) > 40 else "")


def _cross_check(sc: Scenario, cat: Catalog, file: str, lines: dict[Loc, int]) -> list[InputError]:
    problems: list[InputError] = []

    def bad(msg: str, loc: Loc) -> None:
        problems.append(InputError(msg, file=file, line=line_for(lines, loc), field=dotted(loc)))

    for eid, eff in cat.effectors.items():
        if eff.interceptor not in cat.interceptors:
            bad(f"effector type {eid!r} uses unknown interceptor {eff.interceptor!r}; known: "
                f"{_known(cat.interceptors)}", ("catalog", "effectors", eid, "interceptor"))
    for i, s in enumerate(sc.sensors):
        if s.type not in cat.sensors:
            bad(f"unknown sensor type {s.type!r}; known: {_known(cat.sensors)}", ("sensors", i, "type"))
    for i, fu in enumerate(sc.fire_units):
        if fu.type not in cat.effectors:
            bad(f"unknown effector type {fu.type!r}; known: {_known(cat.effectors)}", ("fire_units", i, "type"))
    assets = {a.id: a for a in sc.assets}
    for i, raid in enumerate(sc.raids):
        threat = cat.threats.get(raid.threat)
        if threat is None:
            bad(f"unknown threat type {raid.threat!r}; known: {_known(cat.threats)}", ("raids", i, "threat"))
        target = assets.get(raid.target)
        if target is None:
            bad(f"unknown asset {raid.target!r} as target; assets: {_known(assets)}", ("raids", i, "target"))
        if threat is None or target is None:
            continue
        _, _, dist_m = _GEOD.inv(raid.origin.lon, raid.origin.lat, target.lon, target.lat)
        if dist_m < 1.0:
            bad("raid starts on its target (distance 0 km)", ("raids", i, "from"))
        elif threat.range_km is not None and dist_m / 1000.0 > threat.range_km.value:
            bad(f"raid can never reach its target: {dist_m / 1000.0:.0f} km from launch point to "
                f"{raid.target!r} exceeds the {threat.range_km.value:.0f} km range of {raid.threat!r}",
                ("raids", i, "from"))
        elif dist_m / threat.speed_mps.value > MAX_FLIGHT_S:
            bad(f"raid would fly {dist_m / threat.speed_mps.value / 86_400:.0f} days to its target at the "
                f"{threat.speed_mps.value:g} m/s of {raid.threat!r}; a flight may last at most 30 days",
                ("raids", i, "threat"))
    return problems


def spec_from_data(data: Any, lines: dict[Loc, int], file: str, text_for_hash: str) -> ScenarioSpec:
    if not isinstance(data, dict):
        raise InputError(f"expected a YAML mapping at the top, got {type(data).__name__}", file=file, line=1)
    problems: list[InputError] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += _problems_from_validation(exc, Scenario, file, lines)
    catalog, cat_problems = _resolve_catalog(data, file, lines)
    problems += cat_problems
    if scenario is not None and catalog is not None:
        problems += _cross_check(scenario, catalog, file, lines)
    if problems:
        raise ScenarioError(problems)
    assert scenario is not None and catalog is not None
    digest = hashlib.sha256(text_for_hash.encode("utf-8")).hexdigest()
    return ScenarioSpec(scenario=scenario, catalog=catalog, source=file, sha256=digest)


def read_scenario(path: str | Path) -> ScenarioSpec:
    """Load and validate a scenario file; raises ``InputError`` naming file, line and field."""
    text = read_yaml_text(path)  # read once: the same text is parsed and hashed
    data, lines = parse_yaml_with_lines(text, str(path))
    return spec_from_data(data, lines, str(path), text)


def scenario_from_text(text: str, name: str = "<string>") -> ScenarioSpec:
    data, lines = parse_yaml_with_lines(text, name)
    return spec_from_data(data, lines, name, text)


def scenario_from_dict(data: dict[str, Any], name: str = "<dict>") -> ScenarioSpec:
    return spec_from_data(data, {}, name, json.dumps(data, sort_keys=True, default=str))
