"""Exercises for notebook 03 (forward propagation): predictions, the other batch convention, a forward pass,
counting parameters, XOR with ReLUs, bumps against a jump, shapes in an MNIST network, that network's forward() in
PyTorch, and one number of the XOR network traced by hand."""

from __future__ import annotations

import inspect
import numbers
import re

import numpy as np
import torch
from torch import nn

from helpers.activations import relu, sigmoid, softmax
from helpers.exercises.core import (
    ChoiceExercise,
    CustomExercise,
    FunctionExercise,
    NotAttempted,
    ValueExercise,
    Wrong,
    _course_function,
    show,
)
from helpers.forward import XOR_X, XOR_Y, ShapeError, counted, dense

NOTEBOOK = "03_forward_propagation"
_rng = np.random.default_rng(3)


def _normal(*shape) -> np.ndarray:
    """Random test numbers, rounded to 2 decimals so feedback stays readable."""
    return np.round(_rng.normal(size=shape), 2)


# ---- p1: predict the shape of X @ W.T + b ----

p1 = ChoiceExercise(
    "Prediction 1 (the shape of XWᵀ + b)", "a",
    options={"a": "(4, 3)", "b": "(3, 4)", "c": "(4, 2)", "d": "an error: the shapes do not fit"},
    feedback={"b": "That would be one column per example. X comes first in X @ W.T: its rows (the examples) "
                   "stay rows. Which sizes are left after the inner 2s meet?",
              "c": "(4, 2) is X's own shape. The inner sizes (2 and 2) are used up by the product: "
                   "what is left of (4, 2) @ (2, 3)?",
              "d": "W.T has shape (2, 3), so the inner sizes of (4, 2) @ (2, 3) agree; and b, shape (3,), lines up "
                   "with the last axis of the product."},
    hint="W.T has shape (2, 3). In a product U @ V the inner sizes must agree and disappear: (4, 2) @ (2, 3) gives … ? "
         "Then b of shape (3,) is added to every row.",
    solution='p1_answer = "a"  # (4, 2) @ (2, 3) -> (4, 3): one row per example, one column per neuron',
)


# ---- q1: the other convention, examples as columns ----

def dense_columns(Xc, W, b):
    """Z = W Xc + b for a batch stored one example per column: (d_out, d_in) @ (d_in, n) + (d_out, 1)."""
    return W @ Xc + b[:, None]  # (d_out, n)


_BIAS_AS_COLUMN = ("b was laid along each row (NumPy lines b up with the last axis, the examples), so b[k] went to "
                   "column k, example k. But bias b[i] belongs to neuron i, row i: it must be added to every entry "
                   "of that row. (b.T does nothing to a 1-D array: it has only one axis, so there is nothing to "
                   "swap.) The hints show how to make NumPy add b along the other axis.")
_BROADCAST = re.compile(r"could not be broadcast together with shapes ((?:\([\d,\s]*\)\s*)+)")


def _explain_broadcast(fn):
    """fn, with a NumPy 'could not be broadcast' crash in it turned into Wrong naming what Z's shape must be."""

    def explained(Xc, W, b):
        try:
            return fn(Xc, W, b)
        except ValueError as err:
            found = _BROADCAST.search(str(err))
            if not found:
                raise
            shapes = [tuple(int(v) for v in part.strip("() ").split(",") if v.strip())
                      for part in re.findall(r"\([^)]*\)", found.group(1))]
            wanted, described = (W.shape[0], Xc.shape[1]), f"Xc={show(Xc)}, W={show(W)}, b={show(b)}"
            if wanted in shapes and b.shape in shapes:  # W @ Xc + b, where the examples do not match d_out
                why = _BIAS_AS_COLUMN
            else:  # a product in the wrong order: Xc @ W, Xc.T @ W.T, ...
                why = (f"Z must have shape (d_out, n) = {wanted}, one row per neuron and one column per example, "
                       f"and no part of your sum has it. A product U @ V keeps the rows of U and the columns of V: "
                       f"W is (d_out, d_in) = {W.shape} and Xc is (d_in, n) = {Xc.shape}; which of them must come "
                       "first?")
            shown = " and ".join(str(shape) for shape in shapes)
            raise Wrong(f"your function stopped: NumPy could not add arrays of shapes {shown}. {why}\n"
                        f"  when called with {described}") from None

    return explained


class ColumnsExercise(FunctionExercise):
    """Exercise 1: a shape clash in the learner's sum is explained in terms of Z's shape, (d_out, n)."""

    def _check(self, answer) -> None:
        super()._check(_explain_broadcast(answer) if callable(answer) else answer)


