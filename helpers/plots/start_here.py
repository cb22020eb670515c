"""The plot of notebook 00: one slider, to check that live widgets work (the weighted sum of its exercise)."""

from __future__ import annotations

from helpers.style import BLUE, animate, animated_title
from helpers.widgets import LivePlot, new_figure, num, operand, slider

W1, X1, X2 = 0.5, 2.0, 3.0  # the exercise's first weight and its two inputs; the slider sets w₂
LABELS = ("w₁·x₁", "w₂·x₂", "sum")


def weighted_sum_parts(w2: float) -> tuple[float, float, float]:
    """The two products of notebook 00's exercise and their sum, for a second weight w2."""
    first, second = W1 * X1, w2 * X2
    return first, second, first + second


def widget_check(w2: float = 1.5) -> LivePlot:
    """One slider (w₂) and three bars: w₁·x₁, w₂·x₂ and their sum, each with its name and value written beside it
    (so the alt text names every number). The slider starts at 1.5: one Page Down (5 steps) lands on −1."""
    fig = new_figure(6.0, 2.6)
    ax = fig.add_subplot()
    bars = ax.barh([2, 1, 0], [0, 0, 0], height=0.6, color=BLUE)
    values = [ax.text(0, y, "", va="center", fontsize=11) for y in (2, 1, 0)]
    animate(*bars, *values)
    title = animated_title(ax, fontsize=11)
    ax.axvline(0, color="black", lw=0.8)
    ax.set(xlim=(-16, 16), yticks=[2, 1, 0], yticklabels=LABELS, ylim=(-0.6, 2.6))
    ax.set_xlabel("value")

    def update(w2):
        parts = weighted_sum_parts(w2)
        for bar, text, label, v in zip(bars, values, LABELS, parts, strict=True):
            bar.set_width(v)
            text.set_text(f" {label} = {num(v) if v else '0'} ")
            text.set_x(v)
            text.set_ha("left" if v >= 0 else "right")
        title.set_text(f"w₁·x₁ + w₂·x₂ = {W1:g}·{X1:g} + {operand(w2)}·{X2:g} = {num(parts[2])}")

    return LivePlot(fig, {"w2": slider("weight w₂", w2, -3.0, 3.0, step=0.5)}, update)


BUILDERS = {"widget_check": widget_check}
