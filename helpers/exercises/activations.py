"""Exercises for notebook 02 (activation functions): two linear layers merged into one, a sigmoid that never
overflows, tanh′ derived from the sigmoid, ReLU, the ceiling on a gradient through ten sigmoids, a stable softmax
for a batch; three predictions."""

from __future__ import annotations

import ast
import functools
import importlib.util
import inspect
import io
import math
import re
import textwrap
import tokenize
import warnings

import numpy as np

from helpers.activations import sigmoid, sigmoid_grad
from helpers.exercises.core import ChoiceExercise, FunctionExercise, ValueExercise, Wrong, _is_placeholder, show
from helpers.exercises.tripwires import AUTOGRAD, Tripped, tripwires

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


AMBIGUOUS = ("your function asked Python one yes/no question about a whole array: `max(0, z)`, `if z > 0:`, "
             "`and` and `or` each need a single True or False. But `z > 0` on an array is one True/False per "
             "element, and Python cannot turn many into one (NumPy's words for it: \"the truth value of an array "
             "with more than one element is ambiguous\"). Work on all the elements at once with NumPy's "
             "element-by-element functions and comparisons instead. ")


ROWS = ("your function loops over the array, and a `for` loop over a 2-D array gives its rows, not its numbers: "
        "each item is a whole row. So `max(0, row)` or `if row > 0:` asks Python one yes/no question about a whole "
        "row, and a row of many elements has no single True or False (NumPy's words for it: \"the truth value of an "
        "array with more than one element is ambiguous\"). Drop the loop and work on all the elements at once with "
        "NumPy's element-by-element functions: they keep the shape, and return an array, not a list. ")
_LOOP = re.compile(r"\bfor\b")


NP_MAX_TWO = ("`np.max(a, axis)` takes one array, and its second argument is an axis (the direction to reduce "
              "along), not a second thing to compare with. The element-by-element maximum of two things is "
              "another NumPy function. ")

# The references below are the checker's own answers. While a learner's function runs, calling one of them
# (`q2.reference(z)`, `helpers.exercises.activations.relu(z)`) is refused: the learner writes the function.
_LEARNER_RUNNING: list = []  # the exercises whose learner's function is running now
_REFERENCES: set[int] = set()  # id() of each reference: handed in as the answer itself (tests do), it runs


def _reference(fn):
    """Mark `fn` as an exercise's reference: the checker calls it; a learner's function that calls it is refused."""
    @functools.wraps(fn)
    def reference(*args):
        if _LEARNER_RUNNING:
            raise Wrong(f"your function calls {fn.__name__} from helpers.exercises.activations, the checker's own "
                        "answer to an exercise: that is the very computation this exercise asks you to write "
                        f"yourself. Do it by hand: {_LEARNER_RUNNING[-1].hints[0]}")
        return fn(*args)
    _REFERENCES.add(id(reference))
    return reference


