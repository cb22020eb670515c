"""Exercises for notebook 05 (backpropagation): three predictions (the sign of a gradient, fan-out, a learning
rate), a numerical derivative, a tanh neuron's gradients, a ReLU layer's backward pass, the backward pass of a
sigmoid network with a squared-error loss, gradient descent as a function that leaves its input alone, one step of
Adam (checked against torch.optim.Adam over several steps), and tanh for the tiny autograd `Value` (checked against
torch.autograd on an expression that uses a value three times).

Each exercise varies the worked example next to it (another activation, another loss, another network), so it
cannot be copied from the cell above. Known slips are recognised and named (`mistakes=`). The gradients of
exercises 2-4 are asked for by the chain rule, which is exact up to rounding: they are checked to 1e-12, so that a
finite-difference estimate (right to 1e-7 ... 1e-10) fails with a message that says why.
"""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import math
import textwrap

import numpy as np

from helpers.activations import sigmoid
from helpers.exercises.core import (
    ChoiceExercise,
    CustomExercise,
    FunctionExercise,
    NotAttempted,
    Wrong,
    _copy,
    call_learner,
    check_outputs,
    show,
)
from helpers.exercises.tripwires import AUTOGRAD
from helpers.surfaces import ravine_grad  # the ravine of notebook 05's descent plots
from helpers.value import Value

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
    options={"a": "−3 (that is v)", "b": "1", "c": "−2", "d": "−6"},
    feedback={"a": "That is the gradient along one of u's two paths only (through the product u·v). "
                   "u also reaches f through the addition.",
              "b": "That is the gradient along one of u's two paths only (through the addition). "
                   "u also reaches f through the product u·v.",
              "d": "Nudge u by a small h and follow both paths: the product changes by v·h, the "
                   "second term by 1·h. Are those multiplied or added?"},
    hint="Nudge u by a tiny h: u·v changes by v·h and the lone u by h. How much does f change in total?",
    solution='p2_answer = "c"  # ∂f/∂u = v + 1 = −3 + 1 = −2: the two paths add up',
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


def _backward_difference(f, x, h):
    return (f(x) - f(x - h)) / h


def _half_step_missing(f, x, h):
    return (f(x + h) - f(x - h)) / h


def _precedence(f, x, h):
    return (f(x + h) - f(x - h)) / 2 * h  # divides by 2, then multiplies by h


def _ignores_h(f, x, h):
    step = 1e-5  # a step of its own: with the large h of the last case, this is the slip
    return (f(x + step) - f(x - step)) / (2 * step)


def _cube(t):
    return t**3


def _bump(t):
    return np.exp(-(t**2))


q1 = FunctionExercise(
    "Exercise 1 (a numerical derivative)", numerical_derivative,
    # the last case's large h makes the h² term show: the central difference gives 12.25 there, the slope is 12
    cases=[{"f": _cube, "x": 2.0, "h": 1e-3}, {"f": np.sin, "x": 0.3, "h": 1e-4}, {"f": _bump, "x": -0.7, "h": 1e-3},
           {"f": _cube, "x": 2.0, "h": 0.5}],
    hint=["Evaluate the function a small step to the right of x and a small step to the left of it, and divide the "
          "change in its value by the distance between those two points.",
          "The two points are x + h and x − h. How far apart are they? That distance, not h, is what the "
          "change f(x + h) − f(x − h) is divided by."],
    forbid=("helpers.gradcheck",),
    solution="def numerical_derivative(f, x, h):\n    return (f(x + h) - f(x - h)) / (2 * h)",
    mistakes=[(_forward_difference, "that is the one-sided difference (f(x + h) − f(x)) / h: it is off by about "
                                    "h·f''(x)/2. Use the central one, which looks h to both sides of x"),
              (_backward_difference, "that is the one-sided difference (f(x) − f(x − h)) / h, looking only to the "
                                     "left of x: it is off by about h·f''(x)/2. Use the central one, which looks h "
                                     "to both sides of x"),
              (_half_step_missing, "you are off by a factor of 2: x − h and x + h are 2h apart, not h"),
              (_precedence, "divide by (2 * h), in brackets: `/ 2 * h` divides by 2 and then multiplies by h, "
                            "because Python works from left to right"),
              (_ignores_h, "your answer does not depend on h: with h = 0.5 it still gives the exact slope. Use the "
                           "h you are given, not a step of your own (with a large h the central difference is off "
                           "from the slope by about h² times a sixth of the third derivative, and the check expects "
                           "exactly that)")],
)

# ----------------------------------------------------------------------------- q2-q4: gradients by the chain rule

# The chain rule's answer is exact up to rounding (about 1e-15 of its size); a finite difference is right to about
# 1e-7 (one-sided) or 1e-10 (central), at best a few 1e-11. So exercises 2-4 compare to 1e-12, and an answer that is
# only close (everywhere within a hundredth of its size) is told why it fails.
EXACT_ATOL, EXACT_RTOL = 1e-13, 1e-12
# An answer off by less than a hundredth of its size (or 1e-4) in every output is taken for an estimate.
ESTIMATED, ESTIMATED_ABS = 1e-2, 1e-4
ESTIMATE = ("{name} agrees with the exact gradient only to about {error:.0e} of its size. That is the accuracy of a "
            "finite difference (or of float32), not of the chain rule, whose answer is exact up to rounding (about "
            "1e-15). Derive it with the chain rule instead of measuring it")
OWN_ESTIMATE = ("your function calls numerical_derivative, your central difference from Exercise 1: it measures the "
                "slope, and this exercise asks you to derive it with the chain rule. Do it by hand: {hint}")


def _names_used(fn) -> set[str]:
    """The global (and enclosing) names a function's code refers to, its nested functions and lambdas included."""
    code = getattr(inspect.unwrap(fn), "__code__", None)
    found, todo = set(), [code] if code is not None else []
    while todo:
        code = todo.pop()
        found |= set(code.co_names) | set(code.co_freevars)
        todo += [c for c in code.co_consts if inspect.iscode(c)]
    return found


def _scale_error(got, expected) -> float:
    """max |got − expected| / max |expected|: how far off, as a fraction of the array's size (inf if not comparable)."""
    try:
        g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return math.inf
    if g.shape != e.shape or not np.all(np.isfinite(g)):
        return math.inf
    return float(np.max(np.abs(g - e), initial=0.0) / max(float(np.max(np.abs(e), initial=0.0)), 1e-300))


def _near(got, expected) -> bool:
    """True if got is within ESTIMATED of expected's size (or ESTIMATED_ABS): what a finite difference achieves."""
    error = _scale_error(got, expected)
    scale = float(np.max(np.abs(np.asarray(expected, dtype=float)), initial=0.0))
    return error <= ESTIMATED or (error < math.inf and error * scale <= ESTIMATED_ABS)


COMPLEX_STEP = ("your function uses complex numbers: that is the complex-step trick, which measures the slope as "
                "the imaginary part of L(w + ih) divided by h. This exercise asks you to derive it with the chain "
                "rule: {hint}")


