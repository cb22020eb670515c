"""Exercises for notebook 04 (loss functions): predictions (the sign of a gradient, the loss of a know-nothing
model, which gradient survives a confident mistake, which of three gradients finite differences confirm, one
example's softmax cross-entropy gradient), the gradient of MSE, a stable binary cross-entropy and its gradient, a
stable softmax cross-entropy from one-hot targets, the gradient of softmax cross-entropy for K classes, and
nn.CrossEntropyLoss from logits and integer labels. The two "derive it" gradients (exercises 3 and 5) each have a
case with a huge loss, where finite differences lose digits: there only the exact formula passes."""

from __future__ import annotations

import functools
import re

import numpy as np
import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from helpers.activations import softmax
from helpers.exercises.core import (
    ChoiceExercise,
    CustomExercise,
    FunctionExercise,
    Wrong,
    call_learner,
    check_outputs,
    show,
)
from helpers.exercises.tripwires import AUTOGRAD

NOTEBOOK = "04_loss_functions"
_rng = np.random.default_rng(4)


def _sigmoid(z):
    """σ(z), without overflow warnings for large |z|."""
    return np.exp(-np.logaddexp(0.0, -z))


def _quietly(mistakes):
    """The slips, each run with NumPy's warnings off: a slip's overflow must not print a warning into course code."""
    def quiet(slip):
        @functools.wraps(slip)
        def run(*args):
            with np.errstate(all="ignore"):
                return slip(*args)
        return run
    return [(quiet(slip), message) for slip, message in mistakes]


# A gradient the learner should derive: one case per checker has a huge loss (one example confidently wrong, a logit
# of −1,000,000), where a central difference (L(z + h) − L(z − h)) / 2h keeps few digits: each L is rounded to about 16
# significant digits of a million, and the division by 2h magnifies that (off by about 1e−5 at h = 1e−6, never closer
# than about 1e−8 for any h). The exact formula is right there to 1e−16, so EXACT_ATOL tells the two apart.
EXACT_ATOL = 1e-10
_APPROXIMATION = ("that is a numerical approximation; derive the formula. Your gradient is off by {off:.1g} on this "
                  "case, where one example is so confidently wrong that the loss is about {loss}: finite differences "
                  "(what numerical_grad does) lose digits there, since each L(z ± h) is rounded to about 16 "
                  "significant digits and dividing by 2h magnifies that rounding. The formula you derive on paper "
                  "has no such error. (If you did derive one, compute it in float64: float32 keeps only 7 digits.)")


_ZERO_TIMES_INF = ("your result has nan here, where your formula passed the earlier cases: it may well be right on "
                   "paper. But here {what} rounds to exactly 0, so a 1/p in your formula is inf, and the chain "
                   "rule's factor p then makes 0·inf = nan. So simplify it on paper first: the p's cancel, and what "
                   "is left never divides by a probability")


def _zero_times_inf(got, expected, rounded) -> bool:
    """Whether `got` is nan/inf only where a probability rounds to exactly 0 or 1 (`rounded`, a boolean mask that
    broadcasts to the shape of `expected`) and agrees with `expected` everywhere else: a formula right on paper."""
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    finite = np.isfinite(arr)
    if arr.shape != np.shape(expected) or finite.all() or np.any(~finite & ~np.asarray(rounded)):
        return False
    return bool(np.allclose(arr[finite], np.asarray(expected)[finite], rtol=1e-5, atol=1e-6))


_FLOAT32 = ("your formula looks right, but the result is float32, which keeps only about 7 significant digits, so "
            "it is off by {off:.1g}. Compute and return float64 (NumPy's default): drop any float32 conversion")


def _approximation(got, expected, loss: str, where: str) -> None:
    """Raise Wrong naming a numerical approximation if `got` is within 1e−3 of `expected` but not within EXACT_ATOL."""
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return  # not an array of numbers: the ordinary check says what is wrong
    if arr.shape != np.shape(expected) or not np.all(np.isfinite(arr)):
        return
    off = float(np.max(np.abs(arr - expected))) if arr.size else 0.0
    if EXACT_ATOL < off < 1e-3 and np.asarray(got).dtype == np.float32:
        raise Wrong(_FLOAT32.format(off=off) + where)
    if EXACT_ATOL < off < 1e-3:
        raise Wrong(_APPROXIMATION.format(off=off, loss=loss) + where)


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
                             "the factor 1/N (N, the number of entries) stays in front of every entry"),
              (_no_two, "a factor 2 is missing: the derivative of u² is 2u"),
              (_flipped, "the sign is flipped: where a prediction is too high (ŷ > y), raising it must "
                         "raise the loss, so its gradient entry is positive"),
              (_per_row, "len(y_pred) counts the rows only. MSE averages over every entry, like F.mse_loss: "
                         "for a (4, 2) array that is 8 entries (y_pred.size)")],
    hint=["Only one term of the mean contains a given prediction. Differentiate that square, keep the one over N in "
          "front of the sum, and count N as every entry of the predictions, not just the rows.",
          "Only one term of the sum, (ŷ_i − y_i)², contains ŷ_i. Its derivative is 2(ŷ_i − y_i), and the 1/N in "
          "front of the sum stays. For predictions of shape (4, 2), N is 8 entries (n = 4 examples).",
          "With NumPy, the whole array at once: y_pred − y_true keeps the shape of y_pred, and y_pred.size counts "
          "its entries, N (len(y_pred) would count only the rows). Hint 2's slope for one entry, written with those "
          "two, is the slope of every entry."],
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
    feedback={"a": "MSE's loss (1 − p)² is at most 1, and near p = 0 its slope with respect to p is only about −2. "
                   "The network moves z, not p, and on the flat tail of the sigmoid p hardly moves with z: dp/dz "
                   "is about p = 0.0003 there. What is left of MSE's slope once the chain rule multiplies by that "
                   "factor p?",
              "c": "Both losses are near their worst, but the push is the slope, not the value. By the chain rule "
                   "dL/dz = dL/dp · dp/dz, and on the flat tail dp/dz is about p, tiny. Near p = 0, how steep is "
                   "each loss in p: (1 − p)², or −log p, whose slope in p is −1/p?"},
    hint="The network moves z, and dL/dz = dL/dp · dp/dz. On the flat tail of the sigmoid dp/dz is about p, so "
         "tiny. Which loss is steep enough in p, near p = 0, to make up for that factor p: the square (1 − p)², "
         "which stays at most 1, or −log p, which shoots up as p goes to 0?",
    solution='p3_answer = "b"  # CE: p − 1 ≈ −1.0;  MSE: −2p(1 − p)² ≈ −0.0007, about 1,500 times weaker',
)


