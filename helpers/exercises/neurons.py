"""Exercises for notebook 01 (neurons): predictions, a neuron with any activation, the sigmoid's step limit,
AND and OR by hand (and XOR, which one neuron cannot do), a layer of neurons, counting parameters."""

from __future__ import annotations

import numbers

import numpy as np

from helpers.activations import relu, sigmoid, step, tanh
from helpers.exercises.core import ChoiceExercise, CustomExercise, FunctionExercise, Wrong, call_learner, show
from helpers.plots.neurons import exact_sum
from helpers.widgets import num

NOTEBOOK = "01_neurons"
_rng = np.random.default_rng(1)


# ---- p1: predict σ(0) ----

p1 = ChoiceExercise(
    "Prediction 1 (σ at zero)", "b",
    options={"a": "0", "b": "0.5", "c": "1", "d": "it cannot be computed: e⁰ is undefined"},
    feedback={"a": "σ(z) is never exactly 0: 1 / (1 + something) is 0 only if the something is infinite. "
                   "What is e⁰?",
              "c": "σ(z) = 1 would need e^(−z) = 0, which never happens. What is e⁰?",
              "d": "e⁰ is defined: any number to the power 0 is 1."},
    hint="Put z = 0 into σ(z) = 1 / (1 + e^(−z)). Any number to the power 0 is 1.",
    solution='p1_answer = "b"  # σ(0) = 1 / (1 + e⁰) = 1 / (1 + 1) = 0.5',
)


# ---- q1: a neuron with any activation g ----

def neuron(x, w, b, g):
    """The output of a neuron with activation g: a = g(w·x + b)."""
    return g(np.dot(w, x) + b)


def _neuron_cases() -> list[dict]:
    """Inputs x, weights w (same length), a bias b and an activation g; z < 0 in the first, so slips differ.

    The first case has three inputs, and its products w_i·x_i (−1, −1.5, −0.75) are all different, hold no pair ±p,
    and none equals b or −2b: with an odd g a pair would cancel in both sum(g(w_i·x_i)) and g(w·x); a product equal
    to b would make a neuron that reads only two inputs look like one that forgot the bias; and with a product
    equal to −2b (the old case: products (−1, −1.5, −1), b = 0.5) the first two inputs, all but the first and b
    added to every product all gave the same z."""
    cases = [{"x": np.array([2.0, -1.0, 0.5]), "w": np.array([-0.5, 1.5, -1.5]), "b": 0.3, "g": sigmoid}]
    for d, g in [(4, tanh), (1, relu), (5, tanh), (3, relu)]:  # 5 inputs with a g that shows every input's part
        cases.append({"x": np.round(_rng.normal(size=d), 2), "w": np.round(_rng.normal(size=d), 2),
                      "b": float(np.round(_rng.normal(), 2)), "g": g})
    cases.append({"x": np.array([0.5, -1.2]), "w": np.array([1.1, 0.4]), "b": -0.3, "g": step})  # z = −0.23
    return cases


def _first_inputs(k: int):
    """A neuron with the sum written out for its first k inputs only, as a learner might write it for k = 2: it
    crashes on fewer than k inputs, and is right on exactly k. A loop that stops one early, range(len(x) - 1),
    gives the same value as k = d − 1, so the message speaks to both."""
    def slip(x, w, b, g):
        return g(sum(w[i] * x[i] for i in range(k)) + b)
    return slip


def _all_but_first(x, w, b, g):
    """A loop that starts at 1, as if Python counted from 1: it leaves out x[0]."""
    return g(sum(w[i] * x[i] for i in range(1, len(x))) + b)


