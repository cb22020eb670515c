"""Notebook 00's exercise and prediction, in the shared exercise_suite style."""

import numpy as np
import pytest
import torch

from helpers.exercises import start_here as ex
from tests.exercise_checks import exercise_suite

REFERENCE = {"q0": -2.0, "p0": "b"}
WRONG = {"q0": [(4.0, "sign of w₂"), (2.0, "belongs to w₂ only"), (4.5, "before adding"), (-2.5, "too far from 0"),
                 (-1.5, "too close to 0"), (-3.0, "w₂·x₂ alone"), (1.0, "w₁·x₁ alone"), (-1.0, "w₂ goes with x₂"),
                 (-0.5, "its own input"), ((1.0, -3.0), "add the products"), ([1.0, -3.0], "2 numbers"),
                 (np.array([1.0, -3.0]), "one number"),
                 ("-2", "remove the quotes"), ("minus two", "one number, not a str")],
         "p0": [("a", "w₁·x₁ is still there"), ("c", "the inputs alone"), ("d", 'one of "a"'),
                (1, "the letter in quotes")]}


globals().update(exercise_suite(ex, REFERENCE, WRONG))


def test_a_more_negative_answer_is_never_called_too_big(capsys):
    """-2.5 is smaller than the expected -2: "too big" would send the learner the wrong way."""
    ex.q0.check(-2.5)
    out = capsys.readouterr().out
    assert "too big" not in out and "too far from 0" in out, out


def test_one_number_in_an_array_is_still_one_number(capsys):
    """The two-number slip is only for two numbers: the right sum as a NumPy number or 1-element array passes."""
    assert ex.q0.check(np.float64(-2.0)) and ex.q0.check(np.array(-2.0))
    assert "shape" not in capsys.readouterr().out


def test_a_quoted_number_is_told_to_drop_the_quotes_not_that_an_array_would_do(capsys):
    """The answer is one number: a str gets "remove the quotes", never "or an array of numbers"."""
    assert not ex.q0.check("-2")
    out = capsys.readouterr().out
    assert "remove the quotes" in out and "array" not in out, out


@pytest.mark.parametrize("answer", [[-2], [[-2.0]], np.array([-2.0]), torch.tensor([-2.0])])
def test_the_sum_inside_brackets_is_told_to_drop_the_brackets(answer, capsys):
    """[-2] is the right number in a list: the slip is the brackets, not an unsummed pair ("1 numbers")."""
    assert not ex.q0.check(answer)
    out = capsys.readouterr().out
    assert "without the brackets" in out and "numbers" not in out and "add the products" not in out, out


def test_w2_not_multiplied_by_its_input_is_named(capsys):
    """w₁x₁ + w₂ = 0 has no sign: the slip is a product left out, and the feedback says so."""
    assert not ex.q0.check(0.5 * 2 + (-1))
    out = capsys.readouterr().out
    assert "multiply w₂ by its input" in out and "sign" not in out, out


@pytest.mark.parametrize("answer", [-1.99, -2.004, np.float32(-2.01)])
def test_a_near_miss_is_told_to_compute_exactly_without_float_talk(answer, capsys):
    """Every value in q0 is exact: a near miss hears "compute exactly", never float32/float64 (new in 00)."""
    assert not ex.q0.check(answer)
    out = capsys.readouterr().out
    assert "whole numbers" in out and "not exact" not in out, out  # "exact" about a check with a tolerance
    assert "float" not in out and "-2" not in out.replace("−", "-").split("answer")[-1], out


@pytest.mark.parametrize("answer, named", [(-4.0, "only w₂ is negative"), (5.0, "multiply each input by its weight")])
def test_two_plausible_slips_get_their_own_message(answer, named, capsys):
    """−4 carries w₂'s minus onto w₁ (not "a factor applied twice"); 5 is x₁ + x₂, the weights left out."""
    assert not ex.q0.check(answer)
    out = capsys.readouterr().out
    assert named in out and "too big" not in out and "recompute" not in out, out


def test_a_course_function_handed_in_is_told_the_answer_is_a_number(capsys):
    """q0 asks for a number: handing in a course function hears that, not "write that function yourself"."""
    from helpers.doctor import report
    assert not ex.q0.check(report)
    out = capsys.readouterr().out
    assert "a number you compute" in out and "function yourself" not in out, out


def test_the_concrete_hint_writes_its_minus_sign_as_code_can_type_it():
    """Hint 2 is what a learner pastes into the answer cell: its minus must be ASCII '-', not U+2212."""
    assert "−" not in ex.q0.hints[-1] and "-1" in ex.q0.hints[-1], ex.q0.hints[-1]


def test_a_trailing_comma_is_told_it_makes_a_tuple_not_brackets(capsys):
    """`answer = 0.5*2 + -1*3,` is the tuple (-2.0,): there are no brackets to look for, the comma is the slip."""
    assert not ex.q0.check((-2.0,))
    out = capsys.readouterr().out
    assert "comma" in out and "tuple" in out and "brackets" not in out, out


@pytest.mark.parametrize("answer, named", [(["a", "b", "c"], "list of 3 entries"), ([1.0, "b"], "list of 2 entries"),
                                           (np.array(["x", "y", "z"]), "array of 3 entries")])
def test_entries_that_are_not_numbers_are_not_counted_as_two_numbers(answer, named, capsys):
    """A list of str is not "2 numbers" (the old fallback count): the feedback says what it is, and asks for one."""
    assert not ex.q0.check(answer)
    out = capsys.readouterr().out
    assert named in out and "one number" in out and "2 numbers" not in out, out


@pytest.mark.parametrize("answer", [True, np.True_])
def test_a_bool_is_not_taken_for_the_product_w1_x1(answer, capsys):
    """True == 1 == w₁·x₁, but a learner who typed True wrote a truth value, not a product."""
    assert not ex.q0.check(answer)
    out = capsys.readouterr().out
    assert "truth value" in out and "w₁·x₁ alone" not in out, out


def test_the_last_hint_leaves_the_second_product_to_the_learner():
    """The last hint is close to the answer but never all of it: it does not write w₂·x₂ as code."""
    last = ex.q0.hints[-1]
    assert "0.5 * 2" in last and "-1 * 3" not in last and "(-1) * 3" not in last, last


def test_the_prediction_is_what_the_widget_shows_at_w2_zero():
    """p0's right option is the sum the widget draws at w₂ = 0: 0.5·2 + 0·3 = 1."""
    from helpers.plots.start_here import weighted_sum_parts

    assert float(ex.p0.options[ex.p0.reference]) == weighted_sum_parts(0.0)[2]
