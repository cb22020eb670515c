"""helpers.nn: every layer's forward and backward against torch.autograd, finite differences,
shapes, clear errors, the optimisers against torch.optim, and a tiny training run."""

import numpy as np
import pytest
import torch

from helpers import nn
from helpers.gradcheck import numerical_grad

pytestmark = pytest.mark.filterwarnings("error")  # overflow or invalid-value warnings fail the test

RNG = np.random.default_rng(0)


def t64(a) -> torch.Tensor:
    """A float64 torch leaf tensor that records its gradient."""
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def torch_linear(layer: nn.Linear) -> torch.nn.Linear:
    """A float64 torch.nn.Linear holding a copy of our layer's weights."""
    twin = torch.nn.Linear(layer.in_features, layer.out_features, dtype=torch.float64)
    with torch.no_grad():
        twin.weight.copy_(torch.from_numpy(layer.W.data))
        twin.bias.copy_(torch.from_numpy(layer.b.data))
    return twin


def torch_twin(model: nn.Sequential) -> torch.nn.Sequential:
    """The same network in PyTorch, float64, with the same weights."""
    kinds = {nn.ReLU: torch.nn.ReLU, nn.Sigmoid: torch.nn.Sigmoid, nn.Tanh: torch.nn.Tanh}
    return torch.nn.Sequential(*[torch_linear(layer) if isinstance(layer, nn.Linear) else kinds[type(layer)]()
                                 for layer in model.layers])


# ----------------------------------------------------------------------------- layers vs autograd

