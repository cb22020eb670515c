"""Assertions shared by the exercise tests: what a learner sees for a right, wrong, missing or crashing answer,
and whether each exercise's solution, pasted into its own notebook cell, passes that cell's check."""

from __future__ import annotations

import contextlib
import copy
import io
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from helpers.exercises.core import ChoiceExercise, FunctionExercise, ValueExercise, exercises_in
from helpers.exercises.tripwires import places

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run_check(q, answer, capsys) -> tuple[bool, str]:
    """Run q.check(answer) (a learner's overflow warnings silenced); return its verdict and what it printed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ok = q.check(answer)
    return bool(ok), capsys.readouterr().out


def assert_accepted(q, answer, capsys) -> None:
    ok, out = run_check(q, answer, capsys)
    assert ok is True, out
    assert "✓" in out and "correct" in out


def assert_rejected(q, answer, capsys, feedback: str = "") -> str:
    """The answer fails with a ✗ line that contains `feedback`; returns the printed text."""
    ok, out = run_check(q, answer, capsys)  # must not raise, whatever the answer does
    assert ok is False, out
    assert "✗" in out
    assert feedback in out, out
    return out


def assert_not_attempted(q, answer, capsys) -> None:
    ok, out = run_check(q, answer, capsys)
    assert ok is False
    assert "Not attempted yet" in out and "✗" not in out, out


class Exploding:
    """An answer that raises whatever the checker does with it."""

    def _boom(self, *args, **kwargs):
        raise RuntimeError("boom")

    __len__ = __iter__ = __float__ = __array__ = __getitem__ = __eq__ = __hash__ = __bool__ = _boom
    __lt__ = __gt__ = __index__ = __int__ = __str__ = _boom


def crash(*args):
    """A learner's function that crashes."""
    raise RuntimeError("boom")


# Code in a hint: a backtick, @, a module prefix, a call `name(`, an assignment `name =` (also `x[i] =`, `w -=`).
CODE = re.compile(r"`|@|\b(np|torch|F|nn)\.|\b[A-Za-z_][\w.]*\(|\b[A-Za-z_]\w*(\[[^\]]*\])?\s*[-+*/]?=(?!=)")


def solution_lines(q) -> list[str]:
    """The solution's lines of code (comments stripped), those longer than 3 characters."""
    lines = [ln.split("#")[0].strip() for ln in q.solution_code.splitlines()]
    return [ln for ln in lines if len(ln) > 3]


def code_in_hint(q, text: str) -> list[str]:
    """What in `text` is code: lines of the solution, and code patterns."""
    return [ln for ln in solution_lines(q) if ln in text] + [m.group(0) for m in CODE.finditer(text)]


