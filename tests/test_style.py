"""helpers.style: the shared zero line, and colours that keep their meaning for colour-blind learners."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_rgb

from helpers import style
from helpers.style import weight_colour, weight_style, zero_line

# ---- the line z = 0 of a neuron with two inputs (notebooks 01 and 03) ----


@settings(max_examples=100, deadline=None)
@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(-3, 3))
def test_zero_line_is_where_z_is_zero_and_crosses_the_window(w1, w2, b):
    x1, x2 = zero_line(w1, w2, b)
    if len(x1) == 0:  # no line: no weights, or the line is far from the window [-0.5, 1.5]^2
        assert (w1 == 0 and w2 == 0) or abs(b) / np.hypot(w1, w2) > 5
        return
    np.testing.assert_allclose(w1 * x1 + w2 * x2 + b, 0.0, atol=1e-9)
    mid = np.array([0.5, 0.5])  # the window's centre
    if abs(w1 * mid[0] + w2 * mid[1] + b) / np.hypot(w1, w2) < np.hypot(1, 1):  # the line meets the window:
        ends = np.column_stack([x1, x2]) - mid  # its ends lie outside, on either side, so it crosses whole
        assert np.all(np.hypot(*ends.T) > np.hypot(1, 1))
        assert np.dot(ends[0], ends[1]) < 0


@pytest.mark.parametrize(("w1", "w2", "b"), [(1.0, 2.0, -0.5), (3.0, 0.5, 1.0), (2.0, 0.0, -1.0), (0.0, -4.0, 2.0)])
def test_zero_line_lies_where_z_is_zero(w1, w2, b):
    x1, x2 = zero_line(w1, w2, b)
    assert len(x1) == 2
    np.testing.assert_allclose(w1 * x1 + w2 * x2 + b, 0.0, atol=1e-12)


def test_zero_line_is_empty_when_both_weights_are_zero():
    x1, x2 = zero_line(0.0, 0.0, 3.0)
    assert len(x1) == len(x2) == 0


def test_the_sign_of_a_weight_is_shown_by_colour_and_by_line_style():
    assert [weight_colour(w) for w in (2.0, -2.0, 0.0)] == [style.POS, style.NEG, style.ZERO]
    assert weight_style(2.0) != weight_style(-2.0)


# ---- colour vision deficiencies ----

SIMULATED = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: deuteranopia, protanopia, tritanopia

# Pairs of colours that must never be confused: each pair tells two things apart on the same plot.
MEANING_PAIRS = {
    "positive vs negative weight": (style.POS, style.NEG),
    "positive vs zero weight": (style.POS, style.ZERO),
    "negative vs zero weight": (style.NEG, style.ZERO),
    "target 0 vs target 1": style.CLASS_COLOURS,
    "right vs wrong": (style.RIGHT, style.WRONG),
    "right vs the other classes": (style.RIGHT, style.OTHER),
    "wrong vs the other classes": (style.WRONG, style.OTHER),
    "value vs gradient": (style.VALUE_COLOUR, style.GRAD_COLOUR),
    "gradient vs local derivative": (style.GRAD_COLOUR, style.LOCAL_COLOUR),
    "MSE vs cross-entropy": (style.MSE_COLOUR, style.CE_COLOUR),
    **{f"{a} vs {b}": (style.OPTIMIZER_COLOURS[a], style.OPTIMIZER_COLOURS[b])
       for a, b in itertools.combinations(style.OPTIMIZER_COLOURS, 2)},
}
FLOOR = 20.0


def _seen_as(colour: str, deficiency: str) -> np.ndarray:
    """The sRGB colour a person with this deficiency (severity 100) perceives, clipped to the gamut."""
    cvd = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(cspace_convert(np.array(to_rgb(colour)), cvd, "sRGB1"), 0.0, 1.0)


@pytest.mark.parametrize("deficiency", SIMULATED)
@pytest.mark.parametrize("pair", MEANING_PAIRS, ids=str)
def test_meaning_colours_stay_apart_under_colour_blindness(pair, deficiency):
    """Each pair of meaning colours keeps a CAM02-UCS colour difference ΔE ≥ 20 as seen with each deficiency.

    Why 20: in CAM02-UCS, ΔE ≈ 1 is a just-noticeable difference side by side; thin lines and small markers
    seen apart on a projected slide need far more. Okabe–Ito's own pairs that read as clearly different under
    simulation (blue/orange, blue/vermillion) sit at 49 to 65; the pairs known to merge (bluish green/grey
    for a deuteranope, orange/reddish purple for a tritanope) fall to 10 to 12. 20 sits well clear of the
    merging pairs and leaves the palette enough pairs to choose from.
    """
    a, b = MEANING_PAIRS[pair]
    for seen in ((to_rgb(a), to_rgb(b)), (_seen_as(a, deficiency), _seen_as(b, deficiency))):
        difference = deltaE(seen[0], seen[1], input_space="sRGB1", uniform_space="CAM02-UCS")
        assert difference >= FLOOR, f"{pair}: ΔE = {difference:.1f} ({deficiency})"
