"""Exercises for notebook 03 (forward propagation): layers, batches, shapes, and XOR with ReLUs."""

from __future__ import annotations

import numpy as np

from helpers.activations import relu, sigmoid
from helpers.exercises.core import NOT_ATTEMPTED, CustomExercise, FunctionExercise, Wrong, show
from helpers.forward import XOR_X, XOR_Y, ShapeError, dense

_rng = np.random.default_rng(3)


def _normal(*shape) -> np.ndarray:
    """Random test numbers, rounded to 2 decimals so feedback stays readable."""
    return np.round(_rng.normal(size=shape), 2)


# --- q1: a dense ReLU layer on a batch -------------------------------------------------------------

def _dense_relu(X, W, b):
    return relu(X @ W.T + b)  # (n, d) @ (d, m) + (m,) -> (n, m)


q1 = FunctionExercise(
    "Exercise 1 (a dense ReLU layer)",
    reference=_dense_relu,
    cases=[
        {"X": np.array([[1.0, 2.0], [0.0, -1.0]]),  # (2, 2): 2 examples, 2 features
         "W": np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]]),  # (3, 2): 3 neurons
         "b": np.array([0.0, 0.5, -1.0])},  # (3,)
        {"X": _normal(5, 3), "W": _normal(4, 3), "b": _normal(4)},
        {"X": _normal(3, 3), "W": _normal(3, 3), "b": _normal(3)},  # square: catches X @ W
    ],
    hint="One example per row of X, one neuron per row of W. X @ W.T has shape (n, m); "
         "add b (NumPy adds it to every row), then apply relu to everything.",
    solution="def dense_relu(X, W, b):\n    return relu(X @ W.T + b)",
)


# --- q2: the other convention, examples as columns -----------------------------------------------

def _dense_columns(Xc, W, b):
    return W @ Xc + b[:, None]  # (m, d) @ (d, n) + (m, 1) -> (m, n)


q2 = FunctionExercise(
    "Exercise 2 (examples as columns)",
    reference=_dense_columns,
    cases=[
        {"Xc": np.array([[1.0, 0.0, -1.0, 2.0], [2.0, 0.0, 1.0, -0.5]]),  # (2, 4): 4 examples as columns
         "W": np.array([[0.5, -1.0], [1.0, 1.0], [-2.0, 0.5]]),  # (3, 2)
         "b": np.array([0.5, 0.0, 1.0])},  # (3,)
        {"Xc": _normal(3, 5), "W": _normal(2, 3), "b": _normal(2)},
        {"Xc": _normal(3, 3), "W": _normal(3, 3), "b": _normal(3)},  # square: catches W @ Xc + b
    ],
    hint="W @ Xc already has shape (m, n): column k is example k. The bias must be added down each "
         "column, so b needs the shape (m, 1): b[:, None] or b.reshape(-1, 1). Plain b, shape (m,), "
         "would be added along each row instead.",
    solution="def dense_columns(Xc, W, b):\n    return W @ Xc + b[:, None]   # or (Xc.T @ W.T + b).T",
)


# --- q3: a two-layer forward pass ---------------------------------------------------------------

def _two_layer(X, W1, b1, W2, b2):
    H = relu(X @ W1.T + b1)  # (n, hidden)
    return sigmoid(H @ W2.T + b2)  # (n, out)


q3 = FunctionExercise(
    "Exercise 3 (a two-layer forward pass)",
    reference=_two_layer,
    cases=[
        {"X": np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),
         "W1": np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 2.0]]), "b1": np.array([0.0, -0.5, 0.5]),
         "W2": np.array([[1.0, -2.0, 0.5]]), "b2": np.array([-0.5])},
        {"X": _normal(6, 3), "W1": _normal(5, 3), "b1": _normal(5), "W2": _normal(2, 5), "b2": _normal(2)},
    ],
    hint="Two steps, each exactly one layer: first H = relu(X @ W1.T + b1), then "
         "sigmoid(H @ W2.T + b2). The second layer reads H, not X.",
    solution="def two_layer(X, W1, b1, W2, b2):\n"
             "    H = relu(X @ W1.T + b1)          # hidden layer, (n, hidden)\n"
             "    return sigmoid(H @ W2.T + b2)    # output layer, (n, out)",
)


# --- q4: XOR with ReLU hidden units ---------------------------------------------------------------

XOR_RELU_REFERENCE = (
    np.array([[1.0, 1.0], [1.0, 1.0]]),  # W1 (2, 2): both units add up the inputs
    np.array([0.0, -1.0]),  # b1 (2,): h1 = x1 + x2, h2 = relu(x1 + x2 - 1) (on only when both are 1)
    np.array([[10.0, -20.0]]),  # W2 (1, 2): 10·(h1 - 2·h2) is 0, 10, 0 for 0, 1, 2 inputs on
    np.array([-5.0]),  # b2 (1,): shift so that 0 -> σ(-5) ≈ 0.01, 10 -> σ(5) ≈ 0.99
)


