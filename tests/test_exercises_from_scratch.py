"""Notebook 07's exercises (the forward pass, the gradient at the logits, the backward pass, one epoch of minibatch
SGD, the gradient at the input, two predictions): the shared exercise suite, plus tests that a backward pass with
one wrong tensor is told which tensor, that in-place slips and a batch size written in as 64 are named, that the
checks are autograd's and numerical_grad's on real digits, that loopholes are refused and honest answers pass, and
that the notebook trains with the learner's functions only once they pass."""

import numpy as np
import pytest
import torch

from helpers.activations import softmax
from helpers.exercises import from_scratch as ex
from helpers.losses import softmax_cross_entropy
from tests.exercise_checks import (
    NOTEBOOKS,
    assert_accepted,
    assert_not_attempted,
    assert_rejected,
    check_cells,
    exercise_suite,
)

# ----------------------------------------------------------------------------- wrong answers, built from one recipe

FORWARD_STEPS = [("Z1", lambda v: v["X"] @ v["W1"].T + v["b1"]), ("H", lambda v: np.maximum(v["Z1"], 0)),
                 ("Z2", lambda v: v["H"] @ v["W2"].T + v["b2"])]


def forward_with(**slips):
    """The reference forward pass with some of its tensors computed by a slip instead."""
    def forward(X, W1, b1, W2, b2):
        v = {"X": X, "W1": W1, "b1": b1, "W2": W2, "b2": b2}
        for name, rule in FORWARD_STEPS:
            v[name] = slips.get(name, rule)(v)
        return tuple(v[name] for name, _ in FORWARD_STEPS)
    return forward


BACKWARD_STEPS = [("dZ2", lambda v: (softmax(v["Z2"], axis=1) - v["Y"]) / v["n"]),  # Y: one-hot rows of labels
                  ("dW2", lambda v: v["dZ2"].T @ v["H"]), ("db2", lambda v: v["dZ2"].sum(axis=0)),
                  ("dH", lambda v: v["dZ2"] @ v["W2"]), ("dZ1", lambda v: v["dH"] * (v["Z1"] > 0)),
                  ("dW1", lambda v: v["dZ1"].T @ v["X"]), ("db1", lambda v: v["dZ1"].sum(axis=0))]


def backward_with(**slips):
    """The reference backward pass with some of its tensors computed by a slip instead."""
    def backward(X, labels, Z1, H, Z2, W2):
        v = {"X": X, "labels": labels, "Y": np.eye(10)[labels], "Z1": Z1, "H": H, "Z2": Z2, "W2": W2, "n": len(X)}
        for name, rule in BACKWARD_STEPS:
            v[name] = slips.get(name, rule)(v)
        return tuple(v[name] for name, _ in BACKWARD_STEPS)
    return backward


# (tensor, slip, words of the message): each backward slip must be reported on its own tensor
BACKWARD_SLIPS = [
    ("dZ2", lambda v: softmax(v["Z2"], axis=1) - v["Y"], "divide by n"),
    ("dZ2", lambda v: (v["Y"] - softmax(v["Z2"], axis=1)) / v["n"], "sign is flipped"),
    ("dZ2", lambda v: (softmax(v["Z2"], axis=0) - v["Y"]) / v["n"], "axis=1"),
    ("dZ2", lambda v: softmax(v["Z2"], axis=1) / v["n"], "the −1 at the true digit is missing"),
    ("dZ2", lambda v: (softmax(v["Z2"], axis=1) - v["labels"][:, None]) / v["n"], "not one-hot rows"),
    ("dZ2", lambda v: (v["Z2"] - v["Y"]) / v["n"], "the softmax is missing"),
    ("dW2", lambda v: v["H"].T @ v["dZ2"], "looks transposed"),
    ("dW2", lambda v: v["dZ2"].T @ v["Z1"], "input is H"),
    ("dW2", lambda v: v["dZ2"].T @ v["H"] / v["n"], "divide only once"),
    ("db2", lambda v: v["dZ2"].sum(axis=1), "axis=0"),
    ("db2", lambda v: v["dZ2"].mean(axis=0), "plain sum"),
    ("dH", lambda v: v["dZ2"] @ v["W2"] * (v["Z1"] > 0), "mask belongs to the next step"),
    ("dZ1", lambda v: v["dH"], "ReLU mask is missing"),
    ("dZ1", lambda v: v["dH"] * v["Z1"], "not by Z1 itself"),
    ("dZ1", lambda v: v["dH"] * v["H"], "not by H itself"),
    ("dZ1", lambda v: v["dH"] * (v["Z1"] <= 0), "mask is reversed"),
    ("dZ1", lambda v: np.maximum(v["dH"], 0), "not from the sign of dH"),
    ("dW1", lambda v: v["X"].T @ v["dZ1"], "looks transposed"),
    ("dW1", lambda v: v["dH"].T @ v["X"], "use dZ1"),
    ("dW1", lambda v: v["dZ1"].T @ v["X"] / v["n"], "divide only once"),
    ("db1", lambda v: v["dZ1"].sum(axis=1), "axis=0"),
    ("db1", lambda v: v["dH"].sum(axis=0), "use dZ1"),
    ("db1", lambda v: v["dZ1"].mean(axis=0), "plain sum"),
    ("db1", lambda v: 2 * v["dZ1"].sum(axis=0), "entries are wrong"),  # no named slip: a generic, honest message
]


