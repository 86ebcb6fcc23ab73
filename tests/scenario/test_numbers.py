"""Numbers in a scenario must be finite, must not be booleans, and must stay inside physical bounds.

Regressions: ``launch_window_s: [0, .inf]`` launched at t = inf (and counted EW defeats in a
scenario without EW), ``pk: .nan`` and ``speed_mps: .inf`` silently changed the figures, and
``count: true`` was read as one threat.
"""

from __future__ import annotations

import pytest

import schild
from schild.errors import ScenarioError

CASES = [
    # (id, (old, new) in binomial-check.yaml, field named, fragment of the message)
    ("window-inf", ("launch_window_s: [0, 0]", "launch_window_s: [0, .inf]"), "raids[0].launch_window_s[1]",
     "finite number"),
    ("window-nan", ("launch_window_s: [0, 0]", "launch_window_s: [.nan, 10]"), "raids[0].launch_window_s[0]",
     "finite number"),
    ("window-40-days", ("launch_window_s: [0, 0]", "launch_window_s: [0, 3456000]"), "raids[0].launch_window_s",
     "<= 2592000 (30 days)"),
    ("window-wrong-unit", ("launch_window_s: [0, 0]", "launch_window_s: [1.0e12, 1.0e12]"),
     "raids[0].launch_window_s", "<= 2592000 (30 days)"),
    ("pk-nan", ("pk: 0.8", "pk: .nan"), "catalog.effectors.test_battery.envelope.drone.pk", "finite number"),
    ("pk-sourced-nan", ("pk: 0.8", "pk: {value: .nan, basis: assumption}"),
     "catalog.effectors.test_battery.envelope.drone.pk.value", "finite number"),
    ("range-inf", ("pk: 0.8", "pk: {value: 0.8, range: [0.5, .inf]}"),
     "catalog.effectors.test_battery.envelope.drone.pk.range[1]", "finite number"),
    ("speed-inf", ("speed_mps: 50", "speed_mps: .inf"), "catalog.threats.test_drone.speed_mps", "finite number"),
    ("speed-minus-inf", ("speed_mps: 1000", "speed_mps: -.inf"), "catalog.interceptors.test_missile.speed_mps",
     "finite number"),
    ("speed-string-inf", ("speed_mps: 50", "speed_mps: 'inf'"), "catalog.threats.test_drone.speed_mps",
     "finite number"),
    ("speed-above-escape", ("speed_mps: 1000", "speed_mps: 20000"), "catalog.interceptors.test_missile.speed_mps",
     "speed_mps must be <= 11,200"),
    ("count-true", ("count: 1000", "count: true"), "raids[0].count", "not a boolean"),
    ("count-huge", ("count: 1000", "count: 1000000000"), "raids[0].count", "less than or equal to 100000"),
    ("count-inf", ("count: 1000", "count: .inf"), "raids[0].count", "finite number"),
    ("launchers-bool", ("launchers: 10", "launchers: yes"), "catalog.effectors.test_battery.launchers",
     "not a boolean"),
    ("launchers-huge", ("launchers: 10", "launchers: 1.0e+300"), "catalog.effectors.test_battery.launchers",
     "launchers must be <= 1,000,000"),
    ("rounds-huge", ("type: test_battery, lat: 50.0, lon: 30.0}",
                     "type: test_battery, lat: 50.0, lon: 30.0, rounds: 100000000000000000000}"),
     "fire_units[0].rounds", "less than or equal to 1000000"),
    ("lat-nan", ("{id: city, lat: 50.0", "{id: city, lat: .nan"), "assets[0].lat", "finite number"),
    ("value-true", ("value: 1.0", "value: true"), "assets[0].value", "not a boolean"),
    ("salvo-true", ("drone: {salvo: 1,", "drone: {salvo: true,"), "doctrine.drone.salvo", "not a boolean"),
    ("look-minus-inf", ("drone: {salvo: 1,", "drone: {look_time_s: -.inf, salvo: 1,"), "doctrine.drone.look_time_s",
     "finite number"),
    ("ew-nan", ("raids:", "electronic_warfare: {zones: [{defeat_probability: {drone: .nan}}]}\nraids:"),
     "electronic_warfare.zones[0].defeat_probability.drone", "finite number"),
]


@pytest.mark.parametrize("change,field,fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_absurd_number_is_refused_at_its_line(binomial_yaml, change, field, fragment):
    old, new = change
    assert binomial_yaml.count(old) == 1, old
    text = binomial_yaml.replace(old, new)
    first_changed = new.splitlines()[0]
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if first_changed in ln)
    with pytest.raises(ScenarioError) as exc:
        schild.scenario_from_text(text, "scn.yaml")
    problems = exc.value.problems
    assert len(problems) == 1, str(exc.value)
    p = problems[0]
    assert (p.file, p.line, p.field) == ("scn.yaml", line, field), str(p)
    assert fragment in p.message, str(p)
    assert str(p).startswith(f"scn.yaml:{line}: {field}: ")


def test_the_boundaries_themselves_are_accepted(binomial_yaml):
    """30 days of launches, escape speed and 100,000 threats are allowed; only beyond is refused."""
    text = (binomial_yaml.replace("launch_window_s: [0, 0]", "launch_window_s: [0, 2592000]")
            .replace("count: 1000", "count: 100000").replace("speed_mps: 1000", "speed_mps: 11200"))
    spec = schild.scenario_from_text(text)
    raid = spec.scenario.raids[0]
    assert raid.launch_window_s == (0.0, 2_592_000.0) and raid.count == 100_000
    assert spec.catalog.interceptors["test_missile"].speed_mps.value == 11_200.0



def test_a_flight_of_months_is_refused_at_the_raid(binomial_yaml):
    """0.02 m/s over 111 km is 64 days of flight: 2.8 million path samples, and no raid."""
    text = binomial_yaml.replace("speed_mps: 50", "speed_mps: 0.02")
    with pytest.raises(ScenarioError) as exc:
        schild.scenario_from_text(text, "scn.yaml")
    (p,) = exc.value.problems
    raid_line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("  - {threat: test_drone"))
    assert (p.line, p.field) == (raid_line, "raids[0].threat")
    assert "fly 64 days" in p.message and "at most 30 days" in p.message