def _check_xor_relu(answer) -> None:
    """Raise Wrong unless answer = (W1, b1, W2, b2) makes sigmoid(relu-layer) output XOR confidently."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 4:
        raise Wrong(f"expected four arrays (W1, b1, W2, b2), got {type(answer).__name__}: {show(answer)}")
    if any(part is ... or part is None for part in answer):
        raise Wrong(NOT_ATTEMPTED)
    try:
        W1, b1, W2, b2 = (np.asarray(part, dtype=float) for part in answer)
    except (TypeError, ValueError):
        raise Wrong("W1, b1, W2 and b2 must be arrays of numbers") from None
    if W2.ndim != 2 or W2.shape[0] != 1:
        raise Wrong(f"W2 must have shape (1, hidden): one output neuron, got shape {W2.shape}")
    try:
        H = dense(XOR_X, W1, b1, relu)  # (4, hidden)
    except ShapeError as err:
        raise Wrong(f"in the hidden layer (W1, b1): {err}") from None
    try:
        y = dense(H, W2, b2, sigmoid)[:, 0]  # (4,)
    except ShapeError as err:
        raise Wrong(f"in the output layer (W2, b2): {err}") from None
    for (x1, x2), target, value in zip(XOR_X, XOR_Y, y, strict=True):
        if not np.isfinite(value):
            raise Wrong(f"at x = ({x1:g}, {x2:g}) your network gives ŷ = {value}")
        if target == 1 and value < 0.9:
            raise Wrong(f"at x = ({x1:g}, {x2:g}) your network gives ŷ = {value:.3f}, but XOR's target "
                        f"is 1: ŷ must be at least 0.9")
        if target == 0 and value > 0.1:
            raise Wrong(f"at x = ({x1:g}, {x2:g}) your network gives ŷ = {value:.3f}, but XOR's target "
                        f"is 0: ŷ must be at most 0.1")


q4 = CustomExercise(
    "Exercise 4 (XOR with ReLU hidden units)",
    reference=XOR_RELU_REFERENCE,
    checker=_check_xor_relu,
    hint="Try two hidden units that both compute x1 + x2 (weights 1, 1), one with bias 0 and one with "
         "bias -1. On the four corners they give h1 = 0, 1, 1, 2 and h2 = 0, 0, 0, 1. Which mix "
         "v1·h1 + v2·h2 is 0, 1, 1, 0? Then scale it up and shift it so that σ gives ≈0 and ≈1.",
    solution="W1 = np.array([[1.0, 1.0], [1.0, 1.0]])   # h1 = relu(x1 + x2), h2 = relu(x1 + x2 - 1)\n"
             "b1 = np.array([0.0, -1.0])\n"
             "W2 = np.array([[10.0, -20.0]])            # 10·(h1 - 2·h2) = 0, 10, 10, 0 on the corners\n"
             "b2 = np.array([-5.0])                     # σ(-5) ≈ 0.007, σ(5) ≈ 0.993\n"
             "my_xor = (W1, b1, W2, b2)",
)


# --- q5: shapes through an MNIST-sized network ----------------------------------------------------

SHAPES_REFERENCE = ((128, 784), (64, 128), (64, 10))
_SHAPE_NAMES = ("the first layer's weight W1", "the hidden activations H", "the output")
_SHAPE_TIPS = {
    (784, 128): "that is W1 transposed: nn.Linear stores its weight as (out_features, in_features), "
                "one row per neuron",
    (128, 64): "that is H transposed: PyTorch puts the batch first, one row per example",
    (10, 64): "that is the output transposed: PyTorch puts the batch first, one row per example",
}


def _as_shape(value) -> tuple:
    """Turn a tuple, list or torch.Size into a tuple of ints (or raise Wrong)."""
    if value is ... or value is None:
        raise Wrong(NOT_ATTEMPTED)
    try:
        return tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise Wrong(f"a shape is a tuple of whole numbers like (3, 2), got {show(value)}") from None


def _check_shapes(answer) -> None:
    """Raise Wrong unless answer = (shape of W1, shape of H, shape of the output)."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise Wrong(f"expected three shapes (shape_W1, shape_H, shape_out), got {show(answer)}")
    shapes = [_as_shape(part) for part in answer]
    for name, got, expected in zip(_SHAPE_NAMES, shapes, SHAPES_REFERENCE, strict=True):
        if got != expected:
            tip = _SHAPE_TIPS.get(got, "count: which number is the batch, which the inputs, which the outputs?")
            raise Wrong(f"{name} should have shape {expected}, not {got}: {tip}")


q5 = CustomExercise(
    "Exercise 5 (shapes in an MNIST network)",
    reference=SHAPES_REFERENCE,
    checker=_check_shapes,
    hint="nn.Linear(784, 128) holds a weight of shape (out_features, in_features). "
         "A batch keeps its size n = 64 through every layer; only the number of features changes. "
         "You can check yourself: build the network and print net[0].weight.shape and net(X).shape "
         "for X = torch.zeros(64, 784).",
    solution="shape_W1 = (128, 784)   # (out_features, in_features)\n"
             "shape_H = (64, 128)     # (batch, hidden features)\n"
             "shape_out = (64, 10)    # (batch, classes)",
)
