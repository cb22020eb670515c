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

from helpers.activations import activation, sigmoid
from helpers.errors import CourseError, as_float_array

Activation = Callable[[np.ndarray], np.ndarray]

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
            f"x has {x.shape[-1]} features (x.shape = {x.shape}) but W has shape {W.shape}: "
            f"{counted(W.shape[1], 'column')}, one per input feature. x.shape[-1] must equal W.shape[1], the number "
            f"of inputs each neuron reads: fix whichever is wrong, the input or W"
        )
    if b.shape != (W.shape[0],):
        raise ShapeError(
            f"b has shape {b.shape} but W has {counted(W.shape[0], 'row')}, one per neuron: b needs one bias per "
            f"neuron, shape ({W.shape[0]},)"
        )


def counted(n: int, thing: str) -> str:
    """'1 row', '3 rows'."""
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def dense(x, W, b, activation: Activation | None = None) -> np.ndarray:
    """One fully connected layer: activation(x @ W.T + b) for a batch (n, in) or one example (in,)."""
    x, W, b = (as_float_array(v, name) for v, name in ((x, "x"), (W, "W"), (b, "b")))
    check_layer_shapes(x, W, b)
    z = x @ W.T + b  # (n, out) for a batch, (out,) for one example
    return z if activation is None else activation(z)


def forward(x, layers: Sequence[tuple]) -> list[np.ndarray]:
    """Run x through layers [(W, b, activation), ...]; return every layer's output, x first."""
    outputs = [as_float_array(x, "x")]
    for W, b, g in layers:
        outputs.append(dense(outputs[-1], W, b, g))
    return outputs


def xor_layers(W1, b1, W2, b2, hidden: str = "sigmoid") -> list[tuple]:
    """The 2-3-1 network as layers for `forward`: a hidden layer (`hidden` activation), then a sigmoid output."""
    return [(W1, b1, activation(hidden)), (W2, b2, sigmoid)]


# --- A 2-2-1 XOR network: hidden space and training ----------------------------------------------------------

# h1 ≈ OR, h2 ≈ AND, ŷ ≈ "h1 and not h2": the preset above without its spare unit h3.
XOR_2_2_1 = {
    "W1": np.array([[10.0, 10.0], [10.0, 10.0]]),  # (2, 2)
    "b1": np.array([-5.0, -15.0]),  # (2,)
    "W2": np.array([[10.0, -10.0]]),  # (1, 2)
    "b2": np.array([-5.0]),  # (1,)
}


def xor_loss(W1, b1, W2, b2) -> float:
    """The network's cross-entropy loss on the four XOR points (notebook 04): 0 when every ŷ is exactly right."""
    y = forward(XOR_X, xor_layers(W1, b1, W2, b2))[-1][:, 0]  # (4,)
    y = np.clip(y, 1e-12, 1 - 1e-12)
    return float(-np.mean(XOR_Y * np.log(y) + (1 - XOR_Y) * np.log(1 - y)))


def xor_gradient_step(W1, b1, W2, b2, lr: float, limit: float = np.inf) -> tuple:
    """One gradient-descent step on xor_loss (notebook 05 explains it); weights stay within ±limit."""
    X, H, Y = forward(XOR_X, xor_layers(W1, b1, W2, b2))  # (4, 2), (4, d_hidden), (4, 1)
    G = (Y - XOR_Y[:, None]) / len(X)  # ∂L/∂Z2: (4, 1)
    dZ1 = (G @ W2) * H * (1 - H)  # ∂L/∂Z1: (4, d_hidden)
    grads = (dZ1.T @ X, dZ1.sum(0), G.T @ H, G.sum(0))
    return tuple(np.clip(p - lr * g, -limit, limit) for p, g in zip((W1, b1, W2, b2), grads, strict=True))


def random_xor_weights(rng: np.random.Generator, hidden: int = 2) -> tuple:
    """A random starting point (W1, b1, W2, b2) for a 2-hidden-1 network, entries drawn from N(0, 1)."""
    return rng.normal(size=(hidden, 2)), rng.normal(size=hidden), rng.normal(size=(1, hidden)), rng.normal(size=1)


# --- Universality: bumps of sigmoids ------------------------------------------------------------------------

def bump_network(target: Callable[[np.ndarray], np.ndarray], bumps: int, steepness: float,
                 low: float = 0.0, high: float = 1.0) -> tuple:
    """Weights (W1, b1, W2, b2) of a 1-(2·bumps)-1 sigmoid network whose output follows `target` on [low, high].

    Bump k is two hidden units, σ(s(x − t_k)) − σ(s(x − t_{k+1})): a step up at edge t_k and back down at t_{k+1},
    scaled by the target's value in the middle of that interval. The output layer adds the bumps (no activation).
    """
    edges = np.linspace(low, high, bumps + 1)  # (bumps + 1,)
    heights = target((edges[:-1] + edges[1:]) / 2)  # (bumps,)
    edges[0], edges[-1] = low - 1.0, high + 1.0  # the outer bumps reach past the ends: no half-step at low, high
    W1 = np.full((2 * bumps, 1), float(steepness))  # (2·bumps, 1): every unit is a step of steepness s
    b1 = -steepness * np.repeat(edges, 2)[1:-1]  # (2·bumps,): unit 2k steps at t_k, unit 2k+1 at t_{k+1}
    W2 = (heights[:, None] * np.array([1.0, -1.0])).reshape(1, -1)  # (1, 2·bumps): +height, −height
    return W1, b1, W2, np.zeros(1)
