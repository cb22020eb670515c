"""Notebook 01's exercises and predictions: the shared exercise suite, plus the checks that are specific to them."""

import ast
import itertools
import re

import numpy as np
import pytest

from helpers.activations import relu, sigmoid, step, tanh
from helpers.exercises import neurons as ex
from tests.exercise_checks import assert_accepted, assert_rejected, exercise_suite, run_check


def neuron_loop(x, w, b, g):
    """A learner's neuron written with a loop, parameter names of their own choosing."""
    total = b
    for xi, wi in zip(x, w, strict=True):
        total += wi * xi
    return g(total)


def layer_loop(inputs, weights, biases, act):
    """A learner's layer: one neuron per row of W."""
    return np.array([act(np.dot(row, inputs) + bias) for row, bias in zip(weights, biases, strict=True)])


REFERENCE = {
    "p1": "b", "p2": "a", "p3": "c", "p4": "c",
    "q1": neuron_loop,
    "q2": 46,
    "q3": (1.0, 1.0, -1.5),
    "q4": (1.0, 1.0, -0.5),
    "q5": layer_loop,
    "q6": 26,
}

WRONG = {
    "p1": [("a", "What is e⁰?"), ("c", "never happens"), ("d", "power 0 is 1"), ("e", 'one of "a"'),
           (0.5, 'one of "a"')],
    "p2": [("b", "grow or shrink"), ("c", "it is not lifted"), ("d", "does not multiply x")],
    "p3": [("a", "Which points satisfy it?"), ("b", "Which points satisfy it?"), ("d", "near the line")],
    "p4": [("a", "can 2 + b be ≤ 0"), ("b", "which points must it put on each side"),
           ("d", "same side of the same straight line")],
    "q1": [
        (lambda x, w, b, g: g(np.dot(w, x)), "the bias is missing"),
        (lambda x, w, b, g: g(np.dot(w, x)) + b, "added the bias after the activation"),
        (lambda x, w, b, g: np.dot(w, x) + b, "you returned z"),
        (lambda x, w, b, g: sigmoid(np.dot(w, x) + b), "use the activation `g` that is passed in"),
        (lambda x, w, b, g: np.sum(g(w * x)) + b, "g acts once"),
        (lambda x, w, b, g: np.dot(w, x) * b, "not multiplied"),
        (lambda x, w, b, g: g(w * x + b), "one value per input"),
        (lambda x, w, b, g: g(np.dot(w, x) - b), "when called with"),  # an unnamed slip: the failing input is shown
        (lambda x, w, b, g: None, "did you forget `return`"),
        (lambda x, w, b, g: g(np.dot(w, x) + b[0]), "your function raised TypeError"),
        (lambda x, w, b, g: g(w[0] * x[0] + w[1] * x[1] + b), "reads only the first 2 inputs"),
        (lambda x, w, b, g: g(w[0] * x[0] + b), "reads only the first 1 input,"),
        (lambda x, w, b, g: g(w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + b), "reads only the first 3 inputs"),
        (lambda x, w, b, g: g(np.dot(w, w) + b), "the weights by themselves"),
        (lambda x, w, b, g: g(np.dot(x, x) + b), "the inputs by themselves"),
        (lambda x, w, b, g: g(np.sum(w + x) + b), "added each weight to its input"),
        (lambda x, w, b, g: g(w), "you passed the weights w to g"),
        (lambda x, w, b, g: g(x), "you passed the inputs x to g"),
        (lambda x, w, b, g: np.dot(g(w), x) + b, "applied g to the weights w before the sum"),
        (lambda x, w, b, g: np.dot(w, g(x)) + b, "applied g to the inputs x before the sum"),
        (lambda x, w, b, g: g(np.dot(w, x) * b), "not multiplied"),
        (lambda x, w, b, g: np.sum(g(w * x + b)), "and added b to each"),
        (sigmoid, "the course's own"),
        (lambda x, w, b, g: g(sum(w[i] * x[i] for i in range(1, len(x))) + b), "x[0] is the first input"),
        (lambda x, w, b, g: g(np.sum(w * x + b)), "you added b to every product"),
        (lambda x, w, b, g: g(sum(w[i] * x[i] for i in range(len(x) - 1)) + b), "not stopping one early"),
    ],
    "q2": [
        (45, "w is too small"), (5, "solve for w"), (4.6, "solve for w"), (4.595, "solve for w"),
        (45.95, "not a whole number"), (100, "a smaller w works too"), (0, "not even leaning"),
        (-46, "not even leaning"), ("46", "whole number"),
        (float("nan"), "whole number"),
    ],
    "q3": [
        ((1.0, 1.0, 0.0), "(0, 1)"),  # OR-like: fires too often
        ((1.0, 1.0, -2.5), "AND(1, 1) = 1"),  # never fires
        ((-1.0, -1.0, 1.5), "(0, 0)"),  # NAND
        ((1.0, 1.0), "three numbers"),
        ("1, 1, -1.5", "three numbers"),
        ((1, "a", 2), "3 numbers"),
    ],
    "q4": [
        ((1.0, 1.0, -1.5), "OR(0, 1) = 1"),  # AND
        ((1.0, 1.0, 0.5), "OR(0, 0) = 0"),  # always fires
        ((1.0, 1.0, -1.0), "z = 1.0·0 + 1.0·1 + (−1.0) = 0.0 ≤ 0"),  # z = 0 does not fire
        ((1.0, 1.0), "three numbers"),
    ],
    "q5": [
        (lambda x, W, b, g: g(W.T @ x + b), "you used the columns of W"),
        (lambda x, W, b, g: g(W @ x), "the biases are missing"),
        (lambda x, W, b, g: g(W @ x) + b, "added the biases after the activation"),
        (lambda x, W, b, g: g(W @ x + b[0]), "not b[0]"),
        (lambda x, W, b, g: W @ x + b, "you returned the weighted sums"),
        (lambda x, W, b, g: g(np.dot(W[0], x) + b[0]), "you returned one neuron's output"),
        (lambda x, W, b, g: np.array([g(np.dot(W[i], x) + b) for i in range(len(b))]), "not the whole vector b"),
        (lambda x, W, b, g: g(x @ W + b), "you used the columns of W"),  # x @ W is Wᵀx: caught on the square W
        (lambda x, W, b, g: np.array([g(np.dot(W[i], x) + b[i]) for i in range(len(x))]), "one output per input"),
    ],
    "q6": [(20, "weights only"), (9, "counts the circles"), (6, "counts neurons"), (29, "the inputs a bias"),
           (25, "not it"),
           ("26", "whole number"), (26.5, "not a whole number")],
}

