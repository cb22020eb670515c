"""Exercises of notebook 06: references pass, typical slips fail with a ✗ and useful feedback,
placeholders say "Not attempted yet", and a crashing answer is reported, not raised."""

from __future__ import annotations

import numpy as np
import torch

from helpers.exercises.mnist import q1, q2, q3, q4
from tests.exercise_checks import (
    assert_accepted,
    assert_hint_and_solution,
    assert_not_attempted,
    assert_rejected,
)

# ---------------------------------------------------------------- q1: a training step


def test_q1_reference_passes(capsys):
    assert_accepted(q1, q1.reference, capsys)


def test_q1_forgetting_zero_grad_is_named(capsys):
    def step(model, x, y, optimizer, loss_fn):
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    assert_rejected(q1, step, capsys, "zero_grad")


def test_q1_forgetting_the_step_is_named(capsys):
    def step(model, x, y, optimizer, loss_fn):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        return loss.item()

    assert_rejected(q1, step, capsys, "optimizer.step()")


def test_q1_wrong_order_is_named(capsys):
    def step(model, x, y, optimizer, loss_fn):
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.zero_grad()  # wipes the fresh gradients
        optimizer.step()
        return loss.item()

    assert_rejected(q1, step, capsys, "The order is")


def test_q1_returning_the_tensor_is_named(capsys):
    def step(model, x, y, optimizer, loss_fn):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    assert_rejected(q1, step, capsys, "loss.item()")


def test_q1_placeholder_and_crash(capsys):
    def step(model, x, y, optimizer, loss_fn):
        ...

    assert_not_attempted(q1, step, capsys)
    assert_not_attempted(q1, ..., capsys)

    def crash(model, x, y, optimizer, loss_fn):
        return model(x.reshape(3, -1))

    assert_rejected(q1, crash, capsys, "raised RuntimeError")


# ---------------------------------------------------------------- q2: accuracy


def test_q2_reference_passes(capsys):
    assert_accepted(q2, q2.reference, capsys)


def test_q2_slips_fail(capsys):
    assert_rejected(q2, lambda logits, labels: (logits.argmax(dim=0)[:len(labels)] == labels).float().mean(),
                    capsys, "✗")
    assert_rejected(q2, lambda logits, labels: (logits.argmax(dim=1) == labels).sum(), capsys, "expected")
    assert_rejected(q2, lambda logits, labels: 100 * (logits.argmax(dim=1) == labels).float().mean(),
                    capsys, "expected")


def test_q2_placeholder_and_crash(capsys):
    def accuracy(logits, labels):
        ...

    assert_not_attempted(q2, accuracy, capsys)
    assert_rejected(q2, lambda logits, labels: logits.argmax(dim=5), capsys, "raised")


# ---------------------------------------------------------------- q3: the most confused pair


def test_q3_reference_passes(capsys):
    assert_accepted(q3, q3.reference, capsys)


def test_q3_slips_fail(capsys):
    def with_diagonal(cm):
        return np.unravel_index(np.argmax(cm), cm.shape)

    def swapped(cm):
        t, p = q3.reference(cm)
        return p, t

    def smallest(cm):
        m = np.array(cm, dtype=float)
        np.fill_diagonal(m, np.inf)
        return np.unravel_index(np.argmin(m), m.shape)

    assert_rejected(q3, with_diagonal, capsys, "diagonal")
    assert_rejected(q3, swapped, capsys, "other way round")
    assert_rejected(q3, smallest, capsys, "holds")
    assert_rejected(q3, lambda cm: 7, capsys, "pair")


def test_q3_placeholder_and_crash(capsys):
    def most_confused(cm):
        ...

    assert_not_attempted(q3, most_confused, capsys)
    assert_rejected(q3, lambda cm: cm[10, 10], capsys, "raised IndexError")


# ---------------------------------------------------------------- q4: per-class accuracy


def test_q4_reference_passes_and_matches_the_helper(capsys):
    from helpers.training import per_class_accuracy

    assert_accepted(q4, q4.reference, capsys)
    labels, predicted = torch.tensor([0, 1, 1, 2, 2, 2]), torch.tensor([0, 1, 2, 2, 2, 0])
    cm = np.zeros((3, 3))
    np.add.at(cm, (labels.numpy(), predicted.numpy()), 1)
    np.testing.assert_allclose(q4.reference(cm), per_class_accuracy(labels, predicted)[:3].numpy())


def test_q4_slips_fail(capsys):
    assert_rejected(q4, lambda cm: np.diag(cm) / np.asarray(cm).sum(axis=0), capsys, "expected")  # precision
    assert_rejected(q4, lambda cm: np.diag(cm) / np.asarray(cm).sum(), capsys, "expected")
    assert_rejected(q4, lambda cm: np.diag(cm), capsys, "expected")


def test_q4_placeholder_and_crash(capsys):
    def per_class_accuracy(cm):
        ...

    assert_not_attempted(q4, per_class_accuracy, capsys)
    assert_rejected(q4, lambda cm: cm.nope, capsys, "raised AttributeError")


def test_hints_and_solutions(capsys):
    for q in (q1, q2, q3, q4):
        assert_hint_and_solution(q, capsys)
