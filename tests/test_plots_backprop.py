"""Notebook 05's plot helpers: the gradients the graph shows, the descent paths, the toy data,
and that each widget's picture changes when a control moves."""

import re

import numpy as np
import pytest
import torch

from helpers.plots import backprop as bp
from helpers.widgets import LOG_READOUT, log_grid
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
    # and validation accuracy falls from the best epoch to the last (notebook 05: about 99.5% -> 98%)
    assert record.val_accuracies[-1] < record.val_accuracies[best]
    assert len(record.accuracies) == len(record.val_accuracies) == len(record.losses) == 301


def test_recorded_accuracies_are_those_of_the_model_at_that_epoch():
    X_val, y_val = bp.make_moons(40, rng=1)
    _, record = _train_moons({"X_val": X_val, "y_val": y_val})
    for epoch, (_, accuracy) in record.snapshots.items():
        assert record.accuracies[epoch] == accuracy
    assert all(0 <= a <= 1 for a in record.accuracies + record.val_accuracies)
    plot = bp.training_explorer(record)
    plot.controls["epoch"].value = max(record.snapshots)
    shown = bp._percent(record.val_accuracies[max(record.snapshots)])
    assert f"validation: loss {record.val_losses[max(record.snapshots)]:.3f}, accuracy {shown}" in plot.describe()


@pytest.mark.parametrize("accuracy, shown", [(0.995, "99.5"), (0.9999, "99.9"), (0.28, "28.0"), (1.0, "100.0")])
def test_title_never_rounds_an_imperfect_accuracy_up_to_100_percent(accuracy, shown):
    # 200 points give accuracies in steps of 0.5%: a whole-percent title read 99.5% as "100%"
    _, record = _train_moons({})
    for epoch, (probs, _) in record.snapshots.items():
        record.snapshots[epoch] = (probs, accuracy)
    plot = bp.training_explorer(record)
    plot.controls["epoch"].value = max(record.snapshots)
    assert plot.error is None, plot.error
    assert re.findall(r"training: loss [\d.]+, accuracy ([\d.]+)%", plot.describe()) == [shown]


# ----------------------------------------------------------------------------- what notebook 05 says the widgets do
# Every learning rate the notebook names is one the slider can land on (named as its 4-digit readout shows it), or one
# it says to type into the readout, and the verdict the notebook gives is the one the widget's own code reaches.


def _stop(control, readout: str) -> float:
    """The slider stop whose readout is `readout` (exactly one stop reads so)."""
    stops = [v for v in log_grid(control) if f"{v:{LOG_READOUT}}" == readout]
    assert len(stops) == 1, f"{readout} is not one stop of {control.description}: {stops}"
    return float(stops[0])


def _final(surface, name, lr, steps):
    """Where an optimiser of the race is after `steps` steps, and whether it diverged (the path stopped early)."""
    path = bp.descend(bp.SURFACES[surface], bp.OPTIMIZERS[name](lr), steps)
    return path, len(path) < steps + 1


def test_learning_rate_sliders_read_4_digits_and_start_on_a_stop():
    for plot, names in ((bp.descent_explorer(), ["lr"]), (bp.optimizer_race(), ["lr", "adam_lr"])):
        for name in names:
            control = plot.controls[name]
            grid = log_grid(control)
            assert control.readout_format == LOG_READOUT == ".4g"
            assert np.min(np.abs(grid / control.value - 1)) < 1e-12, "a learner could not come back to the start"
            readouts = [f"{v:.4g}" for v in grid]
            assert len(set(readouts)) == len(readouts), "two stops read the same"
            assert grid[0] == pytest.approx(1e-3) and grid[-1] == pytest.approx(control.base**control.max)
    lr = bp.descent_explorer().controls["lr"]
    assert f"{_stop(lr, '0.1995'):.4g}" != "0.2"  # the stop below 2/10 no longer reads as 2/10
    assert _stop(lr, "0.1") == pytest.approx(0.1) and _stop(lr, "0.01") == pytest.approx(0.01)


def test_descent_explorer_does_what_the_notebook_says():
    plot = bp.descent_explorer()
    lr, steps = plot.controls["lr"], plot.controls["steps"]

    def verdict(value, n):
        lr.value, steps.value = value, n
        assert plot.error is None, plot.error
        return plot.describe()

    ravine = bp.SURFACES["ravine"]
    assert "still on its way" in verdict(_stop(lr, "0.001"), 100)  # crawls ...
    assert bp.descend(ravine, lambda ps: bp.nn.SGD(ps, lr=0.001), 100)[-1, 0] < -4  # w₁: still far from the star

    def steps_to_converge(value):
        losses = ravine.f(bp.descend(ravine, lambda ps: bp.nn.SGD(ps, lr=value), 100))
        return int(np.argmax(losses < 1e-3)) if np.any(losses < 1e-3) else None

    assert "converged ✓" in verdict(_stop(lr, "0.1"), 60) and steps_to_converge(0.1) <= 50  # well within 60 steps
    slower = _stop(lr, "0.05012")
    assert "converged ✓" not in verdict(slower, 60) and "converged ✓" in verdict(slower, 100)
    assert 1.6 < steps_to_converge(slower) / steps_to_converge(0.1) < 2.4  # about twice as many steps
    zigzag = _stop(lr, "0.1778")
    assert "converged ✓" in verdict(zigzag, 60)
    w2 = bp.descend(ravine, lambda ps: bp.nn.SGD(ps, lr=zigzag), 60)[:, 1]
    assert np.all(w2[1:] * w2[:-1] < 0)  # every step overshoots the valley floor
    assert "still on its way" in verdict(_stop(lr, "0.1995"), 100)  # just below 2/10: hardly shrinks
    above = [v for v in log_grid(lr) if v >= _stop(lr, "0.2239")]
    assert len(above) >= 2 and all("diverged ✗" in verdict(v, 60) for v in above)
    # the largest stop that converges within 100 steps is 0.1778
    converging = [v for v in log_grid(lr) if "converged ✓" in verdict(v, 100)]
    assert f"{max(converging):.4g}" == "0.1778"
    # typed into the readout: 0.19 converges, 0.21 diverges, 0.2 bounces between 2 and −2 for ever
    assert "converged ✓" in verdict(0.19, 60) and "diverged ✗" in verdict(0.21, 60)
    assert "still on its way: loss 20 after 100 steps" in verdict(0.2, 100)
    np.testing.assert_array_equal(np.abs(bp.descend(ravine, lambda ps: bp.nn.SGD(ps, lr=0.2), 100)[1:, 1]), 2.0)


