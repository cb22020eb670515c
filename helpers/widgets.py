"""Live plots: a matplotlib figure shown as an image that redraws in place when a control moves.

Every interactive plot in the course is a `LivePlot`: controls on top, the figure below.
Moving a control calls `update(**values)`, which changes the figure's artists
(`set_data`, `set_array`, ...), and the figure is re-rendered into the same image.

Speed (blitting): artists created with ``animated=True`` are the ones `update` changes. The rest of
the figure (axes, ticks, labels) is drawn once and kept as a background; each step only pastes the
background and draws the animated artists on top. If `update` changes something static (axis
limits, tick labels), it returns ``"full"`` and the whole figure is drawn again.
No pyplot, so a figure is never shown twice, and the plot works outside a notebook too.
In a static view (GitHub, nbviewer, saved outputs, a front end without widgets) the plot's current image is
shown, with its alt text and one line that says how to make it live (`STATIC_NOTE`).
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
import struct
import zlib
from collections.abc import Callable

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import PIL.Image
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.transforms import Bbox, ScaledTranslation

from helpers.errors import CourseError
from helpers.style import BLACK, BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILLION, YELLOW

DPI = 80
STATIC_NOTE = ("A static picture of a live plot: run the notebook (Run ▸ Run All Cells) in JupyterLab or Notebook 7"
               " to move its controls.")
_PROJECTOR_RC = {"font.size": 14, "axes.titlesize": 15, "axes.labelsize": 14, "xtick.labelsize": 13,
                 "ytick.labelsize": 13, "legend.fontsize": 12, "lines.linewidth": 2.5, "lines.markersize": 9}
STYLES = {"default": (80, {key: mpl.rcParamsDefault[key] for key in _PROJECTOR_RC}),
          "projector": (110, _PROJECTOR_RC)}
STYLE = "default"
# The projector style fits each live plot on one slide of a 1280 x 720 screen (jupyterlab-slideshow's deck shows
# the plot's cell, from its top when it is tall): its one-line code input and the margins take SLIDE_CHROME
# pixels, each row of controls CONTROL_ROW, and the picture, shown at its own size, the rest
# (tests/browser/test_present_browser.py checks it on the screen).
SCREEN_HEIGHT, SLIDE_CHROME, CONTROL_ROW = 720, 50, 33


def set_style(name: str = "default") -> None:
    """Restyle every plot made from now on: "projector" (large fonts, thick lines, bigger figures, each live plot
    fitting a 720-pixel-high slide) or "default". `NN_STYLE=projector` in the environment sets it at import."""
    global DPI, STYLE
    if name not in STYLES:
        raise CourseError(f"unknown style {name!r}: use one of {', '.join(STYLES)}")
    DPI, rc = STYLES[name]
    STYLE = name
    mpl.rcParams.update(rc)


def picture_budget(control_rows: int) -> int:
    """The tallest picture (pixels) that fits on a projector slide under `control_rows` rows of controls."""
    return SCREEN_HEIGHT - SLIDE_CHROME - CONTROL_ROW * control_rows


def fit_height(fig: Figure, height: int) -> None:
    """Lower the figure's resolution so that its picture is at most `height` pixels high (nothing else changes)."""
    drawn = fig.get_figheight() * fig.dpi
    if drawn > height:
        fig.set_dpi(fig.dpi * height / drawn)


def new_figure(width: float = 7.0, height: float = 3.5, **kwargs) -> Figure:
    """A Figure not managed by pyplot (so the notebook never shows it twice), in the current style."""
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained", **kwargs)


def figure_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes (light compression: speed matters more than size here)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def canvas_png(canvas: FigureCanvasAgg) -> bytes:
    """Encode what an Agg canvas holds right now as PNG bytes, fast: a live frame, made at every slider step.

    Opaque RGB (the figure has no transparency), no per-row PNG filter and the fastest zlib level: 2-4x
    faster than Pillow's adaptive filters on plots (flat colours), and as small. Lossless, so no visible change.
    """
    rgb = np.asarray(canvas.buffer_rgba())[..., :3]  # (height, width, 3)
    height, width, _ = rgb.shape
    rows = np.zeros((height, 1 + 3 * width), np.uint8)  # each row: filter type 0 ("none"), then its pixels
    rows[:, 1:] = rgb.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + _png_chunk(b"IEND", b""))


