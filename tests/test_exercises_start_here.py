"""Notebook 00's first exercise, in the shared exercise_suite style."""

from helpers.exercises import start_here as ex
from tests.exercise_checks import exercise_suite

REFERENCE = {"q0": -2.0}
WRONG = {"q0": [(4.0, "sign of w₂"), (2.0, "sign is wrong"), (4.5, "before adding"), (-2.5, "too far from 0"),
                 (-1.5, "too close to 0")]}


globals().update(exercise_suite(ex, REFERENCE, WRONG))


def test_a_more_negative_answer_is_never_called_too_big(capsys):
    """-2.5 is smaller than the expected -2: "too big" would send the learner the wrong way."""
    ex.q0.check(-2.5)
    out = capsys.readouterr().out
    assert "too big" not in out and "too far from 0" in out, out