def train_epoch_with(shuffle=True, sign=-1.0, last=True, in_place=True, skip=(), loss_of_all=False,
                     running_mean=False, rebind=(), reshuffle=False, labels_in_order=False, sample=False,
                     loss_after=False, extra_draw=False, global_rng=False, uphill=(), no_lr=()):
    """A learner's train_epoch with one slip switched on (uphill, no_lr: the parameters whose one line has it)."""
    def train_epoch(params, X, labels, forward, backward, lr, batch_size, rng):
        W1, b1, W2, b2 = params
        mine = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}  # the learner's own names: rebinding one loses it
        if extra_draw:  # a permutation drawn and thrown away: a different order from the reference's
            rng.permutation(len(X))
        order = rng.permutation(len(X)) if shuffle and not (reshuffle or sample or global_rng) else np.arange(len(X))
        if global_rng:  # shuffled once, but by NumPy's global generator, not by the rng passed in
            order = np.random.permutation(len(X))
        stop = len(X) if last else len(X) - len(X) % batch_size
        losses = []
        for start in range(0, stop, batch_size):
            if reshuffle:  # a new permutation for every minibatch, in place of the one before the loop
                order = rng.permutation(len(X))
            # sample: a fresh random batch every step, in place of slices of one shuffle
            idx = rng.permutation(len(X))[:batch_size] if sample else order[start:start + batch_size]
            labels_b = labels[start:start + batch_size] if labels_in_order else labels[idx]
            Z1, H, Z2 = forward(X[idx], *(mine[name] for name in ex.PARAM_NAMES))
            losses.append(softmax_cross_entropy(labels, forward(X, *params)[2]) if loss_of_all
                          else softmax_cross_entropy(labels_b, Z2))
            if running_mean:  # the mean of the losses so far, not this minibatch's loss
                losses[-1] = float(np.mean(losses))
            dZ2, dW2, db2, dH, dZ1, dW1, db1 = backward(X[idx], labels_b, Z1, H, Z2, mine["W2"])
            for i, (name, g) in enumerate(zip(ex.PARAM_NAMES, (dW1, db1, dW2, db2), strict=True)):
                if name in skip:
                    continue
                if name in rebind:  # `b1 = b1 - lr * db1`: a new array under the learner's name only
                    mine[name] = mine[name] + sign * lr * g
                    continue
                step = (-1.0 if name in uphill else 1.0) * (1 / lr if name in no_lr else 1.0) * sign * lr
                if in_place:
                    params[i] += step * g
                else:
                    params[i] = mine[name] = params[i] + step * g  # a new array, stored back into params
            if loss_after:  # the minibatch's loss taken after its update
                losses[-1] = softmax_cross_entropy(labels_b, forward(X[idx], *params)[2])
        return losses
    return train_epoch


def rebinding_train_epoch(params, X, labels, forward, backward, lr, batch_size, rng):
    """The classic slip: `W1 = W1 - lr * dW1` makes new arrays and leaves those in params unchanged."""
    W1, b1, W2, b2 = params
    order = rng.permutation(len(X))
    losses = []
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        Z1, H, Z2 = forward(X[idx], W1, b1, W2, b2)
        losses.append(softmax_cross_entropy(labels[idx], Z2))
        dZ2, dW2, db2, dH, dZ1, dW1, db1 = backward(X[idx], labels[idx], Z1, H, Z2, W2)
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    return losses


def logits_grad_with(divide_by=None, sign=1.0, labels_as_rows=False, softmax_on=True, only_true=False):
    """A learner's logits_grad with one slip switched on."""
    def logits_grad(labels, Z2):
        n = len(Z2) if divide_by is None else divide_by
        P = softmax(Z2, axis=1) if softmax_on else Z2
        Y = labels[:, None] if labels_as_rows else np.eye(10)[labels]
        if only_true:
            return (P[np.arange(len(Z2)), labels] - 1) / n
        return sign * (P - Y) / n
    return logits_grad


def in_place_logits_grad(labels, Z2):
    """The other honest form: a copy of the probabilities, 1 taken off at each image's true digit."""
    n = len(Z2)
    P = softmax(Z2, axis=1)
    P[np.arange(n), labels] -= 1
    return P / n


def input_grad_with(tensor=4, transposed=False, factor=1.0):
    """A learner's input_grad that takes backward's `tensor`-th result (4 is dZ1) times W1 (or W1ᵀ), times factor."""
    def input_grad(X, labels, params, forward, backward):
        W1, b1, W2, b2 = params
        Z1, H, Z2 = forward(X, W1, b1, W2, b2)
        G = backward(X, labels, Z1, H, Z2, W2)[tensor]
        return factor * (G @ (W1.T if transposed else W1))
    return input_grad


def columns_logits_grad(labels, Z2):
    """The indexing slip: P[:, labels] -= 1 takes 1 off whole columns, not one entry per row."""
    P = softmax(Z2, axis=1)
    P[:, labels] -= 1
    return P / len(Z2)


# Honest answers, written like a learner's (the module's own references are refused when handed in or called).
learner_forward = forward_with()
learner_backward = backward_with()
learner_train_epoch = train_epoch_with()
learner_input_grad = input_grad_with()


def learner_logits_grad(labels, Z2):
    """The gradient at the logits as a learner writes it: the probabilities minus the one-hot rows, over n."""
    return (softmax(Z2, axis=1) - np.eye(10)[labels]) / len(Z2)


