"""helpers.draw: strokes become MNIST-like 28 x 28 digits (cropped, scaled to 20 px, centred by mass),
and the drawing pad records the mouse, predicts after a stroke, and clears."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.draw import DrawingPad, example_strokes, mnist_style, rasterise
from helpers.models import SimpleNN


def centre_of_mass(image):
    ys, xs = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    return (ys * image).sum() / image.sum(), (xs * image).sum() / image.sum()


def box(image):
    """(height, width) of the bounding box of the non-zero pixels."""
    rows, cols = np.nonzero(image > 0)
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


L_SHAPE = [[(30, 20), (30, 120), (90, 120)]]  # an 'L' in the top-left corner of the canvas


# ---------------------------------------------------------------- rasterising strokes


def test_a_dot_is_a_round_blob_of_the_ink_width():
    ink = rasterise([[(100, 50)]], size=200, width=20)
    assert ink.shape == (200, 200) and ink.max() == 1.0
    assert ink[50, 100] == 1 and ink[50, 109] == 1 and ink[50, 111] == 0 and ink[61, 100] == 0
    assert ink.sum() == pytest.approx(np.pi * 10**2, rel=0.1)
    assert centre_of_mass(ink) == pytest.approx((50, 100), abs=0.01)


def test_a_line_has_no_gaps_and_round_caps():
    ink = rasterise([[(20, 100), (180, 100)]], size=200, width=10)
    assert ink[100, 20:181].all()  # every pixel along the line
    assert box(ink) == (11, 171)  # 160 long, plus a 5-pixel cap at each end


def test_strokes_off_the_canvas_are_clipped():
    ink = rasterise([[(-50, -50), (10, 10)]], size=50, width=6)
    assert ink[0, 0] == 1 and ink.shape == (50, 50)


# ---------------------------------------------------------------- MNIST-style preprocessing


def test_a_corner_stroke_is_scaled_to_20_pixels_and_centred_by_mass():
    digit = mnist_style(rasterise(L_SHAPE))
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert digit.min() >= 0 and digit.max() == pytest.approx(1.0)
    assert max(box(digit)) == 20  # the longer side fills MNIST's 20 x 20 box
    cy, cx = centre_of_mass(digit)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5  # where MNIST puts the centre of mass


def test_the_aspect_ratio_is_kept():
    tall = mnist_style(rasterise([[(140, 40), (140, 240)]], width=20))  # a '1': 220 x 20 pixels of ink
    height, width = box(tall)
    assert height == 20
    assert width <= 3  # 20 * 20 / 220 ~ 1.8 pixels, plus grey edges


def test_position_and_size_on_the_canvas_do_not_matter():
    small = mnist_style(rasterise(L_SHAPE, width=16))
    moved = mnist_style(rasterise([[(x + 150, y + 130) for x, y in L_SHAPE[0]]], width=16))
    bigger = mnist_style(rasterise([[(2 * x, 2 * y) for x, y in L_SHAPE[0]]], size=560, width=32))
    np.testing.assert_allclose(moved, small, atol=1e-6)
    assert np.abs(bigger - small).mean() < 0.02


def test_nothing_drawn_gives_a_black_image():
    assert not mnist_style(np.zeros((280, 280))).any()


def test_a_real_mnist_digit_survives_the_round_trip(real_data_dir):
    from helpers.data import load_mnist_tensors

    images, _ = load_mnist_tensors(False, root=real_data_dir, download=False)
    for i in range(5):
        digit = images[i, 0].numpy()
        big = np.kron(digit, np.ones((10, 10)))  # drawn 10 times larger, as on the canvas
        again = mnist_style(big)
        assert np.corrcoef(again.ravel(), digit.ravel())[0, 1] > 0.9


def test_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="2-D"):
        mnist_style(np.zeros((1, 28, 28)))


# ---------------------------------------------------------------- the drawing pad widget


@pytest.fixture
def pad():
    torch.manual_seed(0)
    return DrawingPad(SimpleNN())


def test_the_canvas_carries_the_class_the_browser_test_looks_for(pad):
    assert "nn-draw-canvas" in pad.canvas._dom_classes  # the <canvas> element itself ...
    assert "nn-draw-canvas" in pad.canvas_box._dom_classes and pad.canvas in pad.canvas_box.children  # ... and a box
    assert pad.plot.error is None


def test_drawing_with_the_mouse_updates_the_prediction(pad):
    assert not pad.probabilities().any()  # nothing drawn yet
    empty_picture = bytes(pad.plot.image.value)
    pad._on_move(5, 5)  # moving without pressing draws nothing
    assert pad.strokes == []
    for stroke in example_strokes():
        pad._on_down(*stroke[0])
        for point in stroke[1:]:
            pad._on_move(*point)
        pad._on_up(*stroke[-1])
    assert pad.strokes == example_strokes()
    assert pad.probabilities().sum() == pytest.approx(1.0, abs=1e-5)
    assert bytes(pad.plot.image.value) != empty_picture
    assert pad.plot.error is None


def test_clear_forgets_the_drawing(pad):
    pad._on_down(100, 100)
    pad._on_move(150, 200)
    pad._on_up(150, 200)
    drawn_picture = bytes(pad.plot.image.value)
    pad.clear_button.click()
    assert pad.strokes == [] and not pad.digit().any()
    assert bytes(pad.plot.image.value) != drawn_picture


def test_the_transform_is_applied_before_the_model():
    seen = []
    model = SimpleNN()
    DrawingPad(model, transform=lambda x: seen.append(x.shape) or x * 0, strokes=example_strokes())
    assert seen and seen[0] == (1, 1, 28, 28)