def shifted_right(transform, fig: Figure, prefix: str, fontsize: float, family: str = "monospace"):
    """`transform` moved right by the width of `prefix` as drawn: a text placed with it continues `prefix`.

    For live plots: a long text's fixed start is drawn once, and only its changing end is redrawn (text costs
    time per character).
    """
    prop = FontProperties(family=family, size=fontsize)
    renderer = RendererAgg(1, 1, fig.dpi)  # measures as the picture is drawn, hinting included
    width = (renderer.get_text_width_height_descent(f"0{prefix}0", prop, False)[0]
             - renderer.get_text_width_height_descent("00", prop, False)[0])  # pixels
    return transform + ScaledTranslation(width / fig.dpi, 0, fig.dpi_scale_trans)


def paste_while_unchanged(ax, *axes_artists) -> None:
    """Mark an Axes' x or y axis (its ticks cost as much as a plot) animated, but draw it afresh only when the Axes'
    limits change; otherwise paste the pixels it, and the kept background under it, had last time.

    For a live plot whose axis limits follow a control: no full redraw, and no tick drawing while they stay.
    The pasted block (the Axes and its tick labels) must hold nothing else that changes while the limits stay.
    """
    for artist in axes_artists:
        draw, cache = artist.draw, {}

        def draw_or_paste(renderer, artist=artist, draw=draw, cache=cache) -> None:
            key = (id(renderer), tuple(ax.get_xlim()), tuple(ax.get_ylim()), ax.get_title())
            if cache.get("key") == key:
                renderer.restore_region(cache["region"])
                return
            draw(renderer)  # over the kept background (static) and what was drawn before it in this same frame
            drawn = Bbox.union([ax.bbox, artist.get_tightbbox(renderer)]).padded(3)  # antialiased edges included
            cache.update(key=key, region=renderer.copy_from_bbox(drawn))

        artist.draw = draw_or_paste
        artist.set_animated(True)


class StaticFigure:
    """A figure kept as a picture: shown as an <img> with alt text and a thin border (legible on dark themes)."""

    def __init__(self, png: bytes, alt: str):
        self.png, self.alt = png, alt

    def _repr_mimebundle_(self, **kwargs):
        """HTML (the picture, stored once, with its alt text) and the alt text alone for plain-text views."""
        return {"text/html": static_figure(self.png, self.alt), "text/plain": self.alt}


def figure_alt(fig: Figure) -> str:
    """Alt text from a figure's own titles: 'Figure: <suptitle>; <every panel's title, repeats included>.'"""
    suptitle = " ".join(fig.get_suptitle().split())
    panels = [" ".join(ax.get_title().split()) for ax in fig.axes]  # a gallery may show two panels alike: keep both
    titles = ([suptitle] if suptitle else []) + [t for t in panels if t and t != suptitle]
    return f"Figure: {'; '.join(titles) or 'a static plot'}."


def as_image(fig: Figure, alt: str | None = None) -> StaticFigure:
    """A static (non-interactive) figure as a PNG the notebook shows, and saves, once; alt text from its titles."""
    return StaticFigure(_recompress(figure_png(fig)), alt or figure_alt(fig))


