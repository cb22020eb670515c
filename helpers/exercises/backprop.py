"""Exercises for notebook 05 (backpropagation): three predictions (the sign of a gradient, fan-out, a learning
rate), a numerical derivative, a tanh neuron's gradients, a ReLU layer's backward pass, the backward pass of a
sigmoid network with a squared-error loss, and gradient descent as a function that leaves its input alone.

Each exercise varies the worked example next to it (another activation, another loss, another network), so it
cannot be copied from the cell above. Known slips are recognised and named (`mistakes=`).
"""

from __future__ import annotations

import numpy as np

from helpers.activations import sigmoid
from helpers.exercises.core import ChoiceExercise, FunctionExercise, Wrong, call_learner
from helpers.exercises.tripwires import AUTOGRAD
from helpers.surfaces import ravine_grad  # the ravine of notebook 05's descent plots

NOTEBOOK = "05_backpropagation"
_RNG = np.random.default_rng(5)

# ----------------------------------------------------------------------------- p1: the sign of ∂L/∂w

p1 = ChoiceExercise(
    "Prediction 1 (the sign of ∂L/∂w)", "b",
    options={"a": "positive: increasing w raises the loss", "b": "negative: increasing w lowers the loss",
             "c": "zero: w has no effect on the loss here"},
    feedback={"a": "The output a is below the target y = 1. With x = 1.5 > 0, does a larger w push z = wx + b, "
                   "and with it a, up or down? Does that bring a closer to y?",
              "c": "A gradient is zero only when a small change of w cannot help. Here the output is far from the "
                   "target, and w does reach the output (x is not 0)."},
    hint="Ask what the neuron should do (its output a ≈ 0.31 should become y = 1), and which way a larger w moves a.",
    solution='p1_answer = "b"  # a < y, and with x > 0 a larger w raises z and a: the loss falls',
)

# ----------------------------------------------------------------------------- p2: fan-out

p2 = ChoiceExercise(
    "Prediction 2 (a value used twice)", "c",
    options={"a": "−3 (that is y)", "b": "1", "c": "−2", "d": "−6"},
    feedback={"a": "That is the gradient along one of x's two paths only (through the product x·y). "
                   "x also reaches f through the addition.",
              "b": "That is the gradient along one of x's two paths only (through the addition). "
                   "x also reaches f through the product x·y.",
              "d": "Nudge x by a small h and follow both paths: the product changes by y·h, the "
                   "second term by 1·h. Are those multiplied or added?"},
    hint="Nudge x by a tiny h: x·y changes by y·h and the lone x by h. How much does f change in total?",
    solution='p2_answer = "c"  # ∂f/∂x = y + 1 = −3 + 1 = −2: the two paths add up',
)

# ----------------------------------------------------------------------------- p3: a learning rate too large

p3 = ChoiceExercise(
    "Prediction 3 (learning rate 0.25 on the ravine)", "c",
    options={"a": "it converges, faster than with η = 0.05", "b": "it zig-zags across the ravine but converges",
             "c": "it diverges: the loss grows without bound"},
    feedback={"a": "Bigger steps are faster only while they do not overshoot. Compute one step in the steep "
                   "direction: w₂ ← w₂ − η·10·w₂ = (1 − 10η)·w₂. What is 1 − 10η for η = 0.25?",
              "b": "A zig-zag shrinks only if each step multiplies w₂ by a factor between −1 and 1. "
                   "One step does w₂ ← (1 − 10η)·w₂: what is that factor for η = 0.25?"},
    hint="One step multiplies w₂ by (1 − 10η). Work out that factor for η = 0.25, and what repeating it does.",
    solution='p3_answer = "c"  # w₂ is multiplied by 1 − 10·0.25 = −1.5 every step: it grows and flips sign',
)

# ----------------------------------------------------------------------------- q1: a numerical derivative


def numerical_derivative(f, x, h):
    """The central difference (f(x + h) − f(x − h)) / 2h: the slope of f at x, with an error of order h²."""
    return (f(x + h) - f(x - h)) / (2 * h)


def _forward_difference(f, x, h):
    return (f(x + h) - f(x)) / h


def _half_step_missing(f, x, h):
    return (f(x + h) - f(x - h)) / h