def loopholes(q) -> list[tuple[str, Callable, str]]:
    """(how, a learner's function that hands the work to a forbidden callable, its name): by name and by owner.

    A module in `forbid` is tried through three of its members (the first, one in the middle, the last)."""
    found, members = [], {}
    for owner, name, obj, label in places(q.forbid):
        members.setdefault(label.split(" from ")[1], []).append((owner, name, obj, label))
    for group in members.values():
        for owner, name, obj, label in sorted({id(g[2]): g for g in (group[0], group[len(group) // 2], group[-1])}
                                              .values(), key=lambda g: g[1]):
            by_name, by_owner = {name: obj}, {"owner": owner}
            exec(f"def cheat(*args):\n    return {name}(*args)", by_name)  # noqa: S102 - `from x import f`, f(...)
            exec(f"def cheat(*args):\n    return owner.{name}(*args)", by_owner)  # noqa: S102 - `x.f(...)`
            found += [(f"{label}, by name", by_name["cheat"], label), (f"{label}, by owner", by_owner["cheat"], label)]
    return found


def in_place(q) -> list:
    """Every callable `q` forbids, as found where it lives now (a tripwire left behind would show here)."""
    return [obj for _, _, obj, _ in places(q.forbid)]


def check_cells(notebook: str) -> dict[str, tuple[int, str]]:
    """For each exercise checked in the notebook: (index of its placeholder cell, the expression it checks)."""
    cells = nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4).cells
    code = [i for i, c in enumerate(cells) if c.cell_type == "code"]
    found = {}
    for k, i in enumerate(code):
        for name, expr in re.findall(r"^\s*([pq]\d+)\.check\((.*)\)\s*$", cells[i].source, re.M):
            found.setdefault(name, (code[k - 1], expr))
    return found


def _exec(source: str, ns: dict) -> None:
    """Run a notebook cell's code (IPython magics and shell lines skipped) in `ns`, its output hidden."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile("\n".join(lines), "<notebook cell>", "exec"), ns)  # noqa: S102 - our own notebook


def solution_verdicts(ex, namespace: Callable[[], dict] | None = None) -> dict[str, str]:
    """Paste each solution into its placeholder cell and run the notebook's check; return what each check printed.

    Without `namespace`, every code cell runs in order (the notebook as the learner has it, solutions swapped in).
    With `namespace`, only the Setup cell runs, plus the names `namespace()` returns (for notebooks that train).
    """
    cells = nbformat.read(NOTEBOOKS / f"{ex.NOTEBOOK}.ipynb", as_version=4).cells
    placeholders = {i: (name, expr) for name, (i, expr) in check_cells(ex.NOTEBOOK).items()}
    exercises = dict(exercises_in(ex))
    ns: dict = {"__name__": "__main__"}
    verdicts = {}
    setup = next(i for i, c in enumerate(cells) if c.cell_type == "code")
    _exec(cells[setup].source, ns)
    if namespace is not None:
        ns.update(namespace())
    for i, cell in enumerate(cells):
        if cell.cell_type != "code" or i == setup:
            continue
        if i in placeholders:
            name, expr = placeholders[i]
            trial = dict(ns)
            out = io.StringIO()
            try:
                _exec(exercises[name].solution_code, trial)
                with contextlib.redirect_stdout(out):
                    ok = exercises[name].check(eval(expr, trial))  # noqa: S307 - the notebook's own expression
            except Exception as err:  # noqa: BLE001 - reported as the test's failure message
                ok, out = False, io.StringIO(f"the solution raised {type(err).__name__}: {err}")
            verdicts[name] = ("ok " if ok else "FAILED ") + out.getvalue()
        if namespace is None:
            _exec(cell.source, ns)
    return verdicts


def exercise_suite(ex, reference: dict, wrong: dict, namespace: Callable[[], dict] | None = None) -> dict:
    """The tests every exercise module shares, for `ex.q1, ex.q2, ...` and predictions `ex.p1, ...`.

    `reference` maps "q1" to a right answer; `wrong` maps "q1" to [(wrong answer, words the feedback must contain)];
    `namespace` (see `solution_verdicts`) is for notebooks too slow to replay. Use it as
    `globals().update(exercise_suite(ex, REFERENCE, WRONG))` so that pytest collects the tests.
    """
    names = sorted(name for name, _ in exercises_in(ex))

    def test_every_exercise_is_covered():
        assert names, f"{ex.__name__} defines no exercises"
        assert sorted(reference) == names, "give a right answer for every exercise and prediction"
        assert set(check_cells(ex.NOTEBOOK)) == set(names), "every exercise is checked in the notebook, once"

    @pytest.mark.parametrize("name", names)
    def test_reference_answer_passes(name, capsys):
        q = getattr(ex, name)
        assert_accepted(q, reference[name], capsys)
        if callable(q.reference) and not isinstance(q, ChoiceExercise):  # the exercise's own answer, handed in
            assert_rejected(q, q.reference, capsys, "own reference")
        if isinstance(q, FunctionExercise):  # ... and called inside the learner's function (07's backward_fn)
            ref = q.reference
            assert_rejected(q, lambda *args: ref(*args), capsys, "your function calls")

    @pytest.mark.parametrize("name, answer, words", [(n, a, w) for n, pairs in wrong.items() for a, w in pairs])
    def test_wrong_answers_fail_with_feedback(name, answer, words, capsys):
        out = assert_rejected(getattr(ex, name), answer, capsys, words)
        if isinstance(getattr(ex, name), ValueExercise):
            assert "expected" not in out, "a value exercise must not print the expected value"

    @pytest.mark.parametrize("name", names)
    def test_named_slips_get_their_own_message(name, capsys):
        q = getattr(ex, name)
        for slip, message in getattr(q, "mistakes", []):
            answer = slip if isinstance(q, FunctionExercise) else slip()
            assert_rejected(q, answer, capsys, message)

    @pytest.mark.parametrize("name", names)
    def test_placeholder_is_not_attempted(name, capsys):
        assert_not_attempted(getattr(ex, name), ..., capsys)

    @pytest.mark.parametrize("name", names)
    def test_crash_is_reported(name, capsys):
        q = getattr(ex, name)
        out = assert_rejected(q, crash if isinstance(q, FunctionExercise) else Exploding(), capsys)
        assert "RuntimeError" in out or "expected" in out or "answer with" in out, out

    @pytest.mark.parametrize("name", names)
    def test_hint_and_solution(name, capsys):
        q = copy.copy(getattr(ex, name))  # a copy: the module's exercise keeps its hint count
        q.hint()
        assert len(capsys.readouterr().out.strip()) > len("💡 Hint 1 of 2:") + 10
        q.solution()
        assert "Solution" in capsys.readouterr().out and q.solution_code

    @pytest.mark.parametrize("name", names)
    def test_hints_come_in_levels_and_the_last_is_not_the_solution(name):
        q = getattr(ex, name)
        assert isinstance(q, ChoiceExercise) or len(q.hints) >= 2, "every exercise but a prediction: >= 2 levels"
        assert all(isinstance(h, str) and len(h) > 20 for h in q.hints)
        body = [ln for ln in solution_lines(q) if not ln.startswith("def ")]
        assert not all(ln in q.hints[-1] for ln in body), "a hint must not paste the whole solution"

    @pytest.mark.parametrize("name", [n for n in names if not isinstance(getattr(ex, n), ChoiceExercise)])
    def test_first_hint_is_words_not_code(name):
        q = getattr(ex, name)
        assert not code_in_hint(q, q.hints[0]), f"hint 1 holds code: {code_in_hint(q, q.hints[0])}"

    @pytest.mark.parametrize("name", names)
    def test_each_hint_call_gives_the_next_level_then_repeats_the_last(name, capsys):
        q = copy.copy(getattr(ex, name))
        q.hints_used = q._shown = 0
        n = len(q.hints)
        for k in range(1, n + 2):
            q.hint()
            out = capsys.readouterr().out
            assert f"Hint {min(k, n)} of {n}: {q.hints[min(k, n) - 1]}" in out, out
            assert ("There is no hint" in out) == (k > n), out
        assert q.hints_used == n

    @pytest.mark.parametrize("name, how, cheat, label",
                             [(n, how, cheat, label) for n in names for how, cheat, label in loopholes(getattr(ex, n))])
    def test_a_function_that_calls_what_it_should_write_is_refused(name, how, cheat, label, capsys):
        q = copy.copy(getattr(ex, name))
        before, names_before = in_place(q), dict(cheat.__globals__)
        out = assert_rejected(q, cheat, capsys, f"your function calls {label}")
        assert "Do it by hand" in out
        assert in_place(q) == before and dict(cheat.__globals__) == names_before, "a tripwire was left in place"

    @pytest.mark.parametrize("name", [n for n in names if getattr(ex, n).forbid])
    def test_what_is_forbidden_exists_and_stays_in_place_after_a_crash(name, capsys):
        q = copy.copy(getattr(ex, name))
        before = in_place(q)
        assert before and all(obj is not None for obj in before)
        assert_rejected(q, crash, capsys)
        assert in_place(q) == before

    verdicts: dict = {}

    @pytest.mark.parametrize("name", names)
    def test_solution_passes_in_its_notebook_cell(name):
        if not verdicts:
            verdicts.update(solution_verdicts(ex, namespace))
        assert verdicts.get(name, "FAILED: no check cell").startswith("ok"), verdicts.get(name)

    tests = (test_every_exercise_is_covered, test_reference_answer_passes, test_wrong_answers_fail_with_feedback,
             test_named_slips_get_their_own_message, test_placeholder_is_not_attempted, test_crash_is_reported,
             test_hint_and_solution, test_hints_come_in_levels_and_the_last_is_not_the_solution,
             test_first_hint_is_words_not_code, test_each_hint_call_gives_the_next_level_then_repeats_the_last,
             test_solution_passes_in_its_notebook_cell)
    if any(getattr(ex, n).forbid for n in names):  # tripwires
        tests += (test_a_function_that_calls_what_it_should_write_is_refused,
                  test_what_is_forbidden_exists_and_stays_in_place_after_a_crash)
    return {t.__name__: t for t in tests}