def num(v: float, decimals: int = 2, trim: bool = True) -> str:
    """A number as a learner writes it: 0.5, 1.0, −1.25 (true minus sign; `trim` drops trailing zeros)."""
    v = round(float(v), decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{v:.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0")
        text = text + "0" if text.endswith(".") else text
    return text.replace("-", "−")


def operand(v: float) -> str:
    """A number inside a sum, as `num` writes it, negative ones in brackets: 0.5, (−1.0)."""
    text = num(v)
    return f"({text})" if text.startswith("−") else text


class StaticPart:
    """Remembers what a plot's static part was drawn for; `changed(...)` says when it needs a full redraw."""

    def __init__(self):
        self.key = None

    def changed(self, *key) -> bool:
        """True (and remember `key`) when the static part shows something else than `key`."""
        if key == self.key:
            return False
        self.key = key
        return True


def slider(description: str, value: float, vmin: float, vmax: float, step: float = 0.1, **kwargs):
    """A FloatSlider with the course's look (wide label, readable number)."""
    return widgets.FloatSlider(
        value=value, min=vmin, max=vmax, step=step, description=description,
        style={"description_width": "initial"}, layout=widgets.Layout(width="320px"), **kwargs,
    )


def int_slider(description: str, value: int, vmin: int, vmax: int, step: int = 1, **kwargs):
    """An IntSlider with the course's look."""
    return widgets.IntSlider(
        value=value, min=vmin, max=vmax, step=step, description=description,
        style={"description_width": "initial"}, layout=widgets.Layout(width="320px"), **kwargs,
    )


# 4 digits: the stop 0.1995 must not read as 0.2, the edge of divergence on notebook 05's ravine. (The browser
# formats with d3-format, which keeps trailing zeros: 0.1 shows as 0.1000; Python's titles drop them.)
LOG_READOUT = ".4g"


def log_grid(control) -> np.ndarray:
    """Every value a log slider's handle can land on: base^(min + k·step) for k = 0, 1, …, and its max."""
    count = int(np.floor((control.max - control.min) / control.step + 1e-9))
    exponents = control.min + control.step * np.arange(count + 1)
    if exponents[-1] < control.max - 1e-9:  # the last step is shorter: the right end is a stop too
        exponents = np.append(exponents, control.max)
    return control.base**exponents


def log_slider(description: str, value: float, vmin: float, vmax: float, step: float = 0.05):
    """A FloatLogSlider (equal steps in log10) from vmin to vmax, with the course's look: for learning rates.

    It starts on the stop nearest `value` (0.02 becomes 0.01995), so a learner who moves it can always come back."""
    control = widgets.FloatLogSlider(
        value=value, base=10, min=math.log10(vmin), max=math.log10(vmax), step=step, description=description,
        readout_format=LOG_READOUT, style={"description_width": "initial"}, layout=widgets.Layout(width="320px"),
    )
    grid = log_grid(control)
    control.value = float(grid[np.argmin(np.abs(np.log10(grid) - np.log10(value)))])
    return control


def dropdown(description: str, options, value=None):
    """A Dropdown with the course's look."""
    return widgets.Dropdown(options=options, value=value if value is not None else list(options)[0],
                            description=description, style={"description_width": "initial"})


MEANING = (BLUE, ORANGE, VERMILLION, GREEN, SKY, PURPLE, YELLOW, BLACK)  # colours that carry meaning


def _meaning_colours(rgb: np.ndarray, min_pixels: int = 20) -> np.ndarray:
    """The palette colours of helpers.style drawn in an image (at least min_pixels each). (k, 3)"""
    palette = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in MEANING])  # (p, 3)
    pixels = rgb.reshape(-1, 1, 3).astype(int)  # (n, 1, 3)
    counts = (np.abs(pixels - palette).max(axis=2) == 0).sum(axis=0)  # (p,)
    return palette[counts >= min_pixels]


def _recompress(png: bytes) -> bytes:
    """Re-encode a PNG small for the copy saved in the notebook file: 256 colours if every meaning colour survives."""
    image = PIL.Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(256, method=PIL.Image.Quantize.FASTOCTREE)
    kept = np.asarray(small.getpalette()[:768], dtype=int).reshape(-1, 3)  # (256, 3)
    needed = _meaning_colours(np.asarray(image))
    lost = [c for c in needed if np.abs(kept - c).max(axis=1).min() > 8]  # a green line must not turn blue
    buf = io.BytesIO()
    (image if lost else small).save(buf, format="png", optimize=True)
    return buf.getvalue()


class Picture(widgets.Image):
    """An Image whose `tooltip` becomes the <img>'s title (its alt text for screen readers).

    ipywidgets' front end reads `description` before it sets a tooltip; a plain Image has none and fails to render.
    """

    description = traitlets.Unicode("").tag(sync=True)


def _text(control) -> str:
    """A control's value for alt text, as its readout shows it (a log slider's 0.01995 is not 0.02)."""
    if isinstance(control, widgets.FloatLogSlider):
        return format(control.value, LOG_READOUT)
    return num(control.value, 3) if isinstance(control.value, float) else str(control.value)


