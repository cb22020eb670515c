"""helpers.draw: strokes become MNIST-like 28 x 28 digits (cropped, scaled to 20 px, centred by mass),
and the drawing pad records the mouse, predicts after a stroke, and clears; without a mouse, its
"Next test digit" button puts real test digits on the pad."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.draw import MNIST_INK_WIDTH, DrawingPad, example_strokes, image_strokes, mnist_style, rasterise
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


# ---------------------------------------------------------------- without a mouse: test digits on the pad


def a_seven() -> np.ndarray:
    """A 28 x 28 '7' with MNIST's proportions: a bar and a slanted stem, 2 to 3 pixels thick."""
    digit = np.zeros((28, 28), dtype=np.float32)
    digit[6:9, 7:21] = 1.0
    for row in range(9, 24):
        col = 20 - (row - 9) * 8 // 15
        digit[row, col - 1:col + 2] = 1.0
    return digit


def test_a_picture_becomes_one_dot_per_inked_pixel_at_the_pixel_centres():
    digit = np.zeros((28, 28))
    digit[3, 5], digit[10, 20], digit[12, 12] = 1.0, 0.8, 0.2  # the last is below the 0.5 threshold
    assert sorted(image_strokes(digit)) == [[(55.0, 35.0)], [(205.0, 105.0)]]  # (x, y) = 10 * (col, row) + 5
    assert image_strokes(digit[None], size=56) == [[(11.0, 7.0)], [(41.0, 21.0)]]  # (1, 28, 28) is fine too


def test_a_picture_survives_the_round_trip_through_strokes():
    digit = a_seven()
    again = mnist_style(rasterise(image_strokes(digit), width=MNIST_INK_WIDTH))
    assert np.corrcoef(again.ravel(), mnist_style(digit).ravel())[0, 1] > 0.8  # (real digits: > 0.9, below)


def test_the_ink_width_slider_thickens_a_test_digit():
    strokes = image_strokes(a_seven())
    thin, thick = (mnist_style(rasterise(strokes, width=w)) for w in (8, 30))
    assert (thick > 0.5).sum() > 1.3 * (thin > 0.5).sum()


@pytest.fixture
def keyboard_pad():
    torch.manual_seed(0)
    digits = np.stack([a_seven(), a_seven().T, np.eye(28, dtype=np.float32)])  # (3, 28, 28)
    return DrawingPad(SimpleNN(), examples=(digits, np.array([7, 4, 1])))


def test_the_next_test_digit_button_puts_test_digits_on_the_pad_in_turn(keyboard_pad):
    pad = keyboard_pad
    assert pad.example_button.description and pad.clear_button.description  # named buttons: Enter and Space work
    assert "nn-draw-example" in pad.example_button._dom_classes
    pictures = [bytes(pad.plot.image.value)]
    for index, label in [(0, 7), (1, 4), (2, 1), (0, 7)]:  # round and round
        pad.example_button.click()
        assert pad.example_index == index and f"labelled <b>{label}</b>" in pad.note.value
        assert pad.strokes == image_strokes(pad.examples[0][index])
        assert pad.plot.values["ink_width"] == MNIST_INK_WIDTH
        assert pad.probabilities().sum() == pytest.approx(1.0, abs=1e-5)
        pictures.append(bytes(pad.plot.image.value))
    assert len(set(pictures[:4])) == 4  # nothing drawn, then three different digits: three new predictions
    assert pad.plot.error is None
    pad.plot.controls["ink_width"].value = 30.0  # the slider thickens a test digit too
    assert bytes(pad.plot.image.value) != pictures[-1]
    pad.clear_button.click()
    assert pad.strokes == [] and pad.note.value == ""


def test_the_mouse_draws_on_top_of_a_test_digit(keyboard_pad):
    pad = keyboard_pad
    pad.next_example()
    dots = len(pad.strokes)
    pad._on_down(40, 250)
    pad._on_move(250, 250)
    pad._on_up(250, 250)
    assert len(pad.strokes) == dots + 1


def test_without_the_data_the_button_says_so_and_the_pad_still_works(monkeypatch, tmp_path):
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path))  # an empty folder: no MNIST here
    pad = DrawingPad(SimpleNN(), strokes=example_strokes())
    before = bytes(pad.plot.image.value)
    pad.example_button.click()
    assert "No test digits" in pad.note.value and pad.examples is None
    assert pad.strokes == example_strokes() and bytes(pad.plot.image.value) == before


def test_the_button_loads_the_real_test_set_by_default(real_data_dir, monkeypatch):
    monkeypatch.setenv("NN_DATA_DIR", str(real_data_dir))
    pad = DrawingPad(SimpleNN())
    pad.example_button.click()
    images, labels = pad.examples
    assert images.shape == (10000, 1, 28, 28) and f"labelled <b>{int(labels[0])}</b>" in pad.note.value
    assert pad.digit().any() and pad.plot.error is None
    for i in range(5):  # the pad shows the network what the test set holds
        digit = images[i, 0].numpy()
        again = mnist_style(rasterise(image_strokes(digit), width=MNIST_INK_WIDTH))
        assert np.corrcoef(again.ravel(), digit.ravel())[0, 1] > 0.9