q1 = ColumnsExercise(
    "Exercise 1 (examples as columns)", dense_columns,
    cases=[
        # d_in = 2 differs from d_out = n = 3: a product in the wrong order fails as it would on real data, while
        # W @ Xc + b (b along the rows) still runs, so that slip is named
        {"Xc": np.array([[1.0, 0.0, -1.0], [2.0, 0.5, 1.0]]),  # (2, 3): 3 examples as columns
         "W": np.array([[0.5, -1.0], [1.0, 1.0], [-2.0, 0.5]]),  # (3, 2)
         "b": np.array([0.5, -1.0, 2.0])},  # (3,)
        {"Xc": np.array([[1.0, 0.0, -1.0, 2.0], [2.0, 0.0, 1.0, -0.5]]),  # (2, 4): 4 examples as columns
         "W": np.array([[0.5, -1.0], [1.0, 1.0], [-2.0, 0.5]]),  # (3, 2)
         "b": np.array([0.5, 0.0, 1.0])},  # (3,)
        {"Xc": _normal(3, 5), "W": _normal(2, 3), "b": _normal(2)},
    ],
    hint=["The product of the weights with the batch already has one column per example and one row per neuron. A "
          "bias belongs to a neuron, that is to a row: it must be added to every entry of that row, the same for "
          "every example, so it has to stand as a column itself before NumPy broadcasts it.",
          "W @ Xc already has shape (d_out, n): row i is neuron i, column k is example k. Plain b, shape (d_out,), "
          "is lined up with the last axis, the examples, so it lands along each row instead. Give b a shape with a 1 "
          "in it, so that it stands as a column and NumPy repeats it across the n columns.",
          "Two NumPy ways turn a 1-D array into a column: b.reshape(-1, 1) (the -1 asks NumPy to work that size out "
          "from the others) and b[:, None] (None adds an axis of length 1) both give shape (d_out, 1), which "
          "broadcasts against (d_out, n) by repeating along the columns."],
    forbid=("helpers.forward", "helpers.nn", "torch.nn.functional"),
    solution="def dense_columns(Xc, W, b):\n    return W @ Xc + b[:, None]   # or (Xc.T @ W.T + b).T",
    mistakes=[
        (lambda Xc, W, b: W @ Xc + b, _BIAS_AS_COLUMN),
        (lambda Xc, W, b: Xc.T @ W.T + b,
         "that is the rows convention's Z, one row per example. Here each example is a column: transpose your "
         "result, or compute W @ Xc directly."),
        (lambda Xc, W, b: W @ Xc,
         "the bias is missing: every neuron adds its bias b[i] to its weighted sum."),
        (lambda Xc, W, b: Xc @ W,
         "Xc @ W has shape (d_in, d_in), and the bias is missing. A product U @ V keeps the rows of U and the columns "
         "of V, and Z needs one row per neuron (W's rows) and one column per example (Xc's columns)."),
        *[(lambda Xc, W, b, g=g: g(W @ Xc + b[:, None]),
           f"your Z is right, but then went through {name}. Return Z only: no activation in this exercise.")
          for g, name in ((sigmoid, "a sigmoid"), (relu, "a ReLU"), (np.tanh, "tanh"))],
    ],
)


# ---- q2: the forward pass of a ReLU-then-sigmoid network ----

def forward_pass(X, W1, b1, W2, b2):
    """Z1, H and Ŷ of a network with a ReLU hidden layer and a sigmoid output layer."""
    Z1 = X @ W1.T + b1  # (n, d_hidden)
    H = relu(Z1)  # (n, d_hidden), a new array: Z1 stays as it was
    return Z1, H, sigmoid(H @ W2.T + b2)  # Ŷ: (n, d_out)


def _in_place(X, W1, b1, W2, b2):
    """The slip: a ReLU written in place (H = Z1; H[H < 0] = 0) also zeroes Z1's negative entries. Storing the
    ReLU'd sums as Z1 (Z1 = dense_layer(X, W1, b1, relu)) returns the same arrays, so the message names both."""
    Z1 = X @ W1.T + b1
    H = Z1
    H[H < 0] = 0
    return Z1, H, sigmoid(H @ W2.T + b2)


