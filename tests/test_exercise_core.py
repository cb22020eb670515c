"""The checker tells the truth: one test per promise of helpers/exercises/core.py and the progress tracker."""

from __future__ import annotations

import json
import sys
import types

import numpy as np
import pytest

from helpers.activations import relu
from helpers.exercises.core import (
    ChoiceExercise,
    CustomExercise,
    FunctionExercise,
    NotAttempted,
    ValueExercise,
    Verdict,
    Wrong,
    show,
)
from helpers.exercises.tracking import progress, progress_rows, summary_line
from tests.exercise_checks import assert_not_attempted, assert_rejected, run_check


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


@pytest.mark.parametrize(("answer", "words"), [(-0.2315, "sign is wrong"), (0.463, "2 times too big"),
                                               (0.9, "too big"), (0.01, "too small")])
def test_wrong_value_gets_guidance_never_the_value(answer, words, capsys):
    out = assert_rejected(Q_VALUE, answer, capsys, words)
    assert "0.2315" not in out and "expected" not in out


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
    assert out.strip() == ("Notebook 98: 1 of 2 exercises solved, 1 of 1 predictions right; "
                           "still open: Exercise 2 (two)")
    assert not (tmp_path / "p.json").exists()  # nothing written unless asked


def test_progress_save_writes_local_json_that_never_goes_backwards(fake, tmp_path, capsys):
    path = tmp_path / "progress.json"
    fake.q1.check(1.0)
    progress("98", save=True, path=path)
    rows = {r["exercise"]: r for r in json.loads(path.read_text())}
    assert rows["q1"]["status"] == "solved" and rows["q2"]["status"] == "untouched"
    assert {"notebook", "exercise", "title", "status", "time"} <= set(rows["q1"])
    fake.q1.status = "untouched"  # a restarted kernel
    assert {r["exercise"]: r["status"] for r in progress_rows("98", path)}["q1"] == "solved"


def test_whole_course_lists_every_notebook(tmp_path, capsys):
    progress(path=tmp_path / "none.json")
    out = capsys.readouterr().out
    for nb in ("01", "02", "03", "04", "05", "06", "07"):
        assert f"Notebook {nb}:" in out


def test_summary_line_all_done():
    rows = [{"notebook": "01_x", "exercise": "q1", "title": "E1", "status": "solved"}]
    assert summary_line(rows, "01_x") == "Notebook 01: 1 of 1 exercises solved. All done!"
