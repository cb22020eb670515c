"""Live plots for notebook 04 (loss functions): fitting a line by MSE, softmax and cross-entropy on three
logits, and MSE vs cross-entropy as the predicted probability of the true class moves."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from helpers.activations import sigmoid, softmax
from helpers.losses import mse, softmax_cross_entropy
from helpers.style import CE_COLOUR, MSE_COLOUR, OTHER, RIGHT, VERMILLION, animate, animated_title
from helpers.widgets import (
    LivePlot,
    dropdown,
    new_figure,
    num,
    slider,
)

TRUE_COLOUR, OTHER_COLOUR, RESIDUAL_COLOUR = RIGHT, OTHER, VERMILLION  # the true class's bar, the others' bars


def loss_text(value: float) -> str:
    """A loss for a title: 3 decimals, or 3 significant digits below 0.001, so a positive loss never reads 0.000."""
    value = float(value)
    return f"{value:.3f}" if value == 0 or value >= 0.001 else f"{value:.3g}"


# ----------------------------------------------------------------------------- 1. fitting a line by MSE

def line_data(n: int = 10, seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """n noisy points (x, y) near the line y = 1.2 x + 0.5, x in [0, 4]."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 4.0, size=n))  # (n,)
    y = 1.2 * x + 0.5 + rng.normal(0.0, 0.6, size=n)  # (n,)
    return x, y


