"""helpers.losses against PyTorch (values and autograd gradients), on ordinary and extreme inputs."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers.activations import softmax
from helpers.losses import (
    EPS,
    LossInputError,
    cross_entropy,
    log_softmax,
    logsumexp,
    mse,
    mse_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)

SHAPES = [(1,), (7,), (4, 3), (2, 3, 5)]
EXTREME_LOGITS = np.array([
    [1e4, -1e4, 0.0],
    [-1e4, 1e4, 5.0],
    [1e4, 1e4, 1e4],
    [-1e4, -1e4, -1e4],
    [1e4, 1e4 - 1.0, -1e4],
])
EXTREME_LABELS = np.array([1, 1, 2, 0, 1])


@pytest.fixture(autouse=True)
def _strict_floats():
    """Any warning, or NumPy overflow / divide-by-zero / invalid operation, fails the test."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        yield


def _t(x):
    return torch.tensor(np.asarray(x), dtype=torch.float64)


def _torch_value_and_grad(torch_loss, x, target):
    """PyTorch's loss of x against target, and its gradient with respect to x, by autograd."""
    t = _t(x).requires_grad_()
    loss = torch_loss(t, target)
    loss.backward()
    return loss.item(), t.grad.numpy()


def _random_logits(n=6, k=4, scale=3.0, seed=0):
    rng = np.random.default_rng(seed)
    return scale * rng.normal(size=(n, k)), rng.integers(0, k, size=n)


