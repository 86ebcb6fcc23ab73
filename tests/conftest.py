"""Shared fixtures: the acceptance scenario of the raid-simulator issue, verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

BINOMIAL_YAML = (Path(__file__).parent / "scenarios" / "binomial-check.yaml").read_text(encoding="utf-8")


@pytest.fixture
def binomial_yaml() -> str:
    return BINOMIAL_YAML


@pytest.fixture
def write_yaml(tmp_path: Path):
    def _write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