def best_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The slope and intercept with the smallest MSE (least squares)."""
    slope, intercept = np.polyfit(x, y, deg=1)
    return float(slope), float(intercept)


SLOPES, INTERCEPTS = (-1.0, 3.0), (-2.0, 5.0)  # slider ranges, also the extent of the MSE map: they hold the best
# line (w ≈ 0.98, b ≈ 1.11) and the best flat line (w = 0, b = the mean of the y_i ≈ 3.41), with room to either side


def line_fit(slope: float = 0.3, intercept: float = 2.0) -> LivePlot:
    """Points, a line with the given slope and intercept, its residuals, and where it sits on the MSE map."""
    x, y = line_data()
    best = best_line(x, y)
    fig = new_figure(8.0, 3.3)
    ax, ax_map = fig.subplots(1, 2, width_ratios=[1.25, 1])

    ax.scatter(x, y, color="black", zorder=3, label="data (x, y)")
    xs = np.array([-0.3, 4.3])
    (line,) = ax.plot(xs, xs, color=MSE_COLOUR, lw=2, label="prediction ŷ = w·x + b")
    residuals = LineCollection([], colors=RESIDUAL_COLOUR, linewidths=1.5, linestyles=":",
                               label="residual ŷ − y")
    ax.add_collection(residuals)
    ax.set(xlim=(-0.3, 4.3), ylim=(-3.0, 10.0), xlabel="x", ylabel="y")
    ax.legend(loc="upper left", fontsize=8)

    w_grid = np.linspace(*SLOPES, 81)
    b_grid = np.linspace(*INTERCEPTS, 81)
    W, B = np.meshgrid(w_grid, b_grid)  # (81, 81) each
    errors = W[..., None] * x + B[..., None] - y  # (81, 81, n)
    surface = np.mean(errors**2, axis=-1)  # (81, 81): the MSE of every line on the grid
    levels = np.geomspace(surface.min(), surface.max(), 12)  # equal ratios: the valley floor shows too
    ax_map.contourf(W, B, surface, levels=levels, cmap="viridis")
    ax_map.contour(W, B, surface, levels=levels, colors="white", linewidths=0.4, alpha=0.5)
    ax_map.plot(*best, marker="*", ms=14, color="white", mec="black", ls="", label="smallest MSE")
    (here,) = ax_map.plot([], [], marker="o", ms=9, color=MSE_COLOUR, mec="white", ls="", clip_on=False,
                          label="your line")
    ax_map.set(xlabel="slope w", ylabel="intercept b", title="MSE of every line (darker = smaller)")
    ax_map.legend(loc="lower left", fontsize=8)
    best_mse = mse(y, best[0] * x + best[1])
    title = animated_title(ax, fontsize=11)
    # Redrawn at every step: what moves, and what lies on top of it (the points, the legends).
    animate(line, residuals, here, *ax.collections, ax.get_legend(), ax_map.get_legend())

    def update(slope, intercept):
        y_hat = slope * x + intercept  # (n,)
        line.set_ydata(slope * xs + intercept)
        residuals.set_segments([[(xi, yi), (xi, pi)] for xi, yi, pi in zip(x, y, y_hat, strict=True)])
        here.set_data([slope], [intercept])
        title.set_text(f"MSE = {mse(y, y_hat):.3f}   (the best line gets {best_mse:.3f})")

    controls = {"slope": slider("slope w", slope, *SLOPES, step=0.05),
                "intercept": slider("intercept b", intercept, *INTERCEPTS, step=0.05)}
    return LivePlot(fig, controls, update)


# ----------------------------------------------------------------------------- 2. softmax and cross-entropy

CLASSES = ["class 0", "class 1", "class 2"]
SUBSCRIPT = "₀₁₂"


def softmax_explorer(z0: float = 2.0, z1: float = 1.0, z2: float = 0.1, true_class: int = 0) -> LivePlot:
    """Three logits as bars, their softmax probabilities, and the cross-entropy for the chosen true class."""
    fig = new_figure(8.0, 3.1)
    ax_z, ax_p = fig.subplots(1, 2)
    positions = np.arange(3)
    z_bars = ax_z.bar(positions, np.zeros(3), color=OTHER_COLOUR)
    ax_z.axhline(0, color="black", lw=0.8)
    ax_z.set(xticks=positions, xticklabels=CLASSES, ylim=(-12.0, 12.0), ylabel="logit z",
             title="logits: any real numbers")
    z_text = [ax_z.text(i, 0, "", ha="center", fontsize=9) for i in positions]

    p_bars = ax_p.bar(positions, np.zeros(3), color=OTHER_COLOUR)
    target = ax_p.bar(positions, np.zeros(3), fill=False, edgecolor="black", ls="--", lw=1.2,
                      label="target (one-hot)")
    # Room above the bars for the legend: the true class is blue *and* has the dashed target outline.
    ax_p.set(xticks=positions, xticklabels=CLASSES, ylim=(0, 1.4), yticks=np.linspace(0, 1, 6),
             ylabel="probability p")
    ax_p.legend(handles=[Patch(color=TRUE_COLOUR, label="true class"), Patch(color=OTHER_COLOUR, label="other classes"),
                         target], loc="upper center", ncol=3, fontsize=8, handlelength=1.0, columnspacing=0.6,
                handletextpad=0.4, borderaxespad=0.3)
    p_text = [ax_p.text(i, 0, "", ha="center", fontsize=9) for i in positions]
    title = animated_title(ax_p, fontsize=11)
    # Redrawn at every step: what moves, and what lies on top of it (the zero line, the legend).
    animate(*z_bars, *p_bars, *target, *z_text, *p_text, *ax_z.lines, ax_p.get_legend())

    def update(z0, z1, z2, true_class):
        z = np.array([z0, z1, z2])  # (3,)
        p = softmax(z)  # (3,)
        loss = softmax_cross_entropy([true_class], z[None, :])
        for i in positions:
            colour = TRUE_COLOUR if i == true_class else OTHER_COLOUR
            z_bars[i].set_height(z[i])
            z_bars[i].set_color(colour)
            z_text[i].set_position((i, z[i] + (0.4 if z[i] >= 0 else -1.3)))
            z_text[i].set_text(num(z[i]))
            p_bars[i].set_height(p[i])
            p_bars[i].set_color(colour)
            target[i].set_height(1.0 if i == true_class else 0.0)
            p_text[i].set_position((i, p[i] + 0.02))
            p_text[i].set_text(f"{p[i]:.3f}")
        title.set_text(f"cross-entropy = −log p{SUBSCRIPT[true_class]} = {loss_text(loss)}")

    controls = {"z0": slider("logit z₀", z0, -10.0, 10.0),
                "z1": slider("logit z₁", z1, -10.0, 10.0),
                "z2": slider("logit z₂", z2, -10.0, 10.0),
                "true_class": dropdown("true class", [(name, i) for i, name in enumerate(CLASSES)],
                                       true_class)}
    return LivePlot(fig, controls, update)


# ----------------------------------------------------------------------------- 3. MSE vs cross-entropy

# Two classes, the model's probability for the true class is p = σ(z), the target is 1.
def binary_losses(p):
    """(MSE, cross-entropy) of predicting probability p for the true class: ((1 − p)², −log p)."""
    p = np.asarray(p, dtype=float)
    return (1.0 - p) ** 2, -np.log(p)


def binary_logit_grads(p):
    """(∂MSE/∂z, ∂CE/∂z) at p = σ(z): (−2(1 − p)²·p, p − 1)."""
    p = np.asarray(p, dtype=float)
    return -2.0 * (1.0 - p) ** 2 * p, p - 1.0


def loss_vs_probability(p: float = 0.1) -> LivePlot:
    """Both losses and both gradients w.r.t. the logit, as curves over p, with the point for the slider's p."""
    fig = new_figure(8.0, 3.3)
    ax_loss, ax_grad = fig.subplots(1, 2)
    ps = np.linspace(0.001, 0.999, 400)
    mse_curve, ce_curve = binary_losses(ps)
    ax_loss.plot(ps, mse_curve, color=MSE_COLOUR, lw=2, label="MSE  (1 − p)²")
    ax_loss.plot(ps, ce_curve, color=CE_COLOUR, lw=2, label="cross-entropy  −log p")
    ax_loss.set(xlim=(0, 1), ylim=(0, 7.5), xlabel="predicted probability p of the true class", ylabel="loss")
    ax_loss.legend(loc="upper right", fontsize=8)
    mse_grad_curve, ce_grad_curve = binary_logit_grads(ps)
    ax_grad.plot(ps, mse_grad_curve, color=MSE_COLOUR, lw=2, label="MSE:  −2p(1 − p)²")
    ax_grad.plot(ps, ce_grad_curve, color=CE_COLOUR, lw=2, label="cross-entropy:  p − 1")
    ax_grad.axhline(0, color="black", lw=0.8)
    ax_grad.set(xlim=(0, 1), ylim=(-1.05, 0.1), xlabel="predicted probability p of the true class",
                ylabel="gradient ∂loss/∂z w.r.t. the logit")
    ax_grad.legend(loc="lower right", fontsize=8)
    marks = {name: ax.plot([], [], "o", ms=9, color=colour, mec="black")[0]
             for name, ax, colour in [("mse", ax_loss, MSE_COLOUR), ("ce", ax_loss, CE_COLOUR),
                                      ("dmse", ax_grad, MSE_COLOUR), ("dce", ax_grad, CE_COLOUR)]}
    guides = [ax.axvline(0, color="black", ls=":", lw=1) for ax in (ax_loss, ax_grad)]
    titles = [animated_title(ax, fontsize=11) for ax in (ax_loss, ax_grad)]
    # Redrawn at every step: what moves, and the legends the guides pass under.
    animate(*marks.values(), *guides, ax_loss.get_legend(), ax_grad.get_legend())

    def update(p):
        loss_mse, loss_ce = binary_losses(p)
        grad_mse, grad_ce = binary_logit_grads(p)
        for name, value in [("mse", loss_mse), ("ce", loss_ce), ("dmse", grad_mse), ("dce", grad_ce)]:
            marks[name].set_data([p], [value])
        for guide in guides:
            guide.set_xdata([p, p])
        titles[0].set_text(f"p = {p:.3f}:  MSE = {loss_text(loss_mse)},  CE = {loss_text(loss_ce)}")
        titles[1].set_text(f"∂/∂z:  MSE {num(grad_mse, 3, trim=False)},  CE {num(grad_ce, 3, trim=False)}")

    controls = {"p": slider("p (true class)", p, 0.001, 0.999, step=0.001, readout_format=".3f")}
    return LivePlot(fig, controls, update)


