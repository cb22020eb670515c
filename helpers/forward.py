"""The forward pass of a small fully connected network, in NumPy, with shape checks that explain themselves.

Convention (the same as PyTorch's ``nn.Linear``):
  * a weight matrix ``W`` has shape ``(out_features, in_features)``: row ``j`` holds neuron ``j``'s weights;
  * one example ``x`` has shape ``(in_features,)`` and gives ``z = W @ x + b``, shape ``(out_features,)``;
  * a batch ``X`` has shape ``(n, in_features)``, one example per row, and gives ``Z = X @ W.T + b``,
    shape ``(n, out_features)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from helpers.activations import relu, sigmoid, tanh
from helpers.errors import CourseError

Activation = Callable[[np.ndarray], np.ndarray]
HIDDEN_ACTIVATIONS: dict[str, Activation] = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu}

# The four XOR points (one per row) and their labels: 1 where exactly one input is 1.
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # (4, 2)
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])  # (4,)

# Weights of a 2-3-1 sigmoid network that solves XOR: h1 ≈ OR, h2 ≈ AND, h3 switched off,
# output ≈ "h1 and not h2" = XOR.  Shapes follow nn.Linear: (out, in).
XOR_PRESET = {
    "W1": np.array([[10.0, 10.0], [10.0, 10.0], [0.0, 0.0]]),  # (3, 2)
    "b1": np.array([-5.0, -15.0, 0.0]),  # (3,)
    "W2": np.array([[10.0, -10.0, 0.0]]),  # (1, 3)
    "b2": np.array([-5.0]),  # (1,)
}


class ShapeError(CourseError, ValueError):
    """The shapes of x, W and b do not fit together."""


def check_layer_shapes(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> None:
    """Raise ShapeError, saying what is wrong and how to fix it, unless x, W and b fit together."""
    if W.ndim != 2:
        raise ShapeError(f"W must be a 2-D matrix of shape (out_features, in_features), got shape {W.shape}")
    if x.ndim not in (1, 2):
        raise ShapeError(f"x must be one example (in_features,) or a batch (n, in_features), got shape {x.shape}")
    if x.shape[-1] != W.shape[1]:
        raise ShapeError(
            f"W has shape {W.shape} but x has {x.shape[-1]} features (x.shape = {x.shape}): "
            f"W needs one column per input feature, so W.shape[1] must equal {x.shape[-1]}"
        )
    if b.shape != (W.shape[0],):
        raise ShapeError(
            f"b has shape {b.shape} but W has {W.shape[0]} rows (neurons): b needs one bias per neuron, "
            f"shape ({W.shape[0]},)"
        )


def dense(x, W, b, activation: Activation | None = None) -> np.ndarray:
    """One fully connected layer: activation(x @ W.T + b) for a batch (n, in) or one example (in,)."""
    x, W, b = (np.asarray(v, dtype=float) for v in (x, W, b))
    check_layer_shapes(x, W, b)
    z = x @ W.T + b  # (n, out) for a batch, (out,) for one example
    return z if activation is None else activation(z)


def forward(x, layers: Sequence[tuple]) -> list[np.ndarray]:
    """Run x through layers [(W, b, activation), ...]; return every layer's output, x first."""
    outputs = [np.asarray(x, dtype=float)]
    for W, b, activation in layers:
        outputs.append(dense(outputs[-1], W, b, activation))
    return outputs


def xor_layers(W1, b1, W2, b2, hidden: str = "sigmoid") -> list[tuple]:
    """The 2-3-1 network as layers for `forward`: a hidden layer (`hidden` activation), then a sigmoid output."""
    return [(W1, b1, HIDDEN_ACTIVATIONS[hidden]), (W2, b2, sigmoid)]
