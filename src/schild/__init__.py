"""schild: simulate and plan integrated air and missile defence from public figures.

>>> import schild
>>> world = schild.load_scenario("examples/city-record-raid.yaml")
>>> result = schild.simulate(world, runs=1000, seed=1)
>>> result.summary()
"""

__version__ = "0.1.0"

from .compile import World, compile_world  # noqa: E402
from .errors import InputError, ScenarioError  # noqa: E402
from .results import SimulationResult, Stat  # noqa: E402
from .scenario.loading import read_scenario, scenario_from_dict, scenario_from_text  # noqa: E402
from .simulate import DefenceState, load_scenario, simulate  # noqa: E402

__all__ = [
    "World", "compile_world", "InputError", "ScenarioError", "SimulationResult", "Stat", "read_scenario",
    "scenario_from_dict", "scenario_from_text", "DefenceState", "load_scenario", "simulate", "__version__",
]
