"""Exercises for notebook 02 (activation functions): two linear layers merged into one, tanh′ derived from the
sigmoid, ReLU, the ceiling on a gradient through ten sigmoids, a stable softmax for a batch; two predictions."""

from __future__ import annotations

import numpy as np

from helpers.activations import sigmoid, sigmoid_grad
from helpers.exercises.core import ChoiceExercise, FunctionExercise, ValueExercise
from helpers.exercises.tripwires import AUTOGRAD

NOTEBOOK = "02_activation_functions"
_rng = np.random.default_rng(2)
_NO_MATCH = "(this slip cannot happen with these inputs)"  # never equal to an answer: the checker skips the slip


def _quiet(slip):
    """A slip function that returns _NO_MATCH instead of crashing, with NumPy's warnings silenced."""
    def run(*args):
        with np.errstate(all="ignore"):
            try:
                return slip(*args)
            except (ValueError, TypeError):
                return _NO_MATCH
    return run


# ---- q1: two linear layers are one ----

def merge_layers(W1, b1, W2, b2):
    """W and b of the one layer that computes W2 (W1 x + b1) + b2 for every x."""
    W = W2 @ W1       # (d_out, d_in): first W1, then W2
    b = W2 @ b1 + b2  # the first bias goes through W2 too
    return W, b


def _layer_case(d_in, d_hidden, d_out):
    return {"W1": np.round(_rng.normal(size=(d_hidden, d_in)), 1), "b1": np.round(_rng.normal(size=d_hidden), 1),
            "W2": np.round(_rng.normal(size=(d_out, d_hidden)), 1), "b2": np.round(_rng.normal(size=d_out), 1)}


q1 = FunctionExercise(
    "Exercise 1 (two linear layers are one)", merge_layers,
    [_layer_case(2, 2, 2), _layer_case(2, 3, 2), _layer_case(3, 4, 3)],  # d_in = d_out, so W1 @ W2 can run too
    names=("W", "b"),
    hint=["Multiply out the brackets. Whatever ends up multiplying the input is the merged weight matrix; whatever "
          "is left over is the merged bias. Matrix products do not commute: the first layer acts first, so it stands "
          "next to the input.",
          "Expand the brackets: W2 (W1 x + b1) + b2 = (something) x + (something else). Whatever multiplies x is W, "
          "the rest is b. With matrices the order of a product matters: W1 acts on x first.",
          "After expanding, the weights are the second layer's W2 times the first layer's W1, in that order (NumPy's "
          "@), and the first bias b1 goes through W2 before b2 is added."],
    solution='''def merge_layers(W1, b1, W2, b2):
    W = W2 @ W1       # (d_out, d_in): first W1, then W2
    b = W2 @ b1 + b2  # the first bias goes through W2 too
    return W, b''',
    mistakes=[
        (_quiet(lambda W1, b1, W2, b2: (W1 @ W2, W2 @ b1 + b2)),
         "W is the product in the wrong order: W1 acts on x first, so it stands next to x (on the right)."),
        (_quiet(lambda W1, b1, W2, b2: (W2 * W1, W2 * b1 + b2)),
         "`*` multiplies entry by entry. A layer applies its weights with the matrix product `@`."),
        (_quiet(lambda W1, b1, W2, b2: (W2 @ W1, b1 + b2)),
         "W is right. For b: the first bias b1 also passes through the second layer's weights before b2 is added."),
        (_quiet(lambda W1, b1, W2, b2: (W2 @ W1, b2)),
         "W is right, but b lost the first layer's bias: where does b1 end up after the second layer?"),
        (_quiet(lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1)),
         "W is right, and b1 is carried through W2 correctly, but the second layer's own bias b2 is missing."),
    ],
)


# ---- p1: how steep is tanh at 0? ----

