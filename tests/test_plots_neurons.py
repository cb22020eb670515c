"""Notebook 01's plots show the right numbers: the goal picture, the one-input sigmoid curve, the heat map,
the decision line, the labels, the working."""

import itertools

import numpy as np
import pytest

from helpers.activations import sigmoid, step, tanh
from helpers.plots.neurons import (
    CORNERS,
    CURVE_X,
    X1,
    X2,
    digit_image,
    goal_figure,
    layers_figure,
    neuron_arithmetic,
    neuron_plane,
    neuron_steps,
    sigmoid_curve,
    sigmoid_midpoint,
)
from helpers.widgets import num
from tests.plot_checks import assert_control_changes_image


def test_working_matches_the_worked_example():
    z, a, z_line, a_line = neuron_arithmetic(1.0, 2.0, 0.5, -1.0, 0.3, "sigmoid")
    assert z == pytest.approx(-1.2)
    assert a == pytest.approx(float(sigmoid(-1.2)))
    assert z_line == "z = 0.5·1.0 + (−1.0)·2.0 + 0.3 = −1.2"
    assert a_line == "a = σ(−1.2) = 0.2315"


def _printed_z(z_line: str) -> str:
    """The z the working prints: 'z = 0.5·1.0 + 0.3·(−2.0) + 0.1 = 0.0' -> '0.0'."""
    return z_line.rsplit("= ", 1)[1]