q2 = FunctionExercise(
    "Exercise 2 (a forward pass)", forward_pass,
    cases=[
        {"X": np.array([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.0]]),  # (3, 2)
         "W1": np.array([[1.0, 2.0], [-1.0, 0.5]]), "b1": np.array([0.5, -0.5]),  # (2, 2): square, so W1 vs W1.T differ
         "W2": np.array([[1.5, -2.0]]), "b2": np.array([0.25])},  # (1, 2), (1,)
        {"X": _normal(6, 3), "W1": _normal(5, 3), "b1": _normal(5), "W2": _normal(2, 5), "b2": _normal(2)},
    ],
    names=("Z1", "H", "Y_hat"),
    hint=["Three steps: the table's Z1, the hidden layer's weighted sums; then H, the ReLU of those sums, made as a "
          "new array so that the sums stay as they were; then Z2 and Ŷ together, the output layer's weighted sums "
          "passed through the sigmoid. Return Z1, H and the prediction, in that order.",
          "Each layer is the formula from the table, Z = A Wᵀ + b, with A the layer's input (X for the first layer, "
          "H for the second), then its activation: relu for the hidden layer, sigmoid for the output. In NumPy, Wᵀ "
          "is W.T and the matrix product is @.",
          "Shapes: X (n, d_in) times W1 transposed, (d_in, d_hidden), gives Z1, (n, d_hidden), and b1 is added to "
          "every row. relu returns a new array, so H can be relu of Z1 and Z1 stays as it was. The output layer is "
          "the same formula once more, reading H (not X or Z1), with its own weights, bias and activation. Return a "
          "tuple of three, in the order Z1, H, prediction."],
    forbid=("helpers.forward", "helpers.nn", "torch.nn.functional.linear"),
    solution="def forward_pass(X, W1, b1, W2, b2):\n"
             "    Z1 = X @ W1.T + b1               # hidden layer's weighted sums, (n, d_hidden)\n"
             "    H = relu(Z1)                     # a new array: Z1 is kept as it was\n"
             "    Y_hat = sigmoid(H @ W2.T + b2)   # output layer, (n, d_out)\n"
             "    return Z1, H, Y_hat",
    mistakes=[
        (_in_place,  # Z1 = relu(...) or dense_layer(X, W1, b1, relu) returns the very same arrays
         "Z1 came back with its negative entries set to 0: Z1 must be the weighted sums before the ReLU (notebook 05 "
         "needs them as they are). Either you stored the ReLU'd values as Z1, for example Z1 = dense_layer(X, W1, "
         "b1, relu) or relu(...) around the sums: compute Z1 without an activation (X @ W1.T + b1, or dense_layer "
         "with lambda z: z), then H = relu(Z1). Or your ReLU changed Z1 in place: after H = Z1 both names point to "
         "the same array, so H[H < 0] = 0 (or np.maximum(Z1, 0, out=Z1)) changes Z1 too. Make a new array: "
         "H = relu(Z1) or np.maximum(Z1, 0)."),
        (lambda X, W1, b1, W2, b2: (X @ W1 + b1, relu(X @ W1 + b1), sigmoid(relu(X @ W1 + b1) @ W2.T + b2)),
         "Z1 uses W1 without its transpose. W1 is (d_hidden, d_in), one row per neuron: X @ W1.T."),
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, sigmoid(X @ W1.T + b1), sigmoid(sigmoid(X @ W1.T + b1) @ W2.T + b2)),
         "H is the sigmoid of Z1; this network's hidden layer uses ReLU."),
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1), relu(X @ W1.T + b1) @ W2.T + b2),
         "Y_hat is still the weighted sum Z2: the output layer applies the sigmoid to it."),
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1), sigmoid((X @ W1.T + b1) @ W2.T + b2)),
         "Y_hat is wrong because the output layer read Z1: it must read H, the ReLU of Z1, not Z1 itself."),
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1), sigmoid(relu(X @ W1.T + b1) @ W2.T) + b2),
         "Y_hat: some ŷ lies outside 0..1, which a sigmoid never gives: b2 was added after the sigmoid. The bias "
         "belongs to the weighted sum Z2, and the sigmoid must be the last step."),
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1), sigmoid(relu(X @ W1.T + b1) @ W2.T)),
         "Y_hat: b2 is missing. The output neuron adds its bias to its weighted sum, as the hidden layer does."),
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1), relu(relu(X @ W1.T + b1) @ W2.T + b2)),
         "Y_hat: you put a ReLU on the output layer too (some ŷ is above 1, or exactly 0). Only the hidden layer "
         "uses ReLU; this output layer is a sigmoid, so that every ŷ lies between 0 and 1."),
        (lambda X, W1, b1, W2, b2: (relu(X @ W1.T + b1), X @ W1.T + b1, sigmoid(relu(X @ W1.T + b1) @ W2.T + b2)),
         "Z1 and H are swapped: the order is Z1 (the weighted sums), then H = relu(Z1), then Y_hat."),
        (lambda X, W1, b1, W2, b2: (X @ W1.T, relu(X @ W1.T + b1), sigmoid(relu(X @ W1.T + b1) @ W2.T + b2)),
         "Z1 is missing b1: H and Y_hat are right, so the bias was added after Z1 was stored. The weighted sums "
         "include the bias (Z1 = X W1ᵀ + b1, as in the table above), and H is the ReLU of that same Z1: notebook 05 "
         "needs Z1 with its bias."),
    ],
)


# ---- p2: predict what the XOR network outputs at (1, 1) ----

p2 = ChoiceExercise(
    "Prediction 2 (the network at (1, 1))", "a",
    options={"a": "close to 0", "b": "close to 1", "c": "about 0.5"},
    feedback={"b": "Work out h₁ and h₂ first: at (1, 1), z for h₁ is 10 + 10 − 5 = 15 and for h₂ 10 + 10 − 15 = 5. "
                   "Both are large, so both h are near 1. Then z₂ = 10·h₁ − 10·h₂ − 5: what sign is that?",
              "c": "ŷ is about 0.5 only when z₂ is near 0. At (1, 1), h₁ ≈ 1 and h₂ ≈ 0.99, "
                   "so z₂ = 10·h₁ − 10·h₂ − 5 is close to … ?"},
    hint="At (1, 1): h₁ = σ(10 + 10 − 5) = σ(15) ≈ 1, h₂ = σ(10 + 10 − 15) = σ(5) ≈ 0.99, h₃ = σ(0) = 0.5 (but "
         "its outgoing weight is 0). Then z₂ = 10·h₁ − 10·h₂ + 0·h₃ − 5.",
    solution='p2_answer = "a"  # z2 = 10·1.0 − 10·0.99 − 5 ≈ −4.9, and σ(−4.9) ≈ 0.007',
)


# ---- q3: count the parameters of a network from its layer sizes ----

def count_parameters(sizes):
    """Weights and biases of a fully connected network with layer sizes [d_in, d_1, ..., d_out]."""
    return sum(d_out * d_in + d_out for d_in, d_out in zip(sizes[:-1], sizes[1:], strict=True))


_PAIR_TOO_FAR = ("the loop runs one pair too far: with i going up to len(sizes) − 1, the last sizes[i + 1] is past "
                 "the end of the list. There is one layer per pair of neighbouring sizes, one fewer than the sizes: "
                 "let i go up to len(sizes) − 2 (range(len(sizes) - 1)), or pair them with "
                 "zip(sizes[:-1], sizes[1:]).")


def _layers_fixed(answer, sizes) -> bool:
    """Whether `answer`, which raised IndexError on `sizes`, runs once `sizes` is longer: it reads sizes by fixed
    positions (written for one number of layers), not one pair too many (that still fails on a longer list)."""
    try:
        answer(list(sizes) + [1] * 8)
    except Exception:  # noqa: BLE001 - still an IndexError (a loop over every index), or any other failure
        return False
    return True


