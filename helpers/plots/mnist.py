"""Figures and live plots for notebook 06 (MNIST with PyTorch): digits, class counts, training curves,
the confusion matrix and an explorer of its cells, misclassified digits, a probability explorer,
first-layer weights, and the drawing pad.

Every function takes plain arrays (NumPy or CPU tensors), so the smoke test can feed it small
synthetic data instead of MNIST.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.draw import DrawingPad, example_strokes
from helpers.models import SimpleNN
from helpers.style import OTHER, PURPLE, RIGHT, SERIES, WRONG
from helpers.widgets import LivePlot, dropdown, int_slider, new_figure

TRUE_COLOUR, WRONG_COLOUR, OTHER_COLOUR = RIGHT, WRONG, OTHER  # colour-blind safe (helpers.style)


def _np(x) -> np.ndarray:
    """A CPU NumPy copy of a tensor or array."""
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _pixels(images) -> np.ndarray:
    """(n, 28, 28) pixels from (n, 1, 28, 28) or (n, 784) images."""
    return _np(images).reshape(-1, 28, 28)


def _blank(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


# ----------------------------------------------------------------------------- static figures

def _mosaic(images, rows: int, cols: int, gap: int = 4) -> np.ndarray:
    """Images (n, 28, 28) laid out row by row in one array, NaN (drawn blank) between them and in empty places.

    One imshow of this array draws a whole grid of digits far faster than one panel per digit."""
    cell = 28 + gap
    grid = np.full((rows * cell - gap, cols * cell - gap), np.nan)
    for k, image in enumerate(images):
        row, col = divmod(k, cols)
        grid[row * cell:row * cell + 28, col * cell:col * cell + 28] = image
    return grid


def digit_grid(images, labels, per_class: int = 6) -> Figure:
    """The first `per_class` digits of each class: one column per digit 0-9 (one image, so it draws quickly)."""
    pixels, labels = _pixels(images), _np(labels)
    cell, gap = 32, 4
    placed, frames = [], []  # row by row: the image of each place (a blank one where a digit has too few)
    firsts = [np.flatnonzero(labels == digit)[:per_class] for digit in range(10)]
    for row in range(per_class):
        for digit in range(10):
            has = row < len(firsts[digit])
            placed.append(pixels[firsts[digit][row]] if has else np.full((28, 28), np.nan))
            if has:
                frames.append((digit * cell - 0.5, row * cell - 0.5))
    fig = new_figure(7.5, 0.8 * per_class + 0.4)
    ax = fig.subplots()
    ax.imshow(_mosaic(placed, per_class, 10, gap), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    for corner in frames:
        ax.add_patch(Rectangle(corner, 28, 28, fill=False, linewidth=0.8, edgecolor="black"))
    ax.set_xticks(np.arange(10) * cell + 13.5, [str(digit) for digit in range(10)])
    ax.set_yticks([])
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.set_xlim(-1.5, 10 * cell - gap + 0.5)
    ax.set_ylim(per_class * cell - gap + 0.5, -1.5)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.suptitle("Training images, one column per label")
    return fig


def class_counts(**label_sets) -> Figure:
    """How many images of each digit each named set holds, e.g. class_counts(train=..., test=...)."""
    fig = new_figure(7.0, 2.6)
    ax = fig.subplots()
    x, width = np.arange(10), 0.8 / max(1, len(label_sets))
    colours = list(SERIES[:4])
    for k, (name, labels) in enumerate(label_sets.items()):
        counts = np.bincount(_np(labels), minlength=10)
        ax.bar(x - 0.4 + width * (k + 0.5), counts, width=width, label=f"{name} ({counts.sum()})",
               color=colours[k % len(colours)])
    ax.set(xticks=x, xlabel="digit", ylabel="images", title="Images per digit: roughly balanced")
    ax.legend(fontsize=8)
    return fig


def training_curves(history: dict, title: str = "") -> Figure:
    """Loss and accuracy after each epoch (train, and validation if present)."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    fig = new_figure(8.0, 2.8)
    ax_loss, ax_acc = fig.subplots(1, 2)
    ax_loss.plot(epochs, history["loss"], "o-", color=PURPLE)
    ax_loss.set(xlabel="epoch", ylabel="mean training loss", title="Loss", xticks=epochs)
    ax_acc.plot(epochs, 100 * np.asarray(history["train_acc"]), "o-", label="train (during the epoch)")
    if history.get("val_acc"):
        ax_acc.plot(epochs, 100 * np.asarray(history["val_acc"]), "s-", label="validation")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="Accuracy", xticks=epochs)
    ax_acc.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def learning_rate_figure(lrs, steps_per_epoch: int) -> Figure:
    """The learning rate at every training step (a one-cycle schedule), epochs marked."""
    lrs = np.asarray(lrs)
    fig = new_figure(6.5, 2.4)
    ax = fig.subplots()
    ax.plot(np.arange(len(lrs)) / steps_per_epoch, lrs, color=PURPLE)
    ax.axhline(0.001, color=OTHER_COLOUR, ls="--", label="the original recipe's constant 0.001")
    ax.set(xlabel="epoch", ylabel="learning rate", title="One-cycle schedule: warm up, then cool down")
    ax.legend(fontsize=8)
    return fig


