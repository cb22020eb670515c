"""Draw your own digit: a canvas for the mouse, MNIST-style preprocessing, and live probabilities.

The mouse points are recorded in Python (not read back from the browser), so the picture the
network sees is rebuilt here with NumPy, exactly like MNIST was made (LeCun et al.):
crop to the ink, scale the longer side to 20 pixels keeping the aspect ratio, and paste into a
28 x 28 field so that the centre of mass sits in the middle.

Without a mouse: the "Next test digit" button puts a real MNIST test digit on the pad (one dot per
inked pixel), the ink-width slider makes it thicker or thinner, and a mouse can still draw on top.
Buttons answer Enter and Space; the slider answers the arrow keys (JupyterLab) and Page Up/Down, Home, End.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import torch
import torch.nn.functional as F

from helpers.errors import CourseError
from helpers.style import OTHER, RIGHT
from helpers.widgets import LivePlot, new_figure, slider

CANVAS_SIZE = 280  # pixels on screen; 10 x MNIST's 28
DIGIT_BOX = 20  # MNIST digits fit a 20 x 20 box ...
FIELD = 28  # ... centred in a 28 x 28 image

Stroke = list[tuple[float, float]]  # the (x, y) points of one mouse stroke, in canvas pixels


def rasterise(strokes: list[Stroke], size: int = CANVAS_SIZE, width: float = 20.0) -> np.ndarray:
    """Paint strokes as round-capped lines `width` pixels wide; return a (size, size) float array, ink = 1."""
    ink = np.zeros((size, size), dtype=np.float32)
    r = width / 2
    dy, dx = np.mgrid[-int(r):int(r) + 1, -int(r):int(r) + 1]
    disk = dx**2 + dy**2 <= r**2
    dx, dy = dx[disk], dy[disk]  # offsets of every pixel of a round brush, (k,)
    for stroke in strokes:
        pts = np.asarray(stroke, dtype=float).reshape(-1, 2)  # (m, 2)
        if len(pts) == 0:
            continue
        dense = [pts[:1]]  # sample each segment every half pixel so the line has no gaps
        for a, b in zip(pts[:-1], pts[1:], strict=True):
            steps = max(1, int(np.ceil(2 * np.hypot(*(b - a)))))
            t = np.linspace(0, 1, steps + 1)[1:, None]
            dense.append(a + t * (b - a))
        centres = np.rint(np.concatenate(dense)).astype(int)  # (p, 2)
        xs = (centres[:, :1] + dx).ravel()
        ys = (centres[:, 1:] + dy).ravel()
        keep = (xs >= 0) & (xs < size) & (ys >= 0) & (ys < size)
        ink[ys[keep], xs[keep]] = 1.0
    return ink


class DrawingError(CourseError, ValueError):
    """A drawing that cannot be turned into an MNIST-style image."""


def mnist_style(ink: np.ndarray) -> np.ndarray:
    """Crop to the ink, scale into a 20 x 20 box (aspect kept), centre by mass in 28 x 28. Returns (28, 28) in 0..1."""
    ink = np.asarray(ink, dtype=np.float32)
    if ink.ndim != 2:
        raise DrawingError(f"expected a 2-D image (height, width), got shape {ink.shape}")
    rows, cols = np.nonzero(ink > 0)
    out = np.zeros((FIELD, FIELD), dtype=np.float32)
    if len(rows) == 0:
        return out  # nothing drawn
    crop = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]  # (h, w): the ink's bounding box
    h, w = crop.shape
    scale = DIGIT_BOX / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    small = F.interpolate(torch.from_numpy(crop)[None, None], size=(new_h, new_w),
                          mode="area" if scale < 1 else "bilinear")[0, 0].numpy()  # averaging = grey edges
    small = np.clip(small / max(small.max(), 1e-6), 0.0, 1.0)  # darkest pixel = 1, like MNIST
    ys, xs = np.mgrid[0:new_h, 0:new_w]
    mass = small.sum()
    cy, cx = (ys * small).sum() / mass, (xs * small).sum() / mass  # centre of mass inside the patch
    top = int(np.clip(round(FIELD / 2 - cy), 0, FIELD - new_h))  # centre of mass -> pixel (14, 14),
    left = int(np.clip(round(FIELD / 2 - cx), 0, FIELD - new_w))  # where MNIST's digits have it
    out[top:top + new_h, left:left + new_w] = small
    return out


def image_strokes(image, size: int = CANVAS_SIZE, threshold: float = 0.5) -> list[Stroke]:
    """A 28 x 28 picture (ink = 1) as strokes for the pad: one dot at the centre of every pixel brighter than
    `threshold`. Painted 1.4 MNIST pixels wide (MNIST_INK_WIDTH on the 280-pixel canvas), the picture comes
    back: mnist_style(rasterise(image_strokes(d), width=MNIST_INK_WIDTH)) is close to d."""
    image = np.asarray(image, dtype=np.float32).reshape(FIELD, FIELD)
    scale = size / FIELD
    rows, cols = np.nonzero(image > threshold)
    return [[((c + 0.5) * scale, (r + 0.5) * scale)] for r, c in zip(rows.tolist(), cols.tolist(), strict=True)]


MNIST_INK_WIDTH = 14.0  # the ink width that paints image_strokes like the original digit (280-pixel canvas)


def example_strokes() -> list[Stroke]:
    """A hand-made '7' in canvas coordinates: a bar and a slanted stem."""
    return [[(80, 70), (140, 68), (200, 66)], [(200, 66), (170, 140), (140, 215)]]


class DrawingPad(widgets.VBox):
    """A canvas to draw a digit on, Clear and "Next test digit" buttons, and a LivePlot of what the network sees
    and predicts. `examples` = (images, labels) for the button; by default the MNIST test set, loaded on first use."""

    def __init__(self, model: torch.nn.Module, transform=None, strokes: list[Stroke] | None = None,
                 size: int = CANVAS_SIZE, examples=None):
        from ipycanvas import Canvas  # imported here so the rest of the module works without it

        self.model, self.transform, self.size = model, transform, size
        self.strokes: list[Stroke] = [list(s) for s in (strokes or [])]
        self._drawing = False
        self.examples, self.example_index = examples, -1  # the test digit shown last (-1: none yet)
        self.canvas = Canvas(width=size, height=size, layout=widgets.Layout(
            width=f"{size}px", height=f"{size}px", border="2px solid #555"))
        self.canvas.add_class("nn-draw-canvas")
        # ipycanvas draws into the widget's own <canvas> element; a box around it with the same class lets
        # a page (or a browser test) find it as ".nn-draw-canvas canvas" too.
        self.canvas_box = widgets.Box([self.canvas])
        self.canvas_box.add_class("nn-draw-canvas")
        self.clear_button = widgets.Button(description="Clear", icon="eraser")
        self.clear_button.add_class("nn-draw-clear")
        self.clear_button.on_click(lambda _button: self.clear())
        self.example_button = widgets.Button(description="Next test digit", icon="forward",
                                             tooltip="Put the next digit of the MNIST test set on the pad")
        self.example_button.add_class("nn-draw-example")
        self.example_button.on_click(lambda _button: self.next_example())
        self.note = widgets.HTML()  # which test digit is shown, or why none can be
        self.plot = self._build_plot()
        self.plot.controls["ink_width"].observe(lambda _change: self._repaint(), names="value")
        self.canvas.on_mouse_down(self._on_down)
        self.canvas.on_mouse_move(self._on_move)
        self.canvas.on_mouse_up(self._on_up)
        self.canvas.on_mouse_out(self._on_up)
        self._repaint()
        left = widgets.VBox([widgets.HTML("<b>Draw a digit here</b> (press, drag, release) or take a test digit"),
                             self.canvas_box, widgets.HBox([self.clear_button, self.example_button]), self.note])
        super().__init__([widgets.HBox([left, self.plot])])
        self.add_class("nn-draw-pad")

    # ---- what the network sees and says
    def digit(self) -> np.ndarray:
        """The current drawing as a (28, 28) MNIST-style image."""
        return mnist_style(rasterise(self.strokes, self.size, self.plot.values["ink_width"]))

    def probabilities(self) -> np.ndarray:
        """The model's 10 probabilities for the current drawing (zeros when nothing is drawn)."""
        return self._probabilities(self.digit())

    @torch.no_grad()
    def _probabilities(self, image: np.ndarray) -> np.ndarray:
        if not image.any():
            return np.zeros(10)
        x = torch.from_numpy(image)[None, None]  # (1, 1, 28, 28)
        if self.transform is not None:
            x = self.transform(x)
        self.model.eval()
        device = next(self.model.parameters()).device
        return torch.softmax(self.model(x.to(device)), dim=1)[0].cpu().numpy()

    def _build_plot(self) -> LivePlot:
        fig = new_figure(6.0, 3.0)
        ax_img, ax_bar = fig.subplots(1, 2, width_ratios=[1, 1.6])
        shown = ax_img.imshow(np.zeros((FIELD, FIELD)), cmap="gray", vmin=0, vmax=1)
        ax_img.set(xticks=[], yticks=[], title="what the network sees\n(28 x 28, like MNIST)")
        bars = ax_bar.bar(range(10), np.zeros(10), color=OTHER)
        ax_bar.set(xticks=range(10), ylim=(0, 1), xlabel="digit", ylabel="probability")
        title = ax_bar.set_title("")
        width = slider("ink_width", 20.0, 8.0, 36.0, step=1.0)

        def update(ink_width):
            image = mnist_style(rasterise(self.strokes, self.size, ink_width))
            shown.set_data(image)
            probs = self._probabilities(image)
            best = int(np.argmax(probs))
            for k, bar in enumerate(bars):
                bar.set_height(probs[k])
                bar.set_color(RIGHT if k == best and image.any() else OTHER)
            title.set_text(f"prediction: {best} ({probs[best]:.0%})" if image.any()
                           else "draw a digit on the left")

        return LivePlot(fig, {"ink_width": width}, update)

    # ---- mouse and buttons
    def _on_down(self, x: float, y: float) -> None:
        self._drawing = True
        self.strokes.append([(x, y)])
        self._dot(x, y)

    def _on_move(self, x: float, y: float) -> None:
        if not self._drawing:
            return
        x0, y0 = self.strokes[-1][-1]
        self.strokes[-1].append((x, y))
        self.canvas.stroke_line(x0, y0, x, y)

    def _on_up(self, x: float, y: float) -> None:
        if not self._drawing:
            return
        self._drawing = False
        self.plot.redraw()  # predict once the stroke is finished

    def clear(self) -> None:
        """Forget every stroke and blank the canvas."""
        self.strokes, self._drawing = [], False
        self.note.value = ""
        self._repaint()
        self.plot.redraw()

    def next_example(self) -> None:
        """Replace the drawing by the next digit of the test set (the keyboard's way to get a real digit)."""
        if self.examples is None:
            from helpers.data import load_mnist_tensors

            try:
                self.examples = load_mnist_tensors(train=False, download=False)
            except Exception as err:  # noqa: BLE001 - shown beside the pad: the mouse still works
                self.note.value = f"<i>No test digits: {html.escape(str(err))[:300]}</i>"
                return
        images, labels = self.examples
        self.example_index = (self.example_index + 1) % len(labels)
        self.strokes, self._drawing = image_strokes(images[self.example_index], self.size), False
        self.note.value = f"test digit {self.example_index}, labelled <b>{int(labels[self.example_index])}</b>"
        width = self.plot.controls["ink_width"]
        ink = float(np.clip(round(MNIST_INK_WIDTH * self.size / CANVAS_SIZE), width.min, width.max))
        if width.value != ink:
            width.value = ink  # repaints and predicts
        else:
            self._repaint()
            self.plot.redraw()

    def _dot(self, x: float, y: float) -> None:
        self.canvas.fill_circle(x, y, self.canvas.line_width / 2)

    def _repaint(self) -> None:
        """Blank the canvas and draw the recorded strokes again."""
        from ipycanvas import hold_canvas

        c = self.canvas
        with hold_canvas():  # one message to the browser, however many strokes (a test digit has ~150 dots)
            c.clear()
            c.fill_style = "white"
            c.fill_rect(0, 0, self.size, self.size)
            c.stroke_style = c.fill_style = "black"
            c.line_width = self.plot.values["ink_width"]
            c.line_cap = c.line_join = "round"
            for stroke in self.strokes:
                self._dot(*stroke[0])
                for (x0, y0), (x1, y1) in zip(stroke[:-1], stroke[1:], strict=True):
                    c.stroke_line(x0, y0, x1, y1)

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus the current prediction picture for static viewers (see LivePlot.static_bundle)."""
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data.update(self.plot.static_bundle())
        return bundle
