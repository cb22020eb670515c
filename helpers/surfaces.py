"""Two small loss surfaces f(w₁, w₂) with their gradients, for gradient descent by hand (notebook 05).

The plots (helpers.plots.backprop) draw them and the exercises (helpers.exercises.backprop) descend them:
both take them from here.
"""

from __future__ import annotations

import numpy as np


def ravine(w):
    """½(w₁² + 10·w₂²): a bowl ten times steeper across than along. w: (..., 2) -> (...)."""
    w = np.asarray(w)
    return 0.5 * (w[..., 0] ** 2 + 10 * w[..., 1] ** 2)


def ravine_grad(w):
    """∇ of ½(w₁² + 10·w₂²): (w₁, 10·w₂)."""
    return np.array([w[0], 10 * w[1]])


def banana(w):
    """(1 − w₁)² + 10·(w₂ − w₁²)²: a curved valley (a gentle Rosenbrock function). w: (..., 2) -> (...)."""
    w = np.asarray(w)
    return (1 - w[..., 0]) ** 2 + 10 * (w[..., 1] - w[..., 0] ** 2) ** 2


def banana_grad(w):
    """∇ of the banana: (−2(1 − w₁) − 40·w₁(w₂ − w₁²), 20(w₂ − w₁²))."""
    return np.array([-2 * (1 - w[0]) - 40 * w[0] * (w[1] - w[0] ** 2), 20 * (w[1] - w[0] ** 2)])