def relu_in_z1_then_copy(X, W1, b1, W2, b2):
    """The ReLU applied to Z1 itself, then copied: H and Z1 are two arrays, but Z1 lost its negative entries."""
    Z1 = X @ W1.T + b1
    Z1[Z1 < 0] = 0
    H = Z1.copy()
    return Z1, H, H @ W2.T + b2


def backward_calling_logits_grad(logits_grad, swapped=False):
    """A learner's backward that calls their own logits_grad for dZ2 (unfinished, or with its arguments swapped)."""
    def backward(X, labels, Z1, H, Z2, W2):
        dZ2 = logits_grad(Z2, labels) if swapped else logits_grad(labels, Z2)
        return backward_with(dZ2=lambda v: dZ2)(X, labels, Z1, H, Z2, W2)
    return backward


def in_place_relu_forward(X, W1, b1, W2, b2):
    """The aliasing slip: H = Z1 makes no copy, so zeroing H's negative entries zeroes Z1's too."""
    Z1 = X @ W1.T + b1
    H = Z1
    H[H < 0] = 0
    return Z1, H, H @ W2.T + b2


def in_place_mask_backward(X, labels, Z1, H, Z2, W2):
    """The same slip in the backward pass: dZ1 = dH, then masking dZ1 changes dH."""
    dZ2, dW2, db2, dH, _, _, _ = learner_backward(X, labels, Z1, H, Z2, W2)
    dZ1 = dH
    dZ1[Z1 <= 0] = 0
    return dZ2, dW2, db2, dH, dZ1, dZ1.T @ X, dZ1.sum(axis=0)


REFERENCE = {"p1": "b", "p2": "c", "q1": learner_forward, "q2": learner_logits_grad, "q3": learner_backward,
             "q4": learner_train_epoch, "q5": learner_input_grad}