class ArrayFunctionExercise(FunctionExercise):
    """A FunctionExercise on arrays: Python's `if`/`max` on a whole array gets a course message, not NumPy's error;
    the exercise module's references refuse to run inside the learner's function; a passing answer that changed
    its input array in place is told so.

    `ambiguous` is what to add for this exercise after the general explanation (AMBIGUOUS), `ambiguous_loop`
    what to add after ROWS (a `for` loop over a 2-D array, which gives rows); `quiet` silences
    NumPy's warnings while the learner's function runs (the feedback names the slip instead); `maximum` is what
    to add after NP_MAX_TWO (`np.max(0, z)`): where to find the element-by-element maximum."""

    def __init__(self, *args, ambiguous: str = "", ambiguous_loop: str = "", maximum: str = "", quiet: bool = False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.ambiguous, self.ambiguous_loop, self.maximum, self.quiet = ambiguous, ambiguous_loop, maximum, quiet

    def guarded(self, fn):
        """The learner's function behind its tripwires, with Python's truth-value error on an array explained."""
        run = self._tripwired(fn)
        own = id(fn) in _REFERENCES  # the reference handed in as the answer: it may run

        @functools.wraps(fn)
        def explained(*args):
            if not own:
                _LEARNER_RUNNING.append(self)
            try:
                with warnings.catch_warnings():
                    if self.quiet:
                        warnings.simplefilter("ignore", RuntimeWarning)
                    return run(*args)
            except ValueError as err:
                if "truth value of an array" not in str(err):
                    raise
                if _LOOP.search(_source(fn)) and any(np.ndim(a) >= 2 for a in args):  # a loop met a 2-D array
                    raise Wrong(ROWS + self.ambiguous_loop + _called_with(self, args)) from None
                raise Wrong(AMBIGUOUS + self.ambiguous + _called_with(self, args)) from None
            except TypeError as err:
                source = _source(fn)  # '' where Python has none: then the error alone says it
                if "scalar index" not in str(err) or (source and not _NP_MAX.search(source)):
                    raise
                raise Wrong(NP_MAX_TWO + self.maximum + _called_with(self, args)) from None
            finally:
                if not own:
                    _LEARNER_RUNNING.pop()
        return explained

    def _tripwired(self, fn):
        """`fn` behind the tripwires of everything it may not call (FunctionExercise's refusal)."""
        return super().guarded(fn)

    def check(self, answer):
        """As FunctionExercise.check; a passing answer that changed the array it was given is told so."""
        verdict = super().check(answer)
        if verdict and callable(answer):
            changed = _changes_its_input(self.guarded(answer), self.cases[0])
            if changed:
                print(f"  Note: your function changes the array you give it: after the call, {changed} no longer "
                      "holds what it held before (an in-place change, such as assigning to z[...] or using -=). "
                      "The check worked on a copy, but a caller who still needs the input (notebook 07 reuses z "
                      "after ReLU) would get the changed one. Build a new array instead.")
        return verdict


_NP_MAX = re.compile(r"\b(np|numpy)\.(max|amax)\s*\(")


def _changes_its_input(run, case: dict) -> str:
    """The names of the array arguments that `run` changed in place (on a copy of `case`), or ''."""
    given = {name: np.array(value, copy=True) for name, value in case.items()}
    kept = {name: value.copy() for name, value in given.items()}
    try:
        with np.errstate(all="ignore"):
            run(*given.values())
    except Exception:  # noqa: BLE001 - it passed the check; a crash here says nothing about in-place changes
        return ""
    return " and ".join(name for name in given if not np.array_equal(given[name], kept[name], equal_nan=True))


def _called_with(q, args) -> str:
    """"when called with z=..." for the learner's arguments, in the order of the reference's parameters."""
    params = inspect.signature(q.reference).parameters
    return "\n  when called with " + ", ".join(f"{name}={show(a)}" for name, a in zip(params, args, strict=False))


# ---- q1: two linear layers are one ----

@_reference
def merge_layers(W1, b1, W2, b2):
    """W and b of the one layer that computes W2 (W1 x + b1) + b2 for every x."""
    W = W2 @ W1       # (d_out, d_in): first W1, then W2
    b = W2 @ b1 + b2  # the first bias goes through W2 too
    return W, b


def _layer_case(d_in, d_hidden, d_out):
    return {"W1": np.round(_rng.normal(size=(d_hidden, d_in)), 1), "b1": np.round(_rng.normal(size=d_hidden), 1),
            "W2": np.round(_rng.normal(size=(d_out, d_hidden)), 1), "b2": np.round(_rng.normal(size=d_out), 1)}


_ORDER = "the product is in the wrong order: W1 acts on x first, so it stands next to x (on the right)."
_STAR = "`*` multiplies entry by entry. A layer applies its weights with the matrix product `@`."
_TRANSPOSED = ("your W is the transpose of the right one: W must have shape (d_out, d_in), rows = neurons, like W1 "
               "and W2.")
# q1's slips one output at a time: two slips together (W1 @ W2 and b1 + b2) are each named
_W_SLIPS = [(lambda W1, b1, W2, b2: W1 @ W2, _ORDER), (lambda W1, b1, W2, b2: W2 * W1, _STAR),
            (lambda W1, b1, W2, b2: (W2 @ W1).T, _TRANSPOSED)]  # also W1.T @ W2.T, the same matrix
_B_SLIPS = [(lambda W1, b1, W2, b2: W2 * b1 + b2, _STAR),
            (lambda W1, b1, W2, b2: b1 + b2, "the first bias b1 also passes through the second layer's weights W2 "
                                             "before b2 is added."),
            (lambda W1, b1, W2, b2: b2, "it lost the first layer's bias: where does b1 end up after the second "
                                        "layer?"),
            (lambda W1, b1, W2, b2: W2 @ b1, "the second layer's own bias b2 is missing."),
            (lambda W1, b1, W2, b2: b1 @ W2 + b2, "`b1 @ W2` puts the vector on the left, which multiplies it by "
                                                  "W2's transpose: the matrix stands on the left."),
            (lambda W1, b1, W2, b2: W1 @ b1 + b2, "b1 is added after the first layer, so it passes through W2, "
                                                  "not through W1."),
            (lambda W1, b1, W2, b2: W2 @ (b1 + b2), "b2 is added after the second layer, so it does not pass "
                                                    "through W2; only b1 does.")]


class MergeLayersExercise(ArrayFunctionExercise):
    """q1: where W and b are both wrong, and no slip of the pair explains them together, each output is matched
    with its own slips, and each slip found is named."""

    def _check(self, answer) -> None:
        try:
            super()._check(answer)
        except Wrong as wrong:
            told = _each_output(answer, self) if str(wrong).startswith(("W is not right", "b is not right")) else ""
            if told:
                raise Wrong(told) from None
            raise


def _each_output(answer, q) -> str:
    """The slip of W and the slip of b, each named, for the first case the answer gets wrong ('' where neither
    output is a known slip)."""
    for case in q.cases:
        try:
            with np.errstate(all="ignore"):
                W, b = answer(*[np.array(v, copy=True) for v in case.values()])
        except Exception:  # noqa: BLE001 - a crash or a wrong number of outputs was reported already
            return ""
        said, known = [], False
        for name, got, want, slips in (("W", W, q.reference(*case.values())[0], _W_SLIPS),
                                       ("b", b, q.reference(*case.values())[1], _B_SLIPS)):
            if _close(got, want):
                said.append(f"{name} is right.")
                continue
            slip = next((message for slip, message in slips if _close(got, _quiet(slip)(*case.values()))), None)
            known = known or slip is not None
            said.append(f"{name}: {slip}" if slip else f"{name} is not right either: multiply out the brackets "
                                                        "again.")
        if len(said) == 2 and said == ["W is right.", "b is right."]:
            continue
        return "output by output:\n  " + "\n  ".join(said) + _called_with(q, case.values()) if known else ""
    return ""


def _close(got, want) -> bool:
    """True if `got` has `want`'s shape and values (to the checker's tolerance)."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == np.shape(want) and bool(np.allclose(got, want, rtol=1e-5, atol=1e-6))


q1 = MergeLayersExercise(
    "Exercise 1 (two linear layers are one)", merge_layers,
    [_layer_case(2, 2, 2), _layer_case(2, 3, 2), _layer_case(3, 4, 3)],  # d_in = d_out, so W1 @ W2 can run too
    names=("W", "b"),
    hint=["Multiply out the brackets. Whatever ends up multiplying the input is the merged weight matrix; whatever "
          "is left over is the merged bias. Matrix products do not commute: the first layer acts first, so it stands "
          "next to the input.",
          "Expand the brackets: W2 (W1 x + b1) + b2 = (something) x + (something else). Whatever multiplies x is W, "
          "the rest is b. With matrices the order of a product matters: W1 acts on x first.",
          "After expanding, what multiplies x is the second layer's W2 times the first layer's W1, in that order "
          "(NumPy's @): that is W. For b, collect every term without an x: write out what the second layer does "
          "to b1, then what it adds."],
    solution='''def merge_layers(W1, b1, W2, b2):
    W = W2 @ W1       # (d_out, d_in): first W1, then W2
    b = W2 @ b1 + b2  # the first bias goes through W2 too
    return W, b''',
    mistakes=[
        (_quiet(lambda W1, b1, W2, b2: (W1 @ W2, W2 @ b1 + b2)), "W is " + _ORDER),
        (_quiet(lambda W1, b1, W2, b2: (W2 * W1, W2 * b1 + b2)), _STAR),
        (_quiet(lambda W1, b1, W2, b2: ((W2 @ W1).T, W2 @ b1 + b2)), "b is right, but " + _TRANSPOSED),
        (_quiet(lambda W1, b1, W2, b2: (W2 @ W1, b1 + b2)),
         "W is right. For b: the first bias b1 also passes through the second layer's weights before b2 is added."),
        (_quiet(lambda W1, b1, W2, b2: (W2 @ W1, b2)),
         "W is right, but b lost the first layer's bias: where does b1 end up after the second layer?"),
        (_quiet(lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1)),
         "W is right, and b1 is carried through W2 correctly, but the second layer's own bias b2 is missing."),
        (_quiet(lambda W1, b1, W2, b2: (W2 @ W1, b1 @ W2 + b2)),
         "W is right. For b: `b1 @ W2` puts the vector on the left, which multiplies it by W2's transpose. "
         "A layer computes W2 @ (its input): the matrix stands on the left."),
        (_quiet(lambda W1, b1, W2, b2: (W2 @ W1, W1 @ b1 + b2)),
         "W is right. For b: b1 is added after the first layer, so it passes through the second layer's weights "
         "W2, not through W1."),
        (_quiet(lambda W1, b1, W2, b2: (W2 @ W1, W2 @ (b1 + b2))),
         "W is right. For b: b2 is added after the second layer, so it does not pass through W2; only b1 does."),
    ],
)


# ---- p1: what NumPy makes of e^1000 ----

p1 = ChoiceExercise(
    "Prediction 1 (σ(−1000), computed as written)", "a",
    options={"a": "0.0, with a warning that exp overflowed", "b": "nan", "c": "an error that stops the program",
             "d": "a tiny positive number, about 10⁻⁴³⁴"},
    feedback={"b": "nan comes from inf / inf or inf − inf. Here the inf stands alone in a denominator: what is "
                   "1 / (1 + inf)?",
              "c": "Python's own math.exp(1000) does stop with an OverflowError. NumPy does not stop: it gives "
                   "inf, warns, and goes on computing with it.",
              "d": "That is the exact answer, but no float64 is that small: the smallest positive one is about "
                   "5 × 10⁻³²⁴. Even if exp did not overflow, the exact 10⁻⁴³⁴ would be rounded to the nearest "
                   "float64, which is 0.0. And before that, what is e¹⁰⁰⁰ in float64?"},
    hint="e¹⁰⁰⁰ is far above the largest float64 (about 1.8 × 10³⁰⁸). NumPy's answer to a number too large to "
         "store is inf, with a warning. Then follow inf through 1 / (1 + inf).",
    solution='p1_answer = "a"  # np.exp(1000) overflows to inf (a RuntimeWarning), and 1 / (1 + inf) = 0.0',
)


# ---- q2: a sigmoid that never overflows ----

@_reference
def stable_sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)) that never takes exp of a positive number: e^(−|z|) is always in (0, 1]."""
    e = np.exp(-np.abs(z))                               # never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))    # e / (1 + e) is e^z / (1 + e^z) for z < 0


_STABLE_SIGMOID = stable_sigmoid.__wrapped__  # for the slips: the tests hand them in as answers, and the reference
# itself refuses to run inside an answer
_SILENCED = re.compile(r"errstate|seterr|catch_warnings|filterwarnings|simplefilter")
_LONG_FLOAT = re.compile(r"float128|float96|longdouble|longfloat|\bclongdouble")
_TORCH = re.compile(r"\btorch\s*\.")  # torch.exp(…), torch.tensor(z): a tensor overflows to inf without a warning
_OVERFLOW_HINT = ("Never take exp of a large positive number: on each side of 0, use a form of σ whose exp only "
                  "ever sees a number ≤ 0.")


class StableSigmoidExercise(ArrayFunctionExercise):
    """The learner's sigmoid runs with NumPy's overflow and invalid-value warnings turned into errors: any overflow
    fails, with a message that says which naive form it came from (1/(1+e^−z), e^z/(1+e^z), or np.where of both)."""

    def guarded(self, fn):
        """The learner's function, refused if it silences warnings, and run so that every overflow is caught."""
        run = super().guarded(fn)

        @functools.wraps(fn)
        def strict(*args):
            if _SILENCED.search(_source(fn)):
                raise Wrong("your function silences NumPy's warnings. The overflow still happens, you just stop "
                            "being told: an inf is made, and in a longer computation it can turn into nan. "
                            + _OVERFLOW_HINT)
            if _LONG_FLOAT.search(_source(fn)):
                raise Wrong("your function computes in a longer float (np.float128, NumPy's long double). That "
                            "only moves the overflow further out: its largest value is about 10⁴⁹³², so e^12000 "
                            "overflows it too. And on Windows (and on some processors) long double is just "
                            "float64, so the same code overflows at z = −710 there. " + _OVERFLOW_HINT)
            try:
                with np.errstate(over="raise", invalid="raise"):
                    result = run(*args)
            except FloatingPointError as err:
                raise Wrong(_overflow_feedback(run, err, _source(fn)) + _called_with(self, args)) from None
            if _TORCH.search(_source(fn)):  # after the run: a forbidden torch.sigmoid is named by its tripwire
                raise Wrong("your function computes with PyTorch; this exercise is NumPy only. PyTorch's exp "
                            "overflows to inf without any warning, so the check could not see an overflow: the "
                            "naive form then looks right, by luck (1 / (1 + inf) = 0). Work on the NumPy array "
                            "itself. " + _OVERFLOW_HINT)
            return result
        return strict

    def check(self, answer):
        """As FunctionExercise.check; a passing answer that clips z is told what clipping costs."""
        verdict = super().check(answer)
        if verdict and callable(answer) and "clip" in _source(answer):
            print("  Clipping z works here: past ±30, σ is within 10⁻¹³ of 0 or 1 (the checker's tolerance is "
                  "10⁻¹²). But a clipped σ is a different function beyond the cut-off; the form with e^(−|z|) is "
                  "right everywhere with no cut-off to choose.")
        if verdict and callable(answer):
            got = _value_at(self.guarded(answer), -30.0)
            want = _STABLE_SIGMOID(np.array([-30.0]))[0]
            if got is not None and abs(got - want) > 1e-6 * want:
                print(f"  Note: your σ(−30) is {got:.4g}, the true value {want:.4g}. The check compares to 10⁻¹² "
                      "absolute, and both are that close to 0, but yours has lost its own digits: for negative z "
                      "it subtracts two numbers that are almost equal (1 − σ(|z|), or 1 + tanh), and the "
                      "difference keeps only the rounding error of the larger one; below about z = −37 it is 0. "
                      "e / (1 + e), with e = e^(−|z|), keeps the tiny values exact.")
        return verdict


def _value_at(run, z: float) -> float | None:
    """`run` (a learner's guarded function) at the single point z, or None if it crashes there."""
    try:
        with np.errstate(all="ignore"):
            return float(np.asarray(run(np.array([z])), dtype=float).ravel()[0])
    except Exception:  # noqa: BLE001 - it passed the check; a crash here says nothing about precision
        return None


def _source(fn) -> str:
    """The code of a learner's function, without its comments and docstrings (a comment such as "# no np.errstate
    needed" is no call), or '' where Python has none (a builtin, a lambda typed at a prompt). String arguments
    stay: `z.astype("float128")` is code."""
    try:
        text = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return ""
    try:  # a whole def: the AST drops the comments; a string standing alone as a statement is a docstring
        tree = ast.parse(text)
    except SyntaxError:  # a lambda's source is its whole line, which may be a fragment: drop the comments only
        return _without_comments(text)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            kept = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                            and isinstance(s.value.value, str))]
            node.body = kept or [ast.Pass()]
    return ast.unparse(tree)


