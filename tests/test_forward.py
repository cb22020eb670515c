"""helpers.forward: the NumPy forward pass equals torch.nn's, shapes are right, and shape errors explain themselves."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from helpers.activations import relu, sigmoid, tanh
from helpers.errors import CourseError
from helpers.forward import (
    XOR_2_2_1,
    XOR_PRESET,
    XOR_X,
    XOR_Y,
    ShapeError,
    bump_network,
    dense,
    forward,
    random_xor_weights,
    xor_gradient_step,
    xor_layers,
    xor_loss,
)

PAIRS = [(None, nn.Identity()), (relu, nn.ReLU()), (sigmoid, nn.Sigmoid()), (tanh, nn.Tanh())]


def numpy_weights(layer: nn.Linear) -> tuple[np.ndarray, np.ndarray]:
    """A torch layer's weight (out, in) and bias (out,) as NumPy arrays."""
    return layer.weight.detach().numpy(), layer.bias.detach().numpy()


@pytest.mark.parametrize(("activation", "torch_activation"), PAIRS)
def test_dense_matches_nn_linear_on_a_random_batch(activation, torch_activation):
    torch.manual_seed(1)
    layer = nn.Linear(5, 4).double()  # weight (4, 5), bias (4,)
    X = np.random.default_rng(1).normal(size=(7, 5))  # a batch of 7 examples
    got = dense(X, *numpy_weights(layer), activation)
    expected = torch_activation(layer(torch.from_numpy(X))).detach().numpy()
    assert got.shape == (7, 4)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_one_example_gives_the_row_of_the_batch():
    rng = np.random.default_rng(2)
    X, W, b = rng.normal(size=(6, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)
    Z = dense(X, W, b)  # (6, 2)
    for k in range(6):
        z = dense(X[k], W, b)  # (2,)
        assert z.shape == (2,)
        np.testing.assert_allclose(z, Z[k], rtol=1e-12)
        np.testing.assert_allclose(z, W @ X[k] + b, rtol=1e-12)  # the textbook z = W x + b


def test_dense_accepts_lists_and_whole_numbers():
    got = dense([[1, 2]], [[1, 0], [0, 1], [1, 1]], [0, 0, 1])
    np.testing.assert_array_equal(got, [[1.0, 2.0, 4.0]])


@pytest.mark.parametrize("sizes", [(2, 3, 1), (4, 8, 5, 3)])
def test_forward_matches_nn_sequential_with_the_same_weights(sizes):
    torch.manual_seed(3)
    modules = []
    for d_in, d_out in zip(sizes, sizes[1:], strict=False):
        modules += [nn.Linear(d_in, d_out), nn.Sigmoid()]
    net = nn.Sequential(*modules).double()
    linears = [m for m in net if isinstance(m, nn.Linear)]
    X = np.random.default_rng(3).uniform(-2, 2, size=(10, sizes[0]))
    outputs = forward(X, [(*numpy_weights(layer), sigmoid) for layer in linears])
    assert [o.shape for o in outputs] == [(10, d) for d in sizes]  # input, then one output per layer
    np.testing.assert_allclose(outputs[-1], net(torch.from_numpy(X)).detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(outputs[1], net[:2](torch.from_numpy(X)).detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh"])
def test_xor_preset_solves_xor(hidden):
    p = XOR_PRESET
    y = forward(XOR_X, xor_layers(p["W1"], p["b1"], p["W2"], p["b2"], hidden))[-1][:, 0]  # (4,)
    np.testing.assert_array_equal(y > 0.5, XOR_Y == 1)
    assert np.all(np.abs(y - XOR_Y) < 0.01)  # confidently, not just on the right side


def test_xor_preset_with_relu_fails_only_at_one_one():
    # The notebook asks the learner to find this out; keep the claim true.
    p = XOR_PRESET
    y = forward(XOR_X, xor_layers(p["W1"], p["b1"], p["W2"], p["b2"], "relu"))[-1][:, 0]
    np.testing.assert_array_equal(y > 0.5, [False, True, True, True])


def test_xor_preset_has_the_nn_linear_shapes():
    assert {k: v.shape for k, v in XOR_PRESET.items()} == {"W1": (3, 2), "b1": (3,), "W2": (1, 3), "b2": (1,)}


@pytest.mark.parametrize(("x_shape", "W_shape", "b_shape", "message"), [
    ((4,), (3, 2), (3,), r"x has 4 features \(x.shape = \(4,\)\) but W has shape \(3, 2\): 2 columns"),
    ((5, 4), (3, 2), (3,), r"x has 4 features \(x.shape = \(5, 4\)\) but W has shape \(3, 2\)"),
    ((5, 4), (3, 1), (3,), r"W has shape \(3, 1\): 1 column, one per input feature\. .*fix whichever is wrong"),
    ((5, 2), (3, 2), (2,), r"b has shape \(2,\) but W has 3 rows, one per neuron"),
    ((5, 2), (1, 2), (3,), r"b has shape \(3,\) but W has 1 row, one per neuron: .* shape \(1,\)"),
    ((5, 2), (3, 2), (3, 1), r"b has shape \(3, 1\) but W has 3 rows"),
    ((2,), (2,), (1,), r"W must be a 2-D matrix of shape \(out_features, in_features\), got shape \(2,\)"),
    ((2, 3, 2), (3, 2), (3,), r"x must be one example \(in_features,\) or a batch \(n, in_features\)"),
])
def test_mismatched_shapes_raise_a_clear_value_error(x_shape, W_shape, b_shape, message):
    with pytest.raises(ValueError, match=message) as info:
        dense(np.ones(x_shape), np.ones(W_shape), np.ones(b_shape))
    assert isinstance(info.value, ShapeError)
    assert isinstance(info.value, CourseError)  # shown in Jupyter without a traceback


def test_forward_names_the_mismatch_between_layers():
    layers = [(np.ones((3, 2)), np.zeros(3), relu), (np.ones((1, 4)), np.zeros(1), sigmoid)]
    with pytest.raises(ValueError, match=r"x has 3 features .* but W has shape \(1, 4\)"):
        forward(np.ones((5, 2)), layers)


def test_xor_gradient_step_follows_torch_autograd():
    rng = np.random.default_rng(5)
    params = random_xor_weights(rng, hidden=3)
    lr = 0.1
    stepped = xor_gradient_step(*params, lr=lr)
    tensors = [torch.tensor(p, requires_grad=True) for p in params]
    W1, b1, W2, b2 = tensors
    X, y = torch.tensor(XOR_X), torch.tensor(XOR_Y)
    out = torch.sigmoid(torch.sigmoid(X @ W1.T + b1) @ W2.T + b2)[:, 0]
    loss = nn.functional.binary_cross_entropy(out, y)
    loss.backward()
    assert xor_loss(*params) == pytest.approx(loss.item(), rel=1e-9)
    for new, old, t in zip(stepped, params, tensors, strict=True):
        np.testing.assert_allclose(new, old - lr * t.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_gradient_steps_keep_weights_within_the_limit():
    params = tuple(20.0 * np.sign(p) for p in random_xor_weights(np.random.default_rng(1)))
    for _ in range(5):
        params = xor_gradient_step(*params, lr=50.0, limit=20.0)
    assert all(np.abs(p).max() <= 20.0 for p in params)


def test_the_2_2_1_preset_solves_xor():
    y = forward(XOR_X, xor_layers(*XOR_2_2_1.values()))[-1][:, 0]
    np.testing.assert_array_equal(y > 0.5, XOR_Y == 1)
    assert xor_loss(*XOR_2_2_1.values()) < 0.01


def test_bump_network_has_the_shapes_of_a_1_k_1_network_and_follows_its_target():
    W1, b1, W2, b2 = bump_network(np.cos, 25, 400.0)
    assert (W1.shape, b1.shape, W2.shape, b2.shape) == ((50, 1), (50,), (1, 50), (1,))
    x = np.linspace(0, 1, 101)[:, None]  # (101, 1)
    y = forward(x, [(W1, b1, sigmoid), (W2, b2, None)])[-1][:, 0]
    assert np.abs(y - np.cos(x[:, 0])).max() < 0.02


def test_the_notebooks_two_unit_bump():
    # Notebook 03's worked cell: steps at 0.4 and 0.6 with s = 50 and height 0.8.
    x = np.array([[0.1], [0.3], [0.5], [0.7], [0.9]])
    h = sigmoid(x @ np.array([[50.0], [50.0]]).T + np.array([-20.0, -30.0]))
    out = h @ np.array([0.8, -0.8])
    assert out[2] > 0.75 and np.all(np.abs(np.delete(out, 2)) < 0.01)
