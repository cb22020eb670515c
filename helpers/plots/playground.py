"""The live playground of notebook 08: TensorFlow Playground's experience on the course's own engine.

`playground(pg)` shows a `helpers.playground.Playground` and lets the learner drive it:

- data: a preset (circle, XOR, two Gaussians, spiral) with noise and a train/test split; points of class A or B
  clicked onto the plane (an ipycanvas, as the drawing pad of notebook 06), Undo and Clear; a CSV file loaded
  with the upload button (a bad file's message is shown in the widget, and the data stay as they were);
- the network: input features (check boxes), 0-4 hidden layers of 1-8 neurons (a slider per layer, 0 = no layer),
  activation, learning rate, batch size, L2;
- training: Play / Pause (one toggle button), Step (one epoch), Reset (new weights from the seed), the epoch counter;
- pictures: the network (each input feature's and each hidden neuron's map over the plane, the edges' width and
  style from the weights, blue towards class A into the output, the output's map), the train and test loss over
  the epochs, and the plane itself: the output's decision map with the points, where clicks add points;
- export: the PyTorch or NumPy script of this network and its training, shown as code to copy.

Speed: every picture is drawn with NumPy and Pillow straight into pixels and encoded with the course's fast PNG
encoder (`helpers.widgets.canvas_png`); no matplotlib per frame. One `grid_outputs` forward pass over the grid
serves every map of a frame. Playing runs as an asyncio task on the kernel's own event loop: one epoch, a redraw,
then `await asyncio.sleep(...)`, so widget messages (Pause, a slider) are handled between frames and the kernel
stays responsive; at most FRAMES_PER_SECOND frames a second, so the browser keeps up and Pause answers at once.

Keyboard: every control is a standard widget (Tab, arrows, Page Up/Down, Home/End, Enter, Space). The plane needs
a mouse; its keyboard alternative is the point box under it (type "x₁, x₂", then Enter), or a CSV file.
"""

from __future__ import annotations

import asyncio
import html
import io
import time
from functools import lru_cache
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np
import PIL.Image
import PIL.ImageDraw
import PIL.ImageFont
from matplotlib import font_manager
from matplotlib.colors import to_rgb

import helpers.widgets as live
from helpers.errors import CourseError
from helpers.playground import (
    ACTIVATIONS,
    CLASS_NAMES,
    FEATURE_LABELS,
    FEATURES,
    LIMIT,
    MAX_LAYERS,
    MAX_NEURONS,
    MAX_NOISE,
    PRESETS,
    Playground,
    feature_matrix,
    grid_points,
)
from helpers.style import CLASS_COLOURS, NEG, POS, SERIES
from helpers.widgets import STATIC_NOTE, LivePlot, Picture, canvas_png, dropdown, int_slider, static_figure

RESOLUTION = 50  # each map is computed on a 50 x 50 grid over the plane
FRAMES_PER_SECOND = 25  # the most frames a second while playing
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # TensorFlow Playground's
L2_STRENGTHS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
OWN, YOUR_POINTS = "own", "your points"  # the menu's entry when the points are drawn or loaded
PRESET_NAMES = {"circle": "circle", "xor": "XOR", "gauss": "two Gaussians", "spiral": "spiral"}
WEIGHT_FULL = 2.0  # an edge of a weight this large (or larger) gets the widest line
CLASS_LABELS = {0: f"{CLASS_NAMES[0]} (circle)", 1: f"{CLASS_NAMES[1]} (square)"}


# ---------------------------------------------------------------------------------------------- pixels


def _scale() -> float:
    """Sizes grow with the style: 1 by default, 1.2 for the projector."""
    return 1.2 if live.STYLE == "projector" else 1.0


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> PIL.ImageFont.FreeTypeFont:
    """DejaVu Sans (shipped with matplotlib: every machine has it) at `size` pixels."""
    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal"))
    return PIL.ImageFont.truetype(path, size)


def _rgb(colour: str) -> tuple[int, int, int]:
    """A matplotlib colour as 0-255 RGB."""
    return tuple(round(255 * c) for c in to_rgb(colour))


def _ramp(*colours: str, lighten: float = 0.0) -> np.ndarray:
    """A (256, 3) uint8 colour table running through `colours` evenly, mixed with white by `lighten`."""
    stops = np.array([to_rgb(c) for c in colours])  # (k, 3)
    t = np.linspace(0, len(colours) - 1, 256)
    table = np.stack([np.interp(t, np.arange(len(colours)), stops[:, i]) for i in range(3)], axis=1)
    return np.round(255 * (table + (1 - table) * lighten)).astype(np.uint8)


VALUES = _ramp(NEG, "#ffffff", POS)  # a neuron's or a feature's value: orange low, white 0, blue high
OUTPUT = _ramp(CLASS_COLOURS[0], "#ffffff", CLASS_COLOURS[1], lighten=0.35)  # p(class B): A's colour 0 … B's 1
NAN_RGB = np.array(_rgb("#999999"), np.uint8)  # where a value is not a number (a diverged network)


def _colour(values: np.ndarray, table: np.ndarray, low: float, high: float) -> np.ndarray:
    """Values (h, w) -> pixels (h, w, 3) through a colour table spanning low..high; nan in grey."""
    t = (np.asarray(values, dtype=float) - low) / (high - low)  # 0..1
    index = np.clip(np.nan_to_num(t, nan=0.5) * 255 + 0.5, 0, 255).astype(np.intp)
    rgb = table[index]
    rgb[~np.isfinite(values)] = NAN_RGB
    return rgb


