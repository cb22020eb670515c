"""Plots for notebook 01 (neurons): the goal (a digit and the 784-128-10 network), a sigmoid neuron over one input,
one neuron over the input plane, and its arithmetic step by step."""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D

from helpers.activations import ACTIVATIONS, sigmoid, step
from helpers.style import GREY, NEG, POS, SIGN_LEGEND, animated_title, weight_colour, weight_style, zero_line
from helpers.widgets import (
    LivePlot,
    StaticFigure,
    StaticPart,
    dropdown,
    figure_alt,
    figure_png,
    new_figure,
    num,
    operand,
    paste_while_unchanged,
    slider,
)

NEURON_CHOICES = ("sigmoid", "tanh", "relu", "step")  # the activations (helpers.activations) a neuron may use here
OUTPUT_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "step": (0.0, 1.0)}  # relu: 0 .. its largest value

LOW, HIGH = -0.5, 1.5  # the input plane shown (the same window as notebook 03)
GRID = np.linspace(LOW, HIGH, 121)
X1, X2 = np.meshgrid(GRID, GRID)  # (121, 121) each: x1 across, x2 up
CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # (4, 2): the labelled points
WMAX = 3.0  # weight and bias sliders run from -WMAX to WMAX
WEIGHT_NAME = {"x1": "w₁", "x2": "w₂", "one": "b"}  # the weight on each input of the drawing


def neuron_arithmetic(x1: float, x2: float, w1: float, w2: float, b: float,
                      activation: str = "sigmoid") -> tuple[float, float, str, str]:
    """z, a and the two lines of working: 'z = 0.5·1.0 + (−1.0)·2.0 + 0.3 = −1.2', 'a = σ(−1.2) = 0.2315'.

    z is rounded to 10 decimals before the activation and the working: on the sliders' 0.1 grid the exact z has at
    most 2 decimals, so this removes float noise such as 0.5·1.0 + 0.3·(−2.0) + 0.1 = 2.8e-17, which the step
    would read as positive (a = 1) while the working prints z = 0.0."""
    z = exact_sum(w1 * x1 + w2 * x2 + b)
    a = float(ACTIVATIONS[activation](z))
    z_line = f"z = {operand(w1)}·{operand(x1)} + {operand(w2)}·{operand(x2)} + {operand(b)} = {num(z)}"
    a_line = f"a = {ACTIVATIONS[activation].symbol}({num(z)}) = {num(a, 4, trim=False)}"
    return z, a, z_line, a_line


def exact_sum(z: float) -> float:
    """A weighted sum of slider values (0.1 steps) without its float noise: z rounded to 10 decimals (+ 0.0 turns
    −0.0 into 0.0), so that the step of a sum that is exactly 0 on paper is 0."""
    return round(float(z), 10) + 0.0


