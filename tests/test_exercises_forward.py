"""Notebook 03's exercises and predictions: the shared exercise suite, plus checks specific to these exercises."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from helpers.activations import relu, sigmoid
from helpers.exercises import forward as ex
from helpers.forward import XOR_PRESET
from helpers.models import SimpleNN
from helpers.plots.forward import TARGETS
from tests.exercise_checks import (
    assert_accepted,
    assert_not_attempted,
    assert_rejected,
    exercise_suite,
)


def dense_columns(Xc, W, b):
    return (Xc.T @ W.T + b).T  # the rows convention, transposed back


def forward_pass(X, W1, b1, W2, b2):
    Z1 = X @ W1.T + b1
    H = np.maximum(Z1, 0)
    return Z1, H, 1 / (1 + np.exp(-(H @ W2.T + b2)))


def count_parameters(sizes):
    return sum(sizes[i] * sizes[i + 1] + sizes[i + 1] for i in range(len(sizes) - 1))


class MnistNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)
        self.act = nn.ReLU()  # a layer without parameters may be added

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def scores(self, x):
    """A right forward(): written here, since the exercise's own reference is refused inside an answer."""
    return self.fc2(torch.relu(self.fc1(x)))


def _net(forward, init=None):
    """A learner's class: the given __init__ (or `init`) with `forward`."""
    return type("MnistNet", (ex.MnistLayers,), {"forward": forward, **({"__init__": init} if init else {})})


def count_one_pair_too_far(sizes):
    total = 0
    for i in range(len(sizes)):  # the last i has no sizes[i + 1]
        total += sizes[i] * sizes[i + 1] + sizes[i + 1]
    return total


def count_three_sizes(sizes):
    return sizes[0] * sizes[1] + sizes[1] + sizes[1] * sizes[2] + sizes[2]  # written for [2, 3, 1] only


REFERENCE = {
    "p1": "a",
    "p2": "a",
    "p3": "c",
    "q1": dense_columns,
    "q2": forward_pass,
    "q3": count_parameters,
    "q4": ex.XOR_RELU_REFERENCE,
    "q5": ex.SHAPES_REFERENCE,
    "q6": MnistNet,
    "q7": 10 * sigmoid(15.0) - 10 * sigmoid(5.0) - 5,
}


def _in_place_maximum(X, W1, b1, W2, b2):
    Z1 = X @ W1.T + b1
    H = np.maximum(Z1, 0, out=Z1)  # the same slip, written with out=
    return Z1, H, sigmoid(H @ W2.T + b2)


def _relu_as_z1(X, W1, b1, W2, b2):
    Z1 = relu(X @ W1.T + b1)  # what dense_layer(X, W1, b1, relu) gives: the ReLU'd sums kept as Z1
    H = relu(Z1)
    return Z1, H, sigmoid(H @ W2.T + b2)


