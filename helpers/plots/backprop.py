"""Live plots for notebook 05 (backpropagation): a neuron's computational graph, gradient descent on a
loss surface, SGD vs momentum vs Adam, and a small NumPy network learning a 2-D data set."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from contourpy import contour_generator  # matplotlib's own contouring library
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import Normalize
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MultipleLocator, NullFormatter
from matplotlib.transforms import ScaledTranslation

from helpers import nn
from helpers.activations import sigmoid, softmax
from helpers.losses import softmax_cross_entropy
from helpers.style import (
    BLACK,
    CLASS_COLOURS,
    CLASS_MARKERS,
    GRAD_COLOUR,
    GREEN,
    LIGHT_GREY,
    LOCAL_COLOUR,
    ORANGE,
    VALUE_COLOUR,
    animated_title,
)
from helpers.style import OPTIMIZER_COLOURS as OPT_COLOURS
from helpers.surfaces import banana, banana_grad, ravine, ravine_grad
from helpers.widgets import (
    LOG_READOUT,
    LivePlot,
    dropdown,
    int_slider,
    log_slider,
    new_figure,
    num,
    paste_while_unchanged,
    shifted_right,
    slider,
)

DIVERGED = 1e6  # a point this far out has left the surface for good: stop following it


def _plain_log_axis(ax) -> None:
    """A log-scale y axis labelled 0.01, 1, 100 (plain text: much faster to redraw than 10⁻² in mathtext)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.grid(alpha=0.3)


def _animated_step_axis(ax) -> None:
    """Mark the x axis (its limits follow the steps slider) animated, with the frame drawn over its grid, so a new step
    count redraws only the axis, not the whole figure (the contour plot stays in the kept background); while the
    limits stay, the axis pastes its last pixels (its ticks cost as much as a plot)."""
    paste_while_unchanged(ax, ax.xaxis)
    for spine in ax.spines.values():
        spine.set_animated(True)
        spine.set_zorder(1.9)  # over the grid, under the curves, as in a full redraw with the curves animated


# ----------------------------------------------------------------------------- 1. the neuron's graph


def neuron_chain(x: float, w: float, b: float, y: float) -> dict[str, float]:
    """Forward values and backward gradients of L = (σ(w·x + b) − y)², node by node."""
    u = w * x  # multiply
    z = u + b  # add
    a = float(sigmoid(z))  # squash
    L = (a - y) ** 2  # compare with the target
    dL_da = 2 * (a - y)  # d/da (a − y)²
    dL_dz = dL_da * a * (1 - a)  # σ'(z) = σ(z)(1 − σ(z))
    dL_du = dL_dz * 1.0  # z = u + b: ∂z/∂u = 1
    return {"x": x, "w": w, "b": b, "y": y, "u": u, "z": z, "a": a, "L": L,
            "dL": 1.0, "da": dL_da, "dz": dL_dz, "du": dL_du, "db": dL_dz * 1.0,
            "dw": dL_du * x, "dx": dL_du * w}


# name -> (position, symbol in the node, what the value is called)
_NODES = {
    "x": ((-0.2, 1.0), "x", "x"), "w": ((-0.2, -0.35), "w", "w"), "b": ((1.9, -1.25), "b", "b"),
    "u": ((1.9, 0.35), "×", "u"), "z": ((3.6, 0.35), "+", "z"), "a": ((5.3, 0.35), "σ", "a"),
    "y": ((5.3, -1.25), "y", "y"), "L": ((7.0, 0.35), "(·)²", "L"),
}
_EDGES = [("x", "u"), ("w", "u"), ("u", "z"), ("b", "z"), ("z", "a"), ("a", "L"), ("y", "L")]
# The local derivative written on each edge (child's value with respect to the parent's).
_LOCAL = {("x", "u"): ("∂u/∂x = w", "w"), ("w", "u"): ("∂u/∂w = x", "x"), ("u", "z"): ("∂z/∂u = 1", None),
          ("b", "z"): ("∂z/∂b = 1", None), ("z", "a"): ("∂a/∂z = a(1−a)", "sig"),
          ("a", "L"): ("∂L/∂a = 2(a−y)", "da")}