# ---- q2: binary cross-entropy of a sigmoid output, for targets 0 and 1 ----

def binary_cross_entropy(labels, z):
    """Mean of −[y log σ(z) + (1 − y) log(1 − σ(z))] over the n examples; labels, z: (n,)."""
    return _bce(labels, z)


def _bce(labels, z):
    """The reference's formula, for the slips (a learner's function may not call the reference itself)."""
    log_p1 = -np.logaddexp(0.0, -z)  # (n,): log σ(z), stable
    log_p0 = -np.logaddexp(0.0, z)   # (n,): log(1 − σ(z)) = log σ(−z)
    return -np.mean(labels * log_p1 + (1 - labels) * log_p0)


_BINARY_CASES = [
    {"labels": np.array([1.0, 0.0]), "z": np.array([2.0, 2.0])},
    {"labels": np.array([0.0, 1.0, 1.0, 0.0, 1.0]), "z": np.array([-3.0, 0.5, -1.0, 1.5, 4.0])},
    {"labels": np.array([0.0, 0.0, 0.0]), "z": np.array([-4.0, 0.0, 3.0])},
]
# Confidently wrong logits: σ(40) rounds to exactly 1.0 and σ(−1000) to exactly 0.0, so log(1 − p) or log p is
# log 0 = −inf. Only q2 (the loss) gets them: the gradient σ(z) − y stays finite there.
_BINARY_CONFIDENT_CASES = [
    {"labels": np.array([1.0, 0.0, 1.0, 0.0]), "z": np.array([2.0, -1.0, -3.0, 40.0])},   # the notebook's batch
    {"labels": np.array([0.0, 1.0, 1.0]), "z": np.array([1000.0, -1000.0, 0.5])},
]


def _target_one(labels, z):
    return -np.mean(np.log(_sigmoid(z)))


def _bce_sum(labels, z):
    return _bce(labels, z) * len(labels)


def _bce_per_example(labels, z):
    return -(labels * -np.logaddexp(0.0, -z) + (1 - labels) * -np.logaddexp(0.0, z))


_PER_EXAMPLE = ("you returned one loss per example, an array of shape (n,). The loss is their mean: a single number")


def _bce_swapped(labels, z):
    return _bce(1 - labels, z)


def _bce_no_minus(labels, z):
    return -_bce(labels, z)


def _bce_naive(labels, z):
    p = _sigmoid(z)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))


def _bce_clipped(labels, z):
    p = np.clip(_sigmoid(z), 1e-12, 1 - 1e-12)
    return -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))


_NAIVE_BCE = ("your formula is right, but it does not survive a confident logit: σ(40) rounds to exactly 1.0 "
              "(and σ(−1000) to 0.0), so log(1 − p) or log p is log 0 = −inf and the loss is inf, while the true "
              "loss of a label 0 at z = 40 is a finite 40. The way round is to never form p and take both logs "
              "straight from z: can you write log σ(z) with z alone, as minus the log of something? And "
              "1 − σ(z) as σ of something? (q2.hint() gets there step by step; section 6 explains the traps)")
_OVERFLOW_BCE = ("your formula survives z = 40 but not z = ±1000: there e^1000 overflows to inf before the log is "
                 "taken, so log(1 + e^1000) is inf, while its true value is about 1000. NumPy's np.logaddexp(a, b) "
                 "computes log(e^a + e^b) without ever forming e^a or e^b, and 1 = e^0")
_CLIPPED_BCE = ("did you clip p (or z)? Clipping keeps the loss finite but wrong: at z = 40 the true loss of a "
                "label 0 is about 40, while a clip caps it at minus the log of the clipping floor. No floor is "
                "right for every z: never form p, and take both logs straight from z (q2.hint() gets there step "
                "by step)")


class _BinaryCrossEntropyExercise(FunctionExercise):
    """A FunctionExercise that also names clipping at any floor: a finite loss well below 40 for z = 40, label 0."""

    def _check(self, answer) -> None:
        try:
            super()._check(answer)
        except Wrong as wrong:
            loss = _loss_at_z40(answer)
            if ((str(wrong).startswith(_NAIVE_BCE) or "contains nan or inf" in str(wrong)) and loss is not None
                    and abs(loss - 40.0) < 1e-6 and _overflows(answer)):  # log(1 + e^z): right at 40, inf at 1000
                _, where, case = str(wrong).partition("\n  when called with")
                raise Wrong(_OVERFLOW_BCE + where + case) from None
            if " is not right: " not in str(wrong):  # a named slip, a crash or a refusal already says what is wrong
                raise
            if loss is not None and 5.0 < loss < 39.9:   # −log of a floor from 1e−3 to 1e−17, or z clipped at 5..39
                raise Wrong(f"your loss for one example with label 0 and z = 40 is {loss:.4g}: " + _CLIPPED_BCE
                            + "\n  when called with labels=[0.], z=[40.]") from None
            raise


def _overflows(fn) -> bool:
    """Whether fn overflows (e^1000 in the learner's own code) for logits ±1000: label 0 at 1000, label 1 at −1000."""
    try:
        with np.errstate(over="raise", divide="ignore", invalid="ignore", under="ignore"):
            fn(np.array([0.0, 1.0]), np.array([1000.0, -1000.0]))
    except FloatingPointError:
        return True
    except Exception:  # noqa: BLE001 - the main check already reported what this answer does wrong
        return False
    return False