WRONG = {
    "p1": [("b", "its rows (the examples) stay rows"), ("c", "X's own shape"), ("d", "inner sizes"),
           ("e", 'answer with one of "a", "b", "c", "d"')],
    "p2": [("b", "what sign is that"), ("C", "is about 0.5 only when z₂ is near 0")],
    "p3": [("a", "Can one value be within 0.1 of both sides?"), ("b", "a continuous curve, whatever its steepness")],
    "q1": [
        (lambda Xc, W, b: W @ Xc + b, "bias b[i] belongs to neuron i, row i: it must be added to every entry"),
        (lambda Xc, W, b: Xc.T @ W.T + b, "rows convention"),
        (lambda Xc, W, b: W.T @ Xc + b[:, None], "needs a transpose (.T)"),  # d_in != d_out: a shape error
        (lambda Xc, W, b: Xc @ W.T + b, "needs a transpose (.T)"),
        (lambda Xc, W, b: W @ Xc + b.T, "b.T does nothing to a 1-D array"),  # the next try after "a column"
        (lambda Xc, W, b: W @ Xc, "the bias is missing"),
        (lambda Xc, W, b: Xc @ W, "keeps the rows of U and the columns of V"),
        (lambda Xc, W, b: Xc @ W + b[:, None], "could not add arrays of shapes (2, 2) and (3, 1). Z must have shape "
                                               "(d_out, n) = (3, 3)"),
        (lambda Xc, W, b: np.tanh(W @ Xc + b[:, None]), "Z only: no activation in this exercise"),
        (lambda Xc, W, b: sigmoid(W @ Xc + b[:, None]), "Z only: no activation in this exercise"),
        (lambda Xc, W, b: relu(W @ Xc + b[:, None]), "Z only: no activation in this exercise"),
        (lambda Xc, W, b: None, "did you forget `return`"),
    ],
    "q2": [
        (_in_place_maximum, "your ReLU changed Z1 in place"),
        # Z1 stored after its ReLU, as dense_layer(X, W1, b1, relu) does: nothing in place, so that cause is named
        (_relu_as_z1, "Z1 must be the weighted sums before the ReLU"),
        (_relu_as_z1, "Z1 = dense_layer(X, W1, b1, relu)"),
        (lambda X, W1, b1, W2, b2: (X @ W1 + b1, relu(X @ W1 + b1), sigmoid(relu(X @ W1 + b1) @ W2.T + b2)),
         "X @ W1.T"),
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1), relu(X @ W1.T + b1) @ W2.T + b2),
         "Y_hat is still the weighted sum Z2"),
        (lambda X, W1, b1, W2, b2: relu(X @ W1.T + b1), "return 3 values, in this order: Z1, H, Y_hat"),
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1), sigmoid(relu(X @ W1.T + b1) @ W2.T)),
         "b2 is missing"),
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1), sigmoid((X @ W1.T + b1) @ W2.T + b2)),
         "it must read H, the ReLU of Z1, not Z1 itself"),
        (lambda X, W1, b1, W2, b2: (relu(X @ W1.T + b1), X @ W1.T + b1, sigmoid(relu(X @ W1.T + b1) @ W2.T + b2)),
         "Z1 and H are swapped: the order is Z1"),
        (lambda X, W1, b1, W2, b2: (X @ W1.T, relu(X @ W1.T + b1), sigmoid(relu(X @ W1.T + b1) @ W2.T + b2)),
         "Z1 is missing b1"),  # the bias added after Z1 was stored
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1), sigmoid(relu(X @ W1.T + b1) @ W2.T) + b2),
         "the sigmoid must be the last step"),  # b2 added after the sigmoid: ŷ leaves 0..1
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1), sigmoid(X @ W2.T + b2)),
         "Y_hat is not right"),  # the output layer read X (the first case has d_in = d_hidden)
        (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1), relu(relu(X @ W1.T + b1) @ W2.T + b2)),
         "a ReLU on the output layer"),  # the hidden layer's activation used twice
    ],
    "q3": [
        (lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)), "not the biases"),
        (lambda sizes: sum(a * b + a for a, b in zip(sizes[:-1], sizes[1:], strict=True)), "not one per input"),
        (lambda sizes: int(np.prod(sizes)), "when called with sizes=[3, 4, 2]"),
        (count_one_pair_too_far, "the loop runs one pair too far"),
        (count_three_sizes, "must work for any number of layers (sizes=[5, 1] has 1 layer)"),
    ],
    "q4": [
        (tuple(XOR_PRESET.values()), "at x = (1, 1) your network gives ŷ = 1.000, but XOR's target is 0"),
        ((np.array([[1.0, 1.0]]), np.zeros(1), np.array([[1.0]]), np.zeros(1)), "at x = (0, 0)"),
        ((np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]), np.array([[4.0, -8.0]]), np.array([-3.0])),
         "at x = (0, 1) your network gives ŷ = 0.731, but XOR's target is 1: ŷ must be at least 0.9"),
        ((np.ones((2, 3)), np.zeros(2), np.ones((1, 2)), np.zeros(1)),
         "W1_relu has shape (2, 3), but the input x has 2 features"),
        ((np.ones((2, 2)), np.zeros(2), np.ones((1, 3)), np.zeros(1)),
         "but its input, the hidden layer H = relu(X W1ᵀ + b1), has shape (4, 2): 2 hidden neurons"),
        ((np.ones((1, 2)), np.zeros(1), np.ones((1, 2)), np.zeros(1)), "(4, 1): 1 hidden neuron, one per row"),
        ((np.ones((1, 2)), np.zeros(2), np.ones((1, 1)), np.zeros(1)), "W1_relu has 1 row, one per hidden neuron"),
        ((np.ones((2, 2)), np.zeros(2), np.ones((1, 2)), np.zeros(2)), "b2_relu has shape (2,): the one output"),
        ((np.ones((2, 2)), np.zeros(2), np.ones(2), np.zeros(1)), "W2_relu must have shape (1, d_hidden)"),
        ((np.eye(2), ..., ..., ...), "b1_relu is still `...`"),
        (("a", "b", "c", "d"), "must be arrays of numbers"),
        ([1, 2], "expected four arrays"),
    ],
    "q5": [
        (((784, 128), (64, 128), (64, 10)), "nn.Linear stores its weight as (out_features, in_features)"),
        (((128, 784), (128, 64), (64, 10)), "PyTorch puts the batch first"),
        (((128, 784), (64, 128), (64, 1)), "the output should not have shape (64, 1)"),
        (((128, 784), (128,), (64, 10)), "that is the shape of one example"),  # the batch left out
        (((128, 784), (64, 128), (10,)), "that is the shape of one example"),
        (((128, 784), (64, 128), "64 x 10"), "a shape is a tuple of whole numbers"),
        (((128, 784), ..., ...), "shape_H, shape_out still `...`"),
        ("(128, 784)", "expected three shapes"),
    ],
    "q6": [
        (_net(lambda self, x: self.fc2(self.fc1(x))), "nothing acts on fc1's output"),
        (_net(lambda self, x: self.fc2(self.fc1(torch.relu(x)))), "a ReLU on the input x, and none on fc1's output"),
        (_net(lambda self, x: self.fc2(torch.relu(self.fc1(torch.relu(x))))), "a ReLU on the input x: forward()"),
        (_net(lambda self, x: self.fc2(relu(self.fc1(x)))), "imported in the Setup cell are NumPy functions"),
        (_net(lambda self, x: self.fc2(torch.relu(self.fc1(x)).double())), "your tensor became float64 (Double)"),
        (_net(lambda self, x: sigmoid(scores(self, x))), "no relu or sigmoid from the Setup cell"),
        (_net(lambda self, x: torch.softmax(scores(self, x), dim=1)),
         "you applied softmax. Return the raw scores (logits)"),
        (_net(lambda self, x: torch.log_softmax(scores(self, x), dim=1)), "log-softmax"),
        (_net(lambda self, x: torch.relu(scores(self, x))), "a ReLU after the last layer"),
        (_net(lambda self, x: torch.sigmoid(scores(self, x))), "a sigmoid after the last layer"),
        (_net(lambda self, x: self.fc2(torch.sigmoid(self.fc1(x)))), "hidden layer uses ReLU"),
        (_net(lambda self, x: self.fc2(torch.relu(x @ self.fc1.weight.T))), "fc1's bias is missing"),
        (_net(lambda self, x: torch.relu(x @ self.fc1.weight + self.fc1.bias)), "(out_features, in_features)"),
        (_net(lambda self, x: self.fc2(x)), "fc1 reads x, (n, 784), and fc2 reads the hidden layer"),
        (_net(lambda self, x: torch.relu(self.fc1(x))), "that is the hidden layer. Pass it on through fc2"),
        (_net(lambda self, x: scores(self, x).numpy()), "stay in PyTorch"),
        (_net(lambda self, x: None), "did you forget `return`"),
        (_net(lambda self, x: 2 * scores(self, x)), "differ from the NumPy forward pass"),
        (_net(scores, init=lambda self: nn.Module.__init__(self)), "keep __init__ as it was given"),
        (ex.MnistLayers, "has no forward() method"),
        (MnistNet(), "pass the class itself, without the brackets"),
        (type("MnistNet", (SimpleNN,), {}), "your class takes its forward() from the course's own"),  # inherited
        (type("MnistNet", (ex.MnistLayers,), {"forward": SimpleNN.forward}), "course's own `helpers.models"),
        (type("MnistNet", (), {"forward": lambda self, x: x}), "must be a subclass of nn.Module"),
        ("MnistNet", "expected your class MnistNet"),
    ],
    "q7": [
        (-5.0, "h₁ and h₂ both exactly 1"),  # h rounded to 1 and 1
        (-4.9, "rounded h₁ and h₂ to 2 decimals"),
        (10 * sigmoid(15.0) - 10 * sigmoid(5.0), "the output bias b₂ = −5 is missing"),
        (sigmoid(10 * sigmoid(15.0) - 10 * sigmoid(5.0) - 5), "that is ŷ = σ(z₂)"),
        (95.0, "the hidden neurons' z"),
        (4.87, "that is z₂ at x = (1, 0)"),  # the widget's opening input
        (4.93, "so h₂ = σ(5), near 1, not σ(−5)"),
        (14.93, "mind the sign of h₂'s weight"),
        (-4.96, "4 decimals of each h"),  # a near miss: hand rounding, not float32
        (-5.5, "too far from 0"),  # a guess: guided, not told
        ("-4.93", "a number"),
    ],
}