p1 = ChoiceExercise(
    "Prediction 1 (tanh's slope at 0)", "c",
    options={"a": "0.25, as steep as the sigmoid", "b": "0.5, twice as steep", "c": "1, four times as steep",
             "d": "0: tanh(0) = 0, so it is flat there"},
    feedback={"a": "tanh(z) = 2σ(2z) − 1 is the sigmoid stretched, in height and in width. Does a stretch change "
                   "the slope?",
              "b": "You counted one stretch. There are two: the output is doubled (2σ), and the input is doubled "
                   "(σ(2z) runs through the same rise in half the distance).",
              "d": "tanh(0) = 0 is the height of the curve at 0, not its slope. Does tanh rise or stay flat "
                   "as z passes through 0?"},
    hint="σ′(0) = 0.25. The factor 2 in front of σ doubles every slope; the 2z inside makes the curve rise in half "
         "the distance, which doubles every slope again.",
    solution='p1_answer = "c"  # tanh′(0) = 2 · 2 · σ′(0) = 4 · 0.25 = 1',
)


# ---- q2: tanh′ derived from tanh(z) = 2σ(2z) − 1 ----

def tanh_grad(z):
    """tanh′(z) = 4 σ′(2z), from tanh(z) = 2σ(2z) − 1 and the chain rule; equal to 1 − tanh(z)²."""
    return 4 * sigmoid_grad(2 * z)


q2 = FunctionExercise(
    "Exercise 2 (tanh′ from the sigmoid)", tanh_grad,
    [{"z": np.array([0.0, 1.0])}, {"z": np.linspace(-3, 3, 7)}, {"z": np.array([-20.0, 0.5, 20.0])}],
    hint=["Differentiate the formula that writes tanh with the sigmoid, piece by piece: a constant added at the end "
          "has slope zero, a factor in front stays, and the stretched input brings one more factor by the chain "
          "rule. At zero the answer must be exactly one.",
          "Differentiate 2σ(2z) − 1 piece by piece: the constant −1 has slope 0; the factor 2 stays; and by the "
          "chain rule σ(2z) has slope σ′(2z) times the slope of 2z. Check yourself: at z = 0 the answer is 1."],
    forbid=("helpers.activations.tanh_grad", "helpers.nn", "helpers.gradcheck", *AUTOGRAD),
    solution='''def my_tanh_grad(z):
    return 2 * sigmoid_grad(2 * z) * 2  # outer factor 2, σ′ at 2z, inner slope 2: 4 σ′(2z) = 1 − tanh(z)²''',
    mistakes=[
        (_quiet(lambda z: 2 * sigmoid_grad(2 * z)),
         "Half the right size: you kept the outer factor 2 but not the inner one. By the chain rule, σ(2z) "
         "changes σ′(2z) times as fast as 2z, and 2z changes 2 times as fast as z."),
        (_quiet(lambda z: sigmoid_grad(2 * z)),
         "A quarter of the right size: both factors 2 are missing, the one in front (2σ) and the inner one (2z)."),
        (_quiet(lambda z: 4 * sigmoid_grad(z)),
         "The factor 4 is right, but σ′ must be taken at 2z (the sigmoid's input), not at z."),
        (_quiet(lambda z: 2 * sigmoid(2 * z) - 1),
         "That is tanh itself, not its slope: differentiate 2σ(2z) − 1."),
        (_quiet(lambda z: 4 * sigmoid_grad(2 * z) - 1),
         "The −1 is a constant: its slope is 0, so it disappears when you differentiate."),
        (_quiet(lambda z: 1 - np.tanh(z)),
         "Close to the other form of the answer, but tanh(z) must be squared: 1 − tanh(z)²."),
    ],
)


# ---- q3: ReLU ----

def relu(z):
    """ReLU(z) = max(0, z), element by element, for an array of any shape."""
    return np.maximum(0, z)


