"""Exercises with instant feedback: `q.check(answer)`, `q.hint()`, `q.solution()`.

A notebook cell holds a placeholder (`...`) for the learner to fill in; the reference
answer lives here, out of sight until `solution()` is called.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Sequence

import numpy as np

NOT_ATTEMPTED = "⏳ Not attempted yet: replace the `...` with your answer, run the cell, then check again."


class Wrong(Exception):
    """Raised inside a check with the feedback to show the learner."""


def show(value) -> str:
    """A short, readable rendering of a value for feedback messages."""
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=12, edgeitems=3, suppress_small=True)
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _as_array(value):
    """Turn tensors, lists and numbers into a NumPy array (or raise Wrong)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"expected numbers, got {type(value).__name__}: {show(value)}") from None
    return arr


def compare(got, expected, atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Raise Wrong if `got` differs from `expected` in type, shape or value."""
    exp = _as_array(expected)
    arr = _as_array(got)
    if arr.shape != exp.shape:
        raise Wrong(f"the shape is {arr.shape}, expected {exp.shape}")
    if not np.all(np.isfinite(arr) | ~np.isfinite(exp)):
        raise Wrong(f"the result contains nan or inf: {show(arr)}")
    if not np.allclose(arr, exp, atol=atol, rtol=rtol, equal_nan=True):
        raise Wrong(f"expected {show(exp)}, got {show(arr)}")


def _is_placeholder(answer) -> bool:
    return answer is ... or answer is None


class Exercise:
    """Base: subclasses implement `_check(answer)`, raising `Wrong(feedback)` on a wrong answer."""

    def __init__(self, title: str, reference, hint: str, solution: str | None = None):
        self.title, self.reference, self._hint = title, reference, hint
        self._solution = solution

    def check(self, answer) -> bool:
        """Check an answer, print friendly feedback, and return True or False. Never raises."""
        if _is_placeholder(answer):
            print(NOT_ATTEMPTED)
            return False
        try:
            self._check(answer)
        except Wrong as wrong:
            if str(wrong) == NOT_ATTEMPTED:
                print(NOT_ATTEMPTED)
            else:
                print(f"✗ {self.title}: not yet. {wrong}\n  Try again, or call .hint() for a nudge.")
            return False
        except Exception as err:  # noqa: BLE001 - the checker itself must never crash on a learner
            print(f"✗ {self.title}: checking your answer failed with {type(err).__name__}: {err}")
            return False
        print(f"✓ {self.title}: correct!")
        return True

    def _check(self, answer) -> None:
        raise NotImplementedError

    def hint(self) -> None:
        """Print a hint."""
        print(f"💡 Hint: {self._hint}")

    def solution(self) -> None:
        """Print the reference solution's code."""
        code = self._solution or textwrap.dedent(inspect.getsource(self.reference))
        print(f"Solution ({self.title}):\n\n{code.rstrip()}")


def _as_tuple(value, n: int) -> tuple:
    """A function's result as a tuple of n outputs (a single output becomes a 1-tuple)."""
    return tuple(value) if n > 1 and isinstance(value, (tuple, list)) else (value,)


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
                  atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Compare each named output with its expected value; raise Wrong naming the first one that differs.

    `mistakes` holds (what a known slip would give, what to say): a slip the learner made is named.
    """
    n = len(names)
    got_t = _as_tuple(got, n)
    if _is_placeholder(got) or all(_is_placeholder(g) for g in got_t):  # the `...` template, or a body still `...`
        raise Wrong(NOT_ATTEMPTED)
    if n > 1 and (not isinstance(got, (tuple, list)) or len(got_t) != n):
        raise Wrong(f"return {n} values, in this order: {', '.join(names)} (got {show(got)}){where}")
    for name, g, e in zip(names, got_t, _as_tuple(expected, n), strict=True):
        if _is_placeholder(g):
            raise Wrong(f"{name} is still `{g!r}`: replace it with your formula")
        try:
            compare(g, e, atol, rtol)
        except Wrong as wrong:
            for slip, message in mistakes:
                if _matches(got_t, _as_tuple(slip(), n), atol, rtol):
                    raise Wrong(f"{message}{where}") from None
            raise Wrong(f"{name} is not right: {wrong}{where}") from None


class FunctionExercise(Exercise):
    """The learner writes a function; it is called on each case and compared with `reference`.

    `names` names the outputs of a function that returns several; `mistakes` pairs a known slip
    (a function of the same arguments) with what to tell a learner who made it.
    """

    def __init__(self, title: str, reference: Callable, cases: Sequence[dict], hint: str,
                 solution: str | None = None, atol: float = 1e-6, rtol: float = 1e-5,
                 names: Sequence[str] = ("the result",), mistakes: Sequence[tuple[Callable, str]] = ()):
        super().__init__(title, reference, hint, solution)
        self.cases, self.atol, self.rtol = list(cases), atol, rtol
        self.names, self.mistakes = tuple(names), list(mistakes)

    def _check(self, answer) -> None:
        if not callable(answer):
            raise Wrong(f"expected a function (def ...), got {type(answer).__name__}: {show(answer)}")
        for case in self.cases:
            args = ", ".join(f"{k}={_short(v)}" for k, v in case.items())
            try:
                got = answer(**_copy(case))
            except Exception as err:  # noqa: BLE001 - the learner's code crashed: report, don't raise
                raise Wrong(f"your function raised {type(err).__name__}: {err}\n  when called with {args}") from None
            slips = [(lambda slip=slip, case=case: slip(**_copy(case)), message) for slip, message in self.mistakes]
            check_outputs(got, self.reference(**_copy(case)), self.names, f"\n  when called with {args}",
                          slips, self.atol, self.rtol)


class ValueExercise(Exercise):
    """The learner computes a value; it is compared with `reference()` (a function that computes it).

    `mistakes` pairs a known slip (a function computing the wrong value) with what to say about it.
    """

    def __init__(self, title: str, reference: Callable[[], object], hint: str,
                 solution: str | None = None, atol: float = 1e-6, rtol: float = 1e-5,
                 mistakes: Sequence[tuple[Callable[[], object], str]] = ()):
        super().__init__(title, reference, hint, solution)
        self.atol, self.rtol, self.mistakes = atol, rtol, list(mistakes)

    def _check(self, answer) -> None:
        check_outputs(answer, self.reference(), ["your answer"], mistakes=self.mistakes,
                      atol=self.atol, rtol=self.rtol)


class CustomExercise(Exercise):
    """The check is a function `checker(answer)` that raises `Wrong` with feedback."""

    def __init__(self, title: str, reference, checker: Callable[[object], None], hint: str,
                 solution: str | None = None):
        super().__init__(title, reference, hint, solution)
        self._checker = checker

    def _check(self, answer) -> None:
        self._checker(answer)


def _short(value) -> str:
    """A case argument, briefly: large arrays by shape, functions by name, the rest in full."""
    if isinstance(value, np.ndarray) and value.size > 12:
        return f"<array of shape {value.shape}>"
    if callable(value):
        return getattr(value, "__name__", "a function")
    return show(value)


def _copy(case: dict) -> dict:
    """Copy array arguments so a learner's in-place edit cannot change the test case."""
    return {k: (v.copy() if hasattr(v, "copy") else v) for k, v in case.items()}