class LivePlot(widgets.VBox):
    """Controls, then a figure that `update(**control_values)` redraws in place, then optional readouts."""

    def __init__(self, fig: Figure, controls: dict[str, widgets.ValueWidget],
                 update: Callable[..., None], readouts: list[widgets.Widget] | None = None,
                 columns: int = 2):
        self.fig, self.controls, self._update = fig, controls, update
        self.canvas = FigureCanvasAgg(fig)  # draws into memory; no window, no pyplot
        self._background = None  # the static part of the figure, kept between steps
        self._animated: list = []
        self.image = Picture(format="png", layout=widgets.Layout(border="1px solid #999"))
        self.image.add_class("nn-liveplot-image")  # opaque figure + border: legible on light and dark themes
        self.message = widgets.HTML()  # shows a redraw error, if any
        self.error: str | None = None
        rows = [widgets.HBox(list(controls.values())[i:i + columns])
                for i in range(0, len(controls), columns)]
        if STYLE == "projector":  # the picture at its own size (not stretched to the page's width), fitting a slide
            fit_height(fig, picture_budget(len(rows)))
            self.image.layout.align_self = "flex-start"
        super().__init__([*rows, self.image, *(readouts or []), self.message])
        self.add_class("nn-liveplot")
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    @property
    def values(self) -> dict:
        """The current value of every control, by name."""
        return {name: c.value for name, c in self.controls.items()}

    def redraw(self) -> None:
        """Run `update` with the current values and refresh the image; show errors, never hide them."""
        try:
            full = self._update(**self.values) == "full" or self._background is None or not self._animated
            with self.image.hold_sync():  # picture and alt text reach the browser in one message
                self.image.value = self._render(full)
                self.image.tooltip = self.describe()  # the <img>'s title: what a screen reader reads
        except Exception as err:  # noqa: BLE001 - shown to the learner under the plot
            self.error = f"{type(err).__name__}: {err}"
            self.message.value = f"<b style='color:#b00020'>Could not redraw: {html.escape(self.error)}</b>"
            return
        self.error = None
        self.message.value = ""

    def describe(self) -> str:
        """Alt text: the figure's titles as they read now, then every control's current value."""
        texts = [ax.get_title() for ax in self.fig.axes] + [a.get_text() for a in self._animated if isinstance(a, Text)]
        titles = list(dict.fromkeys(" ".join(t.split()) for t in texts if t.strip()))  # in order, once each
        values = [f"{c.description or name} = {_text(c)}" for name, c in self.controls.items()]
        return f"Plot: {'; '.join(titles) or 'interactive figure'}. Controls: {', '.join(values)}."

    def _render(self, full: bool) -> bytes:
        """Draw the figure (all of it, or only its animated artists over the kept background)."""
        if full:
            self.canvas.draw()  # matplotlib skips animated artists here
            # Lay the figure out once, then keep it: the layout engine costs more than the plot.
            if self.fig.get_layout_engine() is not None:
                self.fig.set_layout_engine("none")
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._animated = sorted((a for a in self.fig.findobj() if a.get_animated()),
                                    key=lambda a: a.get_zorder())
        else:
            self.canvas.restore_region(self._background)
        for artist in self._animated:
            self.fig.draw_artist(artist)
        return canvas_png(self.canvas)

    def _on_change(self, _change) -> None:
        self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        """The widget view (what Jupyter shows live), plus a static figure and a text line for everything else."""
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data.update(self.static_bundle())
        return bundle

    def static_bundle(self) -> dict:
        """What a viewer without live widgets shows: the current picture, its alt text, how to make it live."""
        return {"text/html": static_figure(_recompress(bytes(self.image.value)), self.describe(), STATIC_NOTE),
                "text/plain": STATIC_NOTE}


def static_figure(png: bytes, alt: str, caption: str = "") -> str:
    """HTML for a picture stored once: the <img> with its alt text and a border, and an optional caption."""
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    note = f"<figcaption><em>{html.escape(caption)}</em></figcaption>" if caption else ""
    return (f'<figure class="nn-static-plot" style="margin: 0"><img src="{src}" alt="{html.escape(alt)}" '
            f'style="border: 1px solid #999">{note}</figure>')


if os.environ.get("NN_STYLE"):  # `make present` starts JupyterLab with NN_STYLE=projector
    set_style(os.environ["NN_STYLE"])
