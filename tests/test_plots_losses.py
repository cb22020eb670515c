"""Notebook 04's plots show the right numbers: the best line, both losses and their gradients, the descent race."""

import numpy as np
import pytest

from helpers.activations import sigmoid
from helpers.gradcheck import numerical_grad
from helpers.losses import mse
from helpers.plots.losses import (
    best_line,
    binary_logit_grads,
    binary_losses,
    descent_race,
    line_data,
    line_fit,
    loss_vs_probability,
    softmax_explorer,
)
from tests.plot_checks import assert_control_changes_image


def test_best_line_has_zero_gradient_and_beats_its_neighbours():
    x, y = line_data()
    w, b = best_line(x, y)
    grad = numerical_grad(lambda params: mse(y, params[0] * x + params[1]), [w, b])
    np.testing.assert_allclose(grad, 0.0, atol=1e-6)
    assert mse(y, w * x + b) < min(mse(y, (w + dw) * x + b + db) for dw, db in [(0.05, 0), (0, 0.05), (-0.05, 0)])


@pytest.mark.parametrize("p", [0.001, 0.1, 1 / 3, 0.5, 0.9])
def test_binary_gradients_are_the_derivatives_of_the_losses_with_respect_to_the_logit(p):
    z = np.log(p / (1 - p))  # the logit with σ(z) = p
    numeric = [numerical_grad(lambda v, k=k: binary_losses(sigmoid(v))[k], z) for k in (0, 1)]
    np.testing.assert_allclose(binary_logit_grads(p), numeric, atol=1e-6)


def test_mse_gradient_is_strongest_near_one_third():
    ps = np.linspace(0.01, 0.99, 981)
    assert ps[np.argmin(binary_logit_grads(ps)[0])] == pytest.approx(1 / 3, abs=0.002)


def test_descent_race_matches_the_notebook():
    _, histories = descent_race(z_start=-4.0, lr=1.0, steps=100)
    assert histories["MSE"][0] == pytest.approx(sigmoid(-4.0))
    assert int(np.argmax(histories["MSE"] >= 0.9)) == 70
    assert int(np.argmax(histories["cross-entropy"] >= 0.9)) == 15


@pytest.mark.parametrize(("builder", "control", "value"), [
    (line_fit, "slope", 1.0), (softmax_explorer, "true_class", 2), (loss_vs_probability, "p", 0.9)])
def test_controls_change_the_picture(builder, control, value):
    assert_control_changes_image(builder(), control, value)


def test_line_fit_sliders_reach_the_best_line_and_the_best_flat_line():
    # The notebook asks for the best line, and for the best intercept when the slope is 0 (the mean of the y_i).
    # Both must lie inside the sliders' ranges, with room on either side to see the MSE rise again.
    x, y = line_data()
    plot = line_fit()
    for slope, intercept in [best_line(x, y), (0.0, float(np.mean(y)))]:
        for name, value in [("slope", slope), ("intercept", intercept)]:
            control = plot.controls[name]
            assert control.min + control.step < value < control.max - control.step, (name, value)
            control.value = value
            assert control.value == pytest.approx(value), f"the {name} slider cannot reach {value:.3f}"
    intercept = plot.controls["intercept"]
    reachable = np.arange(intercept.min, intercept.max + intercept.step / 2, intercept.step)  # the slider's stops
    best_flat = reachable[np.argmin([mse(y, np.full_like(y, b)) for b in reachable])]
    assert best_flat == pytest.approx(np.mean(y), abs=intercept.step / 2)
