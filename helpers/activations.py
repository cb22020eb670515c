"""Activation functions and their derivatives, in NumPy.

Every function takes an array of any shape and returns an array of the same shape.
They are written to stay finite (no overflow warning, no nan) for |z| up to 1e4 and beyond.
`ACTIVATIONS` is the course's one registry of them, by name: every plot, layer and exercise selects from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from helpers.errors import CourseError, as_float_array


class ActivationInputError(CourseError, ValueError):
    """An activation was given input it cannot take (softmax of a single number), or an unknown name."""


def _as_float_array(z) -> np.ndarray:
    """z as a float array, or a NotNumbersError (a CourseError and a TypeError) that says what was wrong."""
    return as_float_array(z, "the input of an activation function")


def relu(z):
    """ReLU(z) = max(0, z)."""
    z = _as_float_array(z)
    return np.maximum(z, 0.0)


def relu_grad(z):
    """ReLU'(z) = 1 where z > 0, else 0 (PyTorch's convention at z = 0)."""
    z = _as_float_array(z)
    return (z > 0).astype(float)


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z|."""
    z = _as_float_array(z)
    e = np.exp(-np.abs(z))  # always in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]  # [()]: one number in, one number out


def sigmoid_grad(z):
    """σ'(z) = σ(z)(1 − σ(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))."""
    return np.tanh(_as_float_array(z))


def tanh_grad(z):
    """tanh'(z) = 1 − tanh(z)²."""
    t = tanh(z)
    return 1.0 - t * t


def leaky_relu(z, slope: float = 0.01):
    """Leaky ReLU: z where z > 0, else slope·z."""
    z = _as_float_array(z)
    return np.where(z > 0, z, slope * z)[()]


def leaky_relu_grad(z, slope: float = 0.01):
    """Leaky ReLU'(z) = 1 where z > 0, else slope."""
    z = _as_float_array(z)
    return np.where(z > 0, 1.0, slope)[()]


def step(z):
    """Step (Heaviside): 1 where z > 0, else 0 (the all-or-nothing neuron of the perceptron)."""
    z = _as_float_array(z)
    return (z > 0).astype(float)


def softmax(z, axis: int = -1):
    """softmax(z)_i = e^(z_i) / Σ_j e^(z_j) along `axis`; shifted by the max so it never overflows."""
    z = _as_float_array(z)
    if z.ndim == 0:
        raise ActivationInputError("softmax needs at least one axis of scores, got a single number")
    shifted = z - np.max(z, axis=axis, keepdims=True)  # largest entry becomes 0
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def step_grad(z):
    """step'(z) = 0 everywhere it exists (the jump at 0 has no slope): no gradient to learn from."""
    return np.zeros_like(_as_float_array(z))[()]


# ---- the one registry of activations: every other module selects from it by name ----

@dataclass(frozen=True)
class Activation:
    """An activation g by name: call it like g(z); `.grad` is g′, `.symbol` its short name in formulas."""

    name: str
    label: str  # for legends and menus: "sigmoid σ"
    symbol: str  # inside a formula: a = σ(z)
    function: Callable[..., np.ndarray]
    grad: Callable[..., np.ndarray]

    def __call__(self, z, **kwargs) -> np.ndarray:
        return self.function(z, **kwargs)


ACTIVATIONS = {a.name: a for a in (
    Activation("sigmoid", "sigmoid σ", "σ", sigmoid, sigmoid_grad),
    Activation("tanh", "tanh", "tanh", tanh, tanh_grad),
    Activation("relu", "ReLU", "ReLU", relu, relu_grad),
    Activation("leaky_relu", "leaky ReLU", "LReLU", leaky_relu, leaky_relu_grad),
    Activation("step", "step", "step", step, step_grad),
)}
HIDDEN = ("sigmoid", "tanh", "relu")  # the hidden-layer choices of notebooks 02, 03 and helpers.depth


def activation(name: str) -> Activation:
    """The activation called `name`, or an ActivationInputError listing the names there are."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ActivationInputError(f"unknown activation {name!r}: use one of {', '.join(ACTIVATIONS)}") from None
