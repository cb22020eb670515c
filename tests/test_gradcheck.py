"""helpers.gradcheck: central differences agree with gradients known by hand and by autograd."""

import numpy as np
import pytest
import torch

from helpers.gradcheck import max_rel_error, numerical_grad


def test_gradient_of_a_sum_of_cubes_is_three_x_squared():
    x = np.array([-2.0, -0.5, 0.0, 1.5])
    np.testing.assert_allclose(numerical_grad(lambda v: np.sum(v**3), x), 3 * x**2, atol=1e-6)


def test_a_matrix_argument_gets_a_gradient_of_its_shape():
    rng = np.random.default_rng(0)
    W, X = rng.normal(size=(3, 4)), rng.normal(size=(5, 4))  # W (d_out, d_in), X (n, d_in)
    grad = numerical_grad(lambda w: 0.5 * np.sum((X @ w.T) ** 2), W)
    assert grad.shape == W.shape
    np.testing.assert_allclose(grad, (X @ W.T).T @ X, atol=1e-5)  # dW = Zᵀ X


def test_agrees_with_torch_autograd_on_softmax_cross_entropy():
    rng = np.random.default_rng(1)
    Z, labels = rng.normal(size=(4, 3)), np.array([0, 2, 1, 1])

    def loss(z):
        m = z.max(axis=1, keepdims=True)
        log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
        return -log_p[np.arange(4), labels].mean()

    Z_t = torch.tensor(Z, requires_grad=True)
    torch.nn.functional.cross_entropy(Z_t, torch.tensor(labels)).backward()
    assert max_rel_error(numerical_grad(loss, Z), Z_t.grad.numpy()) < 1e-6


def test_scalar_and_list_inputs_work_and_the_input_is_not_changed():
    assert numerical_grad(lambda v: v**2, 3.0) == pytest.approx(6.0)
    x = [1.0, 2.0]
    np.testing.assert_allclose(numerical_grad(lambda v: v[0] * v[1], x), [2.0, 1.0], atol=1e-6)
    assert x == [1.0, 2.0]
    a = np.array([1.0, 2.0])
    numerical_grad(lambda v: np.sum(v), a)
    np.testing.assert_array_equal(a, [1.0, 2.0])


def test_a_wrong_formula_shows_up():
    x = np.array([0.3, -1.2])
    wrong = np.cos(x) * 2  # the derivative of sin is cos, not 2 cos
    assert max_rel_error(wrong, numerical_grad(lambda v: np.sum(np.sin(v)), x)) > 0.4


def test_max_rel_error():
    assert max_rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert max_rel_error([1.0], [1.1]) == pytest.approx(0.1 / 1.1)
    assert max_rel_error([0.0], [1e-12]) < 1e-3  # two zeros (up to rounding) agree
    with pytest.raises(ValueError, match="shapes"):
        max_rel_error(np.zeros(2), np.zeros(3))