def _cube(t):
    return t**3


def _bump(t):
    return np.exp(-(t**2))


q1 = FunctionExercise(
    "Exercise 1 (a numerical derivative)", numerical_derivative,
    cases=[{"f": _cube, "x": 2.0, "h": 1e-3}, {"f": np.sin, "x": 0.3, "h": 1e-4}, {"f": _bump, "x": -0.7, "h": 1e-3}],
    hint=["Evaluate the function a small step to the right of x and a small step to the left of it, and divide the "
          "change in its value by the distance between those two points.",
          "The two points are x + h and x − h. How far apart are they? That distance, not h, is what the "
          "change f(x + h) − f(x − h) is divided by."],
    forbid=("helpers.gradcheck",),
    solution="def numerical_derivative(f, x, h):\n    return (f(x + h) - f(x - h)) / (2 * h)",
    mistakes=[(_forward_difference, "that is the one-sided difference (f(x + h) − f(x)) / h: it is off by about "
                                    "h·f''(x)/2. Use the central one, which looks h to both sides of x"),
              (_half_step_missing, "you are off by a factor of 2: x − h and x + h are 2h apart, not h")],
)

# ----------------------------------------------------------------------------- q2: a tanh neuron's gradients


def tanh_neuron_grads(x, w, b, y):
    """For L = (tanh(w·x + b) − y)², return (∂L/∂w, ∂L/∂b) by the chain rule."""
    a = np.tanh(w * x + b)  # forward: z = w·x + b, a = tanh(z)
    dL_dz = 2 * (a - y) * (1 - a**2)  # ∂L/∂a = 2(a − y), times tanh'(z) = 1 − a²
    return dL_dz * x, dL_dz  # ∂z/∂w = x, ∂z/∂b = 1


def _tanh_with_sigmoid_slope(x, w, b, y):
    a = np.tanh(w * x + b)
    dL_dz = 2 * (a - y) * a * (1 - a)
    return dL_dz * x, dL_dz


def _tanh_no_slope(x, w, b, y):
    a = np.tanh(w * x + b)
    return 2 * (a - y) * x, 2 * (a - y)


def _tanh_forgot_x(x, w, b, y):
    dL_dz = tanh_neuron_grads(x, w, b, y)[1]
    return dL_dz, dL_dz


def _tanh_no_two(x, w, b, y):
    dw, db = tanh_neuron_grads(x, w, b, y)
    return dw / 2, db / 2


def _tanh_slope_at_a(x, w, b, y):
    a = np.tanh(w * x + b)
    dL_dz = 2 * (a - y) * (1 - np.tanh(a) ** 2)
    return dL_dz * x, dL_dz


q2 = FunctionExercise(
    "Exercise 2 (a tanh neuron's gradients)", tanh_neuron_grads,
    cases=[{"x": 0.5, "w": 1.2, "b": -0.3, "y": -1.0}, {"x": -2.0, "w": 0.3, "b": -0.1, "y": 0.5},
           {"x": 1.0, "w": -0.6, "b": 0.2, "y": 0.9}],
    hint=["Walk the graph backwards, multiplying local slopes: first how the loss changes with the neuron's output, "
          "then how tanh's output changes with its input, then how that input changes with w, and with b.",
          "The graph is the one above with tanh in place of σ. Walk back: ∂L/∂a = 2(a − y), then multiply by "
          "tanh'(z) = 1 − a², then by ∂z/∂w = x (for w) or ∂z/∂b = 1 (for b)."],
    forbid=("helpers.gradcheck", "helpers.value", "helpers.nn", *AUTOGRAD),
    solution=("def tanh_neuron_grads(x, w, b, y):\n"
              "    a = np.tanh(w * x + b)               # forward\n"
              "    dL_dz = 2 * (a - y) * (1 - a**2)     # ∂L/∂a times tanh'(z) = 1 − a²\n"
              "    return dL_dz * x, dL_dz              # ∂L/∂w, ∂L/∂b"),
    names=["dL_dw", "dL_db"],
    mistakes=[(_tanh_with_sigmoid_slope, "a(1 − a) is the sigmoid's derivative. This neuron uses tanh: "
                                         "tanh'(z) = 1 − tanh(z)² = 1 − a²"),
              (_tanh_no_slope, "you skipped the activation: on the way back, multiply by tanh'(z) = 1 − a²"),
              (_tanh_no_two, "you are off by a factor of 2: the derivative of (a − y)² is 2(a − y)"),
              (_tanh_forgot_x, "dL_dw equals dL_db: the last link to w is ∂z/∂w = x, so dL_dw needs one more factor"),
              (_tanh_slope_at_a, "tanh' is taken at z, not at a: tanh'(z) = 1 − tanh(z)² = 1 − a²")],
)

