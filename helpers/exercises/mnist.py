"""Exercises and predictions for notebook 06 (MNIST with PyTorch): the initial loss, a linear baseline,
a gradient-descent step written by hand, the most confused pair of digits, per-class accuracy from a
confusion matrix, and the loss floor of label smoothing."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn as nn

from helpers.exercises.core import (
    ChoiceExercise,
    CustomExercise,
    FunctionExercise,
    NotAttempted,
    Wrong,
    compare,
    show,
)

NOTEBOOK = "06_mnist_pytorch"

# ---- p1: the loss of an untrained network ----

p1 = ChoiceExercise(
    "Prediction 1 (the loss before training)", "b",
    options={"a": "about 0: it has not learned anything yet, so it has made no mistakes",
             "b": "about 2.3",
             "c": "about 10, one for each class",
             "d": "about 100: it gets every image wrong"},
    feedback={"a": "the loss is not a count of mistakes: it is −log p_y, and an untrained network gives the true "
                   "digit a small probability p_y. How small, if it has no preference among the 10 digits?",
              "c": "the loss of one image is −log p_y, a single number, not one per class. What is p_y when "
                   "the network spreads its bets evenly over 10 digits?",
              "d": "the cross-entropy is −log p_y, not a percentage of wrong answers. What is p_y for a network "
                   "with no preference among 10 digits?"},
    hint="Small random weights give logits near 0, so the softmax spreads the probability evenly: p_y ≈ 1/10. "
         "The cross-entropy is L = −log p_y.",
    solution='p1_answer = "b"  # p_y ≈ 1/10 for every image, so L ≈ −log(1/10) = log 10 ≈ 2.30',
)

# ---- p2: what a linear model reaches ----

p2 = ChoiceExercise(
    "Prediction 2 (a model without a hidden layer)", "c",
    options={"a": "about 10%: without a hidden layer it can only guess",
             "b": "about 50%",
             "c": "about 92%",
             "d": "about 97.5%: the hidden layer adds nothing on MNIST"},
    feedback={"a": "a linear model is weak, but not blind: one weight per pixel per digit already says where "
                   "each digit usually has ink. Is that worth nothing?",
              "b": "one 28 × 28 weight template per digit separates most digits well: most 1s have ink where "
                   "most 0s have none. Think higher.",
              "d": "if a straight-line boundary were enough, nobody would bother with hidden layers. Think of "
                   "XOR in notebook 03: some patterns need one."},
    hint="Each of the 10 outputs is a weighted sum of the pixels: a template of where that digit has ink. "
         "Most digits differ a lot in where their ink is; a few (4 and 9, 3 and 5) do not.",
    solution='p2_answer = "c"  # a good template per digit gets most digits right, but not the hard pairs',
)

# ---- q1: one gradient-descent step, written by hand ----


def sgd_step(model, x, y, loss_fn, lr):
    """One step of plain gradient descent without an optimiser; returns the batch's loss as a Python float."""
    loss = loss_fn(model(x), y)  # forward pass and loss
    loss.backward()  # p.grad = ∂L/∂p for every weight p
    with torch.no_grad():  # the update itself must not be recorded by autograd
        for p in model.parameters():
            p -= lr * p.grad  # in place: the model's own tensor changes
            p.grad = None  # clear, so the next batch's gradients do not add to these
    return loss.item()


def _net():
    """A tiny network (12 -> 5 -> 3) and two batches, the same every time."""
    torch.manual_seed(6)
    model = nn.Sequential(nn.Linear(12, 5), nn.ReLU(), nn.Linear(5, 3))
    g = torch.Generator().manual_seed(7)
    batches = [(torch.randn(8, 12, generator=g), torch.randint(0, 3, (8,), generator=g)) for _ in range(2)]
    return model, batches


def _weights(model) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


def _same(a, b) -> bool:
    return all(torch.allclose(u, v, atol=1e-6) for u, v in zip(a, b, strict=True))