def _loss_at_z40(fn) -> float | None:
    """fn's loss for one example, label 0 and logit 40 (true loss: about 40), or None if it is not a finite number."""
    try:
        with np.errstate(all="ignore"):
            value = float(np.asarray(fn(np.array([0.0]), np.array([40.0])), dtype=float))
    except Exception:  # noqa: BLE001 - the main check already reported what this answer does wrong
        return None
    return value if np.isfinite(value) else None


q2 = _BinaryCrossEntropyExercise(
    "Exercise 2 (binary cross-entropy)", binary_cross_entropy, _BINARY_CASES + _BINARY_CONFIDENT_CASES,
    mistakes=[(_bce_naive, _NAIVE_BCE),  # first: an inf from a confident logit gets this message, whatever its cause
              (_target_one, "you used −log σ(z) for every example, which is the loss when the target is 1. "
                            "When the target is 0 the true class is class 0, whose probability is 1 − σ(z)"),
              (_bce_swapped, "the two classes are swapped: σ(z) is the probability of class 1, so a target 1 "
                             "costs −log σ(z)"),
              (_bce_sum, "that is the sum over the examples; the loss is their mean"),
              (_bce_per_example, _PER_EXAMPLE),
              (_bce_no_minus, "the sign: the log of a probability is ≤ 0, and a loss must be ≥ 0"),
              (_bce_clipped, _CLIPPED_BCE)],
    hint=["The sigmoid's output is the probability of class 1, so class 0 gets the rest. Each example costs minus "
          "the log of the probability its true class got; one expression covers both labels when one of its two "
          "terms is multiplied by zero. Then average over the examples. If a confident logit such as 40 gives inf, "
          "compute the two logarithms from the logit itself, never from the rounded probability.",
          "p = sigmoid(z) is the probability of class 1, so class 0 gets 1 − p. An example with target 1 costs "
          "−log p, one with target 0 costs −log(1 − p). One expression does both: "
          "−(y·log p + (1 − y)·log(1 − p)), since one of the two terms is always multiplied by 0. Then the mean.",
          "For z = 40, p rounds to 1.0 and log(1 − p) is −inf. So skip p: log p = −log(1 + e^(−z)) is "
          "−np.logaddexp(0, −z), and log(1 − p) = log σ(−z) is −np.logaddexp(0, z). Put those two arrays into "
          "the expression of hint 2, then take the mean."],
    forbid=("helpers.losses", "helpers.nn", "torch.nn.functional"),
    solution="""\
def my_binary_cross_entropy(labels, z):
    log_p1 = -np.logaddexp(0, -z)   # (n,): log σ(z), the log-probability of class 1, from z directly
    log_p0 = -np.logaddexp(0, z)    # (n,): log(1 − σ(z)) = log σ(−z), that of class 0
    return -np.mean(labels * log_p1 + (1 - labels) * log_p0)   # the mean over the n examples""",
)


# ---- q3: the gradient of binary cross-entropy with respect to the logits, for a batch ----

def binary_cross_entropy_grad(labels, z):
    """∂BCE/∂z = (σ(z) − y) / n: the shape of z."""
    return (_sigmoid(z) - labels) / len(z)


def _grad_target_one(labels, z):
    return (_sigmoid(z) - 1) / len(z)


def _grad_section_5(labels, z):
    return _sigmoid(z) - 1  # section 5's p − 1 handed in as it stands: the labels ignored, and no 1/n


def _grad_no_n(labels, z):
    return _sigmoid(z) - labels


def _grad_flipped(labels, z):
    return (labels - _sigmoid(z)) / len(z)


def _grad_wrt_p(labels, z):
    p = _sigmoid(z)
    return -(labels / p - (1 - labels) / (1 - p)) / len(z)


def _grad_with_sigmoid_slope(labels, z):
    p = _sigmoid(z)
    return (p - labels) * p * (1 - p) / len(z)


# One example confidently wrong (label 1, z = −1,000,000): the mean loss is about 500,000, and finite differences
# lose digits there (see EXACT_ATOL). Last, so that every ordinary case speaks first.
_BINARY_HUGE_LOSS = {"labels": np.array([1.0, 0.0]), "z": np.array([-1e6, 0.5])}


class _DerivedBinaryGradExercise(FunctionExercise):
    """A FunctionExercise whose last case (a huge loss) refuses a finite-difference answer, with why."""

    def _check(self, answer) -> None:
        case = self.cases[-1]
        described = ", ".join(f"{k}={show(v)}" for k, v in case.items())
        try:
            super()._check(answer)
        except Wrong as wrong:
            if not str(wrong).endswith(described):
                raise  # an ordinary case failed: its own feedback says what is wrong
            self._approximation(answer, case, described)
            if "contains nan or inf" in str(wrong):  # p = σ(−1,000,000) = 0: an unsimplified formula's 0·inf
                with np.errstate(all="ignore"):
                    got = call_learner(answer, [case["labels"].copy(), case["z"].copy()], described)
                p = _sigmoid(case["z"])  # (n,): σ(−1,000,000) is exactly 0
                if _zero_times_inf(got, self._reference(case["labels"], case["z"]), (p == 0) | (p == 1)):
                    raise Wrong(_ZERO_TIMES_INF.format(what="p = σ(−1,000,000)")
                                + f"\n  when called with {described}") from None
            raise
        self._approximation(answer, case, described)

    def _approximation(self, answer, case: dict, described: str) -> None:
        got = call_learner(answer, [case["labels"].copy(), case["z"].copy()], described)
        _approximation(got, self._reference(case["labels"], case["z"]), "500,000", f"\n  when called with {described}")