# ----------------------------------------------------------------------------- q3: a ReLU layer's backward pass


def relu_layer_backward(X, W, b, G):
    """For A = relu(X Wᵀ + b) and G = ∂L/∂A (n, d_out), return (dX (n, d_in), dW (d_out, d_in), db (d_out,))."""
    Z = X @ W.T + b  # (n, d_out): the forward pass again, for the mask
    dZ = G * (Z > 0)  # (n, d_out): ReLU passes the gradient where z > 0 and blocks it elsewhere
    return dZ @ W, dZ.T @ X, dZ.sum(axis=0)


def _relu_no_mask(X, W, b, G):
    return G @ W, G.T @ X, G.sum(axis=0)


def _relu_mask_from_g(X, W, b, G):
    dZ = G * (G > 0)
    return dZ @ W, dZ.T @ X, dZ.sum(axis=0)


def _relu_mean_bias(X, W, b, G):
    dX, dW, dZ_sum = relu_layer_backward(X, W, b, G)
    return dX, dW, dZ_sum / len(X)


def _relu_cases() -> list[dict]:
    """Three random layers; G has both signs, so a mask taken from G differs from the one taken from Z."""
    shapes = [(6, 5, 3), (7, 2, 3), (1, 5, 4)]  # (n, d_in, d_out): big enough to be shown by their shape
    return [{"X": _RNG.normal(size=(n, d_in)), "W": _RNG.normal(size=(d_out, d_in)), "b": _RNG.normal(size=d_out),
             "G": _RNG.normal(size=(n, d_out))} for n, d_in, d_out in shapes]


q3 = FunctionExercise(
    "Exercise 3 (a ReLU layer's backward pass)", relu_layer_backward, _relu_cases(),
    hint=["Two steps back. Through the ReLU first: the gradient passes where the layer's weighted sum was positive "
          "and is blocked elsewhere, so recompute that sum to know where. Then through the linear part, with the "
          "masked gradient as its upstream gradient: the three formulas for the input, the weights and the bias.",
          "Through the ReLU: dZ = G where z > 0 and 0 elsewhere (recompute Z = X Wᵀ + b to know where). Then the "
          "Linear formulas above with dZ as the upstream gradient: dX = dZ W, dW = dZᵀ X, and db sums dZ over the "
          "examples (axis 0)."],
    forbid=("helpers.nn", "helpers.gradcheck", *AUTOGRAD),
    solution=("def relu_layer_backward(X, W, b, G):\n"
              "    Z = X @ W.T + b          # (n, d_out): the forward pass, for the mask\n"
              "    dZ = G * (Z > 0)         # (n, d_out): through the ReLU\n"
              "    dX = dZ @ W              # (n, d_in)\n"
              "    dW = dZ.T @ X            # (d_out, d_in)\n"
              "    db = dZ.sum(axis=0)      # (d_out,)\n"
              "    return dX, dW, db"),
    names=["dX", "dW", "db"],
    mistakes=[(_relu_no_mask, "you went straight through the ReLU: it passes the gradient only where its input "
                              "z was > 0, and blocks it (0) where z ≤ 0. Multiply G by that mask first"),
              (_relu_mask_from_g, "the mask comes from the forward pass: where z = x·wᵀ + b was > 0, not where "
                                  "the gradient G is > 0"),
              (_relu_mean_bias, "db: b is added to every example, so the gradients of the rows add up "
                                "(sum over axis 0), they are not averaged")],
)

# ----------------------------------------------------------------------------- q4: a sigmoid network with MSE