def confusion_figure(cm) -> Figure:
    """The confusion matrix with every count written in its cell (row = true, column = predicted)."""
    cm = _np(cm)
    fig = new_figure(5.2, 4.6)
    ax = fig.subplots()
    shown = np.log1p(cm)  # log scale: the few mistakes stay visible next to ~1000 correct
    ax.imshow(shown, cmap="Blues")
    for t in range(10):
        for p in range(10):
            if cm[t, p]:
                dark = shown[t, p] > 0.6 * shown.max()
                ax.text(p, t, str(cm[t, p]), ha="center", va="center", fontsize=7,
                        color="white" if dark else "black")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit", ylabel="true digit",
           title="Confusion matrix (colour on a log scale)")
    return fig


def misclassified_gallery(images, labels, probs, n: int = 24, cols: int = 8) -> Figure:
    """The `n` mistakes the network was most sure about: true label, prediction and its probability."""
    pixels, labels, probs = _pixels(images), _np(labels), _np(probs)
    predicted = probs.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    wrong = wrong[np.argsort(-probs[wrong, predicted[wrong]])][:n]  # most confident mistakes first
    rows = max(1, -(-len(wrong) // cols))
    fig = new_figure(1.0 * cols, 1.15 * rows + 0.4)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax in axes:
        _blank(ax)
        ax.axis("off")
    for ax, i in zip(axes, wrong, strict=False):
        ax.imshow(pixels[i], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"true {labels[i]}\npred {predicted[i]} {probs[i, predicted[i]]:.0%}", fontsize=8,
                     color=WRONG_COLOUR)
    fig.suptitle(f"{len(wrong)} most confident mistakes (of {(predicted != labels).sum()})")
    return fig


def weight_images(weight, units: int = 32, cols: int = 8) -> Figure:
    """The first `units` rows of the first layer's weights (128, 784), each drawn as a 28 x 28 image (red +, blue -).

    Each image has its own colour scale (its largest |weight| is full red or blue): it shows a unit's pattern."""
    total = len(_np(weight))
    w = _np(weight)[:units].reshape(-1, 28, 28).astype(float)  # (units, 28, 28)
    limits = np.abs(w).max(axis=(1, 2), keepdims=True)
    scaled = w / np.where(limits > 0, limits, 1.0)  # each image in -1..1
    rows = -(-len(w) // cols)
    fig = new_figure(cols * 0.8, rows * 0.8 + 0.5)
    ax = fig.subplots()
    ax.imshow(_mosaic(scaled, rows, cols), cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.axis("off")
    fig.suptitle(f"{len(w)} of the {total} hidden units' input weights as 28 x 28 images\n(red: ink here raises the "
                 "unit, blue: lowers it)", fontsize=9)
    return fig


# ----------------------------------------------------------------------------- live plots

def probability_explorer(images, labels, probs) -> LivePlot:
    """A slider over the test images: the digit, and the network's probability for each class."""
    pixels, labels, probs = _pixels(images), _np(labels), _np(probs)
    fig = new_figure(7.0, 2.8)
    ax_img, ax_bar = fig.subplots(1, 2, width_ratios=[1, 1.8])
    shown = ax_img.imshow(pixels[0], cmap="gray_r", vmin=0, vmax=1)
    _blank(ax_img)
    bars = ax_bar.bar(range(10), probs[0], color=OTHER_COLOUR)
    ax_bar.set(xticks=range(10), ylim=(0, 1.05), xlabel="digit", ylabel="probability")
    verdict = ax_bar.set_title("")
    index = int_slider("validation image", 0, 0, len(pixels) - 1)

    def update(test_image):
        p, true = probs[test_image], labels[test_image]
        guess = int(p.argmax())
        shown.set_data(pixels[test_image])
        for k, bar in enumerate(bars):
            bar.set_height(p[k])
            bar.set_color(TRUE_COLOUR if k == true else WRONG_COLOUR if k == guess else OTHER_COLOUR)
        ok = "right" if guess == true else "WRONG"
        ax_img.set_title(f"image {test_image}: label {true}")
        verdict.set_text(f"predicted {guess} with {p[guess]:.1%}: {ok}")
        verdict.set_color(TRUE_COLOUR if guess == true else WRONG_COLOUR)

    return LivePlot(fig, {"test_image": index}, update)


def confusion_explorer(images, labels, probs, shown: int = 18, cols: int = 6) -> LivePlot:
    """Pick a cell of the confusion matrix (true digit, predicted digit) and see the images behind it."""
    pixels, labels, probs = _pixels(images), _np(labels), _np(probs)
    predicted = probs.argmax(axis=1)
    cm = np.zeros((10, 10), dtype=int)
    np.add.at(cm, (labels, predicted), 1)
    fig = new_figure(9.0, 3.6)
    ax_cm, ax_grid = fig.subplots(1, 2, width_ratios=[1, 1.5])
    ax_cm.imshow(np.log1p(cm), cmap="Blues")
    ax_cm.set(xticks=range(10), yticks=range(10), xlabel="predicted", ylabel="true")
    box = ax_cm.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, ec=WRONG_COLOUR, lw=2.5))

    rows, tile = -(-shown // cols), 28 + 10  # each digit gets a 28 x 28 tile plus a margin for its label
    mosaic = np.full((rows * tile, cols * tile), np.nan)  # one image for all tiles: one artist to redraw
    white_gaps = matplotlib.colormaps["gray_r"].with_extremes(bad="white")  # nan (no digit) shows white
    grid = ax_grid.imshow(mosaic, cmap=white_gaps, vmin=0, vmax=1)
    _blank(ax_grid)
    for spine in ax_grid.spines.values():
        spine.set_visible(False)
    captions = [ax_grid.text((k % cols) * tile + 14, (k // cols) * tile + 8.5, "", ha="center", va="bottom",
                             fontsize=7) for k in range(shown)]
    heading = ax_grid.set_xlabel("\n", fontsize=10)  # below the digits: two lines
    digits = [str(d) for d in range(10)]
    true_pick, pred_pick = dropdown("true digit", digits, "4"), dropdown("predicted digit", digits, "9")

    def update(true_digit, predicted_digit):
        t, p = int(true_digit), int(predicted_digit)
        box.set_xy((p - 0.5, t - 0.5))
        where = np.flatnonzero((labels == t) & (predicted == p))
        where = where[np.argsort(-probs[where, p])][:shown]  # the most confident first
        mosaic[:] = np.nan
        for k, caption in enumerate(captions):
            if k < len(where):
                r, c = divmod(k, cols)
                mosaic[r * tile + 9:r * tile + 37, c * tile + 5:c * tile + 33] = pixels[where[k]]
                caption.set_text(f"{probs[where[k], p]:.0%}")
            else:
                caption.set_text("")
        grid.set_data(mosaic)
        count = int(cm[t, p])
        kind = "correct" if t == p else "mistaken"
        heading.set_text(f"true {t}, predicted {p}: {count} {kind} images"
                         + (f"\nthe {shown} most confident shown" if count > shown else "\n"))

    return LivePlot(fig, {"true_digit": true_pick, "predicted_digit": pred_pick}, update)


# ----------------------------------------------------------------------------- smoke-test factories

def _synthetic(n: int = 60, seed: int = 0):
    """Small fake data: random 'digits', labels 0..9, and an untrained network's probabilities."""
    g = torch.Generator().manual_seed(seed)
    images = (torch.rand(n, 1, 28, 28, generator=g) > 0.8).float()  # (n, 1, 28, 28)
    labels = torch.arange(n) % 10  # (n,)
    torch.manual_seed(seed)
    with torch.no_grad():
        probs = torch.softmax(SimpleNN()(images) * 20, dim=1)  # sharpened so predictions vary
    return images, labels, probs


def _untrained_pad() -> DrawingPad:
    torch.manual_seed(0)
    return DrawingPad(SimpleNN(), strokes=example_strokes())


BUILDERS = {
    "probability_explorer": lambda: probability_explorer(*_synthetic()),
    "confusion_explorer": lambda: confusion_explorer(*_synthetic()),
    "drawing_pad": _untrained_pad,
}
