"""Exercises for notebook 05 (backpropagation): a numerical derivative, the chain rule on one neuron,
a Linear layer's backward pass, and one step of gradient descent.

Functions that return several arrays are checked output by output (`names=`), and the usual slips
(a missing factor, a flipped sign, a mean instead of a sum) are recognised and named (`mistakes=`).
"""

from __future__ import annotations

import numpy as np

from helpers.activations import sigmoid
from helpers.exercises.core import FunctionExercise, ValueExercise

# ----------------------------------------------------------------------------- q1: a numerical derivative


def numerical_derivative(f, x, h):
    """The central difference (f(x + h) − f(x − h)) / 2h: the slope of f at x, with an error of order h²."""
    return (f(x + h) - f(x - h)) / (2 * h)


def _forward_difference(f, x, h):
    return (f(x + h) - f(x)) / h


def _cube(t):
    return t**3


def _bump(t):
    return np.exp(-(t**2))


q1 = FunctionExercise(
    "A numerical derivative",
    numerical_derivative,
    cases=[{"f": _cube, "x": 2.0, "h": 1e-3}, {"f": np.sin, "x": 0.3, "h": 1e-4}, {"f": _bump, "x": -0.7, "h": 1e-3}],
    hint="Step h to the right and h to the left, and divide the change in f by the distance 2h between them.",
    mistakes=[(_forward_difference, "that is the one-sided difference (f(x + h) − f(x)) / h: it is off by about "
                                    "h·f''(x)/2. Use the central one, (f(x + h) − f(x − h)) / 2h")],
)


# ----------------------------------------------------------------------------- q2: the chain rule on one neuron


def neuron_grads(x, w, b, y):
    """For L = (σ(w·x + b) − y)², return (∂L/∂w, ∂L/∂b) by the chain rule."""
    a = sigmoid(w * x + b)  # forward: z = w·x + b, a = σ(z)
    dL_da = 2 * (a - y)  # L = (a − y)²
    dL_dz = dL_da * a * (1 - a)  # σ'(z) = σ(z)(1 − σ(z))
    return dL_dz * x, dL_dz * 1  # ∂z/∂w = x, ∂z/∂b = 1


def _neuron_no_sigma_prime(x, w, b, y):
    a = sigmoid(w * x + b)
    return 2 * (a - y) * x, 2 * (a - y)


def _neuron_no_two(x, w, b, y):
    dw, db = neuron_grads(x, w, b, y)
    return dw / 2, db / 2


def _neuron_sigma_of_a(x, w, b, y):  # σ'(a) instead of σ'(z)
    a = sigmoid(w * x + b)
    s = sigmoid(a)
    return 2 * (a - y) * s * (1 - s) * x, 2 * (a - y) * s * (1 - s)


q2 = FunctionExercise(
    "The chain rule on a sigmoid neuron",
    neuron_grads,
    cases=[{"x": 1.5, "w": -0.8, "b": 0.4, "y": 1.0}, {"x": -2.0, "w": 0.3, "b": -0.1, "y": 0.0},
           {"x": 0.5, "w": 2.0, "b": 1.0, "y": 1.0}],
    hint="Walk backwards: ∂L/∂a = 2(a − y), then multiply by ∂a/∂z = a(1 − a), "
         "then by ∂z/∂w = x (for w) or ∂z/∂b = 1 (for b).",
    names=["dL_dw", "dL_db"],
    mistakes=[(_neuron_no_sigma_prime, "you skipped the sigmoid: multiply by ∂a/∂z = a(1 − a) on the way back"),
              (_neuron_no_two, "you are off by a factor of 2: the derivative of (a − y)² is 2(a − y)"),
              (_neuron_sigma_of_a, "σ' is taken at z, not at a: ∂a/∂z = σ(z)(1 − σ(z)) = a(1 − a)")],
)


# ----------------------------------------------------------------------------- q3: one Linear layer backward


def linear_backward(x, W, grad_out):
    """For y = x Wᵀ + b: x (n, in), W (out, in), grad_out = ∂L/∂y (n, out) -> (∂L/∂x, ∂L/∂W, ∂L/∂b)."""
    grad_x = grad_out @ W  # (n, out) @ (out, in) -> (n, in)
    grad_W = grad_out.T @ x  # (out, n) @ (n, in) -> (out, in)
    grad_b = grad_out.sum(axis=0)  # (out,)
    return grad_x, grad_W, grad_b


def _linear_mean_bias(x, W, grad_out):
    grad_x, grad_W, _ = linear_backward(x, W, grad_out)
    return grad_x, grad_W, grad_out.mean(axis=0)


_RNG = np.random.default_rng(5)
q3 = FunctionExercise(
    "The backward pass of a Linear layer",
    linear_backward,
    cases=[{"x": _RNG.normal(size=(4, 3)), "W": _RNG.normal(size=(2, 3)), "grad_out": _RNG.normal(size=(4, 2))},
           {"x": _RNG.normal(size=(1, 5)), "W": _RNG.normal(size=(3, 5)), "grad_out": _RNG.normal(size=(1, 3))}],
    hint="Let the shapes guide you: ∂L/∂x must be (n, in), so grad_out (n, out) times W (out, in); "
         "∂L/∂W must be (out, in), so grad_outᵀ (out, n) times x (n, in); b is added to every row, "
         "so its gradient adds up the rows of grad_out.",
    names=["grad_x", "grad_W", "grad_b"],
    mistakes=[(_linear_mean_bias, "grad_b: b is added to every example, so the gradients of the rows add up "
                                  "(sum over axis 0), they are not averaged")],
)


# ----------------------------------------------------------------------------- q4: one step of gradient descent

START, LEARNING_RATE = np.array([-4.5, 2.0]), 0.05


def _ravine_gradient(w):
    """∇f for f(w) = ½(w₁² + 10·w₂²)."""
    return np.array([w[0], 10 * w[1]])


def gradient_step():
    """w ← w − η·∇f(w), once, from START with learning rate η = LEARNING_RATE."""
    return START - LEARNING_RATE * _ravine_gradient(START)


q4 = ValueExercise(
    "One step of gradient descent",
    gradient_step,
    hint="First the gradient at the start: ∇f = (w₁, 10·w₂) = (−4.5, 20). Then step *against* it: w − η·∇f.",
    solution="w_next = np.array([-4.5, 2.0]) - 0.05 * np.array([-4.5, 10 * 2.0])   # = [-4.275, 1.0]",
    mistakes=[(lambda: START + LEARNING_RATE * _ravine_gradient(START),
               "you stepped uphill: the gradient points to where f grows, so subtract it"),
              (lambda: START - _ravine_gradient(START), "you forgot the learning rate: multiply the gradient by η = 0.05"),
              (lambda: -LEARNING_RATE * _ravine_gradient(START), "that is the step itself: add it to where you start")],
)
