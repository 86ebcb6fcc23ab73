"""Fuzzing the scenario loader: any document is either accepted or refused with an ``InputError`` that
names the file and a line; nothing else escapes, and no document takes a second.

Documents are written as YAML text from valid scenarios with one thing broken: a wrong type, a value
out of range, a non-finite number, an unknown or a missing field, a duplicated key, or a YAML alias
put in place of another block.
"""

from __future__ import annotations

import copy
import math
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from schild.errors import InputError, ScenarioError
from schild.scenario.loading import ScenarioSpec, scenario_from_text

EXAMPLE = Path(__file__).parents[2] / "examples" / "airbase-ballistic-salvo.yaml"

SMALL: dict[str, Any] = {
    "schema_version": 1,
    "name": "fuzz-base",
    "catalog": {
        "threats": {"t_drone": {"class": "drone", "speed_mps": 50, "altitude_m": 1000, "unit_cost_usd": 30000,
                                "range_km": 500}},
        "interceptors": {"t_missile": {"unit_cost_usd": 100000, "speed_mps": {"value": 1000, "range": [800, 1200],
                                                                             "basis": "assumption"}}},
        "sensors": {"t_radar": {"kind": "radar", "range_km": 200, "mast_height_m": 20}},
        "effectors": {"t_battery": {"interceptor": "t_missile", "launchers": 4, "rounds_per_launcher": 8,
                                    "fire_channels": 2, "reaction_time_s": 5,
                                    "envelope": {"drone": {"max_range_km": 50, "max_altitude_m": 10000, "pk": 0.8}}}},
    },
    "assets": [{"id": "city", "lat": 50.0, "lon": 30.0, "value": 2.0}],
    "sensors": [{"id": "radar1", "type": "t_radar", "lat": 50.0, "lon": 30.0}],
    "fire_units": [{"id": "fu1", "type": "t_battery", "lat": 50.0, "lon": 30.1, "rounds": 20}],
    "raids": [{"id": "r1", "threat": "t_drone", "count": 10, "from": {"lat": 51.0, "lon": 30.0}, "target": "city",
               "launch_window_s": [0, 600]},
              {"threat": "shahed_136", "count": 5, "from": {"lat": 51.5, "lon": 31.0}, "target": "city"}],
    "doctrine": {"drone": {"salvo": 1, "max_engagements": 2, "look_time_s": 2}, "decoy_discrimination": 0.2},
    "electronic_warfare": {"zones": [{"radius_km": 30, "defeat_probability": {"drone": 0.1}}]},
    "battle_manager": {"assignment": "heuristic", "time_budget_ms": 50, "hold_per_channel": 2},
}
BASES = [SMALL, yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))]

FUZZ = settings(derandomize=True, database=None, deadline=timedelta(seconds=5), max_examples=20,
                suppress_health_check=[HealthCheck.too_slow])
MAX_SECONDS = 1.0


# --- a small block-style YAML writer that can also duplicate keys and place anchors and aliases ---

def _scalar(v: Any) -> str:
    return yaml.safe_dump(v, default_flow_style=True, width=10_000).split("\n...")[0].strip()


class _Marks:
    def __init__(self, anchor: tuple | None = None, alias: tuple | None = None, duplicate: tuple | None = None):
        self.anchor, self.alias, self.duplicate = anchor, alias, duplicate


def _value(prefix: str, v: Any, path: tuple, indent: int, marks: _Marks) -> list[str]:
    if path == marks.alias:
        return [f"{prefix} *shared"]
    tag = " &shared" if path == marks.anchor else ""
    if isinstance(v, dict) and v:
        return [prefix + tag] + _mapping(v, path, indent + 2, marks)
    if isinstance(v, list) and v:
        out = [prefix + tag]
        for i, item in enumerate(v):
            out += _value(" " * (indent + 2) + "-", item, path + (i,), indent + 4, marks)
        return out
    return [f"{prefix}{tag} {_scalar(v)}"]


def _mapping(m: dict, path: tuple, indent: int, marks: _Marks) -> list[str]:
    items = list(m.items())
    if path == marks.duplicate and items:
        items.append(items[0])
    out: list[str] = []
    for k, v in items:
        out += _value(" " * indent + _scalar(k) + ":", v, path + (k,), indent, marks)
    return out


def to_yaml(doc: dict, marks: _Marks | None = None) -> str:
    return "\n".join(_mapping(doc, (), 0, marks or _Marks())) + "\n"


# --- paths into a document ---

