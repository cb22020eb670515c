"""The notebook-03 widgets: the image follows the sliders, the drawing follows the weights, readouts are right."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from helpers.forward import XOR_PRESET, forward, xor_layers
from helpers.plots.forward import (
    BUILDERS,
    NEG,
    POS,
    ZERO,
    NetworkDrawing,
    _zero_line,
    forward_trace,
    xor_controls,
    xor_network,
    xor_params,
)
from tests.plot_checks import assert_control_changes_image


def texts(plot) -> str:
    """All the text drawn in a LivePlot's figure, joined."""
    return "\n".join(t.get_text() for ax in plot.fig.axes for t in ax.texts)


def test_both_builders_are_registered():
    assert BUILDERS == {"forward_trace": forward_trace, "xor_network": xor_network}


@pytest.mark.parametrize(("builder", "name", "new_value"), [
    (xor_network, "w11", -3.0), (xor_network, "b2", 0.0), (xor_network, "v2", 0.0), (xor_network, "c", 4.5),
    (xor_network, "hidden", "relu"),
    (forward_trace, "x1", 0.0), (forward_trace, "x2", 1.0), (forward_trace, "hidden", "tanh"),
])
def test_image_changes_when_a_control_moves(builder, name, new_value):
    assert_control_changes_image(builder(), name, new_value)


def test_xor_network_table_says_whether_xor_is_solved():
    plot = xor_network()
    assert "solves XOR!" in texts(plot)
    plot.controls["v2"].value = 0.0  # without "not AND" the output is OR: (1, 1) becomes wrong
    assert "3/4 points right" in texts(plot)


def test_forward_trace_shows_the_numbers_of_the_forward_pass():
    plot = forward_trace()
    plot.controls["x1"].value, plot.controls["x2"].value = 0.0, 1.0
    p = XOR_PRESET
    _, h, y = forward(np.array([0.0, 1.0]), xor_layers(p["W1"], p["b1"], p["W2"], p["b2"]))
    shown = texts(plot)
    assert f"ŷ={y[0]:.2f}" in shown
    assert f"a={h[1]:.2f}" in shown
    assert "shape" in shown and "(3,)" in shown and "W1 (3, 2)" in shown


def test_sliders_and_weights_round_trip():
    controls = xor_controls(**XOR_PRESET, hidden="sigmoid")
    values = {name: c.value for name, c in controls.items()}
    for got, expected in zip(xor_params(values), XOR_PRESET.values(), strict=True):
        np.testing.assert_array_equal(got, expected)
    # Row j of sliders is hidden unit j+1: its weight from x2 is W1[j, 1], as in nn.Linear.
    values["w32"] = 7.0
    assert xor_params(values)[0][2, 1] == 7.0


def test_drawing_line_width_and_colour_follow_the_weights():
    ax = Figure().add_subplot()
    drawing = NetworkDrawing(ax, [["a", "b"], ["c", "d", "e"], ["f"]], wmax=20)
    W1 = np.array([[20.0, -20.0], [5.0, 0.0], [-1.0, 1.0]])  # (3, 2)
    W2 = np.array([[0.5, -30.0, 10.0]])  # (1, 3)
    drawing.set_weights([W1, W2])
    widths = drawing.lines.get_linewidths()
    colours = [tuple(c) for c in drawing.lines.get_colors()]
    w = np.concatenate([W1.ravel(), W2.ravel()])
    assert len(widths) == len(w) == 9
    order = np.argsort(np.abs(w), kind="stable")
    assert np.all(np.diff(np.asarray(widths)[order]) >= 0)  # bigger |weight|, wider line
    assert widths[0] == widths[1] == widths[7]  # |w| at or beyond wmax: the widest line
    expected = [to_rgba(POS if v > 0 else NEG if v < 0 else ZERO) for v in w]
    assert colours == expected
    # The edge for W1[j, k] joins input k to hidden unit j.
    segment = drawing.lines.get_segments()[1]  # W1[0, 1]: input 2 -> hidden 1
    np.testing.assert_allclose(segment[0], drawing.pos[0][1])
    np.testing.assert_allclose(segment[1], drawing.pos[1][0])