q1 = FunctionExercise(
    "Exercise 1 (a neuron with any activation)", neuron, _neuron_cases(),
    hint=["A neuron does two things, in this order: it forms the weighted sum of its inputs (each input times its "
          "own weight, all added up, and the bias added once), then it passes that one number through the activation "
          "it was given.",
          "Two steps, as in the maths above. First the weighted sum z: `np.dot`, met just before this exercise, "
          "multiplies two arrays entry by entry and adds the products up, whatever their length; the bias is "
          "added once, after that. Then the activation: `g` is a function like `sigmoid`, so call it on z and "
          "return what it gives."],
    forbid=("helpers.forward", "helpers.nn", "torch.nn", "torch.nn.functional"),
    solution=("def neuron(x, w, b, g):\n"
              "    z = np.dot(w, x) + b  # the weighted sum\n"
              "    return g(z)          # the activation"),
    mistakes=[
        (lambda x, w, b, g: g(np.dot(w, x)), "the bias is missing: z = w·x + b, and g acts on all of z."),
        (lambda x, w, b, g: g(np.dot(w, x)) + b,
         "you added the bias after the activation; b is part of the weighted sum z, so it goes in before g "
         "acts: g is applied once, to the whole of z."),
        (lambda x, w, b, g: np.dot(w, x) + b, "you returned z; the neuron's output is a = g(z)."),
        (lambda x, w, b, g: sigmoid(np.dot(w, x) + b),
         "you used the sigmoid; use the activation `g` that is passed in (it is not always σ)."),
        (lambda x, w, b, g: np.sum(g(w * x)) + b,
         "you applied g to each product w_i·x_i; g acts once, on the whole sum z = w·x + b."),
        (lambda x, w, b, g: np.dot(w, x) * b, "the bias is added to the sum, not multiplied with it."),
        (lambda x, w, b, g: g(np.dot(w, x) - b), "you subtracted the bias; it is added: z = w·x + b (a threshold θ "
                                                 "becomes the bias b = −θ)."),
        (lambda x, w, b, g: g(np.dot(w, x) * b), "the bias is added to the sum, not multiplied with it."),
        (lambda x, w, b, g: np.sum(g(w * x + b)),
         "you applied g to each product w_i·x_i (and added b to each); g acts once, on the whole sum z = w·x + b."),
        (lambda x, w, b, g: g(w * x + b),
         "you returned one value per input; a neuron outputs one number: add the products up (`np.dot` or "
         "`np.sum`) before you add the bias."),
        *[(_first_inputs(k),
           f"your neuron reads only the first {k} input{'s' if k > 1 else ''}, but here x and w have more entries. "
           "Add up every product w_i·x_i, whatever the length d: a sum written out term by term fits one length "
           "only, and a loop must visit every index (range(len(x)), not stopping one early).")
          for k in (1, 2, 3)],
        (lambda x, w, b, g: g(np.dot(w[:4], x[:4]) + b),  # sliced: right below 5 inputs, as a learner's test is
         "your neuron reads only the first 4 inputs, but here x and w have 5 entries. Add up every product "
         "w_i·x_i, whatever the length d."),
        (_all_but_first,
         "your sum leaves out the first input: Python counts from 0, so x[0] is the first input, and a loop "
         "that starts at 1 skips it."),
        (lambda x, w, b, g: g(np.sum(w * x + b)),
         "you added b to every product w_i·x_i; the bias is added once, to the sum."),
        (lambda x, w, b, g: g(np.dot(w, w) + b),
         "you multiplied the weights by themselves (w·w); each weight multiplies its own input x_i."),
        (lambda x, w, b, g: g(np.dot(x, x) + b),
         "you multiplied the inputs by themselves (x·x); each input is multiplied by its own weight w_i."),
        (lambda x, w, b, g: g(np.sum(w + x) + b),
         "you added each weight to its input; a weighted sum multiplies each input by its weight, then adds."),
        (lambda x, w, b, g: g(w), "you passed the weights w to g; g acts on one number, the weighted sum z."),
        (lambda x, w, b, g: g(x), "you passed the inputs x to g; g acts on one number, the weighted sum z."),
        (lambda x, w, b, g: np.dot(g(w), x) + b,
         "you applied g to the weights w before the sum; g comes last, applied once to z = w·x + b."),
        (lambda x, w, b, g: np.dot(w, g(x)) + b,
         "you applied g to the inputs x before the sum; g comes last, applied once to z = w·x + b."),
    ],
)


# ---- p2: predict which way the curve moves when b grows ----

p2 = ChoiceExercise(
    "Prediction 2 (the bias moves the curve)", "a",
    options={"a": "to the left", "b": "to the right", "c": "up", "d": "it gets steeper"},
    feedback={"b": "Find the x where the neuron is exactly halfway, σ = 0.5: that is where w·x + b = 0. "
                   "Does that x grow or shrink when b grows (with w = 1)?",
              "c": "every output does rise, but the curve keeps its shape and its limits 0 and 1: it is not lifted. "
                   "Find the x where w·x + b = 0 (the halfway point) and follow it.",
              "d": "The steepness comes from how fast z changes with x; b does not multiply x. "
                   "Find the x where w·x + b = 0 and follow it."},
    hint="The curve crosses 0.5 where z = w·x + b = 0, that is at x = −b / w. Take w = 1 and b = 0, then b = 2.",
    solution='p2_answer = "a"  # the midpoint x = −b / w moves from 0 to −2 when b goes from 0 to 2 (w = 1)',
)


