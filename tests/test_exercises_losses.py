"""Notebook 04's exercises accept the reference, reject wrong answers with feedback, and never crash."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers.exercises import losses as ex
from helpers.exercises.core import NOT_ATTEMPTED
from helpers.losses import mse, softmax_cross_entropy, softmax_cross_entropy_grad
from tests.exercise_checks import run_check


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# Wrong answers a learner might write, per exercise.
WRONG = {
    "q1": {
        "sum, not mean": lambda y_true, y_pred: np.sum((y_pred - y_true) ** 2),
        "absolute error": lambda y_true, y_pred: np.mean(np.abs(y_pred - y_true)),
        "square of the mean": lambda y_true, y_pred: np.mean(y_pred - y_true) ** 2,
        "no square": lambda y_true, y_pred: np.mean(y_pred - y_true),
    },
    "q2": {"the probability": 0.1, "log without minus": np.log(0.1), "rounded too far": 2.3},
    "q3": {
        "naive softmax then log": lambda labels, logits: -np.mean(np.log(
            np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True))[np.arange(len(labels)), labels]),
        "sum, not mean": lambda labels, logits: -np.sum(
            np.log(_softmax(logits))[np.arange(len(labels)), labels]),
        "forgot the minus": lambda labels, logits: np.mean(
            (logits - logits.max(1, keepdims=True))[np.arange(len(labels)), labels]),
        "clipped probabilities": lambda labels, logits: -np.mean(
            np.log(np.clip(_softmax(logits), 1e-12, 1))[np.arange(len(labels)), labels]),
    },
    "q4": {
        "forgot to divide by n": lambda labels, logits: _softmax(logits) - np.eye(logits.shape[1])[labels],
        "sign flipped": lambda labels, logits: (np.eye(logits.shape[1])[labels] - _softmax(logits))
        / len(labels),
        "softmax only": lambda labels, logits: _softmax(logits) / len(labels),
        "a scalar": lambda labels, logits: float(np.mean(_softmax(logits))),
    },
}


@pytest.mark.parametrize("name", ["q1", "q2", "q3", "q4"])
def test_reference_passes(capsys, name):
    exercise = getattr(ex, name)
    answer = exercise.reference() if name == "q2" else exercise.reference
    passed, out = run_check(exercise, answer, capsys)
    assert passed, out
    assert "✓" in out


@pytest.mark.parametrize("name, label", [(n, label) for n, answers in WRONG.items() for label in answers])
def test_wrong_answers_fail_with_feedback(capsys, name, label):
    with np.errstate(all="ignore"):  # the naive version overflows on purpose
        passed, out = run_check(getattr(ex, name), WRONG[name][label], capsys)
    assert not passed
    assert "✗" in out and "not yet" in out


def test_naive_cross_entropy_feedback_points_at_nan_or_inf(capsys):
    with np.errstate(all="ignore"):
        _, out = run_check(ex.q3, WRONG["q3"]["naive softmax then log"], capsys)
    assert "nan or inf" in out and "1000" in out


@pytest.mark.parametrize("name", ["q1", "q2", "q3", "q4"])
def test_placeholder_is_not_attempted(capsys, name):
    passed, out = run_check(getattr(ex, name), ..., capsys)
    assert not passed and out.strip() == NOT_ATTEMPTED


@pytest.mark.parametrize("name", ["q1", "q3", "q4"])
def test_function_with_placeholder_body_is_not_attempted(capsys, name):
    def my_answer(**kwargs):
        ...

    passed, out = run_check(getattr(ex, name), lambda *a, **k: my_answer(), capsys)
    assert not passed and out.strip() == NOT_ATTEMPTED


@pytest.mark.parametrize("name", ["q1", "q3", "q4"])
def test_crashing_answer_gets_feedback_not_a_traceback(capsys, name):
    def crashes(*args, **kwargs):
        raise IndexError("index 3 is out of bounds")

    passed, out = run_check(getattr(ex, name), crashes, capsys)
    assert not passed
    assert "✗" in out and "IndexError" in out and "index 3 is out of bounds" in out


def test_non_function_answer_gets_feedback(capsys):
    passed, out = run_check(ex.q1, 3.0, capsys)
    assert not passed and "expected a function" in out
    passed, out = run_check(ex.q2, "2.3", capsys)
    assert not passed and "✗" in out


def test_references_agree_with_the_library_and_torch():
    for case in ex.q1.cases:
        assert ex.mse(**case) == pytest.approx(mse(case["y_true"], case["y_pred"]))
    for case in ex.q3.cases:
        expected = F.cross_entropy(torch.tensor(case["logits"]), torch.tensor(case["labels"])).item()
        assert ex.softmax_cross_entropy(**case) == pytest.approx(expected, rel=1e-12)
        assert softmax_cross_entropy(case["labels"], case["logits"]) == pytest.approx(expected, rel=1e-12)
        np.testing.assert_allclose(ex.softmax_cross_entropy_grad(**case),
                                   softmax_cross_entropy_grad(case["labels"], case["logits"]), atol=1e-15)
    assert ex.uniform_guess_loss() == pytest.approx(np.log(10))


def test_hint_and_solution_print(capsys):
    for exercise in (ex.q1, ex.q2, ex.q3, ex.q4):
        exercise.hint()
        exercise.solution()
        out = capsys.readouterr().out
        assert "Hint" in out and "Solution" in out and "return" in out