globals().update(exercise_suite(ex, REFERENCE, WRONG))


# ---- checks specific to notebook 01 ----

def test_neuron_cases_cover_every_activation_and_several_lengths():
    activations = {case["g"] for case in ex.q1.cases}
    assert {sigmoid, tanh, relu, step} <= activations
    assert len({len(case["x"]) for case in ex.q1.cases}) >= 3


def test_layer_cases_hold_a_square_matrix_so_a_transpose_is_caught():
    shapes = [case["W"].shape for case in ex.q5.cases]
    assert shapes[0][0] == shapes[0][1] and any(r != c for r, c in shapes)
    for case in ex.q5.cases:
        assert case["b"].shape == (case["W"].shape[0],) and case["x"].shape == (case["W"].shape[1],)


def test_smallest_step_weight_is_the_threshold():
    w = ex.smallest_step_weight()
    assert sigmoid(w * 0.1) > 0.99 >= sigmoid((w - 1) * 0.1)
    assert w == 46


@pytest.mark.parametrize("answer", [46, 46.0, np.int64(46), np.float64(46.0)])
def test_step_weight_accepts_any_whole_number_type(answer, capsys):
    assert run_check(ex.q2, answer, capsys)[0]


def test_and_feedback_shows_the_arithmetic(capsys):
    _, out = run_check(ex.q3, (1.0, 1.0, 0.0), capsys)
    assert "z = 1.0·0 + 1.0·1 + 0.0 = 1.0 > 0" in out