def _without_comments(text: str) -> str:
    """`text` without its # comments; a fragment (an unclosed bracket) loses those found before Python gives up."""
    lines = text.splitlines(keepends=True)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                row, col = tok.start
                lines[row - 1] = lines[row - 1][:col] + "\n"
    except (tokenize.TokenError, SyntaxError):  # the rest of a fragment: its comments stay
        pass
    return "".join(lines)


def _overflow_feedback(run, err: FloatingPointError, source: str = "") -> str:
    """Which naive form overflowed, told apart by where it overflows (z = −1000, +1000), what it returns and
    whether its source uses np.where (which computes both of its arrays for every z)."""
    overflows = []
    for z in (-1000.0, 1000.0):
        try:
            with np.errstate(over="raise", invalid="raise"):
                run(np.array([z]))
        except FloatingPointError:
            overflows.append(z)
        except Exception:  # noqa: BLE001, S112 - the learner's function crashed on this probe: no diagnosis from it
            continue
    z = np.array([-1000.0, 1000.0])
    with np.errstate(all="ignore"):
        try:
            values = np.asarray(run(z.copy()), dtype=float)
            right = values.shape == z.shape and bool(np.allclose(values, stable_sigmoid(z), atol=1e-12))
        except Exception:  # noqa: BLE001
            right = False
    # right values with one overflow at +1000: only a form computed and thrown away (np.where) does that;
    # at −1000 the naive 1 / (1 + e^(−z)) does it too, so there the source must show np.where
    if right and (overflows == [1000.0] or (overflows == [-1000.0] and re.search(r"\bwhere\b", source))):
        side, used, form = (("+1000", "z < 0", "e^z") if overflows == [1000.0] else ("−1000", "z ≥ 0", "e^(−z)"))
        return (f"your values are right, and your np.where picks a safe form on each side. But "
                "np.where(condition, A, B) computes all of A and all of B, for every z, before it chooses. "
                f"The array you use for {used} still takes {form}, and at z = {side} that is e¹⁰⁰⁰: it "
                "overflows (NumPy's warning), even though np.where then throws that element away. Make that "
                "array safe for every z too: its exp should only ever see a number ≤ 0.")
    if overflows == [-1000.0] and right:
        return ("at z = −1000 your function computes e¹⁰⁰⁰, which overflows to inf (NumPy warns: overflow "
                "encountered in exp). The value you return is right, since 1 / (1 + inf) = 0, but only by luck: "
                "the same function written as e^z / (1 + e^z) gives inf / inf = nan at z = +1000. "
                "For negative z, use a form whose exp only sees a number ≤ 0.")
    if overflows == [1000.0]:
        return ("at z = +1000 your function computes e¹⁰⁰⁰, which overflows to inf, and then inf / inf = nan. "
                "For positive z, use a form whose exp only sees a number ≤ 0.")
    if overflows == [-1000.0, 1000.0] and right:
        return ("your values are right: np.where picks, element by element, a form that is safe there. But "
                "np.where(condition, A, B) computes all of A and all of B first, then chooses; so each form also "
                "ran where it is not safe, and overflowed (that is NumPy's warning). Make both arrays safe for "
                "every z, not only where they are chosen: each should only ever take exp of a number ≤ 0.")
    if "overflow" in str(err):
        return (f"your function stopped on NumPy's \"{err}\": somewhere it takes exp of a number above about "
                "709, and e⁷¹⁰ is already larger than the largest float64 (about 1.8 × 10³⁰⁸). " + _OVERFLOW_HINT)
    return (f"your function made a nan (NumPy: \"{err}\"), from something like 0 / 0 or inf / inf. "
            "σ is always between 0 and 1: every step of a safe form stays finite.")