class CountExercise(FunctionExercise):
    """Exercise 3: an IndexError on `sizes` is named: sizes read at fixed positions (a function written for one
    number of layers), or a loop over every index of `sizes` (one pair too far)."""

    def _check(self, answer) -> None:
        if not callable(answer):
            super()._check(answer)
            return

        def named(sizes):
            try:
                return answer(sizes)
            except IndexError as err:
                if "out of range" in str(err) and _layers_fixed(answer, sizes):
                    raise Wrong(f"your function raised IndexError ({err}) when called with sizes={show(sizes)}: it "
                                f"reads a size that this list does not have. Your function must work for any number "
                                f"of layers (sizes={show(sizes)} has {counted(len(sizes) - 1, 'layer')}): go over the "
                                "pairs of neighbouring sizes, however many there are, instead of naming sizes[0], "
                                "sizes[1], sizes[2] one by one.") from None
                if "out of range" in str(err):
                    raise Wrong(f"your function raised IndexError ({err}): {_PAIR_TOO_FAR}\n"
                                f"  when called with sizes={show(sizes)}") from None
                raise

        super()._check(named)


q3 = CountExercise(
    "Exercise 3 (counting parameters)", count_parameters,
    cases=[{"sizes": [3, 4, 2]}, {"sizes": [784, 128, 10]}, {"sizes": [5, 1]}, {"sizes": [4, 8, 8, 3]}],
    hint=["Take the layers in pairs, each size with the next one. A layer from some number of inputs to some number "
          "of neurons holds one weight per input per neuron, and one bias per neuron. Add up the layers.",
          "Go layer by layer, pairing each size with the next: zip(sizes[:-1], sizes[1:]). A layer from d_in "
          "inputs to d_out neurons has W of shape (d_out, d_in) and b of shape (d_out,)."],
    forbid=("torch.nn",),  # no layers built to count: the exercise counts from the sizes alone
    solution="def count_parameters(sizes):\n"
             "    total = 0\n"
             "    for d_in, d_out in zip(sizes[:-1], sizes[1:]):\n"
             "        total += d_out * d_in + d_out   # W: (d_out, d_in), b: (d_out,)\n"
             "    return total",
    mistakes=[
        (lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)),
         "you counted the weights but not the biases: every neuron also has one bias."),
        (lambda sizes: sum(a * b + a for a, b in zip(sizes[:-1], sizes[1:], strict=True)),
         "a layer has one bias per neuron (per output, d_out), not one per input."),
        (lambda sizes: sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True)) + sizes[0],
         "the inputs are not neurons: they have no bias. Only the layers after the input have biases."),
    ],
)


# ---- q4: XOR with ReLU hidden units ----

XOR_RELU_REFERENCE = (
    np.array([[1.0, 1.0], [1.0, 1.0]]),  # W1 (2, 2): both units add up the inputs
    np.array([0.0, -1.0]),  # b1 (2,): h1 = x1 + x2, h2 = relu(x1 + x2 - 1) (on only when both are 1)
    np.array([[10.0, -20.0]]),  # W2 (1, 2): 10·(h1 - 2·h2) is 0, 10, 0 for 0, 1, 2 inputs on
    np.array([-5.0]),  # b2 (1,): shift so that 0 -> σ(-5) ≈ 0.01, 10 -> σ(5) ≈ 0.99
)


def _check_xor_relu(answer) -> None:
    """Raise Wrong unless answer = (W1, b1, W2, b2) makes sigmoid(relu-layer) output XOR confidently."""
    if not isinstance(answer, tuple | list) or len(answer) != 4:
        raise Wrong(f"expected four arrays (W1_relu, b1_relu, W2_relu, b2_relu), got {show(answer)}")
    if all(part is ... for part in answer):
        raise NotAttempted
    for name, part in zip(("W1_relu", "b1_relu", "W2_relu", "b2_relu"), answer, strict=True):
        if part is ... or part is None:
            raise Wrong(f"{name} is still `{show(part)}`: give it numbers")
    try:
        W1, b1, W2, b2 = (np.asarray(part, dtype=float) for part in answer)
    except (TypeError, ValueError):
        raise Wrong("W1_relu, b1_relu, W2_relu and b2_relu must be arrays of numbers") from None
    if W1.ndim != 2 or W1.shape[1] != 2:
        raise Wrong(f"W1_relu has shape {W1.shape}, but the input x has 2 features: W1_relu needs one row per hidden "
                    "neuron and one column per input, shape (d_hidden, 2)")
    d_hidden = W1.shape[0]
    if b1.shape != (d_hidden,):
        raise Wrong(f"b1_relu has shape {b1.shape}, but W1_relu has {counted(d_hidden, 'row')}, one per hidden "
                    f"neuron: b1_relu needs one bias per hidden neuron, shape ({d_hidden},)")
    if W2.ndim != 2 or W2.shape[0] != 1:
        raise Wrong(f"W2_relu must have shape (1, d_hidden): one output neuron, got shape {W2.shape}")
    if W2.shape[1] != d_hidden:
        raise Wrong(f"W2_relu has shape {W2.shape}, but its input, the hidden layer H = relu(X W1ᵀ + b1), has "
                    f"shape (4, {d_hidden}): {counted(d_hidden, 'hidden neuron')}, one per row of W1_relu. W2_relu "
                    "needs one column per hidden neuron: make W1_relu's rows and W2_relu's columns agree")
    if b2.shape != (1,):
        raise Wrong(f"b2_relu has shape {b2.shape}: the one output neuron has one bias, shape (1,)")
    try:
        y = dense(dense(XOR_X, W1, b1, relu), W2, b2, sigmoid)[:, 0]  # (4, d_hidden), then (4,)
    except ShapeError as err:  # every shape was checked above: a safety net
        raise Wrong(str(err)) from None
    for (x1, x2), target, value in zip(XOR_X, XOR_Y, y, strict=True):
        if not np.isfinite(value):
            raise Wrong(f"at x = ({x1:g}, {x2:g}) your network gives ŷ = {value}")
        if target == 1 and value < 0.9:
            raise Wrong(f"at x = ({x1:g}, {x2:g}) your network gives ŷ = {value:.3f}, but XOR's target "
                        f"is 1: ŷ must be at least 0.9")
        if target == 0 and value > 0.1:
            raise Wrong(f"at x = ({x1:g}, {x2:g}) your network gives ŷ = {value:.3f}, but XOR's target "
                        f"is 0: ŷ must be at most 0.1")


