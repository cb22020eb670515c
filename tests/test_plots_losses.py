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


def title_number(title: str) -> float:
    """The number after the last '=' of a title, as the learner reads it."""
    return float(title.rsplit("=", 1)[1].split()[0].replace("−", "-"))


@pytest.mark.parametrize("logits", [(10.0, 1.0, 0.1), (10.0, -10.0, -10.0), (8.0, 0.0, 0.0)])
def test_softmax_explorer_never_shows_zero_for_a_positive_loss(logits):
    # The notebook says the loss falls towards 0 but never reaches it: the title must agree.
    plot = softmax_explorer(*logits, true_class=0)
    assert plot.error is None, plot.error
    z = np.array(logits)
    loss = float(np.log(np.sum(np.exp(z - z[0]))))
    assert loss > 0
    shown = title_number(plot.fig.axes[1].get_title())
    assert shown > 0, plot.fig.axes[1].get_title()
    assert shown == pytest.approx(loss, rel=0.01)


@pytest.mark.parametrize(("logits", "shown"), [((1.0, 1.0, 1.0), "1.099"), ((10.0, 1.0, 0.1), "0.000174")])
def test_softmax_explorer_titles_quoted_in_the_notebook(logits, shown):
    # Notebook 04 quotes log 3 ≈ 1.099 (equal logits) and 0.000174 (z₀ raised to 10 from the start).
    plot = softmax_explorer(*logits)
    assert plot.fig.axes[1].get_title().endswith(f"= {shown}")


def test_softmax_explorer_legend_names_the_true_class():
    # Colour is not the only cue: the legend says which colour is the true class.
    plot = softmax_explorer()
    labels = [t.get_text() for t in plot.fig.axes[1].get_legend().get_texts()]
    assert any("true class" in label for label in labels), labels


def test_loss_vs_probability_keeps_both_dots_on_the_plot_down_to_p_0001():
    # The notebook asks for p = 0.001, where cross-entropy is 6.91: the dot must stay inside the axes.
    plot = loss_vs_probability(p=0.001)
    ax_loss = plot.fig.axes[0]
    low, high = ax_loss.get_ylim()
    for line in ax_loss.lines:
        ys = np.asarray(line.get_ydata(), dtype=float)
        assert np.all((low <= ys) & (ys <= high)), (line.get_label(), ys.max(), high)
    assert title_number(plot.fig.axes[0].get_title()) == pytest.approx(-np.log(0.001), abs=0.001)


def test_loss_vs_probability_title_never_shows_zero_for_a_positive_loss():
    plot = loss_vs_probability(p=0.999)
    title = plot.fig.axes[0].get_title()
    mse_shown = float(title.split("MSE = ")[1].split(",")[0])
    assert mse_shown == pytest.approx(1e-6, rel=0.01), title