def _clipped(c):
    """σ of z clipped to [−c, c]: a slip when the cut-off is so close that σ(±c) is visibly not 0 or 1."""
    return lambda z: _STABLE_SIGMOID(np.clip(z, -c, c))


_SCIPY = ("scipy.special.expit", "scipy.special.log_expit") if importlib.util.find_spec("scipy") else ()

q2 = StableSigmoidExercise(
    "Exercise 2 (a sigmoid that never overflows)", stable_sigmoid,
    [{"z": np.array([-1.0, 0.0, 1.0])},
     {"z": np.array([-1000.0, 1000.0])},
     {"z": np.array([-1e4, -30.0, 30.0, 1e4])},
     {"z": np.array([[-1000.0, -2.5, 0.0], [0.5, 700.0, 1000.0]])}],  # 2-D, both signs: keep the shape
    atol=1e-12, rtol=1e-9,
    hint=["The two forms of σ are the same function, and each overflows on one side of zero only: find which "
          "side for each. Then use each form only where it is safe, and make sure the unsafe one is never even "
          "computed there, not just thrown away afterwards.",
          "For z ≥ 0, 1 / (1 + e^(−z)) only takes exp of a number ≤ 0; for z < 0, e^z / (1 + e^z) does. On both "
          "sides that exp is e^(−|z|), always between 0 and 1: compute it once, for every z, with NumPy's exp "
          "and abs.",
          "Call the number e^(−|z|) e. Where z ≥ 0, e is e^(−z), so the first form becomes a formula in e alone; "
          "where z < 0, e is e^z, and the second form becomes one too. `np.where(condition, A, B)` takes A's "
          "element where the condition holds, B's elsewhere; it computes all of A and B first, which is safe "
          "when both are written with e only."],
    forbid=("helpers.activations", "helpers.nn", "helpers.losses", "torch.sigmoid", "torch.Tensor.sigmoid",
            "torch.special", "torch.nn.functional", *_SCIPY, *AUTOGRAD),
    ambiguous="`np.where(condition, A, B)` chooses between two arrays element by element.",
    solution='''def my_sigmoid(z):
    e = np.exp(-np.abs(z))                             # e^(−|z|): always in (0, 1], never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))  # z ≥ 0: 1/(1 + e^−z);  z < 0: e^z/(1 + e^z)''',
    mistakes=[
        (lambda z: np.where(z >= 0, np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))), 1 / (1 + np.exp(-np.abs(z)))),
         "Your values are σ(−z) = 1 − σ(z), the mirror image: a sign is flipped somewhere, or the two forms are "
         "swapped. σ grows with z: σ(1) is above 0.5, σ(−1) below."),
        (lambda z: np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))),
         "Right for z ≤ 0 only: for positive z your values are σ(−z) = 1 − σ(z), below 0.5. The form "
         "e^z / (1 + e^z) is for the negative side; for positive z you need the other one."),
        (lambda z: 1 / (1 + np.exp(-np.abs(z))),
         "Right for z ≥ 0 only: for negative z your values are σ(−z) = 1 − σ(z), above 0.5. The form "
         "1 / (1 + e^(−z)) is for the positive side; for negative z you need the other one."),
        *[(_clipped(c),
           "You clipped z too close to 0: at the cut-off σ is still visibly not 0 or 1 (σ(−10) ≈ 4.5 × 10⁻⁵). "
           "A cut-off near ±30 or beyond would do, but better: a form that needs no cut-off at all.")
          for c in (5, 10, 15, 20, 25)],
    ],  # the slips never overflow: no _quiet, whose np.errstate would read as silencing warnings
)


