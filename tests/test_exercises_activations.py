"""Notebook 02's exercises: the reference passes, wrong answers fail with feedback, placeholders and crashes are handled."""

import warnings

import numpy as np
import pytest

from helpers.activations import sigmoid, tanh_grad
from helpers.exercises.activations import q1, q2, q3, q4
from tests.exercise_checks import (
    assert_accepted,
    assert_hint_and_solution,
    assert_not_attempted,
    assert_rejected,
    run_check,
)

EXERCISES = {"q1": q1, "q2": q2, "q3": q3, "q4": q4}


def crash(z):
    raise ZeroDivisionError("boom")


def naive_softmax(z):
    e = np.exp(z)
    return e / e.sum()


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes(name, capsys):
    assert_accepted(EXERCISES[name], EXERCISES[name].reference, capsys)


def test_reference_passes_with_no_warning(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for q in EXERCISES.values():
            assert q.check(q.reference)


WRONG = [
    ("q1", lambda z: max(0, z), "truth value of an array"),  # Python's max on an array
    ("q1", lambda z: np.max(z, 0), "the shape is ()"),  # np.max reduces
    ("q1", lambda z: np.abs(z), "expected [0.  0.  0.  0.5 3. ]"),  # |z| is not ReLU
    ("q1", lambda z: np.minimum(0, z), "expected"),  # the wrong half
    ("q2", lambda z: sigmoid(z) * (1 + sigmoid(z)), "expected [0.25], got [0.75]"),
    ("q2", lambda z: sigmoid(z), "got [0.5]"),  # the function, not its slope
    ("q2", tanh_grad, "got [1.]"),  # tanh's derivative
    ("q3", naive_softmax, "nan or inf"),  # overflows on [1000, 1001, 1002]
    ("q3", lambda z: naive_softmax(z - np.min(z)), "nan or inf"),  # shifted the wrong way
    ("q3", lambda z: np.exp(z - np.max(z)), "expected"),  # not normalised
    ("q3", lambda z: z / z.sum(), "expected"),  # no exp
    ("q4", 0.25, "one layer"),
    ("q4", 2.5, "ten layers added"),
    ("q4", 0.5 ** 10, "wrong largest slope"),
    ("q4", 1e-3, "not it"),
    ("q4", "0.25 ** 10", "a single number"),
]


@pytest.mark.parametrize(("name", "answer", "feedback"), WRONG)
def test_wrong_answers_fail_with_feedback(name, answer, feedback, capsys):
    assert_rejected(EXERCISES[name], answer, capsys, feedback)


def test_softmax_feedback_names_the_input_that_overflows(capsys):
    _, out = run_check(q3, naive_softmax, capsys)
    assert "z=[1000. 1001. 1002.]" in out


@pytest.mark.parametrize("name", EXERCISES)
@pytest.mark.parametrize("placeholder", [..., None])
def test_placeholder_is_not_attempted(name, placeholder, capsys):
    assert_not_attempted(EXERCISES[name], placeholder, capsys)


@pytest.mark.parametrize("name", ["q1", "q2", "q3"])
def test_function_body_left_as_placeholder_is_not_attempted(name, capsys):
    assert_not_attempted(EXERCISES[name], lambda z: ..., capsys)


@pytest.mark.parametrize(("name", "answer"), [("q1", crash), ("q2", crash), ("q3", crash), ("q1", 3.0),
                                              ("q3", "softmax"), ("q4", [0.25] * 10), ("q4", True)])
def test_crashing_or_ill_typed_answer_gives_feedback(name, answer, capsys):
    assert_rejected(EXERCISES[name], answer, capsys)


def test_answers_may_modify_their_input_in_place(capsys):
    def softmax_in_place(z):
        z -= z.max()
        np.exp(z, out=z)
        z /= z.sum()
        return z

    assert run_check(q3, softmax_in_place, capsys)[0]
    assert run_check(q1, lambda z: np.where(z > 0, z, 0.0), capsys)[0]  # another right ReLU


@pytest.mark.parametrize("name", EXERCISES)
def test_hint_and_solution_print_text(name, capsys):
    assert_hint_and_solution(EXERCISES[name], capsys)
