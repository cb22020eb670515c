"""helpers.activations against PyTorch, on ordinary and extreme inputs, plus properties (hypothesis)."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from helpers.activations import (
    ACTIVATIONS,
    ActivationInputError,
    activation,
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    step,
    tanh,
    tanh_grad,
)

SLOPE = 0.01

# name -> (ours, PyTorch's); PyTorch's derivative comes from autograd.
PAIRS = {
    "relu": (relu, relu_grad, torch.relu),
    "sigmoid": (sigmoid, sigmoid_grad, torch.sigmoid),
    "tanh": (tanh, tanh_grad, torch.tanh),
    "leaky_relu": (leaky_relu, leaky_relu_grad, lambda t: F.leaky_relu(t, SLOPE)),
}

EXTREMES = np.array([-1e4, -1e3, -710.0, -709.0, -40.0, -1e-12, 0.0, 1e-12, 40.0, 709.0, 710.0, 1e3, 1e4])


def _random(shape, scale=5.0, seed=0):
    return np.random.default_rng(seed).normal(scale=scale, size=shape)


def torch_value_and_grad(torch_fn, z: np.ndarray):
    """PyTorch's f(z) and df/dz (elementwise, via autograd) in float64."""
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    out = torch_fn(t)
    out.sum().backward()
    return out.detach().numpy(), t.grad.numpy()


def call_strict(fn, *args, **kwargs):
    """Call fn with every warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


FUNCTIONS = [a.function for a in ACTIVATIONS.values()]
GRADIENTS = [a.grad for a in ACTIVATIONS.values()]


def test_every_learnable_activation_is_compared_with_torch():
    assert set(ACTIVATIONS) - {"step"} == set(PAIRS)
    for name, (fn, grad, _) in PAIRS.items():
        assert (ACTIVATIONS[name].function, ACTIVATIONS[name].grad) == (fn, grad)


def test_registry_entries_call_their_function_and_unknown_names_are_refused():
    np.testing.assert_array_equal(ACTIVATIONS["relu"]([-1.0, 2.0]), [0.0, 2.0])
    assert ACTIVATIONS["leaky_relu"](-1.0, slope=0.5) == -0.5
    with pytest.raises(ActivationInputError, match="unknown activation 'swish'.*sigmoid"):
        activation("swish")


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("z", [
    _random((1000,)), _random((7, 9), scale=50.0, seed=1), EXTREMES, np.linspace(-8, 8, 161),
], ids=["random", "random-wide", "extremes", "grid"])
def test_matches_torch_value_and_autograd(name, z):
    fn, grad, torch_fn = PAIRS[name]
    expected, expected_grad = torch_value_and_grad(torch_fn, z)
    got, got_grad = call_strict(fn, z), call_strict(grad, z)
    assert np.all(np.isfinite(got)) and np.all(np.isfinite(got_grad))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-300)
    # 1 - tanh(z)^2 cancels for large |z|: one ulp of tanh becomes ~1e-16 absolute here.
    np.testing.assert_allclose(got_grad, expected_grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("slope", [0.0, 0.2, 1.0])
def test_leaky_relu_slope_matches_torch(slope):
    z = np.concatenate([_random((50,)), EXTREMES])
    expected, expected_grad = torch_value_and_grad(lambda t: F.leaky_relu(t, slope), z)
    np.testing.assert_allclose(call_strict(leaky_relu, z, slope=slope), expected, rtol=1e-12)
    np.testing.assert_allclose(call_strict(leaky_relu_grad, z, slope=slope), expected_grad, rtol=1e-12)


@pytest.mark.parametrize("z", [_random((200,)), EXTREMES], ids=["random", "extremes"])
def test_step_matches_torch_heaviside_and_relu_grad(z):
    expected = torch.heaviside(torch.tensor(z), torch.tensor(0.0, dtype=torch.float64)).numpy()
    np.testing.assert_array_equal(call_strict(step, z), expected)
    np.testing.assert_array_equal(step(z), relu_grad(z))  # ReLU's slope is the step function


def test_kinks_use_pytorchs_convention_at_zero():
    # At z = 0 ReLU is not differentiable; PyTorch (and we) use 0 for ReLU, `slope` for leaky ReLU.
    assert relu_grad(0.0) == 0.0
    assert leaky_relu_grad(0.0, slope=0.1) == pytest.approx(0.1)


@pytest.mark.parametrize("z", [
    _random((4, 10)), _random((3, 5), scale=1e3), np.tile(EXTREMES, (2, 1)), np.array([[1e4, -1e4, 0.0]]),
], ids=["random", "large", "extremes", "one-hot"])
@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_matches_torch(z, axis):
    expected = torch.softmax(torch.tensor(z, dtype=torch.float64), dim=axis).numpy()
    got = call_strict(softmax, z, axis=axis)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("shape", [(), (1,), (5,), (3, 4), (2, 3, 4), (0,), (2, 0, 3)])
@pytest.mark.parametrize("fn", [*FUNCTIONS, *GRADIENTS], ids=lambda f: f.__name__)
def test_same_shape_out_as_in(fn, shape):
    z = _random(shape)
    out = call_strict(fn, z)
    assert np.shape(out) == shape
    assert np.asarray(out).dtype == np.float64


@pytest.mark.parametrize("fn", [*FUNCTIONS, *GRADIENTS], ids=lambda f: f.__name__)
def test_one_number_in_one_number_out(fn):
    """sigmoid(-1.2) is a plain number, not array(0.2315...): a learner's neuron prints 0.2314752... (01, Ex. 1)."""
    out = fn(-1.2)
    assert isinstance(out, np.float64) and not isinstance(out, np.ndarray), type(out)


