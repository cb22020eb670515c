"""`set_style("projector")`: every plot builder draws bigger, with larger fonts; unknown styles are refused."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import matplotlib as mpl
import PIL.Image
import pytest
from ipywidgets import HBox

from helpers.errors import CourseError
from helpers.plots import all_builders, live_plots
from helpers.widgets import picture_budget, set_style

BUILDERS = all_builders()


def first_plot(name: str):
    """The first live plot a builder makes, in the current style."""
    return live_plots(BUILDERS[name]())[0]


def picture_size(plot) -> tuple[int, int]:
    """A live plot's picture size in pixels (width, height)."""
    return PIL.Image.open(io.BytesIO(bytes(plot.image.value))).size


@pytest.fixture
def projector():
    set_style("projector")
    yield
    set_style("default")


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_builder_respects_the_projector_style(name, request):
    """Bigger pictures, larger fonts; and controls and picture fit a 720-pixel-high slide (the browser test,
    tests/browser/test_present_browser.py, sees it on the screen), the picture shown at its own size, not stretched
    to the page's width (which would make it taller)."""
    default = picture_size(first_plot(name))
    request.getfixturevalue("projector")
    plot = first_plot(name)
    big = picture_size(plot)
    assert big[0] > default[0] and big[1] > default[1], f"{name}: {default} -> {big}"
    assert mpl.rcParams["font.size"] >= 14 and mpl.rcParams["lines.linewidth"] >= 2.5
    rows = sum(isinstance(child, HBox) for child in plot.children)
    assert big[1] <= picture_budget(rows), f"{name}: a {big[1]}-pixel picture under {rows} rows of controls"
    assert plot.image.layout.align_self == "flex-start", f"{name}: the picture is stretched to the page's width"


def test_default_style_keeps_the_picture_as_drawn():
    """Outside the projector style nothing is fitted to a screen: the figure keeps its resolution, the page's
    layout its width."""
    plot = first_plot("forward.xor_network")
    assert plot.fig.dpi == 80 and plot.image.layout.align_self is None


def test_default_style_restores_matplotlib_defaults(projector):
    set_style("default")
    assert mpl.rcParams["font.size"] == mpl.rcParamsDefault["font.size"]


def test_unknown_style_is_a_course_error():
    with pytest.raises(CourseError, match="unknown style 'beamer'"):
        set_style("beamer")



def test_nn_style_in_the_environment_sets_the_style_at_import():
    """`make present` starts JupyterLab with NN_STYLE=projector: every kernel it starts draws for the projector."""
    code = "import matplotlib as mpl, helpers.widgets as w; print(w.STYLE, w.DPI, mpl.rcParams['font.size'])"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "NN_STYLE": "projector"},
                         capture_output=True, text=True, check=True).stdout
    assert out.split() == ["projector", "110", "14.0"]
