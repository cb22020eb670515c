"""The checker tells the truth: one test per promise of helpers/exercises/core.py and the progress tracker."""

from __future__ import annotations

import json
import sys
import types
import warnings

import numpy as np
import pytest
import torch

import helpers.activations
import helpers.losses
from helpers.activations import relu, sigmoid
from helpers.errors import CourseError
from helpers.exercises.core import (
    ChoiceExercise,
    CustomExercise,
    FunctionExercise,
    NotAttempted,
    ValueExercise,
    Verdict,
    Wrong,
    _differ,
    compare,
    show,
)
from helpers.exercises.tracking import _notebook_number, progress, progress_rows, summary_line
from helpers.exercises.tripwires import places
from tests.exercise_checks import assert_accepted, assert_not_attempted, assert_rejected, run_check

_BACKWARD = torch.Tensor.backward


def _relu(z):
    return np.maximum(z, 0.0)


Q_RELU = FunctionExercise("Write ReLU", _relu, [{"z": np.array([-1.0, 0.0, 2.0])}], hint="max(z, 0)",
                          solution="def my_relu(z):\n    return np.maximum(z, 0.0)")


def _layer(X, W, b):
    return X @ W.T + b


LAYER_CASE = {"X": np.ones((4, 3)), "W": np.arange(6.0).reshape(2, 3), "b": np.zeros(2)}
Q_LAYER = FunctionExercise("A layer", _layer, [LAYER_CASE], hint="X @ W.T + b")
Q_VALUE = ValueExercise("A value", lambda: 0.2315, hint="sigmoid of z", atol=1e-4, rtol=0)


def test_forgotten_return_is_named_not_called_not_attempted(capsys):
    def my_relu(z):
        np.maximum(z, 0.0)  # no return

    out = assert_rejected(Q_RELU, my_relu, capsys, "returned None: did you forget `return`?")
    assert "Not attempted" not in out


def test_learner_function_is_called_positionally(capsys):
    ok, out = run_check(Q_RELU, lambda anything: np.maximum(anything, 0.0), capsys)
    assert ok, out


def test_close_answer_shows_difference_and_tolerance_not_equal_looking_numbers(capsys):
    out = assert_rejected(Q_VALUE, 0.2317, capsys, "off by 0.0002")
    assert "tolerance is 0.0001" in out
    assert "0.2315" not in out  # never "expected 0.2315, got 0.2315"


def test_function_feedback_prints_enough_digits_to_differ(capsys):
    q = FunctionExercise("Digits", lambda x: x * 1.00001, [{"x": 1.0}], hint="h", rtol=0, atol=1e-9)
    out = assert_rejected(q, lambda x: x * 1.00002, capsys)
    lines = [ln for ln in out.splitlines() if "expected" in ln or "off by" in ln]
    assert lines and "expected 1.00001, got 1.00001" not in out, out


