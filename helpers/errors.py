"""Errors that speak to a learner: a clear message and a fix, never a deep traceback.

Also the course's one input converter, `as_float_array`: every helper that takes "numbers or an array of
numbers" (activations, losses, layers, the exercise checker) turns its input into a float array here, and
raises the caller's own CourseError when it cannot.
"""

from __future__ import annotations

import numpy as np


class CourseError(Exception):
    """Base error of the course; Jupyter shows its message alone, without a traceback."""

    def _render_traceback_(self):
        # IPython calls this instead of printing the traceback (see IPython's showtraceback).
        return [f"{type(self).__name__}: {line}" if i == 0 else line
                for i, line in enumerate(str(self).splitlines())]


class NotNumbersError(CourseError, TypeError):
    """A helper was given something that is not a number or an array of numbers."""


def as_float_array(x, what: str = "this", error: type[Exception] = NotNumbersError,
                   keep_float_dtype: bool = False) -> np.ndarray:
    """`x` (a number, nested list, NumPy array or torch tensor) as a float64 array, or raise `error`.

    `what` names the argument in the message ("logits", "activation functions"). Strings, None, ragged lists,
    complex numbers and dates are refused, not guessed at. With `keep_float_dtype`, a float32 input stays float32.
    """
    if hasattr(x, "detach"):  # a torch tensor
        x = x.detach().cpu().numpy()
    if x is None or isinstance(x, str | bytes):
        raise error(f"{what} must be numbers, got a {type(x).__name__}: {x!r}")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as err:  # e.g. ragged nested lists
        raise error(f"{what} must be numbers or an array of numbers, got a {type(x).__name__} ({err})") from None
    if arr.dtype == object:  # a list mixing numbers with None, strings, ...
        bad = [v for v in arr.ravel() if not isinstance(v, int | float | np.integer | np.floating)]
        if bad:
            raise error(f"{what} must be numbers, got a {type(bad[0]).__name__}: {bad[0]!r}")
    elif arr.dtype.kind not in "biuf":  # bool, int, unsigned, float are fine
        raise error(f"{what} must be real numbers, got an array of dtype {arr.dtype}")
    if keep_float_dtype and arr.dtype.kind == "f":
        return arr
    return arr.astype(float)
