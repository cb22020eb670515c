"""Live plots for notebook 02 (activation functions): g, g′ and the tangent; gradients through depth; softmax."""

from __future__ import annotations

from functools import partial

import numpy as np
from matplotlib.ticker import NullLocator

from helpers.activations import ACTIVATIONS, HIDDEN, softmax
from helpers.style import ACTIVATION_COLOURS as COLOURS
from helpers.style import BLACK, GREY, SERIES, animated_title
from helpers.widgets import (
    LivePlot,
    StaticFigure,
    StaticPart,
    as_image,
    dropdown,
    int_slider,
    new_figure,
    paste_while_unchanged,
    slider,
)

FUNCTIONS = ("sigmoid", "tanh", "relu", "leaky_relu")  # the activations (helpers.activations) shown here
MARKERS = {"sigmoid": "o", "tanh": "s", "relu": "^"}  # the depth plot tells its lines apart by marker too
ZMAX = 6.0
Z = np.linspace(-ZMAX, ZMAX, 481)  # the z axis of every curve
SATURATED = 0.01  # below this slope we call a unit saturated: almost no gradient gets through (the sigmoid
# past |z| ≈ 4.6, as notebook 02 says: "larger than about 5")


def pick(name: str, alpha: float = 0.01):
    """(label, g, g′) for an activation's name, with leaky ReLU's slope set to alpha (a slider's value)."""
    g = ACTIVATIONS[name]
    if name == "leaky_relu":
        return g.label, partial(g.function, slope=alpha), partial(g.grad, slope=alpha)
    return g.label, g.function, g.grad


def slope_verdict(name: str, z0: float, slope: float) -> str:
    """A short diagnosis of the slope at z0: healthy, saturated or dead."""
    if name in ("relu", "leaky_relu") and z0 <= 0:
        return ("dead zone: slope exactly 0, no gradient flows back" if slope == 0
                else f"negative side: slope α = {slope:g}, a little gradient still flows")
    if slope < SATURATED:
        return f"saturated: slope {slope:.2g} < {SATURATED}, almost no gradient flows back"
    return "gradient flows"


