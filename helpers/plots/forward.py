"""Live plots for notebook 03 (forward propagation): a 2-3-1 network, drawn and mapped over the input plane."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D

from helpers.forward import HIDDEN_ACTIVATIONS, XOR_PRESET, XOR_X, XOR_Y, forward, xor_layers
from helpers.widgets import LivePlot, dropdown, new_figure, slider

WMAX = 20.0  # weight sliders run from -WMAX to WMAX; an edge of this size gets the widest line
POS, NEG, ZERO = "#2166ac", "#e66101", "#cccccc"  # positive weight blue, negative orange, zero grey
LOW, LIMIT = -0.5, 1.5  # the input plane shown in every map
GRID = np.linspace(LOW, LIMIT, 81)
PLANE = np.column_stack([g.ravel() for g in np.meshgrid(GRID, GRID)])  # (6561, 2): every grid point
SIGMA = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu"}
HIDDEN_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}  # relu: 0 .. its largest value


def _plane_map(values: np.ndarray) -> np.ndarray:
    """Reshape one value per grid point (6561,) into an image (81, 81)."""
    return values.reshape(GRID.size, GRID.size)


def _zero_line(w1: float, w2: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Points of the line w1·x1 + w2·x2 + b = 0 across the plane (empty when both weights are 0)."""
    if abs(w2) >= abs(w1) and w2 != 0:
        return GRID, -(w1 * GRID + b) / w2
    if w1 != 0:
        return -(w2 * GRID + b) / w1, GRID
    return np.array([]), np.array([])


def _animated(*artists) -> None:
    """Mark artists that `update` changes, or that lie on top of one: LivePlot redraws only these."""
    for artist in artists:
        artist.set_animated(True)