q4 = CustomExercise(
    "Exercise 4 (XOR with ReLU hidden units)", XOR_RELU_REFERENCE, _check_xor_relu,
    hint=["Let two hidden units both add up the two inputs: one as it is, one shifted down so that it only switches "
          "on when both inputs are 1. A mix of the two is then zero, one, one, zero on the four corners; scale that "
          "mix up and shift it, so that the sigmoid says nearly 0 or nearly 1.",
          "Try two hidden units that both compute x1 + x2 (weights 1, 1), one with bias 0 and one with "
          "bias -1. On the four corners they give h1 = 0, 1, 1, 2 and h2 = 0, 0, 0, 1. Which mix "
          "v1·h1 + v2·h2 is 0, 1, 1, 0? Then scale it up and shift it so that σ gives ≈0 and ≈1."],
    solution="W1_relu = np.array([[1.0, 1.0], [1.0, 1.0]])   # h1 = relu(x1 + x2), h2 = relu(x1 + x2 - 1)\n"
             "b1_relu = np.array([0.0, -1.0])\n"
             "W2_relu = np.array([[10.0, -20.0]])            # 10·(h1 - 2·h2) = 0, 10, 10, 0 on the corners\n"
             "b2_relu = np.array([-5.0])                     # σ(-5) ≈ 0.007, σ(5) ≈ 0.993",
)


# ---- p3: predict whether bumps can follow a target that jumps ----
# The answer is checked in tests/test_plots_forward.py: no position of the widget's sliders gets the gap below 0.3.

p3 = ChoiceExercise(
    "Prediction 3 (bumps against a jump)", "c",
    options={"a": "yes: with enough hidden units, the gap shrinks below 0.1, as it does on a smooth curve",
             "b": "yes, but only with very steep steps (steepness near 500) as well as many units",
             "c": "no: however many units and however steep, the gap stays at least 0.3, half the jump from 0.2 "
                  "to 0.8"},
    feedback={"a": "More units help wherever f is smooth. At the jump itself f leaps by 0.6 from one side to the "
                   "other, while the network's output, a sum of smooth sigmoids, has no jump: just left and just "
                   "right of the jump it has about the same value. Can one value be within 0.1 of both sides?",
              "b": "Steeper steps make ŷ rise faster, but it still rises through every value in between: a sum of "
                   "smooth sigmoids is a continuous curve, whatever its steepness. Just left and just right of the "
                   "jump, ŷ has about the same value, while f differs by 0.6. How close can one value be to both?"},
    hint="Just left of the jump f is 0.2, just right of it 0.8. ŷ is a sum of smooth sigmoids, so at two points very "
         "close together it has almost the same value. What is the smallest distance one number can have from both "
         "0.2 and 0.8?",
    solution='p3_answer = "c"  # ŷ is continuous: next to the jump it is at least 0.3 from 0.2 or from 0.8',
)


# ---- q5: shapes through an MNIST-sized network ----

SHAPES_REFERENCE = ((128, 784), (64, 128), (64, 10))
_SHAPE_NAMES = ("the first layer's weight W1", "the hidden activations H", "the output")
_SHAPE_TIPS = {
    (784, 128): "that is W1 transposed: nn.Linear stores its weight as (out_features, in_features), "
                "one row per neuron",
    (128, 64): "that is H transposed: PyTorch puts the batch first, one row per example",
    (10, 64): "that is the output transposed: PyTorch puts the batch first, one row per example",
}


def _as_shape(value) -> tuple:
    """Turn a tuple, list or torch.Size into a tuple of ints (or raise Wrong)."""
    if value is ... or value is None:
        raise NotAttempted
    if isinstance(value, str) or not all(isinstance(v, numbers.Integral) for v in value):
        raise Wrong(f"a shape is a tuple of whole numbers like (3, 2), got {show(value)}")
    return tuple(int(v) for v in value)


def _check_shapes(answer) -> None:
    """Raise Wrong unless answer = (shape of W1, shape of H, shape of the output)."""
    if not isinstance(answer, tuple | list) or len(answer) != 3:
        raise Wrong(f"expected three shapes (shape_W1, shape_H, shape_out), got {show(answer)}")
    if any(part is ... for part in answer) and not all(part is ... for part in answer):
        missing = [n for n, part in zip(("shape_W1", "shape_H", "shape_out"), answer, strict=True) if part is ...]
        raise Wrong(f"{', '.join(missing)} still `...`: fill in every shape")
    shapes = [_as_shape(part) for part in answer]
    for name, got, expected in zip(_SHAPE_NAMES, shapes, SHAPES_REFERENCE, strict=True):
        if got != expected:
            tip = _SHAPE_TIPS.get(got, "count: which number is the batch, which the inputs, which the outputs?")
            if len(got) == 1 and len(expected) == 2:  # (128,) or (10,): the batch left out
                tip = ("that is the shape of one example. The batch of 64 keeps its size through every layer, as the "
                       "first axis: one row per example")
            raise Wrong(f"{name} should not have shape {got}: {tip}")