# On a line of its own: the checker reads the failing line's source to name the shapes of `A @ B`.
_UNTRANSPOSED = forward_with(Z1=lambda v: v["X"] @ v["W1"] + v["b1"])
WRONG = {
    "p1": [("a", "how often is a weighted sum negative"), ("c", "about as often as it is positive"),
           ("e", "answer with")],
    "p2": [("a", "Are those weights 0?"), ("b", "random start")],
    "q1": [(forward_with(Z1=lambda v: v["X"] @ v["W1"].T), "Z1 is the first tensor that differs from PyTorch's"),
           (forward_with(Z1=lambda v: v["X"] @ v["W1"].T), "the bias is missing: Z1"),
           (_UNTRANSPOSED, "has shape (64, 784) and `v['W1']` has shape (128, 784)"),
           (forward_with(H=lambda v: v["Z1"]), "H still has negative entries"),
           (forward_with(H=lambda v: 1 / (1 + np.exp(-v["Z1"]))), "sigmoid"),
           (forward_with(Z2=lambda v: v["H"] @ v["W2"].T), "the bias is missing: Z2"),
           (forward_with(Z2=lambda v: v["Z1"] @ v["W2"].T + v["b2"]), "reads H"),
           (forward_with(Z2=lambda v: np.maximum(v["H"] @ v["W2"].T + v["b2"], 0)), "no ReLU"),
           (forward_with(Z2=lambda v: softmax(v["H"] @ v["W2"].T + v["b2"], axis=1)), "before any softmax"),
           (in_place_relu_forward, "your ReLU changed Z1 in place"),
           (relu_in_z1_then_copy, "your ReLU changed Z1 itself"),
           (forward_with(Z1=lambda v: v["W1"] @ v["X"].T + v["b1"]), "one row per image"),
           (lambda X, W1, b1, W2, b2: learner_forward(X, W1, b1, W2, b2)[::-1],
            "the right tensors in the wrong order: you return Z2, H, Z1"),
           (lambda X, W1, b1, W2, b2: (lambda Z1, H, Z2: (H, H, Z2))(*learner_forward(X, W1, b1, W2, b2)),
            "Either you return H in Z1's place"),
           (lambda X, W1, b1, W2, b2: (lambda Z1, H, Z2: (H, Z1, Z2))(*learner_forward(X, W1, b1, W2, b2)),
            "the right tensors in the wrong order: you return H, Z1, Z2"),
           (forward_with(H=lambda v: np.max(v["Z1"], 0)), "np.max reduces along an axis"),
           (forward_with(H=lambda v: max(v["Z1"], 0)), "np.maximum(Z1, 0)"),
           (lambda X, W1, b1, W2, b2: learner_forward(X, W1, b1, W2, b2)[2], "return 3 values"),
           (lambda X, W1, b1, W2, b2: None, "forget `return`"),
           (lambda X, W1, b1, W2, b2: (X @ W1.T + b1, ..., ...), "H is still `...`")],
    "q2": [(logits_grad_with(divide_by=1), "divide by n"),
           (logits_grad_with(divide_by=64), "this batch has 37 images"),
           (logits_grad_with(sign=-1.0), "the sign is flipped"),
           (logits_grad_with(labels_as_rows=True), "not one-hot rows"),
           (lambda labels, Z2: (softmax(Z2, axis=1) - labels) / len(Z2), "not one-hot rows"),
           (lambda labels, Z2: (softmax(Z2, axis=1) - np.eye(len(Z2))[labels]) / len(Z2), "one column per digit"),
           (columns_logits_grad, "picks whole columns"),
           (lambda labels, Z2: (softmax(Z2, axis=1) - 1) / len(Z2), "you took 1 off every entry"),
           (lambda Z2, labels: (softmax(Z2, axis=1) - np.eye(10)[labels]) / len(Z2), "labels first"),
           (logits_grad_with(softmax_on=False), "the softmax is missing"),
           (logits_grad_with(only_true=True), "one derivative per logit"),
           (lambda labels, Z2: -np.eye(10)[labels] / softmax(Z2, axis=1) / len(Z2), "gradient at the probabilities"),
           (lambda labels, Z2: 2 * learner_logits_grad(labels, Z2), "Recompute it from questions 1 to 4"),
           (lambda labels, Z2: -np.eye(10)[labels] / len(Z2), "each wrong digit k gets p_k"),
           (lambda labels, Z2: (softmax(Z2, axis=1) - 1) * np.eye(10)[labels] / len(Z2), "only the true digit's"),
           (lambda labels, Z2: (np.exp(Z2) / np.exp(Z2).sum() - np.eye(10)[labels]) / len(Z2), "each row"),
           (lambda labels, Z2: (softmax(Z2, axis=1) - np.eye(10)[labels]) / Z2.size, "K = 10 times too small"),
           (lambda labels, Z2: (softmax(Z2, axis=1) - np.eye(10)[labels]) / 10, "the number of digits"),
           (lambda labels, Z2: None, "forget `return`")],
    "q3": [(backward_with(**{name: slip}), words) for name, slip, words in BACKWARD_SLIPS]
          + [(lambda X, labels, Z1, H, Z2, W2: learner_backward(X, labels, Z1, H, Z2, W2)[:6], "return 7 values"),
             (lambda X, labels, Z1, H, Z2, W2: (*learner_backward(X, labels, Z1, H, Z2, W2)[:4], ..., ..., ...),
              "dZ1 is still `...`"),
             (backward_with(dZ2=lambda v: (softmax(v["Z2"], axis=1) - v["Y"]) / 64), "this batch has 37 images"),
             (in_place_mask_backward, "your ReLU mask changed dH in place"),
             (backward_calling_logits_grad(lambda labels, Z2: ...), "Exercise 2 still returns `...`"),
             (backward_calling_logits_grad(learner_logits_grad, swapped=True), "labels first"),
             (lambda X, labels, Z1, H, Z2, W2: tuple(learner_backward(X, labels, Z1, H, Z2, W2)[i]
                                                     for i in (5, 6, 1, 2, 0, 3, 4)),
              "the right tensors in the wrong order: you return dW1, db1, dW2, db2, dZ2, dH, dZ1")],
    "q4": [(train_epoch_with(shuffle=False), "you did not shuffle"),
           (train_epoch_with(sign=1.0), "stepped uphill"),
           (train_epoch_with(last=False), "leave out the last, smaller minibatch"),
           (rebinding_train_epoch, "update in place"),
           (train_epoch_with(skip=("b1",)), "b1 never changed"),
           (train_epoch_with(rebind=("b1",)), "makes a new array"),
           (train_epoch_with(reshuffle=True), "shuffle again for every minibatch"),
           (train_epoch_with(sample=True), "fresh random sample"),
           (train_epoch_with(labels_in_order=True), "labels[idx]"),
           (train_epoch_with(loss_of_all=True), "the first loss is not that minibatch's loss"),
           (train_epoch_with(loss_after=True), "lower than expected: taken after the update"),
           (train_epoch_with(extra_draw=True), "the first minibatch differs from the reference's"),
           (train_epoch_with(global_rng=True), "not drawn from the generator passed in"),
           (train_epoch_with(running_mean=True), "the weights are right, but the losses"),
           (lambda params, X, labels, forward, backward, lr, batch_size, rng: None, "forget `return losses`"),
           (lambda params, X, labels, forward, backward, lr, batch_size, rng: 0.5, "list of losses")],
    "q5": [(input_grad_with(tensor=3), "the ReLU mask is missing"),
           (input_grad_with(transposed=True), "A's last size must equal B's first size"),
           (input_grad_with(factor=64.0), "n = 64 times too big"),
           (input_grad_with(factor=-1.0), "the sign is flipped"),
           (lambda X, labels, params, forward, backward: input_grad_with()(X, labels, params, forward, backward)
            * (X > X.min()), "not masked by the pixel values"),
           (lambda X, labels, params, forward, backward: input_grad_with()(X, labels, params, forward, backward)
            * X, "X is what you differentiate by"),
           (lambda X, labels, params, forward, backward: forward(X, *params)[1], "the shape of H and Z1"),
           (lambda X, labels, params, forward, backward: backward(X, labels, *forward(X, *params), params[2])[5],
            "the shape of X"),
           (lambda X, labels, params, forward, backward: None, "forget `return`")],
}

globals().update(exercise_suite(ex, REFERENCE, WRONG, namespace=lambda: {}))


# ----------------------------------------------------------------------------- one tensor at a time


@pytest.mark.parametrize("name, slip, words", BACKWARD_SLIPS, ids=[f"{n}-{w}" for n, _, w in BACKWARD_SLIPS])
def test_a_backward_pass_with_one_wrong_tensor_is_told_which(name, slip, words, capsys):
    out = assert_rejected(ex.q3, backward_with(**{name: slip}), capsys, f"{name} is the first tensor that differs")
    assert words in out, out
    before = [n for n, _ in BACKWARD_STEPS][:[n for n, _ in BACKWARD_STEPS].index(name)]
    assert all(n in out for n in before), f"the tensors before {name} should be listed as agreeing: {out}"


