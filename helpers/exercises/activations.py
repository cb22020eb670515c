"""Exercises for notebook 02 (activation functions): ReLU, sigmoid's derivative, a stable softmax, vanishing gradients."""

from __future__ import annotations

import numbers

import numpy as np

from helpers.activations import sigmoid
from helpers.exercises.core import CustomExercise, FunctionExercise, Wrong, show

_rng = np.random.default_rng(2)


# ---- q1: ReLU ----

def relu(z):
    """ReLU(z) = max(0, z), element by element, for an array of any shape."""
    return np.maximum(0, z)


q1 = FunctionExercise(
    "Exercise 1 (ReLU)", relu,
    [{"z": np.array([-2.0, -0.5, 0.0, 0.5, 3.0])},
     {"z": np.round(_rng.normal(size=(3, 4)), 2)},  # a 2-D array: keep the shape
     {"z": np.array([-1e4, 1e4])}],
    hint="`np.maximum(0, z)` compares 0 with every element of z and keeps the larger. "
         "(Python's `max(0, z)` does not work on arrays, and `np.max` returns a single number.)",
)


# ---- q2: sigmoid's derivative ----

def sigmoid_grad(z):
    """σ'(z) = σ(z) · (1 − σ(z))."""
    s = sigmoid(z)
    return s * (1 - s)


q2 = FunctionExercise(
    "Exercise 2 (sigmoid's derivative)", sigmoid_grad,
    [{"z": np.array([0.0])}, {"z": np.linspace(-6, 6, 13)}, {"z": np.array([-50.0, 50.0])}],
    hint="Compute s = sigmoid(z) once, then combine s with 1 − s. At z = 0 the answer is 0.25.",
)


# ---- q3: a numerically stable softmax ----

def softmax(z):
    """softmax(z)_i = e^(z_i − max z) / Σ_j e^(z_j − max z) for a 1-D array of scores z."""
    shifted = z - np.max(z)  # the largest score becomes 0, so exp never overflows
    e = np.exp(shifted)
    return e / np.sum(e)


q3 = FunctionExercise(
    "Exercise 3 (a stable softmax)", softmax,
    [{"z": np.array([2.0, 1.0, 0.1])},
     {"z": np.array([0.0, 0.0, 0.0, 0.0])},
     {"z": np.array([1000.0, 1001.0, 1002.0])},  # exp(1000) overflows
     {"z": np.array([-1000.0, 0.0, 1000.0])}],
    hint="exp(1000) is too big for a float (it becomes inf). Softmax does not change if you subtract the same number "
         "from every score, so subtract max(z) first: then the largest exponent is e^0 = 1.",
)


# ---- q4: how much gradient survives ten sigmoid layers ----

def best_sigmoid_factor(layers: int = 10) -> float:
    """The largest factor a gradient keeps through `layers` sigmoid units with weight 1: 0.25 per layer."""
    return 0.25 ** layers


def check_factor(answer) -> None:
    """Raise Wrong unless the answer is 0.25 ** 10 (to 0.1 %)."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Wrong(f"expected a single number, got {show(answer)}")
    value, target = float(answer), best_sigmoid_factor(10)
    if np.isclose(value, target, rtol=1e-3, atol=0):
        return
    if np.isclose(value, 0.25) or np.isclose(value, 0.25 * 10):
        raise Wrong(f"{value:g} is {'one layer' if np.isclose(value, 0.25) else 'ten layers added'}: "
                    "the chain rule *multiplies* one factor σ′(z) ≤ 0.25 per layer.")
    if np.isclose(value, 0.5 ** 10) or np.isclose(value, 1.0):
        raise Wrong(f"{value:g} uses the wrong largest slope: σ′(z) = σ(z)(1 − σ(z)) is largest at z = 0, "
                    "where σ(0) = 0.5. What is σ′(0)?")
    raise Wrong(f"{value:g} is not it. Find the largest value of σ′(z), then apply it once per layer.")


q4 = CustomExercise(
    "Exercise 4 (vanishing gradients)", best_sigmoid_factor(10), check_factor,
    hint="Through one sigmoid unit with weight 1 the gradient is multiplied by σ′(z), and σ′(z) is at most σ′(0). "
         "Through ten units it is multiplied ten times.",
    solution="best_factor = 0.25 ** 10  # σ′(z) ≤ σ′(0) = 0.5 · 0.5 = 0.25, once per layer: about 9.5e-07",
)