@pytest.mark.parametrize("scale", [1.0, 1e-3, 1e3])
def test_linear_forward_and_backward_match_torch(scale):
    layer = nn.Linear(5, 3, rng=1)
    layer.b.data[:] = RNG.normal(size=3)
    x = RNG.normal(size=(4, 5)) * scale
    upstream = RNG.normal(size=(4, 3))
    twin, xt = torch_linear(layer), t64(x)
    yt = twin(xt)
    yt.backward(torch.from_numpy(upstream))
    y = layer(x)
    gx = layer.backward(upstream)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(gx, xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.W.grad, twin.weight.grad.numpy(), rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(layer.b.grad, twin.bias.grad.numpy(), rtol=1e-12, atol=1e-12)


EXTREME = np.array([[-1e4, -50.0, -1.0, -1e-8, 0.0], [1e-8, 1.0, 50.0, 1e4, 3.0]])


@pytest.mark.parametrize("ours, theirs", [(nn.ReLU, torch.relu), (nn.Sigmoid, torch.sigmoid), (nn.Tanh, torch.tanh)])
@pytest.mark.parametrize("x", [RNG.normal(size=(6, 4)) * 3, EXTREME], ids=["random", "extreme"])
def test_activation_forward_and_backward_match_torch(ours, theirs, x):
    layer, xt = ours(), t64(x)
    upstream = RNG.normal(size=x.shape)
    yt = theirs(xt)
    yt.backward(torch.from_numpy(upstream))
    y = layer(x)
    gx = layer.backward(upstream)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(gx))
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(gx, xt.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_relu_gradient_is_zero_at_zero_like_torch():
    layer = nn.ReLU()
    layer(np.zeros((1, 3)))
    assert np.array_equal(layer.backward(np.ones((1, 3))), np.zeros((1, 3)))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("scale", [1.0, 1e3], ids=["ordinary", "extreme"])
def test_whole_mlp_with_cross_entropy_matches_torch(activation, scale):
    model = nn.MLP([4, 7, 6, 3], activation=activation, rng=2)
    x = RNG.normal(size=(10, 4)) * scale  # scale 1e3 drives logits into the thousands
    labels = RNG.integers(0, 3, size=10)
    twin, xt = torch_twin(model), t64(x)
    loss_t = torch.nn.functional.cross_entropy(twin(xt), torch.from_numpy(labels))
    loss_t.backward()
    loss_fn = nn.CrossEntropyLoss()
    loss = loss_fn(model(x), labels)
    model.zero_grad()
    gx = model.backward(loss_fn.backward())
    assert np.isfinite(loss)
    np.testing.assert_allclose(loss, loss_t.item(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gx, xt.grad.numpy(), rtol=1e-8, atol=1e-12)
    torch_params = list(twin.parameters())
    assert len(model.parameters()) == len(torch_params) == 6
    for ours, theirs in zip(model.parameters(), torch_params, strict=True):
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-8, atol=1e-10 * scale)


def test_mse_loss_matches_torch():
    model = nn.MLP([3, 5, 2], activation="tanh", rng=3)
    x, target = RNG.normal(size=(8, 3)), RNG.normal(size=(8, 2))
    twin = torch_twin(model)
    loss_t = torch.nn.functional.mse_loss(twin(t64(x)), torch.from_numpy(target))
    loss_t.backward()
    loss_fn = nn.MSELoss()
    loss = loss_fn(model(x), target)
    model.zero_grad()
    model.backward(loss_fn.backward())
    np.testing.assert_allclose(loss, loss_t.item(), rtol=1e-12)
    for ours, theirs in zip(model.parameters(), twin.parameters(), strict=True):
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_cross_entropy_with_extreme_logits_matches_torch():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [5e3, 5e3 + 1.0, -3.0]])
    labels = np.array([1, 2, 0])  # the first is confidently wrong: loss 2e4, still finite
    lt = t64(logits)
    loss_t = torch.nn.functional.cross_entropy(lt, torch.from_numpy(labels))
    loss_t.backward()
    loss_fn = nn.CrossEntropyLoss()
    loss = loss_fn(logits, labels)
    grad = loss_fn.backward()
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(loss, loss_t.item(), rtol=1e-12)
    np.testing.assert_allclose(grad, lt.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n():
    logits, labels = RNG.normal(size=(5, 4)), np.array([0, 3, 1, 1, 2])
    loss_fn = nn.CrossEntropyLoss()
    loss_fn(logits, labels)
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(loss_fn.backward(), (probs - np.eye(4)[labels]) / 5, rtol=1e-12)


# ----------------------------------------------------------------------------- finite differences

@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_mlp_gradients_match_finite_differences(activation):
    model = nn.MLP([3, 4, 3], activation=activation, rng=4)
    x, labels = RNG.normal(size=(6, 3)), RNG.integers(0, 3, size=6)
    loss_fn = nn.CrossEntropyLoss()
    loss_fn(model(x), labels)
    model.zero_grad()
    gx = model.backward(loss_fn.backward())

    def loss_with(p, value):
        """The loss with p's data replaced by `value` (numerical_grad nudges a copy)."""
        saved = p.data.copy()
        p.data[...] = value
        try:
            return loss_fn(model(x), labels)
        finally:
            p.data[...] = saved

    for p in model.parameters():
        numeric = numerical_grad(lambda v, p=p: loss_with(p, v), p.data)
        np.testing.assert_allclose(p.grad, numeric, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(gx, numerical_grad(lambda v: loss_fn(model(v), labels), x), rtol=1e-5, atol=1e-8)


# ----------------------------------------------------------------------------- shapes and dtypes

def test_shapes_follow_torch_layout():
    layer = nn.Linear(784, 128, rng=0)
    assert layer.W.shape == (128, 784) and layer.b.shape == (128,)
    assert layer(np.zeros((2, 784))).shape == (2, 128)
    assert layer.backward(np.ones((2, 128))).shape == (2, 784)
    assert repr(layer) == "Linear(784→128)"


def test_float32_stays_float32():
    model = nn.MLP([6, 5, 3], rng=0, dtype=np.float32)
    x = RNG.normal(size=(4, 6)).astype(np.float32)
    loss_fn = nn.CrossEntropyLoss()
    logits = model(x)
    loss_fn(logits, np.array([0, 1, 2, 0]))
    gx = model.backward(loss_fn.backward())
    assert logits.dtype == gx.dtype == np.float32
    assert all(p.data.dtype == p.grad.dtype == np.float32 for p in model.parameters())


def test_he_init_has_the_right_spread_and_zero_bias():
    layer = nn.Linear(400, 300, rng=0)
    assert abs(layer.W.data.std() - np.sqrt(2 / 400)) < 0.002
    assert np.all(layer.b.data == 0)


def test_gradients_accumulate_until_zero_grad_like_torch():
    layer = nn.Linear(3, 2, rng=0)
    x, upstream = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 2))
    layer(x)
    layer.backward(upstream)
    once = layer.W.grad.copy()
    layer(x)
    layer.backward(upstream)
    np.testing.assert_allclose(layer.W.grad, 2 * once)
    layer.zero_grad()
    assert np.all(layer.W.grad == 0) and np.all(layer.b.grad == 0)