globals().update(exercise_suite(ex, REFERENCE, WRONG))


def test_q1_bias_along_the_rows_is_named_where_numpy_cannot_add_it():
    # On data with n != d_out, W @ Xc + b crashes in NumPy; the crash is explained as the slip it is.
    with np.testing.assert_raises(ex.Wrong) as caught:
        ex._explain_broadcast(lambda Xc, W, b: W @ Xc + b)(np.ones((2, 4)), np.ones((3, 2)), np.ones(3))
    assert "b[k] went to column k" in str(caught.exception) and "(3, 4) and (3,)" in str(caught.exception)


def test_q1_bias_slip_feedback_diagnoses_without_giving_the_fix():
    # The hints climb to the fix (a column, shape (d_out, 1)); the feedback on the slip only says what went wrong.
    assert "(d_out, 1)" not in ex._BIAS_AS_COLUMN and "[:, None]" not in ex._BIAS_AS_COLUMN
    assert "(d_out, 1)" in ex.q1.hints[-1]


def test_q2_names_the_failing_input(capsys):
    out = assert_rejected(ex.q2, lambda X, W1, b1, W2, b2: (X @ W1.T, relu(X @ W1.T), sigmoid(relu(X @ W1.T) @ W2.T)),
                          capsys, "Z1 is not right")
    assert "when called with X=" in out and "W1=" in out


