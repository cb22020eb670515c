"""Every live plot speaks to screen readers and stays legible on a dark theme: alt text that follows the
controls, a label on every control, an opaque picture with a border."""

from __future__ import annotations

import io

import ipywidgets as widgets
import numpy as np
import PIL.Image
import pytest

from helpers.plots import all_builders, control_grid, live_plots
from helpers.widgets import LOG_READOUT, log_grid

BUILDERS = all_builders()


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_live_plot_alt_text_labels_and_opaque_picture(name):
    for plot in live_plots(BUILDERS[name]()):
        alt = plot.image.tooltip
        assert alt.startswith("Plot: ") and "Controls: " in alt, alt
        for cname, control in plot.controls.items():
            assert (control.description or "").strip(), f"{name}: control {cname!r} has no label"
        rgba = np.asarray(PIL.Image.open(io.BytesIO(bytes(plot.image.value))).convert("RGBA"))
        assert rgba[..., 3].min() == 255, f"{name}: the picture has transparent pixels (unreadable on dark themes)"
        assert plot.image.layout.border, f"{name}: no border around the picture"
        moved = [(c, v) for c in plot.controls.values() for v in control_grid(c) if v != c.value]
        if moved:
            control, value = moved[0]
            control.value = value
            assert plot.image.tooltip != alt, f"{name}: the alt text did not follow {control.description}"


def test_alt_text_gives_a_log_sliders_value_as_its_readout_shows_it():
    """A log slider's handle lands on 10^(k·step): alt text says 0.01995, as the readout does, not a rounded 0.02."""
    plot = next(p for p in live_plots(all_builders()["backprop.optimizer_race"]())
                if any(isinstance(c, widgets.FloatLogSlider) for c in p.controls.values()))
    control = next(c for c in plot.controls.values() if isinstance(c, widgets.FloatLogSlider))
    control.value = float(log_grid(control)[7])
    shown = format(control.value, LOG_READOUT)
    assert f"{control.description} = {shown}," in plot.describe() or f"{control.description} = {shown}." in \
        plot.describe(), (shown, plot.describe())
