"""The command line starts without the numerical libraries: they load when a command needs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("numpy", "numba", "pandas", "scipy", "matplotlib", "pyarrow", "highspy", "ortools")


def _modules_loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('loaded:', *(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.splitlines()[-1].split()[1:])


def test_importing_the_cli_loads_no_numerical_library():
    """Regression: `schild --help` took ~2.7 s because `import schild` loaded numba, pandas and scipy."""
    assert _modules_loaded_after("import schild.cli") == set()


@pytest.mark.parametrize("args", [["validate", str(ROOT / "examples" / "city-record-raid.yaml")],
                                  ["catalog", "list"], ["--help"]])
def test_quick_commands_load_no_numerical_library(args):
    """`validate`, `catalog list` and `--help` answer in well under a second only while they leave numpy,
    numba, scipy and pandas unloaded."""
    code = f"from schild.cli import app\napp({args!r}, standalone_mode=False)"
    assert _modules_loaded_after(code) == set()


def test_public_names_still_load_on_use():
    loaded = _modules_loaded_after("import schild\nassert callable(schild.simulate) and schild.Stat")
    assert {"numpy", "numba", "pandas", "scipy"} <= loaded


def test_simulate_stays_the_function_after_its_module_is_imported():
    """``schild.simulate`` is both a submodule and the public function (``schild.wta.solve`` too):
    importing the submodule first must not leave the package attribute pointing at the module."""
    code = """
import sys
import schild.simulate, schild.wta.solve
import schild, schild.wta
assert schild.simulate is sys.modules["schild.simulate"].simulate, schild.simulate
assert schild.wta.solve is sys.modules["schild.wta.solve"].solve, schild.wta.solve
assert {"simulate", "load_scenario", "InputError"} <= set(dir(schild))
"""
    subprocess.run([sys.executable, "-c", code], check=True)