# ---- q2: how large must w be for σ(w·x) to be a step? ----

X_NEAR = 0.1  # the input where the sigmoid must already be "almost 1"
TARGET = 0.99


def smallest_step_weight(x: float = X_NEAR, target: float = TARGET) -> int:
    """The smallest whole w with σ(w·x) > target (x > 0): w > ln(target / (1 − target)) / x."""
    return int(np.floor(np.log(target / (1 - target)) / x)) + 1


def _whole_number(answer, what: str, why: str = "which whole number is the smallest one that works?") -> int:
    """The answer as a whole number, or Wrong saying what is wanted (`why`: the sentence after "not whole")."""
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        raise Wrong(f"expected {what}, got {type(answer).__name__}: {show(answer)}")
    value = float(answer)
    if not np.isfinite(value):
        raise Wrong(f"expected {what}, got {show(answer)}")
    if value != round(value):
        raise Wrong(f"{num(value, 4)} is not a whole number: {why}")
    return int(round(value))


def check_step_weight(answer) -> None:
    """Raise Wrong unless the answer is the smallest whole w with σ(w·0.1) > 0.99.

    An answer between 4 and 5, whole or not (ln 99 ≈ 4.595 itself), is the z the sigmoid needs, not w: that is
    said before the whole-number test, so the learner who stopped at z hears it at once."""
    if isinstance(answer, numbers.Real) and not isinstance(answer, (bool, np.bool_)) and 4 <= float(answer) <= 5:
        value = float(answer)
        text = f"{round(value)}" if value == round(value) else num(value, 4)
        z = value * X_NEAR
        raise Wrong(f"σ({text}·0.1) = σ({num(z)}) = {float(sigmoid(z)):.4f}. A number near {text} is how large z "
                    "must be; but z = w·0.1, so solve for w.")
    if isinstance(answer, numbers.Real) and not isinstance(answer, (bool, np.bool_)) and float(answer) <= 0:
        raise Wrong(f"with w = {num(float(answer), 4)}, z = w·0.1 ≤ 0, so σ(z) ≤ 0.5: the neuron is not even leaning "
                    "towards 1. Check the sign in your algebra.")
    w = _whole_number(answer, "a single whole number w")
    z = w * X_NEAR
    a = float(sigmoid(z))
    if a <= TARGET:
        raise Wrong(f"σ({w}·0.1) = σ({num(z)}) = {a:.4f}, not above 0.99 yet: w is too small.")
    if w > smallest_step_weight():
        raise Wrong(f"σ({w}·0.1) = {a:.4f} is above 0.99, yes, but a smaller w works too: find the smallest.")


q2 = CustomExercise(
    "Exercise 2 (how steep is a step?)", smallest_step_weight(), check_step_weight,
    hint=["First find how large the weighted sum must be for the sigmoid to pass 0.99: undo the sigmoid with the "
          "natural logarithm. Then ask which weight, times the input 0.1, reaches that size, and round up to the "
          "next whole number.",
          "First find how large z must be: solve σ(z) = 0.99 for z (1 + e^(−z) = 1/0.99, so e^(−z) = ...; "
          "take the log). Then z = w·0.1 gives w. You can also let a loop try w = 1, 2, 3, ... with `sigmoid`."],
    solution="z_needed = np.log(0.99 / 0.01)  # σ(z) > 0.99  ⇔  e^(−z) < 0.01/0.99  ⇔  z > ln 99 ≈ 4.6\n"
             "w_needed = int(np.ceil(z_needed / 0.1))  # z = w·0.1 > 4.595  ⇔  w > 45.95, so w = 46",
)


# ---- p3: predict what scaling all weights and the bias does ----