# ---- p2: how steep is tanh at 0? ----

p2 = ChoiceExercise(
    "Prediction 2 (tanh's slope at 0)", "c",
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
    solution='p2_answer = "c"  # tanh′(0) = 2 · 2 · σ′(0) = 4 · 0.25 = 1',
)


# ---- q3: tanh′ derived from tanh(z) = 2σ(2z) − 1 ----

class DerivedFormulaExercise(ArrayFunctionExercise):
    """A derivative to derive as a formula: checked to 10⁻¹², and an answer close to it (a difference quotient
    such as (f(z + h) − f(z)) / h) is told that it approximated the slope instead of deriving it."""

    def _check(self, answer) -> None:
        try:
            super()._check(answer)
        except Wrong:
            gap = _largest_gap(answer, self)
            if gap is not None and gap < 1e-4:
                raise Wrong(f"your values are close to the right ones, but off by up to {gap:.0e}: that is a "
                            "numerical approximation of the slope (a difference quotient like the one of section "
                            "2), not the formula. Derive the formula with the chain rule: it is exact.") from None
            raise


def _largest_gap(answer, q) -> float | None:
    """The largest distance between the answer's values and the reference's over q's cases (None if it crashes)."""
    gap = 0.0
    for case in q.cases:
        try:
            with np.errstate(all="ignore"):
                got = np.asarray(answer(*[np.array(v, copy=True) for v in case.values()]), dtype=float)
                want = q.reference(*[np.array(v, copy=True) for v in case.values()])
        except Exception:  # noqa: BLE001 - a crash was reported already; no diagnosis from it
            return None
        if got.shape != np.shape(want) or not np.all(np.isfinite(got)):  # a nan is no approximation
            return None
        gap = max(gap, float(np.max(np.abs(got - want))))
    return gap


