"""Shared fixtures: the acceptance scenario of the raid-simulator issue, verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

BINOMIAL_YAML = """\
schema_version: 1
name: binomial-check
catalog:
  threats:
    test_drone: {class: drone, speed_mps: 50, altitude_m: 1000, unit_cost_usd: 30000}
  interceptors:
    test_missile: {unit_cost_usd: 100000, speed_mps: 1000}
  sensors:
    test_radar: {kind: radar, range_km: 200, mast_height_m: 20}
  effectors:
    test_battery:
      interceptor: test_missile
      launchers: 10
      rounds_per_launcher: 200
      fire_channels: 1000
      reaction_time_s: 0
      reload_time_s: 0
      envelope:
        drone: {min_range_km: 0, max_range_km: 50, max_altitude_m: 10000, pk: 0.8}
assets:
  - {id: city, lat: 50.0, lon: 30.0, value: 1.0}
sensors:
  - {id: radar1, type: test_radar, lat: 50.0, lon: 30.0}
fire_units:
  - {id: fu1, type: test_battery, lat: 50.0, lon: 30.0}
raids:
  - {threat: test_drone, count: 1000, from: {lat: 51.0, lon: 30.0}, target: city, launch_window_s: [0, 0]}
doctrine:
  drone: {salvo: 1, max_engagements: 1}
"""


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