def _check_sgd_step(step) -> None:
    if not callable(step):
        raise Wrong(f"expected a function (def sgd_step(...)), got {type(step).__name__}")
    lr = 0.5
    ref_model, batches = _net()
    start = _weights(ref_model)
    expected = []
    for x, y in batches:
        loss = sgd_step(ref_model, x, y, nn.CrossEntropyLoss(), lr)
        expected.append((loss, _weights(ref_model)))
    uphill, _ = _net()
    loss_up = nn.CrossEntropyLoss()(uphill(batches[0][0]), batches[0][1])
    loss_up.backward()
    climbed = [w + lr * p.grad for w, p in zip(start, uphill.parameters(), strict=True)]

    model, _ = _net()
    for k, (x, y) in enumerate(batches):
        try:
            got = step(model, x.clone(), y.clone(), nn.CrossEntropyLoss(), lr)
        except Wrong:  # a tripwire: the step called what the exercise forbids
            raise
        except RuntimeError as err:
            if "in-place" in str(err) or "leaf Variable" in str(err):
                raise Wrong("PyTorch refused to change a weight in place while autograd was recording: do the "
                            "update inside `with torch.no_grad():`.") from None
            raise Wrong(f"your function raised RuntimeError: {err}") from None
        except Exception as err:  # noqa: BLE001 - the learner's code crashed: report it
            raise Wrong(f"your function raised {type(err).__name__}: {err}") from None
        now = _weights(model)
        if k == 0 and _same(now, start):
            if (got is None or got is ...) and all(p.grad is None for p in model.parameters()):
                raise NotAttempted
            raise Wrong("the model's weights did not change. `p = p - lr * p.grad` makes a new tensor and "
                        "leaves the model's own weight as it was: change it in place, `p -= lr * p.grad` "
                        "(inside `with torch.no_grad():`).")
        if k == 0 and _same(now, climbed):
            raise Wrong("the weights moved uphill: the loss grows. Gradient descent subtracts η·∂L/∂w.")
        if not _same(now, expected[k][1]):
            if k == 1:
                raise Wrong("the first step was right, the second was not: the first batch's gradients were still "
                            "in p.grad, and backward() adds to them. Clear them after the update "
                            "(p.grad = None, or p.grad.zero_()).")
            raise Wrong("the weights moved, but not by η·∂L/∂w: use the learning rate `lr` that is passed in "
                        "and the gradient p.grad of each weight p.")
        if got is None or got is ...:
            raise Wrong("the weights are right, but your function returned nothing: did you forget `return`?")
        if not isinstance(got, float):
            raise Wrong(f"return the loss as a Python float (loss.item()), got {type(got).__name__}: {show(got)}")
        compare(got, expected[k][0])


q1 = CustomExercise(
    "Exercise 1 (a gradient-descent step by hand)", sgd_step, _check_sgd_step,
    hint=["Four things, in order: compute the batch's loss; let autograd fill in every weight's gradient; move each "
          "weight a small step against its gradient, without autograd recording that move; and clear the gradients, "
          "so that the next batch starts afresh. Return the loss as a plain number.",
          "loss_fn(model(x), y) is the batch's loss; loss.backward() then fills p.grad for every weight p in "
          "model.parameters(). The update goes inside a `with torch.no_grad():` block and changes each weight in "
          "place; loss.item() is the loss as a float.",
          "Forward and loss: loss = loss_fn(model(x), y); then loss.backward() fills p.grad for every p in "
          "model.parameters(). Inside `with torch.no_grad():` change each weight in place, p -= lr * p.grad, "
          "and clear its gradient (p.grad = None). Return loss.item()."],
    forbid=("torch.optim",),
    solution='''def sgd_step(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
            p.grad = None
    return loss.item()''',
)


# ---- q2: the most confused pair of digits ----


