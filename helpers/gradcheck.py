"""Check a gradient with numbers: central differences, used by notebooks 04 and 05."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.errors import CourseError, as_float_array


class GradCheckError(CourseError, ValueError):
    """Two gradients that cannot be compared (their shapes differ)."""


def numerical_grad(f: Callable[[np.ndarray], float], x, h: float = 1e-6) -> np.ndarray:
    """The gradient of the scalar function f at x by central differences, (f(x + h) − f(x − h)) / 2h per entry."""
    x = as_float_array(x, "x")  # a float copy: the caller's array is never changed
    grad = np.zeros_like(x)  # same shape as x
    for i in np.ndindex(x.shape):  # every position: (0,), (1,), ... or (0, 0), (0, 1), ...
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (float(f(up)) - float(f(down))) / (2 * h)
    return grad


def max_rel_error(a, b, floor: float = 1e-8) -> float:
    """The largest |a − b| / max(|a|, |b|, floor) over all entries: about 1e-7 or less when two gradients agree."""
    a, b = as_float_array(a, "a"), as_float_array(b, "b")
    if a.shape != b.shape:
        raise GradCheckError(f"the two gradients have shapes {a.shape} and {b.shape}: they must match")
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)  # same shape as a
    return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0