q3 = FunctionExercise(
    "Exercise 3 (ReLU)", relu,
    [{"z": np.array([-2.0, -0.5, 0.0, 0.5, 3.0])},
     {"z": np.round(_rng.normal(size=(3, 4)), 2)},  # a 2-D array: keep the shape
     {"z": np.array([-1e4, 1e4])}],
    hint=["Compare every entry with zero and keep the larger of the two: negative entries become zero, the others "
          "stay as they are. The result has the same shape as the input.",
          "`np.maximum(0, z)` compares 0 with every element of z and keeps the larger. "
          "(Python's `max(0, z)` does not work on arrays, and `np.max` returns a single number.)"],
    solution='''def my_relu(z):
    return np.maximum(0, z)  # 0 where z < 0, z itself elsewhere, element by element''',
    forbid=("helpers.activations.relu", "helpers.activations.leaky_relu", "helpers.nn", "torch.relu",
            "torch.nn.functional"),
    mistakes=[
        (_quiet(np.abs), "That is |z|: it flips negative values to positive. ReLU replaces them by 0 instead."),
        (_quiet(lambda z: np.minimum(0, z)), "That keeps the negative half and zeroes the positive one: "
                                            "the other way round."),
        (_quiet(lambda z: np.max(z)), "np.max returns the single largest number of the whole array. "
                                      "Compare 0 with each element instead: np.maximum."),
    ],
)


# ---- q4: the ceiling on the gradient through ten sigmoid layers ----

q4 = ValueExercise(
    "Exercise 4 (a ceiling for ten sigmoids)", lambda: 0.25 ** 10,
    hint=["Each of the ten factors is the weight, here one, times the sigmoid's slope at some point. Ask how steep "
          "the sigmoid can ever be, at its steepest; the ceiling is that largest slope, ten times over in a product.",
          "One factor is w·σ′(z) with w = 1. The largest σ′(z) can ever be is σ′(0) (section 3). "
          "Ten factors, each at most that: multiply."],
    solution="ceiling = 0.25 ** 10  # each factor 1 · σ′(z_k) ≤ σ′(0) = 0.5 · 0.5 = 0.25; ten factors",
    atol=0.0, rtol=1e-2,
    mistakes=[
        (lambda: 0.25, "That is the ceiling for one layer. The chain has ten factors."),
        (lambda: 0.25 * 10, "You added the ten factors. The chain rule multiplies them."),
        (lambda: 0.5 ** 10, "0.5 is σ(0), the sigmoid's height at 0. The factor is its slope σ′(0) = σ(0)(1 − σ(0))."),
        (lambda: 1.0, "1 would be the ceiling if the sigmoid's slope could reach 1. How steep is it at its steepest?"),
        (lambda: 1e-6, "Right order of magnitude, but rounded: give the exact ceiling (a Python expression like "
                       "2 ** -5 is fine)."),
        (lambda: 3.48e-7, "That is the gradient for one particular input (x = 0.5). The question asks for the number "
                          "no input can exceed: the product of the largest possible factors."),
        (lambda: 3.9e-7, "That is the largest gradient an actual input reaches. The question asks for the simpler "
                         "ceiling: the product of the largest value each factor could take on its own."),
    ],
)


# ---- p2: does ReLU's gradient survive ten layers? ----

p2 = ChoiceExercise(
    "Prediction 2 (ten ReLU layers)", "a",
    options={"a": "all of it: exactly 1", "b": "about (1/4)¹⁰, like the sigmoid", "c": "nothing: exactly 0",
             "d": "more than 1: it grows layer by layer"},
    feedback={"b": "ReLU's slope is not the sigmoid's. What is ReLU′(z) for z > 0?",
              "c": "ReLU blocks the gradient only where z ≤ 0. With x = 0.5 and w = 1, is any z_k negative?",
              "d": "Each factor is w · ReLU′(z_k). With w = 1 and every z_k > 0, how big is each factor?"},
    hint="Follow the chain: z_1 = 1 · 0.5 > 0, so a_1 = 0.5, and so on. Each factor is w · ReLU′(z_k).",
    solution='p2_answer = "a"  # every z_k = 0.5 > 0, so every factor is 1 · 1 = 1',
)