def _add_xor_points(ax) -> list:
    """Mark the four XOR points: circles where the target is 0, squares where it is 1."""
    return [ax.scatter(XOR_X[XOR_Y == target, 0], XOR_X[XOR_Y == target, 1], marker=marker, s=60, c=colour,
                       edgecolors="black", zorder=3)
            for target, marker, colour in ((0, "o", "#4393c3"), (1, "s", "#d6604d"))]


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
    """A layered network on an Axes: edge width follows |weight|, colour its sign (blue +, orange −)."""

    def __init__(self, ax, names: list[list[str]], wmax: float = WMAX):
        self.ax, self.wmax = ax, wmax
        self.pos = [np.column_stack([np.full(len(layer), float(i)), np.linspace(1, -1, len(layer)) * (len(layer) - 1) / 2])
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
        _animated(self.lines, *self.weight_text, self.nodes, *self.name_text, *(t for layer in self.node_text for t in layer))

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Restyle the edges for these weight matrices (one per layer, shape (out, in))."""
        w = np.concatenate([np.asarray(W, dtype=float).ravel() for W in weights])  # same order as self.edges
        self.lines.set_linewidths(0.5 + 7.5 * np.minimum(np.abs(w) / self.wmax, 1.0))
        self.lines.set_colors([POS if v > 0 else NEG if v < 0 else ZERO for v in w])
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
    text = ax_text.text(0.0, 1.0, "", family="monospace", fontsize=10, va="top", transform=ax_text.transAxes)
    _animated(image, *points, marker, text)
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
        drawing.set_node_text([[f"{x1:.2f}", f"{x2:.2f}"], [f"z={z:.2f}\na={a:.2f}" for z, a in zip(z1, h, strict=True)],
                               [f"z={z2[0]:.2f}\nŷ={y[0]:.2f}"]])
        marker.set_data([x1], [x2])
        f = SIGMA[hidden]
        rows = [("step", "value", "shape", ""), ("x", _fmt(x), x.shape, ""),
                ("z1 = W1 @ x + b1", _fmt(z1), z1.shape, f"W1 {p['W1'].shape}, b1 {p['b1'].shape}"),
                (f"h  = {f}(z1)", _fmt(h), h.shape, ""),
                ("z2 = W2 @ h + b2", _fmt(z2), z2.shape, f"W2 {p['W2'].shape}, b2 {p['b2'].shape}"),
                ("ŷ  = σ(z2)", _fmt(y), y.shape, "")]
        text.set_text("\n".join(f"{a:<18}{b:<26}{str(c):<7}{d}" for a, b, c, d in rows))

    controls = {
        "x1": slider("x₁", x1, LOW, LIMIT, 0.05),
        "x2": slider("x₂", x2, LOW, LIMIT, 0.05),
        "hidden": dropdown("hidden activation", list(HIDDEN_ACTIVATIONS), hidden),
    }
    return LivePlot(fig, controls, update, columns=3)


def _weight_slider(description: str, value: float):
    """A narrow weight slider from -WMAX to WMAX, so four fit on a row."""
    s = slider(description, float(value), -WMAX, WMAX, 0.5)
    s.layout.width = "235px"
    return s


def xor_controls(W1, b1, W2, b2, hidden: str) -> dict:
    """One row of sliders per hidden unit j (its weights from x1 and x2, its bias, its weight into ŷ)."""
    controls = {}
    for j in range(3):
        controls[f"w{j + 1}1"] = _weight_slider(f"h{j + 1} ← x₁", W1[j, 0])
        controls[f"w{j + 1}2"] = _weight_slider(f"h{j + 1} ← x₂", W1[j, 1])
        controls[f"b{j + 1}"] = _weight_slider(f"h{j + 1} bias", b1[j])
        controls[f"v{j + 1}"] = _weight_slider(f"ŷ ← h{j + 1}", W2[0, j])
    controls["c"] = _weight_slider("ŷ bias", b2[0])
    controls["hidden"] = dropdown("hidden activation", list(HIDDEN_ACTIVATIONS), hidden)
    return controls


def xor_params(values: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Turn the slider values back into (W1 (3, 2), b1 (3,), W2 (1, 3), b2 (1,))."""
    W1 = np.array([[values[f"w{j}1"], values[f"w{j}2"]] for j in (1, 2, 3)])
    b1 = np.array([values[f"b{j}"] for j in (1, 2, 3)])
    W2 = np.array([[values[f"v{j}"] for j in (1, 2, 3)]])
    b2 = np.array([values["c"]])
    return W1, b1, W2, b2


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
        _animated(images[-1], *_add_xor_points(ax))
        if i < 3:
            lines.append(ax.plot([], [], color="white", ls="--", lw=1.5)[0])
            _animated(lines[-1], ax.title)
    axes[3].set_title("output ŷ = σ(z)   (blue 0, red 1)", fontsize=10)
    drawing = NetworkDrawing(ax_net, NAMES)
    ax_net.set_title("The network: line width = |weight|, blue +, orange −", fontsize=10)
    ax_text.axis("off")
    style = {"family": "monospace", "fontsize": 11, "va": "top", "transform": ax_text.transAxes}
    # The fixed lines are drawn once; the rows below them (after a blank line) are redrawn.
    ax_text.text(0.02, 0.95, "  x₁  x₂  target      ŷ   right side" + "\n" * 7
                 + " (right side: ŷ > 0.5 exactly\n  where the target is 1)", **style)
    table = ax_text.text(0.02, 0.95, "", **style)
    _animated(table)
    fig.legend(handles=[Line2D([], [], color="white", ls="--", label="z = 0 (hidden unit's line)"),
                        Line2D([], [], marker="o", ls="none", mfc="#4393c3", mec="black", label="target 0"),
                        Line2D([], [], marker="s", ls="none", mfc="#d6604d", mec="black", label="target 1")],
               loc="lower right", fontsize=9, facecolor="#dddddd")

    def update(hidden, **weights):
        W1, b1, W2, b2 = xor_params(weights)
        _, H, Y = forward(PLANE, xor_layers(W1, b1, W2, b2, hidden))  # (6561, 3), (6561, 1)
        low, high = HIDDEN_RANGE.get(hidden, (0.0, max(1.0, float(H.max()))))
        for j in range(3):
            images[j].set_data(_plane_map(H[:, j]))
            images[j].set_clim(low, high)
            lines[j].set_data(*_zero_line(W1[j, 0], W1[j, 1], b1[j]))
            scale = f"  (0 … {high:.3g})" if hidden == "relu" else ""  # relu has no fixed top
            axes[j].set_title(f"h{j + 1} = {SIGMA[hidden]}(z{j + 1}){scale}", fontsize=10)
        images[3].set_data(_plane_map(Y[:, 0]))
        drawing.set_weights([W1, W2])
        drawing.set_node_text([["", ""], [f"b={v:g}" for v in b1], [f"b={b2[0]:g}"]])
        y = forward(XOR_X, xor_layers(W1, b1, W2, b2, hidden))[-1][:, 0]  # (4,)
        right = (y > 0.5) == (XOR_Y == 1)
        rows = "\n".join(f" {a:3.0f} {b:3.0f} {t:7.0f}   {v:5.2f}   {'yes' if ok else 'NO'}"
                         for (a, b), t, v, ok in zip(XOR_X, XOR_Y, y, right, strict=True))
        verdict = "solves XOR!" if right.all() else f"gets {right.sum()}/4 points right"
        table.set_text(f"\n{rows}\n\n This network {verdict}")

    return LivePlot(fig, xor_controls(W1, b1, W2, b2, hidden), update, columns=4)


BUILDERS = {"forward_trace": forward_trace, "xor_network": xor_network}