def weight_arrow(w1: float, w2: float, b: float, length: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """Base and tip of the arrow along w, from the decision line's point nearest the window centre."""
    w = np.array([w1, w2])
    centre = np.array([(LOW + HIGH) / 2] * 2)
    norm = float(np.hypot(w1, w2))
    if norm == 0:  # no line, no arrow: park it at the centre
        return centre, centre
    base = centre - (w @ centre + b) / norm * (w / norm)  # project the centre onto the line
    return base, base + length * w / norm


def _formula(w1: float, w2: float, b: float, activation: str) -> str:
    """'a = σ(1.0·x₁ + (−1.0)·x₂ + 0.5)'."""
    return f"a = {ACTIVATIONS[activation].symbol}({operand(w1)}·x₁ + {operand(w2)}·x₂ + {operand(b)})"


def _neuron_controls(w1: float, w2: float, b: float, activation: str) -> dict:
    """The weight, bias and activation controls of a 2-input neuron (both plots of notebook 01 use them)."""
    return {
        "w1": slider("weight w₁", w1, -WMAX, WMAX),
        "w2": slider("weight w₂", w2, -WMAX, WMAX),
        "b": slider("bias b", b, -WMAX, WMAX),
        "activation": dropdown("activation", list(NEURON_CHOICES), activation),
    }


def neuron_plane(w1: float = 1.0, w2: float = -1.0, b: float = 0.5, activation: str = "sigmoid") -> LivePlot:
    """A 2-input neuron's output over the input plane: heat map, the line z = 0, and four labelled points."""
    fig = new_figure(6.4, 4.6)
    ax = fig.add_subplot()
    # Everything on the heat map is animated (redrawn each step); the axes, ticks and colour bar stay.
    image = ax.imshow(np.zeros_like(X1), origin="lower", extent=(LOW, HIGH, LOW, HIGH),
                      cmap="coolwarm", norm=Normalize(0.0, 1.0), interpolation="bilinear", animated=True)
    colorbar = fig.colorbar(image, ax=ax, shrink=0.9)
    colorbar.set_label("neuron output a")
    (line,) = ax.plot([], [], color="black", ls="--", lw=2, animated=True)
    arrow = ax.annotate("w", xy=(0, 0), xytext=(0, 0), fontsize=12, fontweight="bold", ha="center", va="center",
                        arrowprops={"arrowstyle": "<|-", "color": "black", "lw": 2, "shrinkA": 0, "shrinkB": 0},
                        animated=True)
    ax.scatter(CORNERS[:, 0], CORNERS[:, 1], s=50, c="white", edgecolors="black", zorder=3, animated=True)
    labels = [ax.text(x + 0.04, y + 0.04, "", fontsize=10, zorder=4, animated=True,
                      bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
              for x, y in CORNERS]
    title = animated_title(ax, fontsize=11)
    ax.set(xlim=(LOW, HIGH), ylim=(LOW, HIGH), xticks=[0, 0.5, 1], yticks=[0, 0.5, 1], aspect="equal")
    ax.set_xlabel("input x₁")
    ax.set_ylabel("input x₂")
    legend = ax.legend(handles=[Line2D([], [], color="black", ls="--", lw=2, label="decision line z = 0")],
                       loc="upper left", fontsize=9, framealpha=0.85)
    for artist in (legend, *ax.spines.values()):  # drawn over the heat map, so redrawn with it
        artist.set_animated(True)
    static = StaticPart()

    def update(w1, w2, b, activation):
        f = ACTIVATIONS[activation]
        A = f(w1 * X1 + w2 * X2 + b)  # (121, 121): the neuron's output at every grid point
        image.set_data(A)
        clim = OUTPUT_RANGE.get(activation, (0.0, max(1.0, float(A.max()))))
        image.set_clim(*clim)
        line.set_data(*zero_line(w1, w2, b))
        base, tip = weight_arrow(w1, w2, b)  # from the line's point nearest the centre, towards z > 0
        inside = np.all((base > LOW) & (base < HIGH) & (tip > LOW) & (tip < HIGH))
        arrow.set_visible(bool(inside) and len(line.get_xdata()) > 0)
        arrow.xy, arrow.xyann = base, tip
        for label, (x1, x2) in zip(labels, CORNERS, strict=True):
            label.set_text(f"({x1:g}, {x2:g}): a = {float(f(exact_sum(w1 * x1 + w2 * x2 + b))):.2f}")
        title.set_text(_formula(w1, w2, b, activation))
        return "full" if static.changed(clim) else None  # the colour bar is static: redraw it when its range moves

    return LivePlot(fig, _neuron_controls(w1, w2, b, activation), update)


def _draw_neuron(ax) -> dict:
    """Draw inputs x1, x2 and a constant 1 feeding a Σ node then the activation; return the artists to update."""
    inputs = {"x1": (0.0, 1.0), "x2": (0.0, 0.0), "one": (0.0, -1.0)}
    node_sum, node_act = (1.6, 0.0), (2.8, 0.0)
    # The edges change, and the nodes and labels on them must stay drawn on top: all animated. The line and arrow
    # out of g lie under its node or clear of the edges, so they are drawn once.
    edges = {k: ax.plot([p[0], node_sum[0]], [p[1], node_sum[1]], solid_capstyle="round", zorder=1, animated=True)[0]
             for k, p in inputs.items()}
    ax.plot([node_sum[0], node_act[0] + 0.6], [0, 0], color="black", lw=1.5, zorder=1)  # under the nodes: static
    ax.annotate("", xy=(node_act[0] + 0.75, 0), xytext=(node_act[0] + 0.3, 0),
                arrowprops={"arrowstyle": "->", "lw": 1.5})
    names = [ax.text(x, y, name, ha="center", va="center", fontsize=13, zorder=3, animated=True)
             for (x, y), name in zip([*inputs.values(), node_sum, node_act], ["x₁", "x₂", "1", "Σ", "g"], strict=True)]
    nodes = np.array([*inputs.values(), node_sum, node_act])  # (5, 2)
    ax.scatter(nodes[:, 0], nodes[:, 1], s=1100, c="white", edgecolors="black", zorder=2, animated=True)
    style = {"ha": "center", "fontsize": 10, "zorder": 4, "animated": True,
             "bbox": {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9}}
    artists = {
        "edges": edges,
        "value": {k: ax.text(p[0] - 0.35, p[1], "", ha="right", va="center", fontsize=10, animated=True)
                  for k, p in inputs.items()},
        "weight": {k: ax.text(0.55 * p[0] + 0.45 * node_sum[0], 0.55 * p[1] + 0.45 * node_sum[1], "",
                              va="center", **style) for k, p in inputs.items()},
        "z": ax.text(node_sum[0], -0.5, "", va="top", **style),
        "a": ax.text(node_act[0], -0.5, "", va="top", **style),
        "g": names[-1],
    }
    ax.text(node_act[0] + 0.85, 0, "a", va="center", fontsize=13)  # clear of the edges: static
    ax.set(xlim=(-0.9, 3.9), ylim=(-1.5, 1.5))
    ax.axis("off")
    return artists


def neuron_steps(x1: float = 1.0, x2: float = 2.0, w1: float = 0.5, w2: float = -1.0, b: float = 0.3,
                 activation: str = "sigmoid") -> LivePlot:
    """One input through one neuron: the drawing, the working z = w·x + b, a = g(z), and where a sits on g."""
    fig = new_figure(9.0, 4.0)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.35, 1], height_ratios=[3.2, 1])
    ax_net, ax_f, ax_text = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])
    art = _draw_neuron(ax_net)
    ax_net.set_title(SIGN_LEGEND, fontsize=10)
    # The z range follows z, so the curve, the axes and the lines at 0 are redrawn with it (no full redraw); the
    # axes' ticks are drawn only when the range changes (paste_while_unchanged).
    (curve,) = ax_f.plot([], [], color="black", lw=2, animated=True)
    (guide,) = ax_f.plot([], [], color="grey", ls=":", lw=1.2, zorder=2.6, animated=True)  # over the frame
    (dot,) = ax_f.plot([], [], "o", ms=10, mfc="gold", mec="black", zorder=3, animated=True)
    ax_f.axhline(0, color="grey", lw=0.6, animated=True)
    ax_f.axvline(0, color="grey", lw=0.6, animated=True)
    ax_f.set_xlabel("z")
    paste_while_unchanged(ax_f, ax_f.xaxis, ax_f.yaxis)
    for spine in ax_f.spines.values():
        spine.set_animated(True)
    static = StaticPart()
    ax_text.axis("off")
    working = ax_text.text(0.02, 0.85, "", family="monospace", fontsize=12, va="top", transform=ax_text.transAxes,
                           animated=True)
    readout = widgets.HTML()

    def update(x1, x2, w1, w2, b, activation):
        f = ACTIVATIONS[activation]
        z, a, z_line, a_line = neuron_arithmetic(x1, x2, w1, w2, b, activation)
        for k, x, w in (("x1", x1, w1), ("x2", x2, w2), ("one", 1.0, b)):
            art["edges"][k].set(linewidth=0.8 + 6.0 * min(abs(w) / WMAX, 1.0),
                                color=weight_colour(w), linestyle=weight_style(w))
            art["weight"][k].set_text(f"{WEIGHT_NAME[k]} = {num(w)}")
            art["value"][k].set_text(num(x))
        art["z"].set_text(f"z = {num(z)}")
        art["a"].set_text(f"a = {num(a, 3)}")
        symbol = ACTIVATIONS[activation].symbol
        art["g"].set(text=symbol, fontsize=13 if len(symbol) == 1 else 8)
        # Keep the point on screen; the range grows in steps of 3, so a drag rarely redraws the axes' ticks.
        reach = max(6.0, 3.0 * np.ceil(1.15 * abs(z) / 3.0))
        guide.set_data([z, z, -reach], [0, a, a])
        dot.set_data([z], [a])
        working.set_text(f"{z_line}\n{a_line}")
        readout.value = f"<pre style='font-size:14px;margin:0'>{html.escape(z_line)}\n{html.escape(a_line)}</pre>"
        zs = np.linspace(-reach, reach, 401)
        fz = f(zs)
        curve.set_data(zs, fz)
        low, high = float(fz.min()), float(fz.max())
        pad = 0.08 * (high - low)
        ax_f.set(xlim=(-reach, reach), ylim=(low - pad, high + pad))
        if not static.changed(activation):  # the title (static: slider steps stay fast) names the activation
            return None
        ax_f.set_title(f"a = {ACTIVATIONS[activation].symbol}(z): the point (z, a)", fontsize=10)
        return "full"

    controls = {
        "x1": slider("input x₁", x1, -2.0, 2.0),
        "x2": slider("input x₂", x2, -2.0, 2.0),
        **_neuron_controls(w1, w2, b, activation),
    }
    plot = LivePlot(fig, controls, update, readouts=[readout])
    plot.readout = readout  # the working as text, for tests and screen readers
    return plot