@pytest.mark.parametrize(("w1", "w2", "b"), [(1.0, 2.0, -0.5), (3.0, 0.5, 1.0), (2.0, 0.0, -1.0), (0.0, -4.0, 2.0)])
def test_zero_line_lies_where_z_is_zero(w1, w2, b):
    x1, x2 = _zero_line(w1, w2, b)
    assert len(x1) > 0
    np.testing.assert_allclose(w1 * x1 + w2 * x2 + b, 0.0, atol=1e-12)


def test_zero_line_is_empty_when_both_weights_are_zero():
    x1, x2 = _zero_line(0.0, 0.0, 3.0)
    assert len(x1) == len(x2) == 0


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("fill", [-20.0, 20.0, 0.0])  # the sliders' min, max, and all weights off
def test_xor_network_extreme_weights_redraw_without_warnings(hidden, fill):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning inside update becomes an error the plot reports
        plot = xor_network(np.full((3, 2), fill), np.full(3, fill), np.full((1, 3), fill), np.full(1, fill), hidden)
    assert plot.error is None
    assert all(c.value == fill for name, c in plot.controls.items() if name != "hidden")


def test_the_notebooks_triangle_answer_makes_an_island_within_slider_range():
    # Notebook 03 gives these numbers as one answer to its "triangle" challenge; keep the claim true.
    W1, b1 = np.array([[20.0, 0.0], [0.0, 20.0], [-20.0, -20.0]]), np.array([-4.0, -4.0, 20.0])
    W2, b2 = np.array([[8.0, 8.0, 8.0]]), np.array([-20.0])
    plot = xor_network(W1, b1, W2, b2)
    np.testing.assert_array_equal(xor_params(plot.values)[0], W1)  # no slider clipped a value
    np.testing.assert_array_equal(xor_params(plot.values)[1], b1)
    inside = np.array([[0.4, 0.4], [0.3, 0.3], [0.25, 0.6], [0.6, 0.25]])
    outside = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.1, 0.5], [0.5, 0.1], [0.6, 0.6]])
    y_in, y_out = (forward(p, xor_layers(W1, b1, W2, b2))[-1][:, 0] for p in (inside, outside))
    assert np.all(y_in > 0.8) and np.all(y_out < 0.05)


def edge_widths(plot) -> np.ndarray:
    """The line widths of the network drawing's edges in a LivePlot's figure."""
    (lines,) = [c for ax in plot.fig.axes for c in ax.collections if isinstance(c, LineCollection)]
    return np.asarray(lines.get_linewidths())


def test_xor_network_drawing_follows_the_weight_sliders():
    plot = xor_network()
    before = edge_widths(plot)
    plot.controls["v2"].value = 0.0  # the edge h2 -> ŷ is W2[0, 1]: edge 6 + 1
    after = edge_widths(plot)
    assert after[7] < before[7]
    np.testing.assert_array_equal(np.delete(after, 7), np.delete(before, 7))  # the other edges stay


def test_forward_trace_marks_the_chosen_input_on_the_map():
    plot = forward_trace()
    plot.controls["x1"].value, plot.controls["x2"].value = 0.25, 1.5
    (marker,) = [line for ax in plot.fig.axes for line in ax.lines if line.get_marker() == "X"]
    np.testing.assert_allclose(np.ravel(marker.get_data()), [0.25, 1.5])


@pytest.mark.parametrize(("builder", "moves"), [
    (xor_network, {"v2": 0.0, "b1": -8.0, "hidden": "relu"}),
    (forward_trace, {"x1": 0.3, "x2": 0.85, "hidden": "tanh"}),
])
def test_a_moved_plot_looks_exactly_like_one_built_at_those_values(builder, moves):
    # Catches anything update changes but the quick redraw leaves stale (e.g. an artist not marked animated).
    moved = builder()
    for name, value in moves.items():
        moved.controls[name].value = value
    if builder is xor_network:
        fresh = xor_network(*xor_params(moved.values), hidden=moved.values["hidden"])
    else:
        fresh = forward_trace(**moved.values)
    assert fresh.values == moved.values
    assert bytes(moved.image.value) == bytes(fresh.image.value)
