"""YAML loading that remembers where every value stood, so errors can point at the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError

Loc = tuple[Any, ...]

MAX_YAML_BYTES = 4 * 1024 * 1024
"""Largest YAML text read (4 MiB): far above any real scenario (kilobytes; a national defence of hundreds
of fire units and raids is under 200 KB), and a bound on the time a file can take to parse and check
(PyYAML reads roughly 0.1-0.3 MiB a second: a 4 MiB file answers within a minute)."""
MAX_ALIAS_VALUES = 100_000
"""Most values that YAML aliases may add to a document by repeating the blocks they name: a few shared
blocks stay far under it, while a "billion laughs" document (aliases of aliases of aliases) is refused
before anything expands it."""
MAX_DEPTH = 100
"""Deepest nesting of lists and mappings (real scenarios nest about six levels)."""


class _Loader(yaml.SafeLoader):
    """A SafeLoader that counts, as it composes, the values aliases repeat and how deep the document
    nests, so that a hostile document is refused before anything walks its expansion."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._expanded_size: dict[int, int] = {}  # id(node) -> values in the node once expanded
        self._alias_values = 0
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = super().compose_node(parent, index)
            size = self._expanded_size.get(id(node))
            if size is None:  # the anchored block is still open: the alias lies inside it
                raise InputError(f"YAML alias *{event.anchor} lies inside the block it names (an endless loop)",
                                 line=event.start_mark.line + 1)
            self._alias_values += size
            if self._alias_values > MAX_ALIAS_VALUES:
                raise InputError(f"YAML aliases repeat more than {MAX_ALIAS_VALUES:,} values (at the alias "
                                 f"*{event.anchor}); write the repeated blocks out, or nest fewer aliases "
                                 f"inside aliased blocks", line=event.start_mark.line + 1)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise InputError(f"YAML nested more than {MAX_DEPTH} levels deep",
                             line=self.peek_event().start_mark.line + 1)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            children = []
        self._expanded_size[id(node)] = 1 + sum(self._expanded_size[id(c)] for c in children)
        return node


def _build(node: yaml.Node, loc: Loc, lines: dict[Loc, int], loader: _Loader) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
                raise InputError(f"a key is {kind}; keys must be plain names or numbers",
                                 line=key_node.start_mark.line + 1, field=_dotted(loc) or None)
            key = loader.construct_object(key_node, deep=True)
            if key in out:
                raise InputError(f"duplicate key {key!r}", line=key_node.start_mark.line + 1,
                                 field=_dotted(loc + (key,)))
            out[key] = _build(value_node, loc + (key,), lines, loader)
        for merge in merges:
            _merge_into(out, merge, loc, lines, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, loc + (i,), lines, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _merge_into(out: dict[Any, Any], merge: yaml.Node, loc: Loc, lines: dict[Loc, int], loader: _Loader) -> None:
    """YAML's merge key (``<<: *base`` or ``<<: [*a, *b]``): the keys of the named mappings that the mapping
    does not set itself, the first named mapping winning; their lines are where the merged block stands."""
    sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
    for source in sources:
        if not isinstance(source, yaml.MappingNode):
            raise InputError("'<<' merges a mapping or a list of mappings (e.g. '<<: *base')",
                             line=source.start_mark.line + 1, field=_dotted(loc) or None)
        source_lines: dict[Loc, int] = {}
        for key, value in _build(source, loc, source_lines, loader).items():
            if key in out:
                continue
            out[key] = value
            lines.update((sub, n) for sub, n in source_lines.items() if sub[:len(loc) + 1] == loc + (key,))


def load_yaml_with_lines(path: str | Path) -> tuple[Any, dict[Loc, int]]:
    """Parse a YAML file; return the data and a map from key path to 1-based line number."""
    return parse_yaml_with_lines(read_yaml_text(path), str(path))


def read_yaml_text(path: str | Path) -> str:
    """The text of a YAML file, read once and at most ``MAX_YAML_BYTES`` of it (a pipe has no size)."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if path.is_dir():
        raise InputError("is a directory, expected a YAML file", file=str(path))
    try:
        if path.is_file():
            _check_size(path.stat().st_size, str(path), "bytes")
        with path.open("rb") as fh:
            raw = fh.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", file=str(path)) from None
    if len(raw) > MAX_YAML_BYTES:  # a pipe, or a file that grew while read
        raise InputError(f"more than {MAX_YAML_BYTES // 2**20} MiB of YAML; schild reads at most "
                         f"{MAX_YAML_BYTES // 2**20} MiB", file=str(path))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not a UTF-8 text file ({exc.reason})", file=str(path)) from None


def _check_size(size: int, filename: str, unit: str) -> None:
    if size > MAX_YAML_BYTES:
        raise InputError(f"{size / 2**20:.1f} MiB of YAML ({size:,} {unit}); schild reads at most "
                         f"{MAX_YAML_BYTES // 2**20} MiB", file=filename)


def parse_yaml_with_lines(text: str, filename: str = "<string>") -> tuple[Any, dict[Loc, int]]:
    """Parse YAML text; return the data and a map from key path to 1-based line number."""
    _check_size(len(text), filename, "characters")
    loader = _Loader(text)
    lines: dict[Loc, int] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError("file is empty, expected a YAML mapping", file=filename)
        data = _build(node, (), lines, loader)
    except (yaml.YAMLError, InputError) as exc:
        raise _input_error(exc, filename) from None
    finally:
        loader.dispose()
    return data, lines


def safe_load_limited(text: str, filename: str = "<string>") -> Any:
    """``yaml.safe_load`` under this module's limits on size, aliases and depth; errors are ``InputError``."""
    _check_size(len(text), filename, "characters")
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except (yaml.YAMLError, InputError) as exc:
        raise _input_error(exc, filename) from None
    finally:
        loader.dispose()


def _input_error(exc: Exception, filename: str) -> InputError:
    """The ``InputError`` for a failure while reading YAML, naming the file and the line."""
    if isinstance(exc, InputError):
        exc.file = exc.file or filename
        return exc
    if isinstance(exc, yaml.MarkedYAMLError):
        message, line = _describe_marked(exc)
        return InputError(f"malformed YAML: {message}", file=filename, line=line)
    return InputError(f"malformed YAML: {exc}", file=filename)


_UNCLOSED = {"while parsing a flow mapping": "a closing '}'", "while parsing a flow sequence": "a closing ']'",
             "while scanning a quoted scalar": "the closing quote"}
"""PyYAML contexts that open something which must be closed: when closing fails, the mistake is where it
was opened (the problem is only noticed on a later line)."""


def _describe_marked(exc: yaml.MarkedYAMLError) -> tuple[str, int | None]:
    """The message and the line of a PyYAML error, keeping both the context ("while parsing a flow
    mapping", where it started) and the problem (what was found, where)."""
    context_line = exc.context_mark.line + 1 if exc.context_mark is not None else None
    problem_line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
    problem = exc.problem or ""
    if not exc.context:
        return problem, problem_line
    if context_line is None:
        return f"{exc.context}: {problem}", problem_line
    text = f"{exc.context} (started at line {context_line}): {problem}"
    if problem_line is None or problem_line == context_line:
        return text, context_line
    closing = _UNCLOSED.get(exc.context)
    if closing is None:  # e.g. a block mapping: the problem's own line is the mistake
        return text, problem_line
    at_end = "stream end" in problem or "end of stream" in problem
    where = "at the end of the file" if at_end else f"on line {problem_line}"
    return f"{text} {where}; is {closing} missing?", context_line


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