def _signed(values: np.ndarray, activation: str | None) -> np.ndarray:
    """Maps (..., h, w) scaled to -1..1 for VALUES: sigmoid's 0..1 around 0.5, tanh as it is, ReLU and the input
    features each by its own largest size on the plane (0 stays white)."""
    if activation == "sigmoid":
        return 2 * values - 1
    if activation == "tanh":
        return values
    top = np.where(np.isfinite(values), np.abs(values), 0.0).max(axis=(-2, -1), keepdims=True)
    return values / np.where(top > 0, top, 1.0)


def _resize(rgb: np.ndarray, size: int) -> np.ndarray:
    """Pixels (h, w, 3) -> (size, size, 3), smoothed (bilinear), as TensorFlow Playground's maps look."""
    return np.asarray(PIL.Image.fromarray(rgb).resize((size, size), PIL.Image.Resampling.BILINEAR))


def png(rgb: np.ndarray) -> bytes:
    """Pixels (h, w, 3) uint8 as PNG bytes, with the course's fast live-frame encoder."""
    return canvas_png(SimpleNamespace(buffer_rgba=lambda: rgb))


def _line(draw, points, fill, width: int, dashed: bool, s: float) -> None:
    """A polyline, solid or dashed (a negative weight, the test curve): dashes follow the whole line's length."""
    if not dashed:
        draw.line(points, fill=fill, width=width)
        return
    p = np.asarray(points, dtype=float)  # (m, 2)
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(p, axis=0).T))])  # (m,): length so far
    t = np.append(np.arange(0.0, along[-1], 1.0), along[-1])  # a sample every pixel, and the end
    xs, ys = np.interp(t, along, p[:, 0]), np.interp(t, along, p[:, 1])
    on = (t % (9 * s)) < 5 * s  # 5 pixels drawn, 4 skipped (at the default scale)
    ends = np.flatnonzero(np.diff(np.concatenate([[0], on.astype(np.int8), [0]])))  # where dashes start and stop
    for start, stop in zip(ends[::2], ends[1::2], strict=True):
        if stop - start > 1:
            draw.line(list(zip(xs[start:stop].tolist(), ys[start:stop].tolist(), strict=True)), fill=fill,
                      width=width)


# ---------------------------------------------------------------------------------------------- the network picture


class Layout:
    """Where everything sits in the network picture, in pixels, for a style's scale `s`."""

    def __init__(self, s: float):
        self.s = s
        self.width, self.height = round(450 * s), round(384 * s)
        self.node, self.gap = round(26 * s), round(6 * s)  # a small map's side, and the space between two
        self.out = round(52 * s)  # the output's map
        self.top = round(68 * s)  # the network starts under the text lines and the column titles
        self.net_height = MAX_NEURONS * (self.node + self.gap) - self.gap
        self.left, self.right = round(50 * s), round(12 * s)  # room for the features' names
        self.curve_top = self.top + self.net_height + round(14 * s)
        self.curve_height = self.height - self.curve_top - round(8 * s)
        self.text, self.small = _font(round(12 * s)), _font(round(10 * s))
        self.bold = _font(round(14 * s), bold=True)

    def columns(self, sizes: list[int]) -> list[np.ndarray]:
        """The centres (k, 2) of the nodes of each column: features, hidden layers, output."""
        count = len(sizes)
        first, last = self.left + self.node / 2, self.width - self.right - self.out / 2
        xs = np.linspace(first, last, count) if count > 1 else np.array([first])
        centres = []
        for i, (x, k) in enumerate(zip(xs, sizes, strict=True)):
            side = self.out if i == count - 1 else self.node
            span = k * side + (k - 1) * self.gap
            ys = self.top + (self.net_height - span) / 2 + side / 2 + np.arange(k) * (side + self.gap)
            centres.append(np.column_stack([np.full(k, x), ys]))
        return centres


def _stats(pg: Playground) -> dict:
    """The losses and accuracies now, computed once per frame for the picture and its alt text."""
    return {"train_loss": pg.loss("train"), "test_loss": pg.loss("test"),
            "train_accuracy": pg.accuracy("train"), "test_accuracy": pg.accuracy("test")}


def _summary_lines(pg: Playground, stats: dict) -> tuple[str, str, str]:
    """The picture's three text lines: epoch, losses and accuracies; data; settings."""
    losses = (f"train loss {_number(stats['train_loss'])} ({_share(stats['train_accuracy'])} right)   "
              f"test loss {_number(stats['test_loss'])} ({_share(stats['test_accuracy'])} right)")
    data = PRESET_NAMES.get(pg.data, {"csv": "your CSV file", "drawn": "drawn points"}.get(pg.data, pg.data))
    drawn = f", {pg.drawn} drawn" if pg.drawn else ""
    counts = np.bincount(pg.y_train, minlength=2)
    data_line = (f"data: {data}, {len(pg.y_train)} training points ({CLASS_NAMES[0]} {counts[0]}, "
                 f"{CLASS_NAMES[1]} {counts[1]}{drawn}), {len(pg.y_test)} test")
    activation = pg.activation if pg.hidden else "no activation"
    settings = f"{activation}, learning rate {pg.lr:g}, batch {pg.batch_size}, L2 {pg.l2:g}"
    return f"epoch {pg.epoch}", losses, data_line + "\n" + settings


def _share(value: float) -> str:
    """An accuracy as the picture writes it: a whole percentage, or 'none' when there are no points."""
    return f"{value:.0%}" if np.isfinite(value) else "none"