def test_a_sum_that_is_zero_on_paper_does_not_fire_whatever_the_float_noise(capsys):
    """0.1 + 0.2 − 0.3 is 5.6e-17 in floats: the step must still read it as 0, as the plane widget shows it."""
    _, out = run_check(ex.q3, (0.1, 0.2, -0.3), capsys)
    assert "(1, 1): z = 0.1·1 + 0.2·1 + (−0.3) = 0.0 ≤ 0" in out and "AND(1, 1) = 1" in out


@pytest.mark.parametrize(("q", "answer", "line"), [
    ("q3", (1, 1, -0.999), "(0, 1): z = 1.0·0 + 1.0·1 + (−0.999) = 0.001 > 0"),
    ("q3", (0.6, 0.6, -0.599), "(0, 1): z = 0.6·0 + 0.6·1 + (−0.599) = 0.001 > 0"),
    ("q4", (1, 1, -1.001), "(0, 1): z = 1.0·0 + 1.0·1 + (−1.001) = −0.001 ≤ 0"),
    ("q3", (0.25, 0.125, -0.0625), "(0, 1): z = 0.25·0 + 0.125·1 + (−0.0625) = 0.0625 > 0"),
])
def test_gate_feedback_shows_the_learners_own_numbers_and_a_true_comparison(q, answer, line, capsys):
    """Rounded to 2 decimals, a bias of −0.999 read '(−1.0) = 0.0 > 0': a bias the learner did not type, and false."""
    _, out = run_check(getattr(ex, q), answer, capsys)
    assert line in out


@pytest.mark.parametrize("answer", [(1, 1, -0.999), (0.6, 0.6, -0.599), (1, 1, -1.001), (1.0, 1.0, -1.0),
                                    (0.123, -0.4567, 0.00089), (3.14159, 2.71828, -5.85987), (1, 1, -1.99999)])
def test_the_arithmetic_in_the_gate_feedback_is_true(answer, capsys):
    """Whatever the learner typed, the line's numbers are theirs, they add up to the z it states, and the stated
    comparison of z with 0 holds."""
    pattern = re.compile(r"\((\d), (\d)\): z = (\S+)·\d \+ (\S+)·\d \+ (\S+) = (\S+) (> 0|≤ 0)")
    outs = [out for ok, out in (run_check(q, answer, capsys) for q in (ex.q3, ex.q4)) if not ok]
    assert outs  # each answer is wrong for at least one of the two gates
    for out in outs:
        match = pattern.search(out)
        assert match, out
        x1, x2 = int(match[1]), int(match[2])
        w1, w2, b, z = (float(t.strip("()").replace("−", "-")) for t in match.group(3, 4, 5, 6))
        assert (w1, w2, b) == tuple(float(v) for v in answer)
        assert z == pytest.approx(w1 * x1 + w2 * x2 + b, abs=1e-12)
        assert (z > 0) == (match[7] == "> 0")


def test_stopping_at_z_is_named_before_the_whole_number_test(capsys):
    _, out = run_check(ex.q2, float(np.log(99)), capsys)
    assert "solve for w" in out and "not a whole number" not in out


def test_other_and_and_or_weights_are_accepted(capsys):
    assert run_check(ex.q3, (2.0, 2.0, -3.0), capsys)[0]
    assert run_check(ex.q3, [0.5, 0.7, -1.0], capsys)[0]
    assert run_check(ex.q4, (2.0, 3.0, -1.0), capsys)[0]
    assert run_check(ex.q4, (1, 1, 0), capsys)[0]  # z = 0 at (0, 0) does not fire: OR without a bias
    assert run_check(ex.q6, np.int64(26), capsys)[0]


def test_gate_tables_are_and_and_or():
    for (x1, x2), target in ex.AND_TABLE.items():
        assert target == (x1 and x2)
    for (x1, x2), target in ex.OR_TABLE.items():
        assert target == (x1 or x2)


