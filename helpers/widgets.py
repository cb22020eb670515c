"""Live plots: a matplotlib figure shown as an image that redraws in place when a control moves.

Every interactive plot in the course is a `LivePlot`: controls on top, the figure below.
Moving a control calls `update(**values)`, which changes the figure's artists
(`set_data`, `set_array`, ...), and the figure is re-rendered into the same image.
No pyplot, so a figure is never shown twice, and the plot works outside a notebook too.
In a static view (GitHub, nbviewer, saved outputs) the plot's current image is shown.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable

import ipywidgets as widgets
from matplotlib.figure import Figure

DPI = 80


def new_figure(width: float = 7.0, height: float = 3.5, **kwargs) -> Figure:
    """A Figure not managed by pyplot (so the notebook never shows it twice)."""
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained", **kwargs)


def figure_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


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


def dropdown(description: str, options, value=None):
    """A Dropdown with the course's look."""
    return widgets.Dropdown(options=options, value=value if value is not None else list(options)[0],
                            description=description, style={"description_width": "initial"})


class LivePlot(widgets.VBox):
    """Controls, then a figure that `update(**control_values)` redraws in place, then optional readouts."""

    def __init__(self, fig: Figure, controls: dict[str, widgets.ValueWidget],
                 update: Callable[..., None], readouts: list[widgets.Widget] | None = None,
                 columns: int = 2):
        self.fig, self.controls, self._update = fig, controls, update
        self.image = widgets.Image(format="png")
        self.image.add_class("nn-liveplot-image")
        self.message = widgets.HTML()  # shows a redraw error, if any
        self.error: str | None = None
        rows = [widgets.HBox(list(controls.values())[i:i + columns])
                for i in range(0, len(controls), columns)]
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
            self._update(**self.values)
            self.image.value = figure_png(self.fig)
        except Exception as err:  # noqa: BLE001 - shown to the learner under the plot
            self.error = f"{type(err).__name__}: {err}"
            self.message.value = f"<b style='color:#b00020'>Could not redraw: {html.escape(self.error)}</b>"
            return
        self.error = None
        self.message.value = ""

    def _on_change(self, _change) -> None:
        self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        """The widget view, plus the current image for static viewers (GitHub, nbviewer)."""
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return bundle
