"""Exercises for notebook 07 (MNIST from scratch): one-hot labels, the gradient of softmax cross-entropy,
accuracy from logits, and the SGD-with-momentum update."""

from __future__ import annotations

import numpy as np

from helpers.activations import softmax
from helpers.exercises.core import FunctionExercise

_RNG = np.random.default_rng(7)
_LOGITS = _RNG.normal(0, 3, size=(6, 10))  # (6, 10): six examples, ten classes
_LABELS = np.array([3, 0, 9, 3, 7, 1])  # (6,)


# ----------------------------------------------------------------------------- q1: one-hot encoding


def one_hot(labels, k):
    """Class indices (n,) -> one-hot rows (n, k): row i has a 1 in column labels[i] and 0 elsewhere."""
    rows = np.zeros((len(labels), k))  # (n, k)
    rows[np.arange(len(labels)), labels] = 1.0
    return rows


def _one_hot_shifted(labels, k):
    return one_hot((labels + 1) % k, k)


q1 = FunctionExercise(
    "One-hot encoding",
    one_hot,
    cases=[{"labels": np.array([2, 0, 1, 1]), "k": 3}, {"labels": _LABELS, "k": 10}, {"labels": np.array([9]), "k": 10}],
    hint="Start from np.zeros((n, k)), then set one entry per row: rows[np.arange(n), labels] = 1.",
    mistakes=[(_one_hot_shifted, "the 1s are one column too far right: class c goes in column c (counting from 0)")],
)


# ----------------------------------------------------------------------------- q2: the gradient at the logits


def cross_entropy_grad(logits, labels):
    """∂L/∂logits for L = mean cross-entropy of softmax(logits): (softmax(logits) − one_hot(labels)) / n."""
    n, k = logits.shape
    return (softmax(logits, axis=1) - one_hot(labels, k)) / n  # (n, k)


def _ce_grad_no_mean(logits, labels):
    return cross_entropy_grad(logits, labels) * len(labels)


def _ce_grad_flipped(logits, labels):
    return -cross_entropy_grad(logits, labels)


def _ce_grad_softmax_wrong_axis(logits, labels):
    n, k = logits.shape
    return (softmax(logits, axis=0) - one_hot(labels, k)) / n


q2 = FunctionExercise(
    "The gradient of softmax cross-entropy",
    cross_entropy_grad,
    cases=[{"logits": _LOGITS, "labels": _LABELS}, {"logits": np.array([[2.0, 1.0, 0.1]]), "labels": np.array([0])}],
    hint="Predicted probabilities minus the one-hot truth, divided by the batch size n (the loss is a mean).",
    mistakes=[(_ce_grad_no_mean, "you forgot to divide by n: the loss is the mean over the batch, and so is its gradient"),
              (_ce_grad_flipped, "the sign is flipped: it is softmax − one_hot (probabilities minus truth)"),
              (_ce_grad_softmax_wrong_axis, "softmax goes along each row (axis=1): one distribution per example")],
)


# ----------------------------------------------------------------------------- q3: accuracy from logits


def accuracy(logits, labels):
    """The fraction (0..1) of examples whose largest logit is at the true class."""
    return float(np.mean(logits.argmax(axis=1) == labels))


def _accuracy_percent(logits, labels):
    return 100 * accuracy(logits, labels)


def _error_rate(logits, labels):
    return 1 - accuracy(logits, labels)


q3 = FunctionExercise(
    "Accuracy from logits",
    accuracy,
    cases=[{"logits": _LOGITS, "labels": _LABELS}, {"logits": _LOGITS, "labels": _LOGITS.argmax(axis=1)},
           {"logits": np.array([[0.0, 5.0], [3.0, -1.0], [1.0, 2.0], [0.5, 0.4]]), "labels": np.array([1, 1, 1, 0])}],
    hint="The prediction is the class with the largest logit, logits.argmax(axis=1); "
         "accuracy is the mean of (prediction == label).",
    mistakes=[(_accuracy_percent, "give a fraction between 0 and 1, not a percentage"),
              (_error_rate, "that is the error rate (the fraction wrong): accuracy is the fraction right")],
)


# ----------------------------------------------------------------------------- q4: SGD with momentum


def momentum_step(w, v, grad, lr, momentum):
    """One SGD-with-momentum update, as torch.optim.SGD: v ← μ·v + g, then w ← w − η·v. Returns (w, v)."""
    v = momentum * v + grad
    w = w - lr * v
    return w, v


def _momentum_old_velocity(w, v, grad, lr, momentum):
    return w - lr * v, momentum * v + grad


def _momentum_uphill(w, v, grad, lr, momentum):
    v = momentum * v + grad
    return w + lr * v, v


q4 = FunctionExercise(
    "The SGD-with-momentum update",
    momentum_step,
    cases=[{"w": np.array([1.0, -2.0]), "v": np.array([0.5, 0.5]), "grad": np.array([0.2, -0.4]), "lr": 0.1,
            "momentum": 0.9},
           {"w": _RNG.normal(size=(3, 4)), "v": _RNG.normal(size=(3, 4)), "grad": _RNG.normal(size=(3, 4)),
            "lr": 0.05, "momentum": 0.5}],
    hint="Two lines, in this order: first the new velocity v = μ·v + g, then the step w = w − η·v with that new v.",
    names=["w", "v"],
    mistakes=[(_momentum_old_velocity, "update the velocity first, then step with the new velocity"),
              (_momentum_uphill, "you stepped uphill: w − η·v, not w + η·v")],
)