def _finite_difference(f, x, h=1e-6):
    """Central differences of the scalar function f at every entry of x."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad


# ---------------------------------------------------------------- mse

@pytest.mark.parametrize("shape", SHAPES)
def test_mse_matches_torch(shape):
    rng = np.random.default_rng(1)
    y, yhat = rng.normal(size=shape), rng.normal(size=shape)
    assert mse(y, yhat) == pytest.approx(F.mse_loss(_t(yhat), _t(y)).item(), rel=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_mse_grad_matches_autograd(shape):
    rng = np.random.default_rng(2)
    y, yhat = rng.normal(size=shape), rng.normal(size=shape)
    _, grad = _torch_value_and_grad(F.mse_loss, yhat, _t(y))
    np.testing.assert_allclose(mse_grad(y, yhat), grad, rtol=1e-12, atol=1e-15)
    assert mse_grad(y, yhat).shape == yhat.shape


def test_mse_extreme_values_match_torch():
    y = np.array([0.0, 1e4, -1e4, 1e150])
    yhat = np.array([1e4, -1e4, 0.0, 1e150])
    loss, grad = _torch_value_and_grad(F.mse_loss, yhat, _t(y))
    assert mse(y, yhat) == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(mse_grad(y, yhat), grad, rtol=1e-12)


def test_mse_grad_matches_finite_differences():
    rng = np.random.default_rng(3)
    y, yhat = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(mse_grad(y, yhat), _finite_difference(lambda p: mse(y, p), yhat),
                               atol=1e-7)


def test_mse_accepts_lists_and_tensors():
    assert mse([1.0, 2.0], [1.0, 4.0]) == pytest.approx(2.0)
    assert mse(torch.tensor([0.0, 0.0]), torch.tensor([3.0, 4.0])) == pytest.approx(12.5)
    assert isinstance(mse([1.0], [2.0]), float)


# ---------------------------------------------------------------- softmax cross-entropy on logits

@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("scale", [0.1, 3.0, 50.0])
def test_softmax_cross_entropy_matches_torch(seed, scale):
    z, y = _random_logits(n=5 + seed, k=2 + seed, scale=scale, seed=seed)
    expected = F.cross_entropy(_t(z), torch.tensor(y)).item()
    assert softmax_cross_entropy(y, z) == pytest.approx(expected, rel=1e-10, abs=1e-12)
    assert nn_loss(z, y) == pytest.approx(expected, rel=1e-12)


def nn_loss(z, y):
    """nn.CrossEntropyLoss, the module form the notebook shows."""
    return torch.nn.CrossEntropyLoss()(_t(z), torch.tensor(y)).item()


@pytest.mark.parametrize("seed", range(4))
def test_softmax_cross_entropy_grad_matches_autograd(seed):
    z, y = _random_logits(n=3 + seed, k=5, seed=seed)
    _, grad = _torch_value_and_grad(F.cross_entropy, z, torch.tensor(y))
    np.testing.assert_allclose(softmax_cross_entropy_grad(y, z), grad, atol=1e-14)


def test_softmax_cross_entropy_extreme_logits_match_torch():
    loss, torch_grad = _torch_value_and_grad(F.cross_entropy, EXTREME_LOGITS, torch.tensor(EXTREME_LABELS))
    ours = softmax_cross_entropy(EXTREME_LABELS, EXTREME_LOGITS)
    assert np.isfinite(ours)
    assert ours == pytest.approx(loss, rel=1e-12)
    grad = softmax_cross_entropy_grad(EXTREME_LABELS, EXTREME_LOGITS)
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, torch_grad, atol=1e-14)


def test_softmax_cross_entropy_extreme_logits_have_exact_values():
    # Row 0: true class 1 is 2e4 below the max, so its loss is 2e4. Row 1: true class wins by 9995.
    assert softmax_cross_entropy([1], [[1e4, -1e4]]) == pytest.approx(2e4)
    assert softmax_cross_entropy([1], [[-1e4, 1e4, 5.0]]) == pytest.approx(0.0, abs=1e-300)
    assert softmax_cross_entropy([0], [[-1e4, -1e4, -1e4]]) == pytest.approx(np.log(3))


def test_one_hot_labels_match_class_indices_and_torch_soft_targets():
    z, y = _random_logits(n=6, k=4, seed=7)
    onehot = np.eye(4)[y]
    assert softmax_cross_entropy(onehot, z) == pytest.approx(softmax_cross_entropy(y, z), rel=1e-14)
    np.testing.assert_allclose(softmax_cross_entropy_grad(onehot, z),
                               softmax_cross_entropy_grad(y, z), atol=1e-15)
    soft = np.full((6, 4), 0.1) + 0.6 * onehot  # label smoothing: rows of probabilities
    loss, grad = _torch_value_and_grad(F.cross_entropy, z, _t(soft))
    assert softmax_cross_entropy(soft, z) == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(softmax_cross_entropy_grad(soft, z), grad, atol=1e-14)


def test_softmax_cross_entropy_grad_matches_finite_differences():
    z, y = _random_logits(n=3, k=4, seed=4)
    numeric = _finite_difference(lambda w: softmax_cross_entropy(y, w), z)
    np.testing.assert_allclose(softmax_cross_entropy_grad(y, z), numeric, atol=1e-8)


def test_logsumexp_and_log_softmax_match_torch():
    z = np.vstack([_random_logits(n=3, k=3, scale=5.0)[0], EXTREME_LOGITS])
    np.testing.assert_allclose(logsumexp(z), torch.logsumexp(_t(z), dim=1).numpy(), rtol=1e-14)
    np.testing.assert_allclose(log_softmax(z), F.log_softmax(_t(z), dim=1).numpy(),
                               rtol=1e-14, atol=1e-12)
    np.testing.assert_allclose(logsumexp(z, axis=0), torch.logsumexp(_t(z), dim=0).numpy(),
                               rtol=1e-14)


def test_integer_valued_float_labels_are_accepted():
    z, y = _random_logits(n=4, k=3, seed=5)
    assert softmax_cross_entropy(y.astype(float), z) == softmax_cross_entropy(y, z)


# ---------------------------------------------------------------- cross-entropy on probabilities

@pytest.mark.parametrize("seed", range(4))
def test_cross_entropy_matches_torch_nll_on_log_probs(seed):
    z, y = _random_logits(n=5, k=3 + seed, seed=seed)
    p = softmax(z)
    expected = F.nll_loss(torch.log(_t(p)), torch.tensor(y)).item()
    assert cross_entropy(y, p) == pytest.approx(expected, rel=1e-12)
    assert cross_entropy(np.eye(p.shape[1])[y], p) == pytest.approx(expected, rel=1e-12)
    assert cross_entropy(y, p) == pytest.approx(softmax_cross_entropy(y, z), rel=1e-10)


def test_cross_entropy_probabilities_exactly_zero_and_one():
    p = np.array([[1.0, 0.0, 0.0],    # certain and right
                  [0.0, 0.5, 0.5],    # a zero on a wrong class
                  [0.0, 1.0, 0.0]])   # certain and wrong: probability 0 on the true class
    y = np.array([0, 1, 0])
    # Rows 0 and 1 are finite in PyTorch too; row 2 is -log(0) = inf there, -log(EPS) here.
    expected_01 = F.nll_loss(torch.log(_t(p[:2])), torch.tensor(y[:2])).item()
    assert cross_entropy(y[:2], p[:2]) == pytest.approx(expected_01, rel=1e-12)
    assert cross_entropy([0], p[:1]) == 0.0
    loss = cross_entropy(y, p)
    assert np.isfinite(loss)
    assert loss == pytest.approx((np.log(2) - np.log(EPS)) / 3, rel=1e-12)
    assert cross_entropy(np.eye(3)[y], p) == pytest.approx(loss, rel=1e-12)


# ---------------------------------------------------------------- properties

finite = st.floats(-1e4, 1e4, allow_nan=False, allow_subnormal=False)


@st.composite
def logits_and_labels(draw):
    n, k = draw(st.integers(1, 5)), draw(st.integers(2, 6))
    z = draw(arrays(np.float64, (n, k), elements=finite))
    y = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    return z, y


@settings(max_examples=60, deadline=None, database=None)
@given(logits_and_labels())
def test_property_softmax_cross_entropy_is_finite_nonnegative_and_matches_torch(case):
    z, y = case
    loss = softmax_cross_entropy(y, z)
    assert np.isfinite(loss) and loss >= 0
    assert loss == pytest.approx(F.cross_entropy(_t(z), torch.tensor(y)).item(), rel=1e-9, abs=1e-9)


@settings(max_examples=60, deadline=None, database=None)
@given(logits_and_labels(), st.floats(-1e3, 1e3, allow_nan=False))
def test_property_shift_invariance(case, c):
    z, y = case
    assert softmax_cross_entropy(y, z + c) == pytest.approx(softmax_cross_entropy(y, z),
                                                            rel=1e-9, abs=1e-9)


@settings(max_examples=60, deadline=None, database=None)
@given(logits_and_labels())
def test_property_gradient_rows_sum_to_zero_and_are_bounded(case):
    z, y = case
    g = softmax_cross_entropy_grad(y, z)
    n = z.shape[0]
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g.sum(axis=1), 0.0, atol=1e-12)
    assert np.all(np.abs(g) <= 1.0 / n + 1e-12)
    assert np.all(g[np.arange(n), y] <= 0)  # raising the true logit never raises the loss


@settings(max_examples=60, deadline=None, database=None)
@given(st.integers(1, 5), st.integers(2, 6), st.data())
def test_property_cross_entropy_nonnegative_and_uniform_is_log_k(n, k, data):
    p = data.draw(arrays(np.float64, (n, k), elements=st.floats(0, 1)))
    y = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    assert np.isfinite(cross_entropy(y, p)) and cross_entropy(y, p) >= 0
    assert cross_entropy(y, np.full((n, k), 1.0 / k)) == pytest.approx(np.log(k))


@settings(max_examples=60, deadline=None, database=None)
@given(st.data())
def test_property_mse_symmetric_nonnegative_zero_iff_equal(data):
    shape = data.draw(st.sampled_from(SHAPES))
    a = data.draw(arrays(np.float64, shape, elements=finite))
    b = data.draw(arrays(np.float64, shape, elements=finite))
    assert mse(a, b) == mse(b, a) >= 0
    assert mse(a, a) == 0
    if np.max(np.abs(a - b)) > 1e-150:  # smaller differences square to 0 in float64
        assert mse(a, b) > 0
    np.testing.assert_array_equal(mse_grad(a, b), -mse_grad(b, a))


# ---------------------------------------------------------------- errors

def test_mse_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"y_true has shape \(4,\) but y_pred has shape \(3,\)"):
        mse(np.zeros(4), np.zeros(3))
    with pytest.raises(ValueError, match=r"y_true has shape \(4,\) but y_pred has shape \(4, 1\)"):
        mse_grad(np.zeros(4), np.zeros((4, 1)))  # no silent broadcasting to (4, 4)
    with pytest.raises(ValueError, match="empty"):
        mse([], [])


def test_cross_entropy_shape_mismatch_names_both_shapes():
    p = np.full((3, 4), 0.25)
    with pytest.raises(ValueError, match=r"y_true has shape \(2,\) but probs has shape \(3, 4\)"):
        cross_entropy([0, 1], p)
    with pytest.raises(ValueError, match=r"y_true has shape \(3, 3\) but probs has shape \(3, 4\)"):
        cross_entropy(np.eye(3), p)
    with pytest.raises(ValueError, match=r"labels has shape \(5,\) but logits has shape \(3, 4\)"):
        softmax_cross_entropy(np.zeros(5, dtype=int), np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"labels has shape \(2,\) but logits has shape \(3, 4\)"):
        softmax_cross_entropy_grad([0, 1], np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"shape \(n, k\).*got shape \(4,\)"):
        softmax_cross_entropy([0], np.zeros(4))


@pytest.mark.parametrize("bad, message", [
    ([0, 3], r"labels\[1\] = 3 is not a class: with 3 classes the labels must be 0..2"),
    ([-1, 0], r"labels\[0\] = -1 is not a class"),
    ([0.5, 1], r"whole-number class indices 0..2, got 0.5"),
    ([np.nan, 1], r"whole-number class indices"),
    ([True, False], r"integer class indices, got booleans"),
    (["a", "b"], r"integer class indices or one-hot"),
    ([[1, 0, 0], [1, 1, 0]], r"one-hot"),
])
def test_bad_labels_raise_clear_value_error(bad, message):
    z = np.zeros((2, 3))
    for f in (softmax_cross_entropy, softmax_cross_entropy_grad):
        with pytest.raises(ValueError, match=message):
            f(bad, z)
    with pytest.raises(ValueError, match=message.replace("labels", "y_true", 1)):
        cross_entropy(bad, np.full((2, 3), 1 / 3))


def test_probs_outside_zero_one_suggest_softmax_cross_entropy():
    with pytest.raises(ValueError, match="use softmax_cross_entropy"):
        cross_entropy([0], [[2.5, -1.0]])
    with pytest.raises(ValueError, match="nan or inf"):
        softmax_cross_entropy([0], [[np.inf, 0.0]])


def test_loss_input_error_is_a_value_error_for_learners():
    assert issubclass(LossInputError, ValueError)


# ---------------------------------------------------------------- the notebook's plot helpers

def test_binary_logit_gradients_match_autograd():
    from helpers.plots.losses import binary_logit_grads, binary_losses

    z = torch.linspace(-8, 8, 17, dtype=torch.float64, requires_grad=True)
    p = torch.sigmoid(z)
    ((1 - p) ** 2).sum().backward()
    mse_auto = z.grad.numpy().copy()
    z.grad = None
    (-torch.log(torch.sigmoid(z))).sum().backward()
    grad_mse, grad_ce = binary_logit_grads(p.detach().numpy())
    np.testing.assert_allclose(grad_mse, mse_auto, atol=1e-12)
    np.testing.assert_allclose(grad_ce, z.grad.numpy(), atol=1e-12)
    loss_mse, loss_ce = binary_losses(p.detach().numpy())
    np.testing.assert_allclose(loss_ce, [softmax_cross_entropy([0], [[v, 0.0]]) for v in z.tolist()])
    np.testing.assert_allclose(loss_mse, [mse([1.0, 0.0], softmax([v, 0.0])) for v in z.tolist()])


def test_descent_race_cross_entropy_wins_from_a_confident_mistake():
    from helpers.plots.losses import descent_race

    _, histories = descent_race(z_start=-4.0, lr=1.0, steps=100)
    first = {name: int(np.argmax(ps >= 0.9)) for name, ps in histories.items()}
    assert 0 < first["cross-entropy"] < first["MSE"] / 3
    assert histories["MSE"][0] == pytest.approx(1 / (1 + np.exp(4.0)))


def test_widget_titles_report_the_losses_they_draw():
    from helpers.plots.losses import line_data, line_fit, softmax_explorer

    x, y = line_data()
    plot = line_fit()
    plot.controls["slope"].value, plot.controls["intercept"].value = 1.5, -1.0
    assert f"MSE = {mse(y, 1.5 * x - 1.0):.3f}" in plot.fig.axes[0].get_title()
    plot = softmax_explorer()
    before = bytes(plot.image.value)
    plot.controls["true_class"].value = 2
    assert f"{softmax_cross_entropy([2], [[2.0, 1.0, 0.1]]):.3f}" in plot.fig.axes[1].get_title()
    assert bytes(plot.image.value) != before
