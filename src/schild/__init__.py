"""schild: simulate and plan integrated air and missile defence from public figures.

>>> import schild
>>> world = schild.load_scenario("examples/city-record-raid.yaml")
>>> result = schild.simulate(world, runs=1000, seed=1)
>>> result.summary()
"""

from ._lazy import install as _install_lazy

__version__ = "0.1.0"

_LAZY = {
    "World": "compile", "compile_world": "compile",
    "InputError": "errors", "ScenarioError": "errors",
    "SimulationResult": "results", "Stat": "results",
    "read_scenario": "scenario.loading", "scenario_from_dict": "scenario.loading",
    "scenario_from_text": "scenario.loading",
    "DefenceState": "simulate", "load_scenario": "simulate", "simulate": "simulate",
}
__all__ = [*_LAZY, "__version__"]
_install_lazy(__name__, _LAZY)  # numpy, numba, scipy and pandas load on first use of these names