def most_confused(cm):
    """The (true, predicted) pair off the diagonal with the largest count in confusion matrix cm."""
    off = np.array(cm, dtype=float)
    np.fill_diagonal(off, -1)  # correct answers are not confusions
    true, predicted = np.unravel_index(np.argmax(off), off.shape)
    return int(true), int(predicted)


def _cm_case(seed):
    rng = np.random.default_rng(seed)
    cm = rng.integers(0, 6, size=(10, 10))
    np.fill_diagonal(cm, rng.integers(900, 1100, size=10))
    t, p = rng.choice(10, size=2, replace=False)
    cm[t, p], cm[p, t] = 17, 9  # one clear winner, and its mirror smaller
    return cm


_CM_CASES = [_cm_case(s) for s in (0, 1, 2)]


def _check_most_confused(answer) -> None:
    if not callable(answer):
        raise Wrong(f"expected a function (def most_confused(cm)), got {type(answer).__name__}")
    for cm in _CM_CASES:
        try:
            got = answer(cm.copy())
        except Wrong:  # a tripwire
            raise
        except Exception as err:  # noqa: BLE001 - the learner's code crashed: report it
            raise Wrong(f"your function raised {type(err).__name__}: {err}") from None
        if got is ...:
            raise NotAttempted
        if got is None:
            raise Wrong("your function returned None: did you forget `return`?")
        t, p = most_confused(cm)
        try:
            pair = tuple(int(v) for v in got)
        except (TypeError, ValueError):
            raise Wrong(f"return a pair (true digit, predicted digit), got {show(got)}") from None
        if len(pair) != 2:
            raise Wrong(f"return a pair (true digit, predicted digit), got {show(got)}")
        if pair[0] == pair[1]:
            raise Wrong(f"you returned {pair}, a cell on the diagonal: those are the correct answers. "
                        "Leave the diagonal out.")
        if pair == (p, t):
            raise Wrong(f"you returned {pair}, the pair the other way round: rows are the true digit, "
                        "columns the predicted one.")
        if pair != (t, p):
            raise Wrong(f"you returned {pair} (count {cm[pair]}), but another off-diagonal cell holds more "
                        "images. Look for the largest count.")


q2 = CustomExercise(
    "Exercise 2 (the most confused pair)", most_confused, _check_most_confused,
    hint=["The diagonal holds the correct answers: take it out of the running first. Then find the largest cell that "
          "is left; its row is the true digit and its column the predicted one.",
          "Copy the matrix as floats, set its diagonal to −1 with np.fill_diagonal (those are correct "
          "answers), then find the largest cell: np.unravel_index(np.argmax(m), m.shape) gives its "
          "(row, column) = (true digit, predicted digit)."],
    solution='''def most_confused(cm):
    off = np.array(cm, dtype=float)
    np.fill_diagonal(off, -1)
    true, predicted = np.unravel_index(np.argmax(off), off.shape)
    return int(true), int(predicted)''',
)


# ---- q3: per-class accuracy from the confusion matrix ----


def per_class_accuracy(cm):
    """For each true digit (row), the fraction of its images predicted correctly: diagonal / row sums."""
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum(axis=1)


def _precision(cm):
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum(axis=0)


def _over_total(cm):
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum()


q3 = FunctionExercise(
    "Exercise 3 (per-class accuracy)", per_class_accuracy,
    [{"cm": np.array([[8, 2], [1, 9]])}, {"cm": np.array([[5, 0, 5], [0, 10, 0], [2, 2, 6]])},
     {"cm": _cm_case(3)}],
    hint=["A row holds every image of one true digit, and its correct ones sit where that row meets the diagonal. "
          "Divide that count by the row's total, digit by digit.",
          "Row t holds every image whose true digit is t. Its correct ones sit on the diagonal, cm[t, t]. "
          "Divide each diagonal entry by the sum of its row."],
    forbid=("helpers.training.per_class_accuracy",),
    solution='''def per_class_accuracy_from_cm(cm):
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum(axis=1)''',
    mistakes=[(_precision, "you divided by the column sums: that is the fraction of the *predictions* of each "
                           "digit that were right (the precision). Divide by the row sums: all images of that "
                           "true digit"),
              (_over_total, "you divided by the total of the whole matrix: divide each digit by its own number "
                            "of images, the sum of its row")],
)


