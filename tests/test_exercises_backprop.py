"""Notebook 05's exercises and predictions, in the shared exercise_suite style, plus checks that each reference is
right (finite differences, torch) and that the gradient-descent exercise catches an in-place update."""

import math
import re

import numpy as np
import pytest
import torch

from helpers.activations import sigmoid
from helpers.exercises import backprop as ex
from helpers.gradcheck import numerical_grad
from helpers.value import Value
from tests.exercise_checks import (
    assert_accepted,
    assert_not_attempted,
    assert_rejected,
    code_in_hint,
    exercise_suite,
)

# ---- right answers, written as a learner would (outside `helpers`, so the checker does not refuse them)


def numerical_derivative(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def tanh_neuron_grads(x, w, b, y):
    a = np.tanh(w * x + b)
    dL_dz = 2 * (a - y) * (1 - a**2)
    return dL_dz * x, dL_dz


def relu_layer_backward(X, W, b, G):
    dZ = G * (X @ W.T + b > 0)
    return dZ @ W, dZ.T @ X, dZ.sum(axis=0)


def sigmoid_net_backward(X, y, W1, b1, W2, b2):
    H = sigmoid(X @ W1.T + b1)
    dY_hat = 2 * (H @ W2.T + b2 - y) / len(X)
    dZ1 = dY_hat @ W2 * H * (1 - H)
    return dZ1.T @ X, dZ1.sum(axis=0), dY_hat.T @ H, dY_hat.sum(axis=0)


def gradient_descent(w, grad_fn, lr, steps):
    for _ in range(steps):
        w = w - lr * grad_fn(w)
    return w


def adam_step(w, g, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g * g
    w = w - lr * m / (1 - beta1**t) / (np.sqrt(s) / np.sqrt(1 - beta2**t) + eps)
    return w, m, s


def value_tanh(self):
    t = math.tanh(self.data)  # math.tanh (or np.tanh) for the forward value: allowed
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - out.data**2) * out.grad

    out._backward = _backward
    return out


REFERENCE = {"p1": "b", "p2": "c", "p3": "c", "q1": numerical_derivative, "q2": tanh_neuron_grads,
             "q3": relu_layer_backward, "q4": sigmoid_net_backward, "q5": gradient_descent, "q6": adam_step,
             "q7": value_tanh}

# ---- wrong answers: the named slips (as a learner would write them) and some unnamed ones


def descend_in_place(w, grad_fn, lr, steps):
    for _ in range(steps):
        w -= lr * grad_fn(w)
    return w


def descend_slice_assign(w, grad_fn, lr, steps):
    for _ in range(steps):
        w[:] = w - lr * grad_fn(w)
    return w


def adam_momentum_sums(w, g, m, s, t, lr, beta1, beta2, eps):
    m, s = beta1 * m + g, beta2 * s + g**2
    return w - lr * (m / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + eps), m, s


def adam_uphill(w, g, m, s, t, lr, beta1, beta2, eps):
    m, s = beta1 * m + (1 - beta1) * g, beta2 * s + (1 - beta2) * g**2
    return w + lr * (m / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + eps), m, s


def tanh_assigns(self):
    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad = (1 - t**2) * out.grad

    out._backward = _backward
    return out


def tanh_sigmoid_slope(self):
    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += t * (1 - t) * out.grad

    out._backward = _backward
    return out


def tanh_not_attached(self):
    return Value(math.tanh(self.data), (self,), "tanh")


def tanh_adds_to_out(self):
    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")

    def _backward():
        out.grad += (1 - t**2) * self.grad  # fills the wrong gradient

    out._backward = _backward
    return out


def tanh_naive_np(self):
    e = np.exp(2 * self.data)
    t = (e - 1) / (e + 1)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def tanh_backward_called(self):
    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward()  # runs it now and stores None
    return out


def tanh_parent_not_a_tuple(self):
    t = math.tanh(self.data)
    out = Value(t, self, "tanh")  # (self,) without the tuple

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def adam_t_plus_one(w, g, m, s, t, lr, beta1, beta2, eps):
    m, s = beta1 * m + (1 - beta1) * g, beta2 * s + (1 - beta2) * g**2
    return w - lr * (m / (1 - beta1 ** (t + 1))) / (np.sqrt(s / (1 - beta2 ** (t + 1))) + eps), m, s


def adam_t_minus_one(w, g, m, s, t, lr, beta1, beta2, eps):
    m, s = beta1 * m + (1 - beta1) * g, beta2 * s + (1 - beta2) * g**2
    with np.errstate(all="ignore"):  # at t = 1 it divides by 1 − β1⁰ = 0
        return w - lr * (m / (1 - beta1 ** (t - 1))) / (np.sqrt(s / (1 - beta2 ** (t - 1))) + eps), m, s


def adam_g_not_squared(w, g, m, s, t, lr, beta1, beta2, eps):
    m, s = beta1 * m + (1 - beta1) * g, beta2 * s + (1 - beta2) * g
    with np.errstate(all="ignore"):  # s may be negative
        return w - lr * (m / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + eps), m, s


def adam_hard_coded(w, g, m, s, t, lr, beta1, beta2, eps):
    m, s = 0.9 * m + 0.1 * g, 0.999 * s + 0.001 * g**2
    return w - lr * (m / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-8), m, s


def adam_hard_coded_eps(w, g, m, s, t, lr, beta1, beta2, eps):
    m, s = beta1 * m + (1 - beta1) * g, beta2 * s + (1 - beta2) * g**2
    return w - lr * (m / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + 1e-8), m, s


def adam_efficient(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g**2
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)  # Kingma and Ba's form: ε ends up on √s, not √ŝ
    return w - lr_t * m / (np.sqrt(s) + eps), m, s


def relu_times_output(X, W, b, G):
    dZ = G * np.maximum(X @ W.T + b, 0)  # the activation, not its 0/1 derivative
    return dZ @ W, dZ.T @ X, dZ.sum(axis=0)


def sigmoid_net_slope(X, y, W1, b1, W2, b2, slope):
    Z1 = X @ W1.T + b1
    H = 1 / (1 + np.exp(-Z1))
    dY_hat = 2 * (H @ W2.T + b2 - y) / len(X)
    dZ1 = (dY_hat @ W2) * slope(Z1, H)
    return dZ1.T @ X, dZ1.sum(axis=0), dY_hat.T @ H, dY_hat.sum(axis=0)


def adam_returns_hats(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g**2
    m = m / (1 - beta1**t)  # overwrites the average with its corrected copy
    s = s / (1 - beta2**t)
    return w - lr * m / (np.sqrt(s) + eps), m, s


def tanh_neuron_one_sided(x, w, b, y):
    h = 1e-6

    def loss(w, b):
        return (np.tanh(w * x + b) - y) ** 2

    return (loss(w + h, b) - loss(w, b)) / h, (loss(w, b + h) - loss(w, b)) / h


def tanh_neuron_central(x, w, b, y):
    h = 1e-5

    def loss(w, b):
        return (np.tanh(w * x + b) - y) ** 2

    return (loss(w + h, b) - loss(w - h, b)) / (2 * h), (loss(w, b + h) - loss(w, b - h)) / (2 * h)


def by_differences(f, arrays, h):
    """Central differences of f(*arrays) with respect to each array, entry by entry: a learner's loop."""
    grads = []
    for k, array in enumerate(arrays):
        grad = np.zeros_like(array)
        for i in np.ndindex(array.shape):
            up, down = [a.copy() for a in arrays], [a.copy() for a in arrays]
            up[k][i] += h
            down[k][i] -= h
            grad[i] = (f(*up) - f(*down)) / (2 * h)
        grads.append(grad)
    return grads


def relu_layer_by_differences(X, W, b, G):
    return tuple(by_differences(lambda X, W, b: np.sum(np.maximum(X @ W.T + b, 0) * G), [X, W, b], 1e-3))


def sigmoid_net_by_differences(X, y, W1, b1, W2, b2):
    return tuple(by_differences(lambda W1, b1, W2, b2: np.mean((sigmoid(X @ W1.T + b1) @ W2.T + b2 - y) ** 2),
                                [W1, b1, W2, b2], 1e-5))


def sigmoid_net_by_own_derivative(X, y, W1, b1, W2, b2):
    grads = []
    for k, array in enumerate((W1, b1, W2, b2)):
        grad = np.zeros_like(array)
        for i in np.ndindex(array.shape):
            def loss(t, k=k, i=i):
                weights = [W1.copy(), b1.copy(), W2.copy(), b2.copy()]
                weights[k][i] = t
                return np.mean((sigmoid(X @ weights[0].T + weights[1]) @ weights[2].T + weights[3] - y) ** 2)

            grad[i] = numerical_derivative(loss, array[i], 1e-5)  # Exercise 1's function
        grads.append(grad)
    return tuple(grads)


def sigmoid_net_flattened(X, y, W1, b1, W2, b2):
    H = sigmoid(X @ W1.T + b1)
    Y_hat = (H @ W2.T + b2).ravel()  # (n,): minus y (n, 1) broadcasts to (n, n)
    dY_hat = 2 * (Y_hat - y) / len(X)
    dW2, db2 = dY_hat.T @ H, dY_hat.sum(axis=0)
    dZ1 = (dY_hat @ W2) * H * (1 - H)
    return dZ1.T @ X, dZ1.sum(axis=0), dW2, db2


def tanh_float(self):
    return math.tanh(self.data)


def tanh_in_place(self):
    self.data = math.tanh(self.data)
    return self


def tanh_wrong_forward(self):
    return value_tanh(Value(math.sin(self.data)))


WRONG = {
    "p1": [("a", "does a larger w push"), ("c", "zero only when"), ("e", 'one of "a", "b", "c"')],
    "p2": [("a", "through the product"), ("b", "through the addition"), ("d", "multiplied or added")],
    "p3": [("a", "do not overshoot"), ("b", "between −1 and 1")],
    "q1": [(lambda f, x, h: (f(x + h) - f(x)) / h, "one-sided"),
           (lambda f, x, h: (f(x + h) - f(x - h)) / h, "2h apart"),
           (lambda f, x, h: (f(x) - f(x - h)) / h, "looking only to the left"),
           (lambda f, x, h: (f(x + h) + f(x - h)) / (2 * h), "not right"),
           (lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h, "divide by (2 * h), in brackets"),
           (lambda f, x, h: (f(x + 1e-6) - f(x - 1e-6)) / 2e-6, "does not depend on h"),
           (lambda f, x, h: (f(x + 1e-7) - f(x)) / 1e-7, "does not depend on h"),
           (lambda f, x, h: (f(x + h / 2) - f(x - h / 2)) / h, "not right")],
    "q2": [(lambda x, w, b, y: (2 * (np.tanh(w * x + b) - y) * np.tanh(w * x + b) * (1 - np.tanh(w * x + b)) * x,
                                2 * (np.tanh(w * x + b) - y) * np.tanh(w * x + b) * (1 - np.tanh(w * x + b))),
            "sigmoid's derivative"),
           (lambda x, w, b, y: (2 * (np.tanh(w * x + b) - y) * x, 2 * (np.tanh(w * x + b) - y)),
            "skipped the activation"),
           (lambda x, w, b, y: tuple(g / 2 for g in tanh_neuron_grads(x, w, b, y)), "factor of 2"),
           (lambda x, w, b, y: ((2 * (np.tanh(w * x + b) - y) * (1 - np.tanh(np.tanh(w * x + b)) ** 2)) * x,
                                2 * (np.tanh(w * x + b) - y) * (1 - np.tanh(np.tanh(w * x + b)) ** 2)), "taken at z"),
           (lambda x, w, b, y: (tanh_neuron_grads(x, w, b, y)[1],) * 2, "one more factor"),
           (lambda x, w, b, y: tanh_neuron_grads(x, w, b, y)[::-1], "the order is (dL_dw, dL_db)"),
           (lambda x, w, b, y: (2 * (np.tanh(w * x + b) - y) * (1 - (w * x + b) ** 2) * x,
                                2 * (np.tanh(w * x + b) - y) * (1 - (w * x + b) ** 2)), "square tanh's output"),
           (lambda x, w, b, y: 0.5, "return 2 values"),
           (tanh_neuron_one_sided, "accuracy of a finite difference"),
           (tanh_neuron_central, "accuracy of a finite difference")],
    "q3": [(lambda X, W, b, G: (G @ W, G.T @ X, G.sum(axis=0)), "went straight through the ReLU"),
           (ex._relu_mask_at_zero, "where z = 0 too"),
           (lambda X, W, b, G: ((G * (G > 0)) @ W, (G * (G > 0)).T @ X, (G * (G > 0)).sum(axis=0)), "forward pass"),
           (lambda X, W, b, G: (*relu_layer_backward(X, W, b, G)[:2], relu_layer_backward(X, W, b, G)[2] / len(X)),
            "not averaged"),
           (lambda X, W, b, G: (relu_layer_backward(X, W, b, G)[0], relu_layer_backward(X, W, b, G)[1].T,
                                relu_layer_backward(X, W, b, G)[2]), "dW is not right: the shape is"),
           (lambda X, W, b, G: ((G * (X @ W.T + b > 0)).T @ W, None, None), "cannot be done"),
           (lambda X, W, b, G: (relu_layer_backward(X, W, b, G)[0], ..., ...), "dW is still `...`"),
           (relu_layer_by_differences, "steps across the kink"),
           (relu_times_output, "not by ReLU's derivative"),
           (lambda X, W, b, G: (2 * relu_layer_backward(X, W, b, G)[0], *relu_layer_backward(X, W, b, G)[1:]),
            "dX is not right: 15 of 30 entries differ; the largest difference is at dX[")],
    "q4": [(lambda X, y, W1, b1, W2, b2: _tanh_slope_net(X, y, W1, b1, W2, b2), "tanh's derivative"),
           (lambda X, y, W1, b1, W2, b2: tuple(g * len(X) for g in sigmoid_net_backward(X, y, W1, b1, W2, b2)),
            "n times too big"),
           (lambda X, y, W1, b1, W2, b2: tuple(g / 2 for g in sigmoid_net_backward(X, y, W1, b1, W2, b2)),
            "half what it should be"),
           (lambda X, y, W1, b1, W2, b2: tuple(-g for g in sigmoid_net_backward(X, y, W1, b1, W2, b2)),
            "every sign is flipped"),
           (lambda X, y, W1, b1, W2, b2: sigmoid_net_backward(X, y, W1, b1, W2, b2)[:3], "return 4 values"),
           (sigmoid_net_by_differences, "accuracy of a finite difference"),
           (sigmoid_net_by_own_derivative, "your central difference from Exercise 1"),
           (sigmoid_net_flattened, "broadcasts to (n, n)"),
           (lambda *args: sigmoid_net_slope(*args, lambda Z1, H: H * (1 - Z1)), "uses the weighted sum Z1"),
           (lambda *args: sigmoid_net_slope(*args, lambda Z1, H: Z1 * (1 - Z1)), "not in the weighted sum Z1"),
           (lambda *args: sigmoid_net_slope(*args, lambda Z1, H: H), "not by the sigmoid's slope")],
    "q5": [(descend_in_place, "in-place update"), (descend_slice_assign, "in-place update"),
           (lambda w, grad_fn, lr, steps: gradient_descent(w, lambda v: -grad_fn(v), lr, steps), "stepped uphill"),
           (lambda w, grad_fn, lr, steps: gradient_descent(w, grad_fn, 1.0, steps), "forgot the learning rate"),
           (lambda w, grad_fn, lr, steps: w - lr * grad_fn(w), "one step only"),
           (lambda w, grad_fn, lr, steps: gradient_descent(w, grad_fn, lr, steps + 1), "not right")],
    "q6": [(adam_momentum_sums, "averages, not sums"), (adam_uphill, "stepped uphill"),
           (adam_t_plus_one, "one step ahead"), (adam_t_minus_one, "one step behind"),
           (adam_g_not_squared, "the *square* of the gradient"),
           (lambda w, g, m, s, t, lr, b1, b2, eps: adam_step(w, g * 1.1, m, s, t, lr, b1, b2, eps), "w is not right"),
           (lambda w, g, m, s, t, lr, b1, b2, eps: adam_step(w, g, m, s, t, lr, b1, b2, eps)[0], "return 3 values"),
           (lambda w, g, m, s, t, lr, b1, b2, eps: (*adam_step(w, g, m, s, t, lr, b1, b2, eps)[:2], ...),
            "s is still `...`"),
           (adam_hard_coded, "this run has beta1 = 0.8, beta2 = 0.99, eps = 1e-06"),
           (adam_hard_coded_eps, "you used the default"),
           (adam_returns_hats, "not the bias-corrected m̂ and ŝ"),
           (adam_efficient, "Kingma and Ba's 'efficient' form")],
    "q7": [(tanh_assigns, "added to (+=), not set (=)"), (tanh_not_attached, "do-nothing function"),
           (tanh_adds_to_out, "self.grad had not changed"),
           (tanh_naive_np, "e^(2x) overflows"),
           (tanh_float, "return a new Value"), (tanh_in_place, "you returned self"),
           (tanh_sigmoid_slope, "self.grad should be"), (tanh_wrong_forward, "should be tanh(self.data)"),
           (tanh_backward_called, "without brackets"), (tanh_parent_not_a_tuple, "a tuple of Values, (self,)")],
}


def _tanh_slope_net(X, y, W1, b1, W2, b2):
    H = sigmoid(X @ W1.T + b1)
    dY_hat = 2 * (H @ W2.T + b2 - y) / len(X)
    dZ1 = dY_hat @ W2 * (1 - H**2)
    return dZ1.T @ X, dZ1.sum(axis=0), dY_hat.T @ H, dY_hat.sum(axis=0)


globals().update(exercise_suite(ex, REFERENCE, WRONG))


# ---- exercise-specific tests


@pytest.mark.parametrize("name, template", [
    ("q1", lambda f, x, h: ...),
    ("q2", lambda x, w, b, y: ...),
    ("q3", lambda X, W, b, G: (..., ..., ...)),
    ("q4", lambda X, y, W1, b1, W2, b2: (..., ..., ..., ...)),
    ("q5", lambda w, grad_fn, lr, steps: ...),
    ("q6", lambda w, g, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8: (..., ..., ...)),
    ("q7", lambda self: ...),
])
def test_notebook_templates_are_not_attempted(name, template, capsys):
    assert_not_attempted(getattr(ex, name), template, capsys)


def test_in_place_update_is_caught_and_a_copy_then_in_place_is_fine(capsys):
    out = assert_rejected(ex.q5, descend_in_place, capsys, "changed the array `w` it was given")
    assert "w=[3. -1.]" in out or "w=[ 3. -1.]" in out, out

    def copy_first(w, grad_fn, lr, steps):
        w = w.copy()
        for _ in range(steps):
            w -= lr * grad_fn(w)
        return w

    assert_accepted(ex.q5, copy_first, capsys)


def test_the_checker_cases_are_left_unchanged_by_an_in_place_answer(capsys):
    before = [case["w"].copy() for case in ex.q5.cases]
    ex.q5.check(descend_in_place)
    capsys.readouterr()
    for case, w in zip(ex.q5.cases, before, strict=True):
        np.testing.assert_array_equal(case["w"], w)


@pytest.mark.parametrize("case", ex.q2.cases)
def test_tanh_neuron_reference_matches_finite_differences(case):
    x, w, b, y = case.values()
    dw, db = ex.tanh_neuron_grads(x, w, b, y)
    measured = numerical_grad(lambda p: (np.tanh(p[0] * x + p[1]) - y) ** 2, np.array([w, b]))
    np.testing.assert_allclose([dw, db], measured, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("case", ex.q3.cases)
def test_relu_layer_reference_matches_torch(case):
    X, W, b, G = (torch.tensor(v, requires_grad=True) for v in case.values())
    (torch.relu(X @ W.T + b) * G).sum().backward()
    for ours, theirs in zip(ex.relu_layer_backward(*case.values()), (X, W, b), strict=True):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("case", ex.q4.cases)
def test_sigmoid_net_reference_matches_torch(case):
    X, y, W1, b1, W2, b2 = (torch.tensor(v, requires_grad=True) for v in case.values())
    loss = ((torch.sigmoid(X @ W1.T + b1) @ W2.T + b2 - y) ** 2).mean()
    loss.backward()
    for ours, theirs in zip(ex.sigmoid_net_backward(*case.values()), (W1, b1, W2, b2), strict=True):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), atol=1e-12)


def test_the_predictions_answers_are_true():
    # p1: the worked neuron's ∂L/∂w is negative
    x, b, y = 1.5, 0.4, 1.0
    assert numerical_grad(lambda w: (sigmoid(w[0] * x + b) - y) ** 2, np.array([-0.8]))[0] < 0
    # p2: ∂(x·y + x)/∂x = y + 1 = −2 at (2, −3)
    assert numerical_grad(lambda v: v[0] * v[1] + v[0], np.array([2.0, -3.0]))[0] == pytest.approx(-2.0)
    # p3: η = 0.25 on the ravine diverges
    start = np.array([-4.5, 2.0])
    far = ex.gradient_descent(start, ex.ravine_grad, 0.25, 30)
    assert np.abs(far[1]) > 1e4 and np.array_equal(start, [-4.5, 2.0])


# ---- tripwires: derive, do not estimate or let autograd derive


def test_a_numerical_derivative_that_calls_numerical_grad_is_refused(capsys):
    def borrowed(f, x, h):
        return numerical_grad(lambda v: f(v[0]), np.array([x]), h)[0]

    assert_rejected(ex.q1, borrowed, capsys, "your function calls numerical_grad from helpers.gradcheck")


def test_gradients_by_autograd_or_the_course_layers_are_refused(capsys):
    from helpers import nn
    from helpers.value import Value

    def by_torch(x, w, b, y):
        w_t, b_t = torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)
        ((torch.tanh(w_t * x + b_t) - y) ** 2).backward()
        return w_t.grad.item(), b_t.grad.item()

    def by_value(x, w, b, y):
        w_v, b_v = Value(w), Value(b)
        loss = ((w_v * x + b_v).tanh() - y) ** 2
        loss.backward()
        return w_v.grad, b_v.grad

    def by_layers(X, W, b, G):
        layer = nn.Linear(W.shape[1], W.shape[0])
        return layer, G

    assert_rejected(ex.q2, by_torch, capsys, "your function calls backward from torch.Tensor")
    assert_rejected(ex.q2, by_value, capsys, "your function calls Value from helpers.value")
    assert_rejected(ex.q3, by_layers, capsys, "your function calls Linear from helpers.nn")


