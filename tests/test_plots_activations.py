"""Notebook 02's live plots show the right numbers: tangents, gradients through depth (vs autograd), softmax bars."""

import numpy as np
import pytest
import torch

from helpers.activations import leaky_relu, sigmoid, sigmoid_grad, softmax, tanh
from helpers.depth import hidden_gradient_norms
from helpers.plots.activations import (
    FLOOR,
    Z,
    chain_gradients,
    function_explorer,
    gradient_depth,
    sigmoid_ceiling,
    slope_verdict,
    softmax_explorer,
)
from tests.plot_checks import assert_control_changes_image


def torch_chain_gradients(name: str, depth: int, w: float, x: float) -> np.ndarray:
    """|∂a_L/∂a_k| for every k, by autograd, through a_k = f(w · a_(k−1))."""
    f = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[name]
    acts = [torch.tensor(x, dtype=torch.float64, requires_grad=True)]
    for _ in range(depth):
        acts.append(f(w * acts[-1]))
        acts[-1].retain_grad()
    acts[-1].backward()
    return np.array([abs(a.grad.item()) for a in acts])


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize(("depth", "w", "x"), [(1, 1.0, 0.5), (10, 1.0, 0.5), (30, 3.0, -2.0), (20, 0.25, 2.0),
                                               (15, 2.0, 0.3)])
def test_chain_gradients_match_autograd(name, depth, w, x):
    np.testing.assert_allclose(chain_gradients(name, depth, w, x), torch_chain_gradients(name, depth, w, x),
                               rtol=1e-10, atol=1e-300)


def test_sigmoid_gradients_shrink_at_least_fourfold_per_layer_and_relu_keeps_them():
    g = chain_gradients("sigmoid", 12, 1.0, 0.5)
    assert np.all(g[:-1] <= 0.25 * g[1:])
    np.testing.assert_array_equal(chain_gradients("relu", 12, 1.0, 0.5), np.ones(13))
    assert chain_gradients("relu", 12, 1.0, -0.5)[0] == 0.0  # a negative input: every unit is dead


def test_tangent_touches_f_at_z0_with_slope_f_prime():
    plot = function_explorer(name="sigmoid", z0=1.0)
    ax_f = plot.fig.axes[0]
    tangent = next(line for line in ax_f.lines if len(line.get_xdata()) == 2 and line.get_color() == "black")
    (za, zb), (ya, yb) = tangent.get_xdata(), tangent.get_ydata()
    assert (yb - ya) / (zb - za) == pytest.approx(float(sigmoid_grad(1.0)))
    assert ya + (1.0 - za) * (yb - ya) / (zb - za) == pytest.approx(float(sigmoid(1.0)))
    plot.controls["z0"].value = -2.0
    (za, zb), (ya, yb) = tangent.get_xdata(), tangent.get_ydata()
    assert (yb - ya) / (zb - za) == pytest.approx(float(sigmoid_grad(-2.0)))
    assert "g′(-2.00) = 0.1050" in plot.fig.axes[1].get_title()


@pytest.mark.parametrize("control", ["name", "compare", "z0"])
def test_explorer_image_changes(control):
    assert_control_changes_image(function_explorer(), control, {"name": "relu", "compare": "tanh", "z0": -4.0}[control])


def test_explorer_draws_the_chosen_function_and_its_comparison():
    plot = function_explorer(name="leaky_relu", compare="tanh", alpha=0.2)
    curves = {tuple(np.round(line.get_ydata()[:3], 6)): line for line in plot.fig.axes[0].lines
              if len(line.get_xdata()) > 100}
    z = Z
    assert tuple(np.round(leaky_relu(z[:3], slope=0.2), 6)) in curves
    assert tuple(np.round(tanh(z[:3]), 6)) in curves


@pytest.mark.parametrize(("name", "z0", "slope", "words"), [
    ("relu", -1.0, 0.0, "dead"), ("leaky_relu", -1.0, 0.01, "a little gradient"),
    ("sigmoid", 5.0, float(sigmoid_grad(5.0)), "saturated"), ("sigmoid", 0.0, 0.25, "flows"),
])
def test_slope_verdict(name, z0, slope, words):
    assert words in slope_verdict(name, z0, slope)