# ---- p3: how low can a smoothed loss go? ----

p3 = ChoiceExercise(
    "Prediction 3 (the lowest smoothed loss)", "b",
    options={"a": "0, as with hard targets: a network that is right and sure on every image gets loss 0",
             "b": "it stops at a floor above 0, even for a perfect network",
             "c": "below 0: smoothing lets the loss go negative"},
    feedback={"a": "with smoothing the target itself is not 100% sure: it gives every wrong digit ε/K. Can a "
                   "network whose p matches that target have loss 0?",
              "c": "every term −t_k·log p_k is ≥ 0, because t_k ≥ 0 and p_k ≤ 1. Can their sum be negative?"},
    hint="The smoothed loss is −Σ_k t_k log p_k with t_k = ε/K for the wrong digits. Even the best p (p = t) "
         "leaves those terms above 0.",
    solution='p3_answer = "b"  # the best p is p = t, and its loss, the entropy of t, is above 0',
)

# ---- q4: the floor of the label-smoothed loss ----


def smoothing_floor(eps, K):
    """The entropy of the smoothed target: the lowest loss label smoothing allows (natural log, as PyTorch)."""
    right, wrong = 1 - eps + eps / K, eps / K  # target for the true class, and for each of the K − 1 others
    return -(right * math.log(right) + (K - 1) * wrong * math.log(wrong))


def _floor_bits(eps, K):
    return smoothing_floor(eps, K) / math.log(2)


def _floor_no_share(eps, K):
    right, wrong = 1 - eps, eps / K
    return -(right * math.log(right) + (K - 1) * wrong * math.log(wrong))


def _floor_one_wrong(eps, K):
    right, wrong = 1 - eps + eps / K, eps / K
    return -(right * math.log(right) + wrong * math.log(wrong))


def _floor_wrong_only(eps, K):
    wrong = eps / K
    return -(K - 1) * wrong * math.log(wrong)


q4 = FunctionExercise(
    "Exercise 4 (the floor of label smoothing)", smoothing_floor,
    [{"eps": 0.2, "K": 5}, {"eps": 0.05, "K": 3}, {"eps": 0.3, "K": 100}],
    hint=["Write down the smoothed target: what the true digit gets, and what each of the other digits gets. The "
          "floor is the entropy of that target: one term for the true digit, and the same term repeated for every "
          "other digit, with the natural logarithm.",
          "The true digit's target is t_y = 1 − ε + ε/K, each of the K − 1 others gets ε/K. The lowest loss is "
          "reached at p = t, where it equals −Σ_k t_k log t_k: one term for the true digit, K − 1 equal terms for "
          "the others. Use the natural log (math.log), as PyTorch does."],
    forbid=("torch.nn.functional",),
    solution='''def smoothing_floor(eps, K):
    right, wrong = 1 - eps + eps / K, eps / K
    return -(right * math.log(right) + (K - 1) * wrong * math.log(wrong))''',
    names=("the floor",),
    mistakes=[(_floor_bits, "that is the floor in bits (log base 2): PyTorch's cross-entropy uses the natural "
                            "log, math.log"),
              (_floor_no_share, "the true digit's target is 1 − ε + ε/K, not 1 − ε: smoothing shares ε over "
                                "all K digits, the true one included"),
              (_floor_one_wrong, "there are K − 1 wrong digits, each with target ε/K: count each of them"),
              (_floor_wrong_only, "the true digit's term, −t_y log t_y, is missing")],
)