# ---- one input: a = σ(w·x + b) against x ----

CURVE_X = np.linspace(-6.0, 6.0, 1201)  # (1201,): dense, so the step's jump looks vertical
SPREAD = 2 * float(np.log(9.0))  # σ goes from 0.1 to 0.9 while z grows by 2 ln 9 ≈ 4.39


def sigmoid_midpoint(w: float, b: float) -> float | None:
    """The x where σ(w·x + b) = 0.5, i.e. w·x + b = 0: x = −b / w (None when w = 0: the curve is flat)."""
    return None if w == 0 else -b / w


def sigmoid_curve(w: float = 1.0, b: float = 0.0) -> LivePlot:
    """A sigmoid neuron with one input: a = σ(w·x + b) against x, the step neuron step(w·x + b), and the midpoint."""
    fig = new_figure(7.0, 3.6)
    ax = fig.add_subplot()
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.axvline(0.0, color="grey", lw=0.6)
    (step_line,) = ax.plot([], [], color=GREY, lw=2, ls="--", label="step neuron: step(w·x + b)", animated=True)
    (curve,) = ax.plot([], [], color=POS, lw=2.5, label="sigmoid neuron: σ(w·x + b)", animated=True)
    (mid_line,) = ax.plot([], [], color=NEG, lw=1, ls=":", animated=True)
    (mid_dot,) = ax.plot([], [], "o", ms=9, mfc="gold", mec="black", zorder=3, label="halfway: a = 0.5",
                         animated=True)
    title = animated_title(ax, fontsize=11)
    ax.set(xlim=(CURVE_X[0], CURVE_X[-1]), ylim=(-0.08, 1.08), yticks=[0, 0.5, 1])
    ax.set_xlabel("input x")
    ax.set_ylabel("neuron output a")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9, frameon=False)
    readout = widgets.HTML()

    def update(w, b):
        z = w * CURVE_X + b  # (1201,)
        curve.set_data(CURVE_X, sigmoid(z))
        step_line.set_data(CURVE_X, step(z))
        x0 = sigmoid_midpoint(w, b)
        inside = x0 is not None and CURVE_X[0] <= x0 <= CURVE_X[-1]
        mid_dot.set_visible(inside)
        mid_line.set_visible(inside)
        if inside:
            mid_dot.set_data([x0], [0.5])
            mid_line.set_data([x0, x0], [-0.08, 0.5])
        title.set_text(f"a = σ({operand(w)}·x + {operand(b)})")
        if x0 is None:
            text = f"w = 0: no input matters; the output is σ(b) = {num(float(sigmoid(b)), 3)} everywhere."
        else:
            where = "" if inside else " (off the plot)"
            text = (f"halfway (a = 0.5) at x = −b / w = {num(x0)}{where}; "
                    f"a goes from 0.1 to 0.9 over a stretch of x of width {num(SPREAD / abs(w))} = 4.39 / |w|.")
        readout.value = f"<span style='font-size:14px'>{html.escape(text)}</span>"

    controls = {"w": slider("weight w", w, -10.0, 10.0), "b": slider("bias b", b, -6.0, 6.0)}
    plot = LivePlot(fig, controls, update, readouts=[readout])
    plot.readout = readout  # the midpoint and width as text, for tests and screen readers
    return plot


