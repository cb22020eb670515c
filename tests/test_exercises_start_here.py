"""Notebook 00's first exercise, in the shared exercise_suite style."""

from helpers.exercises import start_here as ex
from tests.exercise_checks import exercise_suite

REFERENCE = {"q0": -2.0}
WRONG = {"q0": [(4.0, "sign of w₂"), (2.0, "sign is wrong"), (4.5, "before adding"), (-2.5, "too big")]}

globals().update(exercise_suite(ex, REFERENCE, WRONG))
