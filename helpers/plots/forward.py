"""Live plots for notebook 03 (forward propagation): a 2-3-1 network drawn and mapped over the input plane, a 2-2-1
network seen in its hidden space (with a Train button), and sigmoid bumps that add up to any curve."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.transforms import ScaledTranslation

from helpers.activations import ACTIVATIONS, HIDDEN, sigmoid
from helpers.forward import (
    XOR_2_2_1,
    XOR_PRESET,
    XOR_X,
    XOR_Y,
    bump_network,
    forward,
    random_xor_weights,
    xor_gradient_step,
    xor_layers,
    xor_loss,
)
from helpers.style import (
    BLACK,
    CLASS_COLOURS,
    CLASS_MARKERS,
    GREY,
    NEG,
    POS,
    SIGN_LEGEND,
    SKY,
    VERMILLION,
    animate,
    animated_title,
    weight_colour,
    weight_style,
    zero_line,
)
from helpers.widgets import LivePlot, dropdown, int_slider, new_figure, num, shifted_right, slider

WMAX = 20.0  # weight sliders run from -WMAX to WMAX; an edge of this size gets the widest line
LOW, LIMIT = -0.5, 1.5  # the input plane shown in every map
GRID = np.linspace(LOW, LIMIT, 81)
PLANE = np.column_stack([g.ravel() for g in np.meshgrid(GRID, GRID)])  # (6561, 2): every grid point
HIDDEN_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}  # relu: 0 .. its largest value


def _plane_map(values: np.ndarray) -> np.ndarray:
    """Reshape one value per grid point (6561,) into an image (81, 81)."""
    return values.reshape(GRID.size, GRID.size)


def _add_xor_points(ax) -> list:
    """Mark the four XOR points: circles where the target is 0, squares where it is 1."""
    return [ax.scatter(XOR_X[XOR_Y == target, 0], XOR_X[XOR_Y == target, 1], marker=marker, s=60, c=colour,
                       edgecolors="black", zorder=3)
            for target, (marker, colour) in enumerate(zip(CLASS_MARKERS, CLASS_COLOURS, strict=True))]


def _plane_axes(ax, title: str, labels: bool = True) -> None:
    """Square axes over the input plane; with `labels`, ticks at 0 and 1 and the names x1 (across), x2 (up)."""
    ax.set(xlim=(LOW, LIMIT), ylim=(LOW, LIMIT), xticks=[0, 1], yticks=[0, 1], title=title)
    if labels:
        ax.set_xlabel("x₁", labelpad=-6)
        ax.set_ylabel("x₂", labelpad=-6)
    else:
        ax.tick_params(labelbottom=False, labelleft=False)
    ax.set_aspect("equal")


class NetworkDrawing:
    """A layered network on an Axes: edge width follows |weight|, colour and style its sign (solid blue +,
    dashed orange −)."""

    def __init__(self, ax, names: list[list[str]], wmax: float = WMAX):
        self.ax, self.wmax = ax, wmax
        self.pos = [np.column_stack([np.full(len(layer), float(i)),
                                     np.linspace(1, -1, len(layer)) * (len(layer) - 1) / 2])
                    for i, layer in enumerate(names)]  # node centres, one (k, 2) array per layer
        # One edge per weight, in the order of W.ravel(): W[j, k] joins input k to neuron j.
        self.edges = [(i, j, k) for i in range(len(names) - 1)
                      for j in range(len(names[i + 1])) for k in range(len(names[i]))]
        segments = [(self.pos[i][k], self.pos[i + 1][j]) for i, j, k in self.edges]
        self.lines = LineCollection(segments, capstyle="round", zorder=1)
        ax.add_collection(self.lines)
        self.weight_text = [ax.text(*(0.35 * self.pos[i][k] + 0.65 * self.pos[i + 1][j]), "", fontsize=8,
                                    ha="center", va="center", zorder=4,
                                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
                            for i, j, k in self.edges]
        allpos = np.vstack(self.pos)
        self.nodes = ax.scatter(allpos[:, 0], allpos[:, 1], s=900, c="white", edgecolors="black", zorder=2)
        self.name_text = [ax.text(x, y, name, ha="center", va="center", fontsize=11, zorder=5)
                          for layer, pos in zip(names, self.pos, strict=True)
                          for name, (x, y) in zip(layer, pos, strict=True)]
        self.node_text = [[ax.text(x, y - 0.33, "", ha="center", va="top", fontsize=8, zorder=5) for x, y in pos]
                          for pos in self.pos]
        ax.set(xlim=(-0.35, len(names) - 0.65), ylim=(-1.55, 1.35))
        ax.axis("off")
        animate(self.lines, *self.weight_text, self.nodes, *self.name_text,
                *(t for layer in self.node_text for t in layer))

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Restyle the edges for these weight matrices (one per layer, shape (out, in))."""
        w = np.concatenate([np.asarray(W, dtype=float).ravel() for W in weights])  # same order as self.edges
        self.lines.set_linewidths(0.5 + 7.5 * np.minimum(np.abs(w) / self.wmax, 1.0))
        self.lines.set_colors([weight_colour(v) for v in w])
        self.lines.set_linestyles([weight_style(v) for v in w])
        for text, v in zip(self.weight_text, w, strict=True):
            text.set_text(f"{v:g}")

    def set_node_text(self, texts: list[list[str]]) -> None:
        """Write a short caption under every node (one list of strings per layer)."""
        for layer_text, layer_strings in zip(self.node_text, texts, strict=True):
            for text, string in zip(layer_text, layer_strings, strict=True):
                text.set_text(string)

    def set_node_colours(self, values: list[np.ndarray], cmap: str = "viridis") -> None:
        """Fill each node with the colour of its value (0 dark .. 1 bright; values are clipped to 0..1)."""
        v = np.clip(np.concatenate(values), 0.0, 1.0)
        self.nodes.set_facecolors(colormaps[cmap](v))
        for text, value in zip(self.name_text, v, strict=True):
            text.set_color("white" if value < 0.5 else "black")  # readable on dark and bright fills