def test_a_wrong_shape_is_named_with_both_shapes(capsys):
    out = assert_rejected(ex.q3, backward_with(dW2=lambda v: v["H"].T @ v["dZ2"]), capsys, "dW2")
    assert "(128, 10)" in out and "(10, 128)" in out, out


def test_a_slip_early_on_is_reported_there_not_downstream(capsys):
    out = assert_rejected(ex.q3, backward_with(dZ2=lambda v: softmax(v["Z2"], axis=1) - v["Y"]), capsys,
                          "dZ2 is the first tensor")
    assert "dW1" not in out, out


def test_a_crashing_function_is_reported(capsys):
    def crash(*args):
        raise RuntimeError("boom")
    for q in (ex.q1, ex.q2, ex.q3, ex.q4, ex.q5):
        assert_rejected(q, crash, capsys, "your function raised RuntimeError: boom")


def test_new_arrays_stored_back_into_params_are_fine_too(capsys):
    assert_accepted(ex.q4, train_epoch_with(in_place=False), capsys)  # params[i] = params[i] - lr * g


def test_float32_answers_pass_like_the_notebook_trains():
    X, labels = ex.mnist_batch()
    params = [p.astype(np.float32) for p in ex.check_params()]
    Z1, H, Z2 = ex.forward(X.astype(np.float32), *params)
    assert Z2.dtype == np.float32
    assert ex.passes(ex.q1, lambda *a: tuple(t.astype(np.float32) for t in learner_forward(*a)))


# ----------------------------------------------------------------------------- the check is autograd's, on MNIST