# ----------------------------------------------------------------------------- clear errors

@pytest.mark.parametrize("x, message", [
    (np.zeros((3, 100)), "Linear(784→128) got input with 100 features"),
    (np.zeros(784), "add a batch axis"),
    (np.zeros((3, 1, 28, 28)), "flatten each example"),
    (np.array([["a"] * 784]), "must be real numbers"),
])
def test_linear_says_what_is_wrong_with_the_input(x, message):
    with pytest.raises(ValueError) as err:
        nn.Linear(784, 128, rng=0)(x)
    assert message in str(err.value)


def test_backward_before_forward_and_wrong_gradient_shape_are_explained():
    for layer in (nn.Linear(3, 2), nn.ReLU(), nn.Sigmoid(), nn.Tanh()):
        with pytest.raises(RuntimeError, match="before forward"):
            layer.backward(np.ones((1, 2)))
    layer = nn.Linear(3, 2)
    layer(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"shape \(4, 3\).*had shape \(4, 2\)"):
        layer.backward(np.ones((4, 3)))
    with pytest.raises(RuntimeError, match="before forward"):
        nn.CrossEntropyLoss().backward()


@pytest.mark.parametrize("make, message", [
    (lambda: nn.Linear(0, 3), "positive whole number for in_features"),
    (lambda: nn.Linear(3, 2.5), "positive whole number for out_features"),
    (lambda: nn.Linear(3, 2, init="zeros"), "unknown init"),
    (lambda: nn.MLP([3]), "at least an input and an output"),
    (lambda: nn.MLP([3, 2], activation="swish"), "unknown activation"),
    (lambda: nn.SGD([], lr=0), "learning rate must be positive"),
    (lambda: nn.SGD([], lr=0.1, momentum=1.0), "momentum"),
])
def test_bad_construction_is_explained(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_sequential_rejects_things_that_are_not_layers():
    with pytest.raises(TypeError, match="takes layers"):
        nn.Sequential(nn.Linear(2, 2), np.tanh)


def test_cross_entropy_rejects_labels_that_do_not_fit():
    loss_fn = nn.CrossEntropyLoss()
    with pytest.raises(ValueError, match="shape"):
        loss_fn(np.zeros((4, 3)), np.array([0, 1]))
    with pytest.raises(ValueError, match="not a class"):
        loss_fn(np.zeros((2, 3)), np.array([0, 3]))


# ----------------------------------------------------------------------------- optimisers vs torch.optim

@pytest.mark.parametrize("ours, theirs", [
    (lambda ps: nn.SGD(ps, lr=0.1), lambda ps: torch.optim.SGD(ps, lr=0.1)),
    (lambda ps: nn.SGD(ps, lr=0.05, momentum=0.9), lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9)),
    (lambda ps: nn.Adam(ps, lr=0.01), lambda ps: torch.optim.Adam(ps, lr=0.01)),
], ids=["sgd", "momentum", "adam"])
def test_optimisers_take_the_same_steps_as_torch(ours, theirs):
    model = nn.MLP([3, 4, 2], activation="tanh", rng=5)
    twin = torch_twin(model)
    opt, opt_t = ours(model.parameters()), theirs(twin.parameters())
    loss_fn = nn.CrossEntropyLoss()
    x, labels = RNG.normal(size=(8, 3)), RNG.integers(0, 2, size=8)
    for _ in range(5):
        loss_fn(model(x), labels)
        opt.zero_grad()
        model.backward(loss_fn.backward())
        opt.step()
        opt_t.zero_grad()
        torch.nn.functional.cross_entropy(twin(t64(x)), torch.from_numpy(labels)).backward()
        opt_t.step()
    for ours_p, theirs_p in zip(model.parameters(), twin.parameters(), strict=True):
        np.testing.assert_allclose(ours_p.data, theirs_p.detach().numpy(), rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- a tiny training run

def test_a_tiny_network_learns_xor():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(200, 2))
    labels = ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype(int)  # XOR of the signs: not linearly separable
    model = nn.MLP([2, 16, 16, 2], activation="tanh", rng=0)
    loss_fn, opt = nn.CrossEntropyLoss(), nn.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(300):
        losses.append(loss_fn(model(x), labels))
        opt.zero_grad()
        model.backward(loss_fn.backward())
        opt.step()
    accuracy = np.mean(model(x).argmax(axis=1) == labels)
    assert losses[-1] < 0.25 * losses[0]
    assert accuracy > 0.95