def test_saturation_starts_where_the_text_says_about_5_not_at_3():
    """Notebook 02 says the sigmoid's slope is tiny past |z| ≈ 5: σ′(3) = 0.045 still flows, σ′(5) does not."""
    assert slope_verdict("sigmoid", 3.0, float(sigmoid_grad(3.0))) == "gradient flows"
    assert slope_verdict("sigmoid", -4.0, float(sigmoid_grad(-4.0))) == "gradient flows"
    assert "saturated" in slope_verdict("sigmoid", 5.0, float(sigmoid_grad(5.0)))


def test_explorer_title_never_shows_minus_zero():
    """Leaky ReLU with α = 0 at z = −1 is 0 · (−1) = −0.0: the title says 0.000."""
    plot = function_explorer(name="leaky_relu", z0=-1.0, alpha=0.0)
    assert "g(-1.00) = 0.000," in plot.fig.axes[0].get_title()
    assert "-0.000" not in plot.fig.axes[0].get_title() + plot.fig.axes[1].get_title()


def test_depth_plot_follows_the_depth_slider():
    plot = gradient_depth(depth=10)
    lines = plot.fig.axes[0].lines
    assert len(lines[0].get_xdata()) == 11
    before = plot.image.value
    plot.controls["depth"].value = 25
    assert len(lines[0].get_xdata()) == 26
    np.testing.assert_allclose(lines[0].get_ydata(), np.maximum(chain_gradients("sigmoid", 25, 1.0, 0.5), FLOOR))
    assert plot.image.value != before
    assert "sigmoid σ" in plot.fig.axes[1].texts[0].get_text()


def test_dead_relu_is_said_in_the_summary():
    plot = gradient_depth(depth=5, x=-1.0)
    assert "dead" in plot.fig.axes[1].texts[0].get_text()


def test_softmax_bars_are_the_softmax():
    plot = softmax_explorer(z1=2.0, z2=1.0, z3=0.1, temperature=1.0)
    ax_p = plot.fig.axes[1]
    heights = [bar.get_height() for bar in ax_p.patches]
    np.testing.assert_allclose(heights, softmax(np.array([2.0, 1.0, 0.1])))
    plot.controls["temperature"].value = 0.5
    heights = [bar.get_height() for bar in ax_p.patches]
    np.testing.assert_allclose(heights, softmax(np.array([4.0, 2.0, 0.2])))
    assert sum(heights) == pytest.approx(1.0)


@pytest.mark.parametrize("w", [0.25, 0.5, 1.0, 1.75, 2.0, 3.0, -2.0])
@pytest.mark.parametrize("depth", [1, 10, 30])
def test_sigmoid_ceiling_bounds_the_gradient_for_every_w_and_input(w, depth):
    ceiling = sigmoid_ceiling(depth, w)
    for x in np.linspace(-2, 2, 41):
        assert np.all(chain_gradients("sigmoid", depth, w, x) <= ceiling * (1 + 1e-12))


def test_at_w_2_the_gradient_rises_above_the_w_1_ceiling_but_not_its_own():
    g = chain_gradients("sigmoid", 10, 2.0, 0.5)[0]
    assert 0.25 ** 10 < g < sigmoid_ceiling(10, 2.0)[0]


def test_depth_plot_draws_the_ceiling_for_the_chosen_w():
    plot = gradient_depth(depth=10, w=1.0)
    ceiling_line = next(line for line in plot.fig.axes[0].lines if line.get_linestyle() == ":")
    np.testing.assert_allclose(ceiling_line.get_ydata(), 0.25 ** (10 - np.arange(11)))
    plot.controls["w"].value = 2.0
    np.testing.assert_allclose(ceiling_line.get_ydata(), 0.5 ** (10 - np.arange(11)))
    assert "σ ceiling" in plot.fig.axes[1].texts[0].get_text()


def test_hidden_gradient_norms_vanish_with_sigmoid_only():
    norms = {name: hidden_gradient_norms(name, depth=6, width=8, batch=16) for name in ("sigmoid", "tanh", "relu")}
    assert all(len(v) == 6 and all(n > 0 for n in v) for v in norms.values())
    assert norms["sigmoid"][0] / norms["sigmoid"][-1] < 1e-2
    assert norms["relu"][0] / norms["relu"][-1] > 1e-1
    assert hidden_gradient_norms("tanh", depth=3, width=4, batch=2) == hidden_gradient_norms("tanh", depth=3, width=4,
                                                                                              batch=2)
