"""Notebook 05's exercises: the reference passes, wrong answers fail with feedback (known slips named),
placeholders say "Not attempted yet", and a crashing answer is reported, never raised."""

import numpy as np
import pytest

from helpers.activations import sigmoid
from helpers.exercises import backprop as ex
from tests.exercise_checks import assert_not_attempted, assert_rejected, exercise_suite


def neuron_forgets_x(x, w, b, y):
    a = sigmoid(w * x + b)
    return 2 * (a - y) * a * (1 - a), 2 * (a - y) * a * (1 - a)


def linear_transposed_weights(x, W, grad_out):
    return grad_out @ W, x.T @ grad_out, grad_out.sum(axis=0)  # grad_W comes out (in, out)


def linear_wrong_input_grad(x, W, grad_out):
    return grad_out @ W * 2, grad_out.T @ x, grad_out.sum(axis=0)


WRONG = {  # exercise -> [(wrong answer, words the feedback must contain)]
    "q2": [(ex._neuron_no_sigma_prime, "skipped the sigmoid"), (ex._neuron_no_two, "factor of 2"),
           (ex._neuron_sigma_of_a, "taken at z"), (neuron_forgets_x, "dL_dw is not right"),
           (lambda x, w, b, y: 0.5, "return 2 values")],
    "q3": [(ex._linear_mean_bias, "add up"), (linear_transposed_weights, "the shape is (3, 2), expected (2, 3)"),
           (linear_wrong_input_grad, "grad_x is not right")],
    "q1": [(ex._forward_difference, "one-sided"), (lambda f, x, h: (f(x + h) - f(x - h)) / h, "not right")],
    "q4": [(np.array([-4.725, 3.0]), "uphill"), (np.array([0.0, -18.0]), "learning rate"),
           (np.array([0.225, -1.0]), "the step itself"), (np.array([-4.275, 1.0, 0.0]), "shape")],
}
REFERENCE = {"q2": ex.neuron_grads, "q3": ex.linear_backward, "q1": ex.numerical_derivative, "q4": ex.gradient_step()}


(
    test_reference_answer_passes,
    test_wrong_answers_fail_with_feedback,
    test_placeholder_is_not_attempted,
    test_hint_and_solution,
) = exercise_suite(ex, REFERENCE, WRONG)


@pytest.mark.parametrize("name, template", [
    ("q2", lambda x, w, b, y: (..., ...)),
    ("q3", lambda x, W, grad_out: (..., ..., ...)),
    ("q1", lambda f, x, h: ...),
    ("q2", lambda x, w, b, y: None),  # a def whose body is still `...` returns None
])
def test_function_template_left_unfilled_is_not_attempted(name, template, capsys):
    assert_not_attempted(getattr(ex, name), template, capsys)


def test_half_filled_answer_names_the_missing_output(capsys):
    assert_rejected(ex.q3, lambda x, W, grad_out: (grad_out @ W, ..., ...), capsys, "grad_W is still `Ellipsis`")


@pytest.mark.parametrize("name, crashing", [
    ("q2", lambda x, w, b, y: 1 / 0),
    ("q3", lambda x, W, grad_out: x @ W),  # shapes do not fit: matmul raises
    ("q1", lambda f, x, h: f(x, h)),
])
def test_crashing_answer_is_reported_not_raised(name, crashing, capsys):
    out = assert_rejected(getattr(ex, name), crashing, capsys, "your function raised")
    assert "when called with" in out and "checking your answer failed" not in out, out


def test_non_function_answer_is_explained(capsys):
    assert_rejected(ex.q2, 0.5, capsys, "expected a function")


def test_solution_shows_the_reference_code(capsys):
    ex.q3.solution()
    assert "grad_out.T @ x" in capsys.readouterr().out


def test_reference_gradients_agree_with_finite_differences():
    x, w, b, y, h = 1.5, -0.8, 0.4, 1.0, 1e-6
    def loss(w, b):
        return (sigmoid(w * x + b) - y) ** 2
    dw, db = ex.neuron_grads(x, w, b, y)
    assert dw == pytest.approx((loss(w + h, b) - loss(w - h, b)) / (2 * h), rel=1e-6)
    assert db == pytest.approx((loss(w, b + h) - loss(w, b - h)) / (2 * h), rel=1e-6)


def test_gradient_step_reference_by_hand():
    # ∇f(−4.5, 2) = (−4.5, 20); one step of η = 0.05 moves to (−4.5 + 0.225, 2 − 1).
    np.testing.assert_allclose(ex.gradient_step(), [-4.275, 1.0])