_EXP = re.compile(r"\b(exp|expm1|exp2)\s*\(|\b(np|numpy|math)\.e\b")  # e^z computed by hand


class FromSigmoidExercise(DerivedFormulaExercise):
    """tanh′ from σ and σ′ only, as the prompt says: a function that calls tanh (cosh, sinh) is refused with the
    prompt's rule, and one that computes exp itself (tanh or σ rebuilt by hand) is told that it broke the rule,
    and that its exp overflows for large |z| (the cases go to ±1000)."""

    def _tripwired(self, fn):
        forbid = self._own()

        @functools.wraps(fn)
        def run(*args):
            if _EXP.search(_source(fn)):
                raise Wrong("your function computes exp itself: it rebuilds tanh (or σ) from e^z by hand. The "
                            "prompt asks for tanh′ from `sigmoid` and `sigmoid_grad` only, and these stay finite "
                            "where e^z overflows: at z = 1000, e^2000 is inf and (inf − 1) / (inf + 1) is nan. "
                            "Write it with σ and σ′: " + self.hints[0])
            try:
                with tripwires(fn, forbid):
                    return fn(*args)
            except Tripped as tripped:
                if tripped.what.split(" from ")[0] not in ("tanh", "cosh", "sinh"):
                    why = ", which does the very computation this exercise asks you to write yourself."
                else:  # tanh itself is not tanh′: what rules it out is the prompt
                    why = (". The prompt asks for tanh′ from `sigmoid` and `sigmoid_grad` only: no tanh, cosh or "
                           "sinh (1 − tanh(z)² is the answer looked up, not derived).")
                raise Wrong(f"your function calls {tripped.what}{why} Do it by hand: {self.hints[0]}") from None
        return run


@_reference
def tanh_grad(z):
    """tanh′(z) = 4 σ′(2z), from tanh(z) = 2σ(2z) − 1 and the chain rule; equal to 1 − tanh(z)²."""
    return 4 * sigmoid_grad(2 * z)


q3 = FromSigmoidExercise(
    "Exercise 3 (tanh′ from the sigmoid)", tanh_grad,
    [{"z": np.array([0.0, 1.0])}, {"z": np.linspace(-3, 3, 7)}, {"z": np.array([-20.0, 0.5, 20.0])},
     {"z": np.array([-1000.0, 1000.0])}],  # far out: σ and σ′ stay finite, a tanh rebuilt from exp gives nan
    hint=["Differentiate the formula that writes tanh with the sigmoid, piece by piece: a constant added at the end "
          "has slope zero, a factor in front stays, and the stretched input brings one more factor by the chain "
          "rule. At zero the answer must be exactly one.",
          "Differentiate 2σ(2z) − 1 piece by piece: the constant −1 has slope 0; the factor 2 stays; and by the "
          "chain rule σ(2z) has slope σ′(2z) times the slope of 2z. Check yourself: at z = 0 the answer is 1."],
    # the prompt says "only sigmoid and sigmoid_grad, no tanh": 1 − tanh(z)² is the answer looked up, not derived
    # tanh′ = 1/cosh² (and sinh/cosh) uses no sigmoid either
    forbid=("helpers.activations.tanh_grad", "helpers.activations.tanh", "numpy.tanh", "math.tanh", "torch.tanh",
            "numpy.cosh", "numpy.sinh", "math.cosh", "math.sinh", "torch.cosh", "torch.sinh",
            "torch.nn.functional", "helpers.nn", "helpers.gradcheck", *AUTOGRAD),
    # exact: the answer is a closed form, so a difference quotient (off by 1e-11 at best) is not enough
    atol=1e-12, rtol=0.0,
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
    ],
)


# ---- q4: ReLU ----

@_reference
def relu(z):
    """ReLU(z) = max(0, z), element by element, for an array of any shape."""
    return np.maximum(0, z)