def sigmoid_net_backward(X, y, W1, b1, W2, b2):
    """Backward pass of Ŷ = σ(X W1ᵀ + b1) W2ᵀ + b2 with L = mean((Ŷ − y)²); returns (dW1, db1, dW2, db2)."""
    n = len(X)
    H = sigmoid(X @ W1.T + b1)  # (n, d_hidden)
    Y_hat = H @ W2.T + b2  # (n, 1): one output per example
    dY_hat = 2 * (Y_hat - y) / n  # (n, 1): the mean over n examples gives the 1/n
    dW2, db2 = dY_hat.T @ H, dY_hat.sum(axis=0)  # (1, d_hidden), (1,)
    dZ1 = (dY_hat @ W2) * H * (1 - H)  # (n, d_hidden): back through the sigmoid, σ' = H(1 − H)
    return dZ1.T @ X, dZ1.sum(axis=0), dW2, db2


def _sigmoid_net_tanh_slope(X, y, W1, b1, W2, b2):
    n = len(X)
    H = sigmoid(X @ W1.T + b1)
    dY_hat = 2 * (H @ W2.T + b2 - y) / n
    dZ1 = (dY_hat @ W2) * (1 - H**2)
    return dZ1.T @ X, dZ1.sum(axis=0), dY_hat.T @ H, dY_hat.sum(axis=0)


def _sigmoid_net_no_mean(X, y, W1, b1, W2, b2):
    return tuple(g * len(X) for g in sigmoid_net_backward(X, y, W1, b1, W2, b2))


def _sigmoid_net_no_two(X, y, W1, b1, W2, b2):
    return tuple(g / 2 for g in sigmoid_net_backward(X, y, W1, b1, W2, b2))


def _sigmoid_net_cases() -> list[dict]:
    """Two small regression batches: X (n, 2), targets y (n, 1), a hidden layer of 7 or 3 sigmoids, 1 output."""
    cases = []
    for n, d_hidden in [(13, 7), (16, 3)]:  # (n, d_hidden): big enough to be shown by their shape
        cases.append({"X": _RNG.normal(size=(n, 2)), "y": _RNG.normal(size=(n, 1)),
                      "W1": _RNG.normal(0, 0.8, size=(d_hidden, 2)), "b1": _RNG.normal(0, 0.3, size=d_hidden),
                      "W2": _RNG.normal(0, 0.8, size=(1, d_hidden)), "b2": _RNG.normal(0, 0.3, size=1)})
    return cases


q4 = FunctionExercise(
    "Exercise 4 (the backward pass of a sigmoid network)", sigmoid_net_backward, _sigmoid_net_cases(),
    hint=["Run the forward pass first and keep the hidden activations. Then go back from the loss: the gradient of "
          "the mean squared error (its factor two and its one over n), the output layer's weight and bias gradients, "
          "back into the hidden layer, through the sigmoid's slope, and the linear formulas once more for the first "
          "layer.",
          "Forward first, keeping H. Then from the end: dY_hat = 2(Ŷ − y)/n (the 1/n from the mean), "
          "dW2 = dY_hatᵀ H, db2 = the column sums of dY_hat, dH = dY_hat W2, then through the sigmoid: "
          "dZ1 = dH ⊙ H(1 − H), and the Linear formulas once more for dW1 and db1."],
    forbid=("helpers.nn", "helpers.gradcheck", "helpers.losses.mse_grad", "helpers.value", *AUTOGRAD),
    solution=("def sigmoid_net_backward(X, y, W1, b1, W2, b2):\n"
              "    n = len(X)\n"
              "    H = sigmoid(X @ W1.T + b1)          # (n, d_hidden)\n"
              "    Y_hat = H @ W2.T + b2               # (n, 1)\n"
              "    dY_hat = 2 * (Y_hat - y) / n        # (n, 1)\n"
              "    dW2 = dY_hat.T @ H                  # (1, d_hidden)\n"
              "    db2 = dY_hat.sum(axis=0)            # (1,)\n"
              "    dH = dY_hat @ W2                    # (n, d_hidden)\n"
              "    dZ1 = dH * H * (1 - H)              # (n, d_hidden): σ'(z) = σ(z)(1 − σ(z))\n"
              "    dW1 = dZ1.T @ X                     # (d_hidden, 2)\n"
              "    db1 = dZ1.sum(axis=0)               # (d_hidden,)\n"
              "    return dW1, db1, dW2, db2"),
    names=["dW1", "db1", "dW2", "db2"],
    mistakes=[(_sigmoid_net_tanh_slope, "1 − H² is tanh's derivative, from the worked network. This hidden layer "
                                        "is a sigmoid: σ'(z) = σ(z)(1 − σ(z)) = H(1 − H)"),
              (_sigmoid_net_no_mean, "every gradient is n times too big: the loss is a *mean* over the n "
                                     "examples, so ∂L/∂Ŷ = 2(Ŷ − y)/n"),
              (_sigmoid_net_no_two, "every gradient is half what it should be: the derivative of (ŷ − y)² "
                                    "is 2(ŷ − y)")],
)