# ---- the goal: one digit and the network that will read it (notebook 06) ----

# A hand-drawn 7 (the drawing pad's example in notebook 06), in 28 x 28 pixel coordinates (x right, y down).
SEVEN = [[(7.0, 7.5), (13.0, 7.3), (19.5, 7.1)], [(19.5, 7.1), (16.4, 14.0), (13.6, 21.5)]]


def digit_image(strokes=SEVEN, width: float = 1.1) -> np.ndarray:
    """Strokes painted into a 28 x 28 image in 0..1, with soft grey edges like MNIST's. Returns (28, 28)."""
    ys, xs = np.mgrid[0:28, 0:28] + 0.5  # pixel centres, (28, 28) each
    dist = np.full((28, 28), np.inf)
    for stroke in strokes:
        for (ax_, ay), (bx, by) in zip(stroke[:-1], stroke[1:], strict=True):
            seg = np.array([bx - ax_, by - ay])
            t = np.clip(((xs - ax_) * seg[0] + (ys - ay) * seg[1]) / (seg @ seg), 0.0, 1.0)
            dist = np.minimum(dist, np.hypot(xs - ax_ - t * seg[0], ys - ay - t * seg[1]))
    return np.clip(width + 0.5 - dist, 0.0, 1.0)


def _column(ax, x: float, shown: list[str], total: int, colour: str, caption: str) -> np.ndarray:
    """Draw a layer as a column of labelled nodes (a gap with ⋮ where nodes are left out); return the (k, 2) centres."""
    gap = len(shown) < total
    k = len(shown) + (1 if gap else 0)
    ys = np.linspace(4.5, -4.5, k) if k > 1 else np.zeros(1)
    if gap:  # the dots sit in the middle slot
        mid = k // 2
        ax.text(x, ys[mid], "⋮", ha="center", va="center", fontsize=16)
        ys = np.delete(ys, mid)
    ax.scatter(np.full(len(ys), x), ys, s=260, c=colour, edgecolors="black", zorder=2)
    for y, label in zip(ys, shown, strict=True):
        ax.text(x, y, label, ha="center", va="center", fontsize=8, zorder=3)
    ax.text(x, -5.6, caption, ha="center", va="top", fontsize=10)
    return np.column_stack([np.full(len(ys), x), ys])


