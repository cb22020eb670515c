"""Exercises for notebook 06 (MNIST with PyTorch): one training step, accuracy from logits,
the most confused pair of digits, and per-class accuracy from a confusion matrix."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

from helpers.exercises.core import (
    NOT_ATTEMPTED,
    CustomExercise,
    FunctionExercise,
    Wrong,
    compare,
    show,
)

# ---- q1: one training step ----


def training_step(model, x, y, optimizer, loss_fn):
    """One step of gradient descent on a batch; returns the batch's loss as a Python float."""
    optimizer.zero_grad()  # forget the previous batch's gradients
    loss = loss_fn(model(x), y)  # forward pass and loss
    loss.backward()  # gradients of the loss for every weight
    optimizer.step()  # move the weights
    return loss.item()


def _step_setup():
    """A tiny network, a batch, and gradients left over from an 'earlier batch' (all ones)."""
    torch.manual_seed(6)
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 5), nn.ReLU(), nn.Linear(5, 3))
    x, y = torch.randn(8, 12), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    for p in model.parameters():
        p.grad = torch.ones_like(p)  # stale gradients: a correct step must clear them first
    return model, x, y


def _check_training_step(step) -> None:
    if not callable(step):
        raise Wrong(f"expected a function (def training_step(...)), got {type(step).__name__}")
    model, x, y = _step_setup()
    before = [p.detach().clone() for p in model.parameters()]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    try:
        got = step(model, x.clone(), y.clone(), optimizer, nn.CrossEntropyLoss())
    except Exception as err:  # noqa: BLE001 - the learner's code crashed: report it
        raise Wrong(f"your function raised {type(err).__name__}: {err}") from None
    after = list(model.parameters())
    unchanged = all(torch.equal(a, b) for a, b in zip(before, after, strict=True))
    if unchanged and got is None:
        raise Wrong(NOT_ATTEMPTED)
    ref_model, x, y = _step_setup()  # the same network, stepped by the reference
    expected = training_step(ref_model, x, y, torch.optim.SGD(ref_model.parameters(), lr=0.1),
                             nn.CrossEntropyLoss())
    if unchanged and all(p.grad is None for p in after):
        raise Wrong("the weights did not change, and no gradients were there when optimizer.step() ran. "
                    "The order is: optimizer.zero_grad(), forward and loss, loss.backward(), optimizer.step().")
    if unchanged:
        raise Wrong("the weights did not change. Did you call optimizer.step() after loss.backward()?")
    if any(p.grad is not None and torch.equal(p.grad, torch.ones_like(p)) for p in after):
        raise Wrong("the weights moved with stale gradients: call loss.backward() to compute new ones.")
    for p, q in zip(after, ref_model.parameters(), strict=True):
        if not torch.allclose(p, q, atol=1e-6):
            raise Wrong("the weights moved, but not by the right amount. Old gradients add up unless you call "
                        "optimizer.zero_grad() before loss.backward().")
    if not isinstance(got, float):
        raise Wrong(f"return the loss as a Python float (loss.item()), got {type(got).__name__}: {show(got)}")
    compare(got, expected)


q1 = CustomExercise(
    "Exercise 1 (a training step)", training_step, _check_training_step,
    hint="Four lines, in this order: clear the old gradients (optimizer.zero_grad()), compute the loss of "
         "model(x) against y with loss_fn, backpropagate (loss.backward()), update (optimizer.step()). "
         "Return loss.item().",
)


# ---- q2: accuracy from logits ----


def accuracy(logits, labels):
    """The fraction of rows whose largest logit sits at the true label's position."""
    return (logits.argmax(dim=1) == labels).float().mean().item()


_g = torch.Generator().manual_seed(2)
_ACC_CASES = [
    {"logits": torch.tensor([[2.0, 0.1, -1.0], [0.3, 0.2, 0.9], [0.0, 5.0, 1.0], [1.0, 0.0, 3.0]]),
     "labels": torch.tensor([0, 2, 2, 0])},
    {"logits": torch.randn(50, 10, generator=_g), "labels": torch.randint(0, 10, (50,), generator=_g)},
    {"logits": torch.tensor([[-3.0, -1.0], [-0.5, -2.0], [4.0, 1.0]]), "labels": torch.tensor([1, 0, 0])},
]

q2 = FunctionExercise(
    "Exercise 2 (accuracy)", accuracy, _ACC_CASES,
    hint="logits has shape (n, 10). The prediction of each row is the index of its largest value: "
         "logits.argmax(dim=1), shape (n,). Compare with labels (==), turn the True/False into 1.0/0.0 "
         "with .float(), and take the mean: a fraction between 0 and 1, not a count or a percentage.",
)


# ---- q3: the most confused pair of digits ----


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


_CM_CASES = [{"cm": _cm_case(s)} for s in (0, 1, 2)]


def _check_most_confused(answer) -> None:
    if not callable(answer):
        raise Wrong(f"expected a function (def most_confused(cm)), got {type(answer).__name__}")
    for case in _CM_CASES:
        cm = case["cm"]
        try:
            got = answer(cm.copy())
        except Exception as err:  # noqa: BLE001 - the learner's code crashed: report it
            raise Wrong(f"your function raised {type(err).__name__}: {err}") from None
        if got is None or got is ...:
            raise Wrong(NOT_ATTEMPTED)
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
            raise Wrong(f"you returned {pair} (count {cm[pair]}), but cell {(t, p)} holds {cm[t, p]} images.")


q3 = CustomExercise(
    "Exercise 3 (the most confused pair)", most_confused, _check_most_confused,
    hint="Copy the matrix as floats, set its diagonal to −1 with np.fill_diagonal (those are correct "
         "answers), then find the largest cell: np.unravel_index(np.argmax(m), m.shape) gives its "
         "(row, column) = (true digit, predicted digit).",
)


# ---- q4: per-class accuracy from the confusion matrix ----


def per_class_accuracy(cm):
    """For each true digit (row), the fraction of its images predicted correctly: diagonal / row sums."""
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum(axis=1)


q4 = FunctionExercise(
    "Exercise 4 (per-class accuracy)", per_class_accuracy,
    [{"cm": np.array([[8, 2], [1, 9]])}, {"cm": np.array([[5, 0, 5], [0, 10, 0], [2, 2, 6]])},
     {"cm": _cm_case(3)}],
    hint="Row t holds every image whose true digit is t. Its correct ones sit on the diagonal, cm[t, t]. "
         "So: np.diag(cm) / cm.sum(axis=1). (Dividing by column sums gives something else: precision.)",
)