q4 = ArrayFunctionExercise(
    "Exercise 4 (ReLU)", relu,
    [{"z": np.array([-2.0, -0.5, 0.0, 0.5, 3.0])},
     {"z": np.round(_rng.normal(size=(3, 4)), 2)},  # a 2-D array: keep the shape
     {"z": np.array([-1e4, 1e4])}],
    hint=["Compare every entry with zero and keep the larger of the two: negative entries become zero, the others "
          "stay as they are. The result has the same shape as the input.",
          "NumPy has an element-by-element maximum of two arrays, or of an array and a number; it sits next to "
          "`np.max` in the docs. (Python's `max(0, z)` does not work on arrays, and `np.max` returns a single "
          "number.)",
          "That function is `np.maximum`. It takes two arguments and keeps, element by element, the larger of the "
          "two; either one may be a single number, which is then compared with every element of the other."],
    solution='''def my_relu(z):
    return np.maximum(0, z)  # 0 where z < 0, z itself elsewhere, element by element''',
    # all of helpers.activations: relu, leaky_relu, and relu_grad (z * relu_grad(z) is ReLU too)
    forbid=("helpers.activations", "helpers.nn", "torch.relu", "torch.nn.functional"),
    ambiguous="Python's built-in `max` is one of those questions; NumPy has an element-by-element version of it "
              "(`q4.hint(3)` names it).",
    ambiguous_loop="NumPy's element-by-element maximum does it in one call (`q4.hint(3)` names it).",
    maximum="(`q4.hint(3)` names it.)",
    mistakes=[
        (_quiet(np.abs), "That is |z|: it flips negative values to positive. ReLU replaces them by 0 instead."),
        (_quiet(lambda z: np.minimum(0, z)), "That keeps the negative half and zeroes the positive one: "
                                            "the other way round."),
        (_quiet(lambda z: np.max(z)), "np.max returns the single largest number of the whole array. "
                                      "Compare 0 with each element instead: NumPy's element-by-element maximum "
                                      "sits next to np.max."),
    ],
)


# ---- q5: the ceiling on the gradient through ten sigmoid layers ----

def _correctly_rounded(got: float, exact: float) -> bool:
    """True if `got` is `exact`, or `exact` correctly rounded to two or more significant figures."""
    return any(math.isclose(got, float(f"{exact:.{figures - 1}e}"), rel_tol=1e-12) for figures in range(2, 18))


XOR = ("In Python `^` is bitwise XOR (it mixes the bits of two whole numbers), not a power: 4 ^ 10 is 14. "
       "Powers are written `**` (2 ** -5 is 1/32).")
_CARET = "unsupported operand type(s) for ^"  # Python's TypeError for (1/4)^10: XOR of a float


def _last_cell_error():
    """The error that stopped the learner's previous cell (IPython's last execution result), or None."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: no cells
        return None
    return getattr(getattr(get_ipython(), "last_execution_result", None), "error_in_exec", None)


class CeilingExercise(ValueExercise):
    """q5: one rounding rule. Within 1% of the ceiling, the answer must be the ceiling itself or the ceiling
    correctly rounded to two or more significant figures (9.5e-7, 9.54e-7 pass; 9.6e-7 and 9.53e-7 do not).

    `^` written for a power: a value XOR gave is a named slip, and when the cell just before the check stopped
    with the TypeError of `(1/4)^10`, the check explains it."""

    def verify(self, answer) -> None:
        """As ValueExercise.verify; a `^` TypeError in the learner's previous cell is explained first."""
        error = _last_cell_error()
        if isinstance(error, TypeError) and _CARET in str(error):
            said = f"your last cell stopped with Python's error \"TypeError: {error}\". {XOR}"
            if _is_placeholder(answer):
                raise Wrong(said + " So your answer was never set: fix that cell and run it again.")
            print(f"  Note: {said} So your answer still holds the value you gave it before that.")
        super().verify(answer)

    def _check(self, answer) -> None:
        super()._check(answer)
        if not _correctly_rounded(float(np.asarray(answer, dtype=float)), self.reference):
            raise Wrong("close, but not the ceiling correctly rounded: round the exact value to two or more "
                        "significant figures (the last digit rounded, not cut off), or give it as a Python "
                        "expression (like 2 ** -5) and let Python compute it.")


q5 = CeilingExercise(
    "Exercise 5 (a ceiling for ten sigmoids)", lambda: 0.25 ** 10,
    hint=["Each of the ten factors is the weight, here one, times the sigmoid's slope at some point. Ask how steep "
          "the sigmoid can ever be, at its steepest; the ceiling is that largest slope, ten times over in a product.",
          "One factor is w·σ′(z) with w = 1. The largest σ′(z) can ever be is σ′(0) (section 3). "
          "Ten factors, each at most that: multiply."],
    solution="ceiling = 0.25 ** 10  # each factor 1 · σ′(z_k) ≤ σ′(0) = 0.5 · 0.5 = 0.25; ten factors",
    atol=0.0, rtol=1e-2,
    mistakes=[
        (lambda: 0.25, "That is the ceiling for one layer. The chain has ten factors."),
        (lambda: 0.25 * 10, "You added the ten factors. The chain rule multiplies them."),
        (lambda: 0.25 ** 9, "Count the factors: your power has 9 of them. There is one per layer, k = 1 … 10; "
                            "counting the links between the layers gives one fewer."),
        (lambda: 0.25 ** 11, "Count the factors: your power has 11 of them. There is one per layer, k = 1 … 10; "
                             "the input a₀ = x is not a layer."),
        (lambda: 0.5 ** 10, "0.5 is σ(0), the sigmoid's height at 0. The factor is its slope σ′(0) = σ(0)(1 − σ(0))."),
        (lambda: 1.0, "1 would be the ceiling if the sigmoid's slope could reach 1. How steep is it at its steepest?"),
        (lambda: 1e-6, "That is the ceiling rounded to one significant figure, too coarse to tell it from 10⁻⁶: "
                       "give at least two significant figures, correctly rounded, or a Python expression (like "
                       "2 ** -5)."),
        (lambda: 3.48e-7, "That is the gradient for one particular input (x = 0.5). The question asks for the number "
                          "no input can exceed: the product of the largest possible factors."),
        (lambda: 3.9e-7, "That is the largest gradient an actual input reaches. The question asks for the simpler "
                         "ceiling: the product of the largest value each factor could take on its own."),
        # `^` written for a power: 4 ^ 10 = 14, 4 ^ -10 = -14, 2 ^ 20 = 22, 2 ^ -20 = -18, and one over each
        *[(lambda v=value: v, XOR) for xor in (14, -14, 22, -18) for value in (xor, 1 / xor)],
    ],
)