# ----------------------------------------------------------------------------- skipping dL/dx for a first layer

def test_first_layer_can_skip_the_input_gradient_with_the_same_weight_gradients():
    x, labels = RNG.normal(size=(6, 5)), np.array([0, 1, 2, 0, 1, 2])
    grads = []
    for flag in (True, False):
        model = nn.Sequential(nn.Linear(5, 4, rng=7, needs_input_grad=flag), nn.ReLU(), nn.Linear(4, 3, rng=8))
        loss_fn = nn.CrossEntropyLoss()
        loss_fn(model(x), labels)
        gx = model.backward(loss_fn.backward())
        assert (gx is None) == (not flag)
        grads.append([p.grad.copy() for p in model.parameters()])
    for with_dx, without_dx in zip(*grads, strict=True):
        np.testing.assert_array_equal(with_dx, without_dx)
    assert repr(nn.Linear(784, 128, needs_input_grad=False)) == "Linear(784→128, needs_input_grad=False)"


def test_only_the_first_layer_may_skip_the_input_gradient():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2, needs_input_grad=False))
    model(np.ones((2, 3)))
    with pytest.raises(ValueError, match="only the first layer"):
        model.backward(np.ones((2, 2)))


def test_errors_a_learner_meets_are_course_errors():
    from helpers.errors import CourseError
    for make in (lambda: nn.Linear(784, 128)(np.zeros(784)), lambda: nn.ReLU().backward(np.ones((1, 2))),
                 lambda: nn.Sequential(np.tanh), lambda: nn.SGD([], lr=-1)):
        with pytest.raises(CourseError):
            make()


# ----------------------------------------------------------------------------- a loss on an earlier forward pass


@pytest.mark.parametrize("loss_fn, target", [(nn.CrossEntropyLoss(), np.array([0, 1, 1, 0, 1])),
                                             (nn.MSELoss(), RNG.normal(size=(5, 2)))])
def test_backward_after_running_other_data_of_the_same_shape_is_refused(loss_fn, target):
    """Cold read 05_n4 item 2: model(X_val) between the loss and backward() gave wrong gradients silently."""
    model = nn.MLP([3, 4, 2], activation="tanh", rng=0)
    X, X_other = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))  # the same shape: no shape check can tell
    loss_fn(model(X), target)
    model(X_other)  # e.g. the validation accuracy, printed inside the loop
    with pytest.raises(nn.StaleForwardError, match="only after backward"):
        model.backward(loss_fn.backward())


def test_backward_after_running_the_same_batch_again_or_in_order_is_accepted():
    model = nn.MLP([3, 4, 2], activation="tanh", rng=0)
    loss_fn = nn.CrossEntropyLoss()
    X, X_other, labels = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    loss_fn(model(X), labels)
    model.backward(loss_fn.backward())
    in_order = [p.grad.copy() for p in model.parameters()]
    model.zero_grad()
    loss_fn(model(X), labels)
    model(X_other)
    model(X.copy())  # the training batch again (as 05's TrainingRecorder does): the layers hold it once more
    model.backward(loss_fn.backward())
    for p, g in zip(model.parameters(), in_order, strict=True):
        np.testing.assert_array_equal(p.grad, g)
    model.zero_grad()  # a gradient that did not come from a loss, or a loss on something else: no check
    model(X)
    model.backward(np.ones((5, 2)))
    loss_fn(model(X) * 2.0, labels)
    model.backward(loss_fn.backward())