def test_the_reference_functions_agree_with_autograd():
    X, labels = ex.mnist_batch()
    params = ex.check_params()
    expected = ex.autograd_tensors(X, labels, params)
    Z1, H, Z2 = ex.forward(X, *params)
    for name, t in zip(ex.FORWARD_NAMES, (Z1, H, Z2), strict=True):
        np.testing.assert_allclose(t, expected[name], rtol=1e-12, atol=1e-12)
    grads = ex.backward(X, labels, Z1, H, Z2, params[2])
    for name, g in zip(ex.BACKWARD_NAMES, grads, strict=True):
        np.testing.assert_allclose(g, expected[name], rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(ex.input_grad(X, labels, params, ex.forward, ex.backward), expected["dX"],
                               rtol=1e-10, atol=1e-15)


def test_the_gradient_at_the_logits_is_checked_against_numerical_grad_and_agrees_with_autograd():
    from helpers.gradcheck import numerical_grad
    for n in (ex.N_CHECK, ex.N_OTHER):
        Z2, labels = ex._logits_check_batch(n)
        numerical = numerical_grad(lambda z, labels=labels: softmax_cross_entropy(labels, z), Z2)
        assert not ex._differs_numerically(ex.logits_grad(labels, Z2), numerical)
        assert ex._differs_numerically(ex.logits_grad(labels, Z2) * 1.001, numerical)  # the check can fail
    X, labels = ex.mnist_batch()
    np.testing.assert_allclose(ex.logits_grad(labels, ex.forward(X, *ex.check_params())[2]),
                               ex.autograd_tensors(X, labels, ex.check_params())["dZ2"], rtol=1e-10, atol=1e-15)
    assert ex.N_OTHER not in (ex.N_CHECK, 10)  # another size, and not 10: (n, 10) - (n,) must not broadcast


def test_train_epoch_matches_torch_sgd():
    X, labels = ex.mnist_batch(200)
    params = ex.check_params(seed=4, w2_scale=0.1)
    twin = [torch.tensor(p, requires_grad=True) for p in params]
    opt = torch.optim.SGD(twin, lr=0.2)
    losses = ex.train_epoch(params, X, labels, ex.forward, ex.backward, 0.2, 64, np.random.default_rng(7))
    order = np.random.default_rng(7).permutation(len(X))
    for k, start in enumerate(range(0, len(X), 64)):
        idx = torch.from_numpy(order[start:start + 64])
        W1, b1, W2, b2 = twin
        loss = torch.nn.functional.cross_entropy(torch.relu(torch.from_numpy(X)[idx] @ W1.T + b1) @ W2.T + b2,
                                                 torch.from_numpy(labels)[idx])
        assert losses[k] == pytest.approx(loss.item(), rel=1e-10)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert len(losses) == 4
    for ours, theirs in zip(params, twin, strict=True):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_the_check_batch_is_real_mnist_when_the_files_are_there():
    X, labels = ex.mnist_batch()
    assert X.shape == (64, 784) and labels.shape == (64,)
    if not (ex.raw_folder() / "train-images-idx3-ubyte").exists():
        pytest.skip("MNIST is not downloaded here: the check uses a random stand-in batch")
    assert list(labels[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]  # MNIST's first ten training labels
    assert abs(X.mean()) < 0.1 and 0.8 < X.std() < 1.2  # normalised like the notebook


# ----------------------------------------------------------------------------- yours once it passes, else the reference


def test_yours_or_reference_uses_yours_only_when_it_passes(capsys):
    status = ex.q1.status
    assert ex.yours_or_reference("forward", learner_forward, ex.q1) is learner_forward
    assert "forward: yours" in capsys.readouterr().out
    wrong = forward_with(H=lambda v: v["Z1"])
    assert ex.yours_or_reference("forward", wrong, ex.q1) is ex.q1.reference
    assert "forward: the reference (yours does not pass Exercise 1" in capsys.readouterr().out
    assert ex.q1.status == status  # the silent re-check leaves the learner's progress alone
    assert ex.yours_or_reference("backward", ..., ex.q3) is ex.q3.reference


def test_the_notebook_placeholders_are_not_attempted(capsys):
    import nbformat
    cells = nbformat.read(NOTEBOOKS / f"{ex.NOTEBOOK}.ipynb", as_version=4).cells
    for name, (i, expr) in check_cells(ex.NOTEBOOK).items():
        ns = {"np": np}
        exec(cells[i].source, ns)  # noqa: S102 - the notebook's own placeholder cell
        assert_not_attempted(getattr(ex, name), eval(expr, ns), capsys)  # noqa: S307


def test_the_notebook_trains_with_the_learners_functions_once_they_pass():
    import nbformat
    cells = nbformat.read(NOTEBOOKS / f"{ex.NOTEBOOK}.ipynb", as_version=4).cells
    picks = [c.source for c in cells if c.cell_type == "code" and 'yours_or_reference("train_epoch"' in c.source]
    assert len(picks) == 1 and all(f'yours_or_reference("{f}", {f}, q{i})' in picks[0]
                                   for i, f in [(1, "forward"), (3, "backward"), (4, "train_epoch")])
    saliency = [c.source for c in cells if c.cell_type == "code" and "input_grad_fn(" in c.source]
    assert saliency and any('yours_or_reference("input_grad", input_grad, q5)' in c.source for c in cells)
    training = next(c.source for c in cells if c.cell_type == "code" and "train_epoch_fn(" in c.source)
    assert "forward_fn, backward_fn" in training


def test_solutions_pass_and_are_accepted(capsys):
    for q in (ex.q1, ex.q2, ex.q3, ex.q4, ex.q5):
        ns = {"np": np, "softmax": softmax, "softmax_cross_entropy": softmax_cross_entropy}
        exec(q.solution_code, ns)  # noqa: S102 - our own solution text
        name = q.solution_code.split("def ")[1].split("(")[0]
        assert_accepted(q, ns[name], capsys)


# ----------------------------------------------------------------------------- tripwires


def test_a_backward_pass_that_borrows_the_loss_gradient_or_autograd_is_refused(capsys):
    from helpers.losses import softmax_cross_entropy_grad

    def borrowed(X, labels, Z1, H, Z2, W2):
        return backward_with(dZ2=lambda v: softmax_cross_entropy_grad(v["labels"], v["Z2"]))(X, labels, Z1, H, Z2, W2)

    def by_autograd(X, labels, Z1, H, Z2, W2):
        Z2_t = torch.tensor(Z2, requires_grad=True)
        torch.nn.functional.cross_entropy(Z2_t, torch.tensor(labels)).backward()
        return backward_with(dZ2=lambda v: Z2_t.grad.numpy())(X, labels, Z1, H, Z2, W2)

    assert_rejected(ex.q3, borrowed, capsys, "calls softmax_cross_entropy_grad from helpers.losses")
    assert_rejected(ex.q3, by_autograd, capsys, "calls cross_entropy from torch.nn.functional")
    assert ex.passes(ex.q3, borrowed) is False  # nor does the notebook train with it


def test_a_derived_gradient_that_is_borrowed_or_measured_is_refused(capsys):
    from helpers.gradcheck import numerical_grad
    from helpers.losses import softmax_cross_entropy_grad

    def borrowed(labels, Z2):
        return softmax_cross_entropy_grad(labels, Z2)

    def measured(labels, Z2):
        return numerical_grad(lambda z: softmax_cross_entropy(labels, z), Z2)

    def by_autograd(labels, Z2):
        z = torch.tensor(Z2, requires_grad=True)
        loss = -torch.log_softmax(z, dim=1)[torch.arange(len(z)), torch.tensor(labels)].mean()
        loss.backward()
        return z.grad.numpy()

    assert_rejected(ex.q2, borrowed, capsys, "calls softmax_cross_entropy_grad from helpers.losses")
    assert_rejected(ex.q2, measured, capsys, "from helpers.gradcheck")
    assert_rejected(ex.q2, by_autograd, capsys, "backward")


def test_an_input_gradient_by_autograd_or_by_numbers_is_refused(capsys):
    from helpers.gradcheck import numerical_grad

    def by_autograd(X, labels, params, forward, backward):
        X_t = torch.tensor(X, requires_grad=True)
        W1, b1, W2, b2 = (torch.tensor(p) for p in params)
        Z2 = torch.relu(X_t @ W1.T + b1) @ W2.T + b2
        (-torch.log_softmax(Z2, dim=1)[torch.arange(len(X)), torch.tensor(labels)].mean()).backward()
        return X_t.grad.numpy()

    def measured(X, labels, params, forward, backward):
        return numerical_grad(lambda x: softmax_cross_entropy(labels, forward(x, *params)[2]), X)

    assert_rejected(ex.q5, by_autograd, capsys, "backward")
    assert_rejected(ex.q5, measured, capsys, "from helpers.gradcheck")


def test_the_honest_answers_use_the_allowed_helpers(capsys):
    """softmax for the gradients, the given forward and backward for dX, softmax_cross_entropy for the epoch's
    losses: what the prompts allow; the other honest form of dZ2 (subtract 1 at the true digits) too."""
    assert_accepted(ex.q2, in_place_logits_grad, capsys)
    assert_accepted(ex.q3, backward_with(), capsys)
    assert_accepted(ex.q3, lambda X, labels, Z1, H, Z2, W2: learner_backward(X, labels, Z1.copy(), H, Z2, W2), capsys)
    assert_accepted(ex.q4, learner_train_epoch, capsys)
    assert_accepted(ex.q5, input_grad_with(), capsys)


def test_a_batch_size_written_in_passes_the_first_batch_and_is_named_on_the_second(capsys):
    out = assert_rejected(ex.q2, logits_grad_with(divide_by=64), capsys, "second batch, of 37 images")
    assert "divide by n" in out and "(the batch of 64 passed)" in out, out
    out = assert_rejected(ex.q3, backward_with(dZ2=lambda v: (softmax(v["Z2"], axis=1) - v["Y"]) / 64), capsys,
                          "dZ2 is the first tensor that differs from torch.autograd's on a second batch, of 37")


def test_in_place_slips_are_named_as_such_not_blamed_on_the_formula(capsys):
    out = assert_rejected(ex.q1, in_place_relu_forward, capsys, "Z1 and H are the same array")
    assert "np.maximum(Z1, 0)" in out and "bias" not in out, out

    out = assert_rejected(ex.q1, relu_in_z1_then_copy, capsys, "your ReLU changed Z1 itself")
    assert "same array" not in out and "makes no copy" not in out, out
    out = assert_rejected(ex.q3, in_place_mask_backward, capsys, "dH and dZ1 are the same array")
    assert "mask belongs to the next step" not in out, out


def test_a_forward_pass_through_the_course_layer_is_refused(capsys):
    from helpers.forward import dense

    def borrowed(X, W1, b1, W2, b2):
        return X @ W1.T + b1, dense(X, W1, b1, lambda z: np.maximum(z, 0)), None

    assert_rejected(ex.q1, borrowed, capsys, "your function calls dense from helpers.forward")


def test_the_in_place_relu_messages_give_the_true_reason(capsys):
    """Zeroing Z1's negatives leaves the ReLU mask Z1 > 0 as it was: the feedback must not claim a wrong mask."""
    for slip in (in_place_relu_forward, relu_in_z1_then_copy):
        out = assert_rejected(ex.q1, slip, capsys, "no longer the weighted sums")
        assert "wrong mask" not in out and "reads its ReLU mask from Z1" not in out, out


def test_other_notebooks_references_and_the_course_layers_are_refused(capsys):
    """04's softmax_ce_grad for dZ2; helpers.nn's layers or 05's relu_layer_backward for dX."""
    from helpers import nn
    from helpers.exercises import backprop, losses

    def via_04(labels, Z2):
        return losses.softmax_ce_grad(np.eye(10)[labels], Z2)

    def via_linear(X, labels, params, forward, backward):
        W1, b1, W2, b2 = params
        Z1, H, Z2 = forward(X, W1, b1, W2, b2)
        layer = nn.Linear(784, 128)
        layer.W.data, layer.b.data = W1, b1
        layer(X)
        return layer.backward(backward(X, labels, Z1, H, Z2, W2)[4])

    def via_sequential(X, labels, params, forward, backward):
        model, loss = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)), nn.CrossEntropyLoss()
        for layer, (W, b) in zip(model.layers[::2], (params[:2], params[2:]), strict=True):
            layer.W.data, layer.b.data = W, b
        loss(model(X), labels)
        return model.backward(loss.backward())

    def via_05(X, labels, params, forward, backward):
        W1, b1, W2, b2 = params
        Z1, H, Z2 = forward(X, W1, b1, W2, b2)
        return backprop.relu_layer_backward(X, W1, b1, backward(X, labels, Z1, H, Z2, W2)[3])[0]

    assert_rejected(ex.q2, via_04, capsys, "softmax_ce_grad")
    for borrowed in (via_linear, via_sequential):
        assert_rejected(ex.q5, borrowed, capsys, "helpers.nn")
    assert_rejected(ex.q5, via_05, capsys, "relu_layer_backward")
    assert_accepted(ex.q5, input_grad_with(), capsys)  # the honest answer still passes