# ---- p3: does ReLU's gradient survive ten layers? ----

p3 = ChoiceExercise(
    "Prediction 3 (ten ReLU layers)", "a",
    options={"a": "all of it: exactly 1", "b": "about (1/4)¹⁰, like the sigmoid", "c": "nothing: exactly 0",
             "d": "more than 1: it grows layer by layer"},
    feedback={"b": "ReLU's slope is not the sigmoid's. What is ReLU′(z) for z > 0?",
              "c": "ReLU blocks the gradient only where z ≤ 0. With x = 0.5 and w = 1, is any z_k negative?",
              "d": "Each factor is w · ReLU′(z_k). With w = 1 and every z_k > 0, how big is each factor?"},
    hint="Follow the chain: z_1 = 1 · 0.5 > 0, so a_1 = 0.5, and so on. Each factor is w · ReLU′(z_k).",
    solution='p3_answer = "a"  # every z_k = 0.5 > 0, so every factor is 1 · 1 = 1',
)


# ---- q6: a numerically stable softmax for a batch ----

@_reference
def softmax_rows(Z):
    """softmax of each row of Z (n, K): e^(z − max of the row) / (sum over the row); shape (n, K)."""
    e = np.exp(Z - np.max(Z, axis=1, keepdims=True))  # each row's largest score becomes 0: exp never overflows
    return e / np.sum(e, axis=1, keepdims=True)


q6 = ArrayFunctionExercise(
    "Exercise 6 (a stable softmax for a batch)", softmax_rows,
    [{"Z": np.array([[2.0, 1.0, 0.1]])},
     {"Z": np.array([[-1000.0, 0.0, 1000.0], [0.5, 0.5, 0.5], [3.0, -2.0, 0.0]])},  # square: keepdims matters
     {"Z": np.array([[1000.0, 1001.0, 1002.0], [1.0, 2.0, 3.0]])},  # rows at very different scales
     {"Z": np.round(_rng.normal(size=(4, 10)) * 3, 2)}],
    hint=["Treat each row on its own, exactly as the one-vector recipe at the start of section 5: shift the row so "
          "that its largest score becomes zero, exponentiate, and divide by the row's own total. One maximum and "
          "one total per row, never one for the whole batch.",
          "Do for each row what the stable softmax cell at the start of section 5 does for one vector: subtract "
          "that row's largest score, take exp, divide by that row's sum. `np.max(Z, axis=1, keepdims=True)` gives "
          "one max per row, shaped (n, 1) so that it lines up with the rows of Z; the same goes for `np.sum`."],
    # torch's softmax under every name, and the log-softmax / logsumexp that give it through one exp
    forbid=("helpers.activations.softmax", "helpers.losses.log_softmax", "helpers.losses.logsumexp", "helpers.nn",
            "torch.softmax", "torch.log_softmax", "torch.logsumexp", "torch.special.softmax",
            "torch.special.log_softmax", "torch.special.logsumexp", "torch.nn.functional"),
    quiet=True,  # an overflow from a slip is named below; NumPy's RuntimeWarning would only add noise
    solution='''def my_softmax(Z):
    e = np.exp(Z - np.max(Z, axis=1, keepdims=True))  # each row's own max: (n, 1)
    return e / np.sum(e, axis=1, keepdims=True)       # each row sums to 1''',
    mistakes=[
        (_quiet(lambda Z: np.exp(Z) / np.sum(np.exp(Z))),
         "That is section 5's naive line, with two problems for a batch. exp(1000) overflows to inf, and inf / inf "
         "is nan: subtract each row's largest score first. And one sum for the whole batch: each row must add up "
         "to 1 on its own, so divide by each row's own sum (axis=1, keepdims=True)."),
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
        (_quiet(lambda Z: np.exp(Z - np.max(Z, axis=1)) / np.sum(np.exp(Z - np.max(Z, axis=1)), axis=1)),
         "axis=1 is right, but the row maxima and the row sums did not line up with the rows: np.max(Z, axis=1) "
         "and np.sum(..., axis=1) have shape (n,), and NumPy matches an (n,) array with the columns of an "
         "(n, K) array, not with its rows (a square Z shows it). Keep each as a column of shape (n, 1): "
         "keepdims=True, in both places."),
        (_quiet(lambda Z: np.exp(Z - np.max(Z, axis=1)) / np.sum(np.exp(Z - np.max(Z, axis=1)), axis=1,
                                                                 keepdims=True)),
         "The row maxima did not line up with the rows: np.max(Z, axis=1) has shape (n,), which NumPy matches "
         "with the columns. Keep it as a column with keepdims=True."),
        (_quiet(lambda Z: np.exp(Z - np.max(Z, axis=1, keepdims=True))
                / np.sum(np.exp(Z - np.max(Z, axis=1, keepdims=True)), axis=1)),
         "The row maxima line up, but the row sums do not: np.sum(..., axis=1) has shape (n,), which NumPy "
         "matches with the columns, not the rows. keepdims=True there too."),
        (_quiet(lambda Z: np.exp(Z - np.max(Z, axis=0)) / np.sum(np.exp(Z - np.max(Z, axis=0)), axis=0)),
         "Your columns add up to 1, not your rows: axis=0 goes down each column. Each row is one example: "
         "work along the rows, axis=1."),  # with or without keepdims: a (K,) array lines up with the columns
        (_quiet(lambda Z: np.exp(Z - np.min(Z, axis=1, keepdims=True))
                / np.sum(np.exp(Z - np.min(Z, axis=1, keepdims=True)), axis=1, keepdims=True)),
         "Subtracting the smallest score makes the others larger, and exp of a large number overflows. "
         "Subtract the largest."),
    ],
)