def test_a_backward_pass_that_calls_mse_grad_is_refused_one_that_uses_sigmoid_passes(capsys):
    from helpers.losses import mse_grad

    def with_mse_grad(X, y, W1, b1, W2, b2):
        H = sigmoid(X @ W1.T + b1)
        dY_hat = mse_grad(y, H @ W2.T + b2)
        dZ1 = dY_hat @ W2 * H * (1 - H)
        return dZ1.T @ X, dZ1.sum(axis=0), dY_hat.T @ H, dY_hat.sum(axis=0)

    assert_rejected(ex.q4, with_mse_grad, capsys, "your function calls mse_grad from helpers.losses")
    assert_accepted(ex.q4, sigmoid_net_backward, capsys)  # it calls the course's sigmoid: allowed


# ---- Adam (q6): the reference is torch.optim.Adam's step; torch.optim and helpers.nn are refused, torch is not


@pytest.mark.parametrize("run", range(len(ex.ADAM_RUNS)))
def test_adam_reference_matches_torch_optim_at_every_step(run):
    spec = ex.ADAM_RUNS[run]
    w, m, s = spec["w"], np.zeros_like(spec["w"]), np.zeros_like(spec["w"])
    for t, (g, theirs) in enumerate(zip(spec["grads"], ex._adam_by_torch(run), strict=True), start=1):
        w, m, s = ex.adam_step(w, g, m, s, t, spec["lr"], spec["beta1"], spec["beta2"], spec["eps"])
        for ours, their in zip((w, m, s), theirs, strict=True):
            np.testing.assert_allclose(ours, their, rtol=1e-12, atol=1e-15)
    assert len(spec["grads"]) >= 5


