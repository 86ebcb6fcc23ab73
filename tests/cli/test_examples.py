"""Every bundled example is listed in the README and passes `schild validate`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from schild.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "examples").rglob("*.yaml"))


def test_readme_lists_every_example():
    """Regression: the README's examples list left out examples/ukraine/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert EXAMPLES and [e for e in EXAMPLES if f"`{e}`" not in readme] == []


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_validates(example):
    res = CliRunner().invoke(app, ["validate", str(ROOT / example)])
    assert res.exit_code == 0 and "ok" in res.output, res.output
