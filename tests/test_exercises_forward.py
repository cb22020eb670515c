"""Notebook 03's exercises: the reference passes, wrong answers fail with feedback, placeholders and crashes are handled."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.activations import relu, sigmoid
from helpers.exercises.forward import q1, q2, q3, q4, q5
from helpers.forward import XOR_PRESET
from tests.exercise_checks import run_check

EXERCISES = [q1, q2, q3, q4, q5]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda q: q.title)
def test_reference_answer_passes(exercise, capsys):
    result, out = run_check(exercise, exercise.reference, capsys)
    assert result is True
    assert "✓" in out


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda q: q.title)
@pytest.mark.parametrize("placeholder", [..., None])
def test_placeholder_says_not_attempted(exercise, placeholder, capsys):
    result, out = run_check(exercise, placeholder, capsys)
    assert result is False
    assert "Not attempted yet" in out


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda q: q.title)
def test_hint_and_solution_print_text(exercise, capsys):
    exercise.hint()
    exercise.solution()
    out = capsys.readouterr().out
    assert "Hint" in out and "Solution" in out


def _raises(**kwargs):
    raise RuntimeError("boom")


WRONG = [
    # q1: dense ReLU layer
    (q1, lambda X, W, b: relu(X @ W + b), "raised ValueError"),  # forgot the transpose
    (q1, lambda X, W, b: X @ W.T + b, "expected"),  # forgot the ReLU
    (q1, lambda X, W, b: relu(X @ W.T), "expected"),  # forgot the bias
    (q1, lambda X, W, b: relu(W @ X.T + b[:, None]), "the shape is (3, 2), expected (2, 3)"),  # columns layout
    (q1, _raises, "RuntimeError: boom"),
    (q1, 42, "expected a function"),
    # q2: examples as columns
    (q2, lambda Xc, W, b: W @ Xc + b, "raised ValueError"),  # b added along rows
    (q2, lambda Xc, W, b: Xc.T @ W.T + b, "the shape is (4, 3), expected (3, 4)"),  # rows layout
    (q2, lambda Xc, W, b: W @ Xc, "expected"),  # forgot the bias
    # q3: two-layer forward pass
    (q3, lambda X, W1, b1, W2, b2: sigmoid(sigmoid(X @ W1.T + b1) @ W2.T + b2), "expected"),  # wrong hidden act.
    (q3, lambda X, W1, b1, W2, b2: sigmoid(relu(X @ W1.T + b1) @ W2.T), "expected"),  # forgot b2
    (q3, lambda X, W1, b1, W2, b2: relu(X @ W1.T + b1) @ W2.T + b2, "expected"),  # no output sigmoid
    (q3, lambda X, W1, b1, W2, b2: sigmoid(relu(X @ W2.T + b2)), "raised ValueError"),  # skipped a layer
    # q4: XOR with ReLU hidden units
    (q4, tuple(XOR_PRESET.values()), "at x = (1, 1) your network gives ŷ = 1.000, but XOR's target is 0"),
    (q4, (np.array([[1.0, 1.0]]), np.zeros(1), np.array([[1.0]]), np.zeros(1)), "at x = (0, 0)"),
    (q4, (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]), np.array([[4.0, -8.0]]), np.array([-3.0])),
     "at x = (0, 1) your network gives ŷ = 0.731, but XOR's target is 1: ŷ must be at least 0.9"),  # right side of 0.5, but not confident
    (q4, (np.ones((2, 3)), np.zeros(2), np.ones((1, 2)), np.zeros(1)), "in the hidden layer (W1, b1): W has shape (2, 3)"),
    (q4, (np.ones((2, 2)), np.zeros(2), np.ones((1, 3)), np.zeros(1)), "in the output layer (W2, b2)"),
    (q4, (np.ones((2, 2)), np.zeros(2), np.ones(2), np.zeros(1)), "W2 must have shape (1, hidden)"),
    (q4, ("a", "b", "c", "d"), "must be arrays of numbers"),
    (q4, [1, 2], "expected four arrays"),
    # q5: shapes
    (q5, ((784, 128), (64, 128), (64, 10)), "nn.Linear stores its weight as (out_features, in_features)"),
    (q5, ((128, 784), (128, 64), (64, 10)), "PyTorch puts the batch first"),
    (q5, ((128, 784), (64, 128), (64, 1)), "the output should have shape (64, 10), not (64, 1)"),
    (q5, ((128, 784), (64, 128), "64 x 10"), "a shape is a tuple of whole numbers"),
    (q5, "(128, 784)", "expected three shapes"),
]


@pytest.mark.parametrize(("exercise", "answer", "feedback"), WRONG,
                         ids=[f"{q.title.split(' (')[0]}-{i}" for i, (q, _, _) in enumerate(WRONG)])
def test_wrong_answer_fails_with_feedback(exercise, answer, feedback, capsys):
    result, out = run_check(exercise, answer, capsys)
    assert result is False
    assert "✗" in out
    assert feedback in out


def test_q1_feedback_names_the_failing_input(capsys):
    _, out = run_check(q1, lambda X, W, b: X @ W.T + b, capsys)
    assert "when called with X=" in out and "W=" in out and "b=" in out


def test_q5_accepts_lists_and_torch_sizes(capsys):
    import torch

    assert q5.check(([128, 784], torch.Size([64, 128]), torch.zeros(64, 10).shape)) is True


def test_q4_accepts_any_correct_network(capsys):
    # The preset's OR/AND idea also works with ReLUs once the output weights are retuned, with 3 hidden units.
    W1 = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    b1 = np.array([0.0, -1.0, 0.0])
    W2 = np.array([[20.0, -40.0, 3.0]])
    b2 = np.array([-10.0])
    assert q4.check((W1, b1, W2, b2)) is True


@pytest.mark.parametrize("exercise", [q1, q2, q3], ids=lambda q: q.title)
def test_a_function_whose_body_is_still_the_placeholder_says_not_attempted(exercise, capsys):
    def untouched(**kwargs):
        ...  # the notebook ships the function like this

    result, out = run_check(exercise, untouched, capsys)
    assert result is False and "Not attempted yet" in out


def test_partly_filled_answers_say_not_attempted(capsys):
    _, out4 = run_check(q4, (np.eye(2), ..., ..., ...), capsys)
    _, out5 = run_check(q5, ((128, 784), ..., ...), capsys)
    assert "Not attempted yet" in out4 and "Not attempted yet" in out5