NAMES = [["x₁", "x₂"], ["h₁", "h₂", "h₃"], ["ŷ"]]


def _fmt(v: np.ndarray) -> str:
    """A vector as [ 0.50, -1.25] with two decimals."""
    return "[" + ", ".join(f"{x:5.2f}" for x in np.atleast_1d(v)) + "]"


def forward_trace(x1: float = 1.0, x2: float = 0.0, hidden: str = "sigmoid") -> LivePlot:
    """Follow one input (x1, x2) through the XOR network: every node's value, and every step's shape."""
    p = XOR_PRESET
    fig = new_figure(9.0, 5.6)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.7, 1], height_ratios=[2.3, 1])
    ax_net, ax_map, ax_text = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])
    drawing = NetworkDrawing(ax_net, NAMES)
    drawing.set_weights([p["W1"], p["W2"]])
    ax_net.set_title("Node colour = the node's value for this input (dark 0 … bright 1)", fontsize=10)
    image = ax_map.imshow(np.zeros((GRID.size, GRID.size)), origin="lower", extent=(LOW, LIMIT, LOW, LIMIT),
                          cmap="coolwarm", norm=Normalize(0, 1))
    _plane_axes(ax_map, "ŷ over the input plane")
    points = _add_xor_points(ax_map)
    (marker,) = ax_map.plot([], [], marker="X", ms=14, mfc="yellow", mec="black", ls="none", zorder=4)
    ax_text.axis("off")
    # The table's fixed columns (step, shape, parameters) are drawn once, row by row where the whole table puts each
    # row; only the value column (one text) and the hidden activation's name are redrawn: text costs time per
    # character, and this table was most of a redraw.
    p_shapes = [f"W1 {p['W1'].shape}, b1 {p['b1'].shape}", f"W2 {p['W2'].shape}, b2 {p['b2'].shape}"]
    x_shape, h_shape, y_shape = (p["W1"].shape[1],), p["b1"].shape, p["b2"].shape

    def zeros(shape) -> str:
        return _fmt(np.zeros(shape))  # a value as wide as the real ones

    rows = [("step", "value", "shape", ""), ("x", zeros(x_shape), x_shape, ""),
            ("z1 = W1 @ x + b1", zeros(h_shape), h_shape, p_shapes[0]), ("h  = σ(z1)", zeros(h_shape), h_shape, ""),
            ("z2 = W2 @ h + b2", zeros(y_shape), y_shape, p_shapes[1]), ("ŷ  = σ(z2)", zeros(y_shape), y_shape, "")]
    style = {"family": "monospace", "fontsize": 10}
    lines = [f"{a:<18}{b:<26}{str(c):<7}{d}" for a, b, c, d in rows]
    probe = ax_text.text(0.0, 1.0, "\n".join(lines), va="top", transform=ax_text.transAxes, **style)
    renderer = RendererAgg(1, 1, fig.dpi)
    _, layout, _ = probe._get_layout(renderer)  # where the whole table puts each line
    probe.remove()
    places = [ax_text.transAxes + ScaledTranslation(x / fig.dpi, y / fig.dpi, fig.dpi_scale_trans)
              for _, _, (x, y) in layout]
    for i, (a, b, c, d) in enumerate(rows):  # all but the values, and the hidden activation's row name
        ax_text.text(0.0, 1.0, f"{'' if i == 3 else a:<18}{b if i == 0 else '':<26}{str(c):<7}{d}", va="baseline",
                     transform=places[i], **style)
    # The value column is one text from row 1 on (its lines are as far apart as the table's: each has a bracket).
    values = ax_text.text(0.0, 1.0, "\n".join(b for _, b, _, _ in rows[1:]), va="top", **style)
    first = values._get_layout(renderer)[1][0][2][1]  # where its first line lands, below the top
    row_1 = ax_text.transAxes + ScaledTranslation(0, (layout[1][2][1] - first) / fig.dpi, fig.dpi_scale_trans)
    values.set_transform(shifted_right(row_1, fig, "0" * 18, style["fontsize"]))
    hidden_step = ax_text.text(0.0, 1.0, "", va="baseline", transform=places[3], **style)
    # The alt text (LivePlot.describe) reads the animated texts: this one, never drawn, is the whole table.
    spoken = ax_text.text(0.0, 1.0, "", visible=False, animated=True, zorder=-1)
    animate(image, *points, marker, values, hidden_step)
    for artist in (drawing.lines, *drawing.weight_text):  # the weights never change here: drawn once
        artist.set_animated(False)
    state = {"hidden": None}

    def update(x1, x2, hidden):
        layers = xor_layers(p["W1"], p["b1"], p["W2"], p["b2"], hidden)
        if state["hidden"] != hidden:  # the map only changes with the activation
            image.set_data(_plane_map(forward(PLANE, layers)[-1][:, 0]))
            state["hidden"] = hidden
        x = np.array([x1, x2])  # (2,)
        _, h, y = forward(x, layers)  # (2,), (3,), (1,)
        z1, z2 = p["W1"] @ x + p["b1"], p["W2"] @ h + p["b2"]
        drawing.set_node_colours([x, h, y])
        drawing.set_node_text([[f"{x1:.2f}", f"{x2:.2f}"],
                               [f"z={z:.2f}\na={a:.2f}" for z, a in zip(z1, h, strict=True)],
                               [f"z={z2[0]:.2f}\nŷ={y[0]:.2f}"]])
        marker.set_data([x1], [x2])
        shown = [_fmt(v) for v in (x, z1, h, z2, y)]
        values.set_text("\n".join(shown))
        hidden_step.set_text(f"h  = {ACTIVATIONS[hidden].symbol}(z1)")
        table = [(a if i != 3 else hidden_step.get_text(), b if i == 0 else shown[i - 1], c, d)
                 for i, (a, b, c, d) in enumerate(rows)]
        spoken.set_text("\n".join(f"{a:<18}{b:<26}{str(c):<7}{d}" for a, b, c, d in table))

    controls = {
        "x1": slider("x₁", x1, LOW, LIMIT, 0.05),
        "x2": slider("x₂", x2, LOW, LIMIT, 0.05),
        "hidden": dropdown("hidden activation", list(HIDDEN), hidden),
    }
    return LivePlot(fig, controls, update, columns=3)


