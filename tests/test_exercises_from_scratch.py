"""Notebook 07's exercises: the reference passes, wrong answers fail with feedback (known slips named),
placeholders say "Not attempted yet", and a crashing answer is reported, never raised."""

import numpy as np
import pytest
import torch

from helpers.exercises import from_scratch as ex
from tests.exercise_checks import assert_not_attempted, assert_rejected, exercise_suite

WRONG = {  # exercise -> [(wrong answer, words the feedback must contain)]
    "q1": [(ex._one_hot_shifted, "one column too far right"), (lambda labels, k: ex.one_hot(labels, k).T, "shape"),
           (lambda labels, k: np.eye(k)[labels] * 2, "not right")],
    "q2": [(ex._ce_grad_no_mean, "divide by n"), (ex._ce_grad_flipped, "sign is flipped"),
           (ex._ce_grad_softmax_wrong_axis, "axis=1"),
           (lambda logits, labels: np.exp(logits) - ex.one_hot(labels, logits.shape[1]), "not right")],
    "q3": [(ex._accuracy_percent, "not a percentage"), (ex._error_rate, "error rate"),
           (lambda logits, labels: float(np.mean(logits.argmin(axis=1) == labels)), "not right")],
    "q4": [(ex._momentum_old_velocity, "velocity first"), (ex._momentum_uphill, "uphill"),
           (lambda w, v, grad, lr, momentum: (w - lr * grad, v), "not right")],
}
REFERENCE = {"q1": ex.one_hot, "q2": ex.cross_entropy_grad, "q3": ex.accuracy, "q4": ex.momentum_step}


(
    test_reference_answer_passes,
    test_wrong_answers_fail_with_feedback,
    test_placeholder_is_not_attempted,
    test_hint_and_solution,
) = exercise_suite(ex, REFERENCE, WRONG)


@pytest.mark.parametrize("name, template", [
    ("q1", lambda labels, k: ...),
    ("q4", lambda w, v, grad, lr, momentum: (..., ...)),
])
def test_function_template_left_unfilled_is_not_attempted(name, template, capsys):
    assert_not_attempted(getattr(ex, name), template, capsys)


@pytest.mark.parametrize("name, crashing", [
    ("q1", lambda labels, k: np.zeros(k)[labels, 0]),
    ("q2", lambda logits, labels: logits @ labels),
    ("q3", lambda logits, labels: logits.argmax(axis=0) == labels),
    ("q4", lambda w, v, grad, lr, momentum: w @ np.ones(7)),
])
def test_crashing_answer_is_reported_not_raised(name, crashing, capsys):
    out = assert_rejected(getattr(ex, name), crashing, capsys, "your function raised")
    assert "when called with" in out and "checking your answer failed" not in out, out


def test_references_agree_with_pytorch():
    logits, labels = torch.tensor(ex._LOGITS, requires_grad=True), torch.from_numpy(ex._LABELS)
    torch.nn.functional.cross_entropy(logits, labels).backward()
    np.testing.assert_allclose(ex.cross_entropy_grad(ex._LOGITS, ex._LABELS), logits.grad.numpy(), rtol=1e-10)
    np.testing.assert_array_equal(ex.one_hot(ex._LABELS, 10),
                                  torch.nn.functional.one_hot(labels, 10).numpy())
    w = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    w_ours, v_ours = w.detach().numpy().copy(), np.zeros(2)
    for grad in ([0.2, -0.4], [0.1, 0.3]):
        w.grad = torch.tensor(grad, dtype=torch.float64)
        opt.step()
        w_ours, v_ours = ex.momentum_step(w_ours, v_ours, np.array(grad), 0.1, 0.9)
    np.testing.assert_allclose(w_ours, w.detach().numpy(), rtol=1e-12)


def test_accuracy_and_one_hot_on_hand_worked_examples():
    logits = np.array([[0.0, 5.0], [3.0, -1.0], [1.0, 2.0], [0.5, 0.4]])  # predictions 1, 0, 1, 0
    assert ex.accuracy(logits, np.array([1, 1, 1, 0])) == pytest.approx(0.75)
    assert ex.accuracy(logits, np.array([1, 0, 1, 0])) == pytest.approx(1.0)
    np.testing.assert_array_equal(ex.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