def test_q2_feedback_for_a_value_does_not_leak_other_outputs(capsys):
    # A right Z1 and H with a wrong Ŷ: the message is about Y_hat, the first output that differs.
    out = assert_rejected(ex.q2, lambda X, W1, b1, W2, b2: (X @ W1.T + b1, relu(X @ W1.T + b1),
                                                             np.zeros((len(X), len(W2)))), capsys)
    assert "Y_hat is not right" in out and "Z1 is not right" not in out


def test_q3_accepts_tuples_and_numpy_integers(capsys):
    assert_accepted(ex.q3, lambda sizes: np.int64(count_parameters(tuple(sizes))), capsys)


def test_q5_accepts_lists_and_torch_sizes(capsys):
    import torch

    assert_accepted(ex.q5, ([128, 784], torch.Size([64, 128]), torch.zeros(64, 10).shape), capsys)


def test_q5_never_prints_the_right_shape(capsys):
    out = assert_rejected(ex.q5, ((784, 128), (64, 128), (64, 10)), capsys)
    assert "(128, 784)" not in out


def test_q4_accepts_any_correct_network(capsys):
    # The preset's OR/AND idea also works with ReLUs once the output weights are retuned, with 3 hidden units.
    W1 = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    b1 = np.array([0.0, -1.0, 0.0])
    W2 = np.array([[20.0, -40.0, 3.0]])
    b2 = np.array([-10.0])
    assert_accepted(ex.q4, (W1, b1, W2, b2), capsys)


def test_unfilled_tuples_say_not_attempted(capsys):
    assert_not_attempted(ex.q4, (..., ..., ..., ...), capsys)
    assert_not_attempted(ex.q5, (..., ..., ...), capsys)


def test_the_notebooks_parameter_count_is_right():
    # Notebook 03 counts 13 parameters for its 2-3-1 network, and 06 quotes 101,770 for 784-128-10.
    assert ex.count_parameters([2, 3, 1]) == 13
    assert ex.count_parameters([784, 128, 10]) == 101_770


# ---- tripwires: the layer and the forward pass are written, not borrowed from helpers.forward

def test_borrowing_the_course_layer_or_forward_pass_is_refused(capsys):
    import helpers.forward

    assert_rejected(ex.q1, lambda Xc, W, b: helpers.forward.dense(Xc.T, W, b).T, capsys,
                    "your function calls dense from helpers.forward")

    def forward_by_helper(X, W1, b1, W2, b2):
        Z1 = X @ W1.T + b1
        return (Z1, *helpers.forward.forward(X, [(W1, b1, relu), (W2, b2, sigmoid)]))

    assert_rejected(ex.q2, forward_by_helper, capsys, "your function calls forward from helpers.forward")


