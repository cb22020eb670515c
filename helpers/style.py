"""What every plot shares, written once: the colours that carry meaning, the line of z = 0, animated titles.

Colours come from the Okabe–Ito palette, which stays distinguishable for the common colour-vision
deficiencies (tests/test_style.py simulates them). Meaning is never carried by colour alone: a negative
weight is also dashed, a class also has its own marker, a curve also has a legend or a label.
"""

from __future__ import annotations

import numpy as np

# ---- the palette (Okabe & Ito, "Color Universal Design", 2008) ----
BLUE, ORANGE, VERMILLION = "#0072B2", "#E69F00", "#D55E00"
GREEN, SKY, PURPLE, YELLOW, BLACK = "#009E73", "#56B4E9", "#CC79A7", "#F0E442", "#000000"
GREY, LIGHT_GREY = "#999999", "#cccccc"  # for what carries no meaning (and "zero")

# ---- colours with a meaning, used the same way in every notebook ----
POS, NEG, ZERO = BLUE, ORANGE, LIGHT_GREY  # the sign of a weight ...
POS_STYLE, NEG_STYLE = "-", "--"  # ... also shown by the line style: solid +, dashed −
CLASS_COLOURS, CLASS_MARKERS = (BLUE, VERMILLION), ("o", "s")  # target 0 / target 1 of a 2-class data set
RIGHT, WRONG, OTHER = BLUE, VERMILLION, GREY  # a right answer, a wrong one, the rest (bars of the other classes)
VALUE_COLOUR, GRAD_COLOUR, LOCAL_COLOUR = BLACK, PURPLE, "#555555"  # forward values, gradients, local slopes
MSE_COLOUR, CE_COLOUR = ORANGE, BLUE  # the two losses of notebook 04
OPTIMIZER_COLOURS = {"SGD": ORANGE, "momentum": BLUE, "Adam": BLACK}
ACTIVATION_COLOURS = {"sigmoid": BLUE, "tanh": VERMILLION, "relu": GREEN, "leaky_relu": PURPLE, "step": GREY}
SERIES = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION)  # curves told apart by a legend or a label
SIGN_LEGEND = "line width = |weight|; solid blue +, dashed orange −"


def weight_colour(w: float) -> str:
    """The colour of a weight's sign: blue +, orange −, grey 0."""
    return POS if w > 0 else NEG if w < 0 else ZERO


def weight_style(w: float) -> str:
    """The line style of a weight's sign: solid + (and 0), dashed −."""
    return NEG_STYLE if w < 0 else POS_STYLE


def zero_line(w1: float, w2: float, b: float, far: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """Two points on the line w1·x1 + w2·x2 + b = 0, `far` from its point nearest the origin.

    Drawn between them, the line crosses any window within `far` of the origin. Empty when w = 0 (no line)
    or when the line passes farther than `far` from the origin.
    """
    norm = float(np.hypot(w1, w2))
    if norm == 0 or abs(b) / norm > far:
        return np.array([]), np.array([])
    unit = np.array([w1, w2]) / norm
    foot = -(b / norm) * unit  # the point of the line nearest the origin
    along = np.array([-unit[1], unit[0]])  # a unit vector along the line
    ends = foot + np.outer([-far, far], along)  # (2, 2)
    return ends[:, 0], ends[:, 1]


def animate(*artists) -> None:
    """Mark artists that `update` changes, or that lie on top of one: LivePlot redraws only these."""
    for artist in artists:
        artist.set_animated(True)


def animated_title(ax, fontsize: float = 10):
    """The axes' title, marked animated: update() may change its text without a full redraw."""
    ax.set_title(" ", fontsize=fontsize)
    ax.title.set_animated(True)
    return ax.title
