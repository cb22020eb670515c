"""The exercise and the prediction of notebook 00: a first try of check / hint / solution, and of a prediction."""

from __future__ import annotations

import math

import numpy as np

from helpers.exercises.core import ChoiceExercise, ValueExercise, Wrong

NOTEBOOK = "00_start_here"


class WeightedSum(ValueExercise):
    """A value exercise whose answer is one number: a str, a bool, one number in brackets or after a comma (a tuple),
    two numbers (the products, unsummed), entries that are not numbers and a near miss (every value here is exact)
    are named."""

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
        if isinstance(answer, bool | np.bool_):
            raise Wrong(f"{answer} is a truth value (a bool), not a number: write the sum w₁·x₁ + w₂·x₂ as a number")
        if isinstance(answer, tuple | list) or getattr(answer, "ndim", 0) > 0:  # a list, a tuple, an array, a tensor
            self._refuse_several(answer)
        try:
            value = float(answer)  # a number, a 0-d array, a one-number tensor
        except (TypeError, ValueError):
            value = math.nan
        off = abs(value - self.reference)
        if math.isfinite(value) and self.atol + self.rtol * abs(self.reference) < off <= 0.05:
            raise Wrong("close, but not quite: the two products here are whole numbers, so their sum is a whole "
                        "number too: compute it without rounding")
        super()._check(answer)

    @staticmethod
    def _refuse_several(answer) -> None:
        """Name the slip of an answer that holds entries: a trailing comma, brackets, unsummed products, not numbers."""
        kind = "tuple" if isinstance(answer, tuple) else "list" if isinstance(answer, list) else "array"
        try:
            count = np.size(np.asarray(answer, dtype=float))
        except (TypeError, ValueError, RuntimeError):  # ragged, or not numbers
            raise Wrong(f"you gave a {kind} of {len(answer)} entries, not one number: write the sum "
                        "w₁·x₁ + w₂·x₂ as one number") from None
        if count == 1 and kind == "tuple":
            raise Wrong("the comma after your number makes a tuple of one entry (Python reads `2.0,` as (2.0,)): "
                        "remove the comma")
        if count == 1:
            raise Wrong("you wrote the number inside brackets, which makes a list (or an array) of one entry: "
                        "write the number itself, without the brackets")
        raise Wrong(f"you gave {count} numbers; a weighted sum is one number: add the products together")


q0 = WeightedSum(
    "Weighted sum",
    reference=lambda: 0.5 * 2 + (-1) * 3,
    hint=["A weighted sum takes each input times its own weight, then adds the results. Watch the sign of the second "
          "weight.",
          "The first product is 0.5 * 2. The second is w₂ times x₂, and w₂ = -1 brings its minus sign along. "
          "Add the two products."],
    solution="answer = 0.5 * 2 + (-1) * 3   # = -2.0",
    mistakes=[(lambda: 0.5 * 2 + 1 * 3, "check the sign of w₂: it is −1, so its product is negative"),
              (lambda: 0.5 + 2 - 1 + 3, "multiply each input by its weight before adding"),
              (lambda: 2 + 3, "that is x₁ + x₂, the inputs alone: multiply each input by its weight before adding"),
              (lambda: -(0.5 * 2) + (-1) * 3, "only w₂ is negative: w₁ = 0.5, so w₁·x₁ = +1"),
              (lambda: -(0.5 * 2) + 1 * 3, "the minus belongs to w₂ only: w₁·x₁ = 0.5·2 is positive, w₂·x₂ = (−1)·3 "
                                            "is negative"),
              (lambda: (-1) * 3, "that is w₂·x₂ alone: add the first product, w₁·x₁, too"),
              (lambda: 0.5 * 2 + (-1), "multiply w₂ by its input x₂ = 3 before adding"),
              (lambda: 0.5 * 2, "that is w₁·x₁ alone: add the second product, w₂·x₂, too"),
              (lambda: 0.5 * 2 + (-1) * 2, "each weight multiplies its own input: w₂ goes with x₂ = 3, not x₁"),
              (lambda: 0.5 * 3 + (-1) * 2, "each weight multiplies its own input: w₁ with x₁ = 2, w₂ with x₂ = 3")],
)


p0 = ChoiceExercise(
    "Prediction 0 (the sum at w₂ = 0)", "b",
    options={"a": "0", "b": "1", "c": "5"},
    feedback={"a": "a weight of 0 silences only its own input: w₂·x₂ is 0, but w₁·x₁ is still there. What is it?",
              "c": "5 is x₁ + x₂, the inputs alone: each input counts only through its weight, and a weight of 0 "
                   "drops its input entirely."},
    hint="Only the second product changes: what is 0 times x₂? The first product, w₁·x₁, stays as it was.",
    solution='p0_answer = "b"  # w₁·x₁ + 0·x₂ = 0.5·2 + 0 = 1',
)
