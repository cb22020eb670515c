"""Loss functions and their gradients, in NumPy.

Every loss returns a Python float: the *mean* over the examples, exactly as PyTorch's
defaults (`F.mse_loss`, `F.cross_entropy`, `nn.CrossEntropyLoss`) compute it.
Every gradient has the shape of the argument it is taken with respect to.

Shapes, with n examples and k classes:
  mse(y_true, y_pred)                    y_true, y_pred: the same shape, any shape
  cross_entropy(y_true, probs)           y_true: (n,) class indices or (n, k) one-hot; probs: (n, k)
  softmax_cross_entropy(labels, logits)  labels: (n,) class indices or (n, k) one-hot; logits: (n, k)

Wrong shapes, out-of-range labels and probabilities outside [0, 1] raise `LossInputError`,
a `ValueError` whose message names the shapes or values at fault.
"""

from __future__ import annotations

import numpy as np

from helpers.activations import softmax
from helpers.errors import CourseError, as_float_array

# Smallest probability `cross_entropy` takes the log of. A predicted probability of exactly 0
# for the true class would give -log(0) = inf; clipping to EPS caps that example's loss at
# -log(1e-12) ≈ 27.6 instead, which is still huge (the model is confidently wrong) but finite,
# so the mean, and training, survive. 1e-12 is far below any probability a float64 softmax
# rounds to 0 by accident, so ordinary losses are unchanged.
EPS = 1e-12


class LossInputError(CourseError, ValueError):
    """A loss was given arrays of the wrong shape or with impossible values."""


def _float_array(x, name: str) -> np.ndarray:
    """Convert `x` to a float array, or raise a LossInputError naming the argument."""
    return as_float_array(x, name, LossInputError)


def _check_2d(arr: np.ndarray, name: str) -> None:
    """Raise unless `arr` is a non-empty (n, k) table."""
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise LossInputError(f"{name} must be a non-empty 2-D array of shape (n, k) "
                             f"(one row per example, one column per class), got shape {arr.shape}")


def _targets_as_rows(y_true, n: int, k: int, name: str, other: str, other_shape) -> np.ndarray:
    """Class indices (n,) or one-hot rows (n, k) -> (n, k) rows of target probabilities."""
    y = np.asarray(y_true)
    if isinstance(y_true, (str, bytes)) or y.dtype.kind not in "biuf":
        raise LossInputError(f"{name} must be integer class indices or one-hot rows, got {y!r}")
    if y.ndim == 1:  # class indices
        if y.shape[0] != n:
            raise LossInputError(f"{name} has shape {y.shape} but {other} has shape {other_shape}: "
                                 f"give one class index per row of {other} ({n} of them)")
        if y.dtype.kind == "b":
            raise LossInputError(f"{name} must be integer class indices, got booleans")
        if y.dtype.kind == "f" and not np.all(np.isfinite(y) & (y == np.round(y))):
            bad = y[~(np.isfinite(y) & (y == np.round(y)))][0]
            raise LossInputError(f"{name} must be whole-number class indices 0..{k - 1}, "
                                 f"got {float(bad):g}")
        labels = y.astype(np.int64)
        if np.any((labels < 0) | (labels >= k)):
            i = int(np.flatnonzero((labels < 0) | (labels >= k))[0])
            raise LossInputError(f"{name}[{i}] = {labels[i]} is not a class: with {k} classes "
                                 f"the labels must be 0..{k - 1}")
        rows = np.zeros((n, k))
        rows[np.arange(n), labels] = 1.0
        return rows
    if y.ndim == 2:  # one-hot rows (or, more generally, rows of class probabilities)
        if y.shape != (n, k):
            raise LossInputError(f"{name} has shape {y.shape} but {other} has shape {other_shape}: "
                                 f"one-hot targets must have exactly the same shape")
        rows = y.astype(float)
        if not np.all(np.isfinite(rows) & (rows >= 0) & (rows <= 1)) or \
                not np.allclose(rows.sum(axis=1), 1.0, atol=1e-6):
            raise LossInputError(f"{name} has shape (n, k) so it must be one-hot: each row "
                                 f"0s and a single 1 (or class probabilities summing to 1)")
        return rows
    raise LossInputError(f"{name} must be class indices of shape (n,) or one-hot of shape (n, k), "
                         f"got shape {y.shape}")


