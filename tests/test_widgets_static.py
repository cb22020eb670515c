"""When widgets are not live (GitHub, nbviewer, a front end without the widget manager), each live plot's saved
output is its picture, stored once, with its alt text and one line that says how to make it live."""

from __future__ import annotations

import base64
import html
import io
import re

import numpy as np
import PIL.Image
import pytest

from helpers.plots import all_builders, live_plots
from helpers.widgets import STATIC_NOTE, _meaning_colours, _recompress, as_image, new_figure

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
BUILDERS = all_builders()
NAMES = ["neurons.sigmoid_curve", "losses.line_fit"]  # one small, one with two panels; every builder is alike


@pytest.mark.parametrize("name", NAMES)
def test_static_bundle_has_the_picture_once_its_alt_text_and_how_to_make_it_live(name):
    plot = live_plots(BUILDERS[name]())[0]
    data = plot._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    assert WIDGET_MIME in data, "the live widget view must stay in the bundle (JupyterLab renders it first)"
    page = data["text/html"]
    assert STATIC_NOTE in html.unescape(page), "static viewers must say how to make the plot live"
    assert data["text/plain"] == STATIC_NOTE
    pictures = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"', page)
    assert len(pictures) == 1, "the picture must be in the static figure exactly once"
    assert "image/png" not in data, "the picture is stored once: in the HTML figure, not again as image/png"
    png, alt = base64.b64decode(pictures[0][0]), html.unescape(pictures[0][1])
    assert alt == plot.describe() and alt.startswith("Plot: "), alt
    assert PIL.Image.open(io.BytesIO(png)).size == plot.canvas.get_width_height(physical=True)
    assert len(png) <= 150_000, f"a {len(png) // 1000} KB picture (notebook hygiene limit 150 KB)"


def test_a_static_figure_is_an_img_with_alt_text_from_its_titles_and_a_border():
    fig = new_figure(4, 2)
    fig.suptitle("Training curves")
    fig.add_subplot(1, 2, 1).set_title("loss")
    fig.add_subplot(1, 2, 2).set_title("accuracy  per epoch")
    data = as_image(fig)._repr_mimebundle_()
    assert data["text/plain"] == "Figure: Training curves; loss; accuracy per epoch."
    page = data["text/html"]
    assert len(re.findall(r"<img ", page)) == 1 and "image/png" not in data  # the picture once
    assert 'alt="Figure: Training curves; loss; accuracy per epoch."' in page
    assert "border: 1px solid" in page  # a frame: the white figure stays legible on a dark theme
    assert STATIC_NOTE not in page  # a static figure is not a live plot: nothing to make live
    assert as_image(fig, alt="Two curves.")._repr_mimebundle_()["text/plain"] == "Two curves."


def test_alt_text_names_every_panel_of_a_gallery_even_two_alike():
    """Notebook 06's gallery of mistakes may show two panels with the same title; a screen reader hears both."""
    fig = new_figure(6, 2)
    fig.suptitle("3 most confident mistakes")
    for title in ["true 9 pred 0 99%", "true 8 pred 5 99%", "true 9 pred 0 99%"]:
        fig.add_subplot(1, 3, len(fig.axes) + 1).set_title(title)
    alt = as_image(fig)._repr_mimebundle_()["text/plain"]
    assert alt == "Figure: 3 most confident mistakes; true 9 pred 0 99%; true 8 pred 5 99%; true 9 pred 0 99%."


@pytest.mark.parametrize("name", ["backprop.training_explorer", "forward.universality"])
def test_the_saved_picture_keeps_every_meaning_colour_beside_a_colour_map(name):
    """256 colours are few beside a colour map: a green curve must not come back blue in the saved copy (the two
    plots where plain median-cut quantising lost a meaning colour)."""
    png = bytes(live_plots(BUILDERS[name]())[0].image.value)
    drawn = _meaning_colours(np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB")))  # (k, 3)
    saved = PIL.Image.open(io.BytesIO(_recompress(png))).convert("RGB")
    colours = np.unique(np.asarray(saved).reshape(-1, 3), axis=0)  # (m, 3)
    assert len(drawn) >= 2
    for rgb in drawn:
        assert np.abs(colours - rgb).max(axis=1).min() <= 8, f"{rgb} lost in the saved picture"
