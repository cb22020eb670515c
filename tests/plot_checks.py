"""Assertions shared by the live-plot tests."""

from __future__ import annotations


def assert_control_changes_image(plot, control: str, value) -> None:
    """Set one control to `value`: the plot redraws without error and its image changes."""
    before = bytes(plot.image.value)
    plot.controls[control].value = value
    assert plot.error is None, plot.error
    assert bytes(plot.image.value) != before