def test_step_readout_is_exact_on_the_slider_grid():
    """The sliders move in steps of 0.1, so z = w₁x₁ + w₂x₂ + b has at most 2 decimals on paper. Over the grid
    (every third value of each slider, to stay quick) with b where z is exactly 0 and one step either side, the
    working prints that exact z and a = step(printed z): plain float sums gave z = 2.8e-17 at x = (1, −2),
    w = (0.5, 0.3), b = 0.1, printed as 0.0 but stepped to a = 1."""
    tenths_x, tenths_w = range(-20, 21, 3), range(-30, 31, 3)  # the x sliders run −2 … 2, w and b −3 … 3
    checked = 0
    for i1, k1, i2, k2 in itertools.product(tenths_x, tenths_w, tenths_x, tenths_w):
        products = i1 * k1 + i2 * k2  # w₁x₁ + w₂x₂ in hundredths, exactly
        if products % 10:
            continue  # no bias on the grid makes z exactly 0
        for bt in (-products // 10 - 1, -products // 10, -products // 10 + 1):
            if abs(bt) > 30:
                continue
            exact = products + 10 * bt  # z in hundredths
            z, a, z_line, a_line = neuron_arithmetic(i1 / 10, i2 / 10, k1 / 10, k2 / 10, bt / 10, "step")
            printed = _printed_z(z_line)
            assert float(printed.replace("−", "-")) == exact / 100, z_line
            assert z == exact / 100 and a == (1.0 if exact > 0 else 0.0), (z_line, a_line)
            assert a_line == f"a = step({printed}) = {a:.4f}"
            checked += 1
    assert checked > 20_000


def test_step_widget_at_an_exact_zero_says_zero():
    plot = neuron_steps(x1=1.0, x2=-2.0, w1=0.5, w2=0.3, b=0.1, activation="step")
    assert "z = 0.5·1.0 + 0.3·(−2.0) + 0.1 = 0.0\na = step(0.0) = 0.0000" in plot.readout.value
    plot.controls["b"].value = 0.2  # one step up: z = 0.1 > 0 fires
    assert "= 0.1\na = step(0.1) = 1.0000" in plot.readout.value


def test_plane_labels_step_exactly_at_zero():
    plot = neuron_plane(w1=0.1, w2=0.2, b=-0.3, activation="step")  # (1, 1): 0.1 + 0.2 − 0.3 = 0 on paper
    assert _labels(plot)[-1] == "(1, 1): a = 0.00"


@pytest.mark.parametrize(("value", "text"), [(0.5, "0.5"), (1.0, "1.0"), (-1.25, "−1.25"), (-0.001, "0.0"),
                                             (0.1 + 0.2, "0.3"), (20.0, "20.0"), (-3.0, "−3.0")])
def test_numbers_are_written_as_a_learner_would(value, text):
    assert num(value) == text


def test_steps_readout_follows_the_sliders():
    plot = neuron_steps()
    assert "z = 0.5·1.0 + (−1.0)·2.0 + 0.3 = −1.2" in plot.readout.value
    before = plot.image.value
    plot.controls["w1"].value = 2.0
    plot.controls["activation"].value = "tanh"
    # z = 2·1 + (−1)·2 + 0.3 = 0.3, a = tanh(0.3)
    assert "z = 2.0·1.0 + (−1.0)·2.0 + 0.3 = 0.3" in plot.readout.value
    assert f"a = tanh(0.3) = {float(tanh(0.3)):.4f}" in plot.readout.value
    assert plot.image.value != before


@pytest.mark.parametrize("name", ["w1", "w2", "b", "x1", "x2"])
def test_steps_image_changes_when_a_slider_moves(name):
    plot = neuron_steps()
    control = plot.controls[name]
    assert_control_changes_image(plot, name, control.min if control.value != control.min else control.max)


def _axes(plot):
    return plot.fig.axes[0]


def test_plane_heat_map_is_the_neurons_output():
    plot = neuron_plane(w1=1.5, w2=-0.5, b=0.2, activation="sigmoid")
    image = _axes(plot).images[0]
    np.testing.assert_allclose(image.get_array(), sigmoid(1.5 * X1 - 0.5 * X2 + 0.2))
    assert image.get_clim() == (0.0, 1.0)
    plot.controls["activation"].value = "tanh"
    np.testing.assert_allclose(image.get_array(), tanh(1.5 * X1 - 0.5 * X2 + 0.2))
    assert image.get_clim() == (-1.0, 1.0)


def _labels(plot) -> list[str]:
    return [t.get_text() for t in _axes(plot).texts if t.get_text().startswith("(")]


def test_plane_labels_show_each_points_output():
    plot = neuron_plane(w1=1.0, w2=1.0, b=-1.5, activation="step")
    assert _labels(plot) == ["(0, 0): a = 0.00", "(0, 1): a = 0.00", "(1, 0): a = 0.00", "(1, 1): a = 1.00"]
    plot.controls["b"].value = -0.5  # now OR
    assert [t[-4:] for t in _labels(plot)] == ["0.00", "1.00", "1.00", "1.00"]


@pytest.mark.parametrize(("w1", "w2", "b"), [(1.0, -1.0, 0.5), (-2.0, 0.5, 0.3), (0.0, 1.0, -0.5)])
def test_weight_arrow_is_perpendicular_and_points_where_z_grows(w1, w2, b):
    plot = neuron_plane(w1=w1, w2=w2, b=b)
    arrow = next(t for t in _axes(plot).texts if t.get_text() == "w")
    base, tip = np.array(arrow.xy), np.array(arrow.xyann)
    assert arrow.get_visible()
    assert w1 * base[0] + w2 * base[1] + b == pytest.approx(0.0, abs=1e-9)  # starts on the line
    direction = tip - base
    assert direction[0] * w2 - direction[1] * w1 == pytest.approx(0.0, abs=1e-9)  # parallel to w: across the line
    assert w1 * tip[0] + w2 * tip[1] + b > 0  # ends on the side that fires


def test_weight_arrow_hides_without_a_line_in_view():
    assert not next(t for t in _axes(neuron_plane(0.0, 0.0, 1.0)).texts if t.get_text() == "w").get_visible()
    assert not next(t for t in _axes(neuron_plane(0.0, 2.0, -3.0)).texts if t.get_text() == "w").get_visible()


def test_plane_image_and_decision_line_move_with_w1():
    plot = neuron_plane()
    line = _axes(plot).lines[0]
    before_image, before_line = plot.image.value, np.array(line.get_xydata())
    plot.controls["w1"].value = -2.0
    assert plot.image.value != before_image
    assert not np.allclose(line.get_xydata(), before_line)
    x1, x2 = np.array(line.get_xydata()).T
    np.testing.assert_allclose(-2.0 * x1 + plot.values["w2"] * x2 + plot.values["b"], 0.0, atol=1e-9)
    assert _axes(plot).get_title() == "a = σ((−2.0)·x₁ + (−1.0)·x₂ + 0.5)"


def test_what_to_try_on_the_plane_holds_from_the_defaults():
    """01's notes: from the defaults, w₂ = 0 puts the line on the left edge (x₁ = −0.5), then b = −0.5 moves it to
    x₁ = 0.5, in view; with b = 0 the line passes through the origin whatever the weights."""
    plot = neuron_plane()
    line = _axes(plot).lines[0]
    plot.controls["w2"].value = 0.0
    np.testing.assert_allclose(line.get_xdata(), -0.5, atol=1e-9)
    assert _axes(plot).get_xlim()[0] == pytest.approx(-0.5)
    plot.controls["b"].value = -0.5
    np.testing.assert_allclose(line.get_xdata(), 0.5, atol=1e-9)
    plot.controls["b"].value = 0.0
    for w1, w2 in [(1.0, -1.0), (2.0, 0.5), (-0.3, 3.0)]:
        plot.controls["w1"].value, plot.controls["w2"].value = w1, w2
        (xa, xb), (ya, yb) = line.get_xdata(), line.get_ydata()
        assert (xb - xa) * (0 - ya) - (yb - ya) * (0 - xa) == pytest.approx(0.0, abs=1e-9)  # (0, 0) is on it


def test_decision_line_vanishes_when_both_weights_are_zero():
    plot = neuron_plane(w1=0.0, w2=0.0, b=1.0)
    assert len(_axes(plot).lines[0].get_xdata()) == 0
    assert plot.error is None


def test_corners_are_the_four_boolean_inputs():
    assert {tuple(c) for c in CORNERS} == {(0, 0), (0, 1), (1, 0), (1, 1)}


# ---- the goal picture ----

def test_goal_digit_is_a_28_by_28_grey_image():
    image = digit_image()
    assert image.shape == (28, 28)
    assert image.min() == 0.0 and image.max() == 1.0
    assert 0 < np.mean(image > 0) < 0.3  # some ink, mostly background
    assert np.any((image > 0) & (image < 1))  # soft grey edges, like MNIST


def test_goal_figure_is_a_small_png():
    data = goal_figure().png
    assert data.startswith(b"\x89PNG") and len(data) < 150_000


def test_goal_figure_alt_text_describes_digit_and_network():
    alt = goal_figure().alt
    for words in ("28 × 28 = 784 pixels", "784 inputs", "hidden layer of 128 neurons", "output layer of 10 neurons",
                  "0 … 9"):
        assert words in alt, alt


def test_layers_figure_alt_text_names_every_layer():
    alt = layers_figure((3, 4, 2)).alt
    assert "a static plot" not in alt
    for words in ("input layer of 3 numbers (x₁, x₂, x₃)", "hidden layer of 4 neurons (h₁, h₂, h₃, h₄)",
                  "output layer of 2 neurons (ŷ₁, ŷ₂)", "each line is one weight"):
        assert words in alt, alt


# ---- one input: a = σ(w·x + b) ----

def _curve_lines(plot):
    step_line, curve, mid_line, mid_dot = plot.fig.axes[0].lines[-4:]
    return step_line, curve, mid_line, mid_dot


@pytest.mark.parametrize(("w", "b"), [(1.0, 0.0), (2.0, 1.0), (-3.0, 0.5), (10.0, -6.0)])
def test_curve_is_the_sigmoid_neuron_and_the_step_neuron(w, b):
    plot = sigmoid_curve(w=w, b=b)
    step_line, curve, _, mid_dot = _curve_lines(plot)
    np.testing.assert_allclose(curve.get_ydata(), sigmoid(w * CURVE_X + b))
    np.testing.assert_allclose(step_line.get_ydata(), step(w * CURVE_X + b))
    x0 = -b / w
    assert mid_dot.get_visible()
    assert mid_dot.get_xdata()[0] == pytest.approx(x0)
    assert float(sigmoid(w * x0 + b)) == pytest.approx(0.5)
    assert f"x = −b / w = {num(x0)}" in plot.readout.value


def test_bias_shifts_the_curve_left_and_weight_steepens_it():
    plot = sigmoid_curve(w=1.0, b=0.0)
    plot.controls["b"].value = 2.0
    assert _curve_lines(plot)[3].get_xdata()[0] == pytest.approx(-2.0)  # the halfway point moved left
    plot.controls["b"].value = 0.0
    plot.controls["w"].value = 10.0
    assert "width 0.44" in plot.readout.value  # 4.39 / 10: ten times narrower than at w = 1
    near = np.abs(CURVE_X) >= 0.5
    curve = _curve_lines(plot)[1].get_ydata()
    assert np.max(np.abs(curve[near] - step(CURVE_X[near]))) < 0.01  # large w: almost a step


def test_flat_neuron_hides_the_midpoint():
    plot = sigmoid_curve(w=0.0, b=1.0)
    assert not _curve_lines(plot)[3].get_visible()
    assert "σ(b) = 0.731" in plot.readout.value
    assert sigmoid_midpoint(0.0, 1.0) is None
    assert plot.error is None


def test_midpoint_off_the_plot_is_said_and_hidden():
    plot = sigmoid_curve(w=0.5, b=6.0)  # x0 = -12
    assert not _curve_lines(plot)[3].get_visible()
    assert "off the plot" in plot.readout.value


@pytest.mark.parametrize("name", ["w", "b"])
def test_curve_image_changes_when_a_slider_moves(name):
    plot = sigmoid_curve()
    assert_control_changes_image(plot, name, plot.controls[name].max)