def _weight_slider(description: str, value: float):
    """A narrow weight slider from -WMAX to WMAX, so four fit on a row."""
    s = slider(description, float(value), -WMAX, WMAX, 0.5)
    s.layout.width = "235px"
    return s


def weight_controls(W1, b1, W2, b2) -> dict:
    """One row of sliders per hidden unit j (its weights from x1 and x2, its bias, its weight into ŷ), then ŷ's bias."""
    controls = {}
    for j in range(len(b1)):
        controls[f"w{j + 1}1"] = _weight_slider(f"h{j + 1} ← x₁", W1[j, 0])
        controls[f"w{j + 1}2"] = _weight_slider(f"h{j + 1} ← x₂", W1[j, 1])
        controls[f"b{j + 1}"] = _weight_slider(f"h{j + 1} bias", b1[j])
        controls[f"v{j + 1}"] = _weight_slider(f"ŷ ← h{j + 1}", W2[0, j])
    controls["c"] = _weight_slider("ŷ bias", b2[0])
    return controls


def weights_from(values: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Turn weight_controls' values back into (W1 (units, 2), b1 (units,), W2 (1, units), b2 (1,))."""
    units = range(1, sum(name.startswith("b") for name in values) + 1)
    W1 = np.array([[values[f"w{j}1"], values[f"w{j}2"]] for j in units])
    b1 = np.array([values[f"b{j}"] for j in units])
    W2 = np.array([[values[f"v{j}"] for j in units]])
    return W1, b1, W2, np.array([values["c"]])


def xor_controls(W1, b1, W2, b2, hidden: str) -> dict:
    """The 2-3-1 network's weight sliders and its hidden-activation menu."""
    return weight_controls(W1, b1, W2, b2) | {"hidden": dropdown("hidden activation", list(HIDDEN), hidden)}


xor_params = weights_from  # the 2-3-1 network of xor_network
hidden_params = weights_from  # the 2-2-1 network of xor_hidden_space


SURE_1, SURE_0 = 0.9, 0.1  # "confidently", as Exercise 4 checks it: ŷ ≥ 0.9 where XOR is 1, ŷ ≤ 0.1 where it is 0


def xor_verdict(y: np.ndarray) -> str:
    """What the outputs y (4,) on the XOR corners achieve: how many are on the right side of 0.5, and, when all
    are, whether they are also as sure as Exercise 4 asks."""
    right = (y > 0.5) == (XOR_Y == 1)
    if not right.all():
        return f" This network gets {right.sum()}/4 points right"
    if np.where(XOR_Y == 1, y >= SURE_1, y <= SURE_0).all():
        return f" This network solves XOR confidently:\n ŷ ≥ {SURE_1:g} on the 1s, ≤ {SURE_0:g} on the 0s"
    return (" This network solves XOR, but not\n"
            f" confidently (ŷ ≥ {SURE_1:g} on the 1s and\n ≤ {SURE_0:g} on the 0s, as in Exercise 4)")


def xor_network(W1=None, b1=None, W2=None, b2=None, hidden: str = "sigmoid") -> LivePlot:
    """Sliders for every weight of a 2-3-1 network: each hidden unit's map, the output map, the drawing."""
    p = XOR_PRESET
    W1, b1, W2, b2 = (p[k] if v is None else np.asarray(v, dtype=float)
                      for k, v in zip(("W1", "b1", "W2", "b2"), (W1, b1, W2, b2), strict=True))
    fig = new_figure(10.0, 6.2)
    grid = fig.add_gridspec(2, 4, height_ratios=[1, 1.15])
    axes = [fig.add_subplot(grid[0, i]) for i in range(4)]
    ax_net, ax_text = fig.add_subplot(grid[1, :2]), fig.add_subplot(grid[1, 2:])
    images, lines = [], []
    for i, ax in enumerate(axes):
        images.append(ax.imshow(np.zeros((GRID.size, GRID.size)), origin="lower", extent=(LOW, LIMIT, LOW, LIMIT),
                                cmap="viridis" if i < 3 else "coolwarm", norm=Normalize(0, 1)))
        _plane_axes(ax, "", labels=i == 0)
        animate(images[-1], *_add_xor_points(ax))
        if i < 3:
            lines.append(ax.plot([], [], color="white", ls="--", lw=1.5)[0])
            animate(lines[-1])
    titles = [animated_title(ax) for ax in axes[:3]]
    axes[3].set_title("output ŷ = σ(z₂)\n(blue 0, red 1)", fontsize=10)
    drawing = NetworkDrawing(ax_net, NAMES)
    ax_net.set_title(f"The network: {SIGN_LEGEND}", fontsize=10)
    ax_text.axis("off")
    style = {"family": "monospace", "fontsize": 11, "va": "top", "transform": ax_text.transAxes}
    # What never changes (header, the x₁ x₂ target columns, the note) is drawn once. Only the ŷ and right-side
    # columns and the verdict are redrawn: text costs time per character, and this table is most of a redraw.
    fixed = "\n".join(f" {a:3.0f} {b:3.0f} {t:7.0f}" for (a, b), t in zip(XOR_X, XOR_Y, strict=True))
    ax_text.text(0.02, 0.95, "  x₁  x₂  target      ŷ   right side\n" + fixed + "\n" * 6
                 + " (right side: ŷ > 0.5 exactly\n  where the target is 1)", **style)
    moving_columns = shifted_right(ax_text.transAxes, fig, "0" * 19, style["fontsize"])  # after x₁ x₂ target
    table = ax_text.text(0.02, 0.95, "", **style | {"transform": moving_columns})
    verdict_text = ax_text.text(0.02, 0.95, "", **style)
    animate(table, verdict_text)
    fig.legend(handles=[Line2D([], [], color="white", ls="--", label="z = 0 (hidden unit's line)"),
                        *(Line2D([], [], marker=m, ls="none", mfc=c, mec="black", label=f"target {t}")
                          for t, (m, c) in enumerate(zip(CLASS_MARKERS, CLASS_COLOURS, strict=True)))],
               loc="lower right", fontsize=9, facecolor="#dddddd")

    def update(hidden, **weights):
        W1, b1, W2, b2 = xor_params(weights)
        _, H, Y = forward(PLANE, xor_layers(W1, b1, W2, b2, hidden))  # (6561, 3), (6561, 1)
        low, high = HIDDEN_RANGE.get(hidden, (0.0, max(1.0, float(H.max()))))
        for j in range(3):
            images[j].set_data(_plane_map(H[:, j]))
            images[j].set_clim(low, high)
            lines[j].set_data(*zero_line(W1[j, 0], W1[j, 1], b1[j]))
            scale = f"\n(0 … {high:.3g})" if hidden == "relu" else ""  # relu has no fixed top
            titles[j].set_text(f"h{j + 1} = {ACTIVATIONS[hidden].symbol}(W1[{j}]·x + b1[{j}]){scale}")
        images[3].set_data(_plane_map(Y[:, 0]))
        drawing.set_weights([W1, W2])
        drawing.set_node_text([["", ""], [f"b={v:g}" for v in b1], [f"b={b2[0]:g}"]])
        y = forward(XOR_X, xor_layers(W1, b1, W2, b2, hidden))[-1][:, 0]  # (4,)
        right = (y > 0.5) == (XOR_Y == 1)
        table.set_text("\n" + "\n".join(f"{v:5.3f}   {'yes' if ok else 'NO'}" for v, ok in zip(y, right, strict=True)))
        verdict_text.set_text("\n" * 6 + xor_verdict(y))

    return LivePlot(fig, xor_controls(W1, b1, W2, b2, hidden), update, columns=4)





# --- Hidden space: a 2-2-1 XOR network, and a Train button ---------------------------------------------------

HLOW, HHIGH = -0.1, 1.1  # the hidden space shown (sigmoid units live in 0..1)
HGRID = np.linspace(HLOW, HHIGH, 61)
HPLANE = np.column_stack([g.ravel() for g in np.meshgrid(HGRID, HGRID)])  # (3721, 2): points of hidden space
TRAIN_STEPS, TRAIN_EVERY, TRAIN_LR = 300, 15, 5.0  # 300 gradient steps, a frame every 15: 21 frames
STUCK_LOSS = 0.1  # a run that ends above this loss is stuck (near 0.35 or 0.48, with 2 or 3 of 4 right)
TRAIN_SEED = 3  # the Train button's random generator starts from this seed
MESH = [np.column_stack([np.full(41, v), np.linspace(0, 1, 41)]) for v in np.linspace(0, 1, 5)] + \
       [np.column_stack([np.linspace(0, 1, 41), np.full(41, v)]) for v in np.linspace(0, 1, 5)]  # unit square grid


class TrainablePlot(LivePlot):
    """A LivePlot whose weights a program can set all at once (one redraw, not one per slider)."""

    def __init__(self, *args, **kwargs):
        self._quiet = False
        super().__init__(*args, **kwargs)

    def set_values(self, values: dict) -> None:
        """Move several controls, then redraw once."""
        self._quiet = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._quiet = False
        self.redraw()

    def _on_change(self, change) -> None:
        if not self._quiet:
            super()._on_change(change)


def training_run(rng: np.random.Generator, steps: int = TRAIN_STEPS):
    """One press of Train: random weights drawn from `rng`, then `steps` gradient steps; yields (step, weights)."""
    params = random_xor_weights(rng)
    for step in range(steps + 1):
        yield step, params
        if step < steps:
            params = xor_gradient_step(*params, lr=TRAIN_LR, limit=WMAX)


def corners_right(W1, b1, W2, b2) -> int:
    """How many of XOR's four corners the network puts on the right side of ŷ = 0.5."""
    y4 = forward(XOR_X, xor_layers(W1, b1, W2, b2))[-1][:, 0]  # (4,)
    return int(((y4 > 0.5) == (XOR_Y == 1)).sum())


def train_presses(presses: int, seed: int = TRAIN_SEED, steps: int = TRAIN_STEPS) -> list[tuple[float, int]]:
    """The Train button pressed `presses` times, without drawing: each run's final loss and corners right (runs of
    `steps` gradient steps: the button's 300, or more to see where a stuck run goes)."""
    rng = np.random.default_rng(seed)  # the widget's own generator
    runs = []
    for _ in range(presses):
        *_, (_, params) = training_run(rng, steps)  # the last (step, weights) of the run
        runs.append((xor_loss(*params), corners_right(*params)))
    return runs


def _as_values(W1, b1, W2, b2) -> dict:
    """Weights as slider values, rounded to 2 decimals so the sliders and the drawing stay readable."""
    values = {}
    for j in range(2):
        values |= {f"w{j + 1}1": W1[j, 0], f"w{j + 1}2": W1[j, 1], f"b{j + 1}": b1[j], f"v{j + 1}": W2[0, j]}
    return {k: round(float(v), 2) for k, v in (values | {"c": b2[0]}).items()}


def xor_hidden_space(W1=None, b1=None, W2=None, b2=None, seed: int = TRAIN_SEED) -> TrainablePlot:
    """A 2-2-1 sigmoid network: each hidden unit's map, ŷ's map, and the four points in hidden space (h₁, h₂)
    with the output neuron's line there. The Train button runs gradient descent from random weights."""
    p = XOR_2_2_1
    W1, b1, W2, b2 = (p[k] if v is None else np.asarray(v, dtype=float)
                      for k, v in zip(("W1", "b1", "W2", "b2"), (W1, b1, W2, b2), strict=True))
    fig = new_figure(10.0, 3.3)
    axes = fig.subplots(1, 4, width_ratios=[1, 1, 1, 1.25])
    images = []
    for i, (ax, title) in enumerate(zip(axes[:3], ("h₁ over the input plane", "h₂ over the input plane",
                                                   "ŷ over the input plane"), strict=True)):
        images.append(ax.imshow(np.zeros((GRID.size, GRID.size)), origin="lower", extent=(LOW, LIMIT, LOW, LIMIT),
                                cmap="viridis" if i < 2 else "coolwarm", norm=Normalize(0, 1)))
        _plane_axes(ax, title, labels=i == 0)
        ax.title.set_fontsize(10)
        animate(images[-1], *_add_xor_points(ax))
    lines = [ax.plot([], [], color="white", ls="--", lw=1.5)[0] for ax in axes[:2]]
    ax_h = axes[3]
    back = ax_h.imshow(np.zeros((HGRID.size, HGRID.size)), origin="lower", extent=(HLOW, HHIGH, HLOW, HHIGH),
                       cmap="coolwarm", norm=Normalize(0, 1), alpha=0.6)
    mesh = LineCollection([], colors="#555555", linewidths=0.6)
    ax_h.add_collection(mesh)
    (out_line,) = ax_h.plot([], [], color="black", lw=2)
    ax_h.set(xlim=(HLOW, HHIGH), ylim=(HLOW, HHIGH), xticks=[0, 1], yticks=[0, 1])
    ax_h.set_xlabel("h₁", labelpad=-6)
    ax_h.set_ylabel("h₂", labelpad=-6)
    ax_h.set_aspect("equal")
    ax_h.set_title("hidden space: where the points land", fontsize=10)
    dots = [ax_h.scatter([], [], marker=m, s=70, c=c, edgecolors="black", zorder=3)
            for m, c in zip(CLASS_MARKERS, CLASS_COLOURS, strict=True)]
    caption = ax_h.text(0.02, 0.98, "", transform=ax_h.transAxes, va="top", fontsize=9,
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
    animate(*lines, back, mesh, out_line, *dots, caption)
    state = {"step": None}

    def update(**values):
        W1, b1, W2, b2 = hidden_params(values)
        _, H, Y = forward(PLANE, xor_layers(W1, b1, W2, b2))  # (6561, 2), (6561, 1)
        for j in range(2):
            images[j].set_data(_plane_map(H[:, j]))
            lines[j].set_data(*zero_line(W1[j, 0], W1[j, 1], b1[j]))
        images[2].set_data(_plane_map(Y[:, 0]))
        back.set_data(sigmoid(HPLANE @ W2[0] + b2[0]).reshape(HGRID.size, HGRID.size))  # what ŷ would be there
        mesh.set_segments([sigmoid(line @ W1.T + b1) for line in MESH])  # the unit square's grid, bent
        x, y = zero_line(W2[0, 0], W2[0, 1], b2[0])
        out_line.set_data(x, y)
        Hx = sigmoid(XOR_X @ W1.T + b1)  # (4, 2): the four corners in hidden space
        for target, dot in enumerate(dots):
            dot.set_offsets(Hx[XOR_Y == target])
        right = corners_right(W1, b1, W2, b2)
        step = "" if state["step"] is None else f"training: step {state['step']} of {TRAIN_STEPS}\n"
        loss = xor_loss(W1, b1, W2, b2)
        stuck = "\nstuck: press Train again" if state["step"] == TRAIN_STEPS and loss > STUCK_LOSS else ""
        caption.set_text(f"{step}loss {num(loss, 3)},  {right}/4 right{stuck}")

    button = widgets.Button(description="Train from random weights", icon="play",
                            layout=widgets.Layout(width="260px"))
    rng = np.random.default_rng(seed)
    plot = TrainablePlot(fig, weight_controls(W1, b1, W2, b2), update, readouts=[button], columns=4)
    plot.train_button, plot.history = button, []

    def train(_button=None) -> None:
        """Gradient descent from random weights, TRAIN_STEPS steps, a frame every TRAIN_EVERY."""
        plot.history = []
        try:
            for step, params in training_run(rng):
                if step % TRAIN_EVERY == 0:
                    state["step"] = step
                    values = _as_values(*params)
                    plot.set_values(values)
                    plot.history.append(xor_loss(*hidden_params(values)))
        finally:
            state["step"] = None

    button.on_click(train)
    return plot


# --- Universality: two steep sigmoids make a bump; bumps add up to any curve --------------------------------

TARGETS = {
    "wave": lambda x: 0.5 + 0.35 * np.sin(2 * np.pi * 1.5 * x) * np.exp(-x),
    "ramp and dip": lambda x: np.where(x < 0.6, x, 0.6 - 1.5 * (x - 0.6) * (1 - x) * 4),
    "steps": lambda x: 0.2 + 0.6 * (x > 0.3) - 0.4 * (x > 0.75),
}
JUMPS = {"steps": np.array([0.3, 0.75])}  # where a target jumps (the others are continuous)
UX = np.linspace(0.0, 1.0, 301)  # (301,): where the curves are drawn
# Where the gap is measured besides UX: each jump, and the floats just left and right of it. A steep step of the
# network can sit between two points of UX, next to a jump, and the largest gap is there.
JUMP_X = {name: np.concatenate([np.nextafter(x, -np.inf), x, np.nextafter(x, np.inf)]) for name, x in JUMPS.items()}


def bump_output(target: str, units: int, steepness: float, x: np.ndarray = UX) -> tuple[np.ndarray, np.ndarray]:
    """The 1-units-1 network's output at x (n,) (UX unless given), and each bump's contribution (bumps, n)."""
    W1, b1, W2, b2 = bump_network(TARGETS[target], units // 2, steepness)
    H = forward(x[:, None], [(W1, b1, sigmoid)])[-1]  # (n, units)
    parts = H * W2[0]  # (n, units): each unit's share of the output
    bumps = parts[:, 0::2] + parts[:, 1::2]  # (n, units // 2): unit 2k and 2k+1 make bump k
    return bumps.sum(axis=1) + b2[0], bumps.T


def largest_gap(target: str, units: int, steepness: float, y: np.ndarray | None = None) -> float:
    """The largest gap |ŷ − f| over 0 ≤ x ≤ 1: on UX (y is ŷ there, if already computed) and on either side of
    each jump of the target. At a jump of height J, no continuous ŷ can be closer than J / 2 to both sides."""
    if y is None:
        y = bump_output(target, units, steepness)[0]
    gap = np.abs(y - TARGETS[target](UX)).max()
    if target in JUMP_X:
        x = JUMP_X[target]
        gap = max(gap, np.abs(bump_output(target, units, steepness, x)[0] - TARGETS[target](x)).max())
    return float(gap)


def universality(units: int = 10, steepness: float = 100.0, target: str = "wave") -> LivePlot:
    """A 1-units-1 network built from bumps: one bump from two sigmoids (left), their sum against a target (right)."""
    fig = new_figure(10.0, 3.4)
    ax_b, ax_f = fig.subplots(1, 2, width_ratios=[1, 1.6])
    up, down, bump = (ax_b.plot([], [], lw=lw, ls=ls, color=c, label=lab)[0] for lw, ls, c, lab in (
        (1.5, "--", POS, "σ(s(x − t₁))"), (1.5, ":", NEG, "σ(s(x − t₂))"), (2.5, "-", BLACK, "difference: a bump")))
    ax_b.set(xlim=(0, 1), ylim=(-0.1, 1.15), xlabel="x", title="two hidden units make one bump")
    ax_b.title.set_fontsize(10)
    ax_b.legend(loc="center left", fontsize=8)
    ax_f.set(xlim=(0, 1), ylim=(-0.45, 1.25), xlabel="x")
    ax_f.set_title("the output adds up the bumps", fontsize=10)
    (goal,) = ax_f.plot([], [], color=GREY, lw=5, alpha=0.6, label="target f(x)")
    parts = LineCollection([], linewidths=0.8, colors=SKY)
    ax_f.add_collection(parts)
    (out,) = ax_f.plot([], [], color=VERMILLION, lw=2, label="network output ŷ(x)")
    ax_f.plot([], [], color=SKY, lw=0.8, label="single bumps")
    ax_f.legend(loc="lower left", fontsize=8, ncols=3)
    text = ax_f.text(0.99, 0.98, "", transform=ax_f.transAxes, ha="right", va="top", fontsize=9)
    animate(up, down, bump, goal, parts, out, text)

    def update(units, steepness, target):
        y, bumps = bump_output(target, units, steepness)
        goal.set_data(UX, TARGETS[target](UX))
        out.set_data(UX, y)
        parts.set_segments([np.column_stack([UX, b]) for b in bumps])
        e1, e2 = 0.5 - 1 / units, 0.5 + 1 / units  # the bump around x = 0.5 is 2/units wide
        s1, s2 = sigmoid(steepness * (UX - e1)), sigmoid(steepness * (UX - e2))
        up.set_data(UX, s1)
        down.set_data(UX, s2)
        bump.set_data(UX, s1 - s2)
        gap = largest_gap(target, units, steepness, y)
        text.set_text(f"{units} hidden units ({units // 2} bumps), largest gap |ŷ − f| = {num(gap, 3)}")

    controls = {
        "units": int_slider("hidden units", units, 2, 100, 2),
        "steepness": slider("steepness s", steepness, 5.0, 500.0, 5.0),
        "target": dropdown("target curve", list(TARGETS), target),
    }
    return LivePlot(fig, controls, update, columns=3)


BUILDERS = {"forward_trace": forward_trace, "xor_network": xor_network, "xor_hidden_space": xor_hidden_space,
            "universality": universality}
