"""Notebook 01's exercises: the reference passes, wrong answers fail with feedback, placeholders and crashes are handled."""

import numpy as np
import pytest

from helpers.activations import relu, sigmoid
from helpers.exercises.neurons import q1, q2, q3, q4
from tests.exercise_checks import (
    assert_accepted,
    assert_hint_and_solution,
    assert_not_attempted,
    assert_rejected,
    run_check,
)

EXERCISES = {"q1": q1, "q2": q2, "q3": q3, "q4": q4}


def crash(*args, **kwargs):
    raise RuntimeError("boom")


class Unmeasurable:
    """An answer that explodes when the checker looks at it."""

    def __len__(self):
        raise RuntimeError("no length")


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes(name, capsys):
    assert_accepted(EXERCISES[name], EXERCISES[name].reference, capsys)


WRONG = [
    ("q1", lambda x, w, b: np.dot(w, x), "expected -1.2, got -1.5"),  # forgot the bias
    ("q1", lambda x, w, b: w * x + b, "shape"),  # forgot to add the products up
    ("q1", lambda x, w, b: np.dot(w, x) - b, "expected -1.2"),  # subtracted the bias
    ("q1", lambda x, w, b: np.sum(w + x) + b, "expected -1.2"),  # added instead of multiplied
    ("q2", lambda x, w, b: np.dot(w, x) + b, "expected 0.2315, got -1.2"),  # returned z, not a
    ("q2", lambda x, w, b: relu(np.dot(w, x) + b), "expected 0.2315"),  # wrong activation
    ("q2", lambda x, w, b: sigmoid(np.dot(w, x)), "expected 0.2315"),  # forgot the bias
    ("q3", (1.0, 1.0, 0.0), "(0, 1)"),  # OR-like: fires too often
    ("q3", (1.0, 1.0, -2.5), "AND(1, 1) = 1"),  # never fires
    ("q3", (-1.0, -1.0, 1.5), "(0, 0)"),  # NAND
    ("q3", (1.0, 1.0), "three numbers"),
    ("q3", "1, 1, -1.5", "three numbers"),
    ("q4", 20, "weights only"),
    ("q4", 9, "counts neurons"),
    ("q4", 25, "not it"),
    ("q4", "26", "whole number"),
]


@pytest.mark.parametrize(("name", "answer", "feedback"), WRONG)
def test_wrong_answers_fail_with_feedback(name, answer, feedback, capsys):
    assert_rejected(EXERCISES[name], answer, capsys, feedback)


@pytest.mark.parametrize("name", EXERCISES)
@pytest.mark.parametrize("placeholder", [..., None])
def test_placeholder_is_not_attempted(name, placeholder, capsys):
    assert_not_attempted(EXERCISES[name], placeholder, capsys)


@pytest.mark.parametrize("name", ["q1", "q2"])
def test_function_body_left_as_placeholder_is_not_attempted(name, capsys):
    assert_not_attempted(EXERCISES[name], lambda x, w, b: ..., capsys)


@pytest.mark.parametrize(("name", "answer"), [("q1", crash), ("q2", crash), ("q3", Unmeasurable()),
                                              ("q4", Unmeasurable()), ("q1", 3.0), ("q3", (1, "a", 2))])
def test_crashing_or_ill_typed_answer_gives_feedback(name, answer, capsys):
    assert_rejected(EXERCISES[name], answer, capsys)


def test_feedback_names_the_failing_input(capsys):
    _, out = run_check(q1, lambda x, w, b: np.dot(w, x), capsys)
    assert "x=[1. 2.]" in out and "b=0.3" in out


def test_and_feedback_shows_the_arithmetic(capsys):
    _, out = run_check(q3, (1.0, 1.0, 0.0), capsys)
    assert "z = 1.0·0 + 1.0·1 + 0.0 = 1.0 > 0" in out


@pytest.mark.parametrize("name", EXERCISES)
def test_hint_and_solution_print_text(name, capsys):
    assert_hint_and_solution(EXERCISES[name], capsys)


def test_other_and_weights_are_accepted(capsys):
    assert run_check(q3, (2.0, 2.0, -3.0), capsys)[0]
    assert run_check(q3, [0.5, 0.7, -1.0], capsys)[0]
    assert run_check(q4, np.int64(26), capsys)[0]