p3 = ChoiceExercise(
    "Prediction 3 (scaling w₁, w₂ and b)", "c",
    options={"a": "the line moves away from the origin", "b": "the line turns",
             "c": "the line stays where it is; the change of colour across it gets sharper",
             "d": "nothing at all changes"},
    feedback={"a": "Write the line's equation with 3w₁, 3w₂ and 3b. Which points satisfy it?",
              "b": "Write the line's equation with 3w₁, 3w₂ and 3b. Which points satisfy it?",
              "d": "With the step activation, right: step(3z) = step(z). The plane shows the sigmoid, though: "
                   "the points with z = 0 stay the same, but what happens to σ(z) at a point near the line?"},
    hint="The line is where w₁x₁ + w₂x₂ + b = 0. Multiply the equation by 3: are the same points on it? "
         "Then look at a point just off the line: what happens to its z?",
    solution='p3_answer = "c"  # 3(w₁x₁ + w₂x₂ + b) = 0 has the same solutions; z is 3× larger everywhere',
)


# ---- q3, q4: weights that make a step neuron compute AND, then OR ----

AND_TABLE = {(0, 0): 0, (0, 1): 0, (1, 0): 0, (1, 1): 1}
OR_TABLE = {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 1}


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


def _exact(v: float, bracket: bool = False) -> str:
    """A number with all the digits it has, as the learner typed it: 1.0, −0.999, 0.001 (never rounded, so the
    arithmetic in the feedback stays true); `bracket` puts a negative one in brackets, as inside a sum."""
    text = np.format_float_positional(float(v) + 0.0, trim="0").replace("-", "−")  # + 0.0: −0.0 is 0.0
    return f"({text})" if bracket and text.startswith("−") else text


def check_gate(answer, table: dict, gate: str) -> None:
    """Raise Wrong unless step(w1·x1 + w2·x2 + b) is gate(x1, x2) on all four inputs, as `table` gives it."""
    # the example of the format solves neither gate
    w1, w2, b = _numbers(answer, 3, "three numbers (w1, w2, b), written like (0.2, -0.4, 1.0)")
    for (x1, x2), target in table.items():
        z = exact_sum(w1 * x1 + w2 * x2 + b)  # without float noise, as the plane widget shows it: 0.1 + 0.2 − 0.3 is 0
        out = int(step(z))
        if out != target:
            sign = "> 0" if z > 0 else "≤ 0"
            raise Wrong(f"for the input (x1, x2) = ({x1}, {x2}): z = {_exact(w1, True)}·{x1} + {_exact(w2, True)}·"
                        f"{x2} + {_exact(b, True)} = {_exact(z)} {sign}, so the neuron outputs {out}, but "
                        f"{gate}({x1}, {x2}) = {target}.")


def check_and(answer) -> None:
    """Raise Wrong unless step(w1·x1 + w2·x2 + b) is AND(x1, x2) on all four inputs."""
    check_gate(answer, AND_TABLE, "AND")


def check_or(answer) -> None:
    """Raise Wrong unless step(w1·x1 + w2·x2 + b) is OR(x1, x2) on all four inputs."""
    check_gate(answer, OR_TABLE, "OR")


q3 = CustomExercise(
    "Exercise 3 (a neuron that computes AND)", (1.0, 1.0, -1.5), check_and,
    hint=["The neuron must fire for one input only, the one where both inputs are 1. Give both inputs the same "
          "positive weight, then pick a negative bias that one weight alone cannot overcome but the two together "
          "can.",
          "The neuron must fire (z > 0) only for (1, 1). Take w1 = w2 = 1: then z = b, 1 + b, 1 + b and 2 + b "
          "for the four inputs. Which bias makes only the last one positive?"],
    solution="and_weights = (1.0, 1.0, -1.5)  # z = x1 + x2 - 1.5 is positive only when both inputs are 1",
)

q4 = CustomExercise(
    "Exercise 4 (a neuron that computes OR)", (1.0, 1.0, -0.5), check_or,
    hint=["OR must stay quiet only when both inputs are 0. Keep your positive weights of AND and make the "
          "bias less negative: one weight alone must now be enough to make the sum positive, while nothing at all "
          "must not.",
          "Take w1 = w2 = 1: then z = b, 1 + b, 1 + b and 2 + b for the four inputs. OR needs the first ≤ 0 and "
          "the other three > 0. Which biases do that?"],
    solution="or_weights = (1.0, 1.0, -0.5)  # z = x1 + x2 - 0.5 is positive as soon as one input is 1",
)


# ---- p4: predict whether one neuron can compute XOR ----