q5 = CustomExercise(
    "Exercise 5 (shapes in an MNIST network)", SHAPES_REFERENCE, _check_shapes,
    hint=["A linear layer stores one row of weights per neuron, so its weight has the number of outputs first. A "
          "batch keeps its size through every layer; only the number of features per example changes.",
          "nn.Linear(784, 128) holds a weight of shape (out_features, in_features). "
          "A batch keeps its size n = 64 through every layer; only the number of features changes. "
          "You can check yourself: build the network under a new name, mnist_net (net is still the XOR network, "
          "which section 7 uses again), and print mnist_net[0].weight.shape and mnist_net(X64).shape "
          "for X64 = torch.zeros(64, 784)."],
    solution="shape_W1 = (128, 784)   # (out_features, in_features)\n"
             "shape_H = (64, 128)     # (batch, hidden features)\n"
             "shape_out = (64, 10)    # (batch, classes)",
)


# ---- q6: the forward() of a 784-128-10 nn.Module, checked against the NumPy forward pass ----

class MnistLayers(nn.Module):
    """The given part of Exercise 6: the layers, without forward()."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)  # hidden layer: weight (128, 784), bias (128,)
        self.fc2 = nn.Linear(128, 10)  # output layer: weight (10, 128), bias (10,)


class MnistNet(MnistLayers):
    """784 -> 128 ReLU -> 10 scores (logits): the reference."""

    def forward(self, x):
        h = torch.relu(self.fc1(x))  # (n, 128)
        return self.fc2(h)  # (n, 10): the scores, no activation


_MNIST_RNG = np.random.default_rng(6)


def _float32(*shape, scale: float) -> np.ndarray:
    """Random numbers that float32 holds exactly, so NumPy (float64) and PyTorch (float32) start equal."""
    return _MNIST_RNG.normal(scale=scale, size=shape).astype(np.float32).astype(float)


MNIST_W1, MNIST_b1 = _float32(128, 784, scale=1 / 28), _float32(128, scale=0.1)  # (128, 784), (128,)
MNIST_W2, MNIST_b2 = _float32(10, 128, scale=0.1), _float32(10, scale=0.1)  # (10, 128), (10,)
# 5 "images", (5, 784): pixels in [0, 1) standardised as in notebook 06, so the background is negative (-0.42)
MNIST_X = ((np.random.default_rng(7).uniform(size=(5, 784)) - 0.1307) / 0.3081).astype(np.float32).astype(float)
MNIST_ATOL = MNIST_RTOL = 1e-5  # float32 sums of 784 products agree with float64 to about 1e-6


def _scores(hidden=relu, out=lambda z: z, b1=MNIST_b1, b2=MNIST_b2, x=MNIST_X) -> np.ndarray:
    """The NumPy forward pass of the 784-128-10 network (or a slip of it) on MNIST_X: (5, 10)."""
    H = hidden(x @ MNIST_W1.T + b1)  # (5, 128)
    return out(H @ MNIST_W2.T + b2)  # (5, 10)


_LOGITS = ("Return the raw scores (logits), fc2's output as it is: the loss that trains this network, "
           "nn.CrossEntropyLoss (notebooks 04 and 06), turns scores into probabilities itself")
_MODULE_SLIPS = [
    (lambda: _scores(hidden=lambda z: z),
     "nothing acts on fc1's output, so the hidden layer has no ReLU. Without it, fc2(fc1(x)) is one linear map (a "
     "product of matrices is a matrix), and the hidden layer adds nothing: apply torch.relu to fc1's output."),
    (lambda: _scores(hidden=lambda z: z, x=relu(MNIST_X)),
     "a ReLU on the input x, and none on fc1's output. The ReLU belongs to the hidden layer: forward() starts with "
     "fc1 on x as it is, then torch.relu on fc1's output. (Inputs can be negative: standardised MNIST pixels are, "
     "-0.42 on the background, and a ReLU on x would set them all to 0.)"),
    (lambda: _scores(x=relu(MNIST_X)),
     "a ReLU on the input x: forward() starts with fc1 on x as it is. The only ReLU is the one on fc1's output. "
     "(Inputs can be negative: standardised MNIST pixels are, -0.42 on the background, and a ReLU on x would set "
     "them all to 0.)"),
    (lambda: _scores(out=lambda z: softmax(z, axis=1)),
     f"every row of your output sums to 1: you applied softmax. {_LOGITS}: with a softmax in forward() too, "
     f"softmax would be applied twice."),
    (lambda: _scores(out=lambda z: np.log(softmax(z, axis=1))),
     f"your output is the log-softmax of the scores. {_LOGITS}."),
    (lambda: _scores(out=relu),
     f"no score is negative: a ReLU after the last layer cuts them at 0. The output layer has no activation. "
     f"{_LOGITS}."),
    (lambda: _scores(out=sigmoid),
     f"every score lies between 0 and 1: a sigmoid after the last layer. The output layer has no activation. "
     f"{_LOGITS}."),
    (lambda: _scores(hidden=sigmoid),
     "the hidden layer uses the sigmoid; this network's hidden layer uses ReLU (torch.relu)."),
    (lambda: _scores(b1=0 * MNIST_b1),
     "fc1's bias is missing: multiplying by self.fc1.weight yourself, add self.fc1.bias too (or call the layer, "
     "self.fc1(x), which adds it)."),
    (lambda: _scores(b2=0 * MNIST_b2),
     "fc2's bias is missing: multiplying by self.fc2.weight yourself, add self.fc2.bias too (or call the layer, "
     "self.fc2(x), which adds it)."),
]


def _load(net: nn.Module) -> None:
    """Copy the fixed weights into fc1 and fc2 (Wrong if the layers are not as given)."""
    weights = {"fc1.weight": MNIST_W1, "fc1.bias": MNIST_b1, "fc2.weight": MNIST_W2, "fc2.bias": MNIST_b2}
    try:
        net.load_state_dict({k: torch.tensor(v, dtype=torch.float32) for k, v in weights.items()})
    except (RuntimeError, KeyError) as err:
        raise Wrong("keep __init__ as it was given, with self.fc1 = nn.Linear(784, 128) and self.fc2 = "
                    f"nn.Linear(128, 10): the checker loads its weights into those two layers.\n  PyTorch said: "
                    f"{str(err).strip().splitlines()[0]}") from None


def _run(net: nn.Module, x: torch.Tensor):
    """net(x), with a crash in the learner's forward() turned into Wrong with a plain explanation."""
    try:
        with torch.no_grad():
            return net(x)
    except Wrong:  # a tripwire
        raise
    except NotImplementedError:
        raise Wrong("your class has no forward() method: write `def forward(self, x):` inside the class, "
                    "indented like __init__") from None
    except Exception as err:  # noqa: BLE001 - the learner's code crashed: explain, don't raise
        text = f"{type(err).__name__}: {str(err).strip().splitlines()[0]}"
        if "must be Tensor, not numpy.ndarray" in str(err):
            raise Wrong(f"a layer was handed a NumPy array ({text}). The relu and sigmoid imported in the Setup cell "
                        "are NumPy functions: they turn a tensor into an array. Inside forward() stay in torch: "
                        "torch.relu and torch.sigmoid.") from None
        if "must have the same dtype" in str(err):
            raise Wrong(f"your tensor became float64 (Double), but the layers hold float32 (Float) ({text}). That "
                        "happens on a detour through NumPy or with .double(): stay in torch, with torch.relu, from "
                        "x to the scores.") from None
        if "shapes cannot be multiplied" in str(err):
            raise Wrong(f"a matrix product got shapes that do not fit ({text}). Each layer reads the output of the "
                        "one before: fc1 reads x, (n, 784), and fc2 reads the hidden layer, (n, 128). nn.Linear "
                        "keeps its weight as (out_features, in_features), one row per neuron: calling the layer, "
                        "self.fc1(x), computes x @ weight.T + bias for you.") from None
        raise Wrong(f"your forward() raised {text}\n  when called with x of shape (5, 784)") from None