# ----------------------------------------------------------------------------- q5: gradient descent, as a function


def gradient_descent(w, grad_fn, lr, steps):
    """Take `steps` steps w ← w − lr·grad_fn(w) from w; return the last point (a new array: w is not changed)."""
    for _ in range(steps):
        w = w - lr * grad_fn(w)  # `w - ...` makes a new array; the caller's w stays as it was
    return w


def _descend_in_place(w, grad_fn, lr, steps):
    for _ in range(steps):
        w -= lr * grad_fn(w)  # changes the caller's array
    return w


def _descend_uphill(w, grad_fn, lr, steps):
    return gradient_descent(w, lambda v: -grad_fn(v), lr, steps)


def _descend_no_lr(w, grad_fn, lr, steps):
    return gradient_descent(w, grad_fn, 1.0, steps)


def _descend_once(w, grad_fn, lr, steps):
    return w - lr * grad_fn(w)


def bowl_grad(w):
    """∇ of ‖w‖² (a round bowl): 2w."""
    return 2 * w


def tilted_grad(w):
    """∇ of ½‖w − (1, −2, 0.5)‖²: a bowl whose lowest point is not at 0."""
    return w - np.array([1.0, -2.0, 0.5])


IN_PLACE = ("your function changed the array `w` it was given (an in-place update such as `w -= ...`): the "
            "caller's starting point is lost. Make a new array at each step instead, as `w = w - ...` does")


class _LeavesInputAlone(FunctionExercise):
    """A FunctionExercise that also checks the learner's function did not modify its array argument `w`."""

    def _check(self, answer) -> None:
        super()._check(answer)
        for case in self.cases:
            w = case["w"].copy()
            call_learner(answer, [w, *list(case.values())[1:]], "your function")
            if not np.array_equal(w, case["w"]):
                raise Wrong(f"{IN_PLACE}\n  when called with w={case['w']}")


q5 = _LeavesInputAlone(
    "Exercise 5 (gradient descent as a function)", gradient_descent,
    cases=[{"w": np.array([3.0, -1.0]), "grad_fn": bowl_grad, "lr": 0.1, "steps": 1},
           {"w": np.array([-2.0, 0.5]), "grad_fn": ravine_grad, "lr": 0.08, "steps": 7},
           {"w": np.array([0.0, 0.0, 0.0]), "grad_fn": tilted_grad, "lr": 0.3, "steps": 4}],
    hint=["Repeat one step as many times as asked. Each step starts where the last one ended and moves against the "
          "gradient at the current point, scaled by the learning rate. Make a new array at each step rather than "
          "changing the one you were given.",
          "A loop that runs `steps` times; in it, one step w ← w − lr·∇L(w), where the gradient at the current "
          "point is grad_fn(w). Each step starts where the last one ended. Return the last point."],
    forbid=("helpers.nn", "torch.optim"),
    solution=("def gradient_descent(w, grad_fn, lr, steps):\n"
              "    for _ in range(steps):\n"
              "        w = w - lr * grad_fn(w)   # a new array: the caller's w is not changed\n"
              "    return w"),
    mistakes=[(_descend_in_place, IN_PLACE),
              (_descend_uphill, "you stepped uphill: the gradient points to where the loss grows, so subtract it"),
              (_descend_no_lr, "you forgot the learning rate: each step is lr times the gradient"),
              (_descend_once, "you took one step only: take `steps` of them, each from where the last one ended")],
)
