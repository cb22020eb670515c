"""Activation functions and their derivatives, in NumPy.

Every function takes an array of any shape and returns an array of the same shape.
They are written to stay finite (no overflow warning, no nan) for |z| up to 1e4 and beyond.
"""

from __future__ import annotations

import numpy as np


def _as_float_array(z) -> np.ndarray:
    """Convert input to a float array, or raise a clear TypeError."""
    if z is None or isinstance(z, (str, bytes)):
        raise TypeError(f"activation functions take numbers, got {type(z).__name__}: {z!r}")
    try:
        arr = np.asarray(z)
    except (TypeError, ValueError) as err:  # e.g. ragged nested lists
        raise TypeError(f"activation functions take numbers or arrays of numbers, "
                        f"got {type(z).__name__} ({err})") from None
    if arr.dtype == object:  # a list mixing numbers with None, strings, ...
        bad = [v for v in arr.ravel() if not isinstance(v, (int, float, np.integer, np.floating))]
        if bad:
            raise TypeError(f"activation functions take numbers, got {type(bad[0]).__name__}: {bad[0]!r}")
    elif arr.dtype.kind not in "biuf":  # bool, int, unsigned, float are fine
        raise TypeError(f"activation functions take real numbers, got an array of dtype {arr.dtype}")
    return arr.astype(float)


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
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


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
    return np.where(z > 0, z, slope * z)


def leaky_relu_grad(z, slope: float = 0.01):
    """Leaky ReLU'(z) = 1 where z > 0, else slope."""
    z = _as_float_array(z)
    return np.where(z > 0, 1.0, slope)


def step(z):
    """Step (Heaviside): 1 where z > 0, else 0 (the all-or-nothing neuron of the perceptron)."""
    z = _as_float_array(z)
    return (z > 0).astype(float)


def softmax(z, axis: int = -1):
    """softmax(z)_i = e^(z_i) / Σ_j e^(z_j) along `axis`; shifted by the max so it never overflows."""
    z = _as_float_array(z)
    if z.ndim == 0:
        raise ValueError("softmax needs at least one axis of scores, got a single number")
    shifted = z - np.max(z, axis=axis, keepdims=True)  # largest entry becomes 0
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


ACTIVATIONS = {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "leaky_relu": leaky_relu}
GRADIENTS = {"relu": relu_grad, "sigmoid": sigmoid_grad, "tanh": tanh_grad, "leaky_relu": leaky_relu_grad}