def _check_module(answer) -> None:
    """Raise Wrong unless the learner's class computes the NumPy forward pass, logits, to within 1e-5."""
    if isinstance(answer, nn.Module):
        raise Wrong(f"you passed a network, {type(answer).__name__}(); pass the class itself, without the brackets")
    if not inspect.isclass(answer):  # a forward function on its own: given the layers of the exercise
        if not callable(answer):
            raise Wrong(f"expected your class MnistNet (a subclass of nn.Module), got {type(answer).__name__}")
        answer = type("MnistNet", (MnistLayers,), {"forward": answer})
    if not issubclass(answer, nn.Module):
        raise Wrong(f"{answer.__name__} must be a subclass of nn.Module: class {answer.__name__}(nn.Module):")
    try:
        net = answer()
    except Exception as err:  # noqa: BLE001
        raise Wrong(f"making your network, {answer.__name__}(), raised {type(err).__name__}: {err}") from None
    _load(net)
    out = _run(net, torch.tensor(MNIST_X, dtype=torch.float32))
    if out is ...:
        raise NotAttempted
    if out is None:
        raise Wrong("your forward() returned None: did you forget `return`?")
    if not isinstance(out, torch.Tensor):
        raise Wrong(f"forward() should return a torch tensor of scores, got {type(out).__name__}: stay in PyTorch "
                    "(no .numpy(), and no relu or sigmoid from the Setup cell: those are NumPy's), so that training "
                    "can follow the computation back (notebook 05)")
    got, expected = out.detach().double().numpy(), _scores()
    if got.shape != expected.shape:
        tip = ": that is the hidden layer. Pass it on through fc2" if got.shape == (5, 128) else ""
        raise Wrong(f"the output has shape {tuple(got.shape)}, expected (5, 10), one row per input and one score "
                    f"per digit{tip}")
    if np.allclose(got, expected, atol=MNIST_ATOL, rtol=MNIST_RTOL):
        return
    for slip, message in _MODULE_SLIPS:
        if np.allclose(got, slip(), atol=1e-4, rtol=1e-4):
            raise Wrong(message)
    raise Wrong(f"your scores differ from the NumPy forward pass, relu(X W1ᵀ + b1) W2ᵀ + b2, by up to "
                f"{np.abs(got - expected).max():.3g} (allowed: 1e-5). Check each step: fc1, then the ReLU, then "
                "fc2, and nothing after it.")


class ModuleExercise(CustomExercise):
    """The learner hands in an nn.Module class (or its forward alone); its forward() runs behind the tripwires."""

    def _refuse_handed_in(self, answer) -> None:
        super()._refuse_handed_in(answer)
        if inspect.isclass(answer):  # a forward() inherited from a course class, or assigned from one
            own = (next((_course_function(base) for base in answer.__mro__ if _course_function(base)), "")
                   or _course_function(getattr(answer, "forward", None)))
            if own:
                raise Wrong(f"your class takes its forward() from the course's own `{own}`, which does the very "
                            f"computation this exercise asks you to write yourself. Write class MnistNet(nn.Module) "
                            f"with a forward() of your own: {self.hints[0]}")

    def guarded(self, fn):
        if inspect.isclass(fn) and issubclass(fn, nn.Module):
            return type(fn.__name__, (fn,), {"forward": super().guarded(fn.forward)})
        if inspect.isclass(fn):  # not an nn.Module: the checker says so
            return fn
        return fn if isinstance(fn, nn.Module) else super().guarded(fn)