def test_comparing_with_a_slip_that_holds_nan_prints_no_numpy_warning():
    """Slips' outputs may hold nan (naive softmax): comparing with them prints no RuntimeWarning to the learner."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _differ(np.array([[0.0, 0.0, np.nan]]), np.array([[0.0, 0.5, np.nan]]), 1e-6, 1e-5) == ""


@pytest.mark.parametrize(("answer", "words"), [(0.0, "it is 0, and the right value is not"), (-0.2315, "sign is wrong"),
                                               (0.463, "2 times too big"), (0.9, "too big"), (0.01, "too small")])
def test_wrong_value_gets_guidance_never_the_value(answer, words, capsys):
    out = assert_rejected(Q_VALUE, answer, capsys, words)
    assert "0.2315" not in out and "expected" not in out


Q_NEGATIVE = ValueExercise("A negative value", lambda: -2.0, hint="h")


@pytest.mark.parametrize(("answer", "words"), [(-2.5, "too far from 0"), (-1.5, "too close to 0"),
                                               (-20.0, "10 times too big"), (2.0, "sign is wrong")])
def test_guidance_for_a_negative_value_points_the_right_way(answer, words, capsys):
    out = assert_rejected(Q_NEGATIVE, answer, capsys, words)
    assert "-2" not in out and "expected" not in out


@pytest.mark.parametrize(("got", "expected", "words"), [
    ([-2.5], [-2.0], "too far from 0"), ([-1.5], [-2.0], "too close to 0"),
    ([3.0], [2.0], "too big"), ([1.5], [2.0], "too small"),
    ([2.0, -1.0], [1.0, -2.0], "too big in value"), ([0.0, -3.0], [1.0, -2.0], "too small in value"),
])
def test_guidance_compares_signed_values(got, expected, words):
    from helpers.exercises.core import guidance
    text = guidance(np.array(got), np.array(expected))
    assert text.startswith(f"it is {words}"), text


def test_a_slip_that_raises_is_skipped_and_the_answer_gets_normal_feedback(capsys):
    def impossible(z):
        return np.ones((2, 3)) @ z  # cannot be formed for this case

    q = FunctionExercise("Slips", _relu, [{"z": np.array([-1.0, 0.0, 2.0, 4.0])}], hint="h",
                         mistakes=[(impossible, "a slip"), (lambda z: z, "you returned z")])
    out = assert_rejected(q, lambda z: z * 0, capsys, "the result is not right")
    assert "checking your answer failed" not in out, out
    assert_rejected(q, lambda z: z, capsys, "you returned z")  # the slips after it are still tried


def test_function_exercise_may_name_input_and_expected_output(capsys):
    out = assert_rejected(Q_RELU, lambda z: z, capsys, "expected")
    assert "when called with z=[-1.  0.  2.]" in out


def test_placeholder_shows_as_dots_never_ellipsis(capsys):
    q = FunctionExercise("Two outputs", lambda x: (x, 2 * x), [{"x": 1.0}], hint="h", names=("a", "b"))
    out = assert_rejected(q, lambda x: (x, ...), capsys, "b is still `...`")
    assert "Ellipsis" not in out
    assert show(...) == "..."


def test_large_arrays_are_summarised_by_shape():
    text = show(np.arange(1000.0).reshape(10, 100))
    assert "shape (10, 100)" in text and len(text) < 80


def test_matmul_shape_error_names_both_shapes(capsys):
    def my_layer(X, W, b):
        return X @ W + b  # forgot the transpose: (4, 3) @ (2, 3)

    out = assert_rejected(Q_LAYER, my_layer, capsys, "`X` has shape (4, 3) and `W` has shape (2, 3)")
    assert "gufunc" not in out and "core dimension" not in out


def test_matmul_error_through_np_dot_is_explained_too(capsys):
    assert_rejected(Q_LAYER, lambda X, W, b: np.dot(X, W) + b, capsys, "has shape (2, 3)")


def test_matmul_error_names_the_product_that_mismatches_not_the_first_one_on_the_line(capsys):
    from helpers.activations import sigmoid
    from helpers.exercises.backprop import q4

    def sigmoid_net_backward(X, y, W1, b1, W2, b2):  # notebook 05's template, filled in on its one line
        n = len(X)
        H = sigmoid(X @ W1.T + b1)
        dY = 2 * (H @ W2.T + b2 - y) / n
        dZ1 = (dY @ W2) * H * (1 - H)
        dW1, db1, dW2, db2 = dZ1.T @ X, dZ1.sum(axis=0), H @ dY, dY.sum(axis=0)  # H @ dY: (13, 7) @ (13, 1)
        return dW1, db1, dW2, db2

    out = assert_rejected(q4, sigmoid_net_backward, capsys,
                          "product of `H` and `dY` cannot be done: `H` has shape (13, 7) and `dY` has shape (13, 1)")
    assert "dZ1.T" not in out  # (7, 13) @ (13, 2) is a valid product: it must not be blamed


def test_not_attempted_is_its_own_exception_class(capsys):
    assert issubclass(NotAttempted, Wrong)

    def checker(answer):
        raise NotAttempted

    assert_not_attempted(CustomExercise("C", 1, checker, hint="h"), 3, capsys)
    assert_not_attempted(Q_RELU, lambda z: ..., capsys)


def test_check_returns_a_verdict_that_does_not_echo(capsys):
    verdict = Q_RELU.check(_relu)
    capsys.readouterr()
    assert isinstance(verdict, Verdict) and bool(verdict) is True
    assert verdict._ipython_display_() is None  # IPython shows nothing for it
    assert bool(Q_RELU.check(lambda z: z)) is False


def test_course_function_passed_in_is_refused_with_reason(capsys):
    assert_rejected(Q_RELU, relu, capsys, "the course's own `helpers.activations.relu`")
    q = FunctionExercise("Forbid", _relu, [{"z": np.array([1.0])}], hint="h", forbid=(np.maximum,))
    assert_rejected(q, np.maximum, capsys, "write that function yourself")


# ---- hints in steps

def _three_hints():
    return ValueExercise("Steps", lambda: 1.0, hint=["the idea", "more concrete", "nearly the answer"])


def test_each_hint_call_gives_the_next_level_and_says_which(capsys):
    q = _three_hints()
    for k, text in enumerate(["the idea", "more concrete", "nearly the answer"], start=1):
        q.hint()
        out = capsys.readouterr().out
        assert f"Hint {k} of 3: {text}" in out, out
        assert (".hint() again for hint" in out) == (k < 3), out
    assert "last hint" in out and ".solution()" in out
    assert q.hints_used == 3


def test_asking_past_the_last_hint_repeats_it_with_a_note(capsys):
    q = _three_hints()
    q.hint(3)
    capsys.readouterr()
    q.hint()
    out = capsys.readouterr().out
    assert "Hint 3 of 3: nearly the answer" in out and "There is no hint 4" in out, out


def test_a_hint_level_can_be_asked_for_by_number(capsys):
    q = _three_hints()
    q.hint(2)
    assert "Hint 2 of 3: more concrete" in capsys.readouterr().out
    q.hint(1)
    q.hint()  # the next after the one just shown
    out = capsys.readouterr().out
    assert "Hint 1 of 3" in out and "Hint 2 of 3" in out, out
    assert q.hints_used == 2  # the most levels seen, for progress()


def test_a_single_hint_is_hint_1_of_1(capsys):
    Q_VALUE.hint()
    out = capsys.readouterr().out
    assert "Hint 1 of 1: sigmoid of z" in out and "last hint" in out


# ---- tripwires: a function that calls what it was asked to write is refused

Q_OWN_RELU = FunctionExercise("Own ReLU", lambda z: relu(z), [{"z": np.array([-1.0, 0.0, 2.0])}],
                              hint=["keep the positive part, replace the rest by zero", "np.maximum(z, 0)"],
                              forbid=("helpers.activations.relu", "torch.nn.functional", "torch.Tensor.backward"))


def _untouched() -> dict:
    """Every forbidden callable of Q_OWN_RELU, where it lives, and the names this module binds."""
    return {**{(id(owner), name): obj for owner, name, obj, _ in places(Q_OWN_RELU.forbid)},
            "relu": globals()["relu"], "module": helpers.activations.relu}


def test_a_call_to_the_forbidden_helper_is_refused_with_why_and_how(capsys):
    def my_relu(z):
        return relu(z)

    out = assert_rejected(Q_OWN_RELU, my_relu, capsys, "your function calls relu from helpers.activations")
    assert "the very computation this exercise asks you to write yourself" in out
    assert "Do it by hand: keep the positive part" in out  # hint 1, the idea in words


@pytest.mark.parametrize("source", [
    "def cheat(z):\n    return helpers.activations.relu(z)",  # through the module
    "def cheat(z):\n    from helpers.activations import relu as r\n    return r(z)",  # imported inside
    "def cheat(z):\n    try:\n        return relu(z)\n    except Exception:\n        return abs(z)",  # swallowed
    "def outer(r):\n    def cheat(z):\n        return r(z)\n    return cheat\ncheat = outer(relu)",  # a closure
    "def cheat(z):\n    import torch.nn.functional as F\n    return F.relu(torch.tensor(z)).numpy()",
    "def cheat(z):\n    t = torch.tensor(z, requires_grad=True)\n    t.sum().backward()\n    return z * t.grad.numpy()",
])
def test_every_way_to_reach_a_forbidden_callable_is_refused(source, capsys):
    ns = {"helpers": helpers, "relu": relu, "torch": torch, "np": np}
    exec(source, ns)  # noqa: S102 - a learner's cell
    before = _untouched()
    assert_rejected(Q_OWN_RELU, ns["cheat"], capsys, "your function calls")
    assert _untouched() == before and ns["relu"] is relu


def test_tripwires_are_removed_when_the_learner_function_raises(capsys):
    before = _untouched()

    def crashes_after_a_call(z):
        relu(z)
        raise ValueError("later")

    def crashes(z):
        raise ValueError("boom")

    assert_rejected(Q_OWN_RELU, crashes_after_a_call, capsys, "calls relu")
    assert_rejected(Q_OWN_RELU, crashes, capsys, "your function raised ValueError: boom")
    assert _untouched() == before and helpers.activations.relu is relu and torch.Tensor.backward is _BACKWARD


def test_honest_answers_pass_and_the_checker_still_uses_the_helper(capsys):
    """The reference calls relu (outside the learner's call); the learner may use other helpers and NumPy."""
    assert_accepted(Q_OWN_RELU, lambda z: np.maximum(z, 0.0), capsys)
    assert_accepted(Q_OWN_RELU, lambda z: z * (sigmoid(1e3 * z) > 0.5), capsys)


def test_a_forbidden_callable_handed_in_is_refused(capsys):
    import torch.nn.functional as F

    assert_rejected(Q_OWN_RELU, F.relu, capsys, "you passed the course's own `relu`")


def test_custom_exercises_call_the_learner_function_behind_tripwires(capsys):
    def checker(fn):
        compare(fn(np.array([-1.0, 2.0])), np.array([0.0, 2.0]))

    q = CustomExercise("Custom", None, checker, hint=["zero below, itself above", "h"],
                       forbid=("helpers.activations",))
    assert_rejected(q, lambda z: helpers.activations.relu(z), capsys, "calls relu from helpers.activations")
    assert_rejected(q, lambda z: helpers.activations.leaky_relu(z, 0.0), capsys, "calls leaky_relu")
    assert_accepted(q, lambda z: np.maximum(z, 0.0), capsys)


def test_a_module_stands_for_the_functions_it_defines_not_those_it_imports():
    names = {name for _, name, _, _ in places(("helpers.losses",))}
    assert {"mse", "mse_grad", "softmax_cross_entropy", "log_softmax"} <= names
    assert "softmax" not in names and "LossInputError" not in names  # imported; an exception
    assert helpers.losses.softmax is helpers.activations.softmax


def test_crash_inside_learner_function_is_reported(capsys):
    def boom(z):
        raise KeyError("x")

    assert_rejected(Q_RELU, boom, capsys, "your function raised KeyError")


def test_value_exercise_reference_is_the_value_and_passes(capsys):
    assert Q_VALUE.reference == 0.2315
    ok, _ = run_check(Q_VALUE, Q_VALUE.reference, capsys)
    assert ok


def test_none_value_is_not_taken_for_a_placeholder(capsys):
    out = assert_rejected(Q_VALUE, None, capsys, "your answer is None")
    assert "Not attempted" not in out


def test_choice_exercise_feedback_and_bad_key(capsys):
    q = ChoiceExercise("Predict", "b", {"a": "left", "b": "right"}, hint="h", feedback={"a": "think of the sign"})
    assert_rejected(q, "a", capsys, "think of the sign")
    assert_rejected(q, "c", capsys, 'answer with one of "a", "b"')
    assert run_check(q, " B ", capsys)[0]


def test_in_place_update_slip_is_named(capsys):
    def step(w, grad):
        return w - 0.1 * grad

    def in_place(w, grad):
        w -= 0.1 * grad
        return w

    case = {"w": np.array([1.0, 2.0]), "grad": np.array([1.0, 1.0])}
    q = FunctionExercise("Step", step, [case], hint="h", mistakes=[(lambda w, g: w, "you changed w in place")])
    ok, out = run_check(q, in_place, capsys)  # _copy keeps the case intact, so the in-place answer is still right
    assert ok, out
    assert case["w"].tolist() == [1.0, 2.0]


# ---- progress ----

def _fake_module(tmp_name: str) -> types.ModuleType:
    module = types.ModuleType(f"helpers.exercises.{tmp_name}")
    module.NOTEBOOK = "98_fake"
    module.q1 = ValueExercise("Exercise 1 (one)", lambda: 1.0, hint="h")
    module.q2 = ValueExercise("Exercise 2 (two)", lambda: 2.0, hint="h")
    module.p1 = ChoiceExercise("Prediction 1", "a", {"a": "x", "b": "y"}, hint="h")
    return module


@pytest.fixture
def fake(monkeypatch):
    module = _fake_module("fake_topic")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_progress_summary_counts_solved_and_names_open(fake, tmp_path, capsys):
    fake.q1.check(1.0)
    fake.q2.check(5.0)
    fake.p1.check("a")
    capsys.readouterr()
    progress("98", path=tmp_path / "p.json")
    out = capsys.readouterr().out
    assert out.strip() == ("Notebook 98: 1 of 2 exercises solved, 1 of 1 predictions right at the first answer; "
                           "still open: Exercise 2 (two)")
    assert not (tmp_path / "p.json").exists()  # nothing written unless asked


def test_a_prediction_right_only_after_a_wrong_answer_is_not_counted_right(fake, tmp_path, capsys):
    """The second answer to a prediction knows the first was wrong: only a right first answer counts."""
    fake.p1.check("b")
    fake.p1.check("a")
    assert fake.p1.status == "solved" and fake.p1.first_right is False
    capsys.readouterr()
    progress("98", save=True, path=tmp_path / "p.json")
    assert "0 of 1 predictions right at the first answer" in capsys.readouterr().out
    fake.p1.first_right = None  # a restarted kernel answers right at once: the saved first answer still counts
    fake.p1.check("a")
    assert "0 of 1 predictions right" in summary_line(progress_rows("98", tmp_path / "p.json"), "98")


def test_progress_save_writes_local_json_that_never_goes_backwards(fake, tmp_path, capsys):
    path = tmp_path / "progress.json"
    fake.q1.check(1.0)
    progress("98", save=True, path=path)
    rows = {r["exercise"]: r for r in json.loads(path.read_text())}
    assert rows["q1"]["status"] == "solved" and rows["q2"]["status"] == "untouched"
    assert {"notebook", "exercise", "title", "status", "time"} <= set(rows["q1"])
    fake.q1.status = "untouched"  # a restarted kernel
    assert {r["exercise"]: r["status"] for r in progress_rows("98", path)}["q1"] == "solved"


def test_progress_counts_hint_levels_in_the_line_and_the_file(fake, tmp_path, capsys):
    path = tmp_path / "progress.json"
    fake.q2.hints = ("one", "two")
    fake.q2.hint()
    fake.q2.hint()
    fake.p1.hint()
    progress("98", save=True, path=path)
    out = capsys.readouterr().out
    assert "hints used: p1 (1 level), q2 (2 levels); still open" in out, out
    rows = {r["exercise"]: r for r in json.loads(path.read_text())}
    assert (rows["q1"]["hints"], rows["q2"]["hints"], rows["p1"]["hints"]) == (0, 2, 1)
    fake.q2.hints_used = 0  # a restarted kernel: the saved count stays
    assert {r["exercise"]: r["hints"] for r in progress_rows("98", path)}["q2"] == 2


def test_progress_reads_old_or_damaged_hint_counts_as_zero(fake, tmp_path):
    path = tmp_path / "progress.json"
    path.write_text(json.dumps([{"notebook": "98_fake", "exercise": "q1", "title": "t", "status": "solved",
                                 "time": "x"},
                                {"notebook": "98_fake", "exercise": "q2", "title": "t", "status": "solved",
                                 "time": "x", "hints": "lots"}]))
    rows = {r["exercise"]: r for r in progress_rows("98", path)}
    assert rows["q1"]["hints"] == 0 and rows["q2"]["hints"] == 0
    assert "hints used" not in summary_line(list(rows.values()), "98_fake")


def test_whole_course_lists_every_notebook(tmp_path, capsys):
    progress(path=tmp_path / "none.json")
    out = capsys.readouterr().out
    for nb in ("01", "02", "03", "04", "05", "06", "07"):
        assert f"Notebook {nb}:" in out


def test_an_unanswered_prediction_keeps_the_notebook_open(fake, tmp_path, capsys):
    fake.q1.check(1.0)
    fake.q2.check(2.0)
    capsys.readouterr()
    progress("98", path=tmp_path / "p.json")
    out = capsys.readouterr().out.strip()
    assert out.endswith("still open: p1 (not answered)"), out
    fake.p1.check("b")  # answered (wrong): no longer open, and not counted right
    progress("98", path=tmp_path / "p.json")
    assert capsys.readouterr().out.strip().endswith("0 of 1 predictions right at the first answer. All done!")


def test_a_prediction_answered_in_the_wrong_form_keeps_its_first_answer(fake, tmp_path, capsys):
    """A slip of form (not a letter, or none of the letters) is refused but is not the learner's first answer."""
    for slip in (1, "1", "d"):
        fake.p1.check(slip)
        assert "did not count" in capsys.readouterr().out or not isinstance(slip, str) and slip == 1
    assert fake.p1.first_right is None and fake.p1.status == "attempted"
    fake.p1.check("a")
    assert fake.p1.first_right is True
    fake.p1.check("b")  # a later wrong answer changes nothing
    assert fake.p1.first_right is True


def test_an_answer_checked_after_the_solution_is_not_right_at_the_first(fake, capsys):
    fake.p1._solution = 'p1_answer = "a"'
    fake.p1.solution()
    fake.p1.check("a")
    assert fake.p1.status == "solved" and fake.p1.first_right is False
    fake.p1.first_right = True  # answered right before the solution was shown: that verdict stays
    fake.p1.solution()
    assert fake.p1.first_right is True


def test_progress_takes_a_notebooks_number_as_int_or_short_text(fake, tmp_path, capsys):
    for written in ("98", 98, " 98 "):
        progress(written, path=tmp_path / "p.json")
        assert capsys.readouterr().out.startswith("Notebook 98:"), written
    assert _notebook_number(1) == _notebook_number("1") == "01"  # notebook 01, not "No exercises found for '1'"
    for bad in (1.5, ["01"], True):
        with pytest.raises(CourseError, match=r'progress\("01"\)'):
            progress(bad, path=tmp_path / "p.json")


def test_summary_line_all_done():
    rows = [{"notebook": "01_x", "exercise": "q1", "title": "E1", "status": "solved"}]
    assert summary_line(rows, "01_x") == "Notebook 01: 1 of 1 exercises solved. All done!"


def test_another_notebooks_reference_is_refused_but_this_notebooks_own_helpers_stay(capsys):
    """07's q2 must not pass by calling 04's softmax_ce_grad; a notebook's own references stay callable."""
    import helpers.exercises.losses as losses

    def grad(Y, Z):  # the exercise's reference: (P - Y) / n
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        return (P / P.sum(axis=1, keepdims=True) - Y) / len(Z)

    case = {"Y": np.eye(3)[[0, 2]], "Z": np.array([[1.0, 2, 3], [0, 0, 1]])}
    q = FunctionExercise("softmax CE gradient", grad, [case], hint=["in words", "closer"])
    assert_rejected(q, lambda Y, Z: losses.softmax_ce_grad(Y, Z), capsys, "your function calls")
    from helpers.exercises.losses import softmax_ce_grad

    assert_rejected(q, lambda Y, Z: softmax_ce_grad(Y, Z), capsys, "your function calls")
    assert_accepted(q, lambda Y, Z: grad(Y, Z), capsys)  # not a course reference: fine
    assert losses.q5.reference in losses.q5._own()  # its own notebook's reference is off limits to q5 itself ...
    assert losses.q5.reference not in [r for r in losses.q4._other_references()]  # ... but not "another notebook's"


def test_a_prediction_answered_with_a_variable_asks_for_quotes(capsys):
    """p1_answer = a (no quotes) hands in an earlier array: the feedback says to quote the letter, no TypeError."""
    q = ChoiceExercise("pick", "b", {"a": "one", "b": "two"}, hint="think")
    out = assert_rejected(q, np.array([0.1, 0.2]), capsys, "letter in quotes")
    assert "TypeError" not in out and "unhashable" not in out


def test_an_exercise_reference_reached_as_an_attribute_is_refused(capsys):
    """`q.reference(...)` inside the learner's function is the exercise's own reference, reached through the
    exercise object rather than a name: refused like the name, and put back afterwards."""
    import helpers.exercises.losses as losses

    q = losses.q5
    assert_rejected(q, lambda Y, Z: q.reference(Y, Z), capsys, "your function calls softmax_ce_grad")
    assert_rejected(q, lambda Y, Z: q._reference(Y, Z), capsys, "your function calls softmax_ce_grad")
    assert q.reference is losses.softmax_ce_grad
