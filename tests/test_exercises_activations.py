"""Notebook 02's exercises and predictions: right answers pass, each slip gets its own message, placeholders,
crashes, hints and the notebook's own solutions (shared `exercise_suite`), plus checks specific to these exercises."""

import numpy as np

from helpers import activations as course
from helpers.activations import sigmoid, sigmoid_grad
from helpers.exercises import activations as ex
from helpers.plots.activations import chain_gradients
from tests.exercise_checks import (
    assert_accepted,
    assert_not_attempted,
    assert_rejected,
    exercise_suite,
)


def softmax_global_max(Z):
    """The 1-D recipe applied to a batch: one max for the whole array."""
    e = np.exp(Z - np.max(Z))
    return e / e.sum(axis=1, keepdims=True)


REFERENCE = {
    "q1": lambda A, a, B, c: (B @ A, B @ a + c),  # the learner's own parameter names
    "p1": "c",
    "q2": lambda z: 1 - np.tanh(z) ** 2,  # the other form of the answer
    "q3": lambda z: np.where(z > 0, z, 0.0),
    "q4": 0.25 ** 10,
    "p2": "a",
    "q5": ex.softmax_rows,
}

WRONG = {
    "q1": [(lambda W1, b1, W2, b2: (W1 @ W2, W2 @ b1 + b2), "wrong order"),
           (lambda W1, b1, W2, b2: (W2 @ W1, b1 + b2), "also passes through the second layer's weights"),
           (lambda W1, b1, W2, b2: (W2 @ W1, b2), "lost the first layer's bias"),
           (lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1), "b2 is missing"),
           (lambda W1, b1, W2, b2: (W2 * W1, W2 * b1 + b2), "entry by entry"),
           (lambda W1, b1, W2, b2: W2 @ W1, "return 2 values"),
           (lambda W1, b1, W2, b2: (W2 @ W1, ...), "b is still `...`")],
    "p1": [("a", "stretch"), ("b", "You counted one stretch"), ("d", "not its slope"), ("e", "answer with one of")],
    "q2": [(lambda z: 2 * sigmoid_grad(2 * z), "kept the outer factor 2 but not the inner one"),
           (lambda z: sigmoid_grad(2 * z), "both factors 2 are missing"),
           (lambda z: 4 * sigmoid_grad(z), "must be taken at 2z"),
           (lambda z: 2 * sigmoid(2 * z) - 1, "That is tanh itself"),
           (lambda z: 4 * sigmoid_grad(2 * z) - 1, "its slope is 0"),
           (lambda z: 1 - np.tanh(z), "must be squared"),
           (course.tanh_grad, "the course's own"),
           (lambda z: None, "did you forget `return`")],
    "q3": [(np.abs, "flips negative values"),
           (lambda z: np.minimum(0, z), "the other way round"),
           (lambda z: np.max(z), "single largest number"),
           (lambda z: max(0, z), "truth value of an array"),  # Python's max on an array: the crash is reported
           (course.relu, "the course's own `helpers.activations.relu`"),
           (3.0, "expected a function")],
    "q4": [(0.25, "ceiling for one layer"),
           (2.5, "multiplies them"),
           (0.5 ** 10, "its slope σ′(0)"),
           (1.0, "at its steepest"),
           (1e-6, "Right order of magnitude"),
           (3.48e-7, "one particular input"),
           (chain_gradients("sigmoid", 10, 1.0, -0.16)[0], "largest gradient an actual input reaches"),
           (-(0.25 ** 10), "sign"),
           (0.25 ** 9, "too big")],
    "p2": [("b", "What is ReLU′(z) for z > 0?"), ("c", "is any z_k negative"), ("d", "how big is each factor")],
    "q5": [(lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True), "exp(1000) overflows"),
           (softmax_global_max, "largest score of the whole batch"),
           (lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(), "one-vector recipe"),
           # not a named slip: plain feedback
           (lambda Z: ex.softmax_rows(Z) / len(Z), "expected [[0.     0.     1.    ]"),
           (lambda Z: np.exp(Z - Z.max(axis=1, keepdims=True)) / np.exp(Z - Z.max(axis=1, keepdims=True)).sum(),
            "sum along the row"),
           (lambda Z: np.exp(Z - np.max(Z, axis=1)) / np.exp(Z - np.max(Z, axis=1)).sum(axis=1, keepdims=True),
            "keepdims=True"),
           (lambda Z: np.exp(Z - Z.min(axis=1, keepdims=True)) / np.exp(Z - Z.min(axis=1, keepdims=True)).sum(
               axis=1, keepdims=True), "Subtract the largest")],
}

globals().update(exercise_suite(ex, REFERENCE, WRONG))


def test_q1_template_with_both_blanks_is_not_attempted(capsys):
    assert_not_attempted(ex.q1, lambda W1, b1, W2, b2: (..., ...), capsys)


def test_q4_ceiling_is_right_and_never_reached():
    """(1/4)^10 bounds the gradient for every input, and the best input gets about 3.9e-7, below it."""
    xs = np.linspace(-4, 4, 801)
    grads = np.array([chain_gradients("sigmoid", 10, 1.0, x)[0] for x in xs])
    assert np.all(grads <= ex.q4.reference)
    assert 3.85e-7 < grads.max() < 3.95e-7


def test_q4_accepts_the_ceiling_rounded_to_two_digits(capsys):
    assert_accepted(ex.q4, 9.5e-7, capsys)
    assert_accepted(ex.q4, (1 / 4) ** 10, capsys)


def test_q5_global_max_is_caught_by_rows_at_different_scales(capsys):
    out = assert_rejected(ex.q5, softmax_global_max, capsys, "Subtract each row's own max")
    assert "when called with" in out


def test_q3_refuses_the_course_relu_even_when_renamed(capsys):
    my_relu = course.relu
    assert_rejected(ex.q3, my_relu, capsys, "write that function yourself")


def test_answers_may_modify_their_input_in_place(capsys):
    def softmax_in_place(Z):
        Z -= Z.max(axis=1, keepdims=True)
        np.exp(Z, out=Z)
        Z /= Z.sum(axis=1, keepdims=True)
        return Z

    assert_accepted(ex.q5, softmax_in_place, capsys)


# ---- tripwires: each function is written, not borrowed; what the exercise allows still passes

def test_calling_the_course_function_inside_is_refused(capsys):
    import torch

    assert_rejected(ex.q2, lambda z: course.tanh_grad(z), capsys, "calls tanh_grad from helpers.activations")
    assert_rejected(ex.q3, lambda z: course.relu(z), capsys, "calls relu from helpers.activations")
    assert_rejected(ex.q3, lambda z: torch.relu(torch.tensor(z)).numpy(), capsys, "calls relu from torch")
    assert_rejected(ex.q5, lambda Z: course.softmax(Z, axis=1), capsys, "calls softmax from helpers.activations")


def test_tanh_grad_may_use_the_sigmoid_and_its_derivative(capsys):
    assert_accepted(ex.q2, lambda z: 4 * sigmoid_grad(2 * z), capsys)
    assert_accepted(ex.q2, lambda z: 4 * sigmoid(2 * z) * (1 - sigmoid(2 * z)), capsys)