q3 = _DerivedBinaryGradExercise(
    "Exercise 3 (its gradient, for a batch)", binary_cross_entropy_grad, [*_BINARY_CASES, _BINARY_HUGE_LOSS],
    mistakes=_quietly([(_grad_target_one, "p − 1 is the gradient when the target is 1. Redo the derivation for a "
                                 "target of 0: L = −log(1 − σ(z))"),
              (_grad_section_5, "that is section 5's p − 1 as it stands: the gradient for a target of 1, given to "
                                "every example whatever its label, and without the mean. For a label 0 the true "
                                "class is class 0, with probability 1 − p: derive that case from L = −log(1 − σ(z)), "
                                "combine the two, and put the mean's 1/n in front of every entry"),
              (_grad_no_n, "each example's gradient is right, but the loss is the MEAN over n examples: "
                           "every entry also gets the factor 1/n"),
              (_grad_flipped, "the sign is flipped: where σ(z) is above the target, raising z raises the loss"),
              (_grad_wrt_p, "that is the gradient with respect to p = σ(z). The exercise asks for the gradient "
                            "with respect to the logit z: the chain rule multiplies by dp/dz = p(1 − p)"),
              (_grad_with_sigmoid_slope, "an extra factor p(1 − p): that is the habit from a squared error. Here "
                                         "the loss is a logarithm of p, and the derivative of −log p has a 1/p that "
                                         "cancels part of dp/dz. Redo the chain rule with the log's derivative")]),
    # quiet: _grad_wrt_p divides by p = σ(−1,000,000) = 0 in the huge-loss case
    hint=["Derive the target-0 case the way the notebook derived the target-1 case: through the probability, with "
          "the chain rule. Both cases come out as the same simple difference between the probability and the label. "
          "The mean over n examples puts one over n in front of every entry.",
          "For target 1 the notebook found dL/dz = p − 1. For target 0, L = −log(1 − p): differentiate it with "
          "the chain rule, the derivative of −log u being −1/u, and dp/dz = p(1 − p). Then find one expression in p "
          "and the label y that gives both cases, and remember that the loss is the mean of n such terms."],
    forbid=("helpers.losses", "helpers.nn", "helpers.gradcheck", "torch.nn.functional", *AUTOGRAD),
    reveal=False,  # derive it: the expected gradient of an easy case would give the formula away
    solution="""\
def my_binary_cross_entropy_grad(labels, z):
    return (sigmoid(z) - labels) / len(z)   # (n,): p − y for each example, over n for the mean""",
)


# ---- p4: which of three gradients finite differences confirm ----

p4 = ChoiceExercise(
    "Prediction 4 (ask the finite differences)", "b",
    options={"a": "candidate_a: 2(p − y) / n",
             "b": "candidate_b: 2(p − y) · p(1 − p) / n",
             "c": "candidate_c: (p − y) / n"},
    feedback={"a": "Did numerical_grad agree with candidate_a to within 1e-8? It leaves out how p moves with z: "
                   "the loss is a square of p, and p = σ(z) sits between it and the logit. Compare once more, "
                   "every candidate against the same finite differences.",
              "c": "candidate_c is the gradient of binary cross-entropy (exercise 3), not of this squared error. "
                   "Did numerical_grad of the squared error agree with it to within 1e-8? Compare once more."},
    hint="Make a function of the logits alone: it takes an array of logits and returns the mean squared error "
         "between the labels and the sigmoid of those logits. Hand that function and your logits to numerical_grad, "
         "then compare its result with each candidate's array, entry by entry, to within 1e-8.",
    solution='p4_answer = "b"  # numerical_grad(lambda v: mse(labels_try, sigmoid(v)), z_try) matches candidate_b only',
)


# ---- q4: a stable softmax cross-entropy from one-hot targets ----

def cross_entropy_onehot(Y, Z):
    """Mean cross-entropy of softmax(Z) for one-hot targets Y; Y, Z: (n, K). Log-sum-exp, row by row."""
    return _ce_onehot(Y, Z)


def _ce_onehot(Y, Z):
    """The reference's formula, for the slips, exercise 5's referee and exercise 6's reference."""
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


def _ce_per_example(Y, Z):
    m = Z.max(axis=1, keepdims=True)
    return -np.sum(Y * (Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))), axis=1)


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
    return _ce_onehot(Y, Z) / Z.shape[1]


def _ce_sum(Y, Z):
    return _ce_onehot(Y, Z) * len(Z)


def _lse_without_m(Y, Z):
    m = Z.max(axis=1, keepdims=True)
    return -np.sum(Y * (Z - np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))) / len(Z)


_LOST_AXIS = ("a row's sum (or max) lost its axis: Z.sum(axis=1) has shape (n,), and NumPy lines an (n,) array up "
              "with the last axis of an (n, K) table, its columns, not its rows. Sum (and take the max) with "
              "axis=1, keepdims=True: shape (n, 1), a column that lines up with Z's rows")
_BROADCAST = re.compile(r"could not be broadcast together")


def _explain_lost_axis(fn):
    """fn(Y, Z), with NumPy's broadcast crash from a dropped keepdims=True turned into Wrong naming that slip."""
    @functools.wraps(fn)
    def explained(Y, Z, *rest):
        try:
            return fn(Y, Z, *rest)
        except ValueError as err:
            n = len(Z)
            if not _BROADCAST.search(str(err)) or not re.search(rf"\({n},\)|\({n},{n}\)", str(err)):
                raise
            raise Wrong(f"your function stopped: {str(err).strip()}. Most likely {_LOST_AXIS}\n  when called with "
                        f"Y = {show(Y)}, Z = {show(Z)}") from None
    return explained


_NEGATIVE_CE = ("a cross-entropy is never negative: each example costs −log p, and p ≤ 1 makes that ≥ 0. Check the "
                "sign, and the shift: if you subtract each row's max m inside the exponentials, add it back outside "
                "the log, LSE = m + log Σ_j e^(z_j − m)")