def test_a_wrong_order_is_named_as_an_order_not_blamed_on_a_shape(capsys):
    """Shapes that are a permutation of the right ones: the order is named, not the first tensor's shape."""
    out = assert_rejected(ex.q3, lambda X, labels, Z1, H, Z2, W2: learner_backward(X, labels, Z1, H, Z2, W2)[::-1],
                          capsys, "in the wrong order")
    assert "its shape is" not in out, out
    # the right shapes in the wrong order, but not the right values: the order is still named, without the values
    out = assert_rejected(ex.q1, lambda X, W1, b1, W2, b2: (lambda Z1, H, Z2: (Z2, 2 * Z1, H))(
        *learner_forward(X, W1, b1, W2, b2)), capsys, "the shapes come in the wrong order")
    # dH and dZ1 have one shape: swapped, they are still named as an order, not blamed on dH's formula
    out = assert_rejected(ex.q3, lambda X, labels, Z1, H, Z2, W2: (lambda g: (*g[:3], g[4], g[3], *g[5:]))(
        learner_backward(X, labels, Z1, H, Z2, W2)), capsys, "you return dZ2, dW2, db2, dZ1, dH, dW1, db1")
    assert "mask" not in out, out


def test_an_epoch_shuffled_by_another_generator_is_told_to_use_rng(capsys):
    out = assert_rejected(ex.q4, train_epoch_with(global_rng=True), capsys, "rng.permutation(len(X))")
    assert "shuffle once, before the loop" not in out, out
    # a permutation drawn from rng and thrown away still uses rng: the generic message, not this one
    out = assert_rejected(ex.q4, train_epoch_with(extra_draw=True), capsys, "the first minibatch differs")
    assert "generator passed in" not in out, out