def _paths(v: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(v, dict):
        for k, sub in v.items():
            out += _paths(sub, path + (k,))
    elif isinstance(v, list):
        for i, sub in enumerate(v):
            out += _paths(sub, path + (i,))
    return out


def _get(doc: Any, path: tuple) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _set(doc: Any, path: tuple, value: Any) -> None:
    _get(doc, path[:-1])[path[-1]] = value


def _leaves(doc: dict) -> list[tuple]:
    return [p for p in _paths(doc) if p and not isinstance(_get(doc, p), (dict, list))]


def _numbers(doc: dict) -> list[tuple]:
    return [p for p in _leaves(doc) if isinstance(_get(doc, p), (int, float)) and not isinstance(_get(doc, p), bool)]


def _mappings(doc: dict) -> list[tuple]:
    return [p for p in _paths(doc) if isinstance(_get(doc, p), dict) and _get(doc, p)]


# --- the check every document must pass ---

def check(text: str) -> ScenarioSpec | None:
    """Accepted, or refused with file and line for every problem; in under a second either way."""
    start = time.perf_counter()
    try:
        return scenario_from_text(text, "fuzz.yaml")
    except ScenarioError as exc:
        for p in exc.problems:
            assert p.file == "fuzz.yaml" and p.line is not None, (str(p), text)
        return None
    except InputError as exc:
        assert exc.file == "fuzz.yaml" and exc.line is not None, (str(exc), text)
        return None
    finally:
        elapsed = time.perf_counter() - start
        assert elapsed < MAX_SECONDS, (elapsed, text)


bases = st.sampled_from(BASES).map(copy.deepcopy)


@FUZZ
@given(doc=bases, data=st.data())
def test_valid_documents_load(doc, data):
    """A valid base with figures moved inside their ranges loads (so the writer and the bases are sound)."""
    raid = data.draw(st.sampled_from(doc["raids"]))
    raid["count"] = data.draw(st.integers(0, 1000))
    raid["launch_window_s"] = sorted(data.draw(st.lists(st.floats(0, 86_400), min_size=2, max_size=2)))
    asset = data.draw(st.sampled_from(doc["assets"]))
    asset["value"] = data.draw(st.floats(0, 1e6))
    doc["doctrine"]["decoy_discrimination"] = data.draw(st.floats(0, 1))
    assert isinstance(check(to_yaml(doc)), ScenarioSpec)


WRONG_VALUES = st.sampled_from(["abc", "", [1, 2], {"a": 1}, None, True, False, [], {}, -1, 0, 3.5, "1e3"])


@FUZZ
@given(doc=bases, data=st.data())
def test_wrong_types(doc, data):
    path = data.draw(st.sampled_from([p for p in _paths(doc) if p]))
    _set(doc, path, data.draw(WRONG_VALUES))
    check(to_yaml(doc))


@FUZZ
@given(doc=bases, data=st.data())
def test_out_of_range(doc, data):
    path = data.draw(st.sampled_from(_numbers(doc)))
    factor = data.draw(st.sampled_from([-1.0, -1e6, 1e6, 1e300, 0.0, 1e-300]))
    _set(doc, path, _get(doc, path) * factor)
    check(to_yaml(doc))


@FUZZ
@given(doc=bases, data=st.data())
def test_non_finite_is_always_refused(doc, data):
    path = data.draw(st.sampled_from(_numbers(doc)))
    _set(doc, path, data.draw(st.sampled_from([math.inf, -math.inf, math.nan])))
    text = to_yaml(doc)
    assert check(text) is None, f"{path} accepted a non-finite number:\n{text}"


@FUZZ
@given(doc=bases, data=st.data())
def test_unknown_field_is_always_refused(doc, data):
    path = data.draw(st.sampled_from(_mappings(doc)))
    _get(doc, path)["bogus_field"] = 1
    assert check(to_yaml(doc)) is None, path


@FUZZ
@given(doc=bases, data=st.data())
def test_missing_field(doc, data):
    path = data.draw(st.sampled_from([p for p in _paths(doc) if p and isinstance(_get(doc, p[:-1]), dict)]))
    del _get(doc, path[:-1])[path[-1]]
    check(to_yaml(doc))


@FUZZ
@given(doc=bases, data=st.data())
def test_duplicated_key_is_always_refused(doc, data):
    path = data.draw(st.sampled_from(_mappings(doc)))
    text = to_yaml(doc, _Marks(duplicate=path))
    assert check(text) is None, text


@FUZZ
@given(doc=bases, data=st.data())
def test_aliases(doc, data):
    """An anchored block repeated elsewhere by an alias (the alias after the anchor, neither inside the other)."""
    paths = [p for p in _paths(doc) if p]  # in the order the writer writes them
    anchor = data.draw(st.sampled_from(paths[:-1]))
    later = [p for p in paths[paths.index(anchor) + 1:] if p[:len(anchor)] != anchor]
    assume(later)
    alias = data.draw(st.sampled_from(later))
    check(to_yaml(doc, _Marks(anchor=anchor, alias=alias)))


WRONG_LIST = ["abc", [1, 2], {"a": 1}, None, True, [], {}, -1, "", 3.5]


def test_every_place_with_a_wrong_value():
    """Sweep: each place of the small scenario in turn holds a wrong value (a different kind at each place)."""
    for i, path in enumerate(p for p in _paths(SMALL) if p):
        doc = copy.deepcopy(SMALL)
        _set(doc, path, WRONG_LIST[i % len(WRONG_LIST)])
        check(to_yaml(doc))


def test_every_number_refuses_nan_and_inf():
    """Sweep: no number of the small scenario (scenario, catalogue, sourced value and range) takes .nan or .inf."""
    for i, path in enumerate(_numbers(SMALL)):
        doc = copy.deepcopy(SMALL)
        _set(doc, path, (math.nan, math.inf, -math.inf)[i % 3])
        assert check(to_yaml(doc)) is None, f"{path} accepted a non-finite number"


def test_the_writer_round_trips():
    """What the writer writes is what YAML reads back, so the fuzzed documents are the intended ones."""
    for doc in BASES:
        assert yaml.safe_load(to_yaml(doc)) == doc
    marked = to_yaml(SMALL, _Marks(anchor=("doctrine", "drone"), alias=("battle_manager",)))
    assert yaml.safe_load(marked)["battle_manager"] == SMALL["doctrine"]["drone"]