def test_no_step_neuron_computes_xor():
    """Prediction 4's answer, by search: no (w1, w2, b) on a grid computes XOR (while AND and OR are found)."""
    grid = np.linspace(-3, 3, 25)
    points = np.array(list(ex.AND_TABLE))  # (4, 2)
    xor = np.array([x1 ^ x2 for x1, x2 in ex.AND_TABLE])
    found = {"AND": 0, "OR": 0, "XOR": 0}
    for w1, w2, b in itertools.product(grid, grid, grid):
        out = step(points @ np.array([w1, w2]) + b)
        found["AND"] += np.array_equal(out, list(ex.AND_TABLE.values()))
        found["OR"] += np.array_equal(out, list(ex.OR_TABLE.values()))
        found["XOR"] += np.array_equal(out, xor)
    assert found["AND"] and found["OR"] and not found["XOR"]


def test_and_is_impossible_without_a_bias():
    """01 says so after the b = 0 demonstration: with b = 0 no step neuron computes AND."""
    grid = np.linspace(-3, 3, 61)
    points = np.array(list(ex.AND_TABLE))
    target = list(ex.AND_TABLE.values())
    outputs = (step(points @ np.array([w1, w2])) for w1, w2 in itertools.product(grid, grid))
    assert not any(np.array_equal(out, target) for out in outputs)


def test_function_feedback_names_the_failing_input(capsys):
    _, out = run_check(ex.q1, lambda x, w, b, g: g(np.dot(w, x) - b), capsys)
    assert "x=[ 2.  -1.   0.5]" in out and "g=sigmoid" in out


def test_a_choice_answer_may_carry_spaces_or_capitals(capsys):
    assert run_check(ex.p1, " B ", capsys)[0]


# ---- tripwires: the neuron and the layer are written, not borrowed from helpers.forward

def test_a_neuron_that_calls_the_course_layer_is_refused_and_one_with_g_passes(capsys):
    from helpers.forward import dense

    def neuron_by_dense(x, w, b, g):
        return dense(x[None, :], w[None, :], np.array([b]), g)[0, 0]

    assert_rejected(ex.q1, neuron_by_dense, capsys, "your function calls dense from helpers.forward")
    assert_accepted(ex.q1, lambda x, w, b, g: g(w @ x + b), capsys)  # g is a course activation: allowed
    assert_accepted(ex.q5, lambda x, W, b, g: g(W @ x + b), capsys)


def test_a_layer_that_hands_the_work_to_torch_is_refused_and_one_with_torch_dot_passes(capsys):
    """Exercise 5 is written by hand: torch.nn.functional.linear (or an nn.Linear) does the layer for the learner."""
    import torch

    def layer_by_torch(x, W, b, g):
        return g(torch.nn.functional.linear(torch.tensor(x), torch.tensor(W), torch.tensor(b)).numpy())

    def layer_by_torch_dot(x, W, b, g):
        xt = torch.tensor(x)
        return np.array([g(float(torch.dot(torch.tensor(row), xt)) + bi) for row, bi in zip(W, b, strict=True)])

    assert_rejected(ex.q5, layer_by_torch, capsys, "your function calls linear from torch.nn.functional")
    assert_accepted(ex.q5, layer_by_torch_dot, capsys)


def _slips_that_differ_from_the_answer_here(q, case):
    """(message, value) of every named slip, the reference last; a slip is left out where it is no slip: reading
    only the first k inputs with k the number of inputs, or one output per input where there are as many neurons."""
    d = len(case.get("x", ()))
    square = d == np.size(case.get("b", ()))
    def reads_all(message):  # "only the first k inputs" with k >= d reads every input here
        k = re.search(r"only the first (\d+) input", message)
        return k is not None and int(k.group(1)) >= d

    values = [(message, np.asarray(slip(*case.values()), dtype=float)) for slip, message in q.mistakes
              if not reads_all(message) and not (square and "one output per input" in message)]
    return [*values, ("the reference", np.asarray(q.reference(*case.values()), dtype=float))]