def function_explorer(name: str = "sigmoid", compare: str = "none", z0: float = 1.0, alpha: float = 0.1) -> LivePlot:
    """An activation g and its derivative g′ side by side, with the tangent line to g at z0."""
    fig = new_figure(9.0, 3.9)
    ax_f, ax_d = fig.subplots(1, 2)
    for ax in (ax_f, ax_d):
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(0, color="grey", lw=0.6)
        ax.set_xlim(-ZMAX, ZMAX)
        ax.set_xlabel("z")
    (other_f,) = ax_f.plot([], [], color="grey", ls="--", lw=1.5)
    (other_d,) = ax_d.plot([], [], color="grey", ls="--", lw=1.5)
    (curve_f,) = ax_f.plot([], [], lw=2.5)
    (curve_d,) = ax_d.plot([], [], lw=2.5)
    # Animated (redrawn at every step): what depends on the point z. The curves only change with the function.
    (tangent,) = ax_f.plot([], [], color="black", lw=1.5, animated=True)
    (dot_f,) = ax_f.plot([], [], "o", ms=9, mfc="gold", mec="black", zorder=3, animated=True)
    (dot_d,) = ax_d.plot([], [], "o", ms=9, mfc="gold", mec="black", zorder=3, animated=True)
    (guide,) = ax_d.plot([], [], color="black", ls=":", lw=1, animated=True)
    ax_d.set_ylim(-0.1, 1.15)
    verdict = ax_d.text(0.02, 0.97, "", transform=ax_d.transAxes, va="top", fontsize=10, animated=True,
                        bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": GREY})
    titles = [animated_title(ax) for ax in (ax_f, ax_d)]
    static = StaticPart()

    def update(name, compare, z0, alpha):
        label, f, df = pick(name, alpha)
        y0, s0 = float(f(z0)) + 0.0, float(df(z0)) + 0.0  # + 0.0: leaky ReLU with α = 0 gives −0.0
        zt = np.array([z0 - 2.5, z0 + 2.5])
        tangent.set_data(zt, y0 + s0 * (zt - z0))  # the line through (z0, g(z0)) with slope g′(z0)
        dot_f.set_data([z0], [y0])
        dot_d.set_data([z0], [s0])
        guide.set_data([z0, z0], [0, s0])
        titles[0].set_text(f"{label}: g({z0:.2f}) = {y0:.3f}, tangent slope {s0:.3f}")
        titles[1].set_text(f"its derivative g′: g′({z0:.2f}) = {s0:.4f}")
        verdict.set_text(slope_verdict(name, z0, s0))
        uses_alpha = "leaky_relu" in (name, compare)  # α changes no other function: no full redraw for it
        if not static.changed(name, compare, alpha if uses_alpha else None):
            return None
        fz, dz = f(Z), df(Z)
        curve_f.set(data=(Z, fz), color=COLOURS[name], label=label)
        curve_d.set(data=(Z, dz), color=COLOURS[name])
        if compare in FUNCTIONS and compare != name:
            other_label, g, dg = pick(compare, alpha)
            other_f.set(data=(Z, g(Z)), label=other_label)
            other_d.set_data(Z, dg(Z))
        else:
            other_f.set(data=([], []), label="_none")
            other_d.set_data([], [])
        shown = np.concatenate([fz, other_f.get_ydata()])
        low, high = min(float(shown.min()), -0.1), max(float(shown.max()), 1.1)
        ax_f.set_ylim(low - 0.08 * (high - low), high + 0.08 * (high - low))
        ax_f.legend(loc="upper left", fontsize=9).set_animated(True)  # kept above the tangent line
        return "full"

    controls = {
        "name": dropdown("function", [(ACTIVATIONS[k].label, k) for k in FUNCTIONS], name),
        "compare": dropdown("compare with", [("nothing", "none")] + [(ACTIVATIONS[k].label, k) for k in FUNCTIONS],
                            compare),
        "z0": slider("point z", z0, -ZMAX, ZMAX),
        "alpha": slider("leaky slope α", alpha, 0.0, 0.3, 0.01),
    }
    return LivePlot(fig, controls, update)


# ---- gradients through a deep stack of one-unit layers ----

DEPTH_FUNCTIONS = HIDDEN
FLOOR = 1e-60  # a gradient of exactly 0 (log scales have no 0) is drawn here, at the bottom


def chain_gradients(name: str, depth: int, w: float, x: float) -> np.ndarray:
    """|∂output/∂a_k| for k = 0..depth through a_k = g(w · a_(k−1)), a_0 = x; shape (depth + 1,)."""
    _, f, df = pick(name)
    slopes = np.empty(depth)  # g′(z_k) for each layer k = 1..depth
    a = x
    for k in range(depth):
        z = w * a
        slopes[k] = df(z)
        a = float(f(z))
    grads = np.ones(depth + 1)  # the gradient at the output is 1
    for k in range(depth, 0, -1):  # the chain rule, from the output back: one factor w·g′(z_k) per layer
        grads[k - 1] = grads[k] * w * slopes[k - 1]
    return np.abs(grads)


def sigmoid_ceiling(depth: int, w: float) -> np.ndarray:
    """The most |∂a_D/∂a_k| can be in a sigmoid chain of depth D = depth: (|w|/4)^(D − k); shape (D + 1,)."""
    return (abs(w) / 4) ** (depth - np.arange(depth + 1))


def gradient_depth(depth: int = 10, w: float = 1.0, x: float = 0.5) -> LivePlot:
    """How big the gradient stays, layer by layer, in a deep stack of sigmoid, tanh or ReLU units."""
    fig = new_figure(9.5, 4.2)
    ax, ax_side = fig.subplots(1, 2, width_ratios=[2.6, 1])
    # Animated (redrawn at every step): the lines and the texts. The axes only change when their limits move.
    lines = {name: ax.plot([], [], f"{MARKERS[name]}-", color=COLOURS[name], lw=2, ms=4,
                           label=ACTIVATIONS[name].label, animated=True)[0]
             for name in DEPTH_FUNCTIONS}
    (best,) = ax.plot([], [], color=COLOURS["sigmoid"], ls=":", lw=1.5,
                      label="sigmoid's ceiling:\n×|w|/4 per layer", animated=True)
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(NullLocator())  # fewer ticks: a faster redraw
    ax.set_xlabel("layer k (0 = the input, right = the output)")
    ax.set_ylabel("|gradient| reaching layer k")
    ax.grid(True, which="major", alpha=0.3)
    ax_side.axis("off")
    legend = ax_side.legend(handles=[*lines.values(), best], loc="upper left", fontsize=9)
    legend.set_zorder(2)  # under the summary text (zorder 3): it is pasted first, then the text is drawn on it
    paste_while_unchanged(ax_side, legend)  # the legend never changes: drawn once, then its pixels are reused
    summary = ax_side.text(0.0, 0.42, "", transform=ax_side.transAxes, va="top", family="monospace", fontsize=9,
                           animated=True)
    title = animated_title(ax)
    static = StaticPart()

    def update(depth, w, x):
        ks = np.arange(depth + 1)
        grads = {name: chain_gradients(name, depth, w, x) for name in DEPTH_FUNCTIONS}
        for name, g in grads.items():
            lines[name].set_data(ks, np.maximum(g, FLOOR))
        ceiling = sigmoid_ceiling(depth, w)
        best.set_data(ks, ceiling)
        shown = np.concatenate([np.maximum(g, FLOOR) for g in grads.values()] + [ceiling])
        # The axes change in steps (5 decades, 5 layers), so most moves redraw only the lines and texts.
        low, high = np.floor(np.log10([shown.min(), shown.max()]) / 5)  # in blocks of 5 decades
        decades = (5 * low - 0.5, 5 * (high + 1) + 0.5)  # strictly above the top: no flicker at w = 1
        last_layer = 5 * (depth // 5 + 1)  # the next multiple of 5 above the depth: room to grow
        rows = []
        for n, g in grads.items():
            rows.append(f"{ACTIVATIONS[n].label:<10}{g[0]:9.2e}")
            if g[0] == 0:
                rows.append(f"{'':10}(exactly 0: dead,\n{'':10} drawn at the bottom)")
        rows.append(f"{'σ ceiling':<10}{ceiling[0]:9.2e}")
        summary.set_text("gradient reaching\nthe input (k = 0):\n\n" + "\n".join(rows))
        title.set_text(f"{depth} layers, each aₖ = g(w·aₖ₋₁) with w = {w:g}; input a₀ = x = {x:g}")
        if not static.changed(last_layer, decades):
            return None
        ax.set_ylim(10 ** decades[0], 10 ** decades[1])
        ax.set_xlim(-0.5, last_layer + 0.5)
        return "full"

    controls = {
        "depth": int_slider("depth (layers)", depth, 1, 30),
        "w": slider("weight w", w, 0.25, 3.0, 0.25),
        "x": slider("input x", x, -2.0, 2.0),
    }
    return LivePlot(fig, controls, update, columns=3)


# ---- softmax: scores to probabilities ----

def softmax_explorer(z1: float = 2.0, z2: float = 1.0, z3: float = 0.1, temperature: float = 1.0) -> LivePlot:
    """Three scores and their softmax probabilities, with a temperature that sharpens or flattens them."""
    fig = new_figure(9.0, 3.4)
    ax_z, ax_p = fig.subplots(1, 2)
    names = ["class 1", "class 2", "class 3"]
    colours = SERIES[:3]
    bars_z = ax_z.bar(names, [0, 0, 0], color=colours, animated=True)
    bars_p = ax_p.bar(names, [0, 0, 0], color=colours, animated=True)
    labels_z = [ax_z.text(i, 0, "", ha="center", fontsize=10, animated=True) for i in range(3)]
    labels_p = [ax_p.text(i, 0, "", ha="center", va="bottom", fontsize=10, animated=True) for i in range(3)]
    title = animated_title(ax_p)
    ax_z.axhline(0, color=BLACK, lw=0.8)
    ax_z.set(ylim=(-6.5, 6.5), title="scores z (any real numbers)")
    ax_p.set(ylim=(0, 1.12))

    def update(z1, z2, z3, temperature):
        z = np.array([z1, z2, z3])
        p = softmax(z / temperature)
        for i in range(3):
            bars_z[i].set_height(z[i])
            bars_p[i].set_height(p[i])
            labels_z[i].set(y=z[i] + (0.2 if z[i] >= 0 else -0.2), text=f"{z[i]:.1f}",
                            va="bottom" if z[i] >= 0 else "top")
            labels_p[i].set(y=p[i] + 0.01, text=f"{p[i]:.3f}")
        title.set_text(f"softmax(z / T) with T = {temperature:g}: sums to {p.sum():.3f}")

    controls = {
        "z1": slider("z₁", z1, -6.0, 6.0),
        "z2": slider("z₂", z2, -6.0, 6.0),
        "z3": slider("z₃", z3, -6.0, 6.0),
        "temperature": slider("temperature T", temperature, 0.1, 5.0),
    }
    return LivePlot(fig, controls, update)


def functions_and_derivatives(alpha: float = 0.1) -> StaticFigure:
    """A static grid: each activation (top row) above its derivative (bottom row)."""
    fig = new_figure(10.0, 4.6)
    axes = fig.subplots(2, len(FUNCTIONS), sharex=True)
    for col, name in enumerate(FUNCTIONS):
        label, f, df = pick(name, alpha)
        for row, (g, what) in enumerate(((f, label), (df, f"{label}′ (derivative)"))):
            ax = axes[row, col]
            ax.axhline(0, color="grey", lw=0.6)
            ax.axvline(0, color="grey", lw=0.6)
            ax.plot(Z, g(Z), color=COLOURS[name], lw=2.5)
            ax.set_title(what, fontsize=10)
            ax.set_xlim(-ZMAX, ZMAX)
        axes[1, col].set_ylim(-0.1, 1.15)
        axes[1, col].set_xlabel("z")
    return as_image(fig)


BUILDERS = {"function_explorer": function_explorer, "gradient_depth": gradient_depth,
            "softmax_explorer": softmax_explorer}
