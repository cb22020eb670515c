"""Notebook 06's exercises and predictions: the shared exercise suite, plus checks specific to them."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn as nn

from helpers.exercises import mnist as ex
from tests.exercise_checks import exercise_suite, run_check

# ---------------------------------------------------------------- learners' answers, right and wrong


def step_zero_grad_first(model, x, y, loss_fn, lr):
    """Right too: clear the gradients before backward instead of after the update; own parameter names."""
    model.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for weight in model.parameters():
            weight.sub_(lr * weight.grad)
    return loss.item()


def step_no_no_grad(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    for p in model.parameters():
        p -= lr * p.grad  # RuntimeError: a leaf Variable that requires grad is used in an in-place operation
    return loss.item()


def step_rebinds(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p = p - lr * p.grad  # noqa: PLW2901 - the slip: a new tensor, the model unchanged
    return loss.item()


def step_uphill(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p += lr * p.grad
            p.grad = None
    return loss.item()


def step_keeps_grads(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
    return loss.item()


def step_fixed_lr(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= 0.01 * p.grad
            p.grad = None
    return loss.item()


def step_returns_tensor(model, x, y, loss_fn, lr):
    ex.sgd_step(model, x, y, loss_fn, lr)
    return loss_fn(model(x), y)


def step_no_return(model, x, y, loss_fn, lr):
    ex.sgd_step(model, x, y, loss_fn, lr)


def step_placeholder(model, x, y, loss_fn, lr):
    ...


def most_confused_loop(matrix):
    best, pair = -1, None
    for t in range(len(matrix)):
        for p in range(len(matrix)):
            if t != p and matrix[t][p] > best:
                best, pair = matrix[t][p], (t, p)
    return pair


def floor_by_vector(e, k):
    t = np.full(k, e / k)
    t[0] += 1 - e
    return float(-(t * np.log(t)).sum())


REFERENCE = {
    "p1": "b", "p2": "c", "p3": "b",
    "q1": step_zero_grad_first,
    "q2": most_confused_loop,
    "q3": lambda m: np.diag(m) / np.sum(m, axis=1),
    "q4": floor_by_vector,
}

WRONG = {
    "p1": [("a", "not a count of mistakes"), ("c", "a single number"), ("d", "not a percentage"),
           ("e", 'one of "a"')],
    "p2": [("a", "not blind"), ("b", "Think higher"), ("d", "XOR")],
    "p3": [("a", "Can a network whose p matches"), ("c", "negative?")],
    "q1": [
        (step_no_no_grad, "with torch.no_grad()"),
        (step_rebinds, "in place"),
        (step_uphill, "uphill"),
        (step_keeps_grads, "the second was not"),
        (step_fixed_lr, "use the learning rate"),
        (step_returns_tensor, "loss.item()"),
        (step_no_return, "did you forget `return`"),
        (lambda model, x, y, loss_fn, lr: model(x.reshape(3, -1)), "raised RuntimeError"),
        (3.0, "expected a function"),
    ],
    "q2": [
        (lambda cm: np.unravel_index(np.argmax(cm), cm.shape), "diagonal"),
        (lambda cm: ex.most_confused(cm)[::-1], "other way round"),
        (lambda cm: np.unravel_index(np.argmin(cm + 10**6 * np.eye(len(cm))), cm.shape), "Look for the largest"),
        (lambda cm: 7, "pair"),
        (lambda cm: None, "did you forget `return`"),
        (lambda cm: cm[10, 10], "raised IndexError"),
    ],
    "q3": [
        (lambda m: np.diag(m) / np.sum(m, axis=0), "precision"),
        (lambda m: np.diag(m) / np.sum(m), "total of the whole matrix"),
        (lambda cm: np.diag(cm), "when called with"),
        (lambda cm: None, "did you forget `return`"),
    ],
    "q4": [
        (lambda e, k: floor_by_vector(e, k) / math.log(2), "natural log"),
        (lambda e, k: -((1 - e) * math.log(1 - e) + (k - 1) * e / k * math.log(e / k)), "1 − ε + ε/K"),
        (lambda e, k: floor_by_vector(e, 2) if k == 2 else -((1 - e + e / k) * math.log(1 - e + e / k)
                                                              + e / k * math.log(e / k)), "K − 1 wrong digits"),
        (lambda e, k: -(k - 1) * e / k * math.log(e / k), "true digit's term"),
        (lambda eps, K: -math.log(1 - eps), "when called with"),
    ],
}

globals().update(exercise_suite(ex, REFERENCE, WRONG, namespace=dict))


# ---------------------------------------------------------------- checks specific to these exercises


def test_q1_placeholder_function_is_not_attempted(capsys):
    ok, out = run_check(ex.q1, step_placeholder, capsys)
    assert not ok and "Not attempted yet" in out and "✗" not in out


def test_q1_reference_is_plain_gradient_descent():
    """sgd_step moves the weights exactly as torch.optim.SGD does, two batches in a row."""
    a, batches = ex._net()
    b, _ = ex._net()
    opt = torch.optim.SGD(b.parameters(), lr=0.3)
    for x, y in batches:
        ex.sgd_step(a, x, y, nn.CrossEntropyLoss(), 0.3)
        opt.zero_grad()
        nn.CrossEntropyLoss()(b(x), y).backward()
        opt.step()
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(p, q)


def test_q3_reference_matches_the_training_helper():
    from helpers.training import per_class_accuracy

    labels, predicted = torch.tensor([0, 1, 1, 2, 2, 2]), torch.tensor([0, 1, 2, 2, 2, 0])
    cm = np.zeros((3, 3))
    np.add.at(cm, (labels.numpy(), predicted.numpy()), 1)
    np.testing.assert_allclose(ex.per_class_accuracy(cm), per_class_accuracy(labels, predicted)[:3].numpy())


def test_q4_floor_is_the_smoothed_loss_at_its_best():
    """PyTorch's label-smoothed cross-entropy, at logits log t (so p = t), equals the floor; for 0.1 and 10 ≈ 0.50."""
    for eps, k in [(0.1, 10), (0.2, 5), (0.05, 3)]:
        t = torch.full((k,), eps / k, dtype=torch.float64)
        t[2] += 1 - eps
        loss = nn.CrossEntropyLoss(label_smoothing=eps)(t.log()[None], torch.tensor([2]))
        assert abs(loss.item() - ex.smoothing_floor(eps, k)) < 1e-9
        other = (t.log() + 0.3 * torch.randn(k, dtype=torch.float64))[None]  # any other p does worse
        assert nn.CrossEntropyLoss(label_smoothing=eps)(other, torch.tensor([2])).item() > loss.item()
    assert abs(ex.smoothing_floor(0.1, 10) - 0.5003) < 1e-3