@pytest.mark.parametrize("q", [ex.q1, ex.q5], ids=["q1", "q5"])
def test_named_slips_give_different_values_on_the_first_case(q):
    """Every case is checked in order, so the first must tell the slips apart (no ±p pair in w*x, no product equal
    to b: a neuron reading two of three inputs must not look like one that forgot the bias). q1's first case uses
    the sigmoid, like q5's, so the slip 'always the sigmoid' is told apart on a later case instead."""
    case = q.cases[0]
    values = [(m, v) for m, v in _slips_that_differ_from_the_answer_here(q, case)
              if "you used the sigmoid" not in m]  # both first cases use the sigmoid
    for i, (m_a, a) in enumerate(values):
        for m_b, b in values[:i]:
            assert a.shape != b.shape or not np.allclose(a, b, atol=1e-6, rtol=1e-5), (m_b, m_a, a)


def test_always_the_sigmoid_is_named_on_the_second_case(capsys):
    assert ex.q1.cases[0]["g"] is sigmoid and ex.q1.cases[1]["g"] is not sigmoid
    out = assert_rejected(ex.q1, lambda x, w, b, g: sigmoid(np.dot(w, x) + b), capsys, "use the activation `g`")
    assert "g=tanh" in out


def test_two_inputs_written_out_are_not_taken_for_a_missing_bias(capsys):
    out = assert_rejected(ex.q1, lambda x, w, b, g: g(w[0] * x[0] + w[1] * x[1] + b), capsys, "first 2 inputs")
    assert "bias is missing" not in out


def test_bias_outside_the_activation_is_named_not_taken_for_g_on_each_product(capsys):
    out = assert_rejected(ex.q1, lambda x, w, b, g: g(np.dot(w, x)) + b, capsys, "after the activation")
    assert "each product" not in out


def test_a_slip_that_cannot_be_computed_for_a_case_is_skipped_not_reported_as_a_crash(capsys):
    """q5's slip W.T @ x cannot be formed on the 4×3 case: it is skipped, and the learner's wrong answer (three
    outputs for four neurons) still gets its feedback from a later slip, not a crash report."""
    def layer_of_three(x, W, b, g):  # right for the 3×3 case, wrong for the 4×3 one
        a = np.zeros(3)
        for i in range(3):
            a[i] = g(np.dot(W[i], x) + b[i])
        return a

    out = assert_rejected(ex.q5, layer_of_three, capsys, "one output per neuron")  # 3 outputs where 4 neurons
    assert "checking your answer failed" not in out and "matmul" not in out, out


def test_the_format_example_of_the_gate_exercises_solves_neither_gate(capsys):
    """A mistyped pair gets an example of the format: it must not be an answer (01_n1: (0.5, 0.5, 0.0) was OR)."""
    for q in (ex.q3, ex.q4):
        out = assert_rejected(q, (1, 1), capsys, "written like")
        example = re.search(r"written like (\(.*?\))", out).group(1)
        assert_rejected(ex.q3, ast.literal_eval(example), capsys)
        assert_rejected(ex.q4, ast.literal_eval(example), capsys)


def test_a_parameter_count_that_is_not_whole_is_not_asked_for_the_smallest(capsys):
    out = assert_rejected(ex.q6, 26.5, capsys, "a count of weights and biases is a whole number")
    assert "smallest" not in out


def test_neuron_handed_to_torch_is_refused_as_in_the_layer_exercise(capsys):
    import torch

    def by_torch(x, w, b, g):
        return g(torch.nn.functional.linear(torch.tensor(x), torch.tensor(w)[None],
                                            torch.tensor([b], dtype=torch.float64)).numpy()[0])

    assert_rejected(ex.q1, by_torch, capsys, "linear")


@pytest.mark.parametrize(("q", "slip", "words"), [
    (ex.q1, lambda x, w, b, g: g(np.dot(w, x) - b), "you subtracted the bias"),
    (ex.q5, lambda x, W, b, g: sigmoid(W @ x + b), "use the activation `g` that is passed in"),
    (ex.q5, lambda x, W, b, g: np.array([...] * len(b)), "a function you call"),
])
def test_named_slips_of_the_second_read(q, slip, words, capsys):
    assert_rejected(q, slip, capsys, words)