def test_the_exercise_objects_reference_attribute_is_refused_too(capsys):
    """`q4.reference` (tab completion shows it) reaches the reference as an attribute, not a name: still refused,
    for the exercise itself and for the other notebooks' exercises; the attribute is the real function afterwards."""
    from helpers.exercises import losses

    def delegates_q4(params, X, labels, forward, backward, lr, batch_size, rng):
        return ex.q4.reference(params, X, labels, forward, backward, lr, batch_size, rng)

    def delegates_q1(X, W1, b1, W2, b2):
        return ex.q1.reference(X, W1, b1, W2, b2)

    def swallows(X, W1, b1, W2, b2):  # catches the refusal and does the work by another route: still refused
        try:
            ex.q1._reference(X, W1, b1, W2, b2)
        except Exception:  # noqa: BLE001 - the cheat under test
            pass
        return learner_forward(X, W1, b1, W2, b2)

    def via_04(labels, Z2):
        return losses.q5.reference(np.eye(10)[labels], Z2)

    assert_rejected(ex.q4, delegates_q4, capsys, "your function calls train_epoch")
    assert_rejected(ex.q1, delegates_q1, capsys, "your function calls forward")
    assert_rejected(ex.q1, swallows, capsys, "your function calls forward")
    assert_rejected(ex.q2, via_04, capsys, "your function calls softmax_ce_grad")
    assert ex.q4.reference is ex.train_epoch and ex.q1.reference is ex.forward  # put back
    assert losses.q5.reference is losses.softmax_ce_grad
    assert_accepted(ex.q1, learner_forward, capsys)  # the honest answer still passes


def test_a_softmax_without_keepdims_is_not_blamed_on_the_labels(capsys):
    """E / E.sum(axis=1) also meets an (n,) array with an (n, 10) one: the feedback names keepdims, not only labels."""
    def no_keepdims(labels, Z2):
        E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
        P = E / E.sum(axis=1)
        P[np.arange(len(labels)), labels] -= 1
        return P / len(labels)

    out = assert_rejected(ex.q2, no_keepdims, capsys, "keepdims=True")
    assert "labels" in out  # the other cause is still named


@pytest.mark.parametrize("name", ex.PARAM_NAMES)
def test_one_wrong_update_line_is_blamed_on_its_own_weight(name, capsys):
    """Over an epoch one bad update spoils every weight; a single step shows which line is wrong."""
    others = [other for other in ex.PARAM_NAMES if other != name]
    for slip, words in ((train_epoch_with(uphill=(name,)), "stepped uphill"),
                        (train_epoch_with(no_lr=(name,)), "leaves out lr")):
        out = assert_rejected(ex.q4, slip, capsys, f"{name} -= lr * d{name}")
        assert words in out and "after a single step" in out, out
        assert not any(f"{other} -= lr" in out for other in others), out


def test_a_swapped_hidden_pair_is_named_as_an_order(capsys):
    """H and Z1 have one shape: returned swapped, they are an order slip, not a ReLU that changed Z1."""
    out = assert_rejected(ex.q1, lambda X, W1, b1, W2, b2: (lambda Z1, H, Z2: (H, Z1, Z2))(
        *learner_forward(X, W1, b1, W2, b2)), capsys, "return Z1, H, Z2")
    assert "changed Z1" not in out, out
    # H computed twice and returned in Z1's place: two arrays, both ReLU(Z1); the message names that cause too
    out = assert_rejected(ex.q1, lambda X, W1, b1, W2, b2: (lambda Z1, H, Z2: (H.copy(), H, Z2))(
        *learner_forward(X, W1, b1, W2, b2)), capsys, "in Z1's place")


def test_reductions_for_relu_are_named(capsys):
    out = assert_rejected(ex.q1, forward_with(H=lambda v: np.max(v["Z1"], 0)), capsys, "np.maximum(Z1, 0)")
    assert "(128,)" in out, out
    out = assert_rejected(ex.q1, forward_with(H=lambda v: max(v["Z1"], 0)), capsys, "Python's built-in max")
    assert "ValueError" in out, out


def test_an_epoch_wrong_only_after_the_first_step_is_not_blamed_on_one_line(capsys):
    """A learning rate that shrinks every step: the first step is right, so no update line is named."""
    def decaying(params, X, labels, forward, backward, lr, batch_size, rng):
        order, losses = rng.permutation(len(X)), []
        for step, start in enumerate(range(0, len(X), batch_size)):
            idx = order[start:start + batch_size]
            Z1, H, Z2 = forward(X[idx], *params)
            losses.append(softmax_cross_entropy(labels[idx], Z2))
            grads = backward(X[idx], labels[idx], Z1, H, Z2, params[2])
            for p, g in zip(params, (grads[5], grads[6], grads[1], grads[2]), strict=True):
                p -= lr * 0.5 ** step * g
        return losses

    out = assert_rejected(ex.q4, decaying, capsys, "one step on a single minibatch updates every weight right")
    assert "after a single step" not in out, out