# ---------------------------------------------------------------- mean squared error

def _same_shape(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Both arguments as float arrays of one, non-empty shape (no silent broadcasting)."""
    t, p = _float_array(y_true, "y_true"), _float_array(y_pred, "y_pred")
    if t.shape != p.shape:
        raise LossInputError(f"y_true has shape {t.shape} but y_pred has shape {p.shape}: "
                             f"they must match (one prediction per target)")
    if t.size == 0:
        raise LossInputError("y_true and y_pred are empty: the mean of no errors is undefined")
    return t, p


def mse(y_true, y_pred) -> float:
    """Mean squared error: (1/N) Σ (ŷ_i − y_i)², averaged over every entry, like F.mse_loss."""
    t, p = _same_shape(y_true, y_pred)
    return float(np.mean((p - t) ** 2))


def mse_grad(y_true, y_pred) -> np.ndarray:
    """∂ mse / ∂ y_pred = 2 (ŷ − y) / N, with N the number of entries; same shape as y_pred."""
    t, p = _same_shape(y_true, y_pred)
    return 2.0 * (p - t) / p.size


# ---------------------------------------------------------------- cross-entropy on probabilities

def cross_entropy(y_true, probs) -> float:
    """Mean cross-entropy −(1/n) Σ_i log p_i,y_i of predicted probabilities `probs` (n, k).

    `y_true` holds class indices (n,) or one-hot rows (n, k). Probabilities are clipped to
    at least EPS before the log, so a probability of exactly 0 gives a large finite loss.
    """
    p = _float_array(probs, "probs")
    _check_2d(p, "probs")
    if not np.all(np.isfinite(p) & (p >= 0) & (p <= 1 + 1e-9)):
        raise LossInputError("probs must be probabilities in [0, 1]; got values like "
                             f"{float(p[~(np.isfinite(p) & (p >= 0) & (p <= 1 + 1e-9))][0]):g}. "
                             "If these are raw scores (logits), use softmax_cross_entropy instead")
    n, k = p.shape
    rows = _targets_as_rows(y_true, n, k, "y_true", "probs", p.shape)  # (n, k)
    log_p = np.log(np.clip(p, EPS, None))  # (n, k), finite
    return float(-np.sum(rows * log_p) / n)


# ---------------------------------------------------------------- softmax + cross-entropy on logits

def logsumexp(z, axis: int = -1) -> np.ndarray:
    """log Σ_j e^(z_j) along `axis`, computed as m + log Σ_j e^(z_j − m) with m = max_j z_j."""
    z = _float_array(z, "z")
    m = np.max(z, axis=axis, keepdims=True)  # the largest exponent becomes e^0 = 1
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(z - m), axis=axis))


def log_softmax(logits, axis: int = -1) -> np.ndarray:
    """log softmax(z)_i = z_i − logsumexp(z): finite even where softmax rounds to 0."""
    z = _float_array(logits, "logits")
    return z - np.expand_dims(logsumexp(z, axis=axis), axis)


def _logits_and_targets(labels, logits) -> tuple[np.ndarray, np.ndarray]:
    """Validate and return logits (n, k) and target rows (n, k)."""
    z = _float_array(logits, "logits")
    _check_2d(z, "logits")
    if not np.all(np.isfinite(z)):
        raise LossInputError("logits contain nan or inf; check the layer that produced them")
    rows = _targets_as_rows(labels, z.shape[0], z.shape[1], "labels", "logits", z.shape)
    return z, rows


def softmax_cross_entropy(labels, logits) -> float:
    """Mean cross-entropy of softmax(logits) (n, k), computed stably, like F.cross_entropy."""
    z, rows = _logits_and_targets(labels, logits)
    return float(-np.sum(rows * log_softmax(z)) / z.shape[0])


def softmax_cross_entropy_grad(labels, logits) -> np.ndarray:
    """∂ softmax_cross_entropy / ∂ logits = (softmax(logits) − onehot(labels)) / n, shape (n, k)."""
    z, rows = _logits_and_targets(labels, logits)
    return (softmax(z, axis=1) - rows) / z.shape[0]
