"""YAML loading that remembers where every value stood, so errors can point at the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError

Loc = tuple[Any, ...]


class _Loader(yaml.SafeLoader):
    pass


def _build(node: yaml.Node, loc: Loc, lines: dict[Loc, int], loader: _Loader) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, list):
                key = tuple(key)
            if key in out:
                raise InputError(f"duplicate key {key!r}", line=key_node.start_mark.line + 1,
                                 field=_dotted(loc + (key,)))
            out[key] = _build(value_node, loc + (key,), lines, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, loc + (i,), lines, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_yaml_with_lines(path: str | Path) -> tuple[Any, dict[Loc, int]]:
    """Parse a YAML file; return the data and a map from key path to 1-based line number."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if path.is_dir():
        raise InputError("is a directory, expected a YAML file", file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not a UTF-8 text file ({exc.reason})", file=str(path)) from None
    return parse_yaml_with_lines(text, str(path))


def parse_yaml_with_lines(text: str, filename: str = "<string>") -> tuple[Any, dict[Loc, int]]:
    loader = _Loader(text)
    lines: dict[Loc, int] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError("file is empty, expected a YAML mapping", file=filename)
        data = _build(node, (), lines, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"malformed YAML: {exc.problem or exc.context}", file=filename, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", file=filename) from None
    except InputError as exc:
        exc.file = exc.file or filename
        raise
    finally:
        loader.dispose()
    return data, lines


def line_for(lines: dict[Loc, int], loc: Loc) -> int | None:
    """Best line for a key path: the deepest prefix that was seen in the file."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


dotted = _dotted
