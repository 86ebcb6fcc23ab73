"""Calibrate the Ukraine defence scenario family to the Air Force's reports and predict held-out months.

>>> from schild.calibration import calibrate, validate
>>> from schild.calibration.data import load, parse_date
>>> df = load("missile_attacks_daily.csv")
>>> params = calibrate(df, until=parse_date("2024-12-31", "until"))
>>> result = validate(df, params, from_ts=parse_date("2025-01-01", "from"), until_ts=None, runs=200, seed=0)

The fitted model is the simulator: :mod:`.family` (the generic oblast and its raids), :mod:`.sim`
(fast members of the family on one compiled template), :mod:`.tables` (the simulator on a design grid
for the likelihood), :mod:`.model` (parameters, priors, likelihood, MAP + Laplace + Metropolis),
:mod:`.predict` (held-out months simulated at posterior draws), :mod:`.validate` (rows and scores
beside the naive yardstick), :mod:`.rolling` (rolling-origin checks inside the training period).
See ``docs/calibration.md``.
"""

from .pipeline import FORMAT, calibrate, read_params
from .validate import validate

__all__ = ["FORMAT", "calibrate", "read_params", "validate"]