def small_image(fig, alt: str | None = None) -> StaticFigure:
    """A static figure as a compact PNG: RGB cut to 128 colours, so the notebook file stays small. `alt` is its alt
    text (default: from the figure's titles)."""
    buf = io.BytesIO()
    image = PIL.Image.open(io.BytesIO(figure_png(fig))).convert("RGB")
    image.quantize(colors=128, method=PIL.Image.Quantize.MEDIANCUT).save(buf, format="png", optimize=True)
    return StaticFigure(buf.getvalue(), alt or figure_alt(fig))


GOAL_ALT = ("Figure: left, one handwritten digit 7 as a network sees it, a grid of 28 × 28 = 784 pixels with grey "
            "levels from 0 (black) to 1 (white); right, the network that reads it: 784 inputs (one per pixel, "
            "x₁ … x₇₈₄), a hidden layer of 128 neurons (h₁ … h₁₂₈) and an output layer of 10 neurons, one per "
            "digit 0 … 9, whose largest output is the answer; grey lines join each layer to the next (only a few "
            "of the connections are drawn).")


def goal_figure() -> StaticFigure:
    """A static picture of the goal: a 28 x 28 digit, and the 784-128-10 network that reads it in notebook 06."""
    fig = new_figure(8.6, 3.4)
    ax_img, ax_net = fig.subplots(1, 2, width_ratios=[1, 2.5])
    ax_img.imshow(digit_image(), cmap="gray", vmin=0, vmax=1)
    ax_img.set(xticks=[0, 27], yticks=[0, 27], title="one digit: 28 × 28 = 784 pixels\n(grey levels 0 … 1)")
    ax_img.tick_params(labelsize=8)
    inputs = _column(ax_net, 0.0, ["x₁", "x₂", "x₃", "x₇₈₃", "x₇₈₄"], 784, "#eeeeee", "input\n784 pixels")
    hidden = _column(ax_net, 3.0, ["h₁", "h₂", "h₃", "h₁₂₇", "h₁₂₈"], 128, "#92c5de", "hidden layer\n128 neurons")
    outputs = _column(ax_net, 6.0, [str(k) for k in range(10)], 10, "#fdb863", "output layer\n10 neurons: 0 … 9")
    segments = [(p, q) for left, right in ((inputs, hidden), (hidden, outputs)) for p in left for q in right]
    ax_net.add_collection(LineCollection(segments, colors="#bbbbbb", linewidths=0.6, zorder=1))
    ax_net.text(6.5, 0.0, "which\ndigit?", ha="left", va="center", fontsize=10)
    ax_net.set(xlim=(-0.8, 7.6), ylim=(-7.4, 5.4))
    ax_net.axis("off")
    return small_image(fig, GOAL_ALT)


