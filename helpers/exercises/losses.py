"""Exercises for notebook 04 (loss functions): predictions (the sign of a gradient, the loss of a know-nothing
model, which gradient survives a confident mistake), the gradient of MSE, binary cross-entropy and its gradient,
and a stable softmax cross-entropy from one-hot targets."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import ChoiceExercise, FunctionExercise
from helpers.exercises.tripwires import AUTOGRAD

NOTEBOOK = "04_loss_functions"
_rng = np.random.default_rng(4)


def _sigmoid(z):
    """σ(z), without overflow warnings for large |z|."""
    return np.exp(-np.logaddexp(0.0, -z))


# ---- p1: the sign of the MSE gradient ----

p1 = ChoiceExercise(
    "Prediction 1 (which way to move a prediction)", "a",
    options={"a": "positive: lowering the prediction lowers the loss",
             "b": "negative: raising the prediction lowers the loss",
             "c": "zero: an error of 1 is too small to matter"},
    feedback={"b": "The prediction 8.0 is above its target 7.0. Would raising it make the error smaller or larger?",
              "c": "The loss is smallest, with slope zero, only where the prediction equals the target. "
                   "Is 8.0 equal to 7.0?"},
    hint="The gradient is positive when moving the prediction up makes the loss grow. The prediction 8.0 is "
         "already too high: does moving it up to 8.1 make its squared error bigger or smaller?",
    solution='p1_answer = "a"  # ŷ = 8.0 is too high: raising it grows (ŷ − y)², so the slope is positive',
)


# ---- q1: the gradient of MSE ----

def mse_grad(y_true, y_pred):
    """∂MSE/∂ŷ = 2 (ŷ − y) / N, with N the number of entries: the shape of y_pred."""
    return 2 * (y_pred - y_true) / y_pred.size


def _grad_of_sum(y_true, y_pred):
    return 2 * (y_pred - y_true)


def _no_two(y_true, y_pred):
    return (y_pred - y_true) / y_pred.size


def _flipped(y_true, y_pred):
    return 2 * (y_true - y_pred) / y_pred.size


def _per_row(y_true, y_pred):
    return 2 * (y_pred - y_true) / len(y_pred)


q1 = FunctionExercise(
    "Exercise 1 (the gradient of MSE)", mse_grad,
    [{"y_true": np.array([1.0, 2.0, 3.0]), "y_pred": np.array([1.5, 2.0, 2.0])},
     {"y_true": np.array([0.0, 0.0]), "y_pred": np.array([3.0, -4.0])},
     {"y_true": np.round(_rng.normal(size=(4, 2)), 2), "y_pred": np.round(_rng.normal(size=(4, 2)), 2)}],
    mistakes=[(_grad_of_sum, "that is the gradient of the SUM of the squared errors. MSE is their MEAN, so "
                             "the factor 1/n stays in front of every entry"),
              (_no_two, "a factor 2 is missing: the derivative of u² is 2u"),
              (_flipped, "the sign is flipped: where a prediction is too high (ŷ > y), raising it must "
                         "raise the loss, so its gradient entry is positive"),
              (_per_row, "len(y_pred) counts the rows only. MSE averages over every entry, like F.mse_loss: "
                         "for a (4, 2) array that is 8 entries (y_pred.size)")],
    hint=["Only one term of the mean contains a given prediction. Differentiate that square, keep the one over n in "
          "front of the sum, and count n as every entry of the predictions, not just the rows.",
          "Only one term of the sum, (ŷ_i − y_i)², contains ŷ_i. Its derivative is 2(ŷ_i − y_i), and the 1/n in "
          "front of the sum stays. For predictions of shape (4, 2), n is 8.",
          "With NumPy, the whole array at once: 2 times (y_pred − y_true), divided by n, where n counts every entry: "
          "y_pred.size."],
    forbid=("helpers.losses", "helpers.nn", "helpers.gradcheck", "torch.nn.functional", *AUTOGRAD),
    solution="""\