# ---- q5: a numerically stable softmax for a batch ----

def softmax_rows(Z):
    """softmax of each row of Z (n, K): e^(z − max of the row) / (sum over the row); shape (n, K)."""
    e = np.exp(Z - np.max(Z, axis=1, keepdims=True))  # each row's largest score becomes 0: exp never overflows
    return e / np.sum(e, axis=1, keepdims=True)


q5 = FunctionExercise(
    "Exercise 5 (a stable softmax for a batch)", softmax_rows,
    [{"Z": np.array([[2.0, 1.0, 0.1]])},
     {"Z": np.array([[-1000.0, 0.0, 1000.0], [0.5, 0.5, 0.5], [3.0, -2.0, 0.0]])},  # square: keepdims matters
     {"Z": np.array([[1000.0, 1001.0, 1002.0], [1.0, 2.0, 3.0]])},  # rows at very different scales
     {"Z": np.round(_rng.normal(size=(4, 10)) * 3, 2)}],
    hint=["Treat each row on its own, exactly as the one-vector recipe above: shift the row so that its largest "
          "score becomes zero, exponentiate, and divide by the row's own total. One maximum and one total per row, "
          "never one for the whole batch.",
          "Do for each row what the cell above does for one vector: subtract that row's largest score, take exp, "
          "divide by that row's sum. `np.max(Z, axis=1, keepdims=True)` gives one max per row, shaped (n, 1) so that "
          "it lines up with the rows of Z; the same goes for `np.sum`."],
    forbid=("helpers.activations.softmax", "helpers.losses.log_softmax", "helpers.losses.logsumexp", "helpers.nn",
            "torch.softmax", "torch.nn.functional"),
    solution='''def my_softmax(Z):
    e = np.exp(Z - np.max(Z, axis=1, keepdims=True))  # each row's own max: (n, 1)
    return e / np.sum(e, axis=1, keepdims=True)       # each row sums to 1''',
    mistakes=[
        (_quiet(lambda Z: np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True)),
         "exp(1000) overflows to inf, and inf / inf is nan. Subtract each row's largest score first."),
        (_quiet(lambda Z: np.exp(Z - np.max(Z)) / np.sum(np.exp(Z - np.max(Z)))),
         "That is the one-vector recipe applied to the whole batch: one max and one sum for everything. "
         "Each row needs its own max and its own sum: axis=1, keepdims=True."),
        (_quiet(lambda Z: np.exp(Z - np.max(Z)) / np.sum(np.exp(Z - np.max(Z)), axis=1, keepdims=True)),
         "You subtracted the largest score of the whole batch. A row whose scores all lie far below it "
         "becomes exp(−1000) = 0 everywhere, and 0 / 0 is nan. Subtract each row's own max."),
        (_quiet(lambda Z: np.exp(Z - np.max(Z, axis=1, keepdims=True))
                / np.sum(np.exp(Z - np.max(Z, axis=1, keepdims=True)))),
         "Each row must add up to 1 on its own: sum along the row (axis=1, keepdims=True), not over the whole batch."),
        (_quiet(lambda Z: np.exp(Z - np.max(Z, axis=1)) / np.sum(np.exp(Z - np.max(Z, axis=1)), axis=1,
                                                                 keepdims=True)),
         "The row maxima did not line up with the rows: np.max(Z, axis=1) has shape (n,), which NumPy matches "
         "with the columns. Keep it as a column with keepdims=True."),
        (_quiet(lambda Z: np.exp(Z - np.min(Z, axis=1, keepdims=True))
                / np.sum(np.exp(Z - np.min(Z, axis=1, keepdims=True)), axis=1, keepdims=True)),
         "Subtracting the smallest score makes the others larger, and exp of a large number overflows. "
         "Subtract the largest."),
    ],
)