def _uses_complex(fn) -> bool:
    """True if a function's code (nested functions included) holds a complex literal (1e-30j) or names `complex`."""
    code = getattr(inspect.unwrap(fn), "__code__", None)
    todo = [code] if code is not None else []
    while todo:
        code = todo.pop()
        if "complex" in code.co_names or any(isinstance(c, complex) for c in code.co_consts):
            return True
        todo += [c for c in code.co_consts if inspect.iscode(c)]
    return False


IN_PLACE_ARGUMENT = ("your gradients are right, but your function changed the array `{name}` it was given (an "
                     "in-place update such as `{name}[...] = 0` or `{name} *= ...`). The caller still owns "
                     "`{name}`: in a training loop it may read it again (to log it, to check it, or to hand it to a "
                     "second branch that fed this layer) and would find it changed. Make a new array instead, as "
                     "`{name} * mask` or `{name} = {name} - ...` does")
ALIAS = ("\n  `{alias} = {name}` does not copy: `{alias}` is a second name for the same array, so changing "
         "`{alias}` changes `{name}`. Make a new array instead: {product}`{alias} = {name}.copy()` before "
         "changing `{alias}`")
RELU_PRODUCT = "`{alias} = G * (Z > 0)`, or "  # Exercise 3's upstream gradient: the mask as a product