def my_mse_grad(y_true, y_pred):
    return 2 * (y_pred - y_true) / y_pred.size   # same shape as y_pred; .size counts every entry""",
)


# ---- p2: the loss of a know-nothing model ----

p2 = ChoiceExercise(
    "Prediction 2 (the loss of a know-nothing model)", "b",
    options={"a": "0.1", "b": "about 2.30", "c": "0", "d": "10"},
    feedback={"a": "0.1 is the probability the model gives the true class. The loss is a function of that "
                   "probability: which one?",
              "c": "A loss of 0 means the model gave the true class probability 1. Here it gives 1/10.",
              "d": "Cross-entropy takes a logarithm. What is −log(1/10)?"},
    hint="Whatever the true class is, the model gives it probability 1/10. One example's loss is "
         "−log(probability of the true class); the mean of equal numbers is that number.",
    solution='p2_answer = "b"  # −log(1/10) = log 10 ≈ 2.303 for every example, so the mean is 2.303 too',
)


# ---- p3: which gradient survives a confident mistake ----

p3 = ChoiceExercise(
    "Prediction 3 (a confident mistake)", "b",
    options={"a": "MSE's: its loss punishes large errors most",
             "b": "cross-entropy's",
             "c": "about the same: both losses are at their worst"},
    feedback={"a": "MSE's loss (1 − p)² is at most 1 here, and its gradient has a factor p, the probability "
                   "of the true class. What is that factor when p = 0.0003?",
              "c": "Compare the two formulas at p = 0.0003: −2p(1 − p)² and p − 1."},
    hint="Put p = 0.0003 into both gradients: −2p(1 − p)² for MSE, p − 1 for cross-entropy.",
    solution='p3_answer = "b"  # CE: p − 1 ≈ −1.0;  MSE: −2p(1 − p)² ≈ −0.0007, a thousand times weaker',
)


# ---- q2: binary cross-entropy of a sigmoid output, for targets 0 and 1 ----

def binary_cross_entropy(labels, z):
    """Mean of −[y log σ(z) + (1 − y) log(1 − σ(z))] over the n examples; labels, z: (n,)."""
    log_p1 = -np.logaddexp(0.0, -z)  # (n,): log σ(z), stable
    log_p0 = -np.logaddexp(0.0, z)   # (n,): log(1 − σ(z)) = log σ(−z)
    return -np.mean(labels * log_p1 + (1 - labels) * log_p0)


_BINARY_CASES = [
    {"labels": np.array([1.0, 0.0]), "z": np.array([2.0, 2.0])},
    {"labels": np.array([0.0, 1.0, 1.0, 0.0, 1.0]), "z": np.array([-3.0, 0.5, -1.0, 1.5, 4.0])},
    {"labels": np.array([0.0, 0.0, 0.0]), "z": np.array([-4.0, 0.0, 3.0])},
]


def _target_one(labels, z):
    return -np.mean(np.log(_sigmoid(z)))


def _bce_sum(labels, z):
    return binary_cross_entropy(labels, z) * len(labels)


def _bce_swapped(labels, z):
    return binary_cross_entropy(1 - labels, z)


def _bce_no_minus(labels, z):
    return -binary_cross_entropy(labels, z)