class _CrossEntropyExercise(FunctionExercise):
    """A FunctionExercise that points out a negative loss, whatever made it."""

    def _check(self, answer) -> None:
        try:
            super()._check(_explain_lost_axis(answer) if callable(answer) else answer)
        except Wrong as wrong:
            text = str(wrong)
            _, where, case = text.partition("\n  when called with")
            if text.startswith("your function calls softmax from "):  # log of a softmax: say why, not only "refused"
                raise Wrong(text.partition(", which does")[0] + _SOFTMAX_THEN_LOG) from None
            if " is not right: " in text and _negative(answer, self.cases):
                raise Wrong(_NEGATIVE_CE + where + case) from None
            raise


def _negative(fn, cases) -> bool:
    """Whether fn returns a negative number on one of the cases (a finite one)."""
    for case in cases:
        try:
            with np.errstate(all="ignore"):
                value = float(np.asarray(fn(case["Y"].copy(), case["Z"].copy()), dtype=float))
        except Exception:  # noqa: BLE001, S112 - the main check already reported what this answer does wrong
            continue
        if np.isfinite(value) and value < 0:
            return True
    return False


_GLOBAL = ("you subtracted the largest logit of the whole batch. In a row far below it every e^(z − m) "
           "rounds to 0, and log 0 = −inf. Subtract each row's own max: Z.max(axis=1, keepdims=True)")
_LOG_OF_P = ("for logits of ±10,000 your result is nan or inf. Subtracting each row's max m keeps the exponentials "
             "from overflowing (without it e^10000 is inf), but even a stable softmax gives a probability of "
             "e^−20000, which rounds to 0, and log 0 = −inf. So never form the probabilities: compute "
             "log p = z − m − log Σ_j e^(z_j − m) directly")
_SOFTMAX_THEN_LOG = (": a softmax, and then (presumably) its log, is the route this exercise avoids. Even a stable "
                     "softmax gives a probability of e^−20000 for logits of ±10,000, which rounds to 0, and "
                     "log 0 = −inf. Do it by hand, and never form the probabilities: compute "
                     "log p = z − m − log Σ_j e^(z_j − m) directly, row by row")

q4 = _CrossEntropyExercise(
    "Exercise 4 (a stable cross-entropy, one-hot targets)", cross_entropy_onehot, _CE_CASES,
    mistakes=[(_global_max, _GLOBAL), (_global_max_indexed, _GLOBAL),
              (_log_of_softmax, _LOG_OF_P), (_log_of_softmax_indexed, _LOG_OF_P),
              (_clipped, "clipping the probabilities gives a finite but wrong loss: e^−20000 is not 1e−12. "
                         "Compute log p = z − m − log Σ_j e^(z_j − m) directly, with no probabilities"),
              (_ce_per_example, _PER_EXAMPLE),
              (_ce_sum, "that is the sum over the examples; the loss is their mean: divide by n = len(Z)"),
              (_mean_over_table, "np.mean over the (n, K) table divides by n·K. The loss is the mean over the "
                                 "n examples: sum over everything, then divide by n (len(Z))"),
              (_lse_without_m, "your loss is too small by each row's max m, and can even be negative, which a "
                               "cross-entropy never is. You subtracted m inside the exponentials: add it back "
                               "outside the log, LSE = m + log Σ_j e^(z_j − m)")],
    hint=["Work row by row and never form a probability. The log of a softmax probability is the logit minus the log "
          "of the row's sum of exponentials, and that sum cannot overflow once you subtract the row's own largest "
          "logit first: the log-sum-exp trick. The one-hot row then picks the true class's log-probability; the loss "
          "is minus its mean over the n examples.",
          "Per row: m = Z.max(axis=1, keepdims=True), shape (n, 1). Then log_p = Z − m − log(Σ e^(Z − m)) with "
          "the sum along axis=1 (keepdims=True), shape (n, K). Left to do: let the one-hot Y pick each row's true "
          "class from log_p (it is 1 there and 0 elsewhere), and turn those n log-probabilities into the loss."],
    forbid=("helpers.losses", "helpers.activations.softmax", "helpers.nn", "torch.nn.functional", "torch.logsumexp",
            "torch.log_softmax", "torch.softmax",  # and torch.special's twins, which are objects of their own
            "torch.special.logsumexp", "torch.special.log_softmax", "torch.special.softmax"),
    solution="""\
def my_cross_entropy(Y, Z):
    m = Z.max(axis=1, keepdims=True)                                    # (n, 1): each row's max
    log_p = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))   # (n, K): log-probabilities
    return -np.sum(Y * log_p) / len(Z)                                  # mean over the n examples""",
)


# ---- p5: one example's gradient of softmax cross-entropy ----

p5 = ChoiceExercise(
    "Prediction 5 (one example's gradient)", "a",
    options={"a": "(−0.3, 0.2, 0.1)",
             "b": "(0.3, −0.2, −0.1)",
             "c": "(−0.3, 0, 0): only the true class's logit matters",
             "d": "(−1/0.7, 0, 0) ≈ (−1.43, 0, 0)"},
    feedback={"b": "Raising the true class's logit raises its probability, and so lowers the loss: is the slope "
                   "of the loss along that logit positive or negative?",
              "c": "The other logits sit in the softmax's denominator: raising z₁ takes probability away from class "
                   "0 and so raises the loss. Their slopes are not 0.",
              "d": "−1/p₀ is the slope with respect to the probability p₀. The logits reach the loss through the "
                   "softmax, and the chain rule changes the answer."},
    hint="Two things to decide: the sign of each entry (which logits should go up to lower the loss, which down?) "
         "and whether the logits of the wrong classes matter at all (they sit in the softmax's denominator).",
    solution='p5_answer = "a"  # p − Y = (0.7 − 1, 0.2 − 0, 0.1 − 0): the true logit up, the others down',
)


# ---- q5: the gradient of softmax cross-entropy for K classes ----

def softmax_ce_grad(Y, Z):
    """∂L/∂Z of L = −(1/n) Σ_i Σ_k Y_ik log softmax(Z)_ik: (softmax(Z) − Y) / n, shape (n, K)."""
    return (softmax(Z, axis=1) - Y) / len(Z)


