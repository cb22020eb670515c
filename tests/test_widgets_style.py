"""`set_style("projector")`: every plot builder draws bigger, with larger fonts; unknown styles are refused."""

from __future__ import annotations

import io

import matplotlib as mpl
import PIL.Image
import pytest

from helpers.errors import CourseError
from helpers.plots import all_builders, live_plots
from helpers.widgets import set_style

BUILDERS = all_builders()


def first_image_size(name: str) -> tuple[int, int]:
    plot = live_plots(BUILDERS[name]())[0]
    return PIL.Image.open(io.BytesIO(bytes(plot.image.value))).size


@pytest.fixture
def projector():
    set_style("projector")
    yield
    set_style("default")


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_builder_respects_the_projector_style(name, request):
    default = first_image_size(name)
    request.getfixturevalue("projector")
    big = first_image_size(name)
    assert big[0] > default[0] and big[1] > default[1], f"{name}: {default} -> {big}"
    assert mpl.rcParams["font.size"] >= 14 and mpl.rcParams["lines.linewidth"] >= 2.5


def test_default_style_restores_matplotlib_defaults(projector):
    set_style("default")
    assert mpl.rcParams["font.size"] == mpl.rcParamsDefault["font.size"]


def test_unknown_style_is_a_course_error():
    with pytest.raises(CourseError, match="unknown style 'beamer'"):
        set_style("beamer")