def test_adam_by_torch_optim_or_the_course_optimiser_is_refused_honest_torch_arithmetic_passes(capsys):
    from helpers import nn

    def by_sgd_module(w, g, m, s, t, lr, beta1, beta2, eps):
        from torch.optim.sgd import SGD  # the submodule's path, not torch.optim.SGD

        p = torch.tensor(w, requires_grad=True)
        p.grad = torch.tensor(g)
        SGD([p], lr=lr).step()
        return p.detach().numpy(), m, s

    def by_torch_adam(w, g, m, s, t, lr, beta1, beta2, eps):
        p = torch.tensor(w, requires_grad=True)
        p.grad = torch.tensor(g)
        torch.optim.Adam([p], lr=lr, betas=(beta1, beta2), eps=eps).step()
        return p.detach().numpy(), m, s

    def by_course_adam(w, g, m, s, t, lr, beta1, beta2, eps):
        p = nn.Parameter(w)
        p.grad += g
        nn.Adam([p], lr=lr).step()
        return p.data, m, s

    def with_torch_arithmetic(w, g, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        w, g, m, s = (torch.tensor(v) for v in (w, g, m, s))
        m = beta1 * m + (1 - beta1) * g
        s = beta2 * s + (1 - beta2) * g**2
        w = w - lr * (m / (1 - beta1**t)) / (torch.sqrt(s / (1 - beta2**t)) + eps)
        return w.numpy(), m.numpy(), s.numpy()

    assert_rejected(ex.q6, by_sgd_module, capsys, "your function calls SGD from torch.optim.sgd")
    assert_rejected(ex.q6, by_torch_adam, capsys, "your function calls Adam from torch.optim")
    assert_rejected(ex.q6, by_course_adam, capsys, "your function calls Adam from helpers.nn")
    assert_accepted(ex.q6, with_torch_arithmetic, capsys)


def test_adam_check_survives_an_answer_that_changes_its_arrays_in_place(capsys):
    def in_place(w, g, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        m *= beta1
        m += (1 - beta1) * g
        s *= beta2
        s += (1 - beta2) * g**2
        w -= lr * (m / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + eps)
        return w, m, s

    before = [spec["w"].copy() for spec in ex.ADAM_RUNS]
    assert_accepted(ex.q6, in_place, capsys)
    for spec, w in zip(ex.ADAM_RUNS, before, strict=True):
        np.testing.assert_array_equal(spec["w"], w)


# ---- tanh for Value (q7): checked against torch.autograd; Value's own tanh and autograd are refused


def test_value_tanh_reference_matches_torch_and_the_fan_out_matters():
    for (a0, b0), (y_t, da_t, db_t) in zip(ex.TANH_POINTS, ex._tanh_by_torch(), strict=True):
        a, b = Value(a0), Value(b0)
        y = ex.tanh_expression(ex.value_tanh, a, b)
        y.backward()
        assert (y.data, a.grad, b.grad) == pytest.approx((y_t, da_t, db_t), rel=1e-12, abs=1e-15)
    assert 400 in [a * b for a, b in ex.TANH_POINTS]  # where e^(2x) overflows: math.exp(800) raises
    with pytest.raises(OverflowError):
        math.exp(2 * 400)
    # the fan-out matters: with `=` for `+=`, ∂y/∂a comes out wrong at some point of the check
    wrong = []
    for a0, b0 in ex.TANH_POINTS:
        a, b = Value(a0), Value(b0)
        y = ex.tanh_expression(tanh_assigns, a, b)
        y.backward()
        wrong.append(a.grad)
    assert not np.allclose(wrong, [da for _, da, _ in ex._tanh_by_torch()])


def test_value_tanh_by_value_tanh_or_autograd_is_refused_honest_np_tanh_passes(capsys):
    def by_method(self):
        return self.tanh()

    def by_autograd(self):
        x = torch.tensor(self.data, dtype=torch.float64, requires_grad=True)
        y = torch.tanh(x)
        y.backward()
        slope = x.grad.item()
        out = Value(y.item(), (self,), "tanh")

        def _backward():
            self.grad += slope * out.grad

        out._backward = _backward
        return out

    def autograd_inside_backward(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            x = torch.tensor(self.data, dtype=torch.float64, requires_grad=True)
            torch.tanh(x).backward()
            self.grad += x.grad.item() * out.grad

        out._backward = _backward
        return out

    def with_np_tanh(self):
        out = Value(np.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1 - np.tanh(self.data) ** 2) * out.grad

        out._backward = _backward
        return out

    assert_rejected(ex.q7, by_method, capsys, "your function calls tanh from helpers.value.Value")
    assert_rejected(ex.q7, by_autograd, capsys, "your function calls backward from torch.Tensor")
    assert_rejected(ex.q7, autograd_inside_backward, capsys, "your function calls backward from torch.Tensor")
    assert_rejected(ex.q7, Value.tanh, capsys, "the course's own")
    assert Value.tanh.__module__ == "helpers.value" and Value(0.5).tanh().data == pytest.approx(math.tanh(0.5))
    assert_accepted(ex.q7, with_np_tanh, capsys)


# ---- exercises 2-4: the chain rule's exact gradients pass at 1e-12, finite differences do not


def tanh_neuron_by_cosh(x, w, b, y):
    z = w * x + b
    dL_dz = 2 * (np.tanh(z) - y) / np.cosh(z) ** 2  # tanh' = 1/cosh²: the same number, rounded differently
    return dL_dz * x, dL_dz


def relu_layer_by_loops(X, W, b, G):
    dX, dW, db = np.zeros_like(X), np.zeros_like(W), np.zeros_like(b)
    for k in range(len(X)):
        for j in range(len(W)):
            g = G[k, j] if X[k] @ W[j] + b[j] > 0 else 0.0
            db[j] += g
            dW[j] += g * X[k]
            dX[k] += g * W[j]
    return dX, dW, db


def relu_layer_by_einsum(X, W, b, G):
    dZ = np.where(np.einsum("ki,ji->kj", X, W) + b > 0, G, 0.0)
    return np.einsum("kj,ji->ki", dZ, W), np.einsum("kj,ki->ji", dZ, X), np.ones(len(X)) @ dZ


def sigmoid_net_by_loops(X, y, W1, b1, W2, b2):
    n, grads = len(X), [np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)]
    for k in range(n):
        h = 1 / (1 + np.exp(-(W1 @ X[k] + b1)))  # its own sigmoid, one example at a time
        d = 2 * (W2 @ h + b2 - y[k]) / n
        dz = (W2.T @ d) * h * (1 - h)
        for grad, part in zip(grads, (np.outer(dz, X[k]), dz, np.outer(d, h), d), strict=True):
            grad += part
    return tuple(grads)


@pytest.mark.parametrize("name, answer", [("q2", tanh_neuron_by_cosh), ("q3", relu_layer_by_loops),
                                          ("q3", relu_layer_by_einsum), ("q4", sigmoid_net_by_loops)])
def test_exact_gradients_computed_another_way_pass_the_strict_check(name, answer, capsys):
    assert_accepted(getattr(ex, name), answer, capsys)


@pytest.mark.parametrize("h", [1e-4, 1e-5, 3e-6, 1e-6])
def test_central_differences_fail_the_strict_check_at_every_step_size(h, capsys):
    def tanh_neuron(x, w, b, y):
        return tuple(by_differences(lambda p: (np.tanh(p[0] * x + p[1]) - y) ** 2, [np.array([w, b])], h)[0])

    def sigmoid_net(X, y, W1, b1, W2, b2):
        return tuple(by_differences(lambda W1, b1, W2, b2: np.mean((sigmoid(X @ W1.T + b1) @ W2.T + b2 - y) ** 2),
                                    [W1, b1, W2, b2], h))

    def relu_layer(X, W, b, G):
        return tuple(by_differences(lambda X, W, b: np.sum(np.maximum(X @ W.T + b, 0) * G), [X, W, b], h))

    assert_rejected(ex.q2, tanh_neuron, capsys, "accuracy of a finite difference")
    assert_rejected(ex.q4, sigmoid_net, capsys, "accuracy of a finite difference")
    assert_rejected(ex.q3, relu_layer, capsys, "steps across the kink")


def test_relu_case_has_a_unit_just_above_the_kink_and_a_step_across_it_changes_the_gradient():
    k, j, z = ex.KINK
    case = ex.q3.cases[0]
    Z = case["X"] @ case["W"].T + case["b"]
    assert Z[k, j] == pytest.approx(z, rel=1e-6) and z > 0
    assert np.min(np.abs(np.delete(Z.ravel(), k * Z.shape[1] + j))) > 1e-3  # the only entry near the kink
    # elsewhere ReLU is linear, so a large step is exact up to rounding: without the kink a finite difference would pass
    exact = ex.relu_layer_backward(*case.values())
    stepped = relu_layer_by_differences(*case.values())
    assert abs(stepped[2][j] - exact[2][j]) > 0.1 * abs(exact[2][j])
    assert np.allclose(np.delete(stepped[2], j), np.delete(exact[2], j), rtol=0, atol=1e-10)


def test_the_strict_tolerance_is_what_refuses_a_finite_difference(capsys, monkeypatch):
    """A test that can fail: at the usual tolerance, the finite differences above would pass."""
    monkeypatch.setattr(ex.q2, "atol", 1e-6)
    monkeypatch.setattr(ex.q2, "rtol", 1e-5)
    assert_accepted(ex.q2, tanh_neuron_central, capsys)


# ---- loopholes a cold reader found (05_n1 item 11) and a nan that sent the learner to t (item 1)


def test_a_gradient_by_sympy_or_by_the_complex_step_is_refused_honest_tanh_passes(capsys):
    def by_sympy(x, w, b, y):
        import sympy

        W, B = sympy.symbols("W B")
        loss = (sympy.tanh(W * x + B) - y) ** 2
        point = {W: w, B: b}
        return float(sympy.diff(loss, W).subs(point)), float(sympy.diff(loss, B).subs(point))

    def by_complex_step(x, w, b, y):
        def loss(w, b):
            return (np.tanh(w * x + b) - y) ** 2

        return loss(w + 1e-30j, b).imag / 1e-30, loss(w, b + 1e-30j).imag / 1e-30

    def honest(x, w, b, y):
        a = np.tanh(w * x + b)
        dz = 2 * (a - y) * (1 - a**2)
        return dz * x, dz

    assert_rejected(ex.q2, by_sympy, capsys, "from sympy")
    assert_rejected(ex.q2, by_complex_step, capsys, "complex-step")
    assert_accepted(ex.q2, honest, capsys)


def test_adam_nan_from_missing_brackets_is_named_not_sent_to_t(capsys):
    def brackets(w, g, m, s, t, lr, beta1, beta2, eps):
        m, s = beta1 * m + (1 - beta1) * g, beta2 * s + (1 - beta2) * g**2
        m_hat = m / 1 - beta1**t  # the precedence slip: m − β1ᵗ
        s_hat = s / 1 - beta2**t  # negative, so its root is nan
        with np.errstate(all="ignore"):
            return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s

    out = assert_rejected(ex.q6, brackets, capsys, "brackets around 1 − β1ᵗ")
    assert "one step behind" not in out
    assert_rejected(ex.q6, adam_t_minus_one, capsys, "one step behind")  # the t − 1 slip is still named


def test_a_relu_mask_without_the_bias_is_named(capsys):
    def mask_without_bias(X, W, b, G):
        dZ = G * (X @ W.T > 0)  # the pre-activation recomputed without its bias
        return dZ @ W, dZ.T @ X, dZ.sum(axis=0)

    assert_rejected(ex.q3, mask_without_bias, capsys, "bias included")


def test_a_float32_tanh_value_is_named_and_shown_to_the_digits_that_differ(capsys):
    def float32_tanh(self):
        t = torch.tanh(torch.tensor(self.data)).item()  # float32: PyTorch's default dtype
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    feedback = assert_rejected(ex.q7, float32_tanh, capsys, "float32")
    expected, got = re.search(r"= (-?\d\.\d+), got (-?\d\.\d+)", feedback).groups()
    assert expected != got, feedback  # printed to the digits where they differ


@pytest.mark.parametrize("q", [ex.q2, ex.q4])
def test_the_gradient_exercises_have_a_code_free_middle_hint(q):
    assert len(q.hints) == 3
    assert not code_in_hint(q, q.hints[1]), code_in_hint(q, q.hints[1])


def test_a_relu_backward_that_overwrites_the_upstream_gradient_is_named(capsys):
    def masks_g_in_place(X, W, b, G):
        G[X @ W.T + b <= 0] = 0  # right numbers, but the caller's G is now masked too
        return G @ W, G.T @ X, G.sum(axis=0)

    assert_rejected(ex.q3, masks_g_in_place, capsys, "changed the array `G` it was given")

    def masks_a_copy(X, W, b, G):
        G = G.copy()
        G[X @ W.T + b <= 0] = 0
        return G @ W, G.T @ X, G.sum(axis=0)

    assert_accepted(ex.q3, masks_a_copy, capsys)


def test_a_relu_backward_that_masks_an_alias_of_g_is_told_the_alias_is_no_copy(capsys):
    def masks_an_alias(X, W, b, G):
        Z = X @ W.T + b
        dZ = G  # not a copy: a second name for G
        dZ[Z <= 0] = 0
        return dZ @ W, dZ.T @ X, dZ.sum(axis=0)

    out = assert_rejected(ex.q3, masks_an_alias, capsys, "`dZ = G` does not copy")
    assert "second name for the same array" in out and "G * (Z > 0)" in out and "G.copy()" in out
    assert "layers are chained" not in out  # the old, false reason
    assert "The caller still owns `G`" in out


def test_a_sigmoid_net_backward_that_changes_its_input_in_place_is_named(capsys):
    def scales_y_in_place(X, y, W1, b1, W2, b2):
        y *= 1.0  # a harmless-looking in-place edit of the caller's targets
        y -= 1.0
        grads = sigmoid_net_backward(X, y + 1.0, W1, b1, W2, b2)
        return grads

    assert_rejected(ex.q4, scales_y_in_place, capsys, "changed the array `y` it was given")


def test_two_slips_at_once_name_the_output_layer_first_at_its_largest_difference(capsys):
    def softmax_gradient_and_tanh_slope(X, y, W1, b1, W2, b2):
        H = sigmoid(X @ W1.T + b1)
        dY_hat = (H @ W2.T + b2 - y) / len(X)  # the softmax-CE gradient of the worked network: no 2
        dZ1 = dY_hat @ W2 * (1 - H**2)  # and tanh's slope
        return dZ1.T @ X, dZ1.sum(axis=0), dY_hat.T @ H, dY_hat.sum(axis=0)

    out = assert_rejected(ex.q4, softmax_gradient_and_tanh_slope, capsys, "dW2 is not right")
    at = re.search(r"largest difference is at dW2\[0, (\d)\]: expected (\S+), got (\S+)", out)
    assert at, out
    case = ex.q4.cases[0]
    expected_dW2 = sigmoid_net_backward(*case.values())[2]
    assert int(at.group(1)) == int(np.argmax(np.abs(expected_dW2[0]))), out  # got is half: largest where expected is
    assert float(at.group(3)) == pytest.approx(float(at.group(2)) / 2, rel=1e-3), out


@pytest.mark.parametrize("slip, says", [("m_sum", "m ← β1·m + (1 − β1)·g"), ("s_sum", "s ← β2·s + (1 − β2)·g²")])
def test_adam_with_one_average_written_as_momentums_sum_is_named(slip, says, capsys):
    def one_sum(w, g, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (g if slip == "m_sum" else (1 - beta1) * g)
        s = beta2 * s + (g**2 if slip == "s_sum" else (1 - beta2) * g**2)
        return w - lr * (m / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + eps), m, s

    assert_rejected(ex.q6, one_sum, capsys, says)


# ---- cold read 05_n4: the optimiser is named, not Parameter; named slips for q2-q4; last hints leave a step


def test_descent_by_the_course_optimiser_names_it_and_a_parameter_alone_is_fine(capsys):
    from helpers import nn

    def by_course_sgd(w, grad_fn, lr, steps):
        p = nn.Parameter(w.copy())
        optimizer = nn.SGD([p], lr=lr)
        for _ in range(steps):
            optimizer.zero_grad()
            p.grad += grad_fn(p.data)
            optimizer.step()
        return p.data

    def in_a_parameter(w, grad_fn, lr, steps):
        p = nn.Parameter(w)  # holds the array; the step is the learner's own
        for _ in range(steps):
            p.data = p.data - lr * grad_fn(p.data)
        return p.data

    out = assert_rejected(ex.q5, by_course_sgd, capsys, "your function calls SGD from helpers.nn")
    assert "Parameter" not in out, out
    assert_accepted(ex.q5, in_a_parameter, capsys)


@pytest.mark.parametrize("slip, says", [
    (lambda x, w, b, y: tuple(-g for g in tanh_neuron_grads(x, w, b, y)), "both signs are flipped"),  # y − a
    (lambda x, w, b, y: (tanh_neuron_grads(x, w, b, y)[1] * w, tanh_neuron_grads(x, w, b, y)[1]),
     "the *other* factor"),  # dL_dz·w: w where x belongs
])
def test_a_tanh_neuron_slip_is_named_without_a_number_to_copy(slip, says, capsys):
    out = assert_rejected(ex.q2, slip, capsys, says)
    assert "expected" not in out, out  # named, not a number to copy (with its sign changed)


def test_a_relu_backward_whose_dx_skips_the_mask_is_named(capsys):
    def dx_unmasked(X, W, b, G):
        dZ = G * (X @ W.T + b > 0)
        return G @ W, dZ.T @ X, dZ.sum(axis=0)

    assert_rejected(ex.q3, dx_unmasked, capsys, "use the masked gradient for all three")


@pytest.mark.parametrize("which", [("b2",), ("b1",), ("b1", "b2")])
def test_a_sigmoid_net_that_averages_a_bias_gradient_is_named(which, capsys):
    def averaged(X, y, W1, b1, W2, b2):
        dW1, db1, dW2, db2 = sigmoid_net_backward(X, y, W1, b1, W2, b2)
        n = len(X)
        return dW1, db1 / n if "b1" in which else db1, dW2, db2 / n if "b2" in which else db2

    out = assert_rejected(ex.q4, averaged, capsys, "they are not averaged")
    assert " and ".join(f"d{b}" for b in which) + ":" in out, out
    assert "already in ∂L/∂Ŷ" in out, out


@pytest.mark.parametrize("q, solution_lines", [
    (ex.q2, ["2(a − y)", "∂z/∂w = x"]),
    (ex.q3, ["dZ W", "dZᵀ X", "dZ.sum", "sums dZ"]),
    (ex.q4, ["dY_hatᵀ H", "dY_hat W2", "column sums of dY_hat", "dZ1 ="]),
])
def test_the_last_hint_leaves_a_step_to_the_learner(q, solution_lines):
    """AUTHORING: the last hint is close to the answer but never the whole solution (here: not every line)."""
    last = q.hints[-1]
    assert not [line for line in solution_lines if line in last], last


def test_a_crash_inside_the_learners_backward_is_reported_like_exercises_1_to_6(capsys):
    def typo_in_backward(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out_grad  # noqa: F821 - the typo under test

        out._backward = _backward
        return out

    def sech_squared(self):  # a right slope, 1/cosh², whose cosh overflows at u·v = 400
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += out.grad / math.cosh(self.data) ** 2

        out._backward = _backward
        return out

    feedback = assert_rejected(ex.q7, typo_in_backward, capsys, "your function raised NameError")
    assert "out_grad" in feedback and "when called with a Value with data" in feedback and "_backward" in feedback
    assert "checking your answer failed" not in feedback and "Try again" in feedback, feedback
    feedback = assert_rejected(ex.q7, sech_squared, capsys, "overflow")
    assert "at x = 400" in feedback and "_backward" in feedback and "Try again" in feedback, feedback


def test_value_tanh_made_a_method_first_still_passes_and_leaves_later_checks_working(capsys, monkeypatch):
    """The prompt suggests `Value.tanh = value_tanh`: after it, a right answer passes, before and after, and the
    course's own tanh (captured at import) is still refused, also when called from inside."""
    original = Value.tanh
    monkeypatch.setattr(Value, "tanh", value_tanh)
    assert_accepted(ex.q7, value_tanh, capsys)
    assert_accepted(ex.q7, value_tanh, capsys)  # nothing left patched that breaks a later check
    assert Value.tanh is value_tanh
    assert_rejected(ex.q7, original, capsys, "the course's own")
    assert_rejected(ex.q7, lambda self: original(self), capsys, "your function calls tanh")
    assert Value.tanh is value_tanh  # the learner's assignment is put back after each check
    monkeypatch.undo()
    assert_accepted(ex.q7, value_tanh, capsys)


def test_a_sigmoid_net_that_applies_the_sigmoid_twice_is_named_with_each_output_marked(capsys):
    def sigmoid_twice(X, y, W1, b1, W2, b2):
        H = sigmoid(X @ W1.T + b1)
        dY_hat = 2 * (H @ W2.T + b2 - y) / len(X)
        dZ1 = dY_hat @ W2 * sigmoid(H) * (1 - sigmoid(H))
        return dZ1.T @ X, dZ1.sum(axis=0), dY_hat.T @ H, dY_hat.sum(axis=0)

    out = assert_rejected(ex.q4, sigmoid_twice, capsys, "applies the sigmoid twice")
    assert "dW2 ✓, db2 ✓, dW1 ✗, db1 ✗" in out, out
    assert "expected" not in out, out


def test_a_wrong_backward_pass_marks_each_output_right_or_wrong_without_expected_values(capsys):
    def db_halved(X, W, b, G):
        dX, dW, db = relu_layer_backward(X, W, b, G)
        return dX, dW, db / 2

    out = assert_rejected(ex.q3, db_halved, capsys, "db is not right")
    assert "dX ✓, dW ✓, db ✗" in out, out
    out = assert_rejected(ex.q4, lambda *args: (*sigmoid_net_backward(*args)[:3], 2 * sigmoid_net_backward(*args)[3]),
                          capsys, "db2 is not right")
    assert "dW2 ✓, db2 ✗, dW1 ✓, db1 ✓" in out, out