def test_optimizer_race_does_what_the_notebook_says():
    plot = bp.optimizer_race()
    lr, adam_lr = plot.controls["lr"], plot.controls["adam_lr"]
    assert f"{lr.value:.4g}" == "0.01995" and f"{adam_lr.value:.4g}" == "0.3162"  # the defaults the text names
    # Ravine, defaults, 60 steps: SGD crawls along the valley floor, momentum overshoots and settles, Adam's first
    # step is diagonal.
    sgd, _ = _final("ravine", "SGD", lr.value, 60)
    assert abs(sgd[-1, 1]) < 1e-3 and sgd[-1, 0] < -1
    momentum, _ = _final("ravine", "momentum", lr.value, 60)
    assert momentum[:, 0].max() > 1 and np.linalg.norm(momentum[-1]) < 0.2
    adam, _ = _final("ravine", "Adam", adam_lr.value, 1)
    step = adam[1] - adam[0]
    assert abs(abs(step[0]) - abs(step[1])) < 1e-6
    # Ravine: SGD converges at 0.1778 (zig-zagging), hardly shrinks at 0.1995, diverges from 0.2239 up;
    # momentum survives up to 0.3548; from 0.3981 up both fail.
    path, diverged = _final("ravine", "SGD", _stop(lr, "0.1778"), 60)
    assert not diverged and bp.ravine(path[-1]) < 1e-3 and path[1, 1] * path[2, 1] < 0
    path, diverged = _final("ravine", "SGD", _stop(lr, "0.1995"), 60)
    assert not diverged and bp.ravine(path[-1]) > 1
    for value in log_grid(lr):
        sgd, sgd_diverged = _final("ravine", "SGD", value, 200)
        momentum, momentum_diverged = _final("ravine", "momentum", value, 200)
        if value >= _stop(lr, "0.2239"):
            assert sgd_diverged, f"{value:.4g}"
        if value <= _stop(lr, "0.3548"):
            assert not momentum_diverged, f"{value:.4g}"
        if _stop(lr, "0.1778") <= value <= _stop(lr, "0.3548"):
            assert bp.ravine(momentum[-1]) < 1e-3, f"{value:.4g}"
        if value >= _stop(lr, "0.3981"):
            assert sgd_diverged and momentum_diverged, f"{value:.4g}"
    # Banana: at the default SGD blows up within 8 steps and momentum survives; one stop up momentum blows up too.
    sgd, diverged = _final("banana", "SGD", lr.value, 200)
    assert diverged and len(sgd) - 1 <= 8
    momentum, diverged = _final("banana", "momentum", lr.value, 200)
    assert not diverged and np.linalg.norm(momentum[-1] - 1) < 1e-3
    for name in ("SGD", "momentum"):
        path, diverged = _final("banana", name, _stop(lr, "0.02239"), 200)
        assert diverged and len(path) - 1 <= 10, name
    # At 0.01 with 200 steps SGD crawls round the bend (past w₁ = 0, still far from the star); momentum gets there.
    sgd, diverged = _final("banana", "SGD", _stop(lr, "0.01"), 200)
    assert not diverged and sgd[-1, 0] > 0 and bp.banana(sgd[-1]) > 0.1
    momentum, diverged = _final("banana", "momentum", _stop(lr, "0.01"), 200)
    assert not diverged and np.linalg.norm(momentum[-1] - 1) < 1e-3
    # Adam copes with every stop from 0.05012 to 1, on both surfaces: near the star after 200 steps.
    wide = [v for v in log_grid(adam_lr) if v >= _stop(adam_lr, "0.05012")]
    assert wide[-1] == pytest.approx(1.0)
    for surface in bp.SURFACES:
        for value in wide:
            path, diverged = _final(surface, "Adam", value, 200)
            minimum = np.array(bp.SURFACES[surface].minimum)
            assert not diverged and np.linalg.norm(path[-1] - minimum) < 0.05, (surface, f"{value:.4g}")
    # The title says who diverged.
    plot.controls["surface"].value, plot.controls["steps"].value = "banana", 200
    finished, _, ran_off = plot.describe().partition("; diverged at step: ")
    assert ran_off.startswith("SGD 8.") and "momentum" in finished.split("loss after 200 steps: ")[1]
    plot.controls["lr"].value = _stop(lr, "0.02239")  # the step is in the title (05_n1 item 4): 8 and 10 look alike
    assert "diverged at step: SGD 7, momentum 10." in plot.describe()