q2 = FunctionExercise(
    "Exercise 2 (binary cross-entropy)", binary_cross_entropy, _BINARY_CASES,
    mistakes=[(_target_one, "you used −log σ(z) for every example, which is the loss when the target is 1. "
                            "When the target is 0 the true class is class 0, whose probability is 1 − σ(z)"),
              (_bce_swapped, "the two classes are swapped: σ(z) is the probability of class 1, so a target 1 "
                             "costs −log σ(z)"),
              (_bce_sum, "that is the sum over the examples; the loss is their mean"),
              (_bce_no_minus, "the sign: the log of a probability is ≤ 0, and a loss must be ≥ 0")],
    hint=["The sigmoid's output is the probability of class 1, so class 0 gets the rest. Each example costs minus "
          "the log of the probability its true class got; one expression covers both labels when one of its two "
          "terms is multiplied by zero. Then average over the examples.",
          "p = sigmoid(z) is the probability of class 1, so class 0 gets 1 − p. An example with target 1 costs "
          "−log p, one with target 0 costs −log(1 − p). One expression does both: "
          "−(y·log p + (1 − y)·log(1 − p)), since one of the two terms is always multiplied by 0. Then the mean."],
    forbid=("helpers.losses", "helpers.nn", "torch.nn.functional"),
    solution="""\
def my_binary_cross_entropy(labels, z):
    p = sigmoid(z)                                               # (n,): probability of class 1
    losses = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))   # (n,): one loss per example
    return np.mean(losses)""",
)


# ---- q3: the gradient of binary cross-entropy with respect to the logits, for a batch ----

def binary_cross_entropy_grad(labels, z):
    """∂BCE/∂z = (σ(z) − y) / n: the shape of z."""
    return (_sigmoid(z) - labels) / len(z)


def _grad_target_one(labels, z):
    return (_sigmoid(z) - 1) / len(z)


def _grad_no_n(labels, z):
    return _sigmoid(z) - labels


def _grad_flipped(labels, z):
    return (labels - _sigmoid(z)) / len(z)


def _grad_wrt_p(labels, z):
    p = _sigmoid(z)
    return -(labels / p - (1 - labels) / (1 - p)) / len(z)


q3 = FunctionExercise(
    "Exercise 3 (its gradient, for a batch)", binary_cross_entropy_grad, _BINARY_CASES,
    mistakes=[(_grad_target_one, "p − 1 is the gradient when the target is 1. Redo the derivation for a "
                                 "target of 0: L = −log(1 − σ(z))"),
              (_grad_no_n, "each example's gradient is right, but the loss is the MEAN over n examples: "
                           "every entry also gets the factor 1/n"),
              (_grad_flipped, "the sign is flipped: where σ(z) is above the target, raising z raises the loss"),
              (_grad_wrt_p, "that is the gradient with respect to p = σ(z). The exercise asks for the gradient "
                            "with respect to the logit z: the chain rule multiplies by dp/dz = p(1 − p)")],
    hint=["Derive the target-0 case the way the notebook derived the target-1 case: through the probability, with "
          "the chain rule. Both cases come out as the same simple difference between the probability and the label. "
          "The mean over n examples puts one over n in front of every entry.",
          "For target 1 the notebook found dL/dz = p − 1. For target 0, L = −log(1 − p); with dp/dz = p(1 − p) "
          "its derivative is p. Both cases are p − y. The loss is the mean of n such terms, so divide by n."],
    forbid=("helpers.losses", "helpers.nn", "helpers.gradcheck", "torch.nn.functional", *AUTOGRAD),
    solution="""\
def my_binary_cross_entropy_grad(labels, z):
    return (sigmoid(z) - labels) / len(z)   # (n,): p − y for each example, over n for the mean""",
)


# ---- q4: a stable softmax cross-entropy from one-hot targets ----

def cross_entropy_onehot(Y, Z):
    """Mean cross-entropy of softmax(Z) for one-hot targets Y; Y, Z: (n, K). Log-sum-exp, row by row."""
    m = Z.max(axis=1, keepdims=True)  # (n, 1): each row's largest logit
    log_p = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))  # (n, K)
    return -np.sum(Y * log_p) / len(Z)


def _onehot(labels, k):
    return np.eye(k)[labels]