def _soft_rows(rng, n, k):
    """n rows of soft targets: random class probabilities, each row summing to 1."""
    return rng.dirichlet(np.ones(k), size=n)  # (n, k)


_CE_HUGE_LOSS = "n = 1, K = 3, a loss of about a million (the true class's logit is −1,000,000)"
_grad_rng = np.random.default_rng(40)
_CE_GRAD_CASES = [  # (what the case is, Z, Y)
    ("n = 5, K = 3, one-hot targets", np.round(_grad_rng.normal(0.0, 2.0, size=(5, 3)), 2),
     _onehot([0, 2, 1, 1, 0], 3)),
    ("n = 1, K = 10, one-hot target", np.round(_grad_rng.normal(0.0, 1.5, size=(1, 10)), 2), _onehot([7], 10)),
    ("n = 5, K = 10, soft targets", np.round(_grad_rng.normal(0.0, 2.0, size=(5, 10)), 2),
     _soft_rows(_grad_rng, 5, 10)),
    ("n = 1, K = 3, soft target", np.array([[0.5, -1.0, 2.0]]), np.array([[0.7, 0.2, 0.1]])),
    # exercise 4's rows at very different heights (+600, −300): a softmax needs each row's own max, not the batch's
    ("n = 3, K = 3, rows at very different heights, one-hot targets",
     np.array([[600.0, 601.0, 599.0], [-300.0, -299.0, -301.0], [2.0, 0.0, 1.0]]), _onehot([1, 0, 2], 3)),
    ("n = 3, K = 3, logits of ±1000, one-hot targets",
     np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 5.0], [3.0, 1000.0, 999.0]]), _onehot([2, 0, 1], 3)),
    # last: one confidently wrong example whose loss is about 1,000,000; finite differences lose digits here
    (_CE_HUGE_LOSS, np.array([[0.0, 0.5, -1e6]]), _onehot([2], 3)),
]


def _grad_no_n(Y, Z):
    return softmax(Z, axis=1) - Y


def _grad_y_minus_p(Y, Z):
    return (Y - softmax(Z, axis=1)) / len(Z)


def _grad_no_softmax(Y, Z):
    return (Z - Y) / len(Z)


def _grad_sigmoid(Y, Z):
    return (_sigmoid(Z) - Y) / len(Z)


def _grad_over_k(Y, Z):
    return (softmax(Z, axis=1) - Y) / Z.shape[1]


def _grad_over_nk(Y, Z):
    return (softmax(Z, axis=1) - Y) / Z.size


def _grad_whole_table(Y, Z):
    e = np.exp(Z - Z.max())
    return (e / e.sum() - Y) / len(Z)


def _grad_global_max(Y, Z):
    e = np.exp(Z - Z.max())  # the largest logit of the whole batch
    return (e / e.sum(axis=1, keepdims=True) - Y) / len(Z)


def _grad_columns(Y, Z):
    return (softmax(Z, axis=0) - Y) / len(Z)


def _grad_one_hot_only(Y, Z):
    return (softmax(Z, axis=1) - np.eye(Z.shape[1])[Y.argmax(axis=1)]) / len(Z)


def _grad_true_class_only(Y, Z):
    return (softmax(Z, axis=1) - 1) * Y / len(Z)


def _grad_wrt_probabilities(Y, Z):
    return -Y / softmax(Z, axis=1) / len(Z)


def _grad_mse_habit(Y, Z):
    return 2 * (softmax(Z, axis=1) - Y) / len(Z)


def _grad_naive_softmax(Y, Z):
    e = np.exp(Z)
    return (e / e.sum(axis=1, keepdims=True) - Y) / len(Z)


def _grad_sigmoid_habit(Y, Z):
    P = softmax(Z, axis=1)
    return P * (1 - P) * (P - Y) / len(Z)


def _grad_times_p(Y, Z):
    P = softmax(Z, axis=1)
    return (P - Y) * P / len(Z)


_DIAGONAL = ("you multiplied by {factor}: that is the sigmoid's habit. p_c(1 − p_c) is only ∂p_c/∂z_c, the diagonal "
             "of softmax's Jacobian: each logit also moves every other class's probability. No chain rule through P "
             "is needed: differentiate the log-sum-exp form of step 2 directly")


CE_GRAD_SLIPS = [
    (_grad_no_n, "each row is right for its own example, but the loss is the MEAN over the n examples: every "
                 "entry also gets the factor 1/n"),
    (_grad_y_minus_p, "the sign is flipped: raising the true class's logit raises its probability and lowers "
                      "the loss, so that entry of the gradient must be negative"),
    (_grad_no_softmax, "you subtracted the targets from the logits Z. The loss sees the logits through the softmax: "
                       "the derivative of log Σ_j e^(z_j) with respect to z_c is a probability, not z_c"),
    (_grad_sigmoid, "that is σ(z) − y, the two-class formula, entry by entry. With K classes the probabilities come "
                    "from the softmax of the whole row, so that each row sums to 1"),
    (_grad_over_k, "you divided by K, the number of classes. The loss averages over the n examples (rows), not the "
                   "classes: divide by n"),
    (_grad_over_nk, "you divided by n·K, every entry of the table. The loss averages over the n examples only: "
                    "the sum over the classes stays a sum. Divide by n"),
    (_grad_whole_table, "your softmax normalises the whole table at once. Each example has its own softmax: "
                        "normalise row by row (the course's softmax does, along the last axis)"),
    (_grad_global_max, "your softmax subtracts the largest logit of the whole batch. In a row far below it every "
                       "e^(z − m) rounds to 0, and 0/0 is nan. Subtract each row's own max: "
                       "Z.max(axis=1, keepdims=True), as in exercise 4"),
    (_grad_columns, "your softmax runs down the columns (axis=0). Each example is a row: normalise along axis=1"),
    (_grad_one_hot_only, "right for one-hot targets, but you turned Y into one-hot rows. With soft targets Y is a row "
                         "of probabilities: use Y as it is"),
    (_grad_true_class_only, "only the true class's entry is nonzero (−(1 − p) there, 0 elsewhere). The other logits "
                            "sit in the softmax's denominator: raising one takes probability away from the true "
                            "class and so raises the loss. Their slopes are not 0"),
    (_grad_wrt_probabilities, "that is −Y/P over n, the slope with respect to the probabilities P. The logits reach "
                              "the loss through the softmax, and the chain rule changes the answer: differentiate "
                              "with respect to z_c, as in step 2 above"),
    (_grad_mse_habit, "there is a factor 2 too many. MSE's gradient has a 2 because it differentiates a square; "
                      "cross-entropy has no square, and the derivative of a log brings no 2"),
    (_grad_naive_softmax, "the result is nan for logits of 1000: e^1000 overflows to inf, and inf/inf is nan. "
                          "Use the course's softmax, which subtracts each row's largest logit first"),
    (_grad_sigmoid_habit, _DIAGONAL.format(factor="P(1 − P)")),
    (_grad_times_p, _DIAGONAL.format(factor="P (a p(1 − p) without its 1 − p?)")),
]
_TRY_P5 = ("\n  Try your function on prediction 5's example: Z = np.log([[0.7, 0.2, 0.1]]) has the softmax (0.7, 0.2, "
           "0.1), and with Y = [[1.0, 0.0, 0.0]] (n = 1) it must return [[−0.3, 0.2, 0.1]].")

