"""Checked exercises, one module per notebook topic; the framework is in `core`, progress in `tracking`."""

from helpers.exercises.tracking import progress

__all__ = ["progress"]
