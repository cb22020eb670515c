"""Exercises for notebook 01 (neurons): the weighted sum, a neuron's output, AND by hand, counting parameters."""

from __future__ import annotations

import numbers

import numpy as np

from helpers.activations import sigmoid, step
from helpers.exercises.core import CustomExercise, FunctionExercise, Wrong, show
from helpers.plots.neurons import operand
from helpers.widgets import num

_rng = np.random.default_rng(1)


def _cases(sizes) -> list[dict]:
    """Inputs x, weights w (same length) and a bias b, for each size."""
    cases = [{"x": np.array([1.0, 2.0]), "w": np.array([0.5, -1.0]), "b": 0.3}]  # the notebook's example
    for n in sizes:
        cases.append({"x": np.round(_rng.normal(size=n), 2), "w": np.round(_rng.normal(size=n), 2),
                      "b": float(np.round(_rng.normal(), 2))})
    return cases


# ---- q1: the weighted sum z = w·x + b ----

def weighted_sum(x, w, b):
    """z = w1*x1 + w2*x2 + ... + wn*xn + b."""
    return np.dot(w, x) + b


q1 = FunctionExercise(
    "Exercise 1 (weighted sum)", weighted_sum, _cases([3, 1, 5]),
    hint="Multiply each input by its weight, add the products up, then add the bias once. "
         "`np.dot(w, x)` does the multiply-and-add for you; `np.sum(w * x)` works too.",
)


# ---- q2: a neuron's output a = σ(w·x + b) ----

def neuron(x, w, b):
    """The output of a sigmoid neuron: a = σ(w·x + b)."""
    z = np.dot(w, x) + b
    return sigmoid(z)


q2 = FunctionExercise(
    "Exercise 2 (neuron output)", neuron, _cases([3, 4]) + [{"x": np.array([0.0, 0.0]), "w": np.array([2.0, 2.0]), "b": -1.0}],
    hint="Two steps: first the weighted sum z (exercise 1), then squash it with `sigmoid(z)`. "
         "Don't forget the bias.",
)


# ---- q3: weights that make a step neuron compute AND ----

AND_TABLE = {(0, 0): 0, (0, 1): 0, (1, 0): 0, (1, 1): 1}


def _numbers(answer, count: int, what: str) -> list[float]:
    """The answer as `count` plain numbers, or Wrong with a message that says what shape is wanted."""
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != count:
        raise Wrong(f"expected {what}, got {show(answer)}")
    if not all(isinstance(v, numbers.Real) for v in answer):
        raise Wrong(f"expected {count} numbers, got {show(answer)}")
    values = [float(v) for v in answer]
    if not all(np.isfinite(values)):
        raise Wrong(f"the numbers must be finite, got {show(answer)}")
    return values


def check_and(answer) -> None:
    """Raise Wrong unless step(w1·x1 + w2·x2 + b) is AND(x1, x2) on all four inputs."""
    w1, w2, b = _numbers(answer, 3, "three numbers (w1, w2, b), e.g. (0.5, 0.5, 0.0)")
    for (x1, x2), target in AND_TABLE.items():
        z = w1 * x1 + w2 * x2 + b
        out = int(step(z))
        if out != target:
            sign = "> 0" if z > 0 else "≤ 0"
            raise Wrong(f"for the input (x1, x2) = ({x1}, {x2}): z = {operand(w1)}·{x1} + {operand(w2)}·{x2} + "
                        f"{operand(b)} = {num(z)} {sign}, so the neuron outputs {out}, but AND({x1}, {x2}) = {target}.")


q3 = CustomExercise(
    "Exercise 3 (a neuron that computes AND)", (1.0, 1.0, -1.5), check_and,
    hint="The neuron must fire (z > 0) only for (1, 1). Take w1 = w2 = 1: then z = b, 1 + b, 1 + b and 2 + b "
         "for the four inputs. Which bias makes only the last one positive?",
    solution="and_weights = (1.0, 1.0, -1.5)  # z = x1 + x2 - 1.5 is positive only when both inputs are 1",
)


# ---- q4: counting the parameters of a small network ----

def count_parameters(layer_sizes) -> int:
    """Weights plus biases of a fully connected network with these layer sizes, e.g. [3, 4, 2] -> 26."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=False))


def check_count(answer) -> None:
    """Raise Wrong unless the answer is 26 (3 inputs, 4 hidden neurons, 2 outputs)."""
    (n,) = _numbers([answer] if isinstance(answer, numbers.Real) else answer, 1, "a single whole number")
    weights = 3 * 4 + 4 * 2
    if n == count_parameters([3, 4, 2]):
        return
    if n == weights:
        raise Wrong(f"{num(n, 0)} counts the weights only: every neuron of the hidden and output layers "
                    "also has one bias.")
    if n == 3 + 4 + 2 or n == 4 + 2:
        raise Wrong(f"{num(n, 0)} counts neurons; count the numbers a neuron holds: one weight per input, plus a bias.")
    raise Wrong(f"{show(answer)} is not it. Count layer by layer: each hidden neuron has 3 weights and a bias; "
                "each output neuron has one weight per hidden neuron and a bias.")


q4 = CustomExercise(
    "Exercise 4 (counting parameters)", count_parameters([3, 4, 2]), check_count,
    hint="A neuron with k inputs holds k weights and 1 bias. The hidden layer has 4 neurons with 3 inputs each; "
         "the output layer has 2 neurons whose inputs are the 4 hidden outputs.",
    solution="n_parameters = (3 * 4 + 4) + (4 * 2 + 2)  # hidden layer: 16, output layer: 10 -> 26",
)
