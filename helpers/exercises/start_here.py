"""The exercise of notebook 00: a first try of check / hint / solution."""

from __future__ import annotations

from helpers.exercises.core import ValueExercise

NOTEBOOK = "00_start_here"

q0 = ValueExercise(
    "Weighted sum",
    reference=lambda: 0.5 * 2 + (-1) * 3,
    hint=["A weighted sum takes each input times its own weight, then adds the results. Watch the sign of the second "
          "weight.",
          "The two products are 0.5 times 2, and −1 times 3. Add them."],
    solution="answer = 0.5 * 2 + (-1) * 3   # = -2.0",
    mistakes=[(lambda: 0.5 * 2 + 1 * 3, "check the sign of w₂: it is −1, so its product is negative"),
              (lambda: 0.5 + 2 - 1 + 3, "multiply each input by its weight before adding")],
)