def test_torch_layers_that_do_the_computation_are_refused(capsys):
    import torch.nn.functional as F  # noqa: N812

    def by_linear(Xc, W, b):  # the layer from torch, transposed in and out
        return F.linear(torch.tensor(Xc.T), torch.tensor(W), torch.tensor(b)).numpy().T

    assert_rejected(ex.q1, by_linear, capsys, "your function calls linear from torch.nn.functional")

    def hidden_by_linear(X, W1, b1, W2, b2):
        Z1 = F.linear(torch.tensor(X), torch.tensor(W1), torch.tensor(b1)).numpy()
        H = np.maximum(Z1, 0)
        return Z1, H, sigmoid(H @ W2.T + b2)

    assert_rejected(ex.q2, hidden_by_linear, capsys, "your function calls linear from torch.nn.functional")

    def by_torch(sizes):  # builds the layers and counts their parameters: arrays exist, nothing counted by hand
        layers = [nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
        return sum(p.numel() for p in nn.Sequential(*layers).parameters())

    assert_rejected(ex.q3, by_torch, capsys, "your function calls Linear from torch.nn")


def test_torch_activations_the_prompt_hands_over_pass(capsys):
    import torch.nn.functional as F  # noqa: N812

    def with_functional_relu(X, W1, b1, W2, b2):  # the prompt gives relu; F.relu computes nothing else
        Z1 = X @ W1.T + b1
        H = F.relu(torch.tensor(Z1)).numpy()
        return Z1, H, torch.sigmoid(torch.tensor(H @ W2.T + b2)).numpy()

    assert_accepted(ex.q2, with_functional_relu, capsys)
    assert_accepted(ex.q1, lambda Xc, W, b: W @ Xc + b.reshape(-1, 1), capsys)


def test_q2_built_from_the_notebooks_dense_layer_passes(capsys):
    # The prompt allows `dense_layer`, the layer written out in section 3 (the notebook's own, not the course's).
    def dense_layer(X, W, b, activation):
        return activation(X @ W.T + b)

    def with_dense_layer(X, W1, b1, W2, b2):
        Z1 = dense_layer(X, W1, b1, lambda z: z)
        H = relu(Z1)
        return Z1, H, dense_layer(H, W2, b2, sigmoid)

    assert_accepted(ex.q2, with_dense_layer, capsys)


def test_a_forward_pass_with_the_course_activations_passes(capsys):
    def with_helpers(X, W1, b1, W2, b2):
        Z1 = X @ W1.T + b1
        return Z1, relu(Z1), sigmoid(relu(Z1) @ W2.T + b2)

    assert_accepted(ex.q2, with_helpers, capsys)


# ---- Exercise 6: forward() of an nn.Module, against the NumPy forward pass

def test_q6_refuses_the_course_network_handed_in_or_called(capsys):
    import helpers.forward

    assert_rejected(ex.q6, SimpleNN, capsys, "you passed the course's own `helpers.models.SimpleNN`")

    def borrowed(self, x):
        net = SimpleNN()
        net.load_state_dict(self.state_dict())
        return net(x)

    assert_rejected(ex.q6, _net(borrowed), capsys, "your function calls SimpleNN from helpers.models")
    assert_rejected(ex.q6, _net(lambda self, x: SimpleNN.forward(self, x)), capsys, "calls SimpleNN from")

    def kept_inside(self):  # the course network inside: the checker's weights go to fc1 and fc2 only
        ex.MnistLayers.__init__(self)
        self.net = SimpleNN()

    assert_rejected(ex.q6, _net(lambda self, x: self.net(x), init=kept_inside), capsys, "keep __init__ as it was")

    def numpy_forward(self, x):
        layers = [(self.fc1.weight.detach().numpy(), self.fc1.bias.detach().numpy(), relu),
                  (self.fc2.weight.detach().numpy(), self.fc2.bias.detach().numpy(), None)]
        return torch.tensor(helpers.forward.forward(x.numpy(), layers)[-1])

    out = assert_rejected(ex.q6, _net(numpy_forward), capsys, "calls forward from helpers.forward")
    assert "Do it by hand: Follow the data" in out
    assert SimpleNN.forward.__module__ == "helpers.models" and helpers.forward.forward.__name__ == "forward"


def test_q6_honest_answers_pass(capsys):
    import torch.nn.functional as F

    assert_accepted(ex.q6, _net(lambda self, x: self.fc2(F.relu(self.fc1(x)))), capsys)
    assert_accepted(ex.q6, _net(lambda self, x: torch.clamp(x @ self.fc1.weight.T + self.fc1.bias, min=0)
                                @ self.fc2.weight.T + self.fc2.bias), capsys)
    assert_accepted(ex.q6, scores, capsys)  # the forward on its own, with the given layers


def test_q6_placeholder_class_is_not_attempted(capsys):
    assert_not_attempted(ex.q6, _net(lambda self, x: ...), capsys)


def test_q6_weights_are_exact_in_float32_and_the_reference_agrees_with_numpy():
    net = ex.MnistNet()
    ex._load(net)
    assert np.array_equal(net.fc1.weight.detach().double().numpy(), ex.MNIST_W1)
    got = net(torch.tensor(ex.MNIST_X, dtype=torch.float32)).detach().double().numpy()
    assert np.abs(got - ex._scores()).max() < 1e-5 / 5  # well inside the tolerance the learner gets
    assert (ex.MNIST_X @ ex.MNIST_W1.T + ex.MNIST_b1 < 0).mean() > 0.2  # the ReLU matters
    assert (ex._scores() < 0).any()  # a ReLU after the last layer would show
    assert (ex.MNIST_X < 0).mean() > 0.1  # standardised as in notebook 06: a ReLU on x would show


def test_q6_feedback_does_not_say_a_relu_on_the_input_changes_nothing():
    assert not any("never negative" in message for _, message in ex._MODULE_SLIPS)


def test_q1_last_hint_names_a_way_to_make_a_column_and_the_first_has_no_code():
    # The last hint names the tool (section 3 shows b[:, None] once, in passing); the first names no code.
    assert "reshape(-1, 1)" in ex.q1.hints[-1] and "[:, None]" in ex.q1.hints[-1]
    assert "reshape" not in ex.q1.hints[0] and "None" not in ex.q1.hints[0]


def test_q5_hint_keeps_the_xor_net_that_section_7_reuses():
    # Following the hint literally must not overwrite `net` (section 7 compares XorNet against it).
    last = ex.q5.hints[-1]
    assert "mnist_net" in last and "net[0]" not in last.replace("mnist_net[0]", "")


def test_q7_is_asked_where_the_trace_widget_does_not_open():
    # The widget opens at x = (1, 0) and prints z2 there: the exercise asks at (1, 1), which it does not show.
    assert abs(ex.q7.reference - (10 * sigmoid(15.0) - 10 * sigmoid(5.0) - 5)) < 1e-12
    with np.testing.assert_raises(ex.Wrong) as caught:
        ex.q7._check(10 * sigmoid(5.0) - 10 * sigmoid(-5.0) - 5)
    assert "(1, 0)" in str(caught.exception)


def test_q7_near_miss_speaks_of_hand_rounding_not_float32():
    with np.testing.assert_raises(ex.Wrong) as caught:
        ex.q7._check(round(ex.q7.reference, 2) - 0.03)  # a near miss that is none of the named slips
    message = str(caught.exception)
    assert "float32" not in message
    assert "4 decimals of each h" in message


@pytest.mark.parametrize("z2", [-4.93, -4.933, -4.930])  # h kept to 4 or 3 decimals, z₂ rounded to 2 or not
def test_q7_accepts_the_2_decimal_answer(z2):
    ex.q7._check(z2)


@pytest.mark.parametrize("z2", [-4.94, -4.92])  # not what −4.933 rounds to, to 2 decimals
def test_q7_refuses_a_neighbour_of_the_2_decimal_answer(z2):
    with np.testing.assert_raises(ex.Wrong) as caught:
        ex.q7._check(z2)
    assert "round only z₂ itself" in str(caught.exception)


def test_p3_answer_is_what_the_widget_shows():
    # Prediction 3 says no slider position brings the gap on `steps` below 0.3 (half the jump from 0.2 to 0.8);
    # tests/test_plots_forward.py checks the widget over every slider position. Here: the levels the options name.
    f = TARGETS["steps"]
    assert (f(0.3 - 1e-9), f(0.3 + 1e-9)) == pytest.approx((0.2, 0.8))
    assert "0.3" in ex.p3.options["c"] and "0.2 to 0.8" in ex.p3.options["c"]


def test_last_hints_of_q2_and_q6_leave_the_output_layer_to_the_learner():
    # AUTHORING: the last hint is close to the answer but never the whole solution.
    assert "W2" not in ex.q2.hints[-1] and "b2" not in ex.q2.hints[-1]
    assert "fc2" not in ex.q6.hints[-1]
    assert "fc2" not in ex.q6.hints[0]