def test_every_input_counts_in_the_checks_five_input_cases(capsys):
    """01_n3: the 5-input cases used step (q1) and an all-zero ReLU (q5), so reading 4 inputs of 5 passed."""
    assert_rejected(ex.q1, lambda x, w, b, g: g(np.dot(w[:4], x[:4]) + b), capsys, "only the first 4 inputs")
    assert_rejected(ex.q5, lambda x, W, b, g: np.array([g(W[i][:4] @ x[:4] + b[i]) for i in range(len(b))]), capsys)


def test_the_fourth_read_slips(capsys):
    """01_n4: a list of outputs, an unfinished neuron inside the layer, a count missing one layer's biases."""
    assert_rejected(ex.q5, lambda x, W, b, g: [g(np.dot(W[i], x) + b[i]) for i in range(len(b))], capsys,
                    "return a NumPy array")

    def layer_over_unfinished_neuron(x, W, b, g):
        h = np.zeros(len(b))
        for i in range(len(b)):
            h[i] = ...  # what an unsolved Exercise 1 returns
        return h

    assert_rejected(ex.q5, layer_over_unfinished_neuron, capsys, "unfinished function")
    assert_rejected(ex.q6, 22, capsys, "only the output layer its biases")
    assert_rejected(ex.q6, 24, capsys, "multiplies the layer sizes")


def test_nine_is_named_as_the_circles_not_the_neurons(capsys):
    """01_o1: 3 + 4 + 2 = 9 counts the circles of the picture, 3 of them inputs; the network has 6 neurons."""
    out = assert_rejected(ex.q6, 9, capsys, "3 inputs and 6 neurons")
    assert "9 counts neurons" not in out
    assert_rejected(ex.q6, 6, capsys, "6 counts neurons")


def test_twenty_four_names_both_readings(capsys):
    """01_o2 C1: 24 is 3·4·2, and also 12 + 4 + 8 (the output layer's biases forgotten): both are named."""
    out = assert_rejected(ex.q6, 3 * 4 + 4 + 4 * 2, capsys, "multiplies the layer sizes")
    assert "the 2 output neurons have a bias each too" in out


def _loop_layer(make_output, bias):
    """The loop form of Exercise 5 (solution, hint 2), with the output array and the bias a learner might pick."""
    def layer(x, W, b, g):
        a = make_output(x, b)
        for i in range(len(b)):
            a[i] = g(np.dot(W[i], x) + bias(b, i))
        return a
    return layer


def test_a_loop_that_adds_the_whole_bias_vector_is_told_about_the_bias(capsys):
    """01_o2 C2: `+ b` in the loop crashes with NumPy's 'setting an array element with a sequence'."""
    slip = _loop_layer(lambda x, b: np.zeros(len(b)), lambda b, i: b)
    out = assert_rejected(ex.q5, slip, capsys, "setting an array element with a sequence")
    assert "its own b[i]" in out and "one a[i] got several numbers" in out


def test_an_output_array_as_long_as_the_input_is_named(capsys):
    """01_o2 C2: a = np.zeros_like(x) fails with an IndexError on the 4×3 case: say the output has len(b) entries."""
    slip = _loop_layer(lambda x, b: np.zeros_like(x), lambda b, i: b[i])
    out = assert_rejected(ex.q5, slip, capsys, "IndexError")
    assert "one entry per neuron, len(b)" in out
    # an IndexError from elsewhere (reading x past its end) gets no such advice
    out = assert_rejected(ex.q5, lambda x, W, b, g: g(W @ x + b) + x[len(x)], capsys, "IndexError")
    assert "len(b)" not in out


def test_a_sign_slip_in_the_step_weight_is_named_before_the_whole_number_test(capsys):
    """01_o2 nit: ln(0.99)/0.1 = −0.1005 is told its sign first, not that it is not whole."""
    out = assert_rejected(ex.q2, float(np.log(0.99) / 0.1), capsys, "≤ 0")
    assert "not a whole number" not in out
    assert_rejected(ex.q2, -46, capsys, "Check the sign")