def test_p1_reference_is_true_for_a_fresh_simple_nn():
    from helpers.models import SimpleNN

    torch.manual_seed(0)
    x, y = torch.rand(512, 1, 28, 28), torch.randint(0, 10, (512,))
    loss = nn.CrossEntropyLoss()(SimpleNN()(x), y).item()
    assert abs(loss - math.log(10)) < 0.1


# ---- tripwires: the step is written without an optimiser, the floor without PyTorch's loss


def test_a_step_that_uses_an_optimiser_is_refused(capsys):
    def step_with_sgd(model, x, y, loss_fn, lr):
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    from torch.optim import SGD

    def step_with_imported_sgd(model, x, y, loss_fn, lr):
        SGD(model.parameters(), lr=lr).step()
        return loss_fn(model(x), y).item()

    ok, out = run_check(ex.q1, step_with_sgd, capsys)
    assert not ok and "your function calls SGD from torch.optim" in out and "Do it by hand" in out, out
    ok, out = run_check(ex.q1, step_with_imported_sgd, capsys)
    assert not ok and "calls SGD from torch.optim" in out, out
    assert torch.optim.SGD is SGD  # put back
    ok, out = run_check(ex.q1, step_zero_grad_first, capsys)  # nn.CrossEntropyLoss and backward() are allowed
    assert ok, out


def test_a_floor_computed_by_torch_label_smoothing_is_refused(capsys):
    import torch.nn.functional as F

    def floor_by_torch(eps, K):
        t = torch.full((K,), eps / K, dtype=torch.float64)
        t[0] += 1 - eps
        return F.cross_entropy(t.log()[None], torch.tensor([0]), label_smoothing=eps).item()

    def floor_by_module(eps, K):
        t = torch.full((K,), eps / K, dtype=torch.float64)
        t[0] += 1 - eps
        return nn.CrossEntropyLoss(label_smoothing=eps)(t.log()[None], torch.tensor([0])).item()

    for cheat in (floor_by_torch, floor_by_module):
        ok, out = run_check(ex.q4, cheat, capsys)
        assert not ok and "calls cross_entropy from torch.nn.functional" in out, out
