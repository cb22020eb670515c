"""The exercise of notebook 00: a first try of check / hint / solution."""

from __future__ import annotations

import math

import numpy as np

from helpers.exercises.core import ValueExercise, Wrong

NOTEBOOK = "00_start_here"


class WeightedSum(ValueExercise):
    """A value exercise whose answer is one number: a str, one number in brackets, two numbers (the products,
    unsummed) and a near miss (every value here is exact) are named."""

    def _refuse_handed_in(self, answer) -> None:
        """The shared refusal says "write that function yourself"; q0's answer is a number, so say that instead."""
        try:
            super()._refuse_handed_in(answer)
        except Wrong:
            raise Wrong("the answer is a number you compute, not one of the course's functions: write the sum "
                        "w₁·x₁ + w₂·x₂ as a number (or the expression that computes it)") from None

    def _check(self, answer) -> None:
        if isinstance(answer, str):
            raise Wrong("the answer is one number, not a str (text in quotes): remove the quotes and write the "
                        "sum as a number")
        if isinstance(answer, tuple | list) or (isinstance(answer, np.ndarray) and answer.ndim > 0):
            try:
                count = np.size(np.asarray(answer, dtype=float))
            except (TypeError, ValueError):  # ragged or not numbers: the shared check says what it got
                count = 2
            if count == 1:
                raise Wrong("you wrote the number inside brackets, which makes a list (or an array) of one entry: "
                            "write the number itself, without the brackets")
            raise Wrong(f"you gave {count} numbers; a weighted sum is one number: add the products together")
        try:
            value = float(answer)  # a number, a 0-d array, a one-number tensor
        except (TypeError, ValueError):
            value = math.nan
        off = abs(value - self.reference)
        if math.isfinite(value) and self.atol + self.rtol * abs(self.reference) < off <= 0.05:
            raise Wrong("close, but not exact: the two products here are whole numbers, so their sum is exact too: "
                        "compute it without rounding")
        super()._check(answer)


q0 = WeightedSum(
    "Weighted sum",
    reference=lambda: 0.5 * 2 + (-1) * 3,
    hint=["A weighted sum takes each input times its own weight, then adds the results. Watch the sign of the second "
          "weight.",
          "The two products are 0.5 * 2 and -1 * 3. Add them."],
    solution="answer = 0.5 * 2 + (-1) * 3   # = -2.0",
    mistakes=[(lambda: 0.5 * 2 + 1 * 3, "check the sign of w₂: it is −1, so its product is negative"),
              (lambda: 0.5 + 2 - 1 + 3, "multiply each input by its weight before adding"),
              (lambda: 2 + 3, "that is x₁ + x₂, the inputs alone: multiply each input by its weight before adding"),
              (lambda: -(0.5 * 2) + (-1) * 3, "only w₂ is negative: w₁ = 0.5, so w₁·x₁ = +1"),
              (lambda: (-1) * 3, "that is w₂·x₂ alone: add the first product, w₁·x₁, too"),
              (lambda: 0.5 * 2 + (-1), "multiply w₂ by its input x₂ = 3 before adding"),
              (lambda: 0.5 * 2, "that is w₁·x₁ alone: add the second product, w₂·x₂, too"),
              (lambda: 0.5 * 2 + (-1) * 2, "each weight multiplies its own input: w₂ goes with x₂ = 3, not x₁"),
              (lambda: 0.5 * 3 + (-1) * 2, "each weight multiplies its own input: w₁ with x₁ = 2, w₂ with x₂ = 3")],
)