@pytest.mark.parametrize("shape", [(1,), (5,), (3, 4), (2, 3, 4)])
def test_softmax_same_shape_out_as_in(shape):
    assert call_strict(softmax, _random(shape)).shape == shape


def test_accepts_lists_ints_and_tensors():
    np.testing.assert_array_equal(relu([-2, 3]), [0.0, 3.0])
    np.testing.assert_allclose(sigmoid(torch.tensor([0.0])), [0.5])
    assert tanh(0) == 0.0


def test_input_is_not_modified():
    z = np.array([-1.0, 2.0])
    for fn in [*FUNCTIONS, *GRADIENTS, softmax]:
        fn(z)
    np.testing.assert_array_equal(z, [-1.0, 2.0])


@pytest.mark.parametrize("bad", [
    "1.5", b"x", None, ["a", "b"], [1.0, None], {"z": 1}, object(), [1, [2, 3]],
    np.array(["1.0"]), np.array([1 + 2j]), 3j, np.datetime64("2026-01-01"),
], ids=lambda bad: "a bare object" if type(bad) is object else repr(bad))  # stable ids for xdist
@pytest.mark.parametrize("fn", [*FUNCTIONS, *GRADIENTS, softmax],
                         ids=lambda f: f.__name__)
def test_non_numeric_input_raises_clear_error(fn, bad):
    with pytest.raises((TypeError, ValueError), match="number|dtype|softmax"):
        call_strict(fn, bad)


def test_softmax_of_a_single_number_is_refused():
    with pytest.raises(ValueError, match="at least one axis"):
        softmax(3.0)


# ---- properties (hypothesis) ----

finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
vectors = arrays(np.float64, array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6), elements=finite)


@settings(max_examples=150, deadline=None)
@given(vectors)
def test_sigmoid_is_in_unit_interval_and_symmetric(z):
    s = call_strict(sigmoid, z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(call_strict(sigmoid, -z), 1.0 - s, atol=1e-15)


@settings(max_examples=150, deadline=None)
@given(vectors)
def test_sigmoid_grad_is_s_times_one_minus_s_and_at_most_a_quarter(z):
    g = call_strict(sigmoid_grad, z)
    assert np.all((g >= 0) & (g <= 0.25))
    s = sigmoid(z)
    np.testing.assert_allclose(g, s * (1 - s))


@settings(max_examples=150, deadline=None)
@given(vectors)
def test_tanh_is_odd_bounded_and_equals_two_sigmoids(z):
    t = call_strict(tanh, z)
    assert np.all(np.abs(t) <= 1)
    np.testing.assert_allclose(call_strict(tanh, -z), -t)
    np.testing.assert_allclose(t, 2 * sigmoid(2 * z) - 1, atol=1e-12)
    assert np.all((call_strict(tanh_grad, z) >= 0) & (tanh_grad(z) <= 1))


@settings(max_examples=150, deadline=None)
@given(vectors)
def test_relu_is_idempotent_nonnegative_and_a_split(z):
    r = call_strict(relu, z)
    np.testing.assert_array_equal(relu(r), r)
    assert np.all(r >= 0)
    np.testing.assert_allclose(r - relu(-z), z)  # relu(z) - relu(-z) = z


@settings(max_examples=150, deadline=None)
@given(vectors, st.floats(min_value=0.0, max_value=1.0))
def test_leaky_relu_is_between_slope_z_and_z(z, slope):
    y = call_strict(leaky_relu, z, slope=slope)
    np.testing.assert_allclose(y, np.maximum(z, slope * z))


@settings(max_examples=150, deadline=None)
@given(vectors, st.floats(min_value=-1e3, max_value=1e3))
def test_softmax_rows_sum_to_one_and_shift_invariant(z, shift):
    p = call_strict(softmax, z)
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(call_strict(softmax, z + shift), p, atol=1e-9)
    top = np.take_along_axis(p, np.argmax(z, axis=-1)[..., None], axis=-1)
    np.testing.assert_array_equal(top[..., 0], p.max(axis=-1))  # the largest score gets the largest share