def descent_race(z_start: float = -4.0, lr: float = 1.0, steps: int = 100) -> tuple[Figure, dict]:
    """Gradient descent on one logit with each loss; a figure of p over the steps and the p histories."""
    histories = {}
    for name, grad in [("MSE", lambda p: binary_logit_grads(p)[0]),
                       ("cross-entropy", lambda p: binary_logit_grads(p)[1])]:
        z, ps = z_start, []
        for _ in range(steps + 1):
            p = float(sigmoid(z))
            ps.append(p)
            z -= lr * float(grad(p))
        histories[name] = np.array(ps)
    fig = new_figure(5.6, 2.9)
    ax = fig.add_subplot()
    for (name, ps), colour in zip(histories.items(), [MSE_COLOUR, CE_COLOUR], strict=True):
        ax.plot(ps, color=colour, lw=2, label=name)
    ax.axhline(0.9, color="black", ls=":", lw=1)
    ax.set(xlabel="gradient-descent step", ylabel="p of the true class", ylim=(0, 1),
           title=f"Starting confidently wrong (z = {num(z_start)}, p = {histories['MSE'][0]:.3f}), lr = {lr:g}")
    ax.legend(loc="lower right", fontsize=9)
    return fig, histories


BUILDERS = {"line_fit": line_fit, "softmax_explorer": softmax_explorer,
            "loss_vs_probability": loss_vs_probability}