p4 = ChoiceExercise(
    "Prediction 4 (can one neuron compute XOR?)", "c",
    options={"a": "yes: w1 = w2 = 1 with the right bias", "b": "yes, but only with negative weights",
             "c": "no: no weights and bias work",
             "d": "not with the step, but with the sigmoid and a large weight it can"},
    feedback={"a": "With w1 = w2 = 1, z is b, 1 + b, 1 + b, 2 + b. XOR needs the middle two above 0 and the last "
                   "not: can 2 + b be ≤ 0 while 1 + b > 0?",
              "b": "Negative weights make (1, 0) and (0, 1) harder to switch on, but XOR needs them on and (1, 1) "
                   "off. Think of the decision line: which points must it put on each side?",
              "d": "The sigmoid neuron says more than 0.5 exactly where z > 0, on the same side of the same "
                   "straight line as the step neuron. Which points must that line put on each side?"},
    hint="Whatever the weights, the neuron's border is one straight line. XOR would need (0, 1) and (1, 0) on one "
         "side of it and (0, 0) and (1, 1) on the other: draw the four corners of a square and try to draw that "
         "line.",
    solution='p4_answer = "c"  # no straight line has (0, 1), (1, 0) on one side and (0, 0), (1, 1) on the other',
)


# ---- q5: a layer of neurons ----

def layer(x, W, b, g):
    """A layer's outputs a_i = g(W[i]·x + b[i]), one per neuron (row of W): shape (d_out,)."""
    return g(W @ x + b)


def _layer_cases() -> list[dict]:
    """x (d_in,), W (d_out, d_in), b (d_out,), g; the first W is square so that W.T fits too (and is caught)."""
    cases = []
    for (d_out, d_in), g in [((3, 3), sigmoid), ((4, 3), tanh), ((2, 5), tanh), ((1, 2), relu)]:
        cases.append({"x": np.round(_rng.normal(size=d_in), 2), "W": np.round(_rng.normal(size=(d_out, d_in)), 2),
                      "b": np.round(_rng.normal(size=d_out), 2), "g": g})
    return cases


class _LayerExercise(FunctionExercise):
    """Exercise 5 asks for a NumPy array: a plain list of outputs is right in value but prints as np.float64(...)."""

    def _check(self, answer) -> None:
        try:
            super()._check(answer)
        except Wrong as err:
            if "your function raised" not in str(err):
                raise
            raise Wrong(f"{err}{self._crash_advice(answer)}") from None
        case = self.cases[0]
        got = call_learner(answer, list(case.values()), "the first case")
        if not isinstance(got, np.ndarray):
            raise Wrong(f"the values are right, but your function returns a {type(got).__name__}: return a NumPy "
                        "array, one entry per neuron (np.array(...) turns a list into one)")

    def _crash_advice(self, answer) -> str:
        """What NumPy's words mean for a layer: a whole vector b put into one a[i], or an output array of len(x)."""
        for case in self.cases:
            x, b = case["x"], case["b"]
            try:
                answer(*[v.copy() if isinstance(v, np.ndarray) else v for v in case.values()])
            except ValueError as err:
                if "setting an array element with a sequence" not in str(err):
                    return ""
                return ("\n  In a layer this means one a[i] got several numbers instead of one: does neuron i add "
                        "the whole vector b, not its own b[i]?")
            except IndexError as err:
                if f"with size {len(x)}" not in str(err) or len(x) == len(b):
                    return ""
                return (f"\n  If that array is your output: it has len(x) = {len(x)} entries, but a layer has one "
                        f"entry per neuron, len(b) = {len(b)}.")
            except Exception:  # noqa: BLE001 - another crash, or a tripwire: the message above says it all
                return ""
        return ""


