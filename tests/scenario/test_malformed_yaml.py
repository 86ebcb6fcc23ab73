"""Malformed YAML names the line of the mistake: where an unclosed bracket or quote was opened, with
PyYAML's context ("while parsing a flow mapping") and problem both kept."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from schild.cli import app
from schild.errors import InputError
from schild.scenario.yaml_lines import parse_yaml_with_lines, safe_load_limited

runner = CliRunner()

CASES = [
    # (description, document, line to name, fragments of the message)
    ("unclosed flow mapping in a list",
     "schema_version: 1\nname: x\nfire_units: [{id: a, type: gepard, lat: 50, lon: 30\nraids: []\n", 3,
     ["while parsing a flow mapping (started at line 3)", "expected ',' or '}', but got ':' on line 4",
      "is a closing '}' missing?"]),
    ("flow mapping cut at the end of the file", "name: x\nd: {a: 1, b\n", 2,
     ["while parsing a flow mapping (started at line 2)", "but got '<stream end>' at the end of the file",
      "is a closing '}' missing?"]),
    ("unclosed flow mapping, blank lines after", "name: x\n\nd: {a: 1, b\n\n\nz: 1\n", 3,
     ["while parsing a flow mapping (started at line 3)", "on line 6"]),
    ("unclosed flow sequence", "name: x\nassets: [1, 2\nraids: []\n", 2,
     ["while parsing a flow sequence (started at line 2)", "expected ',' or ']'", "is a closing ']' missing?"]),
    ("multi-line flow mapping left open", "name: x\nd: {a: 1,\n    b: 2\ne: 3\n", 2,
     ["while parsing a flow mapping (started at line 2)", "on line 4"]),
    ("unclosed quote", "name: 'abc\nb: 1\nc: 2\n", 1,
     ["while scanning a quoted scalar (started at line 1)", "at the end of the file",
      "is the closing quote missing?"]),
    ("wrong closing bracket on the same line", "name: x\nd: {b: 1 c: 2]\n", 2,
     ["while parsing a flow mapping (started at line 2)", "expected ',' or '}', but got ':'"]),
    ("list item out of its block", "name: x\nassets:\n  - a\n - b\n", 4,
     ["while parsing a block mapping (started at line 1)", "expected <block end>"]),
    ("indented key", "a: 1\n b: 2\nc: 3\n", 2, ["mapping values are not allowed here"]),
    ("tab", "name: x\n\tb: 1\n", 2, ["found character '\\t' that cannot start any token"]),
]


@pytest.mark.parametrize("desc,text,line,fragments", CASES, ids=[c[0] for c in CASES])
def test_malformed_yaml_names_the_line(write_yaml, desc, text, line, fragments):
    path = write_yaml(text)
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    out = res.output.replace("\n", "")
    assert "Traceback" not in out
    assert f"{path}:{line}: malformed YAML: " in out, out
    for frag in fragments:
        assert frag in out, (frag, out)


@pytest.mark.parametrize("desc,text,line,fragments", CASES[:4], ids=[c[0] for c in CASES[:4]])
def test_plain_loader_reports_the_same(desc, text, line, fragments):
    for load in (parse_yaml_with_lines, safe_load_limited):
        with pytest.raises(InputError) as exc:
            load(text, "f.yaml")
        assert exc.value.file == "f.yaml" and exc.value.line == line
        assert all(frag in exc.value.message for frag in fragments)