_CE_GRAD_NAME = "the gradient"


def _ce_grad(Y, Z):
    """The exact gradient (P − Y) / n, for the checker (a learner's function may not call the reference itself)."""
    return (softmax(Z, axis=1) - Y) / len(Z)


def _check_ce_grad(fn) -> None:
    """Raise Wrong unless fn(Y, Z) matches the exact gradient on every case (to 1e−10 on the huge-loss one)."""
    if not callable(fn):
        raise Wrong(f"expected a function (def ...), got {type(fn).__name__}: {show(fn)}")
    for what, Z, Y in _CE_GRAD_CASES:
        described = f"{what}\n  Z = {show(Z)}\n  Y = {show(Y)}"
        got = call_learner(_explain_lost_axis(fn), [Y.copy(), Z.copy()], described)
        if got is None:
            raise Wrong(f"your function returned None: did you forget `return`?\n  when called with {described}")
        expected = _ce_grad(Y, Z)  # (n, K)
        if what == _CE_HUGE_LOSS:
            _approximation(got, expected, "1,000,000", f"\n  when called with {described}")
        slips = [(lambda slip=slip, Z=Z, Y=Y: slip(Y.copy(), Z.copy()), message)
                 for slip, message in _quietly(CE_GRAD_SLIPS)]
        try:
            check_outputs(got, expected, [_CE_GRAD_NAME], f"\n  when called with {described}", slips,
                          reveal=False)  # guide (sign, factor), never print the expected table
        except Wrong as wrong:
            rounded = np.any(softmax(Z, axis=1) == 0, axis=1, keepdims=True)  # (n, 1): rows with a p of exactly 0
            if "contains nan or inf" in str(wrong) and _zero_times_inf(got, expected, rounded):  # −Y/P, Jacobian
                raise Wrong(_ZERO_TIMES_INF.format(what="a probability such as e^−2000 (a softmax of logits ±1000)")
                            + f"\n  when called with {described}") from None
            if str(wrong).startswith(f"{_CE_GRAD_NAME} is not right: "):  # no named slip: a concrete test to run
                raise Wrong(str(wrong) + _TRY_P5) from None
            raise


q5 = CustomExercise(
    "Exercise 5 (the gradient of softmax cross-entropy, K classes)", softmax_ce_grad, _check_ce_grad,
    hint=["Follow the three steps above for one example. In minus the targets' weighted sum of the logits, which "
          "single term contains the logit of class c, and what is its slope? In the log of the sum of exponentials, "
          "the slope is that logit's exponential over the whole sum: which number from section 3 is that? Last, "
          "what does the mean over n examples do to every entry?",
          "One example, one class c at a time. In −Σ_k Y_k z_k only the term −Y_c z_c contains z_c, so its slope "
          "is −Y_c. The slope of log Σ_j e^(z_j) along z_c is e^(z_c) / Σ_j e^(z_j): that is softmax(z)_c, the "
          "probability p_c. Add the two slopes for one example's gradient; the mean over n examples then scales "
          "every entry once more.",
          "In code, for the whole table: the course's softmax(Z) gives P, row by row for an (n, K) table (and it "
          "survives logits of 1000). Write hint 2's sum of the two slopes with P and Y for every entry at once, then "
          "scale it for the mean. The result has the shape of Z, (n, K)."],
    forbid=("helpers.losses", "helpers.gradcheck", "helpers.nn", "torch.nn.functional", *AUTOGRAD),
    solution="""\
def my_softmax_ce_grad(Y, Z):
    P = softmax(Z)            # (n, K): each row's probabilities (the course's softmax, row by row)
    return (P - Y) / len(Z)   # (n, K): prediction minus target, over n for the mean""",
)


# ---- q6: nn.CrossEntropyLoss from logits and integer labels ----

def torch_cross_entropy(labels, Z):
    """Mean cross-entropy of softmax(Z) for class indices `labels`, from the logits: Z (n, K), labels (n,)."""
    return _ce_onehot(np.eye(Z.shape[1])[labels], Z)


_TORCH_CE_CASES = [
    {"labels": np.array([0, 2, 2, 1], dtype=np.int64),
     "Z": np.array([[1.0, -0.5, 0.3], [0.2, 2.2, 1.4], [-1.0, 0.0, 3.0], [0.5, 0.5, -2.0]])},
    {"labels": np.array([3, 0, 9, 9, 5, 1], dtype=np.int64),
     "Z": np.round(np.random.default_rng(41).normal(0.0, 1.0, size=(6, 10)), 2)},
    # int32 labels, as np.array([2, 0]) gives on Windows with NumPy 1.x: nn.CrossEntropyLoss wants int64 (torch.long)
    {"labels": np.array([2, 0], dtype=np.int32), "Z": np.array([[1000.0, 0.0, -1000.0], [2.0, 1.0, 0.0]])},
]