q5 = _LayerExercise(
    "Exercise 5 (a layer of neurons)", layer, _layer_cases(),
    hint=["A layer is several neurons side by side, all reading the same input. Neuron number i uses row i of the "
          "weight matrix and entry i of the biases: work out each neuron as in Exercise 1, and collect the outputs "
          "in an array, one entry per neuron.",
          "A layer is neurons side by side: neuron i uses row i of W, `W[i]`, and its own bias `b[i]`. "
          "Loop over i = 0 ... d_out − 1, compute each neuron's output as in Exercise 1, and collect them in an "
          "array."],
    forbid=("helpers.forward", "helpers.nn", "torch.nn", "torch.nn.functional"),
    solution="def layer(x, W, b, g):\n"
             "    a = np.zeros(len(b))                  # one output per neuron\n"
             "    for i in range(len(b)):\n"
             "        a[i] = g(np.dot(W[i], x) + b[i])  # neuron i: row i of W, bias b[i]\n"
             "    return a",
    mistakes=[
        (lambda x, W, b, g: g(W.T @ x + b),
         "you used the columns of W; row i, W[i], holds neuron i's weights (W[i, j] connects input j to neuron i)."),
        (lambda x, W, b, g: g(W @ x), "the biases are missing: neuron i adds its own b[i]."),
        (lambda x, W, b, g: sigmoid(W @ x + b), "you used the sigmoid; use the activation `g` that is passed in."),
        (lambda x, W, b, g: g(W @ x) + b,
         "you added the biases after the activation; b[i] is part of neuron i's weighted sum z_i, so it goes in "
         "before g acts on z_i."),
        (lambda x, W, b, g: g(W @ x + b[0]), "every neuron has its own bias: neuron i adds b[i], not b[0]."),
        (lambda x, W, b, g: W @ x + b, "you returned the weighted sums z; the layer's outputs are g(z)."),
        (lambda x, W, b, g: g(np.dot(W[0], x) + b[0]),
         "you returned one neuron's output; the layer returns all of them, one per row of W."),
        (lambda x, W, b, g: np.array([g(np.dot(W[i], x) + b) for i in range(len(b))]),
         "neuron i adds only its own bias b[i], not the whole vector b."),
        (lambda x, W, b, g: np.array([g(np.dot(W[i], x) + b[i]) for i in range(len(x))]),
         "you made one output per input (len(x)); a layer has one output per neuron: len(b), the number of rows "
         "of W."),
    ],
)


# ---- q6: counting the parameters of a small network ----

def count_parameters(layer_sizes) -> int:
    """Weights plus biases of a fully connected network with these layer sizes, e.g. [3, 4, 2] -> 26."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=False))


def check_count(answer) -> None:
    """Raise Wrong unless the answer is 26 (3 inputs, 4 hidden neurons, 2 outputs)."""
    n = _whole_number(answer, "a single whole number", "a count of weights and biases is a whole number.")
    weights = 3 * 4 + 4 * 2
    if n == count_parameters([3, 4, 2]):
        return
    if n == weights:
        raise Wrong(f"{n} counts the weights only: every neuron of the hidden and output layers "
                    "also has one bias.")
    if n == 3 + 4 + 2:
        raise Wrong(f"{n} counts the circles (3 inputs and 6 neurons); count the numbers each neuron holds: one "
                    "weight per input, plus a bias.")
    if n == 4 + 2:
        raise Wrong(f"{n} counts neurons; count the numbers a neuron holds: one weight per input, plus a bias.")
    if n == 3 * 4 * 2:
        raise Wrong(f"{n} can be read two ways. If it is 3·4·2, it multiplies the layer sizes; a weight joins a "
                    "neuron to one input of the layer before, so count layer by layer and add: weights and a bias "
                    "per neuron. If it is the 20 weights plus the 4 hidden biases: the 2 output neurons have a bias "
                    "each too.")
    if n == weights + 2:
        raise Wrong(f"{n} gives only the output layer its biases: the hidden neurons have one each too.")
    if n == weights + 3 + 4 + 2:
        raise Wrong(f"{n} gives the inputs a bias too; the input layer holds no neurons, only the data.")
    raise Wrong(f"{n} is not it. Count layer by layer: each hidden neuron has 3 weights and a bias; "
                "each output neuron has one weight per hidden neuron and a bias.")


q6 = CustomExercise(
    "Exercise 6 (counting parameters)", count_parameters([3, 4, 2]), check_count,
    hint=["Count layer by layer. Every neuron after the input layer holds one weight per input it reads, plus one "
          "bias; the inputs themselves are data, not neurons, and hold nothing.",
          "A neuron with k inputs holds k weights and 1 bias. The hidden layer has 4 neurons with 3 inputs each; "
          "the output layer has 2 neurons whose inputs are the 4 hidden outputs."],
    solution="n_parameters = (3 * 4 + 4) + (4 * 2 + 2)  # hidden layer: 16, output layer: 10 -> 26",
)
