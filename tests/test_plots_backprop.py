"""Notebook 05's plot helpers: the gradients the graph shows, the descent paths, the toy data,
and that each widget's picture changes when a control moves."""

import re

import numpy as np
import pytest
import torch

from helpers.plots import backprop as bp
from tests.plot_checks import assert_control_changes_image


@pytest.mark.parametrize("x, w, b, y", [(1.5, -0.8, 0.4, 1.0), (-3.0, 3.0, -3.0, 0.0), (0.0, 0.0, 0.0, 0.5)])
def test_neuron_graph_numbers_match_autograd(x, w, b, y):
    c = bp.neuron_chain(x, w, b, y)
    xt, wt, bt = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (x, w, b))
    zt = wt * xt + bt
    at = torch.sigmoid(zt)
    at.retain_grad()
    zt.retain_grad()
    loss = (at - y) ** 2
    loss.backward()
    assert c["L"] == pytest.approx(loss.item(), rel=1e-12)
    for key, tensor in (("dx", xt), ("dw", wt), ("db", bt), ("dz", zt), ("da", at)):
        assert c[key] == pytest.approx(tensor.grad.item(), rel=1e-12, abs=1e-15), key


@pytest.mark.parametrize("name", sorted(bp.SURFACES))
def test_surface_gradients_match_finite_differences(name):
    s, h = bp.SURFACES[name], 1e-6
    for point in (np.array([0.3, -0.7]), np.array([-1.2, 2.0])):
        numeric = [(s.f(point + h * e) - s.f(point - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(s.grad(point), numeric, rtol=1e-6, atol=1e-8)


def test_learning_rate_decides_crawl_converge_or_diverge():
    ravine = bp.SURFACES["ravine"]
    def final_loss(lr):
        return ravine.f(bp.descend(ravine, lambda ps: bp.nn.SGD(ps, lr=lr), 60)[-1])
    assert final_loss(0.001) > 10          # crawls: barely moved from a loss of 30
    assert final_loss(0.15) < 1e-3         # converges
    path = bp.descend(ravine, lambda ps: bp.nn.SGD(ps, lr=0.3), 100)
    assert len(path) < 101 and np.all(np.isfinite(path))  # diverges, and stops before overflowing


def test_path_is_cut_where_it_leaves_the_window():
    ravine = bp.SURFACES["ravine"]
    path = np.array([[0.0, 0.0], [1.0, 1.0], [9.0, 0.0], [1.0, 1.0]])
    assert len(bp._on_screen(path, ravine)) == 3
    assert len(bp._on_screen(path[:2], ravine)) == 2


def test_moons_are_balanced_and_seeded():
    X, y = bp.make_moons(101, rng=0)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert set(np.unique(y)) == {0, 1} and abs(int(y.sum()) - 50) <= 1
    np.testing.assert_array_equal(X, bp.make_moons(101, rng=0)[0])


@pytest.mark.parametrize("name, control, value", [
    ("neuron_graph", "w", 2.0), ("descent_explorer", "lr", 0.2), ("optimizer_race", "surface", "banana"),
    ("training_explorer", "epoch", 150),
])
def test_moving_a_control_changes_the_picture(name, control, value):
    assert_control_changes_image(bp.BUILDERS[name](), control, value)


def _train_moons(recorder_kwargs=None, epochs=12):
    """A short training run on 60 moons points; with recorder_kwargs, a TrainingRecorder watches it."""
    X, y = bp.make_moons(60, rng=0)
    model = bp.nn.MLP([2, 8, 2], activation="tanh", rng=0)
    loss_fn, optimizer = bp.nn.CrossEntropyLoss(), bp.nn.Adam(model.parameters(), lr=0.02)
    record = None if recorder_kwargs is None else bp.TrainingRecorder(X, y, every=3, resolution=10, **recorder_kwargs)
    losses = []
    for epoch in range(epochs):
        loss = loss_fn(model(X), y)
        losses.append(loss)
        if record is not None:
            record.record(epoch, model, loss)
        optimizer.zero_grad()
        model.backward(loss_fn.backward())
        optimizer.step()
    return losses, record


def test_recording_does_not_change_training_even_with_a_validation_set():
    # record() runs the model on the plane and the validation points; backward must still find the training batch
    X_val, y_val = bp.make_moons(40, rng=1)
    plain, _ = _train_moons()
    watched, _ = _train_moons({})
    validated, record = _train_moons({"X_val": X_val, "y_val": y_val})
    np.testing.assert_allclose(watched, plain, rtol=1e-12)
    np.testing.assert_allclose(validated, plain, rtol=1e-12)
    assert len(record.val_losses) == len(plain) and all(np.isfinite(record.val_losses))


def test_demo_run_overfits_on_its_validation_set():
    record = bp.demo_training()
    best = int(np.argmin(record.val_losses))
    assert 100 < best < 280  # the validation loss turns up well before the end ...
    assert record.val_losses[-1] > 1.2 * record.val_losses[best]
    assert record.losses[-1] < 0.8 * record.losses[best]  # ... while the training loss goes on falling


@pytest.mark.parametrize("accuracy, shown", [(0.995, "99.5"), (0.9999, "99.9"), (0.28, "28.0"), (1.0, "100.0")])
def test_title_never_rounds_an_imperfect_accuracy_up_to_100_percent(accuracy, shown):
    # 200 points give accuracies in steps of 0.5%: a whole-percent title read 99.5% as "100%"
    _, record = _train_moons({})
    for epoch, (probs, _) in record.snapshots.items():
        record.snapshots[epoch] = (probs, accuracy)
    plot = bp.training_explorer(record)
    plot.controls["epoch"].value = max(record.snapshots)
    assert plot.error is None, plot.error
    assert re.findall(r"training accuracy ([\d.]+)%", plot.describe()) == [shown]