def _torch_ce_of_probabilities(labels, Z):
    probabilities = torch.softmax(torch.tensor(Z), dim=1)
    return float(nn.CrossEntropyLoss()(probabilities, torch.as_tensor(labels, dtype=torch.long)))


def _torch_nll_of_logits(labels, Z):
    return float(nn.NLLLoss()(torch.tensor(Z), torch.as_tensor(labels, dtype=torch.long)))


def _torch_nll_of_probabilities(labels, Z):
    return float(nn.NLLLoss()(torch.softmax(torch.tensor(Z), dim=1), torch.as_tensor(labels, dtype=torch.long)))


def _torch_ce_sum(labels, Z):
    return float(nn.CrossEntropyLoss(reduction="sum")(torch.tensor(Z), torch.as_tensor(labels, dtype=torch.long)))


_SWAPPED = ("nn.CrossEntropyLoss got its arguments the other way round: PyTorch's losses take the logits (floats) "
            "first and the integer labels second, the opposite of the course's helpers, so it tried a softmax on "
            "your labels")
_NOT_LONG = ("your labels reached the loss as int32 (or another type), and nn.CrossEntropyLoss wants class indices "
             "as int64, torch.long. NumPy makes int32 arrays on some systems (Windows with NumPy 1.x), and "
             "torch.tensor keeps NumPy's type: ask for the type when you make the tensor")


_COURSE_LOSS = (": this exercise is about PyTorch's loss, so call nn.CrossEntropyLoss instead of the course's NumPy "
                "helper (q6.hint() shows how to hand it the arrays)")
_NOT_A_FLOAT = ("your function returned a {kind}, not a Python float: the loss gives a one-number (0-d) tensor, "
                "and its .item() method turns that into a float, as the exercise asks")
_NOT_CALLED = ("your numbers are right, but your function never called nn.CrossEntropyLoss (nor "
               "F.cross_entropy, which it runs inside). This exercise is about PyTorch's loss: make the module, "
               "and hand it the logits and the labels as tensors")


class _TorchCalls(TorchFunctionMode):
    """Records which torch functions run while it is active (any way they are reached: a module, F., an alias)."""

    def __init__(self):
        super().__init__()
        self.seen: set = set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.seen.add(func)
        return func(*args, **(kwargs or {}))


class _TorchLossExercise(FunctionExercise):
    """A FunctionExercise whose answer must call PyTorch's cross-entropy and return a Python float; it also turns
    PyTorch's errors for swapped arguments and int32 labels into plain words."""

    def _check(self, answer) -> None:
        calls = _TorchCalls()

        @functools.wraps(answer)
        def spied(*args):
            with calls:
                result = answer(*args)
            if isinstance(result, torch.Tensor | np.ndarray):
                raise Wrong(_NOT_A_FLOAT.format(kind="tensor" if isinstance(result, torch.Tensor) else "NumPy array"))
            return result

        try:
            super()._check(spied)
        except Wrong as wrong:
            text = str(wrong)
            _, where, case = text.partition("\n  when called with")
            if text.startswith("your function calls ") and ", which does the very computation" in text:
                raise Wrong(text.partition(", which does")[0] + _COURSE_LOSS) from None
            if "your function raised" in text and ("not implemented for 'Long'" in text
                                                    or "not implemented for 'Int'" in text):
                raise Wrong(_SWAPPED + where + case) from None
            if "your function raised" in text and ("target dtype" in text or "scalar type Long" in text):
                raise Wrong(_NOT_LONG + where + case) from None
            raise
        if torch.nn.functional.cross_entropy not in calls.seen:
            raise Wrong(_NOT_CALLED)


q6 = _TorchLossExercise(
    "Exercise 6 (nn.CrossEntropyLoss)", torch_cross_entropy, _TORCH_CE_CASES,
    mistakes=[(_torch_ce_of_probabilities, "you gave it probabilities: nn.CrossEntropyLoss applies log_softmax "
                                           "itself, so a softmax before it is applied twice. Give it the logits"),
              (_torch_nll_of_logits, "nn.NLLLoss takes LOG-probabilities; on the logits it returns minus the mean "
                                     "true-class logit. Use nn.CrossEntropyLoss, which takes the logits"),
              (_torch_nll_of_probabilities, "nn.NLLLoss takes LOG-probabilities, not probabilities. Use "
                                            "nn.CrossEntropyLoss on the logits: it does the log-softmax inside"),
              (_torch_ce_sum, "that is the sum over the examples: reduction='sum'. Keep the default, the mean")],
    hint=["Turn both NumPy arrays into tensors, the labels as 64-bit whole numbers, make the loss module, and call "
          "it with the logits first and the labels second: the other way round from your own function's "
          "arguments. It returns a one-number tensor: turn it into a Python float. Give it the logits as they are, "
          "since the loss applies the softmax itself.",
          "torch.tensor(Z) is a float64 tensor of shape (n, K). For the labels, torch.as_tensor(labels, "
          "dtype=torch.long) makes int64 class indices whatever integer type NumPy gave (int32 on Windows with "
          "NumPy 1.x, which the loss refuses). nn.CrossEntropyLoss() makes the module. Call it as hint 1 says; it "
          "returns a 0-d tensor, and a tensor method turns that into a Python float (this notebook's PyTorch cells use "
          "it to print their losses)."],
    forbid=("helpers.losses", "helpers.nn"),
    solution="""\
def my_torch_cross_entropy(labels, Z):
    logits = torch.tensor(Z)                                # (n, K) float64: the raw scores, no softmax
    targets = torch.as_tensor(labels, dtype=torch.long)     # (n,) int64 class indices, even from int32
    return nn.CrossEntropyLoss()(logits, targets).item()    # logits first, labels second""",
)