def _number(value: float) -> str:
    """A loss as the picture writes it: 3 decimals, or 'none' when there are no points."""
    return f"{value:.3f}" if np.isfinite(value) else ("none" if np.isnan(value) else "inf")


def _tile_box(x: float, y: float, side: int) -> tuple[int, int]:
    """The top left pixel of a map of `side` pixels centred on (x, y)."""
    return round(x - side / 2), round(y - side / 2)


@lru_cache(maxsize=32)
def _background(features: tuple, hidden: tuple, s: float) -> PIL.Image.Image:
    """What stays while the network trains: the input features' maps, every map's frame, the names, the column
    titles, the loss box and its legend. Drawn once per network shape (text costs time per character)."""
    L = Layout(s)
    image = PIL.Image.new("RGB", (L.width, L.height), "white")
    draw = PIL.ImageDraw.Draw(image)
    centres = L.columns([len(features), *hidden, 1])
    maps = feature_matrix(grid_points(L.node), features).T.reshape(len(features), L.node, L.node)
    tiles = _colour(_signed(maps, None), VALUES, -1, 1)  # (k, node, node, 3)
    for tile, (x, y) in zip(tiles, centres[0], strict=True):
        image.paste(PIL.Image.fromarray(tile), _tile_box(x, y, L.node))
    for c, column in enumerate(centres):
        side = L.out if c == len(centres) - 1 else L.node
        for x, y in column:
            left, top = _tile_box(x, y, side)
            draw.rectangle([left - 1, top - 1, left + side, top + side], outline=(0, 0, 0) if side == L.out
                           else (90, 90, 90))
    for name, (fx, fy) in zip(features, centres[0], strict=True):
        draw.text((fx - L.node / 2 - 4 * s, fy), FEATURE_LABELS[name], font=L.small, fill="black", anchor="rm")
    titles = ["features", *(f"layer {i + 1}" for i in range(len(hidden))), "output"]
    for title, column in zip(titles, centres, strict=True):
        draw.text((column[0, 0], L.top - 6 * s), title, font=L.small, fill="black", anchor="ms")
    x0, x1, y0, y1 = L.left, L.width - L.right, L.curve_top, L.curve_top + L.curve_height
    draw.rectangle([x0, y0, x1, y1], outline=(150, 150, 150))
    draw.text((x0 + 4 * s, y0 + 2 * s), "loss", font=L.small, fill="black", anchor="la")
    draw.text((x0 - 4 * s, y1), "0", font=L.small, fill="black", anchor="rd")
    legend_y = y0 + 8 * s
    for k, (name, dashed) in enumerate((("train", False), ("test", True))):
        lx = x1 - 110 * s + k * 55 * s
        _line(draw, [(lx, legend_y), (lx + 16 * s, legend_y)], _rgb(SERIES[k]), max(1, round(2 * s)), dashed, s)
        draw.text((lx + 19 * s, legend_y), name, font=L.small, fill="black", anchor="lm")
    return image


def output_edges(pg: Playground) -> np.ndarray:
    """The edges into the output (1, k): the last layer's two rows become one, score A minus score B, so that one
    colour rule holds from the last hidden layer to the output. A neuron's value up (bluer) along a positive (blue)
    edge moves the output towards class A (blue); along a negative (orange) edge, towards class B (orange)."""
    W = pg.weights()[-1]  # (2, k): the scores of A and B
    return W[:1] - W[1:]


def network_pixels(pg: Playground, outputs, layout: Layout, stats: dict | None = None) -> np.ndarray:
    """The network picture (h, w, 3): text lines, the maps of the features, the hidden neurons and the output, the
    edges (width: |weight|; solid blue +, dashed orange −; into the output, `output_edges`), and the loss curves."""
    s, L = layout.s, layout
    image = _background(pg.features, pg.hidden, s).copy()
    draw = PIL.ImageDraw.Draw(image)
    centres = L.columns([len(pg.features), *pg.hidden, 1])
    weights = [*pg.weights()[:-1], output_edges(pg)]  # edges first
    for i, W in enumerate(weights):
        src, dst = centres[i], centres[i + 1]
        half_dst = (L.out if i + 1 == len(centres) - 1 else L.node) / 2
        for flat in np.argsort(np.abs(W), axis=None):  # the strongest edges on top
            j, k = np.unravel_index(flat, W.shape)
            w = float(W[j, k])
            width = max(1, round(s * (0.6 + 5.4 * min(abs(w) / WEIGHT_FULL, 1.0)))) if np.isfinite(w) else 1
            colour = _rgb(POS if w > 0 else NEG if w < 0 else "#cccccc")
            _line(draw, [(src[k, 0] + L.node / 2 + 1, src[k, 1]), (dst[j, 0] - half_dst - 2, dst[j, 1])], colour,
                  width, dashed=w < 0, s=s)
    stats = stats or _stats(pg)
    epoch, losses, lines = _summary_lines(pg, stats)
    draw.text((6 * s, 4 * s), epoch, font=L.bold, fill="black")
    draw.text((L.width - 6 * s, 5 * s), losses, font=L.text, fill="black", anchor="ra")
    draw.multiline_text((6 * s, 21 * s), lines, font=L.small, fill=(60, 60, 60), spacing=1)
    _loss_curves(draw, pg.history, L)
    pixels = np.array(image)  # (h, w, 3), writable: the maps go in by slicing
    if pg.hidden:  # every hidden neuron's map, computed at the tile's own size: no resizing
        tiles = _colour(_signed(np.stack(pg.grid_outputs(L.node)[1]), pg.activation), VALUES, -1, 1)
        for tile, (x, y) in zip(tiles, np.vstack(centres[1:-1]), strict=True):
            left, top = _tile_box(x, y, L.node)
            pixels[top:top + L.node, left:left + L.node] = tile
    left, top = _tile_box(*centres[-1][0], L.out)
    pixels[top:top + L.out, left:left + L.out] = _resize(_colour(outputs[0], OUTPUT, 0, 1), L.out)
    return pixels


