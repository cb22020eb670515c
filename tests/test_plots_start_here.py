"""Notebook 00's widget check shows the exercise's weighted sum, and its one slider changes the picture."""

import pytest

from helpers.plots.start_here import weighted_sum_parts, widget_check
from tests.plot_checks import assert_control_changes_image


def test_parts_are_the_exercise_products_and_their_sum():
    assert weighted_sum_parts(-1.0) == pytest.approx((1.0, -3.0, -2.0))


def test_title_writes_the_sum_for_the_slider_value():
    plot = widget_check()
    plot.controls["w2"].value = -1.0
    assert plot.error is None, plot.error
    assert "w₁·x₁ + w₂·x₂ = 0.5·2 + (−1.0)·3 = −2.0" in plot.describe()


def test_the_slider_changes_the_image():
    assert_control_changes_image(widget_check(), "w2", 2.5)


def test_alt_text_names_each_bar_with_its_value():
    """A screen reader hears which bar a number belongs to, not bare "1.0; 0"."""
    plot = widget_check()
    plot.controls["w2"].value = 0.0
    text = plot.describe()
    assert "w₁·x₁ = 1.0" in text and "w₂·x₂ = 0" in text and "sum = 1.0" in text and "sum z" not in text, text


def test_one_page_down_from_the_start_reaches_the_exercise_weight():
    """Page Down moves a slider 5 steps: from the start value one press lands on w₂ = −1 (keyboard route)."""
    control = widget_check().controls["w2"]
    assert control.value - 5 * control.step == -1.0