BUILDERS = {"sigmoid_curve": sigmoid_curve, "neuron_plane": neuron_plane, "neuron_steps": neuron_steps}


SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def layers_alt(sizes: tuple[int, ...]) -> str:
    """Alt text for `layers_figure`: each layer in order, its circles' labels, and how the lines join them."""
    last = len(sizes) - 1
    parts = []
    for i, n in enumerate(sizes):
        kind, letter = ("input", "x") if i == 0 else ("output", "ŷ") if i == last else ("hidden", "h")
        what = f"{n} number{'s' * (n != 1)}" if i == 0 else f"{n} neuron{'s' * (n != 1)}"
        names = ", ".join(f"{letter}{k + 1}".translate(SUBSCRIPT) for k in range(n))
        parts.append(f"{'an' if kind in ('input', 'output') else 'a'} {kind} layer of {what} ({names})")
    layers = ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f"Figure: a fully connected network drawn as columns of circles, from left to right: {layers}. "
            "A line joins every circle to every circle of the next column; each line is one weight.")


def layers_figure(sizes: tuple[int, ...] = (3, 4, 2)) -> StaticFigure:
    """A static drawing of a fully connected network: input, hidden and output layers, every connection."""
    fig = new_figure(6.4, 3.6)
    ax = fig.add_subplot()
    pos = [np.column_stack([np.full(n, 1.6 * i), np.arange(n)[::-1] - (n - 1) / 2]) for i, n in enumerate(sizes)]
    segments = [(p, q) for left, right in zip(pos[:-1], pos[1:], strict=False) for p in left for q in right]
    ax.add_collection(LineCollection(segments, colors="#999999", linewidths=1.0, zorder=1))
    last = len(sizes) - 1
    for i, (p, n) in enumerate(zip(pos, sizes, strict=True)):
        kind, colour, letter = (("input", "#eeeeee", "x") if i == 0 else ("output", "#fdb863", "ŷ") if i == last
                                else ("hidden", "#92c5de", "h"))
        ax.scatter(p[:, 0], p[:, 1], s=700, c=colour, edgecolors="black", zorder=2)
        for k, (x, y) in enumerate(p):
            ax.text(x, y, f"{letter}{k + 1}".translate(SUBSCRIPT), ha="center", va="center", fontsize=11, zorder=3)
        what = f"{n} numbers" if i == 0 else f"{n} neurons"
        ax.text(p[0, 0], -max(sizes) / 2 - 0.2, f"{kind} layer\n{what}", ha="center", va="top", fontsize=11)
    ax.set(xlim=(-0.6, 1.6 * last + 0.6), ylim=(-max(sizes) / 2 - 1.3, max(sizes) / 2))
    ax.axis("off")
    return small_image(fig, layers_alt(sizes))
