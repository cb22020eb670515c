"""Exercises with instant feedback: `q.check(answer)`, `q.hint()`, `q.solution()`.

A notebook cell holds a placeholder (`...`) for the learner to fill in; the reference
answer lives here, out of sight until `solution()` is called. Checking is kept apart from
display: `_check` raises `Wrong` (or `NotAttempted`), and `check` turns that into one printed verdict.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import re
import sys
import textwrap
import warnings
from collections.abc import Callable, Sequence

import numpy as np

from helpers.errors import NotNumbersError, as_float_array
from helpers.exercises.tripwires import Tripped, _Tripwire, places, tripwires

NOT_ATTEMPTED = "⏳ Not attempted yet: replace the `...` with your answer, run the cell, then check again."
STATUSES = ("untouched", "attempted", "solved")


class Wrong(Exception):
    """Raised inside a check with the feedback to show the learner."""


class NotAttempted(Wrong):
    """Raised inside a check when the answer is still the `...` placeholder."""


class Unreadable(Wrong):
    """Raised inside a check when the answer is not in the form asked for (a prediction's letter): it is refused,
    but does not use up the learner's first answer."""


class Verdict:
    """What `check()` returns: truthy when the answer is right; shows nothing under a notebook cell."""

    def __init__(self, solved: bool):
        self.solved = solved

    def __bool__(self) -> bool:
        return self.solved

    def __repr__(self) -> str:
        return f"Verdict(solved={self.solved})"

    def _ipython_display_(self) -> None:
        """Display nothing: the verdict was already printed by check()."""


def show(value) -> str:
    """A short, readable rendering of a value for feedback messages."""
    if value is ...:
        return "..."
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        if value.size > 12:
            first = ", ".join(f"{v:.4g}" for v in value.ravel()[:3])
            return f"an array of shape {value.shape} ([{first}, ...])"
        return np.array2string(value, precision=4, threshold=12, edgeitems=3, suppress_small=True)
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return repr(value)


def as_array(value) -> np.ndarray:
    """Turn tensors, lists and numbers into a float NumPy array (helpers.errors.as_float_array), or raise Wrong."""
    try:
        return as_float_array(value)
    except NotNumbersError:
        if any(v is ... for v in np.asarray(value, dtype=object).ravel()):
            raise Wrong("your result contains `...`: a function you call (your own from an earlier exercise?) "
                        "is not written yet") from None
        kind = type(value).__name__
        raise Wrong(f"this should be a number or an array of numbers, not a {kind}: {show(value)}") from None


def _digits(a: np.ndarray, b: np.ndarray) -> int:
    """Enough significant digits to make a and b print differently (at most 12)."""
    for digits in range(4, 13):
        if np.array2string(a, precision=digits) != np.array2string(b, precision=digits):
            return digits
    return 12


def _differ(arr: np.ndarray, exp: np.ndarray, atol: float, rtol: float) -> str:
    """Say how far `arr` is from `exp` when it is only a little off (None when it is not close)."""
    with np.errstate(invalid="ignore"):  # inf - inf: the learner's nan/inf is reported in words, not as a warning
        diff = np.nan_to_num(np.abs(arr - exp), nan=np.inf)
        worst = int(np.argmax(diff - (atol + rtol * np.abs(exp))))
    d, e = float(diff.ravel()[worst]), float(np.abs(exp).ravel()[worst])
    if not np.isfinite(d) or d > 0.01 * max(e, 1e-12):  # nan/inf, or more than 1% off: not "close"
        return ""
    return (f"close, but not close enough: off by {d:.3g} where the tolerance is {atol + rtol * e:.3g}. "
            "Did you round an intermediate value, or use float32 where float64 was needed?")


def compare(got, expected, atol: float = 1e-6, rtol: float = 1e-5, reveal: bool = True) -> None:
    """Raise Wrong if `got` differs from `expected` in shape or value (`reveal=False`: never print `expected`)."""
    exp, arr = as_array(expected), as_array(got)
    if arr.shape != exp.shape:
        raise Wrong(f"the shape is {arr.shape}, expected {exp.shape}")
    if not np.all(np.isfinite(arr) | ~np.isfinite(exp)):
        raise Wrong(f"the result contains nan or inf: {show(arr)}")
    if np.allclose(arr, exp, atol=atol, rtol=rtol, equal_nan=True):
        return
    close = _differ(arr, exp, atol, rtol)
    if close:
        raise Wrong(close)
    if not reveal:
        raise Wrong(guidance(arr, exp))
    digits = _digits(arr, exp) if arr.size <= 12 else 4
    raise Wrong(f"expected {_fmt(exp, digits)}, got {_fmt(arr, digits)}")


def _fmt(a: np.ndarray, digits: int) -> str:
    """An array or a number with `digits` significant digits (large arrays summarised)."""
    if a.ndim == 0:
        return f"{float(a):.{digits}g}"
    return np.array2string(a, precision=digits, threshold=12, edgeitems=3, suppress_small=True)


def guidance(arr: np.ndarray, exp: np.ndarray) -> str:
    """Hints at how a wrong value is off (sign, size, factor) without giving the expected value away."""
    wrong = ~np.isclose(arr, exp, rtol=1e-5, atol=1e-8)
    where = f" ({int(wrong.sum())} of {arr.size} entries differ)" if arr.size > 1 else ""
    g, e = arr[wrong].ravel(), exp[wrong].ravel()
    if np.all(np.isclose(g, -e, rtol=1e-5)):
        return f"the size is right but the sign is wrong{where}"
    ratio = np.divide(g, e, out=np.full(g.shape, np.nan), where=e != 0)
    for factor in (2, 10, 100):
        if np.allclose(ratio, factor, rtol=1e-3):
            return f"it is {factor} times too big{where}: look for a factor you applied once too often"
        if np.allclose(ratio, 1 / factor, rtol=1e-3):
            return f"it is {factor} times too small{where}: look for a missing factor"
    if np.all(g == 0):
        return f"it is 0{where}, and the right value is not: recompute it step by step"
    if np.all(np.sign(g) != np.sign(e)):
        return f"even the sign is wrong{where}: recompute it step by step"
    if np.all((g < 0) & (e < 0)):  # "too big" would be ambiguous for negatives: speak of the distance from 0
        side = ("too far from 0" if np.all(g < e) else "too close to 0" if np.all(g > e) else "off")
    else:  # by value, signs included: -2.5 is smaller than -2
        side = "too big" if np.all(g > e) else "too small" if np.all(g < e) else "off"
        side += " in value" if side != "off" and np.any((g < 0) | (e < 0)) else ""
    return f"it is {side}{where}: recompute it step by step"


def _is_placeholder(answer) -> bool:
    return answer is ...


class Exercise:
    """Base: subclasses implement `_check(answer)`, raising `Wrong(feedback)` on a wrong answer.

    `hint` is one hint or a list of them, from a nudge in words to something close to the answer; `forbid`
    names what the learner's function may not call (see `tripwires`): the computation the exercise asks for.
    """

    def __init__(self, title: str, reference, hint: str | Sequence[str], solution: str | None = None,
                 notebook: str | None = None, forbid: Sequence = ()):
        self.title, self._reference, self._solution, self.notebook = title, reference, solution, notebook
        self.hints = (hint,) if isinstance(hint, str) else tuple(hint)
        self.forbid = tuple(forbid)
        self.status, self.hints_used, self._shown = "untouched", 0, 0
        self.first_right: bool | None = None  # was the first answer checked right? (None: none checked yet)

    @property
    def reference(self):
        """A right answer (what `check` accepts)."""
        return self._reference

    def check(self, answer) -> Verdict:
        """Check an answer and print one verdict; never raises. The result is truthy when the answer is right."""
        try:
            self.verify(answer)
        except NotAttempted:
            print(NOT_ATTEMPTED)
            return Verdict(False)
        except Wrong as wrong:
            self._attempted(right=False, counts=not isinstance(wrong, Unreadable))
            print(f"✗ {self.title}: not yet. {wrong}\n  Try again, or call .hint() for a nudge.")
            return Verdict(False)
        except Exception as err:  # noqa: BLE001 - the checker itself must never crash on a learner
            self._attempted(right=False)
            print(f"✗ {self.title}: checking your answer failed with {type(err).__name__}: {err}")
            return Verdict(False)
        self._attempted(right=True)
        print(f"✓ {self.title}: correct!")
        return Verdict(True)

    def _attempted(self, right: bool, counts: bool = True) -> None:
        """Record a checked answer: solved stays solved; the first answer's verdict is kept (an unreadable one, such
        as a prediction's answer that is none of its letters, is not an answer yet)."""
        self.status = "solved" if right or self.status == "solved" else "attempted"
        if counts and self.first_right is None:
            self.first_right = right

    def verify(self, answer) -> None:
        """Raise Wrong (or NotAttempted) unless `answer` is right; a learner's function runs behind tripwires."""
        if _is_placeholder(answer):
            raise NotAttempted
        if callable(answer):
            self._refuse_handed_in(answer)
            answer = self.guarded(answer)
        self._check(answer)

    def _course_reference(self) -> tuple:
        """The exercise's own reference when it is a course function (a learner must not hand it in or call it)."""
        ref = self._reference
        return (ref,) if callable(ref) and (getattr(ref, "__module__", "") or "").startswith("helpers.") else ()

    def _other_references(self) -> tuple:
        """The references of other notebooks' exercises (07 may not call 04's `softmax_ce_grad`); a notebook's own
        references stay callable, since it may hand one in for an exercise the learner has not solved yet."""
        home = getattr(self._reference, "__module__", "") or ""
        return tuple(e._reference for name, module in list(sys.modules.items())
                     if name.startswith("helpers.exercises.") and name != home and getattr(module, "NOTEBOOK", None)
                     for _, e in exercises_in(module)
                     if callable(e._reference) and (getattr(e._reference, "__module__", "") or "") == name)

    def _own(self) -> tuple:
        """What the learner's function may never call: the exercise's own reference (07's `backward_fn` may hold
        it), other notebooks' references, then everything in `forbid`."""
        return self._course_reference() + self._other_references() + self.forbid

    def _refuse_handed_in(self, answer) -> None:
        """Raise Wrong if the answer is the course's own function, or one the exercise forbids, handed in as is."""
        if answer in self._course_reference():
            raise Wrong("you passed this exercise's own reference answer; the exercise is to write it yourself "
                        "(.solution() shows it, if you want to read one)")
        own = _course_function(answer) or next((label.split(" from ")[0] for _, _, obj, label in places(self.forbid)
                                                if answer is obj), "")
        if own:
            raise Wrong(f"you passed the course's own `{own}`; the exercise is to write that function yourself")

    def guarded(self, fn: Callable) -> Callable:
        """`fn`, run so that calling anything in `forbid` raises Wrong saying why, and how to do it by hand."""
        forbid = self._own()
        if not forbid:
            return fn

        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                with tripwires(fn, forbid), _references_tripped(self, forbid):
                    return fn(*args, **kwargs)
            except Tripped as tripped:
                raise Wrong(f"your function calls {tripped.what}, which does the very computation this exercise "
                            f"asks you to write yourself. Do it by hand: {self.hints[0]}") from None
        return run

    def _check(self, answer) -> None:
        raise NotImplementedError

    def hint(self, level: int | None = None) -> None:
        """Print the next hint (or hint number `level`): each is more concrete than the one before."""
        n = len(self.hints)
        wanted = self._shown + 1 if level is None else max(int(level), 1)
        self._shown = min(wanted, n)
        self.hints_used = max(self.hints_used, self._shown)
        print(f"💡 Hint {self._shown} of {n}: {self.hints[self._shown - 1]}")
        if wanted > n:
            print(f"  (There is no hint {wanted}: that was the last one again. .solution() shows a full answer.)")
        elif self._shown < n:
            print(f"  Still stuck? Call .hint() again for hint {self._shown + 1} of {n}.")
        else:
            print("  That was the last hint. .solution() shows a full answer.")

    @property
    def solution_code(self) -> str:
        """The solution as code that replaces the exercise's placeholder cell."""
        return (self._solution or textwrap.dedent(inspect.getsource(self._reference))).strip()

    def solution(self) -> None:
        """Print the reference solution's code (an answer checked after it no longer counts as right at the first)."""
        if self.first_right is None:
            self.first_right = False
        print(f"Solution ({self.title}):\n\n{self.solution_code}")


@contextlib.contextmanager
def _references_tripped(exercise: Exercise, forbid: Sequence):
    """The tripwires swap forbidden callables where a name holds them (globals, modules, closures); an exercise
    object is no such namespace, so `q4.reference` would still reach the real function. While the learner's
    function runs, every loaded exercise (and `exercise` itself) whose reference is forbidden holds a stand-in."""
    labels = {id(obj): label for _, _, obj, label in places(forbid) if obj is not None}
    everyone = [exercise, *(e for group in loaded_exercises().values() for _, e in group)]
    swapped = {id(e): e for e in everyone if callable(e._reference) and id(e._reference) in labels}.values()
    calls: list[str] = []
    originals = [(e, e._reference) for e in swapped]
    for e, ref in originals:
        e._reference = _Tripwire(labels[id(ref)], calls)
    try:
        yield
    except Exception:
        if not calls:
            raise
    finally:
        for e, ref in originals:
            e._reference = ref
    if calls:
        raise Tripped(calls[0])


def _as_tuple(value, n: int) -> tuple:
    """A function's result as a tuple of n outputs (a single output becomes a 1-tuple)."""
    return tuple(value) if n > 1 and isinstance(value, tuple | list) else (value,)


def _matches(got: tuple, expected: tuple, atol: float, rtol: float) -> bool:
    """True if every output in got equals the one in expected (as compare() judges it)."""
    try:
        for g, e in zip(got, expected, strict=True):
            compare(g, e, atol, rtol)
    except (Wrong, ValueError):
        return False
    return True


def check_outputs(got, expected, names: Sequence[str] = ("the result",), where: str = "",
                  mistakes: Sequence[tuple[Callable[[], object], str]] = (),
                  atol: float = 1e-6, rtol: float = 1e-5, reveal: bool = True) -> None:
    """Compare each named output with its expected value; raise Wrong naming the first one that differs.

    `mistakes` holds (what a known slip would give, what to say): a slip the learner made is named.
    """
    n = len(names)
    got_t = _as_tuple(got, n)
    if _is_placeholder(got) or all(_is_placeholder(g) for g in got_t):  # the `...` template, or a body still `...`
        raise NotAttempted
    if n > 1 and (not isinstance(got, tuple | list) or len(got_t) != n):
        raise Wrong(f"return {n} values, in this order: {', '.join(names)} (got {show(got)}){where}")
    for name, g, e in zip(names, got_t, _as_tuple(expected, n), strict=True):
        if _is_placeholder(g):
            raise Wrong(f"{name} is still `...`: replace it with your formula{where}")
        if g is None:
            raise Wrong(f"{name} is None: did you forget to compute or `return` it?{where}")
        try:
            compare(g, e, atol, rtol, reveal)
        except Wrong as wrong:
            for slip, message in mistakes:
                try:
                    slipped = slip()
                except Exception:  # noqa: BLE001, S112 - a slip that cannot be computed for this case is not the one made
                    continue
                if _matches(got_t, _as_tuple(slipped, n), atol, rtol):
                    raise Wrong(f"{message}{where}") from None
            raise Wrong(f"{name} is not right: {wrong}{where}") from None


def _course_function(answer) -> str:
    """The qualified name of `answer` if it comes from the course's own `helpers` package, else ''."""
    module = getattr(answer, "__module__", None) or ""
    if module.startswith("helpers.exercises"):  # an exercise's own reference or slip, e.g. in tests
        return ""
    if module == "helpers" or module.startswith("helpers."):
        return f"{module}.{getattr(answer, '__name__', 'function')}"
    return ""


_GUFUNC = re.compile(r"matmul: Input operand \d+ has a mismatch in its core dimension|not aligned")


def _operands(node: ast.AST) -> tuple[ast.AST, ast.AST] | None:
    """The two operands of `A @ B`, `np.matmul(A, B)` or `np.dot(A, B)`; None for anything else."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        return node.left, node.right
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("matmul", "dot") and len(node.args) == 2):
        return node.args[0], node.args[1]
    return None


# The two sizes that differ, as NumPy reports them: matmul's "(size 13 is different from 7)", np.dot's "3 (dim 1) != 2".
_SIZES = re.compile(r"size (\d+) is different from (\d+)|(\d+) \(dim \d+\) != (\d+) \(dim \d+\)")


def _inner_sizes(left: tuple, right: tuple) -> tuple[int, int]:
    """The two sizes `left @ right` (or np.dot) needs equal: left's last, right's first (1-D) or next-to-last."""
    return left[-1], right[0] if len(right) == 1 else right[-2]


def _explain_matmul(err: ValueError) -> str:
    """Explain a NumPy matmul shape error with the two shapes, read from the learner's own line of code.

    A line may hold several products (`dW1, dW2 = dZ1.T @ X, H @ dY`): the one named is a product whose inner
    sizes really differ (the sizes in NumPy's message break a tie), never a valid one that happens to come first."""
    found = _SIZES.search(str(err))
    reported = sorted(int(g) for g in found.groups() if g is not None) if found else None
    frames, tb = [], err.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):  # innermost first: the learner's line that multiplied
        try:
            tree = ast.parse(inspect.getframeinfo(frame).code_context[0].strip().removeprefix("return "))
        except (TypeError, IndexError, SyntaxError, OSError):
            continue
        products = sorted((node for node in ast.walk(tree) if _operands(node)),
                          key=lambda node: (node.lineno, node.col_offset))  # in the order Python evaluates them
        mismatched = []
        for node in products:
            pair = _operands(node)
            shapes = [_shape_of(side, frame) for side in pair]
            if all(shapes) and len(shapes[0]) and len(shapes[1]):
                inner = _inner_sizes(*shapes)
                if inner[0] != inner[1]:
                    mismatched.append((pair, shapes, sorted(inner) == reported))
        if mismatched:
            pair, shapes, _ = next((m for m in mismatched if m[2]), mismatched[0])
            left, right = ast.unparse(pair[0]), ast.unparse(pair[1])
            return (f"the matrix product of `{left}` and `{right}` cannot be done: `{left}` has shape "
                    f"{shapes[0]} and `{right}` has shape {shapes[1]}; the last size of the first must equal "
                    "the first size of the second. Check which one needs a transpose (.T).")
    return ("a matrix product `A @ B` got shapes that do not fit: A's last size must equal B's first size. "
            "Print the .shape of both and check which one needs a transpose (.T).")


# What an operand may be made of to be evaluated again: names, .T, indexing and arithmetic, never a call.
_SIMPLE = (ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.Load, ast.Slice, ast.Tuple,
           ast.UnaryOp, ast.USub, ast.UAdd, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.MatMult, ast.Pow,
           ast.Compare, ast.Gt, ast.GtE, ast.Lt, ast.LtE, ast.Eq, ast.NotEq)


def _shape_of(node: ast.AST, frame) -> tuple | None:
    """Evaluate a side-effect-free operand (names, .T, indexing, arithmetic) in a frame; return its shape."""
    if not all(isinstance(n, _SIMPLE) for n in ast.walk(node)):
        return None
    try:
        with warnings.catch_warnings():  # the learner saw any overflow warning the first time round
            warnings.simplefilter("ignore")
            value = eval(ast.unparse(node), frame.f_globals, dict(frame.f_locals))  # noqa: S307 - no calls
    except Exception:  # noqa: BLE001
        return None
    return tuple(getattr(value, "shape", ())) or None


def call_learner(fn: Callable, args: Sequence, described: str):
    """Call the learner's function positionally; turn any crash into Wrong with a plain explanation."""
    try:
        return fn(*args)
    except Wrong:  # a tripwire: the learner's function called what the exercise forbids
        raise
    except Exception as err:  # noqa: BLE001 - the learner's code crashed: report, don't raise
        if isinstance(err, ValueError) and _GUFUNC.search(str(err)):
            raise Wrong(f"your function stopped: {_explain_matmul(err)}\n  when called with {described}") from None
        unfinished = ("\n  (`ellipsis` is the `...` of an unfinished function: is one you call, say from an earlier "
                      "exercise, still `return ...`?)") if "ellipsis" in str(err) else ""
        raise Wrong(f"your function raised {type(err).__name__}: {err}{unfinished}\n  when called with {described}"
                    ) from None


class FunctionExercise(Exercise):
    """The learner writes a function; it is called (positionally) on each case and compared with `reference`.

    `names` names the outputs of a function that returns several; `mistakes` pairs a known slip
    (a function of the same arguments) with what to tell a learner who made it; `forbid` names what the
    learner's function may not call, nor be (any function of the course's `helpers` is refused as an answer);
    `reveal=False` never prints the expected values (an exercise that asks for a formula to derive).
    """

    def __init__(self, title: str, reference: Callable, cases: Sequence[dict], hint: str | Sequence[str],
                 solution: str | None = None, atol: float = 1e-6, rtol: float = 1e-5,
                 names: Sequence[str] = ("the result",), mistakes: Sequence[tuple[Callable, str]] = (),
                 forbid: Sequence = (), notebook: str | None = None, reveal: bool = True):
        super().__init__(title, reference, hint, solution, notebook, forbid)
        self.cases, self.atol, self.rtol = list(cases), atol, rtol
        self.names, self.mistakes, self.reveal = tuple(names), list(mistakes), reveal  # reveal=False: "derive it"

    def _check(self, answer) -> None:
        if not callable(answer):
            raise Wrong(f"expected a function (def ...), got {type(answer).__name__}: {show(answer)}")
        for case in self.cases:
            described = ", ".join(f"{k}={_short(v)}" for k, v in case.items())
            got = call_learner(answer, list(_copy(case).values()), described)
            if got is None:
                raise Wrong(f"your function returned None: did you forget `return`?\n  when called with {described}")
            slips = [(lambda slip=slip, case=case: slip(*_copy(case).values()), message)
                     for slip, message in self.mistakes]
            check_outputs(got, self._reference(*_copy(case).values()), self.names,
                          f"\n  when called with {described}", slips, self.atol, self.rtol, self.reveal)


class ValueExercise(Exercise):
    """The learner computes a value; it is compared with `reference()` (a function that computes it, lazily).

    Feedback guides (sign, size, factor) but never prints the expected value.
    `mistakes` pairs a known slip (a function computing the wrong value) with what to say about it.
    """

    def __init__(self, title: str, reference: Callable[[], object], hint: str | Sequence[str],
                 solution: str | None = None, atol: float = 1e-6, rtol: float = 1e-5,
                 mistakes: Sequence[tuple[Callable[[], object], str]] = (), notebook: str | None = None):
        super().__init__(title, reference, hint, solution, notebook)
        self.atol, self.rtol, self.mistakes = atol, rtol, list(mistakes)

    @property
    def reference(self):
        """The right value, computed on demand."""
        return self._reference()

    @property
    def solution_code(self) -> str:
        """The solution as code (a value exercise needs an explicit one)."""
        return (self._solution or f"answer = {show(self.reference)}").strip()

    def _check(self, answer) -> None:
        if answer is None:
            raise Wrong("your answer is None: assign the value itself (not the result of print())")
        check_outputs(answer, self.reference, ["your answer"], mistakes=self.mistakes,
                      atol=self.atol, rtol=self.rtol, reveal=False)


class CustomExercise(Exercise):
    """The check is a function `checker(answer)` that raises `Wrong` with feedback.

    A learner's function reaches the checker already `guarded`: called there, it runs behind the tripwires."""

    def __init__(self, title: str, reference, checker: Callable[[object], None], hint: str | Sequence[str],
                 solution: str | None = None, notebook: str | None = None, forbid: Sequence = ()):
        super().__init__(title, reference, hint, solution, notebook, forbid)
        self._checker = checker

    def _check(self, answer) -> None:
        self._checker(answer)


class ChoiceExercise(Exercise):
    """A multiple-choice question (a prediction): the answer is one of the keys of `options`."""

    def __init__(self, title: str, reference: str, options: dict[str, str], hint: str | Sequence[str],
                 solution: str | None = None, feedback: dict[str, str] | None = None,
                 notebook: str | None = None):
        super().__init__(title, reference, hint, solution, notebook)
        self.options, self.feedback = dict(options), dict(feedback or {})

    def _check(self, answer) -> None:
        choices = ", ".join(f'"{k}"' for k in self.options)
        if not isinstance(answer, str):  # p1_answer = a: the letter without quotes is an earlier variable
            raise Unreadable(f"answer with one of {choices}, the letter in quotes (without quotes, a name such as a "
                             f"or b is a variable from earlier in the notebook; got {show(answer)})")
        key = answer.strip().lower()
        if key not in self.options:
            raise Unreadable(f"answer with one of {choices} (got {show(answer)}); this did not count as your "
                             "first answer")
        if key != self.reference:
            raise Wrong(self.feedback.get(key, f'"{key}" ({self.options[key]}) is not it. Think it through once more.'))

    def options_text(self) -> str:
        """The options, one per line."""
        return "\n".join(f'  "{k}": {v}' for k, v in self.options.items())


def _short(value) -> str:
    """A case argument, briefly: large arrays by shape, functions by name, the rest in full."""
    if callable(value) and not hasattr(value, "shape"):
        return getattr(value, "__name__", "a function")
    return show(value)


def _copy(case: dict) -> dict:
    """Copy array arguments so a learner's in-place edit cannot change the test case."""
    return {k: (v.copy() if hasattr(v, "copy") else v) for k, v in case.items()}


# ---- progress: which exercises were solved, kept in this kernel and (on request) in a local file ----

def exercises_in(module) -> list[tuple[str, Exercise]]:
    """The exercises (q1, q2, ...) and predictions (p1, ...) a module defines, in order."""
    found = [(name, value) for name, value in vars(module).items()
             if isinstance(value, Exercise) and re.fullmatch(r"[pq]\d+", name)]
    return sorted(found, key=lambda item: (item[0][0] == "q", int(item[0][1:])))


def loaded_exercises() -> dict[str, list[tuple[str, Exercise]]]:
    """Exercises of every loaded exercise module (and any made with `notebook=`), by notebook."""
    by_notebook: dict[str, list] = {}
    for module in list(sys.modules.values()):
        notebook = getattr(module, "NOTEBOOK", None)
        if notebook and getattr(module, "__name__", "").startswith("helpers.exercises."):
            by_notebook.setdefault(notebook, []).extend(exercises_in(module))
    main = sys.modules.get("__main__")
    for name, value in (vars(main).items() if main else ()):
        if isinstance(value, Exercise) and value.notebook and re.fullmatch(r"[pq]\d+", name):
            entries = by_notebook.setdefault(value.notebook, [])
            if all(value is not e for _, e in entries):
                entries.append((name, value))
    return by_notebook
