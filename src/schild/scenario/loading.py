"""Read a scenario file, validate it, resolve its catalogue and check every cross-reference.

All problems found are reported at once, in file order, each with file, line and field, so a user fixes
a file in one pass rather than one error per run: the schema, every catalogue entry and the
cross-references are checked independently of one another.
"""

from __future__ import annotations

import hashlib
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..catalog import merged_raw
from ..errors import InputError, ScenarioError
from .catalog_models import Catalog, EffectorType, InterceptorType, SensorType, ThreatType
from .cross_check import cross_check, scenario_warnings
from .schema import Scenario
from .yaml_lines import Loc, dotted, line_for, parse_yaml_with_lines, read_yaml_text

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
    warnings: tuple[str, ...] = field(default=())
    """Valid but almost surely not meant (e.g. no sensors, so every threat leaks), as FILE:LINE: field: text."""
    lines: dict[Loc, int] = field(default_factory=dict, repr=False, compare=False)
    """Line of every key path in the file, so later checks (memory, time) can name the line too."""


def _model_at(model: Any, loc: Loc) -> Any:
    """Walk a pydantic model class along an error location; None where it cannot tell."""
    current: Any = model
    for part in loc:
        origin = typing.get_origin(current)
        args = typing.get_args(current)
        while origin in (typing.Union, types.UnionType, typing.Annotated):
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
    while typing.get_origin(current) in (typing.Union, types.UnionType, typing.Annotated):
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


@dataclass
class _ResolvedCatalog:
    """The catalogue's valid entries, the ids of all entries (valid or not) and the problems of the rest."""

    catalog: Catalog
    defined: dict[str, set[str]]
    raw_effectors: dict[str, Any]
    problems: list[InputError]


def _overrides(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The scenario's catalogue sections that are mappings (the schema reports any other shape)."""
    catalog = data.get("catalog")
    if not isinstance(catalog, dict):
        return {}
    return {section: entries for section, entries in catalog.items()
            if section in _SECTION_MODELS and isinstance(entries, dict)}


def _resolve_catalog(data: dict[str, Any], file: str, lines: dict[Loc, int]) -> _ResolvedCatalog:
    overrides = _overrides(data)
    raw = merged_raw(overrides)
    problems: list[InputError] = []
    valid: dict[str, Any] = {"sources": raw.get("sources", {})}
    defined: dict[str, set[str]] = {}
    for section, model in _SECTION_MODELS.items():
        valid[section] = {}
        entries = raw.get(section) or {}
        defined[section] = {type_id for type_id in entries if isinstance(type_id, str)}
        for type_id, fields in entries.items():
            if not isinstance(fields, dict):  # named by the schema ("Input should be a valid dictionary")
                continue
            local = type_id in overrides.get(section, {})
            where = file if local else "schild built-in catalogue"
            try:
                valid[section][type_id] = model.model_validate(fields)
            except ValidationError as exc:
                problems += _problems_from_validation(exc, model, where, lines if local else {},
                                                      ("catalog", section, type_id) if local else ())
    return _ResolvedCatalog(Catalog(**valid), defined, raw.get("effectors") or {}, problems)


def _in_file_order(problems: list[InputError]) -> list[InputError]:
    """Problems by line, each once (the built-in catalogue's, without a line, last)."""
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for p in problems:
        key = (p.file, p.line, p.field, p.message)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return sorted(unique, key=lambda p: (p.line is None, p.line or 0))


def spec_from_data(data: Any, lines: dict[Loc, int], file: str, text_for_hash: str) -> ScenarioSpec:
    if not isinstance(data, dict):
        raise InputError(f"expected a YAML mapping at the top, got {type(data).__name__}", file=file, line=1)
    problems: list[InputError] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += _problems_from_validation(exc, Scenario, file, lines)
    resolved = _resolve_catalog(data, file, lines)
    problems += resolved.problems
    problems += cross_check(data, resolved.catalog, resolved.defined, resolved.raw_effectors, file, lines)
    if problems:
        raise ScenarioError(_in_file_order(problems))
    assert scenario is not None
    digest = hashlib.sha256(text_for_hash.encode("utf-8")).hexdigest()
    warnings = tuple(scenario_warnings(scenario, resolved.catalog, file, lines))
    return ScenarioSpec(scenario=scenario, catalog=resolved.catalog, source=file, sha256=digest, warnings=warnings,
                        lines=lines)


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