q6 = ModuleExercise(
    "Exercise 6 (forward() of the MNIST network)", MnistNet, _check_module,
    hint=["Follow the data through the network in order: the first layer, then the ReLU, then the output layer. "
          "Each layer is called like a function on what the step before gave it. The last layer's output is the "
          "answer as it is, with no activation after it.",
          "self.fc1(x) gives (n, 128). Which torch function turns that into the hidden layer H, and which of the "
          "two layers reads H? Whatever that layer returns is the answer: nothing comes after it.",
          "self.fc1(x) has shape (n, 128), and torch.relu of it is the hidden layer H. One layer maps 128 features "
          "to the 10 scores: return its output on H as it is, with no softmax, sigmoid or ReLU after it (the loss "
          "takes the raw scores)."],
    solution="class MnistNet(nn.Module):\n"
             "    def __init__(self):\n"
             "        super().__init__()              # registers the layers below\n"
             "        self.fc1 = nn.Linear(784, 128)  # hidden layer: weight (128, 784), bias (128,)\n"
             "        self.fc2 = nn.Linear(128, 10)   # output layer: weight (10, 128), bias (10,)\n"
             "\n"
             "    def forward(self, x):               # x: (n, 784)\n"
             "        h = torch.relu(self.fc1(x))     # (n, 128): the hidden layer\n"
             "        return self.fc2(h)              # (n, 10): the scores (logits), no activation",
    forbid=("helpers.models", "helpers.forward", "helpers.nn"),  # SimpleNN, also SimpleNN.forward(self, x)
)


# ---- q7: one number of the XOR network, traced by hand ----
# Asked at x = (1, 1): the trace widget opens at (1, 0) (and (0, 1) gives the same z₂), where it prints z₂.

def _z2_by_hand(h1: float, h2: float, bias: float = -5.0, w2: float = -10.0) -> float:
    """The output neuron's weighted sum: 10·h1 − 10·h2 + 0·h3 + b2."""
    return 10.0 * h1 + w2 * h2 + bias


class _HandTrace(ValueExercise):
    """A value traced by hand: a near miss is a rounding of the h values, not float32."""

    def _check(self, answer) -> None:
        try:
            super()._check(answer)
        except Wrong as wrong:
            if "close, but not close enough" not in str(wrong):
                raise
            raise Wrong("close, but a little off: did you round on the way? Keep 4 decimals of each h and round "
                        "only z₂ itself, to 2 decimals. Check each term's sign too.") from None


_H1, _H2 = float(sigmoid(15.0)), float(sigmoid(5.0))  # at x = (1, 1)

q7 = _HandTrace(
    "Exercise 7 (one number traced by hand)", lambda: _z2_by_hand(_H1, _H2),
    hint=["Go layer by layer. Each hidden neuron first: its weighted sum at this input, then the sigmoid of it. Then "
          "the output neuron's weighted sum of the three hidden outputs, plus its bias; stop before its sigmoid.",
          "At x = (1, 1): h₁'s z is 10·1 + 10·1 − 5 and h₂'s z is 10·1 + 10·1 − 15; h₃ = σ(0) = 0.5 has weight 0. "
          "Take σ of each z (sigmoid(…) works as a calculator) and keep 4 decimals; then "
          "z₂ = 10·h₁ − 10·h₂ + 0·h₃ − 5."],
    solution="z2_by_hand = 10 * sigmoid(15.0) - 10 * sigmoid(5.0) + 0 * sigmoid(0.0) - 5   "
             "# h1 = σ(15) ≈ 1.0000, h2 = σ(5) ≈ 0.9933: z2 ≈ −4.93",
    atol=0.005, rtol=0.0,  # 2 decimals, −4.93 (within half a unit): h₁ and h₂ kept to 3 or 4 decimals pass
    mistakes=[
        (lambda: _z2_by_hand(1.0, 1.0),
         "that is z₂ with h₁ and h₂ both exactly 1. h₂'s z at (1, 1) is 10·1 + 10·1 − 15 = 5, and σ(5) is a "
         "little under 1: with weights of 10 that small gap matters. Keep 4 decimals of each h."),
        (lambda: _z2_by_hand(1.0, 0.99),
         "close: you rounded h₁ and h₂ to 2 decimals (1.00 and 0.99), as Prediction 2's rough estimate did, and the "
         "weights of 10 multiply that rounding by 10. Keep 4 decimals of each h; round only z₂ itself."),
        (lambda: _z2_by_hand(_H1, _H2, bias=0.0),
         "the output bias b₂ = −5 is missing: the output neuron adds it to its weighted sum, as the hidden ones do."),
        (lambda: float(sigmoid(_z2_by_hand(_H1, _H2))),
         "that is ŷ = σ(z₂), the output after its sigmoid (the forward-pass cell of section 4 prints it). The "
         "question asks for z₂, the output neuron's weighted sum before the sigmoid."),
        (lambda: _z2_by_hand(15.0, 5.0),
         "you fed the hidden neurons' z into the output. The output neuron reads their activations, h = σ(z): "
         "h₁ = σ(15), h₂ = σ(5)."),
        (lambda: _z2_by_hand(float(sigmoid(5.0)), float(sigmoid(-5.0))),
         "that is z₂ at x = (1, 0), the input the widget opens on. This exercise asks at x = (1, 1): both inputs "
         "are 1."),
        (lambda: _z2_by_hand(_H1, float(sigmoid(-5.0))),
         "h₂'s z at (1, 1) is 10·1 + 10·1 − 15 = 5, so h₂ = σ(5), near 1, not σ(−5)."),
        (lambda: _z2_by_hand(_H1, _H2, w2=10.0),
         "mind the sign of h₂'s weight into the output: W2 is [10, −10, 0], so h₂ counts −10·h₂."),
    ],
)