def _alias_of(fn, name: str) -> str:
    """The first variable that `fn`'s code binds to the argument `name` itself (`dZ = G`), or ''."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(fn))))
    except (OSError, TypeError, SyntaxError):
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == name:
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id != name:
                    return target.id
    return ""


def _changed_argument(answer, case: dict) -> str:
    """The name of the first array argument that `answer` changes in place, called on a copy of `case`; or ''."""
    given = _copy(case)
    try:
        call_learner(answer, list(given.values()), "")
    except Wrong:
        return ""
    for name, value in case.items():
        if isinstance(value, np.ndarray) and not np.array_equal(given[name], value, equal_nan=True):
            return name
    return ""


class _ByChainRule(FunctionExercise):
    """A gradient to derive by the chain rule: checked to 1e-12, so that a finite-difference estimate (right to
    1e-7 ... 1e-10) fails, with a message that says why; calling the notebook's numerical_derivative is refused.
    The learner's function must leave its array arguments as they were (as q5 asks of gradient_descent).
    `order` is the order in which a wrong matrix's entries are looked at: the backward pass's own order."""

    def __init__(self, *args, order: tuple[str, ...] | None = None, **kwargs):
        super().__init__(*args, atol=EXACT_ATOL, rtol=EXACT_RTOL, **kwargs)
        self.order = order or self.names

    def _check(self, answer) -> None:
        if "numerical_derivative" in _names_used(answer):
            raise Wrong(OWN_ESTIMATE.format(hint=self.hints[0]))
        if _uses_complex(answer):
            raise Wrong(COMPLEX_STEP.format(hint=self.hints[0]))
        try:
            super()._check(answer)
        except Wrong as wrong:
            estimate = self._estimate(answer)
            if estimate:
                raise Wrong(estimate) from None
            if type(wrong) is not Wrong:  # not attempted, or unreadable: as it is
                raise wrong from None
            text = str(wrong)
            where = text[text.index("\n  when called"):] if "\n  when called" in text else ""
            head = text.removesuffix(where)
            if "expected [[" in text:  # a whole matrix, expected and got: name the first entry that differs instead
                head = self._first_difference(answer) or head
            marks = self._marks(answer)
            raise Wrong(head + (f"\n  output by output: {marks}" if marks else "") + where) from None
        for case in self.cases:
            name = _changed_argument(answer, case)
            if name:
                alias = _alias_of(answer, name)
                product = RELU_PRODUCT.format(alias=alias) if name == "G" else ""
                raise Wrong(IN_PLACE_ARGUMENT.format(name=name)
                            + (ALIAS.format(alias=alias, name=name, product=product) if alias else ""))

    def _outputs(self, answer) -> dict | None:
        """{name: (got as a float array, expected)} for the first case where some output differs, in self.order;
        None if the answer crashes, returns the wrong number of outputs, or one of the wrong shape."""
        for case in self.cases:
            try:
                got = call_learner(answer, list(_copy(case).values()), "")
            except Wrong:
                return None
            expected = self._reference(*_copy(case).values())
            if len(self.names) == 1:
                got, expected = (got,), (expected,)
            if not isinstance(got, tuple | list) or len(got) != len(self.names):
                return None
            outputs = dict(zip(self.names, zip(got, expected, strict=True), strict=True))
            found = {}
            for name in self.order:
                g, e = outputs[name]
                try:
                    g = np.asarray(g, dtype=float)
                except (TypeError, ValueError):
                    return None
                if g.shape != np.shape(e):
                    return None
                found[name] = (g, np.asarray(e))
            if any(not np.allclose(g, e, atol=self.atol, rtol=self.rtol) for g, e in found.values()):
                return found
        return None

    def _marks(self, answer) -> str:
        """'dW2 ✓, db2 ✓, dW1 ✗, db1 ✗': which outputs are right in the first case that fails (no values shown,
        so that a gradient check's lesson holds: it says *where* the bug is); '' for fewer than three outputs."""
        outputs = self._outputs(answer) if len(self.names) > 2 else None
        if not outputs:
            return ""
        return ", ".join(f"{name} {'✓' if np.allclose(g, e, atol=self.atol, rtol=self.rtol) else '✗'}"
                         for name, (g, e) in outputs.items())

    def _first_difference(self, answer) -> str:
        """'dX is not right: 7 of 30 entries differ; the largest difference is at dX[0, 2]: expected ..., got ...'
        for the first wrong output in self.order (the entry where got is furthest from expected), or ''."""
        for name, (g, e) in (self._outputs(answer) or {}).items():
            wrong = ~np.isclose(g, e, atol=self.atol, rtol=self.rtol)
            if wrong.any():
                gap = np.where(wrong, np.nan_to_num(np.abs(g - e), nan=np.inf, posinf=np.inf), -1.0)
                index = tuple(int(i) for i in np.unravel_index(np.argmax(gap), e.shape))
                at = f"{name}[{', '.join(map(str, index))}]"
                return (f"{name} is not right: {int(wrong.sum())} of {wrong.size} entries differ; the largest "
                        f"difference is at {at}: expected {e[index]:.4g}, got {g[index]:.4g}")
        return ""

    def _estimate(self, answer) -> str:
        """What to say if every output is right to the usual tolerance only (an estimate); else ''."""
        worst = ("", 0.0)
        for case in self.cases:
            try:
                got = call_learner(answer, list(_copy(case).values()), "")
            except Wrong:
                return ""
            expected = self._reference(*_copy(case).values())
            got = got if len(self.names) > 1 else (got,)
            if not isinstance(got, tuple | list) or len(got) != len(self.names):
                return ""
            for name, g, e in zip(self.names, got, expected if len(self.names) > 1 else (expected,), strict=True):
                if g is None or g is ... or not _near(g, e):
                    return ""
                error = _scale_error(g, e)
                worst = max(worst, (name, error), key=lambda item: item[1])
        return ESTIMATE.format(name=worst[0], error=worst[1]) if worst[1] > 0 else ""


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
    a = np.tanh(w * x + b)
    dL_dz = 2 * (a - y) * (1 - a**2)
    return dL_dz, dL_dz


def _tanh_no_two(x, w, b, y):
    a = np.tanh(w * x + b)
    dL_dz = (a - y) * (1 - a**2)
    return dL_dz * x, dL_dz


def _tanh_times_w(x, w, b, y):
    a = np.tanh(w * x + b)
    dL_dz = 2 * (a - y) * (1 - a**2)
    return dL_dz * w, dL_dz


def _tanh_slope_at_a(x, w, b, y):
    a = np.tanh(w * x + b)
    dL_dz = 2 * (a - y) * (1 - np.tanh(a) ** 2)
    return dL_dz * x, dL_dz


def _tanh_slope_at_z(x, w, b, y):
    z = w * x + b
    dL_dz = 2 * (np.tanh(z) - y) * (1 - z**2)
    return dL_dz * x, dL_dz


def _tanh_flipped(x, w, b, y):
    a = np.tanh(w * x + b)
    dL_dz = 2 * (y - a) * (1 - a**2)  # the error written y − a
    return dL_dz * x, dL_dz


def _tanh_swapped(x, w, b, y):
    a = np.tanh(w * x + b)
    dL_dz = 2 * (a - y) * (1 - a**2)
    return dL_dz, dL_dz * x


q2 = _ByChainRule(
    "Exercise 2 (a tanh neuron's gradients)", tanh_neuron_grads,
    cases=[{"x": 0.5, "w": 2.4, "b": 0.1, "y": -1.0}, {"x": -2.0, "w": 0.3, "b": -0.1, "y": 0.5},
           {"x": 1.0, "w": -0.6, "b": 0.2, "y": 0.9}],
    hint=["Walk the graph backwards, multiplying local slopes: first how the loss changes with the neuron's output, "
          "then how tanh's output changes with its input, then how that input changes with w, and with b.",
          "The same three links as the sigmoid neuron worked above, with one box changed: the loss's slope with "
          "respect to the output a, the activation's slope, and the weighted sum's slope with respect to w or to b. "
          "Only the middle link is new: tanh's slope, written in its output a (notebook 02).",
          "Start from the backward lines of the worked sigmoid neuron above, with a = np.tanh(w * x + b) in the "
          "forward pass. Only the line with σ's slope a(1 − a) changes: tanh'(z) = 1 − a², in the output a. The "
          "links before and after it, to the loss and to w and b, stay as they are there."],
    forbid=("helpers.gradcheck", "helpers.value", "helpers.nn", "sympy", *AUTOGRAD),  # sympy: algebra software derives
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
              (_tanh_times_w, "dL_dw has w where x belongs: ∂z/∂w = x, as a product sends each input the *other* "
                              "factor (∂(w·x)/∂w = x)"),
              (_tanh_slope_at_a, "tanh' is taken at z, not at a: tanh'(z) = 1 − tanh(z)² = 1 − a²"),
              (_tanh_slope_at_z, "1 − z² is not tanh'(z): square tanh's output, not its input. "
                                 "tanh'(z) = 1 − tanh(z)² = 1 − a²"),
              (_tanh_swapped, "you returned (dL_db, dL_dw): the order is (dL_dw, dL_db)"),
              (_tanh_flipped, "both signs are flipped: the derivative of (a − y)² is ∂L/∂a = 2(a − y), with the "
                              "output a first. With (y − a), every gradient points uphill, and a step against it "
                              "would raise the loss")],
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


def _relu_times_output(X, W, b, G):
    dZ = G * np.maximum(X @ W.T + b, 0)  # the layer's output, not ReLU's slope
    return dZ @ W, dZ.T @ X, dZ.sum(axis=0)


def _relu_mask_without_bias(X, W, b, G):
    dZ = G * (X @ W.T > 0)
    return dZ @ W, dZ.T @ X, dZ.sum(axis=0)


def _relu_mask_at_zero(X, W, b, G):
    dZ = G * (X @ W.T + b >= 0)
    return dZ @ W, dZ.T @ X, dZ.sum(axis=0)


def _relu_dx_unmasked(X, W, b, G):
    dZ = G * (X @ W.T + b > 0)
    return G @ W, dZ.T @ X, dZ.sum(axis=0)  # dX from G itself, past the ReLU


def _relu_mean_bias(X, W, b, G):
    dZ = G * (X @ W.T + b > 0)
    return dZ @ W, dZ.T @ X, dZ.mean(axis=0)


# The slip of summing a bias's gradient with a mean, named in exercises 3 and 4 alike.
MEAN_BIAS = ("{names}: {biases} added to every example, so the gradients of the rows add up (sum over axis 0), they "
             "are not averaged{note}")

# In the first case, example 2's unit 1 has z = 3e-8, just above ReLU's kink: the chain rule passes its gradient
# (relu' = 1 there), while a finite difference with any usable step h (> 3e-8) steps across the kink and measures a
# mix of both sides. (ReLU is piecewise linear, so elsewhere a finite difference is exact up to rounding.)
KINK = (2, 1, 3e-8)  # (example k, unit j, z) in the first case


def _relu_cases() -> list[dict]:
    """Three random layers; G has both signs, so a mask taken from G differs from the one taken from Z."""
    shapes = [(6, 5, 3), (7, 2, 3), (1, 5, 4)]  # (n, d_in, d_out): big enough to be shown by their shape
    cases = [{"X": _RNG.normal(size=(n, d_in)), "W": _RNG.normal(size=(d_out, d_in)), "b": _RNG.normal(size=d_out),
              "G": _RNG.normal(size=(n, d_out))} for n, d_in, d_out in shapes]
    k, j, z = KINK
    first = cases[0]
    first["b"][j] = z - first["X"][k] @ first["W"][j]  # so that z_kj = 3e-8 (to rounding, about 1e-16)
    cases.append({"X": np.array([[1.0, 2.0], [0.5, -1.0]]), "W": np.array([[1.0, -0.5], [2.0, 1.0]]),
                  "b": np.array([0.0, -0.5]), "G": np.array([[1.0, -2.0], [0.5, 1.5]])})  # z_00 is exactly 0
    return cases


KINK_MESSAGE = ("your gradients are right except where example {k}'s unit {j} reaches: its z is {z:g}, just above "
                "ReLU's kink at 0. The chain rule passes the gradient there (relu'(z) = 1 for z > 0); a finite "
                "difference with a step larger than {z:g} steps across the kink and measures a mix of both sides. "
                "Derive the gradients with the chain rule instead of measuring them")


class _ReluLayer(_ByChainRule):
    """Exercise 3: also names a finite difference that stepped across the kink of the first case."""

    def _estimate(self, answer) -> str:
        found = super()._estimate(answer)
        if found:
            return found
        case, (k, j, z) = self.cases[0], KINK
        try:
            got = call_learner(answer, list(_copy(case).values()), "")
        except Wrong:
            return ""
        if not isinstance(got, tuple | list) or len(got) != 3:
            return ""
        reached = [np.arange(len(case["X"]))[:, None] == k, np.arange(len(case["W"]))[:, None] == j,
                   np.arange(len(case["b"])) == j]  # the entries of dX, dW, db that unit j of example k reaches
        off_at_kink = False
        for g, e, mask in zip(got, self._reference(*_copy(case).values()), reached, strict=True):
            if _scale_error(g, e) == math.inf:
                return ""
            mask = np.broadcast_to(mask, e.shape)
            if not _near(np.asarray(g, dtype=float)[~mask], e[~mask]):
                return ""
            off_at_kink = off_at_kink or not _near(np.asarray(g, dtype=float)[mask], e[mask])
        return KINK_MESSAGE.format(k=k, j=j, z=z) if off_at_kink else ""  # right everywhere here: another case


q3 = _ReluLayer(
    "Exercise 3 (a ReLU layer's backward pass)", relu_layer_backward, _relu_cases(),
    hint=["Two steps back. Through the ReLU first: the gradient passes where the layer's weighted sum was positive "
          "and is blocked elsewhere, so recompute that sum to know where. Then through the linear part, with the "
          "masked gradient as its upstream gradient: the three formulas for the input, the weights and the bias.",
          "Through the ReLU: recompute Z = X Wᵀ + b; dZ is G where Z > 0 and 0 elsewhere (a boolean array such "
          "as Z > 0 multiplies like 1s and 0s). Then section 4's three formulas for a Linear layer, with dZ in the "
          "place of the upstream gradient G there: one for the input, one for the weights, one for the bias. Each "
          "result has the shape of what it is the gradient of: dX (n, d_in), dW (d_out, d_in), db (d_out,)."],
    forbid=("helpers.nn", "helpers.gradcheck", "sympy", *AUTOGRAD),  # sympy: algebra software derives
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
              (_relu_mask_from_g, "the mask comes from the forward pass: where Z = X Wᵀ + b was > 0, not where "
                                  "the gradient G is > 0"),
              (_relu_times_output, "you multiplied G by relu(Z), the layer's output A, not by ReLU's derivative. "
                                   "The ReLU passes G through a mask: relu'(z) is 1 where z > 0 and 0 elsewhere, "
                                   "whatever the size of z"),
              (_relu_mask_without_bias, "the mask must use the whole pre-activation Z = X Wᵀ + b, bias included: "
                                        "without b, some units are on the wrong side of 0"),
              (_relu_mask_at_zero, "the mask lets the gradient through where z = 0 too: ReLU's slope there is "
                                   "taken as 0 (PyTorch's convention, and this notebook's: 0 where z ≤ 0)"),
              (_relu_mean_bias, MEAN_BIAS.format(names="db", biases="b is", note="")),
              (_relu_dx_unmasked, "dW and db are right, but dX is not: it uses G itself. The input's gradient "
                                  "also goes back through the ReLU, so use the masked gradient for all three")],
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


def _sigmoid_net_slope(X, y, W1, b1, W2, b2, slope):
    """The backward pass with the sigmoid's slope taken as slope(Z1, H), a wrong one."""
    Z1 = X @ W1.T + b1
    H = sigmoid(Z1)
    dY_hat = 2 * (H @ W2.T + b2 - y) / len(X)
    dZ1 = (dY_hat @ W2) * slope(Z1, H)
    return dZ1.T @ X, dZ1.sum(axis=0), dY_hat.T @ H, dY_hat.sum(axis=0)


def _sigmoid_net_slope_in_z(X, y, W1, b1, W2, b2):
    return _sigmoid_net_slope(X, y, W1, b1, W2, b2, lambda Z1, H: H * (1 - Z1))


def _sigmoid_net_slope_of_z(X, y, W1, b1, W2, b2):
    return _sigmoid_net_slope(X, y, W1, b1, W2, b2, lambda Z1, H: Z1 * (1 - Z1))


def _sigmoid_net_sigmoid_twice(X, y, W1, b1, W2, b2):
    return _sigmoid_net_slope(X, y, W1, b1, W2, b2, lambda Z1, H: sigmoid(H) * (1 - sigmoid(H)))


def _sigmoid_net_times_output(X, y, W1, b1, W2, b2):
    return _sigmoid_net_slope(X, y, W1, b1, W2, b2, lambda Z1, H: H)


def _sigmoid_net_scaled(X, y, W1, b1, W2, b2, factor):
    """The backward pass with ∂L/∂Ŷ multiplied by a wrong factor (n: no mean; 1/2: no 2)."""
    H = sigmoid(X @ W1.T + b1)
    dY_hat = factor * 2 * (H @ W2.T + b2 - y) / len(X)
    dZ1 = (dY_hat @ W2) * H * (1 - H)
    return dZ1.T @ X, dZ1.sum(axis=0), dY_hat.T @ H, dY_hat.sum(axis=0)


def _sigmoid_net_mean_bias(X, y, W1, b1, W2, b2, which):
    """The backward pass with the bias gradients in `which` ("b1", "b2") averaged over the rows, not summed."""
    H = sigmoid(X @ W1.T + b1)
    dY_hat = 2 * (H @ W2.T + b2 - y) / len(X)
    dZ1 = (dY_hat @ W2) * H * (1 - H)
    db1 = dZ1.mean(axis=0) if "b1" in which else dZ1.sum(axis=0)
    db2 = dY_hat.mean(axis=0) if "b2" in which else dY_hat.sum(axis=0)
    return dZ1.T @ X, db1, dY_hat.T @ H, db2


def _sigmoid_net_no_mean(X, y, W1, b1, W2, b2):
    return _sigmoid_net_scaled(X, y, W1, b1, W2, b2, len(X))


def _sigmoid_net_no_two(X, y, W1, b1, W2, b2):
    return _sigmoid_net_scaled(X, y, W1, b1, W2, b2, 0.5)


def _sigmoid_net_flipped(X, y, W1, b1, W2, b2):
    return _sigmoid_net_scaled(X, y, W1, b1, W2, b2, -1)


def _sigmoid_net_cases() -> list[dict]:
    """Two small regression batches: X (n, 2), targets y (n, 1), a hidden layer of 7 or 3 sigmoids, 1 output."""
    cases = []
    for n, d_hidden in [(13, 7), (16, 3)]:  # (n, d_hidden): big enough to be shown by their shape
        cases.append({"X": _RNG.normal(size=(n, 2)), "y": _RNG.normal(size=(n, 1)),
                      "W1": _RNG.normal(0, 0.8, size=(d_hidden, 2)), "b1": _RNG.normal(0, 0.3, size=d_hidden),
                      "W2": _RNG.normal(0, 0.8, size=(1, d_hidden)), "b2": _RNG.normal(0, 0.3, size=1)})
    return cases


BROADCAST = ("an array of shape ({n}, {n}) appeared where Ŷ − y should be ({n}, 1): an array of shape (n,) minus "
             "one of shape (n, 1) broadcasts to (n, n), every prediction against every target. Keep Ŷ and y both "
             "of shape (n, 1), one column (the output layer already gives Ŷ that shape); no transpose will fix it")


class _SigmoidNet(_ByChainRule):
    """Exercise 4: also names the slip of a flattened Ŷ (or y), whose difference broadcasts to (n, n)."""

    def _check(self, answer) -> None:
        try:
            super()._check(answer)
        except Wrong as wrong:
            text = str(wrong)
            for n in sorted({len(case["X"]) for case in self.cases}):
                if f"({n}, {n})" in text:
                    where = text[text.index("\n  when called"):] if "\n  when called" in text else ""
                    raise Wrong(BROADCAST.format(n=n) + where) from None
            raise


q4 = _SigmoidNet(
    "Exercise 4 (the backward pass of a sigmoid network)", sigmoid_net_backward, _sigmoid_net_cases(),
    hint=["Run the forward pass first and keep the hidden activations. Then go back from the loss: the gradient of "
          "the mean squared error (its factor two and its one over n), the output layer's weight and bias gradients, "
          "back into the hidden layer, through the sigmoid's slope, and the linear formulas once more for the first "
          "layer.",
          "The Linear formulas carry over from the worked network unchanged: a weight gradient is the upstream "
          "gradient transposed times the layer's input, a bias gradient its column sums, and the hidden layer gets "
          "the upstream gradient times W2. Two links change: the loss's gradient is the mean squared error's, twice "
          "the error divided by n, and the hidden slope is the sigmoid's, written in its output H (notebook 02).",
          "Forward first, keeping H. The backward pass starts at dY_hat = 2(Ŷ − y)/n (the 1/n from the mean), of "
          "shape (n, 1). From there, follow the worked network's backward lines one by one, with dY_hat in the "
          "place of its dZ2, and change the one line that goes through the activation: the sigmoid's slope is "
          "H(1 − H), entry by entry, where tanh's was 1 − H²."],
    forbid=("helpers.nn", "helpers.gradcheck", "helpers.losses.mse_grad", "helpers.value", "sympy",
            *AUTOGRAD),  # sympy: algebra software derives
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
    order=("dW2", "db2", "dW1", "db1"),  # a wrong output layer is named before the hidden layer it feeds
    mistakes=[(_sigmoid_net_tanh_slope, "1 − H² is tanh's derivative, from the worked network. This hidden layer "
                                        "is a sigmoid: σ'(z) = σ(z)(1 − σ(z)) = H(1 − H)"),
              (_sigmoid_net_slope_in_z, "σ'(z) = σ(z)(1 − σ(z)): both factors are in σ(z) = H, the hidden "
                                        "layer's output; one of yours uses the weighted sum Z1 itself"),
              (_sigmoid_net_slope_of_z, "σ'(z) = σ(z)(1 − σ(z)) is written in σ(z) = H, the hidden layer's output, "
                                        "not in the weighted sum Z1"),
              (_sigmoid_net_sigmoid_twice, "σ(H)(1 − σ(H)) applies the sigmoid twice: H is σ(z) already, so "
                                           "σ'(z) = H(1 − H)"),
              (_sigmoid_net_times_output, "you multiplied dH by the hidden layer's output H, not by the sigmoid's "
                                          "slope σ'(z) at each hidden unit"),
              (_sigmoid_net_no_mean, "every gradient is n times too big: the loss is a *mean* over the n "
                                     "examples, so ∂L/∂Ŷ = 2(Ŷ − y)/n"),
              (_sigmoid_net_no_two, "every gradient is half what it should be: the derivative of (ŷ − y)² "
                                    "is 2(ŷ − y)"),
              (_sigmoid_net_flipped, "every sign is flipped: the loss grows as Ŷ moves away from y, so "
                                     "∂L/∂Ŷ = 2(Ŷ − y)/n, with Ŷ first"),
              *[(functools.partial(_sigmoid_net_mean_bias, which=which),
                 MEAN_BIAS.format(names=" and ".join(f"d{b}" for b in which),
                                  biases=" and ".join(which) + (" are" if len(which) > 1 else " is"),
                                  note=" (the mean's 1/n is already in ∂L/∂Ŷ = 2(Ŷ − y)/n)"))
                for which in (("b2",), ("b1",), ("b1", "b2"))]],
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
    for _ in range(steps):
        w = w + lr * grad_fn(w)
    return w


def _descend_no_lr(w, grad_fn, lr, steps):
    for _ in range(steps):
        w = w - grad_fn(w)
    return w


def _descend_once(w, grad_fn, lr, steps):
    return w - lr * grad_fn(w)


def bowl_grad(w):
    """∇ of ‖w‖² (a round bowl): 2w."""
    return 2 * w


def tilted_grad(w):
    """∇ of ½‖w − (1, −2, 0.5)‖²: a bowl whose lowest point is not at 0."""
    return w - np.array([1.0, -2.0, 0.5])


# What in helpers.nn takes a descent step for the learner (exercises 5 and 6; torch.optim is forbidden beside them).
# Not all of helpers.nn: its Parameter only holds an array, so a learner who wraps w in one and calls SGD is told
# about SGD, the step, not about Parameter (cold read 05_n4, item 4).
_OPTIMISERS = ("helpers.nn.SGD", "helpers.nn.Adam")

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
    forbid=(*_OPTIMISERS, "torch.optim"),  # not Parameter: holding an array computes nothing
    solution=("def gradient_descent(w, grad_fn, lr, steps):\n"
              "    for _ in range(steps):\n"
              "        w = w - lr * grad_fn(w)   # a new array: the caller's w is not changed\n"
              "    return w"),
    mistakes=[(_descend_in_place, IN_PLACE),
              (_descend_uphill, "you stepped uphill: the gradient points to where the loss grows, so subtract it"),
              (_descend_no_lr, "you forgot the learning rate: each step is lr times the gradient"),
              (_descend_once, "you took one step only: take `steps` of them, each from where the last one ended")],
)

# ----------------------------------------------------------------------------- q6: one step of Adam


def adam_step(w, g, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step of Adam, as torch.optim.Adam takes it: returns the new (w, m, s); t counts the steps from 1."""
    m = beta1 * m + (1 - beta1) * g  # the running average of the gradient
    s = beta2 * s + (1 - beta2) * g**2  # ... and of its square, entry by entry
    m_hat = m / (1 - beta1**t)  # bias correction: both averages started at 0
    s_hat = s / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s


DEFAULTS = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}  # torch.optim.Adam's, and adam_step's


def _adam_slip(slip: str, hard_coded: tuple[str, ...] = tuple(DEFAULTS)):
    """adam_step with one known slip (a key of ADAM_SLIPS), as a learner might write it ("defaults": the
    hyperparameters named in `hard_coded` written in as their defaults instead of taken from the arguments)."""
    @np.errstate(all="ignore")  # t − 1 divides by 0 at t = 1, and g in place of g² may take a root of a negative
    def adam_step(w, g, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        if slip == "defaults":
            given = {"beta1": beta1, "beta2": beta2, "eps": eps} | {k: DEFAULTS[k] for k in hard_coded}
            beta1, beta2, eps = given["beta1"], given["beta2"], given["eps"]
        share1 = 1 if slip in ("sums", "m_sum") else 1 - beta1  # a sum: momentum's convention
        share2 = 1 if slip in ("sums", "s_sum") else 1 - beta2
        m_new, s_new = beta1 * m + share1 * g, beta2 * s + share2 * (g if slip == "g_not_squared" else g**2)
        t = t + {"t_plus_one": 1, "t_minus_one": -1}.get(slip, 0)
        m_hat, s_hat = (m, s) if slip == "old_averages" else (m_new, s_new)
        if slip != "no_correction":
            m_hat, s_hat = m_hat / (1 - beta1**t), s_hat / (1 - beta2**t)
        if slip == "eps_inside":
            step = lr * m_hat / np.sqrt(s_hat + eps)
        elif slip == "efficient":  # Kingma and Ba's form: the corrections folded into lr, ε added to √s
            step = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t) * m_new / (np.sqrt(s_new) + eps)
        elif slip == "no_root":
            step = lr * m_hat / (s_hat + eps)
        else:
            step = lr * m_hat / (np.sqrt(s_hat) + eps)
        if slip == "returns_hats":
            m_new, s_new = m_new / (1 - beta1**t), s_new / (1 - beta2**t)
        return (w + step if slip == "uphill" else w - step), m_new, s_new

    return adam_step


ADAM_SLIPS = {
    "no_correction": "the bias correction is missing: m and s start at 0, so for the first steps they are too small. "
                     "Divide m by 1 − β1ᵗ and s by 1 − β2ᵗ before the step",
    "sums": "m and s are averages, not sums (that is momentum's v): the new gradient enters with weight 1 − β1 (and "
            "its square with 1 − β2), the old average keeps β1 (β2)",
    "m_sum": "m is a running average, not a sum: beta1 * m + g is momentum's v, where the new gradient enters "
             "whole. Adam's m takes it with weight 1 − β1: m ← β1·m + (1 − β1)·g",
    "s_sum": "s is a running average, not a sum: beta2 * s + g**2 lets the new square enter whole. Adam's s takes "
             "it with weight 1 − β2: s ← β2·s + (1 − β2)·g²",
    "uphill": "you stepped uphill: subtract the step from w, as in gradient descent",
    "old_averages": "you stepped with the averages of the step before: first fold this step's gradient into m and s, "
                    "then step with the new ones",
    "eps_inside": "ε goes outside the square root, as torch.optim.Adam has it: divide by √ŝ + ε",
    "efficient": "that is Kingma and Ba's 'efficient' form, with both corrections folded into the learning rate: it "
                 "adds ε to √s, not to the bias-corrected √ŝ, and that shows where the gradient is tiny. Put ε on "
                 "√ŝ, as the formula above and torch.optim.Adam do",
    "no_root": "divide by the square root of ŝ (the typical size of the gradient), not by ŝ itself",
    "returns_hats": "return the running averages m and s themselves, not the bias-corrected m̂ and ŝ: the "
                    "correction is only for this step, and the next step must fold its gradient into the raw averages",
    "t_plus_one": "the bias correction is one step ahead: t counts the steps from 1, so the first step (t = 1) "
                  "divides m by 1 − β1¹ = 1 − β1, not by 1 − β1²",
    "t_minus_one": "the bias correction is one step behind: t counts the steps from 1, so the first step (t = 1) "
                   "divides m by 1 − β1¹ = 1 − β1 (with 1 − β1⁰ = 0 it would divide by zero)",
    "g_not_squared": "s is the running average of the *square* of the gradient, g² entry by entry (g**2), not of g "
                     "itself: √ŝ is the gradient's typical size, whatever its sign",
    "defaults": "you used the default β1 = 0.9, β2 = 0.999 or ε = 1e-8 instead of the arguments your function is "
                "given",
}

# Two runs: (start w, learning rate, β1, β2, ε, the gradient at each step). The gradients are fixed (they do not
# depend on w), so the run is the same for the learner's steps and torch's. One entry's gradients are tiny (1e-4):
# Adam still steps it by about lr, and ε's place matters there.
_ADAM_RNG = np.random.default_rng(6)
ADAM_RUNS = [
    {"w": np.array([1.0, -2.0, 0.5]), "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
     "grads": np.array([5.0, 0.3, 1e-4]) * _ADAM_RNG.normal(1.0, 0.8, size=(6, 3))},  # 6 steps
    {"w": np.array([[0.3, -0.7], [1.2, 0.0]]), "lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6,
     "grads": _ADAM_RNG.normal(0.0, 2.0, size=(5, 2, 2))},  # 5 steps
]


_SUBSETS = [fixed for size in (3, 2, 1) for fixed in itertools.combinations(DEFAULTS, size)]  # hard-coded ones


@functools.cache
def _adam_by_torch(run: int) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]:
    """(w, m, s) after each step of torch.optim.Adam on run `run` of ADAM_RUNS."""
    import torch

    spec = ADAM_RUNS[run]
    w = torch.tensor(spec["w"], requires_grad=True)  # float64
    optimizer = torch.optim.Adam([w], lr=spec["lr"], betas=(spec["beta1"], spec["beta2"]), eps=spec["eps"])
    states = []
    for g in spec["grads"]:
        w.grad = torch.tensor(g)
        optimizer.step()
        state = optimizer.state[w]
        states.append((w.detach().numpy().copy(), state["exp_avg"].numpy().copy(),
                       state["exp_avg_sq"].numpy().copy()))
    return tuple(states)


def _fresh(inputs: tuple) -> list:
    """Copies of the arrays (an answer may change its arguments in place); the numbers as they are."""
    return [v.copy() if isinstance(v, np.ndarray) else v for v in inputs]


NAN_STEP = ("w holds nan (not a number) where torch's w is a number, while m and s are right: the step took the "
            "square root of a negative number (or divided 0 by 0). Check the brackets around 1 − β1ᵗ and 1 − β2ᵗ: "
            "m / 1 - beta1**t is m − β1ᵗ; write m / (1 - beta1**t)")


def _nan_step(answer, got, expected: tuple, inputs: tuple, where: str) -> None:
    """If w holds nan where torch's does not while m and s are right, raise Wrong naming why: the t − 1 slip
    (checked one step later, where it gives numbers) or else the brackets. Otherwise do nothing."""
    if not isinstance(got, tuple | list) or len(got) != 3:
        return
    try:
        w, m, s = (np.asarray(v, dtype=float) for v in got)
    except (TypeError, ValueError):
        return
    if (w.shape != expected[0].shape or np.isfinite(w).all() or not np.isfinite(expected[0]).all()
            or not all(v.shape == e.shape and np.allclose(v, e) for v, e in zip((m, s), expected[1:], strict=True))):
        return
    later = (*inputs[:4], inputs[4] + 1, *inputs[5:])  # the same step, numbered t + 1
    slipped = _adam_slip("t_minus_one")(*_fresh(later))
    try:
        got_later = call_learner(answer, _fresh(later), "")
        one_behind = all(np.allclose(np.asarray(g, dtype=float), e) for g, e in zip(got_later, slipped, strict=True))
    except (Wrong, TypeError, ValueError):
        one_behind = False
    raise Wrong((ADAM_SLIPS["t_minus_one"] if one_behind else NAN_STEP) + where)


def _check_adam(answer) -> None:
    if not callable(answer):
        raise Wrong(f"expected a function (def ...), got {type(answer).__name__}: {show(answer)}")
    for run, spec in enumerate(ADAM_RUNS):
        expected = _adam_by_torch(run)
        w, m, s = spec["w"].copy(), np.zeros_like(spec["w"]), np.zeros_like(spec["w"])
        hyper = (spec["lr"], spec["beta1"], spec["beta2"], spec["eps"])
        for t, g in enumerate(spec["grads"], start=1):
            inputs = (w, g, m, s, t, *hyper)
            described = (f"step t = {t} of a run with lr = {spec['lr']}, beta1 = {spec['beta1']}, "
                         f"beta2 = {spec['beta2']}, eps = {spec['eps']} (w of shape {w.shape}, g = {show(g)})")
            got = call_learner(answer, _fresh(inputs), described)
            slips = [(lambda slip=slip, inputs=inputs: _adam_slip(slip)(*_fresh(inputs)), message)
                     for slip, message in ADAM_SLIPS.items() if slip != "defaults"]
            this_run = (f": this run has beta1 = {spec['beta1']}, beta2 = {spec['beta2']}, eps = {spec['eps']:g}. "
                        "Use the values in the arguments")
            slips += [(lambda fixed=fixed, inputs=inputs: _adam_slip("defaults", fixed)(*_fresh(inputs)),
                       ADAM_SLIPS["defaults"] + this_run)
                      for fixed in _SUBSETS if any(spec[k] != DEFAULTS[k] for k in fixed)]
            where = f"\n  compared with torch.optim.Adam after {described}"
            _nan_step(answer, got, expected[t - 1], inputs, where)
            check_outputs(got, expected[t - 1], ["w", "m", "s"], where, slips, atol=1e-10, rtol=1e-8)
            w, m, s = (np.asarray(v, dtype=float) for v in got)


q6 = CustomExercise(
    "Exercise 6 (one step of Adam)", adam_step, _check_adam,
    hint=["Three moves, in order. First fold this step's gradient into the two running averages: each keeps a large "
          "share of its old value and takes a small share of the new gradient (or of its square). Then correct both "
          "for having started at zero, using the step number. Last, move the weights against the corrected average "
          "divided by the square root of the corrected average of squares, plus the tiny ε.",
          "m ← β1·m + (1 − β1)·g, entry by entry; s is the same kind of running average, with β2, of g² (g**2 in "
          "NumPy). Then m̂ = m/(1 − β1ᵗ) (beta1**t), and ŝ corrects s the same way, with β2. Last, w takes a step "
          "of size lr against m̂ divided by (√ŝ + ε), with np.sqrt. Return the new w, m and s."],
    forbid=("torch.optim", "torch.optim.adam", "torch.optim.adamw", "torch.optim.sgd", *_OPTIMISERS, *AUTOGRAD),
    solution=("def adam_step(w, g, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
              "    m = beta1 * m + (1 - beta1) * g          # the running average of the gradient\n"
              "    s = beta2 * s + (1 - beta2) * g**2       # ... and of its square\n"
              "    m_hat = m / (1 - beta1**t)               # bias correction: both started at 0\n"
              "    s_hat = s / (1 - beta2**t)\n"
              "    w = w - lr * m_hat / (np.sqrt(s_hat) + eps)\n"
              "    return w, m, s"),
)
q6.mistakes = [(lambda slip=slip: _adam_slip(slip), message) for slip, message in ADAM_SLIPS.items()]  # for the tests

# ----------------------------------------------------------------------------- q7: tanh for Value

# Value's own tanh, as the course defines it, captured at import: the prompt suggests `Value.tanh = value_tanh`, after
# which the attribute is the learner's function.
COURSE_TANH = Value.tanh


class _ValueTanh(CustomExercise):
    """Exercise 7: what is forbidden is the course's own tanh, not whatever `Value.tanh` holds now. While an answer is
    checked, the class holds the original again (so it alone is refused, and tripped if called); the learner's
    assignment is put back afterwards, whatever happens."""

    def verify(self, answer) -> None:
        now = vars(Value).get("tanh")
        if now is COURSE_TANH:
            return super().verify(answer)
        Value.tanh = COURSE_TANH
        try:
            return super().verify(answer)
        finally:
            Value.tanh = now


def value_tanh(self):
    """tanh of a Value: a new Value, tanh(self.data), whose _backward adds (1 − tanh²)·out.grad to self.grad."""
    t = float(np.tanh(self.data))  # the forward value (math.tanh or np.tanh: both are safe at any size)
    out = Value(t, (self,), "tanh")  # remembers its one input

    def _backward():  # tanh'(z) = 1 − tanh(z)², with the output t
        self.grad += (1 - t**2) * out.grad  # += : self may be used elsewhere too (fan-out)

    out._backward = _backward
    return out


def _tanh_slip(slip: str):
    """value_tanh with one known slip (a key of TANH_SLIPS, or "overflow"), as a learner might write it."""
    def value_tanh(self):
        if slip == "overflow":  # the textbook formula, whose e^(2x) overflows for x > 354
            t = (math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)
        else:
            t = math.tanh(self.data)
        out = Value(t, () if slip == "no_parents" else (self,), "tanh")

        def _backward():
            slope = 1 - (self.data if slip == "at_input" else t) ** 2
            upstream = 1.0 if slip == "no_upstream" else out.grad
            if slip == "overwrites":
                self.grad = slope * upstream
            elif slip == "grad_of_out":
                out.grad += slope * upstream
            else:
                self.grad += slope * upstream

        if slip != "not_attached":
            out._backward = _backward
        return out

    return value_tanh


OVERFLOW = ("at x = {x:g}, e^(2x) overflows (float64 ends near 1.8e308, that is e^709.8): compute the forward value "
            "with math.tanh or np.tanh, which are allowed here and never overflow")
BACKWARD_OVERFLOW = ("in your _backward, at x = {x:g}, a number overflowed (float64 ends near 1.8e308, that is "
                     "e^709.8): write tanh's slope with the output t, as 1 − t², which never overflows")
TANH_SLIPS = {
    "overwrites": "self.grad must be added to (+=), not set (=): self may be used elsewhere too (fan-out), and = "
                  "throws away the gradient the other uses already put there",
    "no_upstream": "the upstream gradient is missing: the chain rule multiplies tanh's local derivative by "
                   "out.grad (∂L/∂out)",
    "at_input": "tanh'(z) = 1 − tanh(z)² uses the output t = tanh(z), not the input z = self.data",
    "no_parents": "the new Value must remember its input: give it the parents (self,), so that backward() can "
                  "reach self",
    "not_attached": "out._backward is still the do-nothing function every new Value starts with: attach yours "
                    "to the new Value (out._backward = _backward), as __mul__ does, so that backward() can call it",
    "grad_of_out": "after out._backward() ran, self.grad had not changed: in _backward, add to self.grad (the "
                   "input's gradient), tanh's local derivative times out.grad; out.grad is what flows in, not "
                   "what you fill",
}
CALLED = ("out._backward is {what}, not a function: assign the function itself, out._backward = _backward, without "
          "brackets. With them, _backward() runs at once (when out.grad is still 0) and what it returns, None, is "
          "stored instead")
NOT_A_TUPLE = ("the parents must be a tuple of Values, (self,), with its comma: you gave {what}, and backward() "
               "walks through the parents one by one")
# (u, v): f = tanh(u·v) + u·tanh(u). The last has u·v = 400, where e^(2x) overflows and tanh' is 0.
TANH_POINTS = [(0.5, -1.2), (-1.3, 0.7), (2.0, 0.25), (20.0, 20.0)]


def tanh_expression(tanh, u, v):
    """f = tanh(u·v) + u·tanh(u): `u` is used three times (fan-out), `v` once."""
    return tanh(u * v) + u * tanh(u)


@functools.cache
def _tanh_by_torch() -> tuple[tuple[float, float, float], ...]:
    """(f, ∂f/∂u, ∂f/∂v) at each of TANH_POINTS, by torch.autograd in float64."""
    import torch

    found = []
    for u0, v0 in TANH_POINTS:
        u, v = (torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (u0, v0))
        f = tanh_expression(torch.tanh, u, v)
        f.backward()
        found.append((f.item(), u.grad.item(), v.grad.item()))
    return tuple(found)


def _call_tanh(answer, v: Value):
    """answer(v), an overflow named; any other crash reported as call_learner reports it."""
    def run(value):
        try:
            return answer(value)
        except OverflowError:
            raise Wrong(OVERFLOW.format(x=value.data)) from None

    return call_learner(run, [v], f"a Value with data {v.data:g}")


def _learner_backward(backward, x: float):
    """The learner's _backward of a tanh node at input x, behind the tripwires, as a function of no arguments: a
    crash in it is reported as call_learner reports one (your function raised ...), an overflow named."""
    guarded = q7.guarded(backward)

    def run():
        try:
            return guarded()
        except OverflowError:
            raise Wrong(BACKWARD_OVERFLOW.format(x=x)) from None

    return lambda: call_learner(run, [], f"a Value with data {x:g}, in the _backward of the Value it returned "
                                          "(backward() runs it)")


def _check_one_node(answer, x: float) -> None:
    """One tanh node on its own: the new Value, its data, its parents, and what its _backward adds."""
    v = Value(x)
    out = _call_tanh(answer, v)
    if out is ...:
        raise NotAttempted
    where = f"\n  when called with a Value with data {x:g}"
    if not isinstance(out, Value):
        raise Wrong(f"return a new Value (made with Value(...)), not a {type(out).__name__}: {show(out)}{where}")
    if out is v:
        raise Wrong(f"you returned self: make a new Value for the output, as __mul__ makes `out`{where}")
    if not math.isfinite(out.data):
        raise Wrong(OVERFLOW.format(x=x) if x > 300 else f"the new Value's data is {out.data}{where}")
    if abs(out.data - math.tanh(x)) > 1e-9:
        close = (" Close, but not close enough: did you compute it in float32 (PyTorch's default dtype, or "
                 "np.float32) where float64 was needed?") if abs(out.data - math.tanh(x)) < 1e-6 else ""
        raise Wrong(f"the new Value's data should be tanh(self.data) = {math.tanh(x):.12g}, got {out.data:.12g}."
                    f"{close}{where}")
    if not isinstance(out.parents, tuple | list):
        what = "one Value" if isinstance(out.parents, Value) else f"a {type(out.parents).__name__}"
        raise Wrong(NOT_A_TUPLE.format(what=what) + where)
    if [id(p) for p in out.parents] != [id(v)]:
        raise Wrong(TANH_SLIPS["no_parents"] + where)
    if not callable(out._backward):
        raise Wrong(CALLED.format(what=show(out._backward)) + where)
    t, before, upstream = math.tanh(x), 0.5, 2.0  # self already holds a gradient, and out.grad is not 1
    v.grad, out.grad = before, upstream
    _learner_backward(out._backward, x)()
    right = before + (1 - t**2) * upstream
    if abs(v.grad - right) <= 1e-9:
        return
    default = getattr(out._backward, "__qualname__", "").startswith("Value.__init__")  # a new Value's do-nothing one
    unchanged = "not_attached" if default else "grad_of_out"
    slips = [(before, unchanged), ((1 - t**2) * upstream, "overwrites"), (before + (1 - t**2), "no_upstream"),
             (before + (1 - x**2) * upstream, "at_input")]
    for grad, slip in slips:
        if abs(v.grad - grad) <= 1e-9:
            raise Wrong(TANH_SLIPS[slip] + where)
    raise Wrong(f"after out._backward(), with out.grad = {upstream} and self.grad = {before} before it, self.grad "
                f"should be {right:.6g}, got {v.grad:.6g}{where}")


def _check_value_tanh(answer) -> None:
    if not callable(answer):
        raise Wrong(f"expected a function (def value_tanh(self): ...), got {type(answer).__name__}: {show(answer)}")
    expected = _tanh_by_torch()
    for (u0, v0), (f_t, du_t, dv_t) in zip(TANH_POINTS, expected, strict=True):
        for x in (u0 * v0, u0):
            _check_one_node(answer, x)
        u, v = Value(u0), Value(v0)

        def tanh(value):
            out = _call_tanh(answer, value)
            out._backward = _learner_backward(out._backward, value.data)  # behind the tripwires too
            return out

        f = tanh_expression(tanh, u, v)
        f.backward()
        for name, ours, theirs in [("f", f.data, f_t), ("∂f/∂u", u.grad, du_t), ("∂f/∂v", v.grad, dv_t)]:
            if not math.isclose(ours, theirs, rel_tol=1e-7, abs_tol=1e-9):
                raise Wrong(f"{name} of f = tanh(u·v) + u·tanh(u) at u = {u0:g}, v = {v0:g}: yours {ours:.6g}, "
                            f"torch.autograd's {theirs:.6g}")


q7 = _ValueTanh(
    "Exercise 7 (tanh for Value)", value_tanh, _check_value_tanh,
    hint=["Two parts, like the multiplication printed above. Forward: a new Value that holds tanh of this Value's "
          "number and remembers this Value as its only parent. Backward: a small function, attached to the new "
          "Value, that adds to this Value's gradient tanh's local derivative times the gradient that reached the "
          "new Value. Add to it, never overwrite: this Value may be used elsewhere too.",
          "Forward: t = tanh(self.data) (np.tanh is allowed) and out = Value(t, (self,), \"tanh\"). Backward: a "
          "function _backward() defined inside, in which self.grad grows by tanh′(z)·out.grad, with "
          "tanh′(z) = 1 − t² written with the output t. Attach it to out, then return out."],
    forbid=("helpers.value.Value.tanh", "helpers.gradcheck", *AUTOGRAD),
    solution=("def value_tanh(self):\n"
              "    t = float(np.tanh(self.data))          # the forward value\n"
              "    out = Value(t, (self,), \"tanh\")        # a new Value that remembers its input\n"
              "\n"
              "    def _backward():                       # tanh'(z) = 1 − tanh(z)², with the output t\n"
              "        self.grad += (1 - t**2) * out.grad  # += : self may be used elsewhere too\n"
              "\n"
              "    out._backward = _backward\n"
              "    return out"),
)
q7.mistakes = [(lambda slip=slip: _tanh_slip(slip), message) for slip, message in TANH_SLIPS.items()]  # for the tests
q7.mistakes.append((lambda: _tanh_slip("overflow"), OVERFLOW.format(x=400)))