def _label_and_number(ax, x: float, y: float, label: str, **style):
    """Draw `label` once (static) and return an animated text after it for the number: together they read as one
    text centred on (x, y) for a number as wide as −0.00, so only the number is redrawn (text costs per character)."""
    fig, size = ax.figure, style.get("fontsize", 10)
    prop = FontProperties(family="sans-serif", size=size)
    renderer = RendererAgg(1, 1, fig.dpi)
    width = (renderer.get_text_width_height_descent(f"{label}−0.00", prop, False)[0]) / fig.dpi  # inches
    start = ax.transData + ScaledTranslation(-width / 2, 0, fig.dpi_scale_trans)  # where the label begins
    ax.text(x, y, label, ha="left", transform=start, **style)
    return ax.text(x, y, "", ha="left", transform=shifted_right(start, fig, label, size, "sans-serif"), animated=True,
                   **style)


def _draw_graph(ax) -> dict:
    """Draw the nodes and edges of the neuron's graph; return the texts to update (the numbers; labels stay)."""
    for parent, child in _EDGES:
        (x0, y0), (x1, y1) = _NODES[parent][0], _NODES[child][0]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=1,
                    arrowprops={"arrowstyle": "-|>", "lw": 1.4, "color": "#444444", "shrinkA": 17, "shrinkB": 17})
    values, grads, local = {}, {}, {}
    for name, ((px, py), symbol, _) in _NODES.items():
        is_input = name in ("x", "w", "b", "y")
        ax.scatter([px], [py], s=900, marker="s" if is_input else "o", c="#f7f7f7" if is_input else "white",
                   edgecolors="black", zorder=2)
        ax.text(px, py, symbol, ha="center", va="center", fontsize=12 if len(symbol) < 3 else 9, zorder=3)
        values[name] = _label_and_number(ax, px, py + 0.3, f"{name} = ", va="bottom", fontsize=11,
                                         color=VALUE_COLOUR, zorder=4)
        if name == "y":  # the target has no gradient
            ax.text(px, py - 0.3, "(target)", ha="center", va="top", fontsize=11, color=GRAD_COLOUR, zorder=4)
        else:
            grads[name] = _label_and_number(ax, px, py - 0.3, f"∂L/∂{name} = ", va="top", fontsize=11,
                                            color=GRAD_COLOUR, zorder=4)
    for (parent, child), (label, key) in _LOCAL.items():
        (x0, y0), (x1, y1) = _NODES[parent][0], _NODES[child][0]
        t = 0.5 if y0 == y1 else 0.4  # slanted edges: label nearer the parent, clear of the child's texts
        style = {"va": "bottom" if y0 == y1 else "center", "fontsize": 9, "color": LOCAL_COLOUR, "zorder": 3,
                 "bbox": {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"}}
        at = (x0 + t * (x1 - x0), y0 + t * (y1 - y0) + (0.12 if y0 == y1 else 0.0))
        if key is None:  # a constant: drawn once
            ax.text(*at, label, ha="center", **style)
        else:
            local[(parent, child)] = _label_and_number(ax, *at, f"{label} = ", **style)
    ax.set(xlim=(-0.9, 7.7), ylim=(-1.95, 1.55))
    ax.axis("off")
    return {"values": values, "grads": grads, "local": local}


CHAIN = "∂L/∂w = ∂L/∂a · ∂a/∂z · ∂z/∂u · ∂u/∂w = "


def neuron_graph(x: float = 1.5, w: float = -0.8, b: float = 0.4, y: float = 1.0) -> LivePlot:
    """The computational graph of L = (σ(w·x + b) − y)²: forward values in black, gradients ∂L/∂· in colour."""
    fig = new_figure(9.6, 4.4)
    ax = fig.add_subplot()
    art = _draw_graph(ax)
    ax.legend(handles=[Line2D([], [], ls="", label="value (forward, left → right)", color=VALUE_COLOUR,
                              marker="$v$"),
                       Line2D([], [], ls="", label="∂L/∂· (backward, right → left)", color=GRAD_COLOUR,
                              marker="$g$")],
              loc="upper right", fontsize=9, framealpha=0.9)
    # The chain rule's fixed start is drawn once; only the numbers after it are redrawn.
    style = {"fontsize": 10, "family": "monospace", "va": "bottom"}
    ax.text(-0.8, -1.9, CHAIN, **style)
    chain = ax.text(-0.8, -1.9, "", **style, animated=True,
                    transform=shifted_right(ax.transData, fig, CHAIN, style["fontsize"]))
    # The alt text (LivePlot.describe) reads the animated texts: this one, never drawn, says what each number is.
    spoken = ax.text(0, 0, "", visible=False, animated=True, zorder=-1)

    def update(x, w, b, y):
        c = neuron_chain(x, w, b, y)
        said = []
        for name, text in art["values"].items():
            text.set_text(num(c[name], 3))
            said.append(f"{name} = {text.get_text()}")
        for name, text in art["grads"].items():
            text.set_text(num(c["dL" if name == "L" else f"d{name}"], 3))
            said.append(f"∂L/∂{name} = {text.get_text()}")
        shown = {"w": c["w"], "x": c["x"], "sig": c["a"] * (1 - c["a"]), "da": c["da"]}
        for edge, text in art["local"].items():
            text.set_text(num(shown[_LOCAL[edge][1]], 3))
            said.append(f"{_LOCAL[edge][0]} = {text.get_text()}")
        spoken.set_text("; ".join(said))
        sig = c["a"] * (1 - c["a"])
        chain.set_text(f"{num(c['da'], 3)} · {num(sig, 3)} · 1 · {num(c['x'], 3)} = {num(c['dw'], 4)}")

    controls = {
        "x": slider("input x", x, -3.0, 3.0),
        "w": slider("weight w", w, -3.0, 3.0),
        "b": slider("bias b", b, -3.0, 3.0),
        "y": slider("target y", y, 0.0, 1.0, step=0.05),
    }
    return LivePlot(fig, controls, update)


# ----------------------------------------------------------------------------- 2. loss surfaces


@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface f(w₁, w₂) with its gradient, a start point and a window to show."""

    name: str
    formula: str
    f: object  # (…, 2) -> (…)
    grad: object  # (2,) -> (2,)
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minimum: tuple[float, float]
    levels: np.ndarray = field(default_factory=lambda: np.geomspace(0.05, 60, 14))
    tick: float = 2.0  # spacing of the w₁ ticks


SURFACES = {
    "ravine": Surface("ravine", "f = ½(w₁² + 10 w₂²)", ravine, ravine_grad, (-4.5, 2.0),
                      (-5.0, 5.0), (-3.0, 3.0), (0.0, 0.0)),
    "banana": Surface("banana", "f = (1 − w₁)² + 10 (w₂ − w₁²)²", banana, banana_grad, (-1.6, 2.6),
                      (-2.2, 2.2), (-1.0, 3.2), (1.0, 1.0), np.geomspace(0.02, 200, 14), tick=1.0),
}


def descend(surface: Surface, make_optimizer, steps: int) -> np.ndarray:
    """Follow an optimiser from surface.start for `steps` steps; returns the path (≤ steps + 1, 2).

    It uses the same optimisers as the networks (helpers.nn): the point is one Parameter of shape (2,).
    The path stops early if the point runs off to infinity (divergence).
    """
    point = nn.Parameter(np.array(surface.start, dtype=float))  # (2,)
    optimizer = make_optimizer([point])
    path = [point.data.copy()]
    for _ in range(steps):
        point.grad[:] = surface.grad(point.data)  # here the gradient is known by formula
        optimizer.step()
        path.append(point.data.copy())
        if not np.all(np.abs(point.data) < DIVERGED):
            break
    return np.array(path)


def _draw_surface(ax, surface: Surface) -> None:
    """Contour lines of the surface, its minimum as a star, and the start point."""
    g1 = np.linspace(*surface.xlim, 161)
    g2 = np.linspace(*surface.ylim, 121)
    W1, W2 = np.meshgrid(g1, g2)  # (121, 161) each
    F = surface.f(np.stack([W1, W2], axis=-1))  # (121, 161)
    ax.contour(W1, W2, F, levels=surface.levels, cmap="Greys_r", linewidths=0.8, alpha=0.7)
    ax.plot(*surface.minimum, marker="*", ms=15, color="gold", mec="black", zorder=3)
    ax.plot(*surface.start, marker="o", ms=7, color="white", mec="black", zorder=3)
    ax.set(xlim=surface.xlim, ylim=surface.ylim, xlabel="w₁", ylabel="w₂")
    ax.xaxis.set_major_locator(MultipleLocator(surface.tick))
    ax.yaxis.set_major_locator(MultipleLocator(1.0))  # whole numbers: labels keep their width


def _on_screen(path: np.ndarray, surface: Surface) -> np.ndarray:
    """The path up to and including its first point outside the window (the rest would only scribble)."""
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    outside = (path[:, 0] < x0) | (path[:, 0] > x1) | (path[:, 1] < y0) | (path[:, 1] > y1)
    return path[: int(np.argmax(outside)) + 1] if outside.any() else path


def _verdict(path: np.ndarray, f, steps: int) -> str:
    """One line on how the run went: diverged, converged, or still on its way."""
    losses = f(path)
    if len(path) < steps + 1 or not np.isfinite(losses[-1]) or losses[-1] > 10 * losses[0]:
        return f"diverged ✗: the loss grew to {losses[-1]:.3g} after {len(path) - 1} steps"
    if losses[-1] < 1e-3:
        return f"converged ✓: loss {losses[-1]:.2e} after {steps} steps"
    return f"still on its way: loss {losses[-1]:.3g} after {steps} steps"


def descent_explorer(lr: float = 0.02, steps: int = 60) -> LivePlot:
    """Plain gradient descent on the ravine: the path on the contour plot, and the loss step by step."""
    surface = SURFACES["ravine"]
    fig = new_figure(10.0, 4.2)
    grid = fig.add_gridspec(1, 2, width_ratios=[1.5, 1])
    ax, ax_loss = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    _draw_surface(ax, surface)
    (path_line,) = ax.plot([], [], "o-", ms=3.5, lw=1.3, color=OPT_COLOURS["SGD"], zorder=4, animated=True)
    (loss_line,) = ax_loss.plot([], [], "o-", ms=3, lw=1.3, color=OPT_COLOURS["SGD"], animated=True)
    title = animated_title(ax)
    _plain_log_axis(ax_loss)
    ax_loss.set(xlabel="step", ylabel="loss f(w)  (log scale)", ylim=(1e-5, 1e5))
    _animated_step_axis(ax_loss)

    def update(lr, steps):
        path = descend(surface, lambda params: nn.SGD(params, lr=lr), steps)  # (≤ steps + 1, 2)
        losses = np.maximum(surface.f(path), 1e-16)  # floor for the log scale
        path_line.set_data(*_on_screen(path, surface).T)
        loss_line.set_data(np.arange(len(losses)), losses)  # values above the axis are clipped
        title.set_text(f"{surface.formula},  learning rate η = {lr:{LOG_READOUT}}\n{_verdict(path, surface.f, steps)}")
        ax_loss.set_xlim(-0.5, max(steps, 1) + 0.5)

    controls = {"lr": log_slider("learning rate η", lr, 1e-3, 0.5), "steps": int_slider("steps", steps, 0, 100)}
    return LivePlot(fig, controls, update)


OPTIMIZERS = {
    "SGD": lambda lr: (lambda params: nn.SGD(params, lr=lr)),
    "momentum": lambda lr: (lambda params: nn.SGD(params, lr=lr, momentum=0.9)),
    "Adam": lambda lr: (lambda params: nn.Adam(params, lr=lr)),
}


def optimizer_race(surface: str = "ravine", steps: int = 60, lr: float = 0.02, adam_lr: float = 0.3) -> LivePlot:
    """SGD, SGD with momentum (μ = 0.9) and Adam from the same start on the same surface."""
    fig = new_figure(10.0, 4.2)
    grid = fig.add_gridspec(1, 2, width_ratios=[1.5, 1])
    ax, ax_loss = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    paths = {name: ax.plot([], [], "o-", ms=2.5, lw=1.3, color=c, label=name, zorder=4, animated=True)[0]
             for name, c in OPT_COLOURS.items()}
    curves = {name: ax_loss.plot([], [], lw=1.8, color=c, label=name, animated=True)[0]
              for name, c in OPT_COLOURS.items()}
    title = animated_title(ax)
    ax.legend(loc="upper right", fontsize=9, framealpha=0.9)
    _plain_log_axis(ax_loss)
    ax_loss.set(xlabel="step", ylabel="loss (log scale)", ylim=(1e-8, 1e4))
    _animated_step_axis(ax_loss)
    drawn = {}  # the surface the static part was last drawn for

    def update(surface, steps, lr, adam_lr):
        s = SURFACES[surface]
        full = drawn.get("name") != surface
        if full:
            for artist in [*ax.collections, *[ln for ln in ax.lines if ln not in paths.values()]]:
                artist.remove()
            _draw_surface(ax, s)
        drawn.update(name=surface)
        notes, diverged = [], []  # the loss of each that finished; the step at which each other one ran off
        for name, make in OPTIMIZERS.items():
            path = descend(s, make(adam_lr if name == "Adam" else lr), steps)
            losses = np.maximum(s.f(path), 1e-16)
            paths[name].set_data(*_on_screen(path, s).T)
            curves[name].set_data(np.arange(len(losses)), losses)
            if len(path) < steps + 1:  # the path stopped early, at the step that ran off
                diverged.append(f"{name} {len(path) - 1}")
            else:
                notes.append(f"{name} {losses[-1]:.2g}")
        ax_loss.set_xlim(0, max(steps, 1))
        parts = [f"loss after {steps} steps: " + ", ".join(notes)] if notes else []
        parts += ["diverged at step: " + ", ".join(diverged)] if diverged else []
        title.set_text(f"{s.formula},  η = {lr:{LOG_READOUT}}, Adam's η = {adam_lr:{LOG_READOUT}}\n" + "; ".join(parts))
        return "full" if full else None

    controls = {
        "surface": dropdown("surface", list(SURFACES), surface),
        "steps": int_slider("steps", steps, 0, 200),
        "lr": log_slider("η for SGD and momentum", lr, 1e-3, 0.5),
        "adam_lr": log_slider("η for Adam", adam_lr, 1e-3, 1.0),
    }
    return LivePlot(fig, controls, update)


# ----------------------------------------------------------------------------- 3. a network learning a 2-D set


def make_moons(n: int = 200, noise: float = 0.15, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half-circles (like sklearn's make_moons): X (n, 2) floats, y (n,) labels 0 or 1."""
    rng = np.random.default_rng(rng)
    half = n // 2
    t_top, t_bottom = rng.uniform(0, np.pi, half), rng.uniform(0, np.pi, n - half)
    top = np.column_stack([np.cos(t_top), np.sin(t_top)])  # (half, 2): the upper moon
    bottom = np.column_stack([1 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)])  # (n − half, 2): the lower one
    X = np.vstack([top, bottom]) + rng.normal(0, noise, size=(n, 2))  # (n, 2)
    y = np.concatenate([np.zeros(half, dtype=int), np.ones(n - half, dtype=int)])  # (n,)
    order = rng.permutation(n)
    return X[order], y[order]


class TrainingRecorder:
    """Records a 2-class network's training: the loss and accuracy every epoch (on the validation set too, if it has
    one), P(class 1) over the plane every few epochs."""

    def __init__(self, X: np.ndarray, y: np.ndarray, every: int = 10, resolution: int = 90,
                 X_val: np.ndarray | None = None, y_val: np.ndarray | None = None):
        self.X, self.y, self.every = X, y, every
        # A validation set (optional): a fresh sample, never trained on, whose loss picks the best epoch.
        self.X_val, self.y_val = X_val, y_val
        self.val_losses: list[float] = []
        self.val_accuracies: list[float] = []  # the fraction of validation points classified right, every epoch
        pad = 0.5
        (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
        self.extent = (x0, x1, y0, y1)
        g1, g2 = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
        self.grid_shape = g1.shape  # (resolution, resolution)
        self._contours = lambda probs: contour_generator(g1, g2, probs).lines(0.5)  # pieces of the line P = 0.5
        self.plane = np.column_stack([g1.ravel(), g2.ravel()])  # (resolution², 2): every grid point
        self.losses: list[float] = []
        self.accuracies: list[float] = []  # the fraction of training points classified right, every epoch
        self.snapshots: dict[int, tuple[np.ndarray, float]] = {}  # epoch -> (P(class 1) map, accuracy)

    def record(self, epoch: int, model: nn.Module, loss: float) -> None:
        """Call once per epoch, before backward: stores the loss and accuracy (and the validation loss and accuracy),
        and a snapshot every `every` epochs.

        It runs the model on other points, so it ends by running it on X again: the layers remember their last
        input, and the backward pass that follows must find the training batch there.
        """
        self.losses.append(float(loss))
        if self.X_val is not None:
            val_logits = model(self.X_val)  # (n_val, 2)
            self.val_losses.append(softmax_cross_entropy(self.y_val, val_logits))
            self.val_accuracies.append(float(np.mean(val_logits.argmax(axis=1) == self.y_val)))
        snapshot = epoch % self.every == 0
        probs = softmax(model(self.plane), axis=1)[:, 1].reshape(self.grid_shape) if snapshot else None  # (res, res)
        # Last the training points: their accuracy, and the training batch left in the layers' memory for backward().
        accuracy = float(np.mean(model(self.X).argmax(axis=1) == self.y))
        self.accuracies.append(accuracy)
        if snapshot:
            self.snapshots[epoch] = (probs, accuracy)

    def boundary(self, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The decision boundary P(class 1) = 0.5 as x and y arrays, its pieces separated by nan (empty if none)."""
        pieces = [np.vstack([piece, [np.nan, np.nan]]) for piece in self._contours(probs)]  # each (m, 2)
        line = np.vstack(pieces) if pieces else np.empty((0, 2))
        return line[:, 0], line[:, 1]


def _percent(fraction: float) -> str:
    """A fraction as a percentage to 0.1% (200 points give steps of 0.5%), never rounded up to 100% unless it is 1:
    0.995 reads 99.5%, 0.9999 reads 99.9%."""
    text = f"{fraction:.1%}"
    return "99.9%" if text == "100.0%" and fraction < 1 else text


def training_explorer(record: TrainingRecorder) -> LivePlot:
    """Step through a recorded training run: the decision boundary on the left, the loss curves on the right
    (training, and validation if the recorder had a validation set)."""
    epochs = sorted(record.snapshots)
    fig = new_figure(10.0, 4.3)
    grid = fig.add_gridspec(1, 2, width_ratios=[1.1, 1])
    ax, ax_loss = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    image = ax.imshow(np.zeros(record.grid_shape), origin="lower", extent=record.extent, cmap="coolwarm",
                      norm=Normalize(0, 1), interpolation="bilinear", alpha=0.75, aspect="auto", animated=True)
    fig.colorbar(image, ax=ax, shrink=0.85).set_label("P(class 1)")
    for label, (marker, colour) in enumerate(zip(CLASS_MARKERS, CLASS_COLOURS, strict=True)):
        pts = record.X[record.y == label]
        ax.scatter(pts[:, 0], pts[:, 1], marker=marker, s=18, c=colour, edgecolors="white", lw=0.5,
                   label=f"class {label}", zorder=3, animated=True)  # animated: drawn over the changing image
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9).set_animated(True)
    ax.set(xlabel="x₁", ylabel="x₂")
    (boundary,) = ax.plot([], [], color="black", lw=1.5, zorder=2, animated=True)  # the contour P = 0.5
    losses = np.array(record.losses)
    ax_loss.plot(losses, color=LIGHT_GREY, lw=1.2, label="whole run")
    if record.val_losses:  # the loss on held-out points: it stops falling when the network starts to overfit
        ax_loss.plot(record.val_losses, color=ORANGE, lw=1.4, ls="--", label="validation points")
    (so_far,) = ax_loss.plot([], [], color=GREEN, lw=2, label="up to this epoch", animated=True)
    (dot,) = ax_loss.plot([], [], "o", ms=8, color=GREEN, mec=BLACK, zorder=3, animated=True)
    title, loss_title = animated_title(ax), animated_title(ax_loss)
    _plain_log_axis(ax_loss)  # log scale: the small late losses, where overfitting shows, stay visible
    top = max(losses.max(), max(record.val_losses, default=0.0))
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss (log scale)", ylim=(0.5 * losses.min(), 1.5 * top))
    ax_loss.legend(fontsize=8)

    def update(epoch):
        shown = max(e for e in epochs if e <= epoch) if epoch >= epochs[0] else epochs[0]
        probs, accuracy = record.snapshots[shown]
        image.set_data(probs)
        boundary.set_data(*record.boundary(probs))
        so_far.set_data(np.arange(shown + 1), losses[: shown + 1])
        dot.set_data([shown], [losses[shown]])
        title.set_text(f"epoch {shown}: decision boundary (black) and P(class 1)")
        text = f"training: loss {losses[shown]:.3f}, accuracy {_percent(accuracy)}"
        if record.val_losses:  # a second line: one would run off the figure (the alt text joins them with a space)
            text += (f"\nvalidation: loss {record.val_losses[shown]:.3f}, "
                     f"accuracy {_percent(record.val_accuracies[shown])}")
        loss_title.set_text(text)

    controls = {"epoch": int_slider("epoch", 0, epochs[0], epochs[-1], step=record.every)}
    return LivePlot(fig, controls, update)


def demo_training(epochs: int = 300, every: int = 5) -> TrainingRecorder:
    """A small network (2-16-16-2, tanh) trained on the moons with Adam, recorded for training_explorer."""
    X, y = make_moons(200, rng=0)
    X_val, y_val = make_moons(200, rng=1)  # the validation set
    model = nn.MLP([2, 16, 16, 2], activation="tanh", rng=0)
    loss_fn, optimizer = nn.CrossEntropyLoss(), nn.Adam(model.parameters(), lr=0.02)
    record = TrainingRecorder(X, y, every=every, X_val=X_val, y_val=y_val)
    for epoch in range(epochs + 1):
        loss = loss_fn(model(X), y)
        record.record(epoch, model, loss)
        optimizer.zero_grad()
        model.backward(loss_fn.backward())
        optimizer.step()
    return record


BUILDERS = {
    "neuron_graph": neuron_graph,
    "descent_explorer": descent_explorer,
    "optimizer_race": optimizer_race,
    "training_explorer": lambda: training_explorer(demo_training()),
}
