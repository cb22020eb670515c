"""Exercises for notebook 04 (loss functions): MSE, the loss of a uniform guess, a stable softmax
cross-entropy, and its gradient with respect to the logits."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import FunctionExercise, ValueExercise

_rng = np.random.default_rng(4)


# ---- q1: mean squared error ----

def mse(y_true, y_pred):
    """The mean of the squared differences between predictions and targets."""
    return np.mean((y_pred - y_true) ** 2)


q1 = FunctionExercise(
    "Exercise 1 (MSE)", mse,
    [{"y_true": np.array([1.0, 2.0, 3.0]), "y_pred": np.array([1.5, 2.0, 2.0])},
     {"y_true": np.array([0.0, 0.0]), "y_pred": np.array([3.0, -4.0])},
     {"y_true": np.round(_rng.normal(size=(4, 2)), 2), "y_pred": np.round(_rng.normal(size=(4, 2)), 2)},
     {"y_true": np.array([2.0, -1.0]), "y_pred": np.array([2.0, -1.0])}],
    hint="Three steps, each one NumPy expression: the differences y_pred − y_true, squared (** 2), "
         "then their mean (np.mean). The mean, not the sum: PyTorch's F.mse_loss divides by the count.",
)


# ---- q2: the loss of a model that guesses uniformly ----

def uniform_guess_loss():
    """Cross-entropy of predicting 1/10 for each of 10 classes: −log(1/10) = log 10."""
    return -np.log(1 / 10)


q2 = ValueExercise(
    "Exercise 2 (a uniform guess)", uniform_guess_loss, atol=1e-3,
    hint="Whatever the true class is, the model gives it probability 1/10. The cross-entropy of one "
         "example is −log(probability of the true class), and the mean of equal numbers is that number.",
)


# ---- q3: softmax cross-entropy from logits, stable ----

def softmax_cross_entropy(labels, logits):
    """Mean cross-entropy of softmax(logits) (n, k) for class indices labels (n,), via log-sum-exp."""
    m = logits.max(axis=1, keepdims=True)  # (n, 1): the largest logit of each row
    log_probs = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))  # (n, k)
    n = len(labels)
    return -log_probs[np.arange(n), labels].mean()


_LOGITS = np.round(_rng.normal(0.0, 2.0, size=(5, 4)), 2)
_LABELS = np.array([0, 3, 1, 1, 2])
_LOGIT_CASES = [
    {"labels": np.array([0, 2]), "logits": np.array([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0]])},
    {"labels": _LABELS, "logits": _LOGITS},
    {"labels": np.array([0, 1]), "logits": np.array([[1000.0, 0.0, -1000.0], [1000.0, 0.0, -1000.0]])},
    {"labels": np.array([2, 0]), "logits": np.array([[1e4, -1e4, -1e4], [-1e4, -1e4, 1e4]])},
]

q3 = FunctionExercise(
    "Exercise 3 (stable softmax cross-entropy)", softmax_cross_entropy, _LOGIT_CASES,
    hint="Don't compute softmax and then its log: for logits like 1000, e^1000 overflows, and a probability "
         "that rounds to 0 has log −inf. Instead subtract each row's max m, then "
         "log p = z − m − log Σ_j e^(z_j − m). Pick the true class's log p in each row with "
         "log_probs[np.arange(n), labels], take the mean, and flip the sign.",
)


# ---- q4: gradient of softmax cross-entropy with respect to the logits ----

def softmax_cross_entropy_grad(labels, logits):
    """(softmax(logits) − onehot(labels)) / n: the gradient of the mean loss w.r.t. every logit."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)  # (n, k)
    n = len(labels)
    onehot = np.zeros_like(probs)
    onehot[np.arange(n), labels] = 1.0  # (n, k)
    return (probs - onehot) / n


q4 = FunctionExercise(
    "Exercise 4 (gradient w.r.t. the logits)", softmax_cross_entropy_grad, _LOGIT_CASES,
    hint="The gradient has the shape of the logits, (n, k). For one example it is p − y: the softmax "
         "probabilities minus the one-hot target. For the mean over n examples, divide by n. "
         "Use a stable softmax (subtract the row max) so the large logits stay finite.",
)