_CE_CASES = [
    {"Y": _onehot([0, 2], 3), "Z": np.array([[1.0, -0.5, 0.3], [0.2, 2.2, 1.4]])},
    {"Y": _onehot([3, 0, 1, 2, 2], 4), "Z": np.round(_rng.normal(0.0, 2.0, size=(5, 4)), 2)},
    # rows at very different scales: one near +600, one near −300 (a per-row max is needed, a global one fails)
    {"Y": _onehot([1, 0, 2], 3), "Z": np.array([[600.0, 601.0, 599.0], [-300.0, -299.0, -301.0],
                                                  [2.0, 0.0, 1.0]])},
    # huge logits, ±10,000: a probability like e^−20000 is exactly 0 in floating point
    {"Y": _onehot([2, 1], 3), "Z": np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]])},
]


def _global_max(Y, Z):
    m = Z.max()  # the largest logit of the whole batch
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(Y * (Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))) / len(Z)


def _global_max_indexed(Y, Z):
    m = Z.max()
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(len(Z)), Y.argmax(axis=1)])


def _log_of_softmax(Y, Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(Y * np.log(e / e.sum(axis=1, keepdims=True))) / len(Z)


def _log_of_softmax_indexed(Y, Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    with np.errstate(divide="ignore"):
        return -np.mean(np.log(e / e.sum(axis=1, keepdims=True))[np.arange(len(Z)), Y.argmax(axis=1)])


def _clipped(Y, Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return -np.sum(Y * np.log(np.clip(e / e.sum(axis=1, keepdims=True), 1e-12, 1.0))) / len(Z)


def _mean_over_table(Y, Z):
    return cross_entropy_onehot(Y, Z) / Z.shape[1]


_GLOBAL = ("you subtracted the largest logit of the whole batch. In a row far below it every e^(z − m) "
           "rounds to 0, and log 0 = −inf. Subtract each row's own max: Z.max(axis=1, keepdims=True)")
_LOG_OF_P = ("for logits of ±10,000 your result is nan or inf: e^10000 overflows to inf, and e^−20000 rounds to 0, "
             "whose log is −inf. Subtract each row's max, and never form the probabilities: compute "
             "log p = z − m − log Σ_j e^(z_j − m) directly")

q4 = FunctionExercise(
    "Exercise 4 (a stable cross-entropy, one-hot targets)", cross_entropy_onehot, _CE_CASES,
    mistakes=[(_global_max, _GLOBAL), (_global_max_indexed, _GLOBAL),
              (_log_of_softmax, _LOG_OF_P), (_log_of_softmax_indexed, _LOG_OF_P),
              (_clipped, "clipping the probabilities gives a finite but wrong loss: e^−20000 is not 1e−12. "
                         "Compute log p = z − m − log Σ_j e^(z_j − m) directly, with no probabilities"),
              (_mean_over_table, "np.mean over the (n, K) table divides by n·K. The loss is the mean over the "
                                 "n examples: sum over everything, then divide by n (len(Z))")],
    hint=["Work row by row and never form a probability. The log of a softmax probability is the logit minus the log "
          "of the row's sum of exponentials, and that sum cannot overflow once you subtract the row's own largest "
          "logit first: the log-sum-exp trick. The one-hot row then picks the true class's log-probability; the loss "
          "is minus its mean over the n examples.",
          "Per row: m = Z.max(axis=1, keepdims=True), shape (n, 1). Then log_p = Z − m − log(Σ e^(Z − m)) with "
          "the sum along axis=1 (keepdims=True), shape (n, K). The one-hot Y keeps only the true class's log p "
          "in each row: −(Y * log_p).sum() / n."],
    forbid=("helpers.losses", "helpers.activations.softmax", "helpers.nn", "torch.nn.functional", "torch.logsumexp",
            "torch.log_softmax", "torch.softmax"),
    solution="""\
def my_cross_entropy(Y, Z):
    m = Z.max(axis=1, keepdims=True)                                    # (n, 1): each row's max
    log_p = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))   # (n, K): log-probabilities
    return -np.sum(Y * log_p) / len(Z)                                  # mean over the n examples""",
)