def _loss_curves(draw, history, L: Layout) -> None:
    """Train (solid) and test (dashed) loss over the epochs, under the network, with a small legend."""
    s = L.s
    x0, x1 = L.left, L.width - L.right
    y0, y1 = L.curve_top, L.curve_top + L.curve_height
    epochs = np.array([h[0] for h in history], dtype=float)
    curves = np.array([h[1:] for h in history], dtype=float).reshape(-1, 2)  # (epochs, 2): train, test
    finite = curves[np.isfinite(curves)]
    top = float(finite.max()) if finite.size else 1.0
    top = top if top > 0 else 1.0
    y0 += 14 * s  # the curves stay under the legend's line
    draw.text((x0 - 4 * s, y0), f"{top:.2g}", font=L.small, fill=(90, 90, 90), anchor="rm")
    span = max(epochs[-1], 1.0) if epochs.size else 1.0
    for column, dashed in ((0, False), (1, True)):
        ys = curves[:, column]
        keep = np.isfinite(ys)
        if keep.sum() < 2:
            continue
        px = x0 + 2 + (x1 - x0 - 4) * epochs[keep] / span
        py = y1 - 2 - (y1 - y0 - 4) * np.clip(ys[keep] / top, 0, 1)
        step = max(1, len(px) // 400)  # at most ~400 points per curve: a long run stays fast to draw
        points = list(zip(px[::step].tolist(), py[::step].tolist(), strict=True))
        if len(points) > 1:
            _line(draw, points, _rgb(SERIES[column]), max(1, round(2 * s)), dashed, s)
    draw.text((x1 - 3 * s, y1 - 2 * s), f"epochs 0 … {int(span) if epochs.size else 0}", font=L.small,
              fill=(90, 90, 90), anchor="rd")


# ---------------------------------------------------------------------------------------------- the plane


def to_pixels(X: np.ndarray, size: int) -> np.ndarray:
    """Points of the plane (n, 2) -> canvas pixels (n, 2): x₁ to the right, x₂ up."""
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    return np.column_stack([(X[:, 0] + LIMIT) / (2 * LIMIT) * size, (LIMIT - X[:, 1]) / (2 * LIMIT) * size])


def to_plane(x: float, y: float, size: int) -> tuple[float, float]:
    """A canvas pixel -> the point (x₁, x₂) of the plane, rounded to 2 decimals, inside the plane."""
    x1 = np.clip(x / size * 2 * LIMIT - LIMIT, -LIMIT, LIMIT)
    x2 = np.clip(LIMIT - y / size * 2 * LIMIT, -LIMIT, LIMIT)
    return round(float(x1), 2), round(float(x2), 2)


def plane_map(output: np.ndarray, size: int) -> np.ndarray:
    """The output's decision map (res, res) as pixels (size, size, 3): A's colour where p(B) is 0, B's where 1."""
    return _resize(_colour(output, OUTPUT, 0, 1), size)


def point_groups(pg: Playground, size: int, show_test: bool):
    """(pixels (n, 2), label, is_test) for each group of points to draw: training points filled, test hollow."""
    groups = []
    for X, y, test in ((pg.X_train, pg.y_train, False), (pg.X_test, pg.y_test, True)):
        if test and not show_test:
            continue
        for label in (0, 1):
            groups.append((to_pixels(X[y == label], size), label, test))
    return groups


def plane_pixels(pg: Playground, output: np.ndarray, size: int, show_test: bool) -> np.ndarray:
    """The plane as the static picture shows it: the decision map, the points, the axes' ends."""
    image = PIL.Image.fromarray(plane_map(output, size))
    draw = PIL.ImageDraw.Draw(image)
    r = _radius(size)
    for pixels, label, test in point_groups(pg, size, show_test):
        colour = _rgb(CLASS_COLOURS[label])
        fill, outline, width = ((255, 255, 255), colour, 2) if test else (colour, (0, 0, 0), 1)
        for x, y in pixels.tolist():
            box = [x - r, y - r, x + r, y + r]
            (draw.ellipse if label == 0 else draw.rectangle)(box, fill=fill, outline=outline, width=width)
    font = _font(round(size / 28))
    for text, place, anchor in _ticks(size):
        draw.text(place, text, font=font, fill=(40, 40, 40), anchor=anchor)
    return np.asarray(image)


def _radius(size: int) -> float:
    """A point's radius on a plane `size` pixels wide."""
    return size / 75


def _ticks(size: int) -> list[tuple[str, tuple[float, float], str]]:
    """The plane's axis labels: (text, where, PIL anchor)."""
    m = 3
    return [(f"x₁ = −{LIMIT:g}", (m, size - m), "ld"), (f"x₁ = {LIMIT:g}", (size - m, size - m), "rd"),
            (f"x₂ = {LIMIT:g}", (m, m), "la")]


# ---------------------------------------------------------------------------------------------- the widget


def _narrow(control, width: int = 230):
    """A control made narrower, so that several fit on a row."""
    control.layout.width = f"{width}px"
    return control


class PlaygroundWidget(LivePlot):
    """Controls, the network picture (the LivePlot's image) and the clickable plane, all reading one Playground."""

    def __init__(self, pg: Playground | None = None):
        from ipycanvas import Canvas  # imported here, as in helpers.draw

        self.pg = pg if pg is not None else Playground()
        self.layout_px = Layout(_scale())
        self.size = round(300 * _scale())
        self.error: str | None = None
        self._task: asyncio.Task | None = None
        self._quiet = False
        self._outputs, self._stats = None, None
        self._update, self._background, self._animated = (lambda **_values: None), None, []  # LivePlot's redraw
        pg = self.pg
        noise = round(100 * pg.noise) if pg.data in PRESETS else 0
        controls = {
            "preset": dropdown("data", [(PRESET_NAMES[p], p) for p in PRESETS] + [(YOUR_POINTS, OWN)],
                               pg.data if pg.data in PRESETS else OWN),
            "noise": _narrow(int_slider("noise %", noise, 0, round(100 * MAX_NOISE), 5)),
            "train_percent": _narrow(int_slider("training data %", round(100 * (1 - pg.test_fraction)), 10, 90, 10)),
            "show_test": widgets.Checkbox(value=True, description="show test points", indent=False),
            **{name: widgets.Checkbox(value=name in pg.features, description=FEATURE_LABELS[name], indent=False,
                                      layout=widgets.Layout(width="90px")) for name in FEATURES},
            **{f"layer{i + 1}": _narrow(int_slider(f"layer {i + 1}", pg.hidden[i] if i < len(pg.hidden) else 0,
                                                   0, MAX_NEURONS), 190) for i in range(MAX_LAYERS)},
            "activation": dropdown("activation", list(ACTIVATIONS), pg.activation),
            "lr": dropdown("learning rate", [(f"{v:g}", v) for v in _with(LEARNING_RATES, pg.lr)], pg.lr),
            "batch_size": _narrow(int_slider("batch size", min(pg.batch_size, 30), 1, 30), 220),
            "l2": dropdown("L2", [(f"{v:g}", v) for v in _with(L2_STRENGTHS, pg.l2)], pg.l2),
            "seed": dropdown("seed", sorted(set(range(10)) | {pg.seed}), pg.seed),
        }
        self.controls = controls
        for name in ("activation", "lr", "l2"):
            controls[name].layout.width = "190px"
        controls["seed"].layout.width = "150px"
        controls["preset"].layout.width = "180px"
        controls["noise"].layout.width = controls["train_percent"].layout.width = "210px"
        # buttons
        self.play_button = widgets.ToggleButton(description="Play", icon="play", tooltip="Play / pause training")
        self.step_button = widgets.Button(description="Step", icon="step-forward", tooltip="Train one epoch")
        self.reset_button = widgets.Button(description="Reset", icon="refresh",
                                           tooltip="Back to the seed's starting weights, epoch 0: the same start "
                                                   "each time (pick another seed for a new one)")
        self.torch_button = widgets.Button(description="PyTorch code", icon="code",
                                           tooltip="Show this network and its training as a PyTorch script")
        self.numpy_button = widgets.Button(description="NumPy code", icon="code",
                                           tooltip="The same script with the course's NumPy layers (helpers.nn)")
        self.epoch_label = widgets.HTML()
        self.epoch_label.add_class("nn-playground-epoch")
        self.upload = widgets.FileUpload(accept=".csv,.txt", multiple=False, description="Load CSV",
                                         tooltip="A file of lines x1, x2, label (label 0/1 or A/B)")
        self.label_choice = widgets.ToggleButtons(options=[(CLASS_LABELS[0], 0), (CLASS_LABELS[1], 1)], value=0,
                                                  style={"button_width": "90px"})
        self.undo_button = widgets.Button(description="Undo point", icon="undo", tooltip="Remove the last drawn point")
        self.clear_button = widgets.Button(description="Clear points", icon="eraser",
                                           tooltip="Remove every point, to draw your own data")
        self.point_box = widgets.Text(placeholder="x₁, x₂  e.g. 1.5, -2", continuous_update=False,
                                      description="point", style={"description_width": "initial"},
                                      layout=widgets.Layout(width="200px"),
                                      tooltip="Type a point's x₁, x₂ and press Enter: a point of the class chosen "
                                              "above (the keyboard's way to draw)")
        self.reload_button = widgets.Button(description="Reload data", icon="repeat",
                                            tooltip="The data set of the menu with its own points again, at the noise "
                                                    "and split of the sliders (drawn points go)")
        for button in (self.step_button, self.reset_button, self.torch_button, self.numpy_button, self.undo_button,
                       self.clear_button, self.reload_button):
            button.layout.width = "auto"
        # the pictures
        self.image = Picture(format="png", layout=widgets.Layout(border="1px solid #999", align_self="flex-start",
                                                                 flex="0 0 auto"))
        self.image.add_class("nn-liveplot-image")
        self.image.add_class("nn-playground-network")
        self.plane = Canvas(width=self.size, height=self.size, layout=widgets.Layout(
            width=f"{self.size}px", height=f"{self.size}px", border="1px solid #555"))
        # ipycanvas traps Tab on its canvas; the course's class for such a canvas lets pages and tests step over it
        self.plane.add_class("nn-draw-canvas")
        self.plane.add_class("nn-playground-plane")
        plane_box = widgets.Box([self.plane])
        plane_box.add_class("nn-draw-canvas")
        self.note = widgets.HTML()  # a learner's message: a bad CSV, a setting refused, no points to train on
        self.note.add_class("nn-playground-note")
        self.message = widgets.HTML()  # a redraw error, if any (as in every LivePlot)
        self.code = widgets.HTML()
        self.code.add_class("nn-playground-code")
        # layout: the buttons; the data row; network picture | plane; then the network's controls
        top = widgets.HBox([self.play_button, self.step_button, self.reset_button, self.epoch_label,
                            self.torch_button, self.numpy_button], layout=widgets.Layout(align_items="center"))
        data = widgets.HBox([controls[name] for name in ("preset", "noise", "train_percent", "show_test")]
                            + [self.upload, self.reload_button],
                            layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        # beside the plane (below it on a narrow page): how to add points, then what the colours and shapes mean
        self.label_choice.layout.width = "auto"
        side = widgets.VBox([
            widgets.HTML("<b>clicks add</b>"), self.label_choice,
            widgets.HBox([self.undo_button, self.clear_button], layout=widgets.Layout(flex_flow="row wrap")),
            self.point_box,
            widgets.HTML(
                "<div style='line-height:1.25; font-size:0.85em'>The plane: x₁ across, x₂ up, −6 to 6; colour: "
                "the network's answer, blue for class A (low probability of B), orange for class B (high), pale "
                "near 50%. Blue reads the same way in the network picture: a blue (high) neuron along a blue edge "
                "into the output pushes it towards class A, along an orange edge towards class B. A click adds a "
                "point of the class chosen above (or type its x₁, x₂ in the box and press Enter). Circles: class "
                "A, squares: class B, hollow: test points.</div>")],
            layout=widgets.Layout(width="205px", margin="0 0 0 6px"))
        main = widgets.HBox([self.image, plane_box, side], layout=widgets.Layout(flex_flow="row wrap"))
        features = widgets.HBox([widgets.HTML("<b>features</b>"), *(controls[n] for n in FEATURES)])
        layers = widgets.HBox([widgets.HTML("<b>neurons</b> (0: no layer)"),
                               *(controls[f"layer{i + 1}"] for i in range(MAX_LAYERS))])
        training = widgets.HBox([controls[n] for n in ("activation", "lr", "batch_size", "l2", "seed")])
        widgets.VBox.__init__(self, [top, data, main, features, layers, training, self.note, self.message,
                                     self.code])
        self.add_class("nn-liveplot")
        self.add_class("nn-playground")
        # wiring
        for name, control in controls.items():
            control.observe(lambda change, name=name: self._on_control(name), names="value")
        self.play_button.observe(self._on_play, names="value")
        self.step_button.on_click(lambda _b: self.step())
        self.reset_button.on_click(lambda _b: self._act(self.pg.reset))
        self.torch_button.on_click(lambda _b: self.show_code("PyTorch", self.pg.export_torch()))
        self.numpy_button.on_click(lambda _b: self.show_code("NumPy (helpers.nn)", self.pg.export_numpy()))
        self.undo_button.on_click(lambda _b: self._act(self.pg.undo))
        self.clear_button.on_click(lambda _b: self._act(self.pg.clear))
        self.reload_button.on_click(lambda _b: self.reload())
        self.point_box.observe(lambda change: self.type_point(change["new"]) if change["new"] else None,
                               names="value")
        self.upload.observe(self._on_upload, names="value")
        self.plane.on_mouse_down(self.click)
        self.redraw()

    # ---- what the widget does
    def _on_control(self, name: str) -> None:
        """A control moved: change the data or the network (a refused setting is put back, with its reason)."""
        if self._quiet:
            return
        v, pg, note = self.values, self.pg, ""
        test_fraction = (100 - v["train_percent"]) / 100
        try:
            if name == "preset" and v["preset"] == OWN:
                note = ("“your points” is what the menu shows once you draw on an empty plane (Clear points) or "
                        "load a CSV; pick a data set here to get its points")
            elif name == "train_percent":  # the points stay, drawn and loaded ones too: only the split changes
                drawn = pg.drawn
                pg.resplit(test_fraction)
                if pg.data not in PRESETS:
                    note = (f"Your points split again: {len(pg.y_train)} training and {len(pg.y_test)} test"
                            + (" (drawn points now count as data, so Undo cannot remove them)." if drawn else "."))
            elif name == "noise" and v["preset"] == OWN:
                note = ("the noise applies to the data sets of the menu; your points are unchanged. Pick a data set "
                        "to use it")
            elif name in ("preset", "noise"):
                if pg.drawn or pg.data not in PRESETS:
                    mine = f"the {pg.drawn} drawn point(s)" if pg.data in PRESETS else "your points"
                    note = f"The {PRESET_NAMES[v['preset']]} now: {mine} went with the old data."
                pg.set_preset(v["preset"], noise=v["noise"] / 100, test_fraction=test_fraction)
            elif name in FEATURES:  # only the setting that moved: the others stay as the playground has them
                pg.configure(features=tuple(f for f in FEATURES if v[f]))
            elif name.startswith("layer"):
                pg.configure(hidden=tuple(v[f"layer{i + 1}"] for i in range(MAX_LAYERS) if v[f"layer{i + 1}"]))
            elif name != "show_test":
                pg.configure(**{name: v[name]})
            self.note.value = f"<div role='status'>{html.escape(note)}</div>" if note else ""
        except CourseError as err:
            self._say(str(err))
            self._restore(name)
        self.redraw()

    def reload(self) -> None:
        """The menu's data set with its own points again, at the sliders' noise and split (drawn points go)."""
        v = self.values
        if v["preset"] == OWN:
            self._say("pick a data set in the menu first: your own points cannot be reloaded")
            return
        self._act(lambda: self.pg.set_preset(v["preset"], noise=v["noise"] / 100,
                                             test_fraction=(100 - v["train_percent"]) / 100))

    def _restore(self, name: str) -> None:
        """Put a refused control back to what the playground still has."""
        pg, control = self.pg, self.controls[name]
        old = {f: f in pg.features for f in FEATURES} | {
            f"layer{i + 1}": pg.hidden[i] if i < len(pg.hidden) else 0 for i in range(MAX_LAYERS)} | {
            "noise": round(100 * pg.noise), "train_percent": round(100 - 100 * pg.test_fraction)}
        old["preset"] = pg.data if pg.data in PRESETS else OWN
        if name in old:
            self._quiet = True
            try:
                control.value = old[name]
            finally:
                self._quiet = False

    def _act(self, action) -> None:
        """Run a button's action on the playground; a refusal is shown, never raised."""
        try:
            action()
            self.note.value = ""
        except CourseError as err:
            self._say(str(err))
        self.redraw()

    def _say(self, text: str) -> None:
        """Show a message to the learner inside the widget."""
        self.note.value = f"<div role='alert' style='color:#8a1c00'><b>Note:</b> {html.escape(text)}</div>"

    def click(self, x: float, y: float) -> None:
        """A click on the plane at canvas pixel (x, y): a point of the chosen class there."""
        x1, x2 = to_plane(x, y, self.size)
        self._act(lambda: self.pg.add_point(x1, x2, self.label_choice.value))

    def type_point(self, text: str) -> None:
        """A point typed as "x₁, x₂" (the keyboard's way to draw): added with the chosen class, then the box empties."""
        parts = text.replace(",", " ").split()
        if len(parts) != 2:
            self._say(f"type a point as two numbers, x₁ and x₂, e.g. 1.5, -2 (got {text.strip()!r})")
            return
        before = self.pg.drawn
        self._act(lambda: self.pg.add_point(parts[0], parts[1], self.label_choice.value))
        if self.pg.drawn > before:
            self.point_box.value = ""

    def load(self, content, name: str = "the file") -> bool:
        """Load a CSV's bytes or text into the playground; a bad file's message is shown and the data stay."""
        try:
            self.pg.load_csv(content if isinstance(content, str) else bytes(content))
        except CourseError as err:
            self._say(f"{name} was not loaded, your data are unchanged. {err}")
            self.redraw()
            return False
        self.note.value = (f"<div role='status'>Loaded {html.escape(name)}: {len(self.pg.y_train)} training and "
                           f"{len(self.pg.y_test)} test points.</div>")
        self.redraw()
        return True

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        self.load(upload["content"], upload.get("name") or "the file")
        self.upload.value = ()  # so that the same file can be loaded again

    def step(self) -> None:
        """Train one epoch and redraw."""
        self._act(lambda: self.pg.step(1))

    def show_code(self, kind: str, code: str) -> None:
        """Show an exported script under the widget, ready to copy."""
        self.code.value = (f"<details open><summary><b>{html.escape(kind)} script</b> of this network at epoch "
                           f"{self.pg.epoch}: copy it into a .py file and run it</summary>"
                           f"<pre style='max-height:24em; overflow:auto; font-size:12px'>{html.escape(code)}</pre>"
                           "</details>")

    @property
    def playground(self) -> Playground:
        """The Playground this widget shows (a challenge's check reads it: `q1.check(widget)` works too)."""
        return self.pg

    # ---- playing
    @property
    def playing(self) -> bool:
        """True while the Play button is down."""
        return bool(self.play_button.value)

    def _on_play(self, change) -> None:
        self.play_button.description, self.play_button.icon = ("Pause", "pause") if change["new"] else ("Play", "play")
        if not change["new"] or (self._task is not None and not self._task.done()):
            return  # Pause: the running task sees it before its next epoch
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._say("Play needs a running kernel: in plain Python, train with pg.step(epochs)")
            self.play_button.value = False
            return
        self._task = loop.create_task(self._play())

    async def _play(self) -> None:
        """Train an epoch, redraw, give the kernel's loop its turn; until Pause, or until training is refused."""
        try:
            while self.playing:
                started = time.perf_counter()
                try:
                    self.pg.step(1)
                except CourseError as err:
                    self._say(str(err))
                    self.play_button.value = False
                    break
                self.redraw()
                await asyncio.sleep(max(0.0, 1 / FRAMES_PER_SECOND - (time.perf_counter() - started)))
        finally:
            self._task = None

    # ---- pictures
    def redraw(self) -> None:
        """Redraw the network picture, its alt text and the plane (LivePlot's redraw: errors shown under the plot),
        then the epoch counter and the Undo button's state."""
        self._quiet, before = True, self._quiet  # the controls show the playground's settings; no change follows
        try:
            self._sync_controls()
        finally:
            self._quiet = before
        super().redraw()
        self.epoch_label.value = f"<b style='font-size:1.2em'>Epoch {self.pg.epoch}</b>"
        self.undo_button.disabled = not self.pg.can_undo

    def _sync_controls(self) -> None:
        """Set every control from the playground, so that code's changes (pg.configure, pg.set_preset) show, and a
        later move of one control starts from them (called quietly, from redraw)."""
        pg, c = self.pg, self.controls
        c["preset"].value = pg.data if pg.data in PRESETS else OWN
        if pg.data in PRESETS:
            c["noise"].value = round(100 * pg.noise)
        c["train_percent"].value = round(100 - 100 * pg.test_fraction)
        for name in FEATURES:
            c[name].value = name in pg.features
        sliders = tuple(c[f"layer{i + 1}"].value for i in range(MAX_LAYERS))
        if tuple(n for n in sliders if n) != pg.hidden:  # sliders at 0 between layers stay where the learner put them
            for i in range(MAX_LAYERS):
                c[f"layer{i + 1}"].value = pg.hidden[i] if i < len(pg.hidden) else 0
        c["activation"].value = pg.activation
        for name, values in (("lr", LEARNING_RATES), ("l2", L2_STRENGTHS)):
            if getattr(pg, name) not in [value for _label, value in c[name].options]:  # set in code: the menu gets it
                c[name].options = [(f"{v:g}", v) for v in _with(values, getattr(pg, name))]
            c[name].value = getattr(pg, name)
        c["batch_size"].value = min(pg.batch_size, 30)
        if pg.seed not in c["seed"].options:
            c["seed"].options = sorted(set(c["seed"].options) | {pg.seed})
        c["seed"].value = pg.seed

    def _render(self, full: bool = True) -> bytes:
        """The network picture for the current state, and the plane drawn from the same forward pass."""
        self._outputs, self._stats = self.pg.grid_outputs(RESOLUTION), _stats(self.pg)
        self._draw_plane()
        return png(network_pixels(self.pg, self._outputs, self.layout_px, self._stats))

    def _draw_plane(self) -> None:
        """The decision map (one picture) and the points (shapes) on the canvas, in one message."""
        from ipycanvas import hold_canvas

        c, size = self.plane, self.size
        r = _radius(size)
        with hold_canvas():
            c.put_image_data(plane_map(self._outputs[0], size), 0, 0)
            for pixels, label, test in point_groups(self.pg, size, self.controls["show_test"].value):
                if not len(pixels):
                    continue
                x, y = pixels[:, 0], pixels[:, 1]
                colour = CLASS_COLOURS[label]
                c.fill_style, c.stroke_style, c.line_width = ("white", colour, 2) if test else (colour, "black", 1)
                if label == 0:
                    c.fill_circles(x, y, r)
                    c.stroke_circles(x, y, r)
                else:
                    c.fill_rects(x - r, y - r, 2 * r)
                    c.stroke_rects(x - r, y - r, 2 * r)
            c.fill_style = "#282828"
            c.font = f"{round(size / 28)}px sans-serif"
            for text, (tx, ty), anchor in _ticks(size):
                c.text_align = {"l": "left", "r": "right"}[anchor[0]]
                c.text_baseline = {"d": "bottom", "a": "top"}[anchor[1]]
                c.fill_text(text, tx, ty)

    def describe(self) -> str:
        """Alt text: the data, the network, the epoch, losses and accuracies now, then every control's value."""
        pg, stats = self.pg, self._stats or _stats(self.pg)  # the frame's own numbers, computed once in _render
        epoch, losses, lines = _summary_lines(pg, stats)
        sizes = " → ".join(str(k) for k in (len(pg.features), *pg.hidden, 2))
        values = [f"{c.description or name} = {_value(c.value)}" for name, c in self.controls.items()]
        return (f"Plot: the playground at {epoch}; {losses}; {lines.replace(chr(10), '; ')}; network "
                f"{sizes} ({', '.join(FEATURE_LABELS[f] for f in pg.features)} in, two scores out), each neuron's "
                "map over the plane (blue high, orange low; the output's map and the plane: blue class A, orange "
                "class B), edges solid blue for positive weights and dashed orange for negative ones (into the "
                "output: blue where a high neuron pushes towards class A, orange where towards class B). Controls: "
                f"{', '.join(values)}.")

    def static_bundle(self) -> dict:
        """For viewers without a kernel: the network picture and the plane side by side, with the alt text (redrawn
        first, so that both show the playground as it is now)."""
        self.redraw()
        outputs = self._outputs
        left = network_pixels(self.pg, outputs, self.layout_px, self._stats)
        right = plane_pixels(self.pg, outputs[0], self.size, self.controls["show_test"].value)
        height = max(left.shape[0], right.shape[0])
        both = np.full((height, left.shape[1] + 10 + right.shape[1], 3), 255, np.uint8)
        both[:left.shape[0], :left.shape[1]] = left
        both[:right.shape[0], left.shape[1] + 10:] = right
        return {"text/html": static_figure(_saved_png(both), self.describe(), STATIC_NOTE),
                "text/plain": STATIC_NOTE}


def _saved_png(rgb: np.ndarray) -> bytes:
    """The static picture as the notebook file keeps it: 64 colours (the maps are smooth), fully compressed."""
    buf = io.BytesIO()
    PIL.Image.fromarray(rgb).quantize(64).save(buf, format="png", optimize=True)
    return buf.getvalue()


def _with(values: tuple, value: float) -> list:
    """A menu's values, with `value` added in order if it is not one of them."""
    return sorted(set(values) | {float(value)})


def _value(value) -> str:
    """A control's value for alt text."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def playground(pg: Playground | None = None) -> PlaygroundWidget:
    """The live playground for `pg` (a new circle playground, 2-4-2, if none)."""
    return PlaygroundWidget(pg)


BUILDERS = {"playground": playground}
